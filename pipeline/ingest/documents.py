"""Story documents as people write them: Markdown with YAML front matter (inbox files and
`kitchen edit`), JSON, plain text and Word files — parsed into fields and validated against the
newsroom. The formats form a registry (`FORMATS`, see `pipeline.registry`), looked up by file
extension or content type."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, ClassVar

import lxml.html
import yaml

from pipeline import words
from pipeline.registry import Kind, discover
from pipeline.sanitize import html_to_markdown, sanitize_html
from pipeline.settings import Newsroom
from pipeline.text import TITLE_LIMIT, plain_to_markdown
from pipeline.timeutil import coerce_datetime

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
TEXT_HEADERS = {
    "日期": "date", "时间": "date", "date": "date",
    "站点": "station", "station": "station", "单位": "station",
    "主题": "theme", "theme": "theme",
    "作者": "author", "author": "author", "供稿": "author",
    "摘要": "summary", "summary": "summary",
}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""A Word file's parts together, unpacked: ten times the largest file read, room for its photos
(stored nearly as they are), and a bound on the memory one file can take."""
MAX_ARCHIVE_MEMBERS = 1000
"""Parts in a Word file: an ordinary report has 10 to 30 and one per picture."""
MAX_DOCUMENT_XML_BYTES = 2 * 1024 * 1024
"""The text of a Word file (`word/document.xml`) unpacked: a report's is 20–300 KB; converting
takes a few seconds per MB of heavily formatted text, so 2 MB bounds one file to about ten."""
MAX_PARAGRAPHS = 5000
"""Paragraphs in a Word file: a report has tens; 5,000 is a book."""
PARAGRAPH_TAG = re.compile(rb"<(?:[\w.-]+:)?p[\s/>]")


class DocumentError(ValueError):
    """The document cannot become a story; the message says what to fix."""


@dataclass
class ImageSpec:
    """An image as written in a document: a file path, a stored image id, or (Word files) the
    image's own bytes — with a caption."""

    file: str | None = None
    media: str | None = None
    caption: str = ""
    data: bytes | None = None


@dataclass
class StoryFields:
    """The fields of a story document before station/theme/date are checked."""

    title: str = ""
    body_md: str = ""
    station: str | None = None
    theme: str | None = None
    date: Any = None
    author: str = ""
    summary: str = ""
    images: list[ImageSpec] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, GB18030 — what Chinese Windows editors save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DocumentError(words.ingest.not_text()) from None


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER.match(text)
    if not match:
        raise DocumentError(words.ingest.no_front_matter())
    try:
        fields = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentError(words.ingest.front_matter_not_yaml(
            mark.line + 2 if mark is not None else None, problem)) from None
    except ValueError:  # YAML reads 2026-02-30 as a date and fails building it
        raise DocumentError(words.ingest.front_matter_impossible_value()) from None
    if not isinstance(fields, dict):
        raise DocumentError(words.ingest.front_matter_not_fields())
    return fields, match.group(2)


def _images(value: Any) -> list[ImageSpec]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise DocumentError(words.ingest.images_not_a_list())
    specs = []
    for entry in value:
        if isinstance(entry, str):
            specs.append(ImageSpec(file=entry))
        elif isinstance(entry, dict):
            caption = entry.get("caption", "") or ""
            file, media = entry.get("file"), entry.get("media")
            if not isinstance(caption, str) or (file is None) == (media is None):
                raise DocumentError(words.ingest.image_entry_needs_file_or_media())
            specs.append(ImageSpec(file=None if file is None else str(file),
                                   media=None if media is None else str(media), caption=caption.strip()))
        else:
            raise DocumentError(words.ingest.image_entry_unreadable(repr(entry)))
    return specs


def _text(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    raise DocumentError(words.ingest.field_not_text(key))


def fields_from_mapping(fields: dict[str, Any], body_md: str) -> StoryFields:
    known = {"title", "date", "station", "theme", "author", "summary", "images", "body", "text"}
    return StoryFields(
        title=_text(fields, "title"),
        body_md=body_md,
        station=_text(fields, "station") or None,
        theme=_text(fields, "theme") or None,
        date=fields.get("date"),
        author=_text(fields, "author"),
        summary=_text(fields, "summary"),
        images=_images(fields.get("images")),
        extra={k: v for k, v in fields.items() if k not in known},
    )


def parse_markdown(data: bytes) -> StoryFields:
    fields, body = split_front_matter(decode_text(data))
    return fields_from_mapping(fields, body.strip() + "\n")


def parse_json(data: bytes) -> StoryFields:
    try:
        fields = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise DocumentError(words.ingest.json_invalid(exc.msg, exc.lineno, exc.colno)) from None
    if not isinstance(fields, dict):
        raise DocumentError(words.ingest.json_not_an_object())
    body = fields.get("body", fields.get("text", ""))
    if not isinstance(body, str):
        raise DocumentError(words.ingest.body_not_text())
    return fields_from_mapping(fields, plain_to_markdown(body))


def parse_plain_text(data: bytes) -> StoryFields:
    """First line: the title. Then `日期：…`, `站点：…` header lines. Then the body."""
    lines = decode_text(data).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise DocumentError(words.ingest.file_empty())
    title = lines.pop(0).strip()
    header: dict[str, Any] = {"title": title}
    while lines:
        line = lines[0].strip()
        match = re.match(r"^([^:：]{1,10})\s*[:：]\s*(.*)$", line)
        if not line:
            lines.pop(0)
            break
        if match and match.group(1).strip().lower() in TEXT_HEADERS:
            header[TEXT_HEADERS[match.group(1).strip().lower()]] = match.group(2).strip()
            lines.pop(0)
        else:
            break
    return fields_from_mapping(header, plain_to_markdown("\n".join(lines)))


def parse_docx(data: bytes) -> StoryFields:
    """A Word report (.docx): the first paragraph is the title, then `日期：`/`站点：`… lines as in
    a text file, then the body; pictures in the document become the story's photos."""
    import mammoth  # only Word files need it, and it is slow to import

    check_word_archive(data)
    pictures: list[bytes] = []

    def keep(image: Any) -> dict[str, str]:
        with image.open() as stream:
            pictures.append(stream.read())
        return {"src": f"docx-picture-{len(pictures)}"}

    try:
        converted = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(keep))
    except Exception as exc:  # noqa: BLE001 — zipfile, XML and mammoth's own errors
        raise DocumentError(words.ingest.word_unreadable(f"{type(exc).__name__}: {exc}")) from None
    if not converted.value.strip():
        raise DocumentError(words.ingest.word_has_no_text())
    root = lxml.html.fragment_fromstring(converted.value, create_parent="div")
    blocks = [block for block in root if " ".join(block.text_content().split()) or block.xpath(".//img")]
    header: dict[str, Any] = {}
    while blocks and not header.get("title"):
        header["title"] = " ".join(blocks.pop(0).text_content().split())
    while blocks:
        line = " ".join(blocks[0].text_content().split())
        match = re.match(r"^([^:：]{1,10})\s*[:：]\s*(.*)$", line)
        if not match or match.group(1).strip().lower() not in TEXT_HEADERS or blocks[0].xpath(".//img"):
            break
        header[TEXT_HEADERS[match.group(1).strip().lower()]] = match.group(2).strip()
        blocks.pop(0)
    body_html = "".join(lxml.html.tostring(block, encoding="unicode") for block in blocks)
    body_md = html_to_markdown(re.sub(r"<img\b[^>]*>", "", sanitize_html(body_html)))
    fields = fields_from_mapping(header, body_md)
    fields.images = [ImageSpec(data=picture, file=f"picture-{n}") for n, picture in enumerate(pictures, 1)]
    return fields


def check_word_archive(data: bytes) -> None:
    """Refuse a Word file whose unpacking would take more memory or time than a report needs (a
    zip bomb): checked from the zip's directory and the document's size before anything is
    converted, then its paragraphs are counted in the raw XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise DocumentError(words.ingest.word_unreadable()) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise DocumentError(words.ingest.word_too_many_parts(len(members), MAX_ARCHIVE_MEMBERS))
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise DocumentError(words.ingest.word_unpacks_too_large(unpacked // (1024 * 1024),
                                                                    MAX_UNPACKED_BYTES // (1024 * 1024)))
        document = next((member for member in members if member.filename == "word/document.xml"), None)
        if document is None:
            return  # mammoth says what is missing
        if document.file_size > MAX_DOCUMENT_XML_BYTES:
            raise DocumentError(words.ingest.word_text_too_large(document.file_size // 1024,
                                                                 MAX_DOCUMENT_XML_BYTES // 1024))
        with archive.open(document) as stream:
            xml = stream.read(MAX_DOCUMENT_XML_BYTES + 1)  # the directory's size may lie; read no more
    if len(xml) > MAX_DOCUMENT_XML_BYTES:
        raise DocumentError(words.ingest.word_text_more_than(MAX_DOCUMENT_XML_BYTES // 1024))
    paragraphs = len(PARAGRAPH_TAG.findall(xml))
    if paragraphs > MAX_PARAGRAPHS:
        raise DocumentError(words.ingest.word_too_many_paragraphs(paragraphs, MAX_PARAGRAPHS))


class DocumentFormat(Kind):
    """A file format a report may come in: its file extensions, its content types (the first is
    stored with the raw document), its parser and the largest file read."""

    suffixes: ClassVar[tuple[str, ...]]
    content_types: ClassVar[tuple[str, ...]]
    max_bytes: ClassVar[int] = MAX_DOCUMENT_BYTES

    @classmethod
    def parse(cls, data: bytes) -> StoryFields:
        """The document's fields; raises DocumentError saying what to fix."""
        raise NotImplementedError


class WordFormat(DocumentFormat):
    kind = "docx"
    suffixes = (".docx",)
    content_types = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)

    @classmethod
    def parse(cls, data: bytes) -> StoryFields:
        return parse_docx(data)


class MarkdownFormat(DocumentFormat):
    kind = "markdown"
    suffixes = (".md", ".markdown")
    content_types = ("text/markdown",)

    @classmethod
    def parse(cls, data: bytes) -> StoryFields:
        return parse_markdown(data)


class JsonFormat(DocumentFormat):
    kind = "json"
    suffixes = (".json",)
    content_types = ("application/json",)

    @classmethod
    def parse(cls, data: bytes) -> StoryFields:
        return parse_json(data)


class TextFormat(DocumentFormat):
    kind = "text"
    suffixes = (".txt",)
    content_types = ("text/plain",)

    @classmethod
    def parse(cls, data: bytes) -> StoryFields:
        return parse_plain_text(data)


FORMATS = (WordFormat, MarkdownFormat, JsonFormat, TextFormat)


@cache
def known_formats() -> dict[str, type[DocumentFormat]]:
    """The inbox formats by kind, found in the ingest package's modules like every registry's kinds."""
    return discover("pipeline.ingest", "FORMATS", DocumentFormat)


@cache
def _by_suffix() -> dict[str, type[DocumentFormat]]:
    return {suffix: fmt for fmt in known_formats().values() for suffix in fmt.suffixes}


@cache
def _by_content_type() -> dict[str, type[DocumentFormat]]:
    return {content_type: fmt for fmt in known_formats().values() for content_type in fmt.content_types}


def format_for_suffix(suffix: str) -> type[DocumentFormat] | None:
    """The format of files ending in `suffix` (".md"; any case), or None when reports are not read
    from such files."""
    return _by_suffix().get(suffix.lower())


def format_for_content_type(content_type: str) -> type[DocumentFormat] | None:
    """The format of a document sent as `content_type` (parameters such as charset ignored)."""
    return _by_content_type().get(content_type.split(";")[0].strip().lower())


def main_suffixes() -> list[str]:
    """Each format's main extension: [".docx", ".md", ".json", ".txt"]."""
    return [fmt.suffixes[0] for fmt in known_formats().values()]


def known_suffixes() -> str:
    """The formats' main extensions as a person reads them: ".docx、.md、.json 或 .txt"."""
    return words.ingest.known_suffixes(main_suffixes())


@dataclass(frozen=True)
class CheckedFields:
    title: str
    body_md: str
    station_id: str
    theme: str | None
    dateline: datetime | None
    author: str
    summary: str
    problems_noted: tuple[str, ...]


def resolve_station(newsroom: Newsroom, value: str | None) -> str | None:
    """A station named by id or by its full Chinese name."""
    if not value:
        return None
    if value in newsroom.stations:
        return value
    for station in newsroom.stations.values():
        if station.name == value:
            return station.id
    return None


def check_fields(fields: StoryFields, newsroom: Newsroom, default_station: str | None = None,
                 station_hint: str = "", unknown_theme: str = "flag", kind: str = "markdown") -> CheckedFields:
    """Validate a document's fields; raise DocumentError listing everything that must be fixed
    (a field named as the file's format, `kind`, writes it: `station:` or `站点：`).
    A theme the newsroom does not know is left empty with a flag in `problems_noted` (an inbox
    file: the report still comes in), or with `unknown_theme="refuse"` is one of the problems (an
    editor's own edit, which must not lose the theme without a word)."""
    problems, notes = [], []
    title = " ".join(fields.title.split())
    if not title:
        problems.append(words.ingest.title_missing())
    elif len(title) > TITLE_LIMIT:
        problems.append(words.ingest.title_too_long(len(title), TITLE_LIMIT))
    if not fields.body_md.strip():
        problems.append(words.ingest.body_empty())
    station_id = resolve_station(newsroom, fields.station) or (
        None if fields.station else default_station)
    if fields.station and station_id is None:
        problems.append(words.ingest.station_unknown(fields.station))
    elif station_id is None:
        problems.append(words.ingest.station_missing(kind) + station_hint)
    theme = newsroom.resolve_theme(fields.theme)
    if fields.theme and theme is None:
        if unknown_theme == "refuse":
            themes = [(theme.id, theme.name) for theme in newsroom.themes.values()]
            problems.append(words.ingest.theme_unknown(fields.theme, themes))
        else:
            notes.append(words.ingest.theme_unknown_left_empty(fields.theme))
    dateline = None
    if fields.date not in (None, ""):
        try:
            dateline = coerce_datetime(fields.date, newsroom.tz)
        except (ValueError, TypeError):
            problems.append(words.ingest.date_invalid(str(fields.date)))
    if isinstance(fields.date, date) and not isinstance(fields.date, datetime):
        notes.append(words.ingest.date_without_time())
    if problems:
        raise DocumentError(words.ingest.problems(problems))
    assert station_id is not None
    return CheckedFields(title=title, body_md=fields.body_md, station_id=station_id, theme=theme,
                         dateline=dateline, author=fields.author, summary=fields.summary,
                         problems_noted=tuple(notes))
