"""Rendering a desk page: the template with the user and a CSRF token for its forms, the security
headers, the error page every refusal ends on, and the Chinese names templates show for the
identifiers they get (filters registered by `install_words`)."""

from __future__ import annotations

import secrets
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment
from starlette.exceptions import HTTPException

from pipeline import words
from pipeline.desk.auth import current_user, session, set_session
from pipeline.model import PackageUnit, Station
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
    """Redirects raised as exceptions (to the login page) are followed; every other refusal is a
    page in Chinese: the desk's own refusals carry their message, the framework's (an unknown
    address, a wrong method) get theirs here."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303):
        return RedirectResponse((exc.headers or {})["Location"], status_code=exc.status_code)
    framework = {404: words.desk.not_found(), 405: words.desk.method_not_allowed()}
    message = exc.detail
    if exc.detail == HTTPStatus(exc.status_code).phrase:  # raised without a message: the framework's own
        message = framework.get(exc.status_code, words.desk.bad_request())
    headers = {"Allow": exc.headers["Allow"]} if exc.headers and "Allow" in exc.headers else None
    return render_page(request, "error.html", status=exc.status_code, headers=headers, message=message,
                       code=exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: a page saying so in Chinese (the traceback goes to the server's log)."""
    return render_page(request, "error.html", status=500, message=words.desk.server_error(), code=500)


async def invalid_request(request: Request, exc: Exception) -> Response:
    """A request whose address or form does not fit the route (`/stories/abc`): the bad-request page."""
    assert isinstance(exc, RequestValidationError)
    story_path = request.url.path.startswith("/stories/")
    code = 404 if story_path and request.method == "GET" else 400
    message = words.desk.not_found() if code == 404 else words.desk.bad_request()
    return render_page(request, "error.html", status=code, message=message, code=code)


def install_words(env: Environment, newsroom: Newsroom) -> None:
    """The filters desk templates name identifiers with: `{{ row.channel|channel_name }}`."""
    slots = {slot.name: slot for slot in newsroom.slots}
    kinds = {source.id: source.kind for source in newsroom.sources}

    def slot_name(slot_id: str) -> str:
        slot = slots.get(slot_id)
        return slot.label if slot is not None else words.slot_name(slot_id)

    env.filters.update({
        "channel_name": lambda name: words.channel_name(name, newsroom.channel_kind(name)),
        "state_name": lambda state: words.name_of(words.STORY_STATES, state),
        "publication_state": lambda state: words.name_of(words.PUBLICATION_STATES, state),
        "publication_action": lambda action: words.name_of(words.PUBLICATION_ACTIONS, action),
        "stage_name": lambda stage: words.name_of(words.STAGES, stage),
        "role_name": lambda role: words.name_of(words.ROLES, role),
        "level_name": lambda level: words.name_of(words.LEVELS, level),
        "slot_name": slot_name,
        "source_name": lambda source_id: words.desk.source_name(source_id, kinds.get(source_id)),
        "actor_name": words.desk.actor_name,
        "rundown_part": lambda kind: words.name_of(words.desk.RUNDOWN_PARTS, kind),
        "unit_label": lambda unit: unit_label(newsroom, unit),
        "seconds_text": words.seconds_text,
    })
    env.globals["error_title"] = words.desk.page_title


def unit_label(newsroom: Newsroom, unit: str) -> str:
    """A ledger unit as people read it: a story as 第 N 号稿件, a loudspeaker package as
    `12月8日 晚间 · 柳溪镇`; anything else as it is."""
    if unit.startswith("story:") and unit[6:].isdigit():
        return words.desk.story_label(int(unit[6:]))
    try:
        package = PackageUnit.parse(unit)
    except ValueError:
        return unit
    slot = next((s for s in newsroom.slots if s.name == package.slot), None)
    return words.desk.unit_label(package.day, slot.label if slot else words.slot_name(package.slot),
                                 target_name(newsroom, package.target))


def target_name(newsroom: Newsroom, target: str) -> str:
    """A loudspeaker package's township (by its institute) or village, as the rundown names it."""
    station = newsroom.stations.get(target)
    if station is None:
        return target
    if station.level == "institute":
        return station.township or station.name
    return station.village or station.name


def station_tree(newsroom: Newsroom) -> list[tuple[Station, int]]:
    """Every station with its depth, each under its parent (the center, its institutes, their
    stations, their points), siblings in the order of stations.csv; a station whose parent is
    missing, or that sits in a loop, comes at the top level, so that none is left out."""
    children: dict[str, list[Station]] = {}
    roots: list[Station] = []
    for station in newsroom.stations.values():
        if station.parent and station.parent in newsroom.stations and station.parent != station.id:
            children.setdefault(station.parent, []).append(station)
        else:
            roots.append(station)
    ordered: list[tuple[Station, int]] = []
    placed: set[str] = set()

    def walk(station: Station, depth: int) -> None:
        if station.id in placed:
            return
        placed.add(station.id)
        ordered.append((station, depth))
        for child in children.get(station.id, []):
            walk(child, depth + 1)

    for station in roots:
        walk(station, 0)
    for station in newsroom.stations.values():  # in a loop of parents: no root leads to it
        walk(station, 0)
    return ordered


def institute_name(newsroom: Newsroom, station_id: str) -> str:
    """The institute (所) a station belongs to; empty for the center and its own stations."""
    current = newsroom.stations.get(station_id)
    while current is not None and current.level not in ("institute", "center"):
        current = newsroom.stations.get(current.parent or "")
    return current.name if current is not None and current.level == "institute" else ""
