"""The editorial workflow: the declarative action table decides what may happen, and every action
is recorded in the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from pipeline import ledger
from pipeline import store as t
from pipeline.editing import story_to_document
from pipeline.ingest import ingest_all
from pipeline.model import StoryDraft
from pipeline.stories import Actor, create_story, get_story, snapshot, story_events
from pipeline.text import TITLE_LIMIT
from pipeline.words import STORY_STATES as STORY_STATE_NAMES
from pipeline.workflow import (
    ACTIONS,
    Forbidden,
    NotAllowed,
    WorkflowError,
    allowed_actions,
    perform,
)
from tests.conftest import NOW

EDITOR = Actor("王编辑", "editor")
CHIEF = Actor("李主任", "chief")
SYSTEM = Actor("scheduler", "system")


def new_story(store, title: str = "东村开展板凳课堂") -> int:
    draft = StoryDraft(title=title, body_md="正文。\n", station_id="qiaotou-dongcun", theme="xuanjiang",
                       dateline=NOW)
    with store.begin() as conn:
        return create_story(conn, draft, EDITOR, NOW)


def act(store, newsroom, story_id: int, action: str, actor: Actor = EDITOR, **params):
    with store.begin() as conn:
        return perform(conn, newsroom, story_id, action, actor, NOW, **params)


def state_of(store, story_id: int) -> str:
    with store.begin() as conn:
        return get_story(conn, story_id).state


def force_state(store, story_id: int, state: str) -> None:
    with store.begin() as conn:
        conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(state=state))


def test_every_action_names_known_states_and_roles() -> None:
    from pipeline.model import STORY_STATES
    from pipeline.workflow import ROLES

    for action in ACTIONS.values():
        assert set(action.from_states) <= set(STORY_STATES)
        assert action.to_state is None or action.to_state in STORY_STATES
        assert action.role in (*ROLES, "system")


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_each_action_is_refused_from_every_state_it_does_not_list(store, newsroom, name: str) -> None:
    from pipeline.model import STORY_STATES

    action = ACTIONS[name]
    actor = SYSTEM if action.role == "system" else Actor("boss", "admin")
    for state in set(STORY_STATES) - set(action.from_states):
        story_id = new_story(store)
        force_state(store, story_id, state)
        with pytest.raises(NotAllowed) as refused:
            act(store, newsroom, story_id, name, actor, note="理由",
                draft=snapshot_content(store, story_id))
        assert (f"稿件 {story_id} 现在是“{STORY_STATE_NAMES[state]}”，不能{action.label_zh}（只有“"
                in str(refused.value))
        assert state_of(store, story_id) == state


def snapshot_content(store, story_id: int) -> StoryDraft:
    with store.begin() as conn:
        return snapshot(conn, story_id).revision.content


def test_the_happy_path_draft_review_approve_published(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "submit")
    assert state_of(store, story_id) == "in_review"
    result = act(store, newsroom, story_id, "approve", at=NOW + timedelta(hours=2))
    assert result["channels"] == ["export"]
    assert state_of(store, story_id) == "approved"
    with store.begin() as conn:
        (row,) = ledger.list_publications(conn, story_id=story_id)
    assert (row.channel, row.state, row.due_at, row.revision) == ("export", "pending", NOW + timedelta(hours=2), 1)
    act(store, newsroom, story_id, "publish", SYSTEM, channel="export")
    assert state_of(store, story_id) == "published"


def test_every_action_is_recorded_with_who_when_from_to_and_note(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "reject", note="缺少活动时间")
    act(store, newsroom, story_id, "reopen")
    with store.begin() as conn:
        events = story_events(conn, story_id)
    assert [(e.actor, e.role, e.action, e.from_state, e.to_state, e.note) for e in events] == [
        ("王编辑", "editor", "reject", "draft", "rejected", "缺少活动时间"),
        ("王编辑", "editor", "reopen", "rejected", "draft", ""),
    ]
    assert all(e.at == NOW for e in events)


def test_reject_and_kill_need_a_reason(store, newsroom) -> None:
    story_id = new_story(store)
    with pytest.raises(WorkflowError, match="“退稿”需要写明理由"):
        act(store, newsroom, story_id, "reject", note="  ")
    assert state_of(store, story_id) == "draft"


def test_an_editor_cannot_kill_or_correct(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "approve")
    with pytest.raises(Forbidden, match="“撤稿”需要值班主任角色；王编辑 是编辑"):
        act(store, newsroom, story_id, "kill", EDITOR, note="错误")
    assert "kill" not in [a.name for a in allowed_actions(get_story_of(store, story_id), EDITOR)]
    assert "kill" in [a.name for a in allowed_actions(get_story_of(store, story_id), CHIEF)]


def get_story_of(store, story_id):
    with store.begin() as conn:
        return get_story(conn, story_id)


def test_only_the_scheduler_marks_a_story_published(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "approve")
    with pytest.raises(Forbidden, match="由调度器完成，不能手工操作"):
        act(store, newsroom, story_id, "publish", Actor("boss", "admin"))


def test_edit_saves_a_new_revision_and_keeps_the_old_one(store, newsroom) -> None:
    story_id = new_story(store)
    changed = replace(snapshot_content(store, story_id), title="东村板凳课堂走进田间地头")
    assert act(store, newsroom, story_id, "edit", draft=changed) == {"revision": 2}
    with store.begin() as conn:
        assert snapshot(conn, story_id).revision.content.title == "东村板凳课堂走进田间地头"
        assert snapshot(conn, story_id, 1).revision.content.title == "东村开展板凳课堂"


def test_approve_only_on_enabled_channels(store, newsroom) -> None:
    story_id = new_story(store)
    with pytest.raises(WorkflowError) as refused:
        act(store, newsroom, story_id, "approve", channels=["web"])
    assert str(refused.value) == ("本编辑部没有启用频道 web；已启用：export（外发）"
                                  "（在 kitchen.toml 的 [publish] channels 里增减）")
    assert state_of(store, story_id) == "draft"


def test_withdraw_cancels_the_schedule_before_anything_went_out(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "approve", at=NOW + timedelta(days=1))
    assert act(store, newsroom, story_id, "withdraw") == {"cancelled": ["export"]}
    with store.begin() as conn:
        (row,) = ledger.list_publications(conn, story_id=story_id)
    assert row.state == "cancelled"
    assert state_of(store, story_id) == "in_review"


def test_withdraw_is_refused_while_a_delivery_is_claimed(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "approve")
    with store.begin() as conn:
        ledger.claim_due(conn, "someone:1:x", NOW, timedelta(minutes=5), 10)
    with pytest.raises(ledger.LedgerBusy):
        act(store, newsroom, story_id, "withdraw")
    assert state_of(store, story_id) == "approved"


def test_kill_retracts_where_published_and_cancels_where_not_yet(store, newsroom) -> None:
    story_id = new_story(store)
    with store.begin() as conn:
        ledger.schedule_story(conn, story_id, 1, ["export"], NOW, NOW)
        conn.execute(t.publications.update().values(state="done", published_revision=1, published_at=NOW))
        conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(state="published"))
    result = act(store, newsroom, story_id, "kill", CHIEF, note="信息有误")
    assert result == {"retracting": ["export"], "cancelled": []}
    with store.begin() as conn:
        (row,) = ledger.list_publications(conn, story_id=story_id)
    assert (row.action, row.state, row.due_at) == ("retract", "pending", NOW)


def test_correction_makes_a_revision_and_requeues_only_channels_that_carried_it(store, newsroom, newsroom_dir) -> None:
    from pipeline.config import load_newsroom
    from tests.conftest import replace_in_config

    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["export", "province"]')
    with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[channels.province]\nkind = "export"\n')
    two_channels = load_newsroom(newsroom_dir)
    story_id = new_story(store)
    act(store, two_channels, story_id, "approve", at=NOW)
    with store.begin() as conn:
        # export went out; province is scheduled for later
        conn.execute(t.publications.update().where(t.publications.c.channel == "export")
                     .values(state="done", published_revision=1, published_at=NOW))
        conn.execute(t.publications.update().where(t.publications.c.channel == "province")
                     .values(due_at=NOW + timedelta(days=1)))
        conn.execute(t.stories.update().values(state="published"))
    fixed = replace(snapshot_content(store, story_id), body_md="更正后的正文。\n")
    result = act(store, two_channels, story_id, "correct", CHIEF, note="更正人数", draft=fixed)
    assert result == {"revision": 2, "republishing": ["export"]}
    with store.begin() as conn:
        rows = {p.channel: p for p in ledger.list_publications(conn, story_id=story_id)}
        revision = snapshot(conn, story_id).revision
    assert (rows["export"].state, rows["export"].revision, rows["export"].due_at) == ("pending", 2, NOW)
    assert (rows["province"].revision, rows["province"].due_at) == (2, NOW + timedelta(days=1))
    assert revision.note == "更正人数" and revision.created_by == "李主任"
    assert state_of(store, story_id) == "published"


def test_the_audit_trail_is_kept_in_the_events_table(store, newsroom) -> None:
    story_id = new_story(store)
    act(store, newsroom, story_id, "approve", channels=["export"])
    with store.begin() as conn:
        (event,) = conn.execute(select(t.events).where(t.events.c.story_id == story_id)).all()
    assert event.data["channels"] == ["export"] and event.data["revision"] == 1


def test_text_with_control_characters_is_cleaned_at_every_door(store, newsroom, newsroom_dir, kitchen) -> None:
    # ingest: a report filed with controls in its title, body and author
    (newsroom_dir / "inbox" / "bad.txt").write_text(
        "东村\x01开展\x08宣讲\x1b\n日期：2026-11-20 09:30\n站点：qiaotou-dongcun\n作者：王\x02丽\n\n"
        "第一段\x00有\x07铃声。\r\n第二段\x9b。\n", encoding="utf-8")
    (story_id,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        content = snapshot(conn, story_id).revision.content
        report = conn.execute(select(t.reports.c.title, t.reports.c.body_md)).one()
    assert content.title == "东村开展宣讲" == report.title
    assert content.body_md == report.body_md and "\x00" not in content.body_md and "\x07" not in content.body_md
    assert "\r" not in content.body_md and "\x9b" not in content.body_md and content.author == "王丽"
    # the CLI: `kitchen edit --file`, controls in the body and (YAML-escaped) in the title
    document = newsroom_dir / "edited.md"
    with store.read() as conn:
        text = story_to_document(snapshot(conn, story_id), newsroom)
    document.write_text(text.replace("title: 东村开展宣讲", 'title: "东村\\e开展\\x01理论宣讲"').replace("第一段", "第一\x01段"),
                        encoding="utf-8")
    kitchen("edit", str(story_id), "--file", str(document), env={"KITCHEN_ROLE": "editor"})
    with store.begin() as conn:
        content = snapshot(conn, story_id).revision.content
    assert content.title.startswith("东村开展理论宣讲") and content.body_md.startswith("第一段有铃声")
    # the workflow, whatever door the draft came through (the desk's form hands it here)
    act(store, newsroom, story_id, "edit", draft=replace(content, title="标题\x00\x01" + "长" * 200,
                                                          summary="摘\x1b要\n第二行"))
    with store.begin() as conn:
        content = snapshot(conn, story_id).revision.content
    assert content.title == ("标题" + "长" * 200)[:TITLE_LIMIT] and content.summary == "摘要 第二行"
