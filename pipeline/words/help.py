"""The `kitchen` command's help: what `kitchen --help` and every `kitchen <command> --help` show.

One constant per command (its first sentence, up to `。`, is the line in the command list) and
one per option or argument, named after the command (`APPROVE_CHANNELS` is `kitchen approve
--channels`); options several commands share (`STORY_ID`, `WHY`, `LOGIN_NAME`) have one name.
The command line's own words (the usage line, the section headings, `--help`, the value names
after an option) are at the top. Option names, command names, config keys and file names stay as
they are typed."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.words import ROLES, STORY_STATES

# --- the command line's own words -----------------------------------------------------------------

USAGE = "用法："
OPTIONS = "选项"
ARGUMENTS = "参数"
COMMANDS = "命令"
OPTIONS_SLOT = "[选项]"            # in the usage line, where options go
COMMAND_SLOT = "命令 [参数]..."     # in a group's usage line, where the subcommand goes
HELP_OPTION = "显示本帮助，然后退出。"
REQUIRED = "必填"


def default(value: str) -> str:
    return f"默认：{value}"


def env_var(name: str) -> str:
    return f"环境变量 {name}"


def with_notes(text: str, notes: list[str]) -> str:
    """An option's help followed by its notes (default, environment variable, required)."""
    return f"{text}［{'；'.join(notes)}］" if notes else text


# What an option takes, after its name (`--limit 数目`), by option; VALUE for one not listed.
VALUES: Mapping[str, str] = {
    "--newsroom": "文件夹", "--user": "名字", "--role": "角色", "--source": "来源编号", "--limit": "数目",
    "--title": "标题", "--base-url": "网址", "--timezone": "时区", "--dir": "文件夹", "--state": "状态",
    "--station": "站点", "--file": "文件", "--why": "说明", "--at": "时间", "--channels": "频道",
    "--now": "时间", "--retry": "台账编号", "--kind": "类型", "--host": "地址", "--port": "端口",
    "--trusted-proxy": "地址", "--date": "日期", "--slot": "时段", "--township": "乡镇或村",
}
VALUE = "值"
# What an argument is called in the usage line and the list of arguments, by parameter name.
ARGUMENT_NAMES: Mapping[str, str] = {
    "directory": "文件夹", "story_id": "稿件编号", "story_ids": "稿件编号", "name": "用户名", "role": "角色",
}

# --- the root command ------------------------------------------------------------------------------

APP = "中央厨房（kitchen）：稿件采集一次，做成多种形式，在各个渠道发布。"
NEWSROOM = "编辑部文件夹（默认：当前文件夹，或它上级中的编辑部文件夹）。"
USER = "记入操作记录的名字（默认：你登录电脑用的用户名）。"
ROLE = ("以哪个角色操作：" + "、".join(f"{role}（{ROLES[role]}）" for role in ("editor", "chief", "admin"))
        + "。命令行信任本机用户；要以编辑身份操作，请把角色调低。")
VERSION = "显示版本号，然后退出。"

# --- the newsroom: init, check, demo, run, status ------------------------------------------------

INIT = ("建立编辑部文件夹。在里面写好 kitchen.toml 和 stations.csv，建好 templates/、inbox/、broadcast/、"
        "recordings/ 文件夹；已有的文件保留不动。")
INIT_DIRECTORY = "在哪个文件夹建立编辑部。"
INIT_TITLE = "网站名称。"
INIT_BASE_URL = "网站的公开网址（海报和视频里的二维码指向它）。"
INIT_TIMEZONE = "编辑部所在时区。"

CHECK = ("检查编辑部能否运行。逐项检查 kitchen.toml 和 stations.csv，打开数据库，"
         "并确认每个频道需要的东西（密钥、文件夹）都已具备；有问题就说明问题在哪里。")

DEMO = "建立演示编辑部（一个虚构的县），把整条流程在它上面跑一遍。"
DEMO_DIR = "演示编辑部建在哪个文件夹。"
DEMO_QUICK = "跳过费时的渲染：不做视频，广播稿不配音频（几秒钟完成，而不是一两分钟）。"

RUN = ("常驻运行。每隔几分钟采集一次，每隔几秒钟发布到期的稿件"
       "（间隔在 kitchen.toml 的 [daemon] 里设置）；按 Ctrl-C 停止。")
RUN_ONCE = "只采集一次、发布一次，然后停止。"

STATUS = "编辑部概况：各状态的稿件数，发布台账各状态的条数，采集错误数，下一次到期时间。"

# --- render, ingest, errors ---------------------------------------------------------------------------

RENDER = "制作缺少的或已过时的卡片、海报和视频（配方或稿件改过之后）。"
RENDER_STORY_IDS = "稿件编号（默认：所有已签发和已发布的稿件）。"
RENDER_KIND = ("只做这几种，例如 card-poster 或 clip-vertical；写 cards 或 clips 表示这一类全部。"
               "可写多次。")
RENDER_FORCE = "即使已有最新的成品，也重新制作。"

INGEST = "采集。从每个已配置的来源收进新稿件：共享文件夹里的文件、网站、微信公众号文章、订阅源。"
SOURCE = "只处理这个来源（来源编号）。"
INGEST_RETRY_FAILED = "把抓取到但提取失败的网页重新提取一遍（改好来源的规则或站点之后用）。"

ERRORS = "采集出错的记录。列出还没有解决的采集错误及原因：抓取、提取、图片、共享文件夹里的文件。"
ERRORS_LIMIT = "最多列出这么多条（最新的在前）。"
ERRORS_ALL = "也列出后来已经解决的错误（那一项后来顺利收进来了），即全部历史。"

# --- stories ------------------------------------------------------------------------------------------

STORIES = "列出稿件，最新的在前。"
STORIES_STATE = ("只列出这个状态的稿件：" + "、".join(f"{state}（{name}）" for state, name in STORY_STATES.items())
                 + "；写英文编号或中文名称都可以。")
STORIES_STATION = "只列出这个站点及其下属站点的稿件（写站点编号或全称，与 stations.csv 里一致）。"
STORIES_LIMIT = "最多列出这么多篇（最新的在前）。"

STORY_ID = "稿件编号。"
STORY_IDS = "稿件编号，可写一个或几个。"

SHOW = "查看一篇稿件：正文、各个版本、发布频道和经过。"

EDIT = "修改稿件。用 $EDITOR 指定的编辑器打开稿件（Markdown，开头是稿件信息）；内容有效就保存为新版本。"
EDIT_FILE = "不打开编辑器，直接用这个文件里改好的稿件。"

CORRECT = "更正已发布的稿件。保存为新版本，并在发布过这篇稿件的每个频道重新发布。"
CORRECT_WHY = "更正说明。"
CORRECT_FILE = "直接用这个文件里更正好的稿件。"

APPROVE = "签发稿件，立即发布或在指定时间发布。"
APPROVE_AT = "在编辑部当地的这个时间发布，例如 \"2026-12-01 08:00\"（默认：立即）。"
APPROVE_CHANNELS = ("在哪些频道发布，用逗号分开或把选项写多次"
                    "（--channels web,rss 或 --channels web --channels rss；默认：所有启用的频道，"
                    "见 kitchen.toml 的 [publish] channels）。")

# The commands that only move a story through the workflow, by action.
ACTIONS: Mapping[str, str] = {
    "submit": "送审。把草稿交给值班主任审核。",
    "reject": "退稿。退回稿件，并写明原因。",
    "reopen": "重新打开。把退回的稿件重新变成草稿。",
    "withdraw": "撤回签发。在还没有发出任何内容之前收回签发（取消它的发布排期）。",
    "kill": "撤稿。把稿件从发布过它的每个频道撤下，并写明原因。",
}
WHY = "说明。"
WHY_REQUIRED = "原因（必须填写）。"

# --- publish --------------------------------------------------------------------------------------

PUBLISH = "发布。把到期的稿件在各自的频道发出，每项只发一次；也可以列出或重试失败的发送。"
PUBLISH_DUE = "发布所有已到期的内容（不写选项时就是这样）。"
PUBLISH_NOW = "把排期到编辑部当地这个时间为止的内容都发布出去（提前发布：真的会发出）。"
PUBLISH_DRY_RUN = "只列出到期的内容，不发布。"
PUBLISH_FAILED = "列出最终发送失败的条目。"
PUBLISH_RETRY = "把一条发送失败的条目（发布台账编号）重新排进队列；可写多次。"
PUBLISH_RETRY_ALL = "把所有发送失败的条目重新排进队列。"

# --- the site and the desk -----------------------------------------------------------------------

PREVIEW = "预览网站。在 127.0.0.1 上提供已上线的网站，供在浏览器里查看（按 Ctrl-C 停止）。"
PREVIEW_PORT = "127.0.0.1 上的端口。"

WEB = "web 和 rss 频道发布的静态网站（site/live）。"
WEB_BUILD = "生成网站。按发布台账里已上线的内容生成网站并切换上线（改过模板之后用）。"
WEB_BUILD_FULL = "重新生成每一页，而不只是内容改过的页面。"
WEB_ROLLBACK = "回退网站。把上线的网站切回当前这次之前的那次生成。"
WEB_STATUS = "网站的各次生成：正在上线的一次，以及为回退保留的几次。"

DESK = "编辑工作台。启动网页版编辑工作台（用 kitchen users add 添加的用户登录）。"
DESK_HOST = "监听的地址（在单位局域网里使用请写 0.0.0.0）。"
DESK_PORT = "端口。"
DESK_TRUSTED_PROXY = ("可信的反向代理地址，相信它转来的 X-Forwarded-For（可写多次）；"
                      "不写时，以连接本身的地址作为访问者地址。")

# --- db, broadcast, users, tts -----------------------------------------------------------------------

DB = "编辑部的数据库。"
DB_UPGRADE = "升级数据库结构（命令打开数据库时也会自动升级）。"
DB_CURRENT = "显示数据库结构当前的版本。"

BROADCAST = "农村大喇叭广播：节目单、播音稿、音频包。"
BROADCAST_BUILD = ("制作广播包。现在就为一个时段制作各地的广播包（script.html、script.txt、audio.mp3、"
                   "playlist.m3u、manifest.json），作为新的发送记入发布台账，使用大喇叭频道的配音引擎和设置；"
                   "播出时间已过的时段不制作。")
BROADCAST_BUILD_DATE = "播出日期，格式 YYYY-MM-DD（默认：编辑部当地的今天）。"
BROADCAST_BUILD_SLOT = "时段，写编号或中文名称都可以，取自 [[loudspeaker.slots]]，例如 morning 或 早间。"
BROADCAST_BUILD_TOWNSHIP = "只做这个乡镇（实践所编号）或这个村。"
BROADCAST_SPOKEN = "播音稿预览。一篇稿件会被怎样读出来：哪些地方为朗读改写了，需要读多久，播出前要改什么（长句、括号、缩写）。"
BROADCAST_SPOKEN_STORY_ID = "要朗读的稿件编号。"

USERS = "编辑工作台的用户：用户名、角色、密码、停用。"
LOGIN_NAME = "登录用的用户名。"
USER_ROLE = "editor（编辑）、chief（值班主任）或 admin（管理员）。"
PASSWORD_STDIN = "从标准输入读取密码。"
USERS_ADD = "添加工作台用户（会提示输入密码，或从标准输入读取）。"
USERS_PASSWORD = "设置用户的密码（该用户已登录的会话随即结束）。"
USERS_ROLE = "设置用户的角色（该用户已登录的会话随即结束，下次登录时使用新角色）。"
USERS_DISABLE = "停用用户：该用户已登录的会话立即结束，在重新启用之前无法登录。"
USERS_ENABLE = "重新启用已停用的用户。"
USERS_LIST = "工作台的用户及其角色。"

TTS = "大喇叭频道的语音合成（TTS）引擎。"
TTS_CHECK = "哪些语音合成引擎已经安装，其余的怎样安装。"


# --- a command line that cannot run (click's usage errors) -----------------------------------------

ERROR = "错误："
ABORTED = "已取消。"


def try_help(command: str) -> str:
    return f"用 {command} --help 查看用法。"


def missing_argument(name: str) -> str:
    return f"缺少参数 {name}。"


def missing_option(name: str) -> str:
    return f"缺少选项 {name}。"


def no_such_option(name: str, close: list[str]) -> str:
    guess = f"是不是 {'、'.join(close)}？" if close else ""
    return f"没有 {name} 这个选项。{guess}"


def no_such_command(name: str) -> str:
    return f"没有 {name} 这个命令。"


def extra_arguments(values: str) -> str:
    return f"多出了参数：{values}。"


def needs_value(option: str) -> str:
    return f"选项 {option} 后面要写一个值。"


def not_a_whole_number(name: str, value: str | None) -> str:
    return f"{name} 应当是整数，而不是“{value}”。" if value else f"{name} 应当是整数。"


def not_a_choice(name: str, value: str, choices: str) -> str:
    return f"{name} 不能是“{value}”，只能是：{choices}。"


def bad_value(name: str, message: str) -> str:
    return f"{name} 的值不对：{message}"
