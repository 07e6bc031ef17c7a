"""Article extraction: one function every source uses to turn a fetched page into a record.

Order: the source's own CSS/XPath rules → the WeChat article parser → containers of the common
Chinese government/CMS templates → a generic fallback (readability-lxml and trafilatura, compared;
when they disagree a lot or find little, the record is flagged for review). Dates, authors and
the station's name are looked for in the page around the title; body HTML is sanitised.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlparse
from zoneinfo import ZoneInfo

import lxml.html

from pipeline import words
from pipeline.ingest.charset import decode_html
from pipeline.ingest.dates import FoundDate, date_from_url, find_date, from_timestamp, year_from_url
from pipeline.ingest.rules import KNOWN_CONTAINERS, NOT_PHOTOS, select
from pipeline.sanitize import html_to_text, image_source, sanitize_html

if TYPE_CHECKING:
    from parsel import Selector

SHANGHAI = ZoneInfo("Asia/Shanghai")

DATE_META = ("PubDate", "pubdate", "publishdate", "publish_date", "article:published_time",
             "og:release_date", "datePublished", "ArticlePubDate", "createDate", "firstpublishedtime")
TITLE_META = ("ArticleTitle", "og:title", "twitter:title", "title")
WECHAT_DELETED = ("该内容已被发布者删除", "此内容因违规无法查看", "此内容被投诉且经审核涉嫌侵权", "该公众号已被屏蔽")
WECHAT_VERIFY = ("环境异常", "完成验证后即可继续访问", "当前环境异常")
CHROME_LINE = re.compile(r"^\s*(【?\s*字[体號号]\s*[:：]|打印本页|关闭窗口|分享到|浏览次数|阅读次数|点击[数量率]|-{3,}\s*分隔线|"
                         r"当前位置|您的位置|所在位置|相关热词|(?:时间|作者|点击|编辑)\s*[:：]|次$|点击(?:上方)?蓝字|"
                         r"发布时间\s*[:：]|发布日期\s*[:：]|来源\s*[:：]|上一篇|下一篇|责任编辑|扫一扫)")
END_OF_ARTICLE = re.compile(r"^\s*[【\[]?\s*(上一篇|下一篇|上一条|下一条|打印本页|关闭窗口|相关文章|相关阅读|相关新闻|分享到|"
                            r"往期推荐|往期回顾|推荐阅读|长按识别|长按二维码|扫码关注)")
# 2–4 characters, and not the start of a longer run (an organisation's name is not an author).
_LABELS = "字号|字体|来源|点击|浏览|阅读|编辑|时间|发布|访问|评论|审核|校对"
_NAME = (r"(?P<name>[\u4e00-\u9fa5·]{2,4}(?:[ 、，,][\u4e00-\u9fa5·]{2,4})*)"
         rf"(?=[^\u4e00-\u9fa5]|$|{_LABELS})")
AUTHOR_PATTERNS = [
    re.compile(r"作者\s*[:：]\s*" + _NAME),
    re.compile(r"(?:记者|通讯员)\s*[:：]?\s*" + _NAME),
    re.compile(r"(?<![\u4e00-\u9fa5])文\s*(?:[/／|｜丨]\s*图)?\s*[/／|｜丨:：]\s*" + _NAME),
    re.compile(r"(?:撰稿|撰文)\s*[:：|｜丨]\s*" + _NAME),
]
EDITOR_PATTERN = re.compile(r"责任编辑\s*[:：]\s*" + _NAME)
# Words that follow a name on an info line and are not part of it.
NOT_NAMES = re.compile(rf"(访问次数|{_LABELS}|字)$")
ANONYMOUS = {"佚名", "匿名", "本站", "管理员", "admin"}
SOURCE_PATTERN = re.compile(r"来源\s*[:：]\s*(?P<name>[^\s|｜，,]{2,40})")
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")
_BARE_MONTH_DAY = re.compile(r"[01]?\d\s*[/-]\s*[0-3]?\d")
_BARE_CLOCK = re.compile(r"[0-2]?\d\s*[:：]\s*[0-5]\d")
_BARE_LABEL = re.compile(r"(?:发布时间|发布日期|发表时间|发文日期|日期|时间|更新时间)\s*[:：]")
LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|发文日期|日期|时间|更新时间)\s*[:：]\s*(?P<rest>.{4,40})")


@dataclass(frozen=True)
class FieldRules:
    """A source's own selectors: `css:…`/`xpath:…` (a bare selector means CSS)."""

    title: str | None = None
    date: str | None = None
    body: str | None = None
    author: str | None = None
    images: str | None = None

    @classmethod
    def from_options(cls, options: dict[str, str] | None) -> FieldRules | None:
        if not options:
            return None
        return cls(**{key: options.get(key) for key in ("title", "date", "body", "author", "images")})


@dataclass
class ExtractedArticle:
    kind: str  # article | wechat-deleted | wechat-verify | empty
    title: str = ""
    text: str = ""
    html: str = ""
    published_at: datetime | None = None
    date_source: str | None = None  # meta | text | url (the caller adds feed / fetch_time)
    date_has_time: bool = False
    author: str = ""
    images: list[str] = field(default_factory=list)  # the body's photos in reading order
    captions: dict[str, str] = field(default_factory=dict)  # photo URL → its caption, where the page gives one
    source_name: str = ""  # the 来源 the page names (a station's name, often)
    method: str = ""  # rules | wechat | container | readability | trafilatura
    encoding: str = "utf_8"
    flags: list[str] = field(default_factory=list)


def parse_html(text: str) -> Selector:
    """A page parsed for CSS and XPath selectors."""
    # parsel takes a tenth of a second to load: paid by the first page, not by every command
    from parsel import Selector

    return Selector(text=text)


def _text_of(nodes: Iterable[Selector]) -> str:
    """The text of selected elements, or the values of selected attributes/text nodes."""
    parts = []
    for node in nodes:
        value = node.root if isinstance(node.root, str) else node.xpath("string()").get("")
        parts.append(" ".join(value.split()))
    return " ".join(part for part in parts if part).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def extract_article(html: bytes | str, url: str, *, rules: FieldRules | None = None,
                    content_type: str | None = None, fetched_at: datetime | None = None,
                    tz: ZoneInfo = SHANGHAI) -> ExtractedArticle:
    """Extract the article in `html` (bytes are decoded, charset lies corrected) fetched from `url`.

    Never raises for a page: whatever the page is (binary, a frameset, a broken encoding
    declaration), the answer is a record — `kind="unreadable"` with the reason in `flags` when
    nothing could be made of it."""
    try:
        return _extract(html, url, rules, content_type, fetched_at, tz)
    except Exception as exc:  # noqa: BLE001 — the promise above
        return ExtractedArticle(kind="unreadable", flags=[words.ingest.page_read_error(f"{type(exc).__name__}: {exc}")])


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _extract(html: bytes | str, url: str, rules: FieldRules | None, content_type: str | None,
             fetched_at: datetime | None, tz: ZoneInfo) -> ExtractedArticle:
    flags: list[str] = []
    if isinstance(html, bytes):
        head = html[:4096]
        if head and sum(byte < 9 or 13 < byte < 32 for byte in head) > len(head) // 50:
            return ExtractedArticle(kind="unreadable", flags=[words.ingest.not_a_web_page()])
        decoded = decode_html(html, content_type)
        text, encoding = decoded.text, decoded.encoding
        if decoded.declared and decoded.declared[0] != encoding and not (
                encoding == "gb18030" and decoded.declared[0] in ("gbk", "gb2312")):
            flags.append(words.ingest.charset_mismatch(decoded.declared[0], encoding))
    else:
        text, encoding = html, "utf_8"
    text = _CONTROL.sub("", re.sub(r"^\s*<\?xml[^>]*\?>", "", text))  # lxml refuses control characters
    reference = fetched_at or datetime.now(UTC)
    if not text.strip():
        return ExtractedArticle(kind="empty", encoding=encoding, flags=[*flags, words.ingest.blank_page()])
    page = parse_html(text)
    plain = _page_text(text)

    if _is_wechat(page, url):
        special = _wechat_special(plain)
        if special:
            return ExtractedArticle(kind=special, encoding=encoding, flags=flags, method="wechat")

    title, body_html, method = "", "", ""
    if rules:
        title = _text_of(select(page, rules.title)) if rules.title else ""
        if rules.body:
            body_html = "".join(node.get() for node in select(page, rules.body))
            method = "rules" if body_html else ""
    if not body_html and _is_wechat(page, url):
        body_html = page.css("#js_content").get("")
        method = "wechat" if body_html else ""
    title = title or _title(page)
    if not body_html:
        body_html, method = _container(page)
    if not body_html:
        body_html, method, agreement = _generic(text, url)
        if agreement < 0.6:
            flags.append(words.ingest.extractors_disagree(agreement))

    body_html = sanitize_html(_strip_chrome(body_html, title), url)
    body_text = html_to_text(body_html)
    if len(_norm(body_text)) < 40:
        flags.append(words.ingest.little_body_text())

    found, date_source = _date(page, plain, title, body_text, url, rules, reference, tz)
    if found is None:
        flags.append(words.ingest.no_date_found())
    author = (_text_of(select(page, rules.author)) if rules and rules.author else "") or _author(page, plain, title, body_text)
    photos = body_photos(page, body_html, body_text, url, rules)
    return ExtractedArticle(
        kind="article", title=title, text=body_text, html=body_html,
        published_at=found.moment if found else None, date_source=date_source,
        date_has_time=found.has_time if found else False, author=author, images=[p.url for p in photos],
        captions={p.url: p.caption for p in photos if p.caption},
        source_name=_source_name(plain, title), method=method, encoding=encoding, flags=flags,
    )


def _page_text(text: str) -> str:
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//head|//body//comment()"):
        bad.drop_tree()
    body = root.find("body")
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in (body if body is not None else root))
    return html_to_text(inner or "<p></p>")


def _is_wechat(page: Selector, url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host.endswith("mp.weixin.qq.com") or bool(page.css("#js_content, #activity-name"))


def _wechat_special(plain: str) -> str | None:
    head = plain[:600]
    if any(marker in head for marker in WECHAT_DELETED):
        return "wechat-deleted"
    if any(marker in head for marker in WECHAT_VERIFY):
        return "wechat-verify"
    return None


def _meta(page: Selector, names: Iterable[str]) -> str:
    for name in names:
        value = page.xpath(f'//meta[@name="{name}" or @property="{name}" or @itemprop="{name}"]/@content').get()
        if value and value.strip():
            return value.strip()
    return ""


def _title(page: Selector) -> str:
    wechat = _text_of(page.css("#activity-name"))
    if wechat:
        return wechat
    page_title = " ".join(page.css("title::text").get("").split())
    candidates = [_headline(node) for node in page.css(
        "h1, h2, .title, .art-title, .article-title, .news_title, .tit, #title, .detail-title")]
    inside_title = [c for c in candidates if len(c) >= 5 and _norm(c) in _norm(page_title)]
    if inside_title:
        return max(inside_title, key=len)
    meta = _meta(page, TITLE_META)
    if meta:
        return meta
    long_heads = [c for c in candidates if len(c) >= 8]
    if long_heads:
        return long_heads[0]
    parts = re.split(r"\s*[_|｜—–-]{1,2}\s*", page_title)
    return max(parts, key=len) if parts else page_title


def _headline(node: Selector) -> str:
    """A heading's text, without a date/source line some templates put inside the <h1>."""
    lines = html_to_text(node.get()).splitlines()
    if len(lines) > 1 and any(LABELLED_DATE.search(line) or SOURCE_PATTERN.search(line)
                              or re.search(r"\d{4}-\d{1,2}-\d{1,2}", line) for line in lines[1:]):
        return lines[0]
    return " ".join(lines)


def _container(page: Selector) -> tuple[str, str]:
    for selector in KNOWN_CONTAINERS:
        nodes = page.css(selector)
        if nodes and len(_norm(_text_of(nodes[:1]))) >= 30:
            return nodes[0].get(), "container"
    return "", ""


def _generic(text: str, url: str) -> tuple[str, str, float]:
    """readability-lxml and trafilatura; returns (html, method, how much the two agree 0…1)."""
    import trafilatura  # slow to import; most county pages never need the generic extractors
    from readability import Document

    logging.getLogger("readability.readability").setLevel(logging.CRITICAL)  # it logs tracebacks for empty pages
    try:
        readable = Document(text).summary(html_partial=True)
    except Exception:  # noqa: BLE001 — readability raises on some broken pages; trafilatura may still cope
        readable = ""
    try:
        traf = trafilatura.extract(text, url=url, output_format="html", include_tables=True,
                                   include_images=True, include_comments=False) or ""
    except Exception:  # noqa: BLE001
        traf = ""
    readable_text, traf_text = html_to_text(readable), html_to_text(traf)
    agreement = trigram_f1(readable_text, traf_text)
    # On county CMS pages readability keeps to the article where trafilatura takes in the info line
    # and sidebars (measured on the labelled set); trafilatura wins only when readability lost
    # most of the text.
    if readable_text and len(_norm(readable_text)) >= len(_norm(traf_text)) * 0.5:
        return readable, "readability", agreement
    return traf, "trafilatura", agreement


def trigram_f1(a: str, b: str) -> float:
    """F1 of the character-trigram multisets of two texts (whitespace ignored)."""
    def grams(value: str) -> Counter[str]:
        flat = _norm(value)
        return Counter(flat[i:i + 3] for i in range(max(0, len(flat) - 2)))

    left, right = grams(a), grams(b)
    if not left and not right:
        return 1.0
    overlap = sum((left & right).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(right.values()), overlap / sum(left.values())
    return 2 * precision * recall / (precision + recall)


def _strip_chrome(fragment: str, title: str) -> str:
    """Drop the title, the date/source line and toolbar lines when a container carries them, and
    everything from the 上一篇/下一篇 or 打印/关闭 bar on (a container left unclosed by broken HTML
    swallows the rest of the page)."""
    if not fragment.strip():
        return fragment
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//form|.//button|.//input"):
        bad.drop_tree()
    _unwrap_layout_tables(root)
    for node in root.iter():
        own = " ".join((node.text_content() if isinstance(node.tag, str) else "").split())
        if own and len(own) < 160 and END_OF_ARTICLE.match(own) and node is not root:
            for later in node.xpath("following::*"):
                if later.getparent() is not None:
                    later.drop_tree()
            node.drop_tree()
            break
    norm_title = _norm(title)
    for node in list(root.iter("h1", "h2", "h3", "p", "div", "span", "td", "section")):
        if node.getparent() is None:
            continue
        own = " ".join(node.text_content().split())
        if not own:
            continue
        first_line = html_to_text(lxml.html.tostring(node, encoding="unicode")).split("\n", 1)[0] \
            if node.tag in ("h1", "h2", "h3") else own
        is_title = bool(norm_title) and norm_title in (_norm(own), _norm(first_line))
        if (is_title or (len(own) < 120 and CHROME_LINE.match(own))) and not node.xpath(".//img"):
            node.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _unwrap_layout_tables(root: lxml.html.HtmlElement) -> None:
    """Old CMS templates wrap the article in a one-column table; its cells are paragraphs, not data."""
    for table in list(root.iter("table")):
        rows = table.xpath(".//tr")
        if not rows or any(len(row.xpath("./td|./th")) > 1 for row in rows) or table.getparent() is None:
            continue
        holder = lxml.html.Element("div")
        # Broken pages leave paragraphs between cells and rows; they are kept in their place.
        for node in table.xpath(".//tr/*|./*[not(self::tr) and not(self::tbody) and not(self::thead)]"):
            if node.tag in ("td", "th"):
                block = lxml.html.Element("div")
                block.text = node.text
                for child in list(node):
                    block.append(child)
                holder.append(block)
            else:
                holder.append(node)
        holder.tail = table.tail
        table.getparent().replace(table, holder)


def _date(page: Selector, plain: str, title: str, body_text: str, url: str, rules: FieldRules | None,
          reference: datetime, tz: ZoneInfo) -> tuple[FoundDate | None, str | None]:
    hint = year_from_url(url)
    if rules and rules.date:
        found = find_date(_text_of(select(page, rules.date)), reference, tz, hint)
        if found:
            return found, "text"
    script = " ".join(page.css("script::text").getall())
    match = re.search(r"""(?:var\s+(?:ct|create_time|publish_time_ts)\s*=|\bcreate_time\s*:)\s*["']?(\d{9,10})""",
                      script)
    if match and (moment := from_timestamp(match.group(1))):
        return FoundDate(moment, True, match.group(0)), "meta"
    meta = _meta(page, DATE_META) or page.css("time::attr(datetime)").get("")
    if meta and (found := _iso_date(meta, tz) or find_date(meta.replace("T", " "), reference, tz, hint,
                                                           allow_relative=False)):
        return found, "meta"
    match = re.search(r"""publish_time\s*=\s*["'](\d{4}-\d{1,2}-\d{1,2})""", script)
    if match and (found := find_date(match.group(1), reference, tz)):
        return found, "meta"
    lines = _joined_labels(plain.splitlines())
    hint = hint or _meta_year(page)
    at = _line_of(lines, title)
    if at is not None:
        # The date line sits just under the headline; a long line there is already the body, and
        # lines above the headline are navigation and sidebars unless they say what the date is.
        for line in lines[at + 1:at + 5]:
            labelled = LABELLED_DATE.search(line)
            if not labelled and len(line) > 80:
                break  # the body has begun: a date below it is the body's, or a list's
            found = find_date(labelled.group("rest") if labelled else line, reference, tz, hint)
            if found and found.moment <= reference:
                return found, "text"
        # Then the short lines nearest the headline on either side (an info bar above it, a time
        # under a share bar): full dates only, the nearest first, never one after the fetch.
        for line in _nearest(lines, at, before=3, after=12):
            if len(line) <= 60 and (found := find_date(line, reference, tz, hint, allow_relative=False)) \
                    and found.has_time and found.moment <= reference:
                return found, "text"
    for line in lines:
        labelled = LABELLED_DATE.search(line)
        if labelled and (found := find_date(labelled.group("rest"), reference, tz, hint)):
            return found, "text"
    for line in body_text.splitlines()[-3:][::-1]:  # a notice's signing date: 二〇二六年十一月二十日
        if len(line) <= 40 and (found := find_date(line, reference, tz, allow_partial=False, allow_relative=False)):
            return found, "text"
    found = date_from_url(url, tz)
    if found:
        return found, "url"
    return None, None


def _joined_labels(lines: list[str]) -> list[str]:
    """Dates that the page's elements split over lines, put back on one: a label alone on its line
    (`发布时间：`) with the line after it, and a year, a month/day and a time in three elements
    (`2019` / `09 / 07` / `19 : 02`)."""
    joined: list[str] = []
    for line in lines:
        last = joined[-1].strip() if joined else ""
        piece = line.strip()
        tight = "".join(piece.split())
        if joined and _BARE_LABEL.fullmatch(last):
            joined[-1] = f"{last}{piece}"
        elif _BARE_YEAR.fullmatch(last) and _BARE_MONTH_DAY.fullmatch(piece):
            joined[-1] = f"{last}/{tight}"
        elif re.fullmatch(r"(?:19|20)\d\d/\d{1,2}/\d{1,2}", last) and _BARE_CLOCK.fullmatch(piece):
            joined[-1] = f"{last} {tight}"
        else:
            joined.append(line)
    return joined


def _nearest(lines: list[str], at: int, before: int, after: int) -> list[str]:
    """The lines around line `at`, nearest first (below before above at the same distance)."""
    order: list[str] = []
    for distance in range(1, max(before, after) + 1):
        if distance <= after and at + distance < len(lines):
            order.append(lines[at + distance])
        if distance <= before and at - distance >= 0:
            order.append(lines[at - distance])
    return order


def _meta_year(page: Selector) -> int | None:
    """The year any date in the page's metadata names: the year of a date shown without one."""
    for value in page.xpath("//meta[contains(translate(@itemprop|@name|@property, 'DATE', 'date'), 'date')"
                            " or contains(@itemprop|@name|@property, 'time')]/@content").getall():
        match = re.match(r"\s*((?:19|20)\d\d)-\d{1,2}-\d{1,2}", value)
        if match:
            return int(match.group(1))
    return None


def _iso_date(value: str, tz: ZoneInfo) -> FoundDate | None:
    """`2026-11-20T01:30:00Z`, `2026-11-20T09:30:00+08:00`: an offset, when given, wins."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    has_time = "T" in value or ":" in value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return FoundDate(moment.astimezone(UTC), has_time, value)


def _line_of(lines: list[str], title: str) -> int | None:
    target = _norm(title)
    if not target:
        return None
    for index, line in enumerate(lines):
        norm = _norm(line)
        if norm and (norm == target or (len(norm) <= len(target) + 20 and target in norm)):
            return index
    return None


def _author(page: Selector, plain: str, title: str, body_text: str) -> str:
    wechat = _text_of(page.css("#js_author_name")) or page.css("meta[name=author]::attr(content)").get("")
    if wechat and not page.css("#js_name"):
        return wechat.strip()
    lines = plain.splitlines()
    at = _line_of(lines, title)
    header = lines[at + 1:at + 7] if at is not None else []
    body_lines = body_text.splitlines()
    for pattern in AUTHOR_PATTERNS:
        for line in header + body_lines[:1] + body_lines[-3:]:
            match = pattern.search(line)
            if match and (name := _clean_name(match.group("name"))):
                return name
    for line in lines[at:] if at is not None else lines:  # no writer named: the editor answers for it
        match = EDITOR_PATTERN.search(line)
        if match and (name := _clean_name(match.group("name"))):
            return name
    return wechat.strip() if wechat else ""


def _clean_name(raw: str) -> str:
    """`陈晓 访问次数` → `陈晓`; label words and `佚名` are not authors."""
    names = []
    for token in re.split(r"[ 、，,]", raw):
        token = NOT_NAMES.sub("", token.strip())
        while token and NOT_NAMES.search(token):
            token = NOT_NAMES.sub("", token)
        if len(token) >= 2 and token not in ANONYMOUS and not NOT_NAMES.fullmatch(token):
            names.append(token)
        elif names:
            break
    return " ".join(names)


def _source_name(plain: str, title: str) -> str:
    lines = plain.splitlines()
    at = _line_of(lines, title)
    for line in (lines[at + 1:at + 7] if at is not None else lines[:40]):
        match = SOURCE_PATTERN.search(line)
        if match:
            return match.group("name").strip()
    return ""


@dataclass(frozen=True)
class BodyPhoto:
    """A photo of the article: where it is, and the caption the page gives it (or "")."""

    url: str
    caption: str = ""


_BLOCKS = ("p", "div", "center", "figure", "td", "li", "section", "article", "blockquote", "body")
_CAPTION_START = re.compile(r"^[（(]?\s*(图为|图片|图\s*[:：]|图\d|摄影|记者)")
_LOOKS_LIKE_A_PICTURE = re.compile(r"[./?]")  # as the sanitiser judges `src`: `<img src=x onerror=…>` is none
_SENTENCE_END = ("。", "！", "？", "!", "?", "…")


def body_photos(page: Selector, body_html: str, body_text: str, url: str,
                rules: FieldRules | None = None) -> list[BodyPhoto]:
    """The article's photos in reading order, with their captions.

    Read from the page itself, not from the extracted body: the generic extractors drop a block
    that holds only a picture (`<div class="pic"><img></div>`), so the part of the page the body
    came from is walked instead — the source's body rule, or the smallest block holding the
    body's first and last lines. Lazy pictures (`data-src`, `data-original`) count; page
    furniture (logos, QR codes, spacers) and inline `data:` pictures do not."""
    if rules and rules.images:
        found = [BodyPhoto(urljoin(url, src), _caption(node.root) if not isinstance(node.root, str) else "")
                 for node in select(page, rules.images) if (src := image_source(node.attrib))]
    else:
        if rules and rules.body:
            spans = [_Span(node.root) for node in select(page, rules.body) if not isinstance(node.root, str)]
        else:
            span = _span_of(page.root, body_text)
            spans = [span] if span is not None else []
        found = [photo for span in spans for photo in _photos_in(span, url)]
        if not spans:  # a body with no line long enough to find it by in the page
            found = [BodyPhoto(src) for src in parse_html(body_html or "<p></p>").css("img::attr(src)").getall()]
    photos: dict[str, BodyPhoto] = {}
    for photo in found:
        if photo.url.startswith("http") and not NOT_PHOTOS.search(photo.url) and photo.url not in photos:
            photos[photo.url] = photo
    return list(photos.values())


@dataclass(frozen=True)
class _Span:
    """Where a body sits in its page: a block, and the elements holding its first and last lines
    (None: the whole block is the body)."""

    region: lxml.html.HtmlElement
    first: lxml.html.HtmlElement | None = None
    last: lxml.html.HtmlElement | None = None


def _span_of(root: lxml.html.HtmlElement, body_text: str) -> _Span | None:
    """The smallest block of the page that holds the body's first and last lines (None when the
    body has no line long enough to find it by, or the page has no picture)."""
    # sentences, not the 原标题/来源 lines a page also shows elsewhere
    lines = [_norm(line) for line in body_text.splitlines() if len(_norm(line)) >= 20] or \
        [_norm(line) for line in body_text.splitlines() if len(_norm(line)) >= 8]
    if not lines or not root.xpath("//img"):
        return None
    texts = root.xpath("//body//text()[normalize-space()]")
    # a line broken up by <strong> or <a> is not one text node: the next line may be
    first = next((found for line in lines[:3] if (found := _holder(texts, line[:12])) is not None), None)
    if first is None:
        return None
    after = texts[first[1]:]  # the last line is the one after the first, not a copy above it
    last = next((found for line in lines[-3:][::-1] if (found := _holder(after, line[-12:])) is not None), None)
    if last is None:
        return None
    ancestors = {id(node) for node in [first[0], *first[0].iterancestors()]}
    region = next((node for node in [last[0], *last[0].iterancestors()] if id(node) in ancestors), None)
    while region is not None and region.tag not in _BLOCKS and region.getparent() is not None:
        region = region.getparent()
    if region is not None and region.tag == "p" and region.getparent() is not None:
        region = region.getparent()  # a one-paragraph body: its photos sit in the paragraphs around it
    return _Span(region, first[0], last[0]) if region is not None else None


def _holder(texts: list[lxml.etree._ElementUnicodeResult],
            snippet: str) -> tuple[lxml.html.HtmlElement, int] | None:
    """The element whose own text holds `snippet` (whitespace ignored), the first of `texts`, and
    where that text is among them."""
    for index, text in enumerate(texts):
        if snippet in _norm(text):
            return _text_owner(text), index
    return None


def _text_owner(text: lxml.etree._ElementUnicodeResult) -> lxml.html.HtmlElement:
    parent = text.getparent()
    return parent.getparent() if text.is_tail and parent.getparent() is not None else parent


def _photos_in(span: _Span, url: str) -> list[BodyPhoto]:
    """The pictures of a body, in reading order: those between its first and last lines, those
    right above its first line and right under its last (with nothing but their captions between),
    and none past the 上一篇/相关阅读 bar that ends an article."""
    photos: list[BodyPhoto] = []
    above: list[BodyPhoto] = []
    phase = "inside" if span.first is None else "above"
    for node in span.region.iter():
        if not isinstance(node.tag, str):
            continue
        if phase == "under" and node.tag in _BLOCKS:
            own = " ".join(node.text_content().split())
            if own and len(own) < 160 and END_OF_ARTICLE.match(own):
                break
        if node.tag == "img":
            src = image_source(dict(node.attrib))
            if _LOOKS_LIKE_A_PICTURE.search(src) and not src.startswith("data:"):
                (above if phase == "above" else photos).append(BodyPhoto(urljoin(url, src), _caption(node)))
        texts = [(node.text, node)] if node.text and node.text.strip() else []
        texts += [(node.tail, node.getparent())] if node.tail and node.tail.strip() else []
        for text, owner in texts:
            if phase == "above":
                if owner is span.first:
                    photos, phase = above, "inside"
                else:
                    above = []  # a line of something else: those photos are not the article's
            if phase == "inside" and owner is span.last:
                phase = "under"
            elif phase == "under" and owner is not span.last and not (
                    photos and photos[-1].caption and _norm(text) in _norm(photos[-1].caption)):
                return photos
    return photos


def _caption(image: lxml.html.HtmlElement) -> str:
    """A photo's caption: its figure's `<figcaption>`, else a short line beside it in its block or
    the line right under it (how county CMS pages caption a photo)."""
    figure = next(image.iterancestors("figure"), None)
    if figure is not None:
        text = " ".join(" ".join(figure.xpath(".//figcaption//text()")).split())
        if text:
            return text
    block = image
    while block.getparent() is not None and block.tag not in _BLOCKS:
        block = block.getparent()
    if block.xpath(".//img")[-1] is not image:
        return ""  # several photos in one block: the line under it is the last one's
    beside = " ".join(block.text_content().split())
    if beside:
        return beside if _looks_like_caption(block) else ""
    under = block.getnext()
    while under is not None and (not isinstance(under.tag, str)  # a comment between them
                                 or (not under.text_content().strip() and not under.xpath(".//img"))):
        under = under.getnext()  # <br> and empty paragraphs between the photo and its line
    return " ".join(under.text_content().split()) if under is not None and _looks_like_caption(under) else ""


def _looks_like_caption(block: lxml.html.HtmlElement) -> bool:
    """A short line that is not a sentence of the story, a subheading or the article's chrome."""
    text = " ".join(block.text_content().split())
    if not text or len(text) > 60 or block.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"):
        return False
    if CHROME_LINE.match(text) or END_OF_ARTICLE.match(text) or re.fullmatch(r"[（(]\s*完\s*[)）]", text):
        return False
    emphasised = _norm(" ".join(block.xpath(".//strong//text()|.//b//text()")))
    if emphasised and emphasised == _norm(text):
        return False  # a bold subheading
    return bool(_CAPTION_START.match(text)) or not text.endswith(_SENTENCE_END)
