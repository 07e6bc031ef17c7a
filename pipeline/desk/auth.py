"""Who is at the desk: signed session cookies naming a session kept in the store (so that it can
be ended), the CSRF check on every POST, the logged-in user, and the workflow acting as that user
(its role table decides). The login page is `routes.login`."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection

from pipeline.desk.users import SESSION_LIFETIME, User, session_user
from pipeline.fsutil import atomic_write
from pipeline.settings import Newsroom
from pipeline.stories import Actor, StoryNotFound
from pipeline.timeutil import utcnow
from pipeline.workflow import Forbidden, WorkflowError, perform

COOKIE = "kitchen_desk"
LARGEST_ID = 2**63 - 1  # the store's integers: a larger id names no story (and SQLite cannot take it)
SESSION_SECONDS = int(SESSION_LIFETIME.total_seconds())


def session_signer(newsroom: Newsroom) -> URLSafeTimedSerializer:
    """Signs session cookies with a key made once per newsroom."""
    path = newsroom.runtime_dir / "desk-secret"
    if not path.exists():
        atomic_write(path, secrets.token_bytes(32))  # its temporary file is made readable by its owner only
    return URLSafeTimedSerializer(path.read_bytes(), salt="kitchen-desk-session")


def preview_signer(newsroom: Newsroom) -> URLSafeTimedSerializer:
    """Signs the photo addresses of an article preview. The preview is a sandboxed frame with an
    origin of its own, so the browser sends it no session cookie (SameSite=Strict): each photo it
    links carries a signature of its own path instead, made when a logged-in user opened the preview."""
    session_signer(newsroom)  # the key exists
    return URLSafeTimedSerializer((newsroom.runtime_dir / "desk-secret").read_bytes(), salt="kitchen-desk-preview")


def session(request: Request) -> dict[str, Any]:
    """The signed session (the store's session token once logged in, and the CSRF token); empty
    when missing, forged or expired."""
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data: dict[str, Any] = request.app.state.signer.loads(raw, max_age=SESSION_SECONDS)
            return data
        except BadSignature:
            pass
    return {}


def set_session(response: Response, request: Request, data: dict[str, Any]) -> None:
    response.set_cookie(COOKIE, request.app.state.signer.dumps(data), max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")


def current_user(request: Request) -> User | None:
    """The logged-in user, while the session lasts in the store (logging out, a password or role
    change and disabling the user end it); looked up once per request."""
    if not hasattr(request.state, "user"):
        token = session(request).get("sid")
        request.state.user = session_user(request.app.state.store, token, utcnow()) if isinstance(token, str) else None
    user: User | None = request.state.user
    return user


def require_user(request: Request) -> User:
    """The logged-in user; anyone else is sent to the login page, and back here afterwards."""
    user = current_user(request)
    if user is None:
        raise HTTPException(status_code=303, headers={"Location": f"/login?next={request.url.path}"})
    return user


def check_csrf(request: Request, csrf: str = Form("")) -> None:
    """Every POST carries the session's CSRF token (a form from elsewhere does not have it)."""
    if not csrf or not hmac.compare_digest(str(session(request).get("csrf", "")), csrf):
        raise HTTPException(status_code=403, detail="表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")


CurrentUser = Annotated[User, Depends(require_user)]


def require_posting_user(user: CurrentUser, _: Annotated[None, Depends(check_csrf)]) -> User:
    """The logged-in user sending a form with the session's CSRF token (checked in this order:
    a visitor without a session goes to the login page first)."""
    return user


PostingUser = Annotated[User, Depends(require_posting_user)]


def story_not_found(story_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=f"没有第 {story_id} 号稿件。")


def check_story_id(story_id: int) -> None:
    """An id no story can have is the 404 any unknown story is, before the store is asked."""
    if not 0 < story_id <= LARGEST_ID:
        raise story_not_found(story_id)


def perform_as(conn: Connection, newsroom: Newsroom, story_id: int, action: str, user: User, note: str = "",
               **params: Any) -> None:
    """A workflow action by the logged-in user, with the user's role: refusals come back as 404 / 403 / 409 pages."""
    check_story_id(story_id)
    try:
        perform(conn, newsroom, story_id, action, Actor(user.name, user.role), utcnow(), note=note, **params)
    except StoryNotFound:
        raise story_not_found(story_id) from None
    except Forbidden as exc:
        raise HTTPException(status_code=403, detail=f"没有权限：{exc}") from None
    except WorkflowError as exc:
        raise HTTPException(status_code=409, detail=f"不能这样操作：{exc}") from None
