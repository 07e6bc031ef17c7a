"""The static news site, built like Pelican in phases: load what is live on the web-kind and
rss-kind channels, build the shared model (archives, story lists), plan every output (pages, feeds,
sitemaps, the podcast, photos and renditions), then write a new build and switch it in.

Where things are: `model` the shared model, `pages` the HTML pages, `feeds` RSS and Atom,
`sitemap` sitemaps and robots.txt, `podcast` the loudspeaker podcast, `output` the builds on disk,
`article` the article and feed-item renditions the web and rss channels deliver."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Connection

from pipeline.ledger import channels_in_ledger
from pipeline.live import LiveStory, live_on, merge_live
from pipeline.render.images import WebImage
from pipeline.render.renditions import renditions_dir, stored_for
from pipeline.render.site.article import RENDERERS
from pipeline.render.site.feeds import feed_outputs
from pipeline.render.site.model import (
    Output,
    SiteModel,
    StoryRenderError,
    image_sizes,
    rendition_site_path,
    web_images,
)
from pipeline.render.site.output import BuildResult, SiteOutput, chunk_of, write_build
from pipeline.render.site.pages import page_outputs
from pipeline.render.site.podcast import podcast_outputs
from pipeline.render.site.sitemap import sitemap_outputs
from pipeline.settings import Newsroom

__all__ = ["RENDERERS", "BuildResult", "SiteOutput", "StoryRenderError", "build_site", "chunk_of", "rendition_site_path", "rollback"]


def build_site(newsroom: Newsroom, conn: Connection, overrides: dict[str, dict[int, int | None]] | None = None,
               full: bool = False) -> BuildResult:
    """Build the site for what is live (plus `overrides` per channel: story id → revision being
    published, or None when being taken down) and switch it in. `full` links nothing from the
    last build. A story whose page, card or feed entry cannot be made is left out, with the
    reason in the result's `left_out`."""
    started = time.perf_counter()
    output = SiteOutput(newsroom.root / "site")
    # 1. load what is live, and the photos, cards and clips it shows
    web, rss = _live_stories(newsroom, conn, overrides or {})
    images = web_images(newsroom, output.image_cache, web, rss)
    media = stored_for(conn, {(s.id, s.revision.number) for s in web + rss})
    media_files = {rendition_site_path(path): renditions_dir(newsroom) / path
                   for kinds in media.values() for made in kinds.values() for path in made.files.values()}
    sizes = image_sizes(images, output.image_cache)
    sizes.update((site_path, path.stat().st_size) for site_path, path in media_files.items() if path.exists())
    left_out: dict[int, str] = {}
    while True:  # one story whose page or feed entry fails is left out, and the rest goes live
        # 2. the shared model: archives, story lists, what every page gets
        model = SiteModel(newsroom, [s for s in web if s.id not in left_out],
                          [s for s in rss if s.id not in left_out], images, sizes, media)
        # 3. every output of the site, each with the fingerprint of what it shows
        plan = {**page_outputs(model), **feed_outputs(model), **sitemap_outputs(model)}
        plan.update(_media_outputs(output, images, media_files))
        if model.broadcasts:  # the broadcasts page, its audio and the podcast
            plan.update(podcast_outputs(model, conn))
        # 4. write what changed into a new build (a failed attempt's folders are pruned below)
        try:
            result = write_build(output, plan, model, full)
        except StoryRenderError as exc:
            if exc.story_id in left_out:  # left out, and still failing: not the story's fault
                raise
            left_out[exc.story_id] = exc.reason
            continue
        break
    # switch the new build in, drop old builds
    result.left_out = left_out
    output.switch(output.builds / result.build)
    output.prune()
    result.seconds = time.perf_counter() - started
    return result


def rollback(newsroom: Newsroom) -> Path:
    """Point the live site at the build before the current one."""
    return SiteOutput(newsroom.root / "site").rollback()


def _live_stories(newsroom: Newsroom, conn: Connection,
                  overrides: dict[str, dict[int, int | None]]) -> tuple[list[LiveStory], list[LiveStory]]:
    """What the web-kind channels and the rss-kind channels carry, several channels of one kind
    merged. A build run by hand with the web channels switched off still shows what they delivered."""
    web_channels = newsroom.channels_of_kind("web") or tuple(
        name for name in dict.fromkeys([*channels_in_ledger(conn), *overrides]) if newsroom.channel_kind(name) == "web")
    rss_channels = newsroom.channels_of_kind("rss")
    live = live_on(conn, {name: overrides.get(name) or {} for name in web_channels + rss_channels}, newsroom.tz)
    return merge_live([live[name] for name in web_channels]), merge_live([live[name] for name in rss_channels])


def _media_outputs(output: SiteOutput, images: dict[str, WebImage],
                   media_files: dict[str, Path]) -> dict[str, Output]:
    """The photos' web sizes (from the image cache) and the rendered cards and clips, linked in."""
    outputs: dict[str, Output] = {}
    for image in images.values():
        for _, _, path in image.sizes:
            source = output.image_cache / path.lstrip("/")
            outputs[path] = Output(f"media:{path}", source.read_bytes, source)
    for site_path, file in media_files.items():
        if file.exists():
            outputs[site_path] = Output(f"file:{file}", file.read_bytes, file)  # named by its content
    return outputs
