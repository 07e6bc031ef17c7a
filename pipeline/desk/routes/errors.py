"""Ingest errors: putting the pages whose extraction failed back in the queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pipeline import words
from pipeline.desk.auth import require_posting_user
from pipeline.desk.deps import StoreDep
from pipeline.desk.pages import render_page
from pipeline.ingest.crawl import requeue_failed

router = APIRouter()


@router.post("/errors/retry", dependencies=[Depends(require_posting_user)])
def retry_errors(request: Request, store: StoreDep, source: str = Form("")) -> Response:
    count = requeue_failed(store, source or None)
    return render_page(request, "error.html", status=200, code=200, message=words.desk.requeued(count))
