"""The words of a newsroom's configuration problems (`kitchen.toml`, `stations.csv`) and of
`kitchen init`'s refusals. Keys, tables and file names stay as they are written in the files."""

from __future__ import annotations

from collections.abc import Iterable

SLUG_RULE = "只能用小写字母、数字、- 或 _"


def _listed(items: Iterable[str]) -> str:
    return "、".join(items) or "无"


def where(file: str, line: int | None, field: str) -> str:
    """The place of a problem: `kitchen.toml 第7行 site.timezone`."""
    place = f"{file} 第{line}行" if line else file
    return f"{place} {field}" if field else place


def problem(place: str, message: str) -> str:
    return f"{place}：{message}"


# --- finding and reading the newsroom ------------------------------------------------------------

def not_a_newsroom(root: object, config: str) -> str:
    return f"{root} 不是编辑部文件夹（里面没有 {config}）"


def no_newsroom(here: object, config: str) -> str:
    return (f"{here} 及其上级文件夹里都没有 {config}；先运行 kitchen init 文件夹 建立编辑部，"
            "或用 --newsroom 文件夹 或环境变量 KITCHEN_NEWSROOM 指明")


def already_a_newsroom(target: object, config: str) -> str:
    return f"{target} 里已经有 {config}；不会覆盖它"


def config_not_found(root: object) -> str:
    return f"在 {root} 里找不到"


def not_utf8(reason: str) -> str:
    return f"不是 UTF-8 文本（{reason}）"


def malformed_toml(message: str, column: str | None) -> str:
    return f"TOML 格式有误：{message}" + (f"（第{column}列）" if column else "")


# --- values ------------------------------------------------------------------------------------

def unknown_setting(close: str | None, known: list[str]) -> str:
    return f"没有这项设置；是不是“{close}”？" if close else f"没有这项设置；可用的设置：{_listed(known)}"


def must_be_table(key: str, type_name: str) -> str:
    return f"应当是一个表（[{key}]），而不是 {type_name}"


def required() -> str:
    return "必须填写"


def must_be_text(value: object) -> str:
    return f"应当是加引号的文字，而不是 {value!r}"


def not_empty() -> str:
    return "不能为空"


def control_characters(codes: str) -> str:
    return f"含有控制字符（{codes}），请删除"


def must_be_whole_number(value: object) -> str:
    return f"应当是整数，而不是 {value!r}"


def out_of_range(low: int, high: int, value: int) -> str:
    return f"应当在 {low} 到 {high} 之间，而不是 {value}"


def not_a_slug(value: str) -> str:
    return f"“{value}”{SLUG_RULE}"


def not_http_url(value: str) -> str:
    return f"“{value}”不是 http(s) 网址，应当像 https://news.example.cn/ 这样"


def unknown_timezone(value: str) -> str:
    return f"“{value}”不是已知的时区（例如 Asia/Shanghai）"


def not_an_email(value: str) -> str:
    return f"“{value}”不是邮箱地址（例如 broadcast@news.gov.cn）"


def not_a_font(path: object) -> str:
    return f"应当指向 .ttf、.otf 或 .ttc 字体文件；{path} 不是"


def must_be_recipe_list(value: object) -> str:
    return f"应当是模板名称的列表，而不是 {value!r}"


def unknown_recipe(folder: str, name: str, close: str | None, known: list[str]) -> str:
    hint = f"是不是“{close}”？" if close else f"可用：{_listed(known)}"
    return f"templates/{folder}/ 里没有模板“{name}”；{hint}"


# --- card and clip recipes (`templates/cards/*.toml`, `templates/clips/*.toml`) -----------------

def recipe_problem(file: str, key: str, message: str) -> str:
    """A problem in a recipe file: `…/cover.toml：size：应当是 …`."""
    return f"{file}：{key}：{message}" if key else f"{file}：{message}"


def recipe_malformed_toml(detail: str) -> str:
    return f"TOML 格式有误：{detail}"


def recipe_box(value: object) -> str:
    return f"应当是 [左, 上, 宽, 高]，都是不小于 0 的整数像素，而不是 {value!r}"


def recipe_colour(value: object) -> str:
    return f"不是颜色（请写成 #rrggbb）：{value!r}"


def recipe_choice(choices: Iterable[str], value: object) -> str:
    return f"只能是 {_listed(choices)} 之一，而不是 {value!r}"


def recipe_text_sizes() -> str:
    return "size 和 min_size 应当是整数，并且 6 ≤ min_size ≤ size ≤ 400"


def recipe_card_size(value: object) -> str:
    return f"应当是 [宽, 高]，两个 16 到 8000 之间的整数像素，而不是 {value!r}"


def recipe_two_colours() -> str:
    return "应当列出两种颜色（渐变的上端和下端）"


def recipe_number(value: object, whole: bool) -> str:
    return f"应当是{'整数' if whole else '数字'}，而不是 {value!r}"


def recipe_table(value: object) -> str:
    return f"应当是一个表，而不是 {value!r}"


def recipe_table_list(key: str, value: object) -> str:
    return f"应当是 [[{key}]] 表的列表，而不是 {value!r}"


def recipe_missing() -> str:
    return "必须填写"


def recipe_clip_size(value: object) -> str:
    return f"应当是 [宽, 高]，两个 64 到 3840 之间的偶数像素，例如 [1280, 720]，而不是 {value!r}"


def recipe_transition_too_long(seconds: float) -> str:
    return f"转场 {seconds} 秒太长：应当比每张照片、片头和片尾的时长都短"


# --- templates -------------------------------------------------------------------------------------

def template_syntax(name: str, line: int | None, detail: str) -> str:
    """A Jinja syntax error; Jinja's own detail (English) follows the Chinese lead-in."""
    place = f"模板 {name} 第 {line} 行" if line else f"模板 {name}"
    return f"{place}有语法错误：{detail}"


def template_unusable(name: str, detail: str) -> str:
    return f"模板 {name} 无法使用：{detail}"


# --- store and channels --------------------------------------------------------------------------

def not_a_database_url(value: str) -> str:
    return f"“{value}”不是数据库地址（例如 postgresql+psycopg://user@host/kitchen）"


def postgres_scheme() -> str:
    return "请写 postgresql://（或 postgresql+psycopg://），不要写 postgres://"


def unsupported_database(backend: str) -> str:
    return f"不支持数据库“{backend}”；请用 sqlite 或 postgresql"


def channel_not_table(name: str) -> str:
    return f"应当是一个表（[channels.{name}]）"


def channel_name_rule() -> str:
    return f"频道名称{SLUG_RULE}"


def unknown_channel_kind(kind: str, named_kind: bool, known: list[str]) -> str:
    what = f"频道类型“{kind}”" if named_kind else f"频道“{kind}”"
    return f"没有{what}；已知的频道类型：{_listed(known)}"


def channels_not_a_list() -> str:
    return '应当是频道名称的列表，例如 ["web", "rss"]'


def unknown_channel(name: str, known: list[str]) -> str:
    return (f"没有频道“{name}”；已知的频道：{_listed(known)}"
            "（另加频道，请写一个带 kind 的 [channels.名称] 表）")


def channel_twice() -> str:
    return "同一个频道列了两次"


# --- loudspeaker slots, themes -----------------------------------------------------------------

def slots_not_a_list() -> str:
    return "应当是 [[loudspeaker.slots]] 表的列表"


def slot_not_table() -> str:
    return "应当是含 name、time、minutes 的表"


def slot_name_rule(name: str) -> str:
    """A slot's `name` is its id; a Chinese name belongs in `title`."""
    if name.isascii():
        return f"“{name}”不能做时段的 name：name 是编号，{SLUG_RULE}（例如 morning）"
    return (f"“{name}”不能做时段的 name：name 是编号，{SLUG_RULE}（例如 morning）；"
            f"中文名称请写在 title 里：title = \"{name}\"")


def slot_twice(name: str) -> str:
    return f"时段“{name}”定义了两次"


def theme_id_rule() -> str:
    return f"主题编号{SLUG_RULE}；中文名称写在等号右边，例如 yifeng = \"移风易俗\""


def theme_name_needed() -> str:
    return "应当是加引号的主题名称，例如 \"移风易俗\""


def not_a_month(value: str) -> str:
    return f"“{value}”不是“2026-12”这样的月份"


def theme_undefined(theme: object) -> str:
    return f"主题 {theme!r} 没有在 [themes] 里定义"


# --- sources -------------------------------------------------------------------------------------

def sources_not_a_list() -> str:
    return "应当是 [[sources]] 表的列表"


def source_not_table() -> str:
    return "应当是一个表"


def source_twice(source_id: str) -> str:
    return f"来源“{source_id}”定义了两次"


def unknown_source_kind(kind: str, known: list[str]) -> str:
    return f"没有来源类型“{kind}”；已知的类型：{_listed(known)}"


def not_a_station(value: str, stations_file: str) -> str:
    return f"“{value}”不是 {stations_file} 里的站点"


def url_maps_to_unknown(prefix: str, station: str, stations_file: str) -> str:
    return f"“{prefix}”对应的“{station}”不是 {stations_file} 里的站点"


# --- stations.csv --------------------------------------------------------------------------------

HEADER = "表头"  # the first line of stations.csv, named where a problem is in it

def stations_missing(columns: list[str]) -> str:
    return f"找不到；这个文件列出各实践站点（列：{','.join(columns)}）"


def stations_encoding() -> str:
    return "既不是 UTF-8，也不是 GBK 或 UTF-16 文本；在 Excel 里选“另存为 → CSV UTF-8”"


def missing_columns(missing: list[str], columns: list[str], found: str) -> str:
    return f"缺少列 {'、'.join(missing)}；第一行应当是 {','.join(columns)}（现在是：{found}）"


def empty() -> str:
    return "为空"


def duplicate_id(station_id: str, first_line: int) -> str:
    return f"编号“{station_id}”重复（第一次出现在第{first_line}行）"


def unknown_level(value: str, levels: list[str], names: list[str]) -> str:
    return f"“{value}”不是 {'|'.join(levels)}（{'|'.join(names)}）之一"


def station_without_name(station_id: str) -> str:
    return f"站点“{station_id}”没有名称"


def station_without_township(station_id: str) -> str:
    return f"站点“{station_id}”没有所属镇（街道）"


def not_coordinates(lat: str, lon: str) -> str:
    return f"“{lat}”、“{lon}”不是十进制坐标"


def off_the_globe(lat: float, lon: float) -> str:
    return f"{lat}, {lon} 超出地球范围（纬度 ±90，经度 ±180）"


def center_with_parent(station_id: str) -> str:
    return f"中心“{station_id}”不能有上级"


def needs_parent(level: str, station_id: str) -> str:
    return f"{level}“{station_id}”需要上级站点"


def parent_has_errors(parent: str, line: int) -> str:
    return f"“{parent}”本身在第{line}行有错误"


def parent_unknown(parent: str) -> str:
    return f"“{parent}”不是已知的站点"


def cycle(ids: list[str]) -> str:
    return "上下级形成了循环：" + " → ".join(ids)


def wrong_parent_level(level: str, station_id: str, parent_level: str, parent_id: str) -> str:
    return (f"{level}“{station_id}”不能放在{parent_level}“{parent_id}”下面；"
            "上级必须高一级（中心 > 所 > 站 > 点）")


def no_stations() -> str:
    return "没有列出任何站点；请在表头下每行写一个实践站点"
