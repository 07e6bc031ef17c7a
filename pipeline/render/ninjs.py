"""ninjs 2.0 documents (IPTC's JSON news format) for partner platforms: one per story revision."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pipeline.model import Rendition, StorySnapshot
from pipeline.render import Renderer
from pipeline.settings import Newsroom
from pipeline.text import markdown_to_html, markdown_to_text, summarize

FORMAT_VERSION = "ninjs-2.0/kitchen-1"


def story_uri(newsroom: Newsroom, story_id: int) -> str:
    """The permanent identifier of a story on every channel."""
    return f"urn:kitchen:{newsroom.site.host}:story:{story_id}"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def image_file_name(sha256: str, ext: str) -> str:
    return f"{sha256[:16]}.{ext}"


def build_ninjs(snap: StorySnapshot, newsroom: Newsroom) -> dict[str, Any]:
    story, revision = snap.story, snap.revision
    content = revision.content
    station = newsroom.stations.get(content.station_id)
    text = markdown_to_text(content.body_md)
    document: dict[str, Any] = {
        "uri": story_uri(newsroom, story.id),
        "type": "text",
        "version": str(revision.number),
        "firstcreated": _iso(story.created_at),
        "versioncreated": _iso(revision.created_at),
        "contentcreated": _iso(content.dateline),
        "pubstatus": "usable",
        "language": newsroom.site.language,
        "headlines": [{"value": content.title}],
        "descriptions": [{"role": "summary", "value": content.summary or summarize(text)}],
        "bodies": [
            {"role": "main", "contenttype": "text/html", "value": markdown_to_html(content.body_md)},
            {"role": "main", "contenttype": "text/plain", "value": text},
        ],
        "copyrightholder": newsroom.site.title,
        "generator": [{"name": "central-kitchen", "version": FORMAT_VERSION}],
    }
    if content.author:
        document["by"] = content.author
    if station is not None:
        place: dict[str, Any] = {"name": station.name, "literal": station.id}
        if station.lat is not None and station.lon is not None:
            place["geometry_geojson"] = {"type": "Point", "coordinates": [station.lon, station.lat]}
        document["located"] = station.township or station.name
        document["places"] = [place]
    if content.theme:
        document["subjects"] = [{"name": newsroom.theme_name(content.theme), "uri": f"theme:{content.theme}"}]
    if snap.corrections:
        document["ednote"] = "；".join(f"更正（第{r.number}版）：{r.note}" for r in snap.corrections)
    associations = {}
    for index, image in enumerate(content.images, start=1):
        associations[f"picture{index}"] = {
            "uri": f"urn:kitchen:{newsroom.site.host}:media:{image.sha256}",
            "type": "picture",
            "headlines": [{"value": image.caption}] if image.caption else [],
            "renditions": {"original": {
                "href": f"images/{image_file_name(image.sha256, image.ext)}",
                "contenttype": "image/jpeg" if image.ext == "jpg" else f"image/{image.ext}",
                "width": image.width,
                "height": image.height,
            }},
        }
    if associations:
        document["associations"] = associations
    return document


def encode(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def render_ninjs(snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
    content = encode(build_ninjs(snap, newsroom))
    return Rendition(
        story_id=snap.story.id, revision=snap.revision.number, kind="ninjs", content=content,
        sha256=hashlib.sha256(content).hexdigest(), media=snap.revision.content.images,
        meta={"uri": story_uri(newsroom, snap.story.id)},
    )


def cancellation(newsroom: Newsroom, story_id: int, version: str) -> bytes:
    """The document that tells partners a story was taken down (ninjs pubstatus `canceled`)."""
    return encode({"uri": story_uri(newsroom, story_id), "type": "text", "version": version,
                   "pubstatus": "canceled"})


def _recipe(newsroom: Newsroom) -> str:
    stations = sorted((s.id, s.name, s.township, s.lat, s.lon) for s in newsroom.stations.values())
    themes = sorted((th.id, th.name) for th in newsroom.themes.values())
    return json.dumps([FORMAT_VERSION, newsroom.site.title, newsroom.site.base_url,
                       newsroom.site.language, stations, themes], ensure_ascii=False)


class NinjsRenderer(Renderer):
    """The ninjs document the export channel sends partners."""

    kind = "ninjs"

    def recipe(self, newsroom: Newsroom) -> str:
        return _recipe(newsroom)

    def render(self, snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
        return render_ninjs(snap, newsroom)


RENDERERS = (NinjsRenderer,)
