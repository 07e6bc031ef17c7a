"""The site's HTML pages, rendered with the Jinja templates in `templates/web/`: articles, archive
listings (home, stations, townships, themes, months), the station directory, the map and its
GeoJSON, the 404 page and the static files."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial
from html import escape
from typing import Any

from pipeline import words
from pipeline.live import LiveStory
from pipeline.model import Station
from pipeline.render.site.model import Archive, Output, SiteModel, for_story
from pipeline.timeutil import date_zh

PAGE_SIZE = 20


def render_page(model: SiteModel, template: str, context: dict[str, Any]) -> bytes:
    return model.env.get_template(f"web/{template}").render(**context).encode("utf-8")


# --- articles -------------------------------------------------------------------------------------

def story_context(model: SiteModel, story: LiveStory) -> dict[str, Any]:
    content = story.revision.content
    chain = model.chain(content.station_id)
    station = chain[0] if chain else None
    institute = next((s for s in chain if s.level == "institute"), None)
    moment = content.dateline or story.created_at
    images = [img.card(content.title, ref.caption) for ref in content.images if (img := model.images.get(ref.sha256))]
    body_html, _, summary = model.derived(story)
    media = model.media_of(story)
    first_image = model.image_of(story)
    og_image = media["cover"]["src"] if "cover" in media else first_image.largest if first_image else None
    context = model.common(
        content.title, story.path, summary, "article", og_image,
        feeds=model.feed_links(("station", content.station_id)) if station else (),
        breadcrumbs=[(words.site.HOME, "/")] + [(s.name, model.station_url(s.id)) for s in reversed(chain) if s.level != "center"],
    )
    context["story"] = {
        "id": story.id, "title": content.title, "body_html": body_html, "summary": summary,
        "date_display": date_zh(moment, model.tz), "date_iso": moment.astimezone(model.tz).isoformat(),
        "updated_iso": story.revision.created_at.astimezone(model.tz).isoformat(), "author": content.author,
        "station": {"name": station.name, "url": model.station_url(station.id),
                    "level_name": words.LEVELS.get(station.level, "")} if station else None,
        "township": {"name": station.township, "url": model.township_url(station.township)}
        if station and station.township else None,
        "institute": {"name": institute.name, "url": model.station_url(institute.id)} if institute else None,
        "theme": {"name": model.newsroom.theme_name(content.theme), "url": model.theme_url(content.theme)}
        if content.theme in model.newsroom.themes else None,
        "images": images,
        "cover": media.get("cover"),
        "video": media.get("video"),
        "corrections": [{"date_display": date_zh(rev.created_at, model.tz), "note": rev.note}
                        for rev in story.corrections],
        "canonical_abs": model.absolute(story.path),
    }
    return context


def article_page(model: SiteModel, story: LiveStory) -> bytes:
    return render_page(model, "article.html", story_context(model, story))


# --- archive listings -----------------------------------------------------------------------------

def listing_pages(model: SiteModel, archive: Archive) -> dict[str, Output]:
    """The archive's front page (newest stories) and its numbered pages, counted from the oldest, so
    a new story changes the newest page of each archive it is in, not every page after it."""
    ids = archive.story_ids
    total = max(1, math.ceil(len(ids) / PAGE_SIZE))
    outputs: dict[str, Output] = {}
    for number in range(0, total + 1):
        if number == 0:
            on_page = ids[:PAGE_SIZE]
        else:  # page 1 holds the oldest PAGE_SIZE stories, page `total` the newest remainder
            end = len(ids) - (number - 1) * PAGE_SIZE
            on_page = ids[max(0, end - PAGE_SIZE):end]
        if number and not on_page:
            continue
        if number == 0:  # "older" goes to the page holding the story right after the front page's last
            older = archive.page_url((len(ids) - 1 - PAGE_SIZE) // PAGE_SIZE + 1) if len(ids) > PAGE_SIZE else None
            newer = None
        else:
            older = archive.page_url(number - 1) if number > 1 else None
            newer = archive.page_url(number + 1) if number < total else archive.url
        pagination: dict[str, Any] = {"current": number, "total": total if number == 0 else None,
                      "range": _date_range(model, on_page) if number else None,
                      "newer_url": newer, "older_url": older, "pages": []}
        path = archive.page_url(number)
        revisions = [(i, model.by_id[i].revision.number) for i in on_page]
        front = (len(ids), _station_children(model, archive)) if number == 0 else None
        outputs[path] = Output(model.fingerprint("listing", archive.key, path, revisions, pagination,
                                                 archive.title, model.feed_links(archive.key), front),
                               partial(_listing, model, archive, path, on_page, pagination))
    return outputs


def _date_range(model: SiteModel, story_ids: list[int]) -> str:
    moments = [model.by_id[i].revision.content.dateline or model.by_id[i].created_at for i in story_ids]
    return words.site.date_range(date_zh(min(moments), model.tz), date_zh(max(moments), model.tz))


def _story_count(model: SiteModel, station_id: str) -> int:
    archive = model.web_archives.get(("station", station_id))
    return len(archive.story_ids) if archive else 0


def _station_children(model: SiteModel, archive: Archive) -> list[tuple[str, int]]:
    if archive.key[0] != "station":
        return []
    return [(child.id, _story_count(model, child.id))
            for child in model.newsroom.stations.values() if child.parent == archive.key[1]]


def _listing(model: SiteModel, archive: Archive, path: str, on_page: list[int], pagination: dict[str, Any]) -> bytes:
    title = archive.title if not pagination["current"] else words.site.page_number(archive.title, pagination["current"])
    crumbs: list[tuple[str, str]] = [(words.site.HOME, "/")] if archive.key[0] != "home" else []
    context = model.common(title, path, archive.description, feeds=model.feed_links(archive.key),
                           breadcrumbs=crumbs, current=archive.url)
    context["listing"] = {"title": archive.title, "description": archive.description, "kind": archive.key[0],
                          "feed_url": f"{archive.url}feed.xml" if archive.has_feed else None,
                          "atom_url": f"{archive.url}atom.xml" if archive.has_feed else None,
                          "count": len(archive.story_ids)}
    context["stories"] = [model.card(model.by_id[i]) for i in on_page]
    context["pagination"] = pagination
    if archive.key[0] == "station":
        stations = model.newsroom.stations
        station = stations[archive.key[1]]
        parent = stations.get(station.parent or "")
        context["station"] = {
            "name": station.name, "url": archive.url, "level_name": words.LEVELS.get(station.level, ""),
            "parent": {"name": parent.name, "url": model.station_url(parent.id)} if parent else None,
            "children": [{"name": stations[cid].name, "url": model.station_url(cid),
                          "level_name": words.LEVELS.get(stations[cid].level, ""), "count": count}
                         for cid, count in _station_children(model, archive)] if not pagination["current"] else [],
        }
    return render_page(model, "index.html" if archive.key[0] == "home" else "list.html", context)


# --- the site-wide pages --------------------------------------------------------------------------

def page_outputs(model: SiteModel) -> dict[str, Output]:
    """Every HTML page of the site, the map's GeoJSON and the static files."""
    outputs: dict[str, Output] = {}
    for story in model.web:
        outputs[f"{story.path}index.html"] = Output(
            model.fingerprint("article", story.id, story.revision.number, [r.number for r in story.corrections],
                              story.path, model.media_key(story)),
            partial(for_story, story.id, partial(article_page, model, story)))
    for archive in model.web_archives.values():
        for path, output in listing_pages(model, archive).items():
            outputs[f"{path}index.html"] = output
    latest = _latest_by_station(model)
    counts = {key[1]: len(a.story_ids) for key, a in model.web_archives.items() if key[0] == "station"}
    outputs["/stations/index.html"] = Output(model.fingerprint("stations", counts), lambda: _directory(model))
    on_map = {sid: [(i, model.by_id[i].revision.number) for i in ids] for sid, ids in latest.items()}
    outputs["/map/index.html"] = Output(model.fingerprint("map", on_map), lambda: _map(model, latest))
    outputs["/map/stations.geojson"] = Output(model.fingerprint("geojson", on_map), lambda: _geojson(model, latest))
    outputs.update(moved_pages(model))
    outputs["/404.html"] = Output(model.fingerprint("404"), lambda: render_page(
        model, "404.html", model.common(words.site.NOT_FOUND, "/404.html")))
    outputs["/static/site.css"] = Output(model.fingerprint("css"), lambda: model.css)
    outputs["/static/favicon.svg"] = Output(model.fingerprint("favicon"), lambda: model.static("favicon.svg"))
    return outputs


def moved_pages(model: SiteModel) -> dict[str, Output]:
    """A redirect at every address a township had before (see `SiteModel.moved_township_url`), so
    links and bookmarks to a published township page keep working."""
    outputs: dict[str, Output] = {}
    for key, archive in model.web_archives.items():
        old = model.moved_township_url(key[1]) if key[0] == "township" else None
        if old is not None:
            outputs[f"{old}index.html"] = Output(model.fingerprint("moved", old, archive.url, archive.title),
                                                 partial(_moved, model, archive.title, archive.url))
    return outputs


def _moved(model: SiteModel, title: str, url: str) -> bytes:
    """A page that sends the visitor (and search engines, by its canonical link) to `url`."""
    to, canonical = escape(url), escape(model.absolute(url))
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(words.site.window_title(words.site.moved_title(title), model.site.title))}</title>\n"
            f'<link rel="canonical" href="{canonical}">\n<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={to}">\n</head>\n<body>\n'
            f'<p>{escape(words.site.MOVED)}<a href="{to}">{escape(title)}</a></p>\n</body>\n</html>\n').encode()


def _latest_by_station(model: SiteModel) -> dict[str, list[int]]:
    latest: dict[str, list[int]] = {}
    for story in model.web:  # newest first
        bucket = latest.setdefault(story.revision.content.station_id, [])
        if len(bucket) < 3:
            bucket.append(story.id)
    return latest


def _tree(model: SiteModel, station: Station) -> dict[str, Any]:
    children = sorted((s for s in model.newsroom.stations.values() if s.parent == station.id), key=lambda s: s.id)
    return {"name": station.name, "url": model.station_url(station.id), "level_name": words.LEVELS.get(station.level, ""),
            "count": _story_count(model, station.id), "township": station.township,
            "children": [_tree(model, child) for child in children]}


def _directory(model: SiteModel) -> bytes:
    centers = [s for s in model.newsroom.stations.values() if s.level == "center"]
    context = model.common(words.site.DIRECTORY_TITLE, "/stations/", words.site.DIRECTORY_DESCRIPTION,
                           breadcrumbs=[(words.site.HOME, "/")], current="/stations/")
    trees = [_tree(model, center) for center in sorted(centers, key=lambda s: s.id)]
    context["center"] = trees[0] if trees else None
    context["institutes"] = [child for tree in trees for child in tree["children"]]
    context["map_url"] = "/map/"
    context["geojson_url"] = "/map/stations.geojson"
    return render_page(model, "stations.html", context)


def _map(model: SiteModel, latest: dict[str, list[int]]) -> bytes:
    placed = [s for s in model.newsroom.stations.values() if s.lat is not None and s.lon is not None]
    width, height, project = _projection(placed)
    points: list[dict[str, Any]] = []
    for station in sorted(placed, key=lambda s: ("center", "institute", "station", "point").index(s.level)):
        x, y = project(station)
        points.append({"x": x, "y": y, "name": station.name, "url": model.station_url(station.id),
                       "level": station.level, "level_name": words.LEVELS.get(station.level, ""),
                       "township": station.township,
                       "latest": [{"title": model.by_id[i].revision.content.title, "url": model.by_id[i].path,
                                   "date_display": date_zh(model.by_id[i].sort_key[0], model.tz)}
                                  for i in latest.get(station.id, [])]})
    townships: dict[str, list[tuple[float, float]]] = {}
    for point in points:
        if point["township"]:
            townships.setdefault(point["township"], []).append((point["x"], point["y"]))
    context = model.common(words.site.MAP_TITLE, "/map/", words.site.MAP_DESCRIPTION,
                           breadcrumbs=[(words.site.HOME, "/")], current="/map/")
    context["map"] = {"width": width, "height": height, "points": points,
                      "townships": [{"name": name, "x": round(min(width - 40, max(40, sum(x for x, _ in xy) / len(xy))), 1),
                                     "y": round(max(14, min(y for _, y in xy) - 14), 1)}
                                    for name, xy in sorted(townships.items())],
                      "legend": [{"level": level, "level_name": words.LEVELS[level]} for level in
                                 ("center", "institute", "station", "point")]}
    context["geojson_url"] = "/map/stations.geojson"
    return render_page(model, "map.html", context)


def _geojson(model: SiteModel, latest: dict[str, list[int]]) -> bytes:
    features = []
    for station in sorted(model.newsroom.stations.values(), key=lambda s: s.id):
        if station.lat is None or station.lon is None:
            continue
        features.append({"type": "Feature", "id": station.id,
                         "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
                         "properties": {"name": station.name, "level": station.level, "township": station.township,
                                        "village": station.village, "url": model.absolute(model.station_url(station.id)),
                                        "latest": [{"title": model.by_id[i].revision.content.title,
                                                    "url": model.absolute(model.by_id[i].path)}
                                                   for i in latest.get(station.id, [])]}})
    return (json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n").encode()


def _projection(stations: list[Station]) -> tuple[int, int, Callable[[Station], tuple[float, float]]]:
    """Equirectangular projection of the county into an SVG box, north up, with a margin."""
    width, margin = 800, 40
    if not stations:
        return width, 500, lambda s: (width / 2, 250.0)
    lats = [s.lat for s in stations if s.lat is not None]
    lons = [s.lon for s in stations if s.lon is not None]
    lat0 = (max(lats) + min(lats)) / 2
    span_x = max((max(lons) - min(lons)) * math.cos(math.radians(lat0)), 1e-4)
    span_y = max(max(lats) - min(lats), 1e-4)
    scale = (width - 2 * margin) / max(span_x, span_y)
    height = int(span_y * scale + 2 * margin)
    inner_width = span_x * scale
    offset_x = (width - inner_width) / 2

    def project(station: Station) -> tuple[float, float]:
        assert station.lat is not None and station.lon is not None
        x = offset_x + (station.lon - min(lons)) * math.cos(math.radians(lat0)) * scale
        y = margin + (max(lats) - station.lat) * scale
        return round(x, 1), round(y, 1)

    return width, max(height, 200), project
