"""Messages of the helpers every stage shares: photos, files and folders, time limits, dates and
times typed by people, the ledger and the newsroom's locks."""

from __future__ import annotations

# Photos (pipeline.media)


def photo_subject(name: str) -> str:
    """How a photo is named in a message: `图片“a.jpg”`, or `图片` when it has no name."""
    return f"图片“{name}”" if name else "图片"


def photo_too_small(subject: str, width: int, height: int, min_side: int) -> str:
    return f"{subject}只有 {width}×{height} 像素，短边至少要 {min_side} 像素"


def photo_too_heavy(subject: str, megabytes: int, limit: int) -> str:
    return f"{subject}有 {megabytes} MB，超过了 {limit} MB 的上限"


def photo_format(subject: str, fmt: str | None) -> str:
    return f"{subject}是 {fmt or '未知'} 格式，请用 JPEG、PNG、WebP 或 GIF"


def photo_unreadable_file(source: object, reason: str | None) -> str:
    return f"读不了图片文件 {source}：{reason or '未知原因'}"


def photo_bomb(subject: str, width: int, height: int, megapixels: float, limit: int) -> str:
    return (f"{subject}有 {width}×{height} 像素（{megapixels:.0f} 百万像素），超过 {limit} 百万像素，"
            "可能是“解压炸弹”，已拒收")


def photo_bomb_unknown_size(subject: str, limit: int) -> str:
    return f"{subject}超过 {limit} 百万像素，可能是“解压炸弹”，已拒收"


def photo_not_an_image(subject: str) -> str:
    return f"{subject}不是能读的图片：不是 JPEG、PNG、WebP、GIF、TIFF 或 BMP 格式"


def photo_damaged(subject: str, detail: object) -> str:
    return f"{subject}已损坏，读不出来（{detail}）"


def image_id_malformed(prefix: str) -> str:
    return f"“{prefix}”不是图片编号（至少 8 位十六进制字符）"


def image_id_unknown(prefix: str) -> str:
    return f"没有编号为“{prefix}”的图片"


def image_id_ambiguous(prefix: str) -> str:
    return f"图片编号“{prefix}”对应不止一张图片，请多写几位"


# Files and folders (pipeline.fsutil)


def unusable_file_name(text: str) -> str:
    return f"“{text}”不能用作文件名"


def absolute_path(text: str) -> str:
    return f"“{text}”是绝对路径；请写相对于所在文件夹的路径"


def path_outside(text: str) -> str:
    return f"“{text}”指向所在文件夹之外"


def too_many_files(path: object) -> str:
    return f"和 {path} 同名的文件太多了"


def folder_outside(folder: object, root: object) -> str:
    return f"“{folder}”不在 {root} 里面"


def not_a_folder(path: object, what: str) -> str:
    return f"“{path}”是{what}，不是文件夹"


def not_a_file(name: str, what: str) -> str:
    return f"“{name}”是{what}，不是普通文件"


FILE_KINDS = {"link": "符号链接", "file": "文件", "folder": "文件夹", "device": "设备文件",
              "pipe": "管道", "socket": "套接字", "other": "特殊文件"}


def already_exists(name: str) -> str:
    return f"“{name}”已经存在"


def symbolic_link(name: str) -> str:
    return f"“{name}”是符号链接，不会跟随链接读取"


# Time limits (pipeline.limits)


def took_too_long(seconds: float) -> str:
    return f"超过了 {seconds:g} 秒的时限"


# Dates and times people type (pipeline.timeutil)


def empty_date() -> str:
    return "没有填日期"


def not_a_moment(text: str) -> str:
    return f"“{text}”不是日期时间，请写成 2026-12-01 08:00 这样（本地时间）"


def not_a_date(value: object) -> str:
    return f"{value!r} 不是日期"


def not_a_clock(text: str) -> str:
    return f"“{text}”不是时刻，请写成 06:30 这样"


def clock_out_of_range(text: str) -> str:
    return f"“{text}”不是有效时刻（小时 0-23，分钟 0-59）"


# Stories, the ledger and the locks (pipeline.stories, pipeline.ledger, pipeline.locks)


def story_missing(story_id: int) -> str:
    return f"没有第 {story_id} 号稿件"


def story_being_delivered(story_id: int, channels: str) -> str:
    return f"第 {story_id} 号稿件正在{channels}上发送，请稍后再试"


def unit_being_delivered(unit: str, channel: str) -> str:
    return f"{unit} 正在{channel}上发送，请稍后再试"


def publication_missing(pub_id: int) -> str:
    return f"没有第 {pub_id} 条发送记录"


def publication_not_failed(pub_id: int, state: str) -> str:
    return f"第 {pub_id} 条发送记录的状态是“{state}”，不是“发送失败”；只有失败的记录可以重试"


LOCKS = {
    "publish": "另一个 kitchen publish 或 kitchen run 正在发布这个新闻中心的稿件",
    "ingest": "另一个 kitchen ingest 或 kitchen run 正在为这个新闻中心采集",
    "daemon": "这个新闻中心已经有一个 kitchen run 在运行",
    "render": "另一个 kitchen render 或 kitchen run 正在为这个新闻中心生成卡片和短视频",
}


def lock_busy(name: str) -> str:
    return LOCKS.get(name, f"另一个进程占用着“{name}”锁")
