"""Story states and the declarative table of editor actions that drives the CLI and the desk.

Each action names the states it may start from, the state it leads to (None: stays), the least
role allowed to take it, and whether a reason is required. `perform` is the one entry point: it
checks the table, applies the action's effect (new revision, ledger rows), moves the story and
records the event — in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, update

from pipeline import ledger, words
from pipeline import store as t
from pipeline.model import Story
from pipeline.settings import Newsroom
from pipeline.stories import Actor, add_revision, get_story, record_event
from pipeline.text import clean_draft, clean_text

ROLES = ("editor", "chief", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


class WorkflowError(Exception):
    """An action that the table does not allow; the message says why and what to do."""


class NotAllowed(WorkflowError):
    pass


class Forbidden(WorkflowError):
    pass


Effect = Callable[[Connection, Newsroom, Story, Actor, datetime, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Action:
    name: str
    from_states: tuple[str, ...]
    to_state: str | None
    role: str
    needs_note: bool
    label_zh: str
    help: str
    effect: Effect | None = None


def _edit(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
          params: dict[str, Any]) -> dict[str, Any]:
    number = add_revision(conn, story.id, clean_draft(params["draft"]), actor, now, note="")
    return {"revision": number}


def _approve(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
             params: dict[str, Any]) -> dict[str, Any]:
    channels = list(params.get("channels") or newsroom.publish.channels)
    if not channels:
        raise WorkflowError(words.cli.no_channels_enabled())
    unknown = [c for c in channels if c not in newsroom.publish.channels]
    if unknown:
        raise WorkflowError(words.cli.channels_not_enabled(unknown, enabled_channels(newsroom)))
    due_at: datetime = params.get("at") or now
    ledger.schedule_story(conn, story.id, story.current_revision, channels, due_at, now)
    return {"channels": channels, "due_at": due_at.isoformat(), "revision": story.current_revision}


def _withdraw(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
              params: dict[str, Any]) -> dict[str, Any]:
    return {"cancelled": ledger.cancel_pending(conn, story.id, now)}


def _kill(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
          params: dict[str, Any]) -> dict[str, Any]:
    retracting, cancelled = ledger.retract_story(conn, story.id, now)
    return {"retracting": retracting, "cancelled": cancelled}


def _correct(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
             params: dict[str, Any]) -> dict[str, Any]:
    number = add_revision(conn, story.id, clean_draft(params["draft"]), actor, now, note=params["note"])
    channels = ledger.republish_story(conn, story.id, number, now)
    return {"revision": number, "republishing": channels}


def _mark_published(conn: Connection, newsroom: Newsroom, story: Story, actor: Actor, now: datetime,
                    params: dict[str, Any]) -> dict[str, Any]:
    conn.execute(update(t.stories).where(t.stories.c.id == story.id).values(published_at=now))
    return {key: params[key] for key in ("channel", "revision", "receipt") if key in params}


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("edit", ("draft", "in_review"), None, "editor", False, "修改",
           "save a new revision of a story that is not yet approved", _edit),
    Action("submit", ("draft",), "in_review", "editor", False, "送审",
           "send a draft for review"),
    Action("approve", ("draft", "in_review"), "approved", "editor", False, "签发",
           "approve for publication on channels, now or at a set time", _approve),
    Action("reject", ("draft", "in_review"), "rejected", "editor", True, "退稿",
           "reject a story, with the reason"),
    Action("reopen", ("rejected",), "draft", "editor", False, "重新打开",
           "bring a rejected story back as a draft"),
    Action("withdraw", ("approved",), "in_review", "editor", False, "撤回签发",
           "take back an approval before anything went out (cancels its schedule)", _withdraw),
    Action("kill", ("approved", "published"), "killed", "chief", True, "撤稿",
           "take a story down from every channel that carried it, with the reason", _kill),
    Action("correct", ("published",), None, "chief", True, "更正",
           "publish a corrected revision to every channel that carried the story", _correct),
    Action("publish", ("approved",), "published", "system", False, "发布",
           "the scheduler's record that the story went out on its first channel", _mark_published),
)}


def enabled_channels(newsroom: Newsroom) -> str:
    """The enabled channels as a refusal names them: `web（网站）、rss（订阅源）`."""
    return "、".join(f"{name}（{words.channel_name(name, newsroom.channel_kind(name))}）"
                    for name in newsroom.publish.channels)


def check(action: Action, story: Story, actor: Actor) -> None:
    """Raise a WorkflowError saying why `actor` may not take `action` on `story` now."""
    if story.state not in action.from_states:
        allowed = "、".join(words.name_of(words.STORY_STATES, s) for s in action.from_states)
        hint = words.cli.HINTS.get((action.name, story.state), "")
        raise NotAllowed(words.cli.not_allowed(story.id, words.name_of(words.STORY_STATES, story.state),
                                               action.label_zh, allowed, hint.format(id=story.id)))
    if action.role == "system":
        if actor.role != "system":
            raise Forbidden(words.cli.system_only(action.label_zh))
    elif ROLE_RANK.get(actor.role, -1) < ROLE_RANK[action.role]:
        raise Forbidden(words.cli.needs_role(action.label_zh, words.name_of(words.ROLES, action.role),
                                             actor.name, words.name_of(words.ROLES, actor.role)))


def allowed_actions(story: Story, actor: Actor) -> list[Action]:
    """The actions the actor may take on the story now (for menus and buttons)."""
    possible = []
    for action in ACTIONS.values():
        try:
            check(action, story, actor)
        except WorkflowError:
            continue
        possible.append(action)
    return possible


def perform(conn: Connection, newsroom: Newsroom, story_id: int, action_name: str, actor: Actor,
            now: datetime, note: str = "", **params: Any) -> dict[str, Any]:
    """Take an action on a story inside the caller's transaction; returns what the effect did."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise WorkflowError(words.cli.unknown_action(action_name, list(ACTIONS)))
    story = get_story(conn, story_id)
    check(action, story, actor)
    note = clean_text(note)
    if action.needs_note and not note:
        raise WorkflowError(words.cli.needs_reason(action.label_zh))
    params = {**params, "note": note}
    result = action.effect(conn, newsroom, story, actor, now, params) if action.effect else {}
    to_state = action.to_state or story.state
    if to_state != story.state:
        conn.execute(update(t.stories).where(t.stories.c.id == story.id)
                     .values(state=to_state, updated_at=now))
    record_event(conn, now, actor, action.name, story.id, story.state, to_state, note,
                 _jsonable(result))
    return result


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}
