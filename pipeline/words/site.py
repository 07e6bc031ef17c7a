"""The public site and its feeds: what a visitor reads on the pages, in the feeds' and the
podcast's human fields, and the refusals the web and rss channels give editors.

The templates keep their own fixed text (a newsroom overrides them whole); what code puts into
them (titles, navigation, descriptions, feed and episode titles) comes from here."""

from __future__ import annotations

from datetime import date, time

# --- navigation and the site-wide pages -------------------------------------------------------------

HOME = "首页"
STATIONS = "实践站点"
MAP = "实践地图"
BROADCASTS = "广播节目"

LATEST = "最新动态"  # the home page's listing and its feeds
NOT_FOUND = "页面未找到"
DIRECTORY_TITLE = "新时代文明实践站点"
DIRECTORY_DESCRIPTION = "全县新时代文明实践中心、所、站、点一览"
MAP_TITLE = "文明实践地图"
MAP_DESCRIPTION = "全县新时代文明实践阵地分布图"

# A station's level as the site names it (the desk's shorter names are `words.LEVELS`).
LEVELS = {"center": "中心", "institute": "实践所", "station": "实践站", "point": "实践点"}


def level_name(level: str) -> str:
    return LEVELS.get(level, "")


def window_title(title: str, site_title: str) -> str:
    """A page's `<title>`: the page first, then the site."""
    return f"{title} - {site_title}"


def page_number(title: str, number: int) -> str:
    """An archive's older page: `东村新时代文明实践站（第2页）`."""
    return f"{title}（第{number}页）"


def month_title(year: int, month: int) -> str:
    return f"{year}年{month}月"


def date_range(first: str, last: str) -> str:
    """The dates an older page covers, from two `2026年10月3日` dates; the year is not repeated."""
    if first == last:
        return first
    return f"{first}至{last[5:] if first[:5] == last[:5] else last}"


def station_description(township: str, village: str, level: str) -> str:
    """The line under a station archive's title: `桥头镇 东村 实践站`."""
    return " ".join(part for part in (township, village, level_name(level)) if part)


# --- feeds ----------------------------------------------------------------------------------------

def feed_title(site_title: str, what: str) -> str:
    """A feed's title carries the site's name: `青岚县融媒体中心 · 最新动态`."""
    return f"{site_title} · {what}"


def correction_note(day: str) -> str:
    """The lead of a correction note in a feed entry: `更正（2026年11月20日）：`."""
    return f"更正（{day}）："


# --- the broadcasts page and the podcast ------------------------------------------------------------

SHOW = "农村大喇叭"
PODCAST_DESCRIPTION = "各镇（街道）新时代文明实践广播：每天定时播出，新闻、通知与服务信息。"
PODCAST_SUMMARY = "各镇（街道）新时代文明实践广播的录音，与村头大喇叭播出的内容相同。"
BROADCASTS_DESCRIPTION = "各镇（街道）村头大喇叭播出的节目录音，可在线收听，也可用播客软件订阅。"
NO_TITLES = "本期为通知与问候。"


def podcast_title(site_title: str) -> str:
    return f"{site_title} · {SHOW}"


def slot_heading(slot_label: str, start: time) -> str:
    """A slot on the broadcasts page: `晚间（18:00）`."""
    return f"{slot_label}（{start:%H:%M}）"


def episode_title(target: str, day: date, slot_label: str, start: time) -> str:
    """`桥头镇 11月29日晚间广播（18:00）`."""
    return f"{target} {day.month}月{day.day}日{slot_label}广播（{start:%H:%M}）"


def episode_summary(titles: list[str]) -> str:
    return "本期内容：" + "；".join(titles) if titles else NO_TITLES


# --- addresses that moved -------------------------------------------------------------------------

def moved_title(title: str) -> str:
    return f"{title}（页面已迁移）"


MOVED = "本页地址已更改，正在跳转到新地址："


# --- the web and rss channels' refusals and reasons ------------------------------------------------

def unknown_setting() -> str:
    return "未知设置：该频道没有这一项"


def story_failed(story_id: int, reason: str) -> str:
    return f"稿件 {story_id}：{reason}"


def output_failed(error: str) -> str:
    """Why one story's page, card or feed entry could not be made (the error's own text follows)."""
    return f"页面或订阅条目生成失败（{error}）"


def left_out_of_build(build: str, reason: str) -> str:
    return f"未能写入网站第 {build} 版：{reason}"


# A story's fields, as `pipeline.text.control_characters` names them (`caption 2` is the second photo's).
FIELDS = {"title": "标题", "body": "正文", "author": "作者", "summary": "摘要", "caption": "图片说明"}


def field_name(name: str) -> str:
    kind, _, number = name.partition(" ")
    return f"{FIELDS.get(kind, kind)}{number}"


def control_characters(story_id: int, revision: int, fields: dict[str, str]) -> str:
    found = "；".join(f"{field_name(name)}：{chars}" for name, chars in fields.items())
    return (f"稿件 {story_id} 第 {revision} 版含有控制字符（{found}）：请重新保存一次（编辑，或已发布的稿件做更正），"
            "保存时会去掉它们，再发布新的版本")


def no_earlier_build() -> str:
    return "没有更早的完整网站版本可以回退"
