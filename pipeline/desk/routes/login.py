"""The login page, and logging out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline.desk.auth import COOKIE, check_csrf, set_session
from pipeline.desk.deps import StoreDep
from pipeline.desk.pages import render_page
from pipeline.desk.users import authenticate
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
    address = request.client.host if request.client else "unknown"
    with store.begin() as conn:
        user = authenticate(conn, name.strip(), password, address, utcnow())
    if user is None:
        return render_page(request, "login.html", status=401, next=local_path(next),
                           error="用户名或密码不正确；连续失败多次后需等待15分钟再试。")
    response = RedirectResponse(local_path(next), status_code=303)
    # a new CSRF token with the new session: a token seen before login is worth nothing after
    set_session(response, request, {"user": user.name, "csrf": secrets.token_urlsafe(24)})
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
