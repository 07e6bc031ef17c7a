"""The words of the intake: why a file or page was refused or quarantined, the notes left beside a
quarantined file, the flags a report carries to the desk, the audit trail's notes on reposts and
updates, and what `kitchen ingest` and `kitchen errors` print.

Each function takes the facts and returns the Simplified Chinese sentence; file names, URLs,
field names (`station:`), config keys (`max_pages`) and format names (JSON, HTTP 404) stay as they
are inside it, since they are what a person types or looks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# What a crawl request was for, as the fetch errors name it (`page: HTTP 404` → `网页抓取失败：HTTP 404`).
REQUEST_KINDS: Mapping[str, str] = {
    "page": "网页", "list": "列表页", "feed": "订阅源", "image": "图片", "start": "起始页",
}

# The columns and labels of `kitchen ingest` and `kitchen errors`.
SUMMARY_COLUMNS = ("来源", "抓取", "新稿", "更新", "重复", "失败")
PROBLEM_LABELS: Mapping[str, str] = {
    "quarantined": "已隔离", "left in place": "留在原处", "fetch failed": "抓取失败",
    "source failed": "来源失败", "note": "提示", "flagged": "请留意", "ingest": "采集",
}


def _list(items: Sequence[str]) -> str:
    return "、".join(items)


def _either(items: Sequence[str]) -> str:
    """`a、b、c 或 d`."""
    if len(items) < 2:
        return "".join(items)
    return "、".join(items[:-1]) + f" 或 {items[-1]}"


# ---- the inbox: files refused for what they are -------------------------------------------------

def inbox_missing(folder: str) -> str:
    return f"收件箱文件夹 {folder} 不存在"


def folder_link_not_followed() -> str:
    return "这是指向文件夹的符号链接，不会跟随读取：请把文件夹本身放进收件箱"


def file_type_not_read(suffix: str, suffixes: Sequence[str]) -> str:
    return f"不读取“{suffix}”文件：请把稿件另存为 {_either(suffixes)} 格式"


def known_suffixes(suffixes: Sequence[str]) -> str:
    """The inbox formats' extensions: `.docx、.md、.json 或 .txt`."""
    return _either(suffixes)


def name_not_utf8() -> str:
    return "文件名不是有效的 UTF-8 编码（可能是用其他编码的系统保存的）：请重命名后再放回"


def name_has_control_characters() -> str:
    return "文件名含有控制字符：请重命名后再放回"


def name_starts_with_dot() -> str:
    return "文件名以点开头，文件会被隐藏：请去掉开头的点后再放回"


def file_is_a_link() -> str:
    return "这是符号链接，不会跟随读取：请把文件本身放进收件箱"


def not_a_regular_file(kind: str) -> str:
    """`kind` is what the entry is instead (`fsutil.describe_kind`: 管道、文件夹……)."""
    return f"这是{kind}，不是普通文件；只读取普通文件"


def file_changed_while_read() -> str:
    return "读取时文件被换成了链接或其他非普通文件；只读取普通文件"


def file_too_large(size_kb: int, limit_kb: int) -> str:
    return f"文件有 {size_kb} KB，一篇稿件最多 {limit_kb} KB（图片请作为单独的文件放进收件箱）"


def reading_took_too_long(seconds: float) -> str:
    return f"读取文件超过 {seconds:g} 秒，已跳过"


def file_not_readable(error: str) -> str:
    return f"无法读取（{error}）"


def file_not_handled(error: str) -> str:
    return f"无法处理（{error}）"


def folder_not_a_station(folder: str) -> str:
    """Added to a missing station's reason when the file sits in a folder named like no station."""
    return f"；文件夹“{folder}”不是站点编号"


# ---- the inbox: photos a file names ---------------------------------------------------------------

def photo_by_media() -> str:
    return "收件箱里的稿件用“file: 文件名”指定图片，不能用“media:”"


def photo_absolute_path(name: str) -> str:
    return f"图片“{name}”写的是绝对路径：请写相对于稿件所在文件夹的路径"


def photo_outside(name: str) -> str:
    return f"图片“{name}”指向收件箱之外：图片要放在稿件旁边"


def photo_not_found(name: str) -> str:
    return f"图片“{name}”没有找到：请把它放在稿件旁边"


def photo_not_a_file(name: str) -> str:
    return f"图片“{name}”不是普通文件（链接或特殊文件不会读取）"


# ---- moving files ---------------------------------------------------------------------------------

def not_moved_to_quarantine(reason: str, folder: str, error: str) -> str:
    return f"{reason}；文件无法移到 {folder}/，仍留在原处（{error}）"


def note_not_written(reason: str, note: str, error: str) -> str:
    return f"{reason}（说明文件 {note} 没能写入：{error}）"


def filed_but_not_moved(folder: str, error: str) -> str:
    return f"已入库，但无法移到 {folder}/，仍留在原处（{error}）"


def not_retired(folder: str, error: str) -> str:
    return f"错误已解决，但隔离的文件和说明无法移到 _quarantine/{folder}/（{error}）"


def quarantine_note(item: str, reason: str) -> str:
    """The `.reason.txt` left beside a quarantined file: where it came from, why, and how to send
    it again. Its first two lines are the item and the reason."""
    return (f"{item}\n{reason}\n\n"
            "这份文件没有导入，原样保存在这里，没有删除。\n"
            f"改好后把文件放回收件箱即可重新导入（原来的位置：{item}）；导入成功后，这份说明会移到 "
            "_quarantine/_resolved/。\n")


def resolved_note(when: str, filed_to: str) -> str:
    """Added to a quarantine note once the fixed file came in."""
    return (f"\n已解决：{when} 改好的文件已导入（{filed_to}）。"
            "这里保存的是当初出问题的那一份，不再需要时可以删除。\n")


def resolved_note_copy_kept(when: str, filed_to: str) -> str:
    """Added to a quarantine note when the file was fixed elsewhere but the quarantined copy was
    changed after it was set aside (it may be a newer version): it stays where it is."""
    return (f"\n已解决：{when} 同名文件已成功导入（{filed_to}）。但隔离区里的这份文件在隔离后又被改过，"
            "所以留在原处没有移动；如果它是更新的版本，把它放回收件箱即可再次导入。\n")


# ---- reading a document ---------------------------------------------------------------------------

def not_text() -> str:
    return "文件既不是 UTF-8 也不是 GBK/GB18030 编码的文字"


def no_front_matter() -> str:
    return ("缺少文件头：文件必须以一行 --- 开始，接着写各个字段（title、date、station……），"
            "再以一行 --- 结束")


# What the YAML parser's complaints mean, by how they begin; the parser's own English is not shown.
YAML_PROBLEMS = (
    ("mapping values are not allowed", "这一行有多余的冒号（值里含冒号时请给整个值加上引号）"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格"),
    ("expected ',' or ']'", "方括号 [ ] 没有成对（标题里的方括号请给整个值加上引号）"),
    ("expected ',' or '}'", "花括号 { } 没有成对（值里的花括号请给整个值加上引号）"),
    ("expected <block end>", "缩进不一致（同一级的字段要对齐）"),
    ("found undefined alias", "值不能以 * 开头（请给整个值加上引号）"),
    ("found character '@'", "值不能以 @ 开头（请给整个值加上引号）"),
    ("found character '`'", "值不能以 ` 开头（请给整个值加上引号）"),
)


def front_matter_not_yaml(line: int | None, problem: str) -> str:
    """`problem` is the YAML parser's own (English) words; they are explained, not shown."""
    where = f"（第 {line} 行）" if line is not None else ""
    meaning = next((text for start, text in YAML_PROBLEMS if problem.startswith(start)),
                   "格式有误（每行写“字段: 值”，冒号后留一个空格）")
    return f"文件头不是有效的 YAML{where}：{meaning}"


def front_matter_impossible_value() -> str:
    return "文件头里有不可能的值（例如不存在的日期 2026-02-30）：请检查日期"


def front_matter_not_fields() -> str:
    return "文件头必须是一行一个“字段: 值”"


def images_not_a_list() -> str:
    return "images 必须是列表（每张图片一行“- file: …”）"


def image_entry_needs_file_or_media() -> str:
    return "每张图片要写“file: 路径”或“media: 图片编号”二者之一，可再加 caption 图说"


def image_entry_unreadable(entry: str) -> str:
    return f"图片项 {entry} 既不是路径，也不是 file/caption 组合"


def field_not_text(key: str) -> str:
    return f"“{key}”必须是文字"


# What the JSON parser's complaints mean, by how they begin.
JSON_PROBLEMS = (
    ("Unterminated string", "引号没有闭合"),
    ("Expecting property name", "字段名要用英文双引号括起来（最后一项后面也不能有逗号）"),
    ("Expecting ':'", "字段名后面缺少英文冒号"),
    ("Expecting ','", "两项之间缺少英文逗号"),
    ("Expecting value", "缺少值（或者多了一个逗号）"),
    ("Extra data", "JSON 对象结束后还有多余的内容"),
    ("Invalid control character", "文字里有未转义的换行或控制字符（换行请写成 \\n）"),
    ("Invalid \\escape", "反斜杠 \\ 后面的字符不对（要写反斜杠本身请写成 \\\\）"),
)


def json_invalid(message: str, line: int, column: int) -> str:
    """`message` is the JSON parser's own (English) words; they are explained, not shown."""
    meaning = next((text for start, text in JSON_PROBLEMS if message.startswith(start)), "格式有误")
    return f"不是有效的 JSON：第 {line} 行第 {column} 列，{meaning}"


def json_not_an_object() -> str:
    return "JSON 必须是一个对象，包含 title、date、station、body 等字段"


def body_not_text() -> str:
    return "“body”必须是文字"


def file_empty() -> str:
    return "文件是空的"


def word_unreadable(error: str | None = None) -> str:
    """`error` names what went wrong inside a converter, when it was not simply a damaged file."""
    detail = f"（{error}）" if error else "：文件已损坏，或者其实是旧的 .doc 格式（请用 Word 另存为 .docx）"
    return f"不是可读的 Word（.docx）文件{detail}"


def word_has_no_text() -> str:
    return "Word 文件里没有文字"


def word_too_many_parts(parts: int, limit: int) -> str:
    return f"Word 文件有 {parts} 个部件，最多读取 {limit} 个"


def word_unpacks_too_large(megabytes: int, limit: int) -> str:
    return f"Word 文件解压后有 {megabytes} MB，最多读取 {limit} MB（图片最好作为单独的文件发送）"


def word_text_too_large(kilobytes: int, limit: int) -> str:
    return f"Word 文件的文字解压后有 {kilobytes} KB，最多读取 {limit} KB（请把稿件拆开）"


def word_text_more_than(limit: int) -> str:
    return f"Word 文件的文字解压后超过 {limit} KB，最多读取 {limit} KB（请把稿件拆开）"


def word_too_many_paragraphs(paragraphs: int, limit: int) -> str:
    return f"Word 文件有 {paragraphs} 个段落，最多读取 {limit} 个（请把稿件拆开）"


# ---- checking a document's fields -----------------------------------------------------------------

def problems(items: Sequence[str]) -> str:
    """Everything that must be fixed in one file, in one line."""
    return "；".join(items)


def title_missing() -> str:
    return "缺少标题：请加一行 title: <标题>"


def title_too_long(length: int, limit: int) -> str:
    return f"标题有 {length} 个字，请控制在 {limit} 字以内"


def body_empty() -> str:
    return "正文是空的"


def station_unknown(value: str) -> str:
    return f"站点“{value}”不在 stations.csv 里（请写站点编号或完整名称）"


def station_missing(kind: str = "markdown") -> str:
    """A report without a station; the field named as the file's own format writes it (`kind`:
    the inbox format, `markdown`, `text`, `docx`, `json`)."""
    where = {
        "markdown": "请在文件开头加一行 station: <站点编号或名称>",
        "text": "请在标题下面加一行 站点：<站点编号或名称>",
        "docx": "请在标题下面加一段 站点：<站点编号或名称>",
        "json": '请加上一项 "station": "<站点编号或名称>"',
    }.get(kind, "请在文件里写明站点（站点编号或名称）")
    return f"缺少站点：{where}，或把文件放进 inbox/<站点编号>/ 文件夹"


def theme_list(themes: Sequence[tuple[str, str]]) -> str:
    """Known themes as `xuanjiang（理论宣讲）、kepu（科普）`."""
    return _list([f"{theme_id}（{name}）" for theme_id, name in themes]) or "（主题表是空的）"


def theme_unknown_left_empty(value: str) -> str:
    """The flag on a report whose theme is not one of the newsroom's: filed, theme left empty."""
    return f"主题“{value}”不在主题表里，已留空：请在编辑台选一个主题"


def theme_unknown(value: str, themes: Sequence[tuple[str, str]]) -> str:
    """`kitchen edit` refuses a theme it does not know rather than clear it."""
    return f"主题“{value}”不在主题表里；可用的主题：{theme_list(themes)}（写编号或名称；不要主题就留空）"


def date_invalid(value: str) -> str:
    return f"日期“{value}”无法识别，请写成 2026-11-20 或 2026-11-20 09:30"


def date_without_time() -> str:
    return "日期没有写具体时间"


# ---- `kitchen edit` and `kitchen correct` ---------------------------------------------------------

def edit_header(story_id: int, revision: int, state: str, timezone: str) -> str:
    """The comment lines at the top of the document `kitchen edit` opens; `state` is the Chinese name."""
    return (f"# 编辑稿件 #{story_id}（第 {revision} 版，{state}）。保存并关闭编辑器即提交；内容不变则不产生新版本。\n"
            f"# 字段：title 标题；station 站点编号或名称；theme 主题编号或名称（可空）；date 活动时间（{timezone}）；\n"
            "#      author 作者；summary 摘要（可空）；images 图片（media: 图片编号 或 file: 本机图片路径，caption 图说）。\n")


def correction_hint() -> str:
    return "# correction 更正说明：必填，写明更正了什么，将随稿件在各渠道显示。\n"


def correction_empty() -> str:
    return "更正说明（correction）是空的：请写明更正了什么"


def unknown_fields(names: Sequence[str]) -> str:
    return f"不认识的字段：{', '.join(names)}"


def image_file_missing(name: str) -> str:
    return f"图片文件“{name}”不存在"


# ---- crawling and extracting ----------------------------------------------------------------------

def crawl_timed_out(seconds: float) -> str:
    return f"抓取进行了 {seconds:.0f} 秒后被停止（timeout_seconds）；已抓到的内容都保留"


def crawl_page_limit(max_pages: int) -> str:
    return f"抓到 max_pages 规定的 {max_pages} 个网页后停止；要抓更多，请调高这个来源的 max_pages"


def crawl_process_failed(detail: str) -> str:
    return f"抓取进程出错：{detail}"


def crawl_store_failed(error: str) -> str:
    return f"无法保存抓到的内容（{error}）；抓取已停止"


def source_failed(error: str) -> str:
    return f"读取来源出错（{error}）"


def no_such_source(source_id: str) -> str:
    return f"kitchen.toml 里没有编号为“{source_id}”的来源"


def fetch_failed(kind: str, reason: str) -> str:
    """A request that failed: `网页抓取失败：HTTP 404`."""
    return f"{REQUEST_KINDS.get(kind, kind)}抓取失败：{reason}"


def http_status(status: int) -> str:
    return f"HTTP {status}"


def host_not_found() -> str:
    return "域名无法解析"


def connection_refused() -> str:
    return "服务器拒绝连接（网站是否关闭了？）"


def timed_out() -> str:
    return "超时（已重试）"


def no_answer() -> str:
    return "服务器没有应答就关闭了连接"


def over_size_cap(size: int | None, limit: int) -> str:
    """A response over the source's size cap (`max_page_bytes`/`max_image_bytes`), in kilobytes."""
    have = f"有 {size // 1024} KB，" if size is not None else ""
    return f"超过大小上限（{have}上限 {limit // 1024} KB）"


def redirected_outside(host: str) -> str:
    return f"跳转到了 {host}，这个来源不允许抓取该域名"


def too_many_redirects(limit: int) -> str:
    return f"跳转超过 {limit} 次"


def feed_is_a_web_page(content_type: str) -> str:
    return f"这个地址是网页（{content_type}），不是 RSS/Atom 订阅源"


def feed_unreadable(error: str) -> str:
    return f"无法读取订阅源：{error}"


def feed_not_well_formed(line: int | None, column: int | None, entries: int) -> str:
    where = f"（第 {line} 行第 {column} 列附近，常见原因是没有转义的 &）" if line else ""
    return f"订阅源不是格式正确的 XML{where}；已宽松读取，找到 {entries} 条"


def extraction_took_too_long(seconds: float) -> str:
    return f"抽取超过 {seconds:g} 秒，已跳过"


def extraction_failed(error: str) -> str:
    return f"抽取出错（{error}）"


def no_article() -> str:
    return "网页上没有找到文章"


def wechat_deleted() -> str:
    return "该微信文章已被发布者删除（已记录，不作为稿件内容）"


def wechat_verification() -> str:
    return "微信返回的是验证页面而不是文章；稍后会重新抓取"


def page_empty() -> str:
    return "网页是空的"


def page_unreadable() -> str:
    return "网页无法读取"


def page_has_no_title() -> str:
    return "网页上没有找到标题"


def article_body_empty() -> str:
    return "文章正文是空的"


def page_without_station() -> str:
    return ("没有站点：网页上没有提到已知的站点，这个来源也没有默认站点"
            "（请为这个来源设置 station 或 station_from）")


# Flags a crawled report carries to the desk.

def page_read_error(error: str) -> str:
    return f"无法读取网页（{error}）"


def not_a_web_page() -> str:
    return "不是网页（是二进制数据：图片、PDF 或程序？）"


def blank_page() -> str:
    return "空白网页"


def charset_mismatch(declared: str, used: str) -> str:
    return f"网页声明的编码是 {declared}，实际按 {used} 读取"


def extractors_disagree(agreement: float) -> str:
    return f"两种通用抽取方法的结果不一致（相似度 {agreement:.2f}）：请核对正文"


def little_body_text() -> str:
    return "正文很少：请核对抽取结果"


def no_date_found() -> str:
    return "网页上没有找到日期"


def no_date_using_fetch_time() -> str:
    return "网页上没有日期：按抓取时间记"


def photo_not_downloaded(url: str, reason: str = "") -> str:
    return f"图片没有下载到：{url}（{reason}）" if reason else f"图片没有下载到：{url}"


def photo_never_fetched() -> str:
    return "抓取时没有下载这张图片（抓取被中止，或图片不在抓取时认出的正文里）"


def photo_off_site(host: str) -> str:
    return f"图片在别的网站（{host}）上，这个来源不允许从那里下载；要收这类图片，请把该域名加进来源的 image_domains"


def photo_tiny(subject: str, width: int, height: int, min_side: int) -> str:
    return f"{subject}只有 {width}×{height} 像素，短边不到 {min_side} 像素，不像新闻照片（多是图标或装饰）"


def photo_skipped(detail: str) -> str:
    return f"图片已跳过：{detail}"


# ---- reposts and updates (the audit trail) --------------------------------------------------------

def same_page_same_text() -> str:
    return "同一网页，文字没有变化"


def page_changed() -> str:
    return "网页在上次抓取后有改动"


def same_page_other_source() -> str:
    return "同一网页，由另一个来源读到"


def same_text_repost() -> str:
    return "文字完全相同（转发）"


def alike_same_place(similarity: float) -> str:
    return f"{similarity:.0%} 相似，地点相同，日期相差不超过 2 天"


def alike_other_place() -> str:
    return "内容相似，但地点或时间不同"


def alike_other_stories(story_ids: Sequence[int]) -> str:
    """The flag on a new report that reads like other stories of another place or time."""
    return f"与其他稿件相似（{_list([f'#{i}' for i in story_ids])}），但地点或时间不同：请确认不是转发"


def draft_took_new_text() -> str:
    return "；草稿已换成新文字"


def update_left_alone(editor_worked: bool, state: str) -> str:
    """Why an update from the source did not replace the story's text; `state` is its Chinese name."""
    reason = "编辑已经改过这篇稿件" if editor_worked else f"稿件已是“{state}”状态"
    return f"；{reason}，所以没有改动它的文字——请对照来源，需要时手动修改"


# ---- `kitchen ingest` ---------------------------------------------------------------------------

def summary_line(*, new: int, seen: int, quarantined: int, left: int = 0, updated: int = 0,
                 fetch_errors: int = 0, source_errors: int = 0) -> str:
    parts = [f"新稿 {new} 篇", f"已收过 {seen} 篇", f"隔离 {quarantined} 个"]
    if left:
        parts.append(f"留在原处 {left} 个")
    if updated:
        parts.append(f"更新 {updated} 篇")
    if fetch_errors:
        parts.append(f"抓取失败 {fetch_errors} 处")
    if source_errors:
        parts.append(f"来源出错 {source_errors} 个")
    return "，".join(parts)


def ingest_done(summary: str) -> str:
    return f"采集：{summary}"


def ingest_skipped(reason: str) -> str:
    return f"采集：本次跳过，{reason}"


def requeued(count: int) -> str:
    return f"{count} 个抽取失败的网页将重新抽取"


def new_drafts(story_ids: Sequence[int]) -> str:
    return f"新草稿：{_list([f'#{i}' for i in story_ids])}"


def see_errors() -> str:
    return "用 kitchen errors 查看失败的内容和原因"


def progress(source_id: str, fetched: int, failed: int, url: str) -> str:
    return f"{source_id}：已抓取 {fetched}，失败 {failed} — {url}"


def item_detail(item: str, detail: str) -> str:
    return f"{item}：{detail}"


# ---- `kitchen errors` ---------------------------------------------------------------------------

def raw_document(raw_id: int) -> str:
    return f"原始文档 #{raw_id}"


def quarantined_to(path: str, resolved: bool = False, note: str = ".reason.txt") -> str:
    """Where a quarantined file is; once resolved, where its note (with the resolution) now is."""
    return f"隔离说明在 {path}{note}" if resolved else f"已隔离到 {path}"


def resolved_at(when: str) -> str:
    return f"已解决（{when}）"


def errors_shown(count: int, limit: int | None, everything: bool) -> str:
    kind = "条采集错误（含已解决的）" if everything else "条未解决的采集错误"
    text = f"共显示 {count} {kind}"
    if limit is not None and count == limit:
        text += f"；只显示最新的 {limit} 条，用 --limit N 看更多"
    if not everything:
        text += "；加 --all 可看已解决的历史"
    return text


def no_errors(everything: bool) -> str:
    return "没有采集错误记录" if everything else "没有未解决的采集错误（加 --all 可看已解决的历史）"


# ---- checking a source's table in kitchen.toml (`kitchen check`) ---------------------------------
# The loader names the place (`kitchen.toml 第12行 sources[1] (qiaotou-site).max_pages`); these say
# what is wrong there.

def option_unknown_for_inbox() -> str:
    return "收件箱来源没有这项设置；只有 path 一项"


def option_folder_path() -> str:
    return "要写成加引号的文件夹路径"


def option_unknown(kind: str, known: Sequence[str]) -> str:
    return f"{kind} 来源没有这项设置；可用的设置：{', '.join(known)}"


def option_rule_format() -> str:
    return "要写成加引号的规则：css:选择器、xpath:表达式 或 re:正则表达式"


def option_rule_invalid(rule: str, error: str) -> str:
    return f"“{rule}”不是有效的规则（{error}）"


def option_required() -> str:
    return "必须填写"


def option_url_format(single: bool) -> str:
    return "要写成加引号的网址" if single else "要写成加引号的网址列表"


def option_not_http(url: str) -> str:
    return f"“{url}”不是 http(s) 网址"


def option_article_links_required() -> str:
    return "必须填写：怎样在列表页上找到文章链接（css:…、xpath:… 或 re:…）"


def option_fields_format() -> str:
    return "要写成 title/date/body/author/images 规则的表"


def option_field_unknown(known: Sequence[str]) -> str:
    return f"没有这个字段；可用的字段：{', '.join(known)}"


def option_station_from_format() -> str:
    return '要写成表：field = "css:…"，或 url = {"路径前缀" = "站点编号"}'


def option_station_from_url_format() -> str:
    return '要写成网址路径前缀的表，例如 {"/binhe/" = "chengguan-binhe"}'


def option_domains_format() -> str:
    return '要写成加引号的域名列表，例如 ["qiaotou.gov.cn"]'


def option_domain_missing(host: str, url: str) -> str:
    return f"没有包含 {host}（{url} 的域名）"


def option_number_between(low: float, high: float) -> str:
    return f"要写成 {low} 到 {high} 之间的数字"


def option_true_or_false() -> str:
    return "要写成 true 或 false"
