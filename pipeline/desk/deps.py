"""What every desk route gets from the app (set by `create_app` on `app.state`): the newsroom and its store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pipeline.settings import Newsroom
from pipeline.store import Store


def get_newsroom(request: Request) -> Newsroom:
    newsroom: Newsroom = request.app.state.newsroom
    return newsroom


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


NewsroomDep = Annotated[Newsroom, Depends(get_newsroom)]
StoreDep = Annotated[Store, Depends(get_store)]
