"""The desk's web app (FastAPI + Jinja2; plain forms, no JavaScript needed).

Every state change goes through `pipeline.workflow.perform` with the logged-in user as the actor,
so the role table, the audit trail and the refusals are the CLI's. Sessions are signed cookies
(HttpOnly, SameSite=Strict) holding the user name and a CSRF token; every POST must carry the
token. Source HTML is sanitised at ingest, and previews of rendered pages are served with a CSP
sandbox inside a sandboxed iframe, so nothing from a source runs in the desk.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from pipeline import store as t
from pipeline.config import load_newsroom
from pipeline.desk.users import User, authenticate, get_user
from pipeline.settings import Newsroom
from pipeline.store import open_store
from pipeline.stories import Actor, StoryNotFound, list_stories, snapshot, story_events
from pipeline.timeutil import format_local, parse_local, utcnow
from pipeline.workflow import ACTIONS, STATE_NAMES_ZH, WorkflowError, allowed_actions, perform

COOKIE = "kitchen_desk"
EVENT_NAMES = {"ingest": "采集入库", "delivered": "已发送", "retracted": "已撤下", "retry": "重试发送",
               "render-warning": "渲染提示", "render-failed": "渲染失败", "update": "来源更新", "merge": "合并重复"}
SESSION_SECONDS = 12 * 3600
MEDIA_PATH = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|jpeg|png|webp|gif)")
RENDITION_PATH = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|png|mp4|vtt|srt)")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _secret(newsroom: Newsroom) -> bytes:
    """The key that signs session cookies: made once per newsroom, readable by its owner only."""
    path = newsroom.runtime_dir / "desk-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".tmp-{secrets.token_hex(4)}")
        temporary.write_bytes(secrets.token_bytes(32))
        temporary.chmod(0o600)
        temporary.replace(path)
    return path.read_bytes()


class Forbidden(HTTPException):
    def __init__(self, message: str):
        super().__init__(status_code=403, detail=message)


def create_app(newsroom_root: Path) -> FastAPI:
    from pipeline.templating import environment

    newsroom = load_newsroom(newsroom_root)
    store = open_store(newsroom)
    signer = URLSafeTimedSerializer(_secret(newsroom), salt="kitchen-desk-session")
    env = environment(newsroom.root)
    app = FastAPI(title="中央厨房 · 编辑台", docs_url=None, redoc_url=None, openapi_url=None)

    def session(request: Request) -> dict[str, Any]:
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                return signer.loads(raw, max_age=SESSION_SECONDS)
            except BadSignature:
                pass
        return {}

    def current_user(request: Request) -> User | None:
        name = session(request).get("user")
        if not name:
            return None
        with store.read() as conn:
            user = get_user(conn, name)
        return user if user is not None and not user.disabled else None

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        data = session(request)
        fresh = "csrf" not in data
        if fresh:
            data["csrf"] = secrets.token_urlsafe(24)
        body = env.get_template(f"desk/{template}").render(
            user=current_user(request), csrf=data["csrf"], states=STATE_NAMES_ZH, site=newsroom.site.title,
            path=request.url.path, **context)
        response = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
        if fresh:
            _set_cookie(response, signer.dumps(data), request)
        return response

    def check_csrf(request: Request, token: str) -> dict[str, Any]:
        data = session(request)
        if not token or not hmac.compare_digest(str(data.get("csrf", "")), token):
            raise HTTPException(status_code=403, detail="表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
        return data

    def require(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise HTTPException(status_code=303, headers={"Location": f"/login?next={request.url.path}"})
        return user

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (301, 302, 303):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return page(request, "error.html", status=exc.status_code, message=exc.detail, code=exc.status_code)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 — the query's name
        return page(request, "login.html", next=_local_path(next), error="")

    @app.post("/login")
    def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
              next: str = Form("/")) -> Response:  # noqa: A002
        check_csrf(request, csrf)
        address = request.client.host if request.client else "unknown"
        with store.begin() as conn:
            user = authenticate(conn, name.strip(), password, address, utcnow())
        if user is None:
            return page(request, "login.html", status=401, next=_local_path(next),
                        error="用户名或密码不正确；连续失败多次后需等待15分钟再试。")
        response = RedirectResponse(_local_path(next), status_code=303)
        # a new CSRF token with the new session: a token seen before login is worth nothing after
        _set_cookie(response, signer.dumps({"user": user.name, "csrf": secrets.token_urlsafe(24)}), request)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def inbox(request: Request, state: str = "", station: str = "", source: str = "", since: str = "",
              until: str = "") -> HTMLResponse:
        require(request)
        states = [state] if state in STATE_NAMES_ZH else ["draft", "in_review"]
        with store.read() as conn:
            rows = [s for st in states for s in list_stories(conn, state=st)]
            reports = _reports_by_story(conn, [s.id for s in rows])
            errors = conn.execute(select(t.ingest_errors).order_by(t.ingest_errors.c.id.desc()).limit(20)).all()
        if station:
            below = newsroom.descendants(station)
            rows = [s for s in rows if s.station_id in below]
        if source:
            rows = [s for s in rows if source in reports.get(s.id, {}).get("sources", ())]
        day = lambda s: format_local(s.dateline or s.updated_at, newsroom.tz)[:10]  # noqa: E731
        rows = [s for s in rows if (not since or day(s) >= since) and (not until or day(s) <= until)]
        rows.sort(key=lambda s: s.updated_at, reverse=True)
        stories = []
        for s in rows:
            info = reports.get(s.id, {})
            stories.append({"id": s.id, "title": s.title, "state": s.state, "station": newsroom.station_name(s.station_id),
                            "institute": _institute_name(newsroom, s.station_id),
                            "date": format_local(s.dateline, newsroom.tz)[:10] if s.dateline else "",
                            "sources": sorted(info.get("sources", ())), "copies": info.get("copies", 0),
                            "related": sorted(info.get("related", ())), "flags": info.get("flags", [])})
        return page(request, "inbox.html", stories=_clustered(stories), chosen_state=state, station=station, source=source,
                    since=since, until=until, sources=sorted(src.id for src in newsroom.sources),
                    stations=sorted(newsroom.stations.values(), key=lambda s: s.id),
                    errors=[{"item": e.item, "reason": e.reason, "source": e.source_id, "stage": e.stage} for e in errors])

    @app.post("/errors/retry")
    def retry_errors(request: Request, csrf: str = Form(""), source: str = Form("")) -> Response:
        require(request)
        check_csrf(request, csrf)
        from pipeline.ingest.crawl import requeue_failed

        count = requeue_failed(store, source or None)
        return page(request, "error.html", status=200, code=200,
                    message=f"已把 {count} 个抽取失败的网页重新排队，下一次采集（kitchen ingest 或 kitchen run）会再试。")

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(request: Request, story_id: int, notice: str = "") -> HTMLResponse:
        user = require(request)
        return page(request, "story.html", **_story_context(newsroom, store, story_id, user), notice=notice)

    @app.post("/stories/{story_id}/edit")
    def edit(request: Request, story_id: int, csrf: str = Form(""), title: str = Form(""), body: str = Form(""),
             station: str = Form(""), theme: str = Form("")) -> Response:
        user = require(request)
        check_csrf(request, csrf)
        from dataclasses import replace

        with store.begin() as conn:
            content = _snapshot(conn, story_id).revision.content
            if station not in newsroom.stations:
                raise HTTPException(status_code=400, detail=f"没有这个站点：{station}")
            if theme and theme not in newsroom.themes:
                raise HTTPException(status_code=400, detail=f"没有这个主题：{theme}")
            if not title.strip() or not body.strip():
                raise HTTPException(status_code=400, detail="标题和正文不能为空。")
            draft = replace(content, title=title.strip(), body_md=body.replace("\r\n", "\n").strip() + "\n",
                            station_id=station, theme=theme or None)
            _perform(conn, newsroom, story_id, "edit", user, draft=draft)
        return RedirectResponse(f"/stories/{story_id}?notice=已保存新版本", status_code=303)

    @app.post("/stories/{story_id}/correct")
    def correct(request: Request, story_id: int, csrf: str = Form(""), title: str = Form(""), body: str = Form(""),
                note: str = Form("")) -> Response:
        """A chief editor's correction of a published story: a new revision, re-published on every
        channel that carried it, with the note shown as 更正 on the page."""
        user = require(request)
        check_csrf(request, csrf)
        from dataclasses import replace

        if not title.strip() or not body.strip():
            raise HTTPException(status_code=400, detail="标题和正文不能为空。")
        with store.begin() as conn:
            content = _snapshot(conn, story_id).revision.content
            draft = replace(content, title=title.strip(), body_md=body.replace("\r\n", "\n").strip() + "\n")
            _perform(conn, newsroom, story_id, "correct", user, note=note, draft=draft)
        return RedirectResponse(f"/stories/{story_id}?notice=更正已提交，将重新发布到原渠道", status_code=303)

    @app.post("/stories/{story_id}/do/{action}")
    def act(request: Request, story_id: int, action: str, csrf: str = Form(""), note: str = Form(""),
            at: str = Form(""), channels: Annotated[list[str] | None, Form()] = None) -> Response:
        user = require(request)
        check_csrf(request, csrf)
        if action not in ACTIONS or action in ("edit", "publish", "correct"):
            raise HTTPException(status_code=404, detail="没有这个操作。")
        params: dict[str, Any] = {}
        if action == "approve":
            if at.strip():
                try:
                    params["at"] = parse_local(at.replace("T", " "), newsroom.tz)
                except ValueError:
                    raise HTTPException(status_code=400, detail=f"时间格式不对：{at}") from None
            channels = channels or []
            unknown = [c for c in channels if c not in newsroom.publish.channels]
            if unknown:
                raise HTTPException(status_code=400, detail=f"没有这些渠道：{'、'.join(unknown)}")
            params["channels"] = channels or None
        with store.begin() as conn:
            _perform(conn, newsroom, story_id, action, user, note=note, **params)
        return RedirectResponse(f"/stories/{story_id}?notice={ACTIONS[action].label_zh}：已完成", status_code=303)

    @app.get("/schedule", response_class=HTMLResponse)
    def schedule(request: Request, channel: str = "", days: int = 7) -> HTMLResponse:
        require(request)
        from datetime import timedelta

        from pipeline import ledger

        with store.read() as conn:
            rows = ledger.list_publications(conn)
        rows = sorted((p for p in rows if not channel or p.channel == channel), key=lambda p: p.due_at)
        horizon = utcnow() + timedelta(days=max(1, min(days, 31)))
        by_day: dict[str, list[dict[str, Any]]] = {}
        for p in rows:
            if p.state in ("pending", "claimed", "retrying") and p.due_at <= horizon:
                by_day.setdefault(format_local(p.due_at, newsroom.tz)[:10], []).append(_row(newsroom, p))
        upcoming = [_row(newsroom, p) for p in rows if p.state in ("pending", "claimed", "retrying")]
        failed = [_row(newsroom, p) for p in rows if p.state == "failed"]
        done = [_row(newsroom, p) for p in sorted(rows, key=lambda p: p.published_at or p.due_at, reverse=True)
                if p.state == "done"][:50]
        return page(request, "schedule.html", upcoming=upcoming, failed=failed, done=done, by_day=by_day,
                    channel=channel, channels=list(newsroom.publish.channels), days=days)

    @app.post("/schedule/{row_id}/retry")
    def retry(request: Request, row_id: int, csrf: str = Form("")) -> Response:
        user = require(request)
        check_csrf(request, csrf)
        from pipeline import ledger
        from pipeline.stories import record_event

        with store.begin() as conn:
            try:
                pub = ledger.retry_failed(conn, row_id, utcnow())
            except (LookupError, ValueError) as exc:
                raise HTTPException(status_code=400, detail=str(exc)) from None
            record_event(conn, utcnow(), Actor(user.name, user.role), "retry", pub.story_id, note=pub.unit,
                         data={"row": row_id, "channel": pub.channel})
        return RedirectResponse("/schedule", status_code=303)

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, month: str = "") -> HTMLResponse:
        require(request)
        from pipeline.desk.charts import bars, grouped

        local_now = utcnow().astimezone(newsroom.tz)
        month = month if re.fullmatch(r"\d{4}-\d{2}", month) else f"{local_now:%Y-%m}"
        with store.read() as conn:
            reports = conn.execute(select(t.reports.c.station_id, t.reports.c.created_at)).all()
            published = conn.execute(select(t.stories.c.station_id, t.stories.c.theme, t.stories.c.published_at)
                                     .where(t.stories.c.published_at.is_not(None))).all()
        key = lambda moment: f"{moment.astimezone(newsroom.tz):%Y-%m}"  # noqa: E731
        months = sorted({key(r.created_at) for r in reports} | {key(p.published_at) for p in published})[-12:]
        per_month = [("报送", [sum(1 for r in reports if key(r.created_at) == m) for m in months]),
                     ("发布", [sum(1 for p in published if key(p.published_at) == m) for m in months])]
        by_institute: dict[str, int] = {}
        by_station: dict[str, int] = {}
        for row in published:
            if key(row.published_at) == month:
                by_institute[_institute_name(newsroom, row.station_id) or "县中心"] = \
                    by_institute.get(_institute_name(newsroom, row.station_id) or "县中心", 0) + 1
                name = newsroom.station_name(row.station_id)
                by_station[name] = by_station.get(name, 0) + 1
        reported: dict[str, int] = {}
        for row in reports:
            if key(row.created_at) == month:
                name = _institute_name(newsroom, row.station_id) or "县中心"
                reported[name] = reported.get(name, 0) + 1
        themes = {newsroom.theme_name(th): 0 for th in newsroom.themes}
        for row in published:
            if key(row.published_at) == month and row.theme:
                themes[newsroom.theme_name(row.theme)] = themes.get(newsroom.theme_name(row.theme), 0) + 1
        month_theme = newsroom.monthly_themes.get(month)
        theme_name = newsroom.theme_name(month_theme) if month_theme else None
        total = sum(themes.values())
        share = round(themes.get(theme_name, 0) / total * 100) if theme_name and total else 0
        charts = {
            "months": grouped(months, per_month, "每月报送与发布"),
            "reported": bars(sorted(reported.items(), key=lambda kv: -kv[1]), f"{month} 各所报送"),
            "institutes": bars(sorted(by_institute.items(), key=lambda kv: -kv[1]), f"{month} 各所发布"),
            "stations": bars(sorted(by_station.items(), key=lambda kv: -kv[1])[:15], f"{month} 发布最多的站点"),
            "themes": bars(sorted(themes.items(), key=lambda kv: -kv[1]), f"{month} 主题分布", highlight=theme_name),
        }
        return page(request, "dashboard.html", month=month, charts=charts, theme=theme_name, share=share, total=total)

    @app.get("/broadcast", response_class=HTMLResponse)
    def broadcast_view(request: Request, day: str = "", slot: str = "", target: str = "", notice: str = "") -> HTMLResponse:
        require(request)
        from pipeline.render import broadcast

        if not newsroom.slots:
            raise HTTPException(status_code=404, detail="kitchen.toml 里没有广播时段（[[loudspeaker.slots]]）。")
        try:
            when = datetime.fromisoformat(day).date() if day else utcnow().astimezone(newsroom.tz).date()
            chosen = broadcast.slot_named(newsroom, slot or newsroom.slots[0].name)
            with store.read() as conn:
                found = broadcast.rundowns(conn, newsroom, when, chosen)
        except (ValueError, broadcast.BroadcastError) as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        current = next((r for r in found if r.target.id == target), found[0] if found else None)
        rundown = None
        if current is not None:
            package = broadcast.package_folder(newsroom, when, chosen.name, current.target.id) / "manifest.json"
            built = json.loads(package.read_text(encoding="utf-8")) if package.exists() else None
            rundown = {"unit": current.unit, "target": current.target.name, "seconds": current.seconds,
                       "budget": current.budget, "share": min(100, round(current.seconds / current.budget * 100)),
                       "parts": [{"kind": p.kind, "ref": p.ref, "title": p.title, "seconds": round(p.seconds),
                                  "repeat": p.repeat, "movable": p.kind in ("story", "brief")} for p in current.parts],
                       "left_out": [{"ref": r, "title": ti, "reason": why} for r, ti, why in current.left_out],
                       "built": built}
        return page(request, "broadcast.html", day=when.isoformat(), slot=chosen.name, slots=newsroom.slots,
                    targets=[{"id": r.target.id, "name": r.target.name, "seconds": r.seconds, "budget": r.budget}
                             for r in found], target=current.target.id if current else "", rundown=rundown,
                    notice=notice)

    @app.post("/broadcast/edit")
    def broadcast_edit(request: Request, csrf: str = Form(""), unit: str = Form(""), ref: str = Form(""),
                       op: str = Form("")) -> Response:
        user = require(request)
        check_csrf(request, csrf)
        if not re.fullmatch(r"broadcast:\d{4}-\d{2}-\d{2}:[a-z0-9_-]+:[a-z0-9_-]+", unit) or not ref.isdigit() or \
                op not in ("drop", "undrop", "pin", "unpin", "up", "down"):
            raise HTTPException(status_code=400, detail="无法识别的调整。")
        from pipeline.render import broadcast

        _, day, slot, target = unit.split(":")
        with store.begin() as conn:
            row = conn.execute(select(t.rundown_edits.c.data).where(t.rundown_edits.c.unit == unit)).first()
            data = {"drop": [], "pin": [], "order": [], **(row.data if row else {})}
            if op in ("up", "down"):
                current = next(r for r in broadcast.rundowns(conn, newsroom, datetime.fromisoformat(day).date(),
                                                              broadcast.slot_named(newsroom, slot), target))
                refs = [p.ref for p in current.parts if p.kind in ("story", "brief")]
                if ref in refs:
                    i = refs.index(ref)
                    j = max(0, i - 1) if op == "up" else min(len(refs) - 1, i + 1)
                    refs[i], refs[j] = refs[j], refs[i]
                data["order"] = refs
                data["pin"] = [p for p in data["pin"] if p in refs]
                if data["pin"]:  # a pinned item keeps its place relative to the others
                    data["pin"] = [r for r in refs if r in data["pin"]]
            else:
                key, add = {"drop": ("drop", True), "undrop": ("drop", False), "pin": ("pin", True),
                            "unpin": ("pin", False)}[op]
                data[key] = [r for r in data[key] if r != ref] + ([ref] if add else [])
            values = {"data": data, "updated_by": user.name, "updated_at": utcnow()}
            if row:
                conn.execute(t.rundown_edits.update().where(t.rundown_edits.c.unit == unit).values(**values))
            else:
                conn.execute(t.rundown_edits.insert().values(unit=unit, **values))
            from pipeline.stories import record_event

            record_event(conn, utcnow(), Actor(user.name, user.role), "rundown-edit", int(ref), note=f"{unit} {op}",
                         data={"unit": unit, "op": op})
        return RedirectResponse(f"/broadcast?day={day}&slot={slot}&target={target}", status_code=303)

    @app.post("/broadcast/build")
    def broadcast_build(request: Request, csrf: str = Form(""), unit: str = Form("")) -> Response:
        require(request)
        check_csrf(request, csrf)
        from pipeline.render import broadcast

        with store.read() as conn:
            try:
                rundown = broadcast.rundown_for_unit(conn, newsroom, unit)
            except broadcast.BroadcastError as exc:
                raise HTTPException(status_code=400, detail=str(exc)) from None
        try:
            package = broadcast.build_package(newsroom, rundown, broadcast.settings_for(newsroom))
        except Exception as exc:  # noqa: BLE001 — shown to the editor, the page stays usable
            raise HTTPException(status_code=500, detail=f"节目包生成失败：{exc}") from None
        _, day, slot, target = unit.split(":")
        message = f"节目包已生成（{broadcast.clock(package.manifest['seconds'])}）"
        return RedirectResponse(f"/broadcast?day={day}&slot={slot}&target={target}&notice={message}", status_code=303)

    @app.get("/stories/{story_id}/preview", response_class=HTMLResponse)
    def preview(request: Request, story_id: int) -> Response:
        require(request)
        from pipeline.render.site.article import render_article

        with store.read() as conn:
            html = render_article(_snapshot(conn, story_id), newsroom).content
        # the rendered page in a sandbox of its own: no script runs, nothing reaches the desk
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:; "
                                                            "style-src 'unsafe-inline' 'self'", "X-Content-Type-Options": "nosniff"})

    @app.get("/media/{folder}/{name}")
    def media_file(request: Request, folder: str, name: str) -> Response:
        require(request)
        if not MEDIA_PATH.fullmatch(f"{folder}/{name}"):
            raise HTTPException(status_code=404, detail="没有这个文件。")
        path = newsroom.root / "media" / folder / name
        if not path.is_file():
            raise HTTPException(status_code=404, detail="没有这个文件。")
        return FileResponse(path, headers={"X-Content-Type-Options": "nosniff"})

    @app.post("/stories/{story_id}/photos")
    def photos(request: Request, story_id: int, csrf: str = Form(""), cover: int = Form(0),
               order: Annotated[list[str] | None, Form()] = None, drop: Annotated[list[int] | None, Form()] = None) -> Response:
        """Choose the cover (it goes first: cards and the article use the first photo), order the
        rest, leave some out — saved as a new revision like any edit."""
        user = require(request)
        check_csrf(request, csrf)
        from dataclasses import replace

        with store.begin() as conn:
            content = _snapshot(conn, story_id).revision.content
            images = list(content.images)
            try:
                ranks = [float(value) if value.strip() else float(n) for n, value in enumerate(order or [])]
            except ValueError:
                raise HTTPException(status_code=400, detail="顺序要填数字。") from None
            ranks += [float(n) for n in range(len(ranks), len(images))]
            kept = [n for n in sorted(range(len(images)), key=lambda n: (ranks[n], n)) if n not in set(drop or [])]
            if cover in kept:
                kept.remove(cover)
                kept.insert(0, cover)
            _perform(conn, newsroom, story_id, "edit", user, draft=replace(content, images=tuple(images[n] for n in kept)))
        return RedirectResponse(f"/stories/{story_id}?notice=图片已调整", status_code=303)

    @app.get("/static/htmx.min.js")
    def htmx() -> Response:
        """htmx, from the django-js-lib-htmx wheel's static folder (read as a file: nothing of
        Django is imported). The desk works without it; with it, pages change without reloading."""
        return Response(_htmx(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})

    @app.get("/static/site.css")
    def site_css() -> Response:
        """The site's stylesheet, so that the article preview looks like the site."""
        from pipeline.resources import templates_dir

        override = newsroom.root / "templates" / "web" / "static" / "site.css"
        path = override if override.exists() else templates_dir() / "web" / "static" / "site.css"
        return Response(path.read_bytes(), media_type="text/css", headers={"X-Content-Type-Options": "nosniff"})

    @app.get("/renditions/{folder}/{name}")
    def rendition_file(request: Request, folder: str, name: str) -> Response:
        require(request)
        relative = f"{folder}/{name}"
        if not RENDITION_PATH.fullmatch(relative):
            raise HTTPException(status_code=404, detail="没有这个文件。")
        path = newsroom.root / "renditions" / relative
        if not path.is_file():
            raise HTTPException(status_code=404, detail="没有这个文件。")
        return FileResponse(path, headers={"X-Content-Type-Options": "nosniff"})

    app.state.store = store
    app.state.newsroom = newsroom
    return app


def _htmx() -> bytes:
    import importlib.util

    spec = importlib.util.find_spec("js_lib_htmx")
    if spec is None or not spec.submodule_search_locations:
        raise HTTPException(status_code=404, detail="htmx is not installed")
    return (Path(next(iter(spec.submodule_search_locations))) / "static" / "htmx" / "htmx.min.js").read_bytes()


def _local_path(target: str) -> str:
    """Only paths on this site: `next=` must not send a user elsewhere after login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _set_cookie(response: Response, value: str, request: Request) -> None:
    response.set_cookie(COOKIE, value, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def _reports_by_story(conn: Any, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per story: its sources, how many reports said the same (duplicates), the look-alike
    stories of other events, and what extraction flagged for checking."""
    r = t.reports
    found: dict[int, dict[str, Any]] = {}
    for chunk in range(0, len(story_ids), 500):
        query = select(r.c.story_id, r.c.source_id, r.c.relation, r.c.related, r.c.flags).where(
            r.c.story_id.in_(story_ids[chunk:chunk + 500]))
        for row in conn.execute(query):
            info = found.setdefault(row.story_id, {"sources": set(), "copies": 0, "related": set(), "flags": []})
            info["sources"].add(row.source_id)
            info["copies"] += row.relation == "duplicate"
            info["related"].update(row.related or [])
            info["flags"] += [flag for flag in (row.flags or []) if flag not in info["flags"]]
    return found


def _clustered(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Look-alike stories next to each other (the first of a cluster where the newest of them
    is), the later ones marked as following it."""
    by_id = {s["id"]: s for s in stories}
    placed: set[int] = set()
    ordered = []
    for story in stories:
        if story["id"] in placed:
            continue
        cluster = [story] + [by_id[r] for r in story["related"] if r in by_id and r not in placed and r != story["id"]]
        for n, member in enumerate(cluster):
            placed.add(member["id"])
            ordered.append({**member, "follows": cluster[0]["id"] if n else None})
    return ordered


def _institute_name(newsroom: Newsroom, station_id: str) -> str:
    current = newsroom.stations.get(station_id)
    while current is not None and current.level not in ("institute", "center"):
        current = newsroom.stations.get(current.parent or "")
    return current.name if current is not None and current.level == "institute" else ""


def _revision_text(revision: Any) -> str:
    content = revision.content
    return f"{content.title}\n站点：{content.station_id}　主题：{content.theme or ''}\n\n{content.body_md}"


def diff_html(before: str, after: str) -> str:
    """What changed between two texts, by character (Chinese has no spaces to split words on):
    escaped text with <del> and <ins> around the changes."""
    import difflib
    import html

    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(html.escape(before[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{html.escape(before[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(after[b1:b2])}</ins>")
    return "".join(parts)


def _snapshot(conn: Any, story_id: int) -> Any:
    try:
        return snapshot(conn, story_id)
    except StoryNotFound:
        raise HTTPException(status_code=404, detail=f"没有第 {story_id} 号稿件。") from None


def _perform(conn: Any, newsroom: Newsroom, story_id: int, action: str, user: User, note: str = "", **params: Any) -> None:
    """The workflow decides, with the user's role: refusals come back as 403 / 409 pages."""
    from pipeline.workflow import Forbidden as RoleRefused

    try:
        perform(conn, newsroom, story_id, action, Actor(user.name, user.role), utcnow(), note=note, **params)
    except StoryNotFound:
        raise HTTPException(status_code=404, detail=f"没有第 {story_id} 号稿件。") from None
    except RoleRefused as exc:
        raise HTTPException(status_code=403, detail=f"没有权限：{exc}") from None
    except WorkflowError as exc:
        raise HTTPException(status_code=409, detail=f"不能这样操作：{exc}") from None


def _row(newsroom: Newsroom, p: Any) -> dict[str, Any]:
    return {"id": p.id, "channel": p.channel, "unit": p.unit, "story_id": p.story_id, "state": p.state,
            "action": p.action, "due": format_local(p.due_at, newsroom.tz), "attempts": p.attempts,
            "error": p.last_error or "", "published": format_local(p.published_at, newsroom.tz) if p.published_at else ""}


def _story_context(newsroom: Newsroom, store: Any, story_id: int, user: User) -> dict[str, Any]:
    from pipeline.render.broadcast import pronunciations
    from pipeline.render.renditions import stored_for
    from pipeline.render.speech import annotate, reading_seconds, ruby_html, spoken_diff, to_spoken
    from pipeline.stories import list_revisions

    actor = Actor(user.name, user.role)
    with store.read() as conn:
        snap = _snapshot(conn, story_id)
        revisions = list_revisions(conn, story_id)
        events = story_events(conn, story_id)
        media = stored_for(conn, [(story_id, snap.revision.number)]).get((story_id, snap.revision.number), {})
    content = snap.revision.content
    written = f"{content.title}。{content.body_md}"
    cards = [{"kind": kind, "src": f"/renditions/{made.files['main']}"} for kind, made in sorted(media.items())
             if kind.startswith("card-")]
    clip = next(({"src": f"/renditions/{m.files['main']}", "poster": f"/renditions/{m.files['poster']}",
                  "vtt": f"/renditions/{m.files['vtt']}"} for k, m in sorted(media.items()) if k.startswith("clip-")), None)
    allowed = {a.name: a for a in allowed_actions(snap.story, actor)}
    actions = [a for name, a in allowed.items() if name not in ("edit", "publish", "correct")]
    spoken = to_spoken(written)
    return {
        "story": {"id": story_id, "state": snap.story.state, "title": content.title, "body": content.body_md,
                  "station": content.station_id, "theme": content.theme or "", "revision": snap.revision.number,
                  "dateline": format_local(content.dateline, newsroom.tz) if content.dateline else ""},
        "editable": "edit" in allowed,
        "correctable": "correct" in allowed,
        "actions": [{"name": a.name, "label": a.label_zh, "needs_note": a.needs_note} for a in actions],
        "channels": list(newsroom.publish.channels),
        "stations": sorted(newsroom.stations.values(), key=lambda s: s.id),
        "themes": sorted(newsroom.themes.values(), key=lambda th: th.id),
        "revisions": [{"number": r.number, "title": r.content.title, "by": r.created_by, "note": r.note,
                       "at": format_local(r.created_at, newsroom.tz),
                       "diff": diff_html(_revision_text(before), _revision_text(r)) if before else ""}
                      for before, r in reversed(list(zip([None, *revisions[:-1]], revisions, strict=True)))],
        "events": [{"at": format_local(e.at, newsroom.tz), "actor": e.actor, "note": e.note,
                    "action": ACTIONS[e.action].label_zh if e.action in ACTIONS else EVENT_NAMES.get(e.action, e.action)}
                   for e in reversed(events)],
        "cards": cards, "clip": clip,
        "spoken": ruby_html(annotate(spoken, pronunciations(newsroom))), "rewritten": spoken_diff(written),
        "images": [{"index": n, "src": f"/media/{ref.sha256[:2]}/{ref.sha256}.{ref.ext}", "caption": ref.caption}
                   for n, ref in enumerate(content.images)],
        "reading": round(reading_seconds(spoken)),
        "now_local": datetime.now(newsroom.tz).strftime("%Y-%m-%dT%H:%M"),
    }
