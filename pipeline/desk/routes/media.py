"""Files the desk shows: story photos, rendered cards and clips, the sandboxed article preview,
the site's stylesheet (so the preview looks like the site) and htmx."""

from __future__ import annotations

import importlib.util
import re
import stat
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from itsdangerous import BadSignature

from pipeline import words
from pipeline.desk.auth import require_user
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.routes.story import snapshot_or_404
from pipeline.fsutil import UnsafePath, inside
from pipeline.render.site.article import render_article
from pipeline.render.site.output import SiteOutput
from pipeline.resources import templates_dir

router = APIRouter()

MEDIA_PATH = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|jpeg|png|webp|gif)")
# the site's photo widths (`render.images.site_path`): /media/<first 2>/<first 16 of the sha256>-<width>.jpg
WIDTH_PATH = re.compile(r"(?P<folder>[0-9a-f]{2})/(?P=folder)[0-9a-f]{14}-[1-9][0-9]{0,4}\.jpg")
RENDITION_PATH = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|png|mp4|vtt|srt)")
NOSNIFF = {"X-Content-Type-Options": "nosniff"}


PREVIEW_PHOTO = re.compile(r'(?<=["\s,])/media/([0-9a-f]{2}/[0-9a-f]{16}-[1-9][0-9]{0,4}\.jpg)(?=[\s",])')
PREVIEW_PHOTO_SECONDS = 24 * 3600  # a preview left open for a working day still shows its photos


@router.get("/stories/{story_id}/preview", response_class=HTMLResponse, dependencies=[Depends(require_user)])
def preview(request: Request, story_id: int, newsroom: NewsroomDep, store: StoreDep) -> Response:
    with store.read() as conn:
        page = render_article(snapshot_or_404(conn, story_id), newsroom).content.decode()
    # the site's photo widths, each with a signature of its own path (the sandboxed frame sends no cookie)
    signer = request.app.state.preview_signer
    html = PREVIEW_PHOTO.sub(lambda m: f"/media/{m.group(1)}?preview={signer.dumps(m.group(1))}", page)
    # the rendered page in a sandbox of its own: no script runs, nothing reaches the desk
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:; "
                                                        "style-src 'unsafe-inline' 'self'", **NOSNIFF})


@router.get("/media/{folder}/{name}")
def media_file(request: Request, folder: str, name: str, newsroom: NewsroomDep, preview: str = "") -> Response:
    """A stored photo by its full hash, for a logged-in user; or one of the site's widths of it
    (the article preview links those, as the site does), from the site's image cache where
    `render_article` made it: for a logged-in user, or with the signature the preview gave it."""
    relative = f"{folder}/{name}"
    if WIDTH_PATH.fullmatch(relative):
        if not (preview and _signed(request, relative, preview)):
            require_user(request)
        return _file(SiteOutput(newsroom.root / "site").image_cache / "media", relative, WIDTH_PATH)
    require_user(request)
    return _file(newsroom.root / "media", relative, MEDIA_PATH)


def _signed(request: Request, relative: str, token: str) -> bool:
    try:
        signed: str = request.app.state.preview_signer.loads(token, max_age=PREVIEW_PHOTO_SECONDS)
    except BadSignature:
        return False
    return signed == relative


@router.get("/renditions/{folder}/{name}", dependencies=[Depends(require_user)])
def rendition_file(folder: str, name: str, newsroom: NewsroomDep) -> Response:
    return _file(newsroom.root / "renditions", f"{folder}/{name}", RENDITION_PATH)


def _file(folder: Path, relative: str, allowed: re.Pattern[str]) -> Response:
    """A content-addressed file, served only by its exact name (nothing else in the folder, nothing
    above it), and only a regular file that is no link and resolves inside the folder: a link
    planted in the store does not show what it points to."""
    missing = HTTPException(status_code=404, detail=words.desk.no_file())
    if not allowed.fullmatch(relative):
        raise missing
    path = folder / relative
    try:
        regular = stat.S_ISREG(path.lstat().st_mode) and not path.parent.is_symlink()
        inside(folder, relative)
    except (OSError, UnsafePath):
        raise missing from None
    if not regular:
        raise missing
    return FileResponse(path, headers=NOSNIFF)


@router.get("/static/htmx.min.js")
def htmx() -> Response:
    """htmx, from the django-js-lib-htmx wheel's static folder (read as a file: nothing of
    Django is imported). The desk works without it; with it, pages change without reloading."""
    spec = importlib.util.find_spec("js_lib_htmx")
    if spec is None or not spec.submodule_search_locations:
        raise HTTPException(status_code=404, detail=words.desk.htmx_missing())
    script = Path(next(iter(spec.submodule_search_locations))) / "static" / "htmx" / "htmx.min.js"
    return Response(script.read_bytes(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400", **NOSNIFF})


@router.get("/static/site.css")
def site_css(newsroom: NewsroomDep) -> Response:
    """The site's stylesheet, so that the article preview looks like the site."""
    override = newsroom.root / "templates" / "web" / "static" / "site.css"
    path = override if override.exists() else templates_dir() / "web" / "static" / "site.css"
    return Response(path.read_bytes(), media_type="text/css", headers=NOSNIFF)
