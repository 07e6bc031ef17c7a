"""`kitchen edit` and `kitchen correct`: a story as a Markdown document with front matter, and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import Connection

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

HEADER = """\
# 编辑稿件 #{story_id}（第 {revision} 版，{state}）。保存并关闭编辑器即提交；内容不变则不产生新版本。
# 字段：title 标题；station 站点编号；theme 主题编号；date 活动时间（{timezone}）；author 作者；
#      summary 摘要（可空）；images 图片（media: 图片编号 或 file: 本机图片路径，caption 图说）。
"""
CORRECTION_HINT = "# correction 更正说明：必填，写明更正了什么，将随稿件在各渠道显示。\n"


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
    header = HEADER.format(story_id=snap.story.id, revision=snap.revision.number,
                           state=snap.story.state, timezone=newsroom.site.timezone)
    if correction:
        header += CORRECTION_HINT
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
            raise DocumentError("correction is empty: say what was corrected (更正说明)")
    fields = fields_from_mapping(mapping, body.strip() + "\n")
    if fields.extra:
        raise DocumentError(f"unknown field(s): {', '.join(sorted(fields.extra))}")
    checked = check_fields(fields, newsroom)
    images = []
    for spec in fields.images:
        try:
            if spec.media:
                ref = find_media(conn, spec.media)
            else:
                assert spec.file is not None
                path = Path(spec.file).expanduser()
                if not path.is_file():
                    raise DocumentError(f"image file '{spec.file}' does not exist")
                ref = import_image(conn, newsroom.media_dir, path.read_bytes(), path.name, now)
        except BadImage as exc:
            raise DocumentError(str(exc)) from None
        images.append(type(ref)(sha256=ref.sha256, ext=ref.ext, caption=spec.caption,
                                width=ref.width, height=ref.height))
    draft = clean_draft(StoryDraft(title=checked.title, body_md=checked.body_md, station_id=checked.station_id,
                                   theme=checked.theme, dateline=checked.dateline, author=checked.author,
                                   summary=checked.summary, images=tuple(images)))
    return draft, note
