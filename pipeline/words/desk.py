"""The desk's words: names the desk shows beside the shared ones in `pipeline.words`, and the
messages of its pages (refusals, notices, error pages), each a function of the facts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pipeline import words

# Source kinds (`[[sources]] kind = …`).
SOURCE_KINDS: Mapping[str, str] = {"inbox": "投稿文件夹", "site": "网站抓取", "wechat": "公众号", "feed": "订阅源"}

# The parts of a loudspeaker rundown.
RUNDOWN_PARTS: Mapping[str, str] = {
    "opening": "开始", "emergency": "紧急通知", "story": "新闻", "brief": "简讯", "notice": "通知", "closing": "结束",
}


# Card recipes (`templates/cards/<name>.toml`); a newsroom's own recipe shows by its name.
CARDS: Mapping[str, str] = {
    "cover": "封面卡片", "square": "方形分享卡片", "poster": "竖版海报", "screen": "横版标题卡",
    "end-landscape": "横版片尾卡", "end-vertical": "竖版片尾卡",
}


def card_name(kind: str) -> str:
    """A card rendition (`card-cover`) by its recipe's name."""
    recipe = kind.removeprefix("card-")
    return CARDS.get(recipe, f"卡片（{recipe}）")


def app_title() -> str:
    return "中央厨房 · 编辑台"


def event_name(action: str) -> str:
    """An audit-trail event that is not an editor action, by its name."""
    return words.name_of(words.EVENTS, action)


def actor_name(name: str) -> str:
    """Who did it: a person's user name as it is, the system's actors by their Chinese names."""
    return words.name_of(words.ACTORS, name)


def source_name(source_id: str, kind: str | None = None) -> str:
    """A configured source: its kind's name, with its own id when it is not named after its kind
    (`网站抓取（qiaotou-site）`)."""
    kind = kind or source_id
    kind_name = SOURCE_KINDS.get(kind, kind)
    return kind_name if source_id == kind else f"{kind_name}（{source_id}）"


def unit_label(day: date, slot_label: str, target_name: str) -> str:
    """A loudspeaker package as people read it: `12月8日 晚间 · 柳溪镇` (its machine form,
    `broadcast:2026-12-08:evening:liuxi`, stays in the ledger)."""
    return f"{day.month}月{day.day}日 {slot_label} · {target_name}"


def revision_text(title: str, station: str, theme: str, body: str) -> str:
    """A revision as the desk compares it with the one before."""
    return f"{title}\n站点：{station}　主题：{theme or '（无）'}\n\n{body}"


def channel_note(channel: str) -> str:
    return f"渠道：{channel}"


def story_label(story_id: int) -> str:
    return f"第 {story_id} 号稿件"


# --- the dashboard ------------------------------------------------------------------------------

CHART_SERIES: Mapping[str, str] = {"reported": "报送", "published": "发布"}


def county_center() -> str:
    """Where the center's own stations count on the dashboard (they belong to no institute)."""
    return "县中心"


def no_data(title: str) -> str:
    return f"{title}：暂无数据。"


def chart_title(chart: str, month: str) -> str:
    return {"months": "每月报送与发布", "reported": f"{month} 各所报送", "institutes": f"{month} 各所发布",
            "stations": f"{month} 发布最多的站点", "themes": f"{month} 主题分布"}[chart]


# --- error pages -------------------------------------------------------------------------------

def page_title(code: int) -> str:
    return {403: "不允许", 404: "找不到", 405: "不能这样访问", 429: "请稍后再试"}.get(code, "出错了")


def not_found() -> str:
    return "没有这个页面。"


def method_not_allowed() -> str:
    return "这个地址不能这样打开：请从编辑台的页面上点击进入。"


def bad_request() -> str:
    return "请求的内容不对（缺少或填错了某一项），请返回上一页重新填写。"


def server_error() -> str:
    return "编辑台出了问题，这次操作没有完成。请稍后再试；一直不行请联系管理员查看日志。"


def no_file() -> str:
    return "没有这个文件。"


def htmx_missing() -> str:
    return "没有安装 htmx（django-js-lib-htmx），编辑台照常可用，只是每次点击都会重新载入页面。"


def story_missing(story_id: int) -> str:
    return f"没有第 {story_id} 号稿件。"


def no_such_action() -> str:
    return "没有这个操作。"


# --- login and forms ---------------------------------------------------------------------------

def csrf_failed() -> str:
    return "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"


def login_wait(seconds: int) -> str:
    return f"登录失败次数过多，请 {seconds} 秒后再试。"


def login_failed() -> str:
    return "用户名或密码不正确；连续失败多次后，每次重试前需稍等片刻。"


# --- desk users (`kitchen users`) --------------------------------------------------------------

def role_with_name(role: str) -> str:
    """A role as the command line names it: `chief（值班主任）`."""
    return f"{role}（{words.name_of(words.ROLES, role)}）"


def user_name_length(limit: int) -> str:
    return f"用户名要有 1 到 {limit} 个字符。"


def user_exists(name: str) -> str:
    return f"已经有用户“{name}”；要改密码，请用 kitchen users password {name}"


def no_user(name: str) -> str:
    return f"没有用户“{name}”：kitchen users list 列出所有用户"


def role_invalid(role: str, roles: list[str]) -> str:
    return f"没有角色“{role}”；角色只能是：{words.joined([role_with_name(r) for r in roles])}"


def password_too_short(minimum: int) -> str:
    return f"密码太短：至少要有 {minimum} 个字符。"


def no_station(station: str) -> str:
    return f"没有这个站点：{station}"


def no_theme(theme: str) -> str:
    return f"没有这个主题：{theme}"


def bad_time(text: str) -> str:
    return f"时间格式不对：{text}"


def unknown_channels(names: list[str]) -> str:
    return f"没有启用这些渠道：{words.joined(names)}（在 kitchen.toml 的 [publish] channels 里启用）"


def order_needs_numbers() -> str:
    return "顺序要填数字。"


def title_and_body_needed() -> str:
    return "标题和正文不能为空。"


def title_too_long(length: int, limit: int) -> str:
    return f"标题太长：{length} 个字，最多 {limit} 个字。"


def control_characters(field: str, codes: str) -> str:
    return f"{field}里有不可见的控制字符（{codes}），请删除后再保存。"


def field_title() -> str:
    return "标题"


def field_body() -> str:
    return "正文"


# --- notices after an action -------------------------------------------------------------------

def saved() -> str:
    return "已保存新版本"


def correction_sent() -> str:
    return "更正已提交，将重新发布到原渠道"


def photos_saved() -> str:
    return "图片已调整"


def action_done(label: str) -> str:
    return f"{label}：已完成"


def retry_queued(channel: str, what: str) -> str:
    return f"已把{what}在{channel}的发布重新排队，下一次发布时再试。"


def retry_refused_missing(row_id: int) -> str:
    return f"没有第 {row_id} 条发布记录。"


def retry_refused_state(state: str) -> str:
    return f"这条发布现在是「{state}」，只有发送失败的才能重试。"


def requeued(count: int) -> str:
    return f"已把 {count} 个抽取失败的网页重新排队，下一次采集（kitchen ingest 或 kitchen run）会再试。"


# --- workflow refusals -------------------------------------------------------------------------

def not_allowed(story_id: int, state: str, action: str, from_states: list[str], hint: str = "") -> str:
    """An action the story's state does not allow."""
    text = f"第 {story_id} 号稿件现在是「{state}」，「{action}」只能用于{words.joined(from_states)}的稿件。"
    return text + hint


def hint(action: str, state: str) -> str:
    """What to do instead, for the refusals editors meet most."""
    return {
        ("edit", "published"): "已发布的稿件请用“更正”修改。",
        ("edit", "rejected"): "请先恢复这篇稿件。",
        ("approve", "rejected"): "请先恢复这篇稿件。",
        ("approve", "approved"): "已经签发；要改发布时间，请先撤回签发再重新签发。",
        ("withdraw", "published"): "已经发出；要撤下请用“撤稿”，并写明理由。",
    }.get((action, state), "")


def forbidden_role(action: str, role_needed: str, role: str) -> str:
    return f"没有权限：「{action}」需要{role_needed}来做，您是{role}。"


def forbidden_system(action: str) -> str:
    return f"没有权限：「{action}」由系统按计划完成，不能手动操作。"


def note_needed(action: str) -> str:
    return f"「{action}」需要写明理由。"


def no_channels() -> str:
    return "没有启用任何发布渠道：在 kitchen.toml 的 [publish] channels 里列出要用的渠道。"


def cannot(detail: str) -> str:
    return f"不能这样操作：{detail}" if detail else "不能这样操作。"

