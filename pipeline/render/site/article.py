"""Renditions for the web and rss channels: a story's article page, exactly as the site build
writes it, and its feed item, each made from a site model of that one story."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pipeline.live import LiveStory, live_story
from pipeline.model import Rendition, StorySnapshot
from pipeline.render import Renderer
from pipeline.render.site.feeds import Feed, feed_item, render_atom, render_rss
from pipeline.render.site.model import SiteModel, image_sizes, web_images
from pipeline.render.site.output import SiteOutput
from pipeline.render.site.pages import article_page
from pipeline.settings import Newsroom


def _model(snap: StorySnapshot, newsroom: Newsroom, rss: bool) -> tuple[SiteModel, LiveStory]:
    story = live_story(snap.story.id, snap.revision, list(snap.corrections), snap.story.created_at, snap.story.slug,
                       snap.story.published_at, newsroom.tz)
    image_cache = SiteOutput(newsroom.root / "site").image_cache
    images = web_images(newsroom, image_cache, [story])
    return SiteModel(newsroom, [story], [story] if rss else [], images, image_sizes(images, image_cache)), story


def render_article(snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
    model, story = _model(snap, newsroom, rss=False)
    content = article_page(model, story)
    return Rendition(story_id=story.id, revision=story.revision.number, kind="article", content=content,
                     sha256=hashlib.sha256(content).hexdigest(), media=story.revision.content.images,
                     meta={"path": story.path, "title": story.revision.content.title})


def render_feed_item(snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
    model, story = _model(snap, newsroom, rss=True)
    item = feed_item(model, story)
    # written into a feed of its own, as every feed will write it: an entry that cannot be written
    # fails its own delivery here, before its row is marked done
    alone = Feed(id=item.guid, title=item.title, link=item.link, description=item.title,
                 language=newsroom.site.language, rss_url=item.link, atom_url=item.link, items=(item,))
    render_rss(alone, newsroom.tz, item.updated)
    render_atom(alone, newsroom.tz, item.updated)
    data: dict[str, Any] = {
        "guid": item.guid, "title": item.title, "link": item.link, "summary": item.summary,
        "content_html": item.content_html, "published": item.published.isoformat(),
        "updated": item.updated.isoformat(), "author": item.author, "categories": list(item.categories),
        "enclosure": None if item.enclosure is None else vars(item.enclosure),
    }
    content = (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    return Rendition(story_id=story.id, revision=story.revision.number, kind="feed-item", content=content,
                     sha256=hashlib.sha256(content).hexdigest(), media=story.revision.content.images,
                     meta={"guid": item.guid, "path": story.path, "title": story.revision.content.title})


def _recipe(newsroom: Newsroom) -> str:
    """The templates, the stylesheet and the site settings: what shapes every page besides the story."""
    return SiteModel(newsroom, [], [], {}).globals


class ArticleRenderer(Renderer):
    """A story's article page, as the web channel publishes it."""

    kind = "article"

    def recipe(self, newsroom: Newsroom) -> str:
        return _recipe(newsroom)

    def render(self, snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
        return render_article(snap, newsroom)


class FeedItemRenderer(Renderer):
    """A story's feed item, as the rss channel publishes it."""

    kind = "feed-item"

    def recipe(self, newsroom: Newsroom) -> str:
        return _recipe(newsroom)

    def render(self, snap: StorySnapshot, newsroom: Newsroom) -> Rendition:
        return render_feed_item(snap, newsroom)


RENDERERS = (ArticleRenderer, FeedItemRenderer)
