"""Selector rules and page patterns shared by the crawler process and the extractor — kept in a
module of their own so the crawler starts without loading the extraction libraries."""

from __future__ import annotations

import re
from typing import Any

# Containers used by the CMS templates county sites run on, most specific first.
KNOWN_CONTAINERS = (
    "#js_content", ".TRS_Editor", "#zoom", ".art-content", ".article-content", ".article_content",
    ".news_content", ".newsContent", "#newsContent", ".detail-content", ".content-text", "#content_text",
    ".wz_content", "#fontzoom", ".con_txt", ".article-body", ".post-content", ".entry-content",
    "article .content", ".conTxt", "#artibody", ".main-text",
)
# Pictures that are page furniture, not photos of the event.
NOT_PHOTOS = re.compile(r"qrcode|erweima|ewm|/icon|logo|share|blank\.gif|spacer|loading|mmbiz_gif|wx_fmt=gif",
                        re.IGNORECASE)


def select(selector: Any, rule: str) -> Any:
    """Apply a rule written as `css:…`, `xpath:…` or a bare CSS selector to a parsel Selector."""
    if rule.startswith("xpath:"):
        return selector.xpath(rule[6:])
    return selector.css(rule.removeprefix("css:"))
