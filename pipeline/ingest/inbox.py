"""The shared inbox folder: Markdown with front matter, JSON and plain-text reports (with photos).

For each file: the raw bytes are stored first; a valid file becomes a report and a draft story and
moves to `_done/`; an invalid one moves to `_quarantine/` with a `.reason.txt` beside it — never
deleted. When a file of the same name later comes in fine, its errors are resolved and the
quarantined copy with its note moves on to `_quarantine/_resolved/`. A file whose bytes were
already ingested creates nothing new. Only regular files are read, nothing is written or moved
through a link, and one file never stops the others.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from pipeline import store as t
from pipeline import words
from pipeline.fsutil import (
    UnsafePath,
    describe_kind,
    folder_without_links,
    inside,
    move_entry,
    read_regular_file,
    unique_destination,
    write_new_file,
)
from pipeline.ingest import IngestSummary, Progress, SourceKind
from pipeline.ingest.documents import (
    MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES,  # re-exported: the inbox's limit
)
from pipeline.ingest.documents import (
    DocumentError,
    DocumentFormat,
    ImageSpec,
    check_fields,
    format_for_suffix,
    main_suffixes,
)
from pipeline.ingest.reports import Filed, ReportInput, file_report
from pipeline.limits import PARSE_SECONDS, TookTooLong, within
from pipeline.media import BadImage, import_image
from pipeline.model import ImageRef, SourceConfig
from pipeline.settings import Newsroom
from pipeline.store import Store, insert_row
from pipeline.stories import resolve_ingest_errors
from pipeline.timeutil import format_local

DONE = "_done"
QUARANTINE = "_quarantine"
RESOLVED = "_resolved"
"""Inside `_quarantine/`: files whose fixed version came in since, with their notes."""
NOTE = ".reason.txt"


@dataclass
class _Outcome:
    images: list[Path]
    ok: bool


class InboxSource(SourceKind):
    """The shared inbox folder (`path`, default `inbox`)."""

    kind = "inbox"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        for key in options:
            if key != "path":
                problems.append((key, words.ingest.option_unknown_for_inbox()))
        if "path" in options and (not isinstance(options["path"], str) or not options["path"].strip()):
            problems.append(("path", words.ingest.option_folder_path()))
        return problems

    @classmethod
    def ingest(cls, newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime,
               progress: Progress | None = None) -> IngestSummary:
        return ingest_inbox(newsroom, store, source, now)


def inbox_folder(newsroom: Newsroom, source: SourceConfig) -> Path:
    return newsroom.path(source.options.get("path", "inbox"))


PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def candidate_files(root: Path, summary: IngestSummary | None = None) -> list[Path]:
    """Report files in the inbox, skipping _done/, _quarantine/, hidden folders, photos (read with
    the report that names them), Word's `~$` lock files, hidden files of other types and our own
    `.reason.txt` notes. Other files are left in place and named in the summary, as are linked
    folders (not followed)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in [d for d in dirs if (Path(folder) / d).is_symlink()]:
            dirs.remove(name)  # os.walk would not descend; say so rather than pass over it in silence
            if summary is not None:
                summary.skipped.append((printable((Path(folder) / name).relative_to(root).parts),
                                        words.ingest.folder_link_not_followed()))
        for name in sorted(files):
            path = Path(folder) / name
            suffix = path.suffix.lower()
            known = format_for_suffix(suffix) is not None
            if (name.startswith("~$") or (name.startswith(".") and not known) or name.endswith(NOTE)
                    or suffix in PHOTO_SUFFIXES):
                continue
            if known:
                found.append(path)
            elif summary is not None:
                summary.skipped.append((printable(path.relative_to(root).parts),
                                        words.ingest.file_type_not_read(printable((suffix or name,)), main_suffixes())))
    return found


def name_problem(parts: tuple[str, ...]) -> str | None:
    """Why a file at this path (inside the inbox) is quarantined for its name alone, or None."""
    for part in parts:
        if any(unicodedata.category(char) == "Cs" for char in part):  # bytes os.walk could not decode
            return words.ingest.name_not_utf8()
        if any(unicodedata.category(char) == "Cc" for char in part):
            return words.ingest.name_has_control_characters()
    if parts[-1].startswith("."):
        return words.ingest.name_starts_with_dot()
    return None


def printable(parts: tuple[str, ...]) -> str:
    """A path inside the inbox as it can be shown and stored: bytes that are not UTF-8 and control
    characters written as `\\xNN`."""
    text = "/".join(part.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") for part in parts)
    return "".join(f"\\x{ord(char):02x}" if unicodedata.category(char) == "Cc" else char for char in text)


def _safe_part(part: str) -> str:
    """A file or folder name as it is given in `_quarantine/` and `_done/`: bytes that are not UTF-8
    and control characters written as `%NN`, a leading dot as `_` (so nothing there is hidden)."""
    safe = "".join(f"%{ord(char) - 0xDC00:02X}" if unicodedata.category(char) == "Cs"
                   else f"%{ord(char):02X}" if unicodedata.category(char) == "Cc" else char for char in part)
    return "_" + safe[1:] if safe.startswith(".") else safe


def ingest_inbox(newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime) -> IngestSummary:
    root = inbox_folder(newsroom, source).resolve()
    summary = IngestSummary()
    if not root.is_dir():
        summary.source_errors.append((source.id, words.ingest.inbox_missing(str(root))))
        return summary
    outcomes = []
    for path in candidate_files(root, summary):
        try:
            outcomes.append(_ingest_file(newsroom, store, source, root, path, now, summary))
        except Exception as exc:  # noqa: BLE001 — whatever one file does, the others go on
            summary.skipped.append((printable(path.relative_to(root).parts),
                                    words.ingest.file_not_handled(f"{type(exc).__name__}: {exc}")))
    _move_images(root, outcomes, summary)
    return summary


def _ingest_file(newsroom: Newsroom, store: Store, source: SourceConfig, root: Path, path: Path,
                 now: datetime, summary: IngestSummary) -> _Outcome:
    relative = printable(path.relative_to(root).parts)
    fmt = format_for_suffix(path.suffix)
    assert fmt is not None  # candidate_files keeps only files of a known format
    try:
        refusal, data = _read_report(root, path, fmt)
    except FileNotFoundError:
        return _Outcome([], True)  # taken away while we worked (someone tidying the shared folder)
    if refusal:
        _quarantine(store, source, root, path, relative, None, refusal, now, summary)
        return _Outcome([], False)
    digest = hashlib.sha256(data).hexdigest()
    with store.begin() as conn:
        raw = conn.execute(select(t.raw_documents.c.id).where(
            t.raw_documents.c.source_id == source.id, t.raw_documents.c.sha256 == digest)
            .order_by(t.raw_documents.c.id)).first()
        if raw is not None and _has_report(conn, raw.id):
            summary.duplicates += 1
            filed_to = _file_away(root, path, relative, summary)
            _resolve_earlier_errors(newsroom, store, source, root, relative, digest, filed_to, now, summary)
            return _Outcome([], True)
        raw_id = raw.id if raw is not None else _store_raw(conn, source, relative, path, fmt, data, digest, now)

    fields = None
    try:
        fields = within(PARSE_SECONDS, fmt.parse, data)
        parts = path.relative_to(root).parts
        folder = parts[0] if len(parts) > 1 else None
        default_station = folder if folder in newsroom.stations else source.station
        hint = words.ingest.folder_not_a_station(folder) if folder and folder not in newsroom.stations else ""
        checked = check_fields(fields, newsroom, default_station, hint, kind=fmt.kind)
        image_files = _image_files(root, path, [spec for spec in fields.images if spec.data is None])
        pictures = [(_read_photo(image_path, spec), image_path.name, spec) for image_path, spec in image_files]
        pictures += [(spec.data, f"{path.stem}-{spec.file}", spec) for spec in fields.images if spec.data is not None]
        with store.begin() as conn:
            refs = []
            for data_bytes, name, spec in pictures:
                try:
                    refs.append(import_image(conn, newsroom.media_dir, data_bytes, name, now, spec.caption))
                except BadImage as exc:
                    raise DocumentError(str(exc)) from None
            filed = _create_report_and_story(conn, newsroom, source, raw_id, checked, refs,
                                             fields.date is not None, path, now)
    except DocumentError as exc:
        reason = str(exc)
    except TookTooLong as exc:
        reason = words.ingest.reading_took_too_long(exc.seconds)
    except Exception as exc:  # noqa: BLE001 — whatever one file does, the others go on
        reason = words.ingest.file_not_readable(f"{type(exc).__name__}: {exc}")
    else:
        summary.count(filed)
        summary.flagged.extend((relative, flag) for flag in checked.problems_noted)
        filed_to = _file_away(root, path, relative, summary)
        _resolve_earlier_errors(newsroom, store, source, root, relative, digest, filed_to, now, summary)
        return _Outcome([image_path for image_path, _ in image_files], True)
    _quarantine(store, source, root, path, relative, raw_id, reason, now, summary)
    return _Outcome(_referenced_images(path, fields), False)


def _image_files(root: Path, path: Path, specs: list[ImageSpec]) -> list[tuple[Path, ImageSpec]]:
    """The photos a report names, each checked to be a file inside the inbox."""
    found = []
    for spec in specs:
        if spec.file is None:
            raise DocumentError(words.ingest.photo_by_media())
        if Path(spec.file).is_absolute():
            raise DocumentError(words.ingest.photo_absolute_path(spec.file))
        try:
            image_path = inside(path.parent, spec.file)
        except UnsafePath:
            raise DocumentError(words.ingest.photo_outside(spec.file)) from None
        if not image_path.is_relative_to(root):
            raise DocumentError(words.ingest.photo_outside(spec.file))
        if not os.path.lexists(image_path):
            raise DocumentError(words.ingest.photo_not_found(spec.file))
        found.append((image_path, spec))
    return found


def _read_photo(path: Path, spec: ImageSpec) -> bytes:
    try:
        return read_regular_file(path)
    except UnsafePath:
        raise DocumentError(words.ingest.photo_not_a_file(spec.file or path.name)) from None


def _read_report(root: Path, path: Path, fmt: type[DocumentFormat]) -> tuple[str | None, bytes]:
    """The file's bytes, or the reason to quarantine it unread: an odd name, a link, a pipe, socket
    or device (never opened: reading a pipe waits for a writer forever), or too many bytes."""
    refusal = name_problem(path.relative_to(root).parts)
    if refusal:
        return refusal, b""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return words.ingest.file_is_a_link(), b""
    if not stat.S_ISREG(info.st_mode):
        return words.ingest.not_a_regular_file(describe_kind(info.st_mode)), b""
    if info.st_size > fmt.max_bytes:
        return words.ingest.file_too_large(-(-info.st_size // 1024), fmt.max_bytes // 1024), b""
    try:
        return None, read_regular_file(path)
    except UnsafePath:  # replaced by a link or a pipe since the check above
        return words.ingest.file_changed_while_read(), b""


def _quarantine(store: Store, source: SourceConfig, root: Path, path: Path, relative: str,
                raw_id: int | None, reason: str, now: datetime, summary: IngestSummary) -> None:
    """Move the file aside with its reason beside it, and record the error; nothing is deleted.
    A file that cannot be moved stays where it is, named in the summary with both reasons."""
    destination = None
    try:
        moved = _move(root, path, QUARANTINE, companions=(NOTE,))
    except (OSError, UnsafePath) as exc:
        summary.skipped.append((relative, words.ingest.not_moved_to_quarantine(reason, QUARANTINE, str(exc))))
    else:
        destination = moved.relative_to(root).as_posix()
        try:
            write_new_file(moved.with_name(moved.name + NOTE), words.ingest.quarantine_note(relative, reason))
        except OSError as exc:  # a link or file put at the note's name since it was chosen: not written through
            reason = words.ingest.note_not_written(reason, moved.name + NOTE, str(exc))
        summary.quarantined += 1
        summary.errors.append((relative, reason))
    with store.begin() as conn:
        if raw_id is not None:
            conn.execute(update(t.raw_documents).where(t.raw_documents.c.id == raw_id).values(error=reason))
        conn.execute(insert(t.ingest_errors).values(
            source_id=source.id, raw_document_id=raw_id, item=relative, reason=reason,
            quarantined_to=destination, created_at=now))


def _has_report(conn: Connection, raw_id: int) -> bool:
    return conn.execute(select(t.reports.c.id).where(t.reports.c.raw_document_id == raw_id)).first() is not None


def _store_raw(conn: Connection, source: SourceConfig, relative: str, path: Path,
               fmt: type[DocumentFormat], data: bytes, digest: str, now: datetime) -> int:
    stat = path.stat()
    headers = {"filename": relative, "mtime": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat()}
    content_type = fmt.content_types[0]
    return insert_row(conn, insert(t.raw_documents).values(
        source_id=source.id, url=f"inbox:{relative}", fetched_at=now, headers=headers,
        content_type=content_type, body=data, sha256=digest, size=len(data),
    ))


def _create_report_and_story(conn: Connection, newsroom: Newsroom, source: SourceConfig, raw_id: int,
                             checked: Any, refs: list[ImageRef], dated: bool, path: Path, now: datetime) -> Filed:
    dateline = checked.dateline or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return file_report(conn, newsroom, ReportInput(
        source_id=source.id, raw_document_id=raw_id, station_id=checked.station_id, title=checked.title,
        body_md=checked.body_md, published_at=dateline, date_source="meta" if dated else "file",
        author=checked.author, theme=checked.theme, summary=checked.summary, images=refs,
        flags=list(checked.problems_noted), method="file"), now)


def _move(root: Path, path: Path, folder: str, companions: tuple[str, ...] = ()) -> Path:
    """Move `path` to the same place under `folder` (names made safe, see `_safe_part`), under a
    name no entry has (nor, for each of `companions`, the name plus that ending): no folder on the
    way may be a link, and no link there is followed or replaced."""
    target = root / folder / Path(*(_safe_part(part) for part in path.relative_to(root).parts))
    folder_without_links(root, target.parent)
    destination = unique_destination(target, companions)
    move_entry(path, destination)
    return destination


def _file_away(root: Path, path: Path, relative: str, summary: IngestSummary) -> str | None:
    """Move a filed (or already filed) report to `_done/` and say where it went (inside the inbox);
    when that fails it stays, named in the summary, and the next run finds it already filed."""
    try:
        return _move(root, path, DONE).relative_to(root).as_posix()
    except FileNotFoundError:
        return None  # taken away while we worked
    except (OSError, UnsafePath) as exc:
        summary.skipped.append((relative, words.ingest.filed_but_not_moved(DONE, str(exc))))
        return None


def _resolve_earlier_errors(newsroom: Newsroom, store: Store, source: SourceConfig, root: Path, relative: str,
                            digest: str, filed_to: str | None, now: datetime, summary: IngestSummary) -> None:
    """The file at `relative` came in fine: its earlier errors are resolved, and what their
    quarantine left behind stops saying it still needs fixing (see `_retire_quarantined`)."""
    with store.begin() as conn:
        rows = resolve_ingest_errors(conn, source.id, relative, now, stages=("file",))
        failed = {row.id: row.sha256 for row in conn.execute(select(t.raw_documents.c.id, t.raw_documents.c.sha256)
                  .where(t.raw_documents.c.id.in_([r.raw_document_id for r in rows if r.raw_document_id])))}
    summary.resolved += len(rows)
    when = format_local(now, newsroom.tz)
    for row in rows:
        if not row.quarantined_to:
            continue
        try:
            moved_to = _retire_quarantined(root, row.quarantined_to, failed.get(row.raw_document_id), digest,
                                           when, filed_to or relative)
        except (OSError, UnsafePath) as exc:
            summary.skipped.append((row.quarantined_to, words.ingest.not_retired(RESOLVED, str(exc))))
            continue
        if moved_to is not None:  # the error keeps saying where its file is
            with store.begin() as conn:
                conn.execute(update(t.ingest_errors).where(t.ingest_errors.c.id == row.id)
                             .values(quarantined_to=moved_to))


def _retire_quarantined(root: Path, quarantined_to: str, failed_sha: str | None, filed_sha: str, when: str,
                        filed_to: str) -> str | None:
    """Move a resolved error's quarantined copy and its note to `_quarantine/_resolved/`, the note
    saying when the fixed file came in, and return where the copy went; nothing is deleted. A copy
    changed since it was set aside (it may be a newer fix) stays where it is, and its note says so
    instead."""
    copy = inside(root, quarantined_to)
    if not copy.is_relative_to(root / QUARANTINE) or copy.is_relative_to(root / QUARANTINE / RESOLVED):
        return None
    note = copy.with_name(copy.name + NOTE)
    has_copy, has_note = os.path.lexists(copy), os.path.lexists(note)
    if not has_copy and not has_note:
        return None  # tidied by hand already
    if has_copy and _changed_since_quarantined(copy, note if has_note else None, failed_sha, filed_sha):
        if has_note:
            _append_to_note(note, words.ingest.resolved_note_copy_kept(when, filed_to))
        return None
    target = root / QUARANTINE / RESOLVED / copy.relative_to(root / QUARANTINE)
    folder_without_links(root, target.parent)
    destination = unique_destination(target, companions=(NOTE,))
    moved_note = destination.with_name(destination.name + NOTE)
    if has_copy:
        move_entry(copy, destination)
    if has_note:
        move_entry(note, moved_note)
        _append_to_note(moved_note, words.ingest.resolved_note(when, filed_to))
    else:
        write_new_file(moved_note, words.ingest.resolved_note(when, filed_to).lstrip())
    return destination.relative_to(root).as_posix()


def _changed_since_quarantined(copy: Path, note: Path | None, failed_sha: str | None, filed_sha: str) -> bool:
    """Whether the quarantined copy was changed after it was set aside: its bytes are neither those
    that failed nor those that came in (or, for a file refused unread, it is newer than its note).
    A link or a pipe is what was refused, and moving it reads nothing."""
    info = copy.lstat()
    if not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size <= MAX_DOCUMENT_BYTES:
        try:
            sha = hashlib.sha256(read_regular_file(copy)).hexdigest()
        except UnsafePath:
            return False
        if sha in (failed_sha, filed_sha):
            return False
        if failed_sha is not None:
            return True
    return note is not None and info.st_mtime > note.lstat().st_mtime


def _append_to_note(note: Path, text: str) -> None:
    """Add `text` to one of our quarantine notes, never through a link or into anything but a file."""
    fd = os.open(note, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "ab") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnsafePath(f"'{note.name}' is not a file")
        handle.write(text.encode("utf-8"))


def _move_images(root: Path, outcomes: list[_Outcome], summary: IngestSummary) -> None:
    """Photos of ingested files follow them to _done/, unless a quarantined file still needs them
    (they stay in the inbox for when the fixed file comes back)."""
    still_needed = {image for o in outcomes if not o.ok for image in o.images}
    for outcome in outcomes:
        for image in outcome.images:
            if outcome.ok and os.path.lexists(image) and image not in still_needed:
                _file_away(root, image, printable(image.relative_to(root).parts), summary)


def _referenced_images(path: Path, fields: Any) -> list[Path]:
    """The photos a quarantined file names, as far as it could be read."""
    found = []
    for spec in getattr(fields, "images", []):
        if spec.file and spec.data is None:
            try:
                found.append(inside(path.parent, spec.file))
            except UnsafePath:
                continue
    return found


SOURCE_KINDS = (InboxSource,)
