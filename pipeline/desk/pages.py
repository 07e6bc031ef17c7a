"""Rendering a desk page: the template with the user and a CSRF token for its forms, the security
headers, and the error page every refusal ends on."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline import words
from pipeline.desk.auth import current_user, session, set_session
from pipeline.settings import Newsroom

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render_page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
                **context: Any) -> HTMLResponse:
    """`templates/desk/<template>` for this request; a visitor without a session gets one holding
    a fresh CSRF token, so that even the login form carries it."""
    data = session(request)
    fresh = "csrf" not in data
    if fresh:
        data["csrf"] = secrets.token_urlsafe(24)
    body = request.app.state.templates.get_template(f"desk/{template}").render(
        user=current_user(request), csrf=data["csrf"], states=words.STORY_STATES,
        site=request.app.state.newsroom.site.title, path=request.url.path, **context)
    response = HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
    if fresh:
        set_session(response, request, data)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """Redirects raised as exceptions (to the login page) are followed; every other refusal is a page."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303):
        return RedirectResponse((exc.headers or {})["Location"], status_code=exc.status_code)
    return render_page(request, "error.html", status=exc.status_code, message=exc.detail, code=exc.status_code)


def institute_name(newsroom: Newsroom, station_id: str) -> str:
    """The institute (所) a station belongs to; empty for the center and its own stations."""
    current = newsroom.stations.get(station_id)
    while current is not None and current.level not in ("institute", "center"):
        current = newsroom.stations.get(current.parent or "")
    return current.name if current is not None and current.level == "institute" else ""
