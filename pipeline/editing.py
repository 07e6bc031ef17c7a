"""`kitchen edit` and `kitchen correct`: a story as a Markdown document with front matter, and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import Connection

from pipeline import words
from pipeline.ingest.documents import (
    DocumentError,
    check_fields,
    fields_from_mapping,
    split_front_matter,
)
from pipeline.media import BadImage, find_media, import_image
from pipeline.model import StoryDraft, StorySnapshot
from pipeline.settings import Newsroom
from pipeline.text import clean_draft
from pipeline.timeutil import format_local


def story_to_document(snap: StorySnapshot, newsroom: Newsroom, correction: bool = False,
                      correction_note: str = "") -> str:
    content = snap.revision.content
    fields: dict[str, object] = {
        "title": content.title,
        "station": content.station_id,
        "theme": content.theme or "",
        "date": format_local(content.dateline, newsroom.tz),
        "author": content.author,
        "summary": content.summary,
        "images": [{"media": image.sha256[:12], "caption": image.caption} for image in content.images],
    }
    if correction:
        fields["correction"] = correction_note
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    header = words.ingest.edit_header(snap.story.id, snap.revision.number,
                                      words.name_of(words.STORY_STATES, snap.story.state), newsroom.site.timezone)
    if correction:
        header += words.ingest.correction_hint()
    return f"---\n{header}{front}---\n{content.body_md.rstrip()}\n"


def document_to_draft(text: str, newsroom: Newsroom, conn: Connection, now: datetime,
                      correction: bool = False) -> tuple[StoryDraft, str]:
    """Parse and validate an edited document; returns the draft and the correction note."""
    mapping, body = split_front_matter(text)
    note = ""
    if correction:
        raw_note = mapping.pop("correction", "")
        note = str(raw_note or "").strip()
        if not note:
            raise DocumentError(words.ingest.correction_empty())
    fields = fields_from_mapping(mapping, body.strip() + "\n")
    if fields.extra:
        raise DocumentError(words.ingest.unknown_fields(sorted(fields.extra)))
    checked = check_fields(fields, newsroom, unknown_theme="refuse")
    images = []
    for spec in fields.images:
        try:
            if spec.media:
                ref = find_media(conn, spec.media)
            else:
                assert spec.file is not None
                path = Path(spec.file).expanduser()
                if not path.is_file():
                    raise DocumentError(words.ingest.image_file_missing(spec.file))
                ref = import_image(conn, newsroom.media_dir, path.read_bytes(), path.name, now)
        except BadImage as exc:
            raise DocumentError(str(exc)) from None
        images.append(type(ref)(sha256=ref.sha256, ext=ref.ext, caption=spec.caption,
                                width=ref.width, height=ref.height))
    draft = clean_draft(StoryDraft(title=checked.title, body_md=checked.body_md, station_id=checked.station_id,
                                   theme=checked.theme, dateline=checked.dateline, author=checked.author,
                                   summary=checked.summary, images=tuple(images)))
    return draft, note
