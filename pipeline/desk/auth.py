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

from pipeline import words
from pipeline.desk.users import SESSION_LIFETIME, User, session_user
from pipeline.fsutil import atomic_write
from pipeline.settings import Newsroom
from pipeline.stories import Actor, StoryNotFound, get_story
from pipeline.timeutil import utcnow
from pipeline.workflow import ACTIONS, Forbidden, NotAllowed, WorkflowError, perform

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
        raise HTTPException(status_code=403, detail=words.desk.csrf_failed())


CurrentUser = Annotated[User, Depends(require_user)]


def require_posting_user(user: CurrentUser, _: Annotated[None, Depends(check_csrf)]) -> User:
    """The logged-in user sending a form with the session's CSRF token (checked in this order:
    a visitor without a session goes to the login page first)."""
    return user


PostingUser = Annotated[User, Depends(require_posting_user)]


def story_not_found(story_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=words.desk.story_missing(story_id))


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
    except WorkflowError as exc:
        status = 403 if isinstance(exc, Forbidden) else 409
        raise HTTPException(status_code=status, detail=refusal(conn, newsroom, story_id, action, user, note, exc)) from None


def refusal(conn: Connection, newsroom: Newsroom, story_id: int, action_name: str, user: User, note: str,
            exc: WorkflowError) -> str:
    """Why the workflow refused, in the desk's words, from the facts (the workflow's own message
    is the command line's)."""
    action = ACTIONS.get(action_name)
    if action is None:
        return words.desk.no_such_action()
    label = action.label_zh
    if isinstance(exc, NotAllowed):
        state = get_story(conn, story_id).state
        return words.desk.not_allowed(story_id, words.name_of(words.STORY_STATES, state), label,
                                      [words.name_of(words.STORY_STATES, s) for s in action.from_states],
                                      words.desk.hint(action.name, state))
    if isinstance(exc, Forbidden):
        if action.role == "system":
            return words.desk.forbidden_system(label)
        return words.desk.forbidden_role(label, words.name_of(words.ROLES, action.role),
                                         words.name_of(words.ROLES, user.role))
    if action.needs_note and not note.strip():
        return words.desk.note_needed(label)
    if action.name == "approve" and not newsroom.publish.channels:
        return words.desk.no_channels()
    detail = str(exc)
    return words.desk.cannot(detail if any("\u4e00" <= ch <= "\u9fff" for ch in detail) else "")
