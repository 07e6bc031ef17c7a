"""What `kitchen demo` prints: the table of stages and where each output is."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.words import LEVELS, STORY_STATES, joined, name_of

# The report's first column, by the stage's id.
STAGES: Mapping[str, str] = {
    "newsroom": "新闻中心", "store": "数据库", "inbox": "收件箱", "quarantine": "隔离区", "workflow": "审稿",
    "schedule": "定时发布", "export": "外发", "web": "网站", "rss": "订阅源", "cards": "分享卡片",
    "clips": "短视频", "loudspeaker": "大喇叭", "ledger": "发布台账", "kill": "撤稿",
}

TITLE = "中央厨房演示：新闻中心在 {root}"
HEADERS = ("环节", "做了什么", "在哪里（新闻中心文件夹内）")
TRY = "试试看："


def stage(stage_id: str) -> str:
    """A stage's name; a crawl of source `x` is `抓取 x`."""
    if stage_id.startswith("crawl "):
        return f"抓取 {stage_id.removeprefix('crawl ')}"
    return name_of(STAGES, stage_id)


def newsroom(county: str, stations: int, levels: Mapping[str, int]) -> str:
    parts = joined([f"{LEVELS[level]} {count} 个" for level, count in levels.items()])
    return f"{county}：{stations} 个文明实践阵地（{parts}）"


def store() -> str:
    return "SQLite（WAL 模式），已迁移到最新结构"


def inbox(reports: int) -> str:
    return f"{reports} 个文件成为草稿（Markdown、JSON、纯文本、GBK 编码）"


def crawl(fetched: int, new: int, duplicates: int, updated: int, failed: int) -> str:
    return f"抓取 {fetched} 个，新稿 {new} 篇，重复 {duplicates} 篇，更新 {updated} 篇，失败 {failed} 个"


def quarantine(files: int) -> str:
    return f"{files} 个有问题的收件箱文件，每个旁边有一份 .reason.txt 说明原因"


def workflow(states: Mapping[str, int]) -> str:
    return joined([f"{name_of(STORY_STATES, state)} {count} 篇" for state, count in sorted(states.items())])


def schedule(stories: int, when: str) -> str:
    return f"{stories} 篇定在 {when} 发布"


def export(documents: int) -> str:
    return f"{documents} 份 ninjs 文档（含撤稿和更正）"


def web(pages: int) -> str:
    return (f"静态网站：{pages} 个页面（首页、文章、各站/各镇/各主题/各月归档、阵地名录、SVG 地图），"
            "照片已去除元数据，另有 GeoJSON 和站点地图")


def rss(feeds: int) -> str:
    return f"{feeds} 个 RSS/Atom 订阅源（全站、各站点、各主题）"


def cards(made: Mapping[str, int]) -> str:
    return joined([f"{name} {count} 张" for name, count in made.items()]) + "（Pillow 绘制，二维码指向稿件）"


def clips(made: Mapping[str, int], failed: int) -> str:
    if not made:
        return "这次没有生成短视频（--quick）；kitchen render 可以补做" + (f"，{failed} 个失败" if failed else "")
    text = (joined([f"{name} {count} 段" for name, count in made.items()])
            + " MP4，带 SRT/WebVTT 字幕和封面帧（其余由 kitchen render 生成）")
    return text + (f"，{failed} 个失败" if failed else "")


CARD_NAMES: Mapping[str, str] = {"cover": "封面", "square": "方图", "poster": "海报"}
CLIP_NAMES: Mapping[str, str] = {"vertical": "竖屏", "landscape": "横屏"}
CLIPS_WHERE = "嵌在文章页里"


def loudspeaker(packages: int, day: str, slot: str, minutes: float | None) -> str:
    audio = f"{minutes:.0f} 分钟 espeak 语音，响度 −16 LUFS；" if minutes is not None else "只有稿本（--quick）；"
    return f"{day}{slot} {packages} 个节目包（{audio}带拼音的 script.html、script.txt、播放列表、清单）"


def ledger(deliveries: int, takedowns: int) -> str:
    return f"发送 {deliveries} 次，撤下 {takedowns} 次，每个渠道只发一次"


def kill(count: int) -> str:
    return f"撤稿 {count} 篇（pubstatus 为 canceled）"


def try_show() -> str:
    return "看一篇稿件的全部信息"


def try_review() -> str:
    return "待审的稿件"


def try_status() -> str:
    return "新闻中心的状态"


def try_preview() -> str:
    return "在 http://127.0.0.1:8000/ 预览网站"


def try_desk(user: str, password: str) -> str:
    return f"在 http://127.0.0.1:8700/ 打开编辑台，用 {user} / {password} 登录"
