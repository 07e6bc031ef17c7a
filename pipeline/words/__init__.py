"""Every word a user reads, in Simplified Chinese, from one place.

Identifiers stay English in code, the database, URLs and file names (`draft`, `pending`,
`loudspeaker`, `broadcast:2026-12-08:evening:liuxi`); whatever an editor, a chief editor, an
announcer or a visitor reads is looked up here. This module holds the names every stage shares
(states, roles, channel kinds, ledger states, stages, slots, levels, events); the modules beside
it hold the messages of one area each, as functions that take the facts and return the sentence:

    words.ingest   reasons a file or page was refused or quarantined, ingest flags
    words.render   cards, clips, loudspeaker scripts and packages
    words.site     the public site and its feeds
    words.desk     the web desk
    words.cli      the `kitchen` command's output and refusals

A name that has no entry falls back to the identifier itself, so a newsroom's own channel or
slot never shows as blank; the test that walks the desk and the scripts catches English that
slips through.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

STORY_STATES: Mapping[str, str] = {
    "draft": "草稿", "in_review": "待审", "approved": "已签发", "published": "已发布",
    "rejected": "已退稿", "killed": "已撤稿",
}

# The names of the system's own actors in the audit trail and the revisions (a person shows by
# user name); the desk and `kitchen show` alike.
ACTORS: Mapping[str, str] = {"ingest": "采集", "scheduler": "定时发布", "system": "系统"}

ROLES: Mapping[str, str] = {"editor": "编辑", "chief": "值班主任", "admin": "管理员", "system": "系统"}

LEVELS: Mapping[str, str] = {"center": "中心", "institute": "所", "station": "站", "point": "点"}

# Channel kinds. A configured channel of another name shows its kind's name with its own name.
CHANNEL_KINDS: Mapping[str, str] = {"web": "网站", "rss": "订阅源", "export": "外发", "loudspeaker": "大喇叭"}

# Ledger rows: what happened to one delivery.
PUBLICATION_STATES: Mapping[str, str] = {
    "pending": "待发送", "claimed": "发送中", "done": "已发送", "failed": "发送失败", "cancelled": "已取消",
}

PUBLICATION_ACTIONS: Mapping[str, str] = {"publish": "发布", "retract": "撤下"}

# Where in the intake a problem happened (the `stage` column of ingest errors).
STAGES: Mapping[str, str] = {
    "file": "文件", "fetch": "抓取", "extract": "抽取", "image": "图片", "feed": "订阅源", "crawl": "抓取",
}

# Well-known loudspeaker slot ids and their names; `title = "…"` in a slot's table overrides.
SLOTS: Mapping[str, str] = {
    "dawn": "清晨", "morning": "早间", "noon": "午间", "afternoon": "午后", "evening": "晚间", "night": "夜间",
}

# Events in a story's audit trail that are not editor actions (those carry their own label).
EVENTS: Mapping[str, str] = {
    "ingest": "采集入库", "delivered": "已发送", "retracted": "已撤下", "retry": "重试发送",
    "render-warning": "渲染提示", "render-failed": "渲染失败", "update": "来源更新", "merge": "合并重复",
    "duplicate-source": "重复报送", "source-updated": "来源有更新", "source-seen-again": "来源再次出现",
    "left-out-of-site": "未能进入网站", "rundown-edit": "调整节目单", "package-rebuild": "重新生成节目包",
}

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def name_of(table: Mapping[str, str], key: str | None) -> str:
    """The Chinese name of `key` in `table`, or the key itself when the table has none."""
    if not key:
        return ""
    return table.get(key, key)


def channel_name(name: str, kind: str | None = None) -> str:
    """A configured channel as an editor reads it: `网站`, or `订阅源（feeds）` for a second
    rss-kind channel named `feeds`."""
    kind = kind or name
    kind_name = CHANNEL_KINDS.get(kind, kind)
    return kind_name if name == kind else f"{kind_name}（{name}）"


def channel_list(names: list[str] | tuple[str, ...], kinds: Mapping[str, str] | None = None) -> str:
    """Several channels joined the Chinese way: `网站、订阅源、大喇叭`."""
    return "、".join(channel_name(n, (kinds or {}).get(n)) for n in names)


def slot_name(slot_id: str, title: str | None = None) -> str:
    """A loudspeaker slot's name: its configured title, a well-known id's name, or the id."""
    return title or SLOTS.get(slot_id, slot_id)


def day_name(day: date) -> str:
    """A day as announcers and editors read it: `12月8日（周二）`."""
    return f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def seconds_text(seconds: float) -> str:
    """A duration in words: `44秒`, `3分20秒`, `15分钟`."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest}秒"
    return f"{minutes}分{rest}秒" if rest else f"{minutes}分钟"


def joined(items: list[str] | tuple[str, ...]) -> str:
    """Items listed with the Chinese enumeration comma."""
    return "、".join(items)


# The areas' messages, loaded with the shared names so that `words.<area>.<message>(…)` is the one
# way code reaches a sentence. They import the names above, so they come last.
from pipeline.words import cli, common, config, demo, desk, help, ingest, render, site  # noqa: E402, F401
