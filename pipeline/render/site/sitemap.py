"""What search engines read: the sitemap index, a sitemap per month of articles and one of the
section pages, and robots.txt pointing at them."""

from __future__ import annotations

from functools import partial

from pipeline.live import LiveStory
from pipeline.render.site.model import BROADCASTS_URL, Output, SiteModel


def sitemap_outputs(model: SiteModel) -> dict[str, Output]:
    months: dict[str, list[LiveStory]] = {}
    for story in model.web:
        months.setdefault(story.month.replace("/", "-"), []).append(story)
    outputs: dict[str, Output] = {}
    for month, stories in months.items():
        entries: list[tuple[str, str | None]] = sorted(
            (s.path, s.revision.created_at.astimezone(model.tz).isoformat()) for s in stories)
        outputs[f"/sitemaps/{month}.xml"] = Output(model.fingerprint("sitemap", month, entries),
                                                  partial(_urlset, model, entries))
    sections: list[tuple[str, str | None]] = sorted(
        [("/", None), ("/stations/", None), ("/map/", None)] + ([(BROADCASTS_URL, None)] if model.broadcasts else [])
        + [(a.url, None) for a in model.web_archives.values() if a.key[0] != "home"])
    outputs["/sitemaps/sections.xml"] = Output(model.fingerprint("sitemap", "sections", sections),
                                              lambda: _urlset(model, sections))
    names = sorted(["sections", *months])
    outputs["/sitemap.xml"] = Output(model.fingerprint("sitemap-index", names), lambda: (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <sitemap><loc>{model.absolute(f'/sitemaps/{n}.xml')}</loc></sitemap>\n" for n in names)
        + "</sitemapindex>\n").encode())
    outputs["/robots.txt"] = Output(model.fingerprint("robots"), lambda: (
        f"User-agent: *\nAllow: /\nSitemap: {model.absolute('/sitemap.xml')}\n").encode())
    return outputs


def _urlset(model: SiteModel, entries: list[tuple[str, str | None]]) -> bytes:
    rows = "".join(f"  <url><loc>{model.absolute(path)}</loc>{f'<lastmod>{modified}</lastmod>' if modified else ''}</url>\n"
                   for path, modified in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + rows + "</urlset>\n").encode()
