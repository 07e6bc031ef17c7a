"""The desk's web app (FastAPI + Jinja2; plain forms, no JavaScript needed): the app factory.

Every state change goes through `pipeline.workflow.perform` with the logged-in user as the actor,
so the role table, the audit trail and the refusals are the CLI's. Sessions are kept in the store
and named by signed cookies (HttpOnly, SameSite=Strict) that also hold a CSRF token; every POST
must carry the token (`desk.auth`). Source HTML is sanitised at ingest, and previews of rendered pages are served
with a CSP sandbox inside a sandboxed iframe, so nothing from a source runs in the desk. Each page
is a module of `desk.routes`; routes get the newsroom and its store from `app.state` (`desk.deps`).
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from pipeline import words
from pipeline.config import load_newsroom
from pipeline.desk.auth import preview_signer, session_signer
from pipeline.desk.pages import http_error, install_words, invalid_request, server_error
from pipeline.desk.routes import broadcasts, dashboard, errors, inbox, login, media, schedule, story
from pipeline.store import open_store
from pipeline.templating import environment

ROUTERS = (login.router, inbox.router, errors.router, story.router, schedule.router, broadcasts.router,
           dashboard.router, media.router)


def create_app(newsroom_root: Path) -> FastAPI:
    newsroom = load_newsroom(newsroom_root)
    app = FastAPI(title=words.desk.app_title(), docs_url=None, redoc_url=None, openapi_url=None)
    app.state.newsroom = newsroom
    app.state.store = open_store(newsroom)
    app.state.signer = session_signer(newsroom)
    app.state.preview_signer = preview_signer(newsroom)
    app.state.templates = environment(newsroom.root)
    install_words(app.state.templates, newsroom)
    app.add_exception_handler(HTTPException, http_error)  # the framework's too (an unknown address)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, server_error)
    for router in ROUTERS:
        app.include_router(router)
    return app


def server_config(app: FastAPI, host: str, port: int, trusted_proxies: tuple[str, ...] = ()) -> uvicorn.Config:
    """How `kitchen desk` serves the app. The client's address (which the login limit counts) is
    the socket's: `X-Forwarded-For` and `X-Forwarded-Proto` are read only from the proxies named."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=bool(trusted_proxies),
                          forwarded_allow_ips=list(trusted_proxies) or None)
