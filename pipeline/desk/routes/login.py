"""The login page, and logging out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline import words
from pipeline.desk.auth import COOKIE, check_csrf, session, set_session
from pipeline.desk.deps import StoreDep
from pipeline.desk.pages import render_page
from pipeline.desk.users import LoginDelayed, authenticate, end_session, start_session
from pipeline.timeutil import utcnow

router = APIRouter()


def local_path(target: str) -> str:
    """Only paths on this site: `next=` must not send a user elsewhere after login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 — the query's name
    return render_page(request, "login.html", next=local_path(next), error="")


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, store: StoreDep, name: str = Form(""), password: str = Form(""),
          next: str = Form("/")) -> Response:  # noqa: A002
    # the socket's address: proxy headers count only from proxies `kitchen desk` was told to trust
    address = request.client.host if request.client else "unknown"
    now = utcnow()
    try:
        user = authenticate(store, name.strip(), password, address, now)
    except LoginDelayed as wait:
        return render_page(request, "login.html", status=429, next=local_path(next),
                           error=words.desk.login_wait(wait.seconds),
                           headers={"Retry-After": str(wait.seconds)})
    if user is None:
        return render_page(request, "login.html", status=401, next=local_path(next),
                           error=words.desk.login_failed())
    with store.begin() as conn:
        token = start_session(conn, user, now)
    response = RedirectResponse(local_path(next), status_code=303)
    # a new CSRF token with the new session: a token seen before login is worth nothing after
    set_session(response, request, {"sid": token, "csrf": secrets.token_urlsafe(24)})
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, store: StoreDep) -> Response:
    """The session ends in the store, so a copy of the cookie is worth nothing either."""
    token = session(request).get("sid")
    if isinstance(token, str):
        with store.begin() as conn:
            end_session(conn, token, utcnow())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
