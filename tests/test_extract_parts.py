"""The pure pieces of extraction: Chinese dates, lying charsets, sanitising, canonical URLs and the
de-duplication decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipeline.ingest import dedupe
from pipeline.ingest.charset import decode_html
from pipeline.ingest.dates import cn_number, date_from_url, find_date
from pipeline.sanitize import html_to_markdown, html_to_text, sanitize_html

TZ = ZoneInfo("Asia/Shanghai")
FETCHED = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def local(text: str | None) -> str | None:
    found = find_date(text, FETCHED, TZ) if text is not None else None
    if found is None:
        return None
    moment = found.moment.astimezone(TZ)
    return moment.strftime("%Y-%m-%d %H:%M") if found.has_time else moment.strftime("%Y-%m-%d")


@pytest.mark.parametrize(("written", "expected"), [
    ("2022年8月8日", "2022-08-08"),
    ("2022年08月08日 10:30", "2022-08-08 10:30"),
    ("2026年11月20日9时30分", "2026-11-20 09:30"),
    ("2022-08-08 10:30", "2022-08-08 10:30"),
    ("2022-08-08 10:30:15", "2022-08-08 10:30"),
    ("发布时间：2022/8/8", "2022-08-08"),
    ("发布日期: 2022.08.08", "2022-08-08"),
    ("时间: 2026-11-15 10:20 来源: 新桥村新时代文明实践站", "2026-11-15 10:20"),
    ("二〇二二年八月八日", "2022-08-08"),
    ("二〇二六年十一月二十日", "2026-11-20"),
    ("二零二六年十二月三十一日", "2026-12-31"),
    ("8月8日", "2026-08-08"),
    ("12月25日", "2025-12-25"),  # later than the fetch date: last year
    ("11月30日", "2026-11-30"),  # tomorrow is still this year (clocks differ)
    ("11-20 09:30", "2026-11-20 09:30"),
    ("昨天 10:20", "2026-11-28 10:20"),
    ("前天", "2026-11-27"),
    ("今天 08:05", "2026-11-29 08:05"),
    ("3天前", "2026-11-26"),
    ("2小时前", "2026-11-29 08:00"),
    ("30分钟前", "2026-11-29 09:30"),
    ("刚刚", "2026-11-29 10:00"),
    ("2026年2月30日", None),
    ("没有日期的一段话", None),
    ("共有1036个实践点", None),
])
def test_chinese_dates(written: str, expected: str | None) -> None:
    assert local(written) == expected


def test_a_full_date_wins_over_a_month_day_earlier_in_the_text() -> None:
    assert local("截至11月底，已开展活动。发布时间：2026-11-20") == "2026-11-20"


def test_year_for_a_month_day_can_come_from_the_url() -> None:
    found = find_date("8月8日", FETCHED, TZ, year_hint=2022)
    assert found is not None and found.moment.astimezone(TZ).year == 2022


@pytest.mark.parametrize(("url", "expected"), [
    ("http://x.example.cn/art/2026/11/20/art_1234_5678.html", "2026-11-20"),
    ("http://x.example.cn/a/2026/1120/123.html", "2026-11-20"),
    ("http://x.example.cn/zwgk/202611/t20261120_998.html", "2026-11-20"),
    ("http://x.example.cn/news/2026-11-20/88.html", "2026-11-20"),
    ("http://x.example.cn/col/col123/index.html", None),
])
def test_dates_in_urls(url: str, expected: str | None) -> None:
    found = date_from_url(url, TZ)
    assert (found.moment.astimezone(TZ).strftime("%Y-%m-%d") if found else None) == expected


def test_chinese_numerals() -> None:
    assert [cn_number(x) for x in ("二〇二二", "十", "十一", "二十", "三十一", "八")] == [2022, 10, 11, 20, 31, 8]


GBK_PAGE = '<html><head><meta charset="gbk"><title>镕喆堃</title></head><body><p>桥头镇东村开展志愿服务</p></body></html>'


@pytest.mark.parametrize("header", ["text/html; charset=utf-8", "text/html; charset=ISO-8859-1", "text/html", None])
def test_a_gbk_page_is_read_right_whatever_the_header_says(header: str | None) -> None:
    decoded = decode_html(GBK_PAGE.encode("gb18030"), header)
    assert "桥头镇东村开展志愿服务" in decoded.text and "镕喆堃" in decoded.text


def test_a_utf8_page_declared_gbk_is_read_as_utf8() -> None:
    page = GBK_PAGE.replace("gbk", "gb2312")
    assert "镕喆堃" in decode_html(page.encode("utf-8"), "text/html; charset=gb2312").text


def test_utf8_with_bom() -> None:
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xbd\xa0\xe5\xa5\xbd</p>").text == "<p>你好</p>"


def test_sanitising_removes_everything_that_could_run() -> None:
    dirty = ('<p onclick="steal()" style="color:red">正文<script>alert(1)</script></p>'
             '<img src=x onerror=alert(2)><img src="/pics/a.jpg" onload="x()">'
             '<a href="javascript:alert(3)">点我</a><a href="/b.html">下一篇</a>'
             '<iframe src="https://evil.example/"></iframe><style>p{}</style><svg onload=alert(4)></svg>')
    clean = sanitize_html(dirty, "http://site.example.cn/art/1.html")
    lowered = clean.lower()
    for bad in ("script", "onclick", "onerror", "onload", "javascript:", "iframe", "style", "svg"):
        assert bad not in lowered, bad
    assert '<img src="http://site.example.cn/pics/a.jpg">' in clean
    assert 'href="http://site.example.cn/b.html"' in clean


def test_html_to_text_keeps_paragraphs_and_table_rows() -> None:
    html = "<p>第一段</p><div>第二段<br>第三行</div><table><tr><td>姓名</td><td>人数</td></tr></table><ul><li>甲</li></ul>"
    assert html_to_text(html) == "第一段\n第二段\n第三行\n姓名 人数\n甲"


def test_html_to_markdown_is_what_editors_edit() -> None:
    markdown = html_to_markdown(sanitize_html("<p>活动<strong>很成功</strong>。</p><ul><li>一</li><li>二</li></ul>"))
    assert markdown == "活动**很成功**。\n\n- 一\n- 二\n"


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTP://WWW.Qiaotou.Example.CN:80/art//1.html?utm_source=wx&from=timeline#top",
     "http://www.qiaotou.example.cn/art/1.html"),
    ("http://x.example.cn/a.html?id=3&spm=1.2&b=2", "http://x.example.cn/a.html?b=2&id=3"),
    ("https://mp.weixin.qq.com/s?__biz=MzA5&mid=2650&idx=1&sn=abc&chksm=ff&scene=21&sessionid=9#wechat_redirect",
     "https://mp.weixin.qq.com/s?__biz=MzA5&idx=1&mid=2650&sn=abc"),
    ("http://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv?from=groupmessage",
     "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv"),
])
def test_canonical_urls(url: str, canonical: str) -> None:
    assert dedupe.canonical_url(url) == canonical


BODY = ("11月20日上午，东村新时代文明实践站在村文化广场开展“板凳课堂”理论宣讲活动，宣讲员用群众听得懂的话讲解"
        "惠民政策，60余名村民参加。活动结束后，志愿者还为老人测量血压、讲解防范电信诈骗知识。")
TEMPLATE = ("11月21日上午，西村新时代文明实践站在村文化广场开展“板凳课堂”理论宣讲活动，宣讲员用群众听得懂的话讲解"
            "惠民政策，70余名村民参加。活动结束后，志愿者还为老人测量血压、讲解防范电信诈骗知识。")
DAY = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


def candidate(story_id: int, text: str, station: str = "qiaotou-dongcun", when: datetime = DAY,
              place: tuple[str, str] = ("桥头镇", "东村"), url: str | None = None) -> dedupe.EarlierReport:
    return dedupe.EarlierReport(report_id=story_id, story_id=story_id, station_id=station, place=place,
                            published_at=when, text_hash=dedupe.text_hash(text),
                            minhash=dedupe.minhash_bytes(dedupe.minhash_of(text)), canonical_url=url)


def decide(text: str, station: str, place: tuple[str, str], when: datetime, candidates: list, url: str | None = None):
    return dedupe.decide(canonical=url, digest=dedupe.text_hash(text), signature=dedupe.minhash_of(text),
                         station_id=station, place=place, published_at=when, candidates=candidates)


def test_a_repost_word_for_word_joins_the_story() -> None:
    decision = decide(BODY, "baisha-xinqiao", ("白沙镇", "新桥村"), DAY + timedelta(days=1), [candidate(1, BODY)])
    assert (decision.relation, decision.story_id) == ("duplicate", 1)


def test_the_same_event_reflowed_joins_the_story() -> None:
    reflowed = BODY.replace("，", ", ").replace("“", '"').replace("”", '"') + "（通讯员 王丽）"
    decision = decide(reflowed, "qiaotou-dongcun", ("桥头镇", "东村"), DAY + timedelta(hours=5), [candidate(1, BODY)])
    assert (decision.relation, decision.story_id) == ("duplicate", 1)
    assert decision.similarity >= dedupe.NEAR_DUPLICATE


def test_a_templated_report_of_another_village_is_only_related() -> None:
    similarity = dedupe.minhash_of(BODY).jaccard(dedupe.minhash_of(TEMPLATE))
    assert similarity >= dedupe.NEAR_DUPLICATE  # stations really do write alike
    decision = decide(TEMPLATE, "qiaotou-xicun", ("桥头镇", "西村"), DAY + timedelta(days=1), [candidate(1, BODY)])
    assert (decision.relation, decision.related) == ("new", (1,))


def test_the_same_station_weeks_apart_is_a_new_story() -> None:
    later = BODY.replace("11月20日", "12月18日")
    decision = decide(later, "qiaotou-dongcun", ("桥头镇", "东村"), DAY + timedelta(days=28), [candidate(1, BODY)])
    assert decision.relation == "new" and decision.related == (1,)


def test_the_same_url_again_is_seen_or_an_update() -> None:
    url = "http://q.example.cn/art/1.html"
    earlier = [candidate(1, BODY, url=url)]
    assert decide(BODY, "qiaotou-dongcun", ("桥头镇", "东村"), DAY, earlier, url).relation == "seen"
    changed = BODY + "本文有更新。"
    decision = decide(changed, "qiaotou-dongcun", ("桥头镇", "东村"), DAY, earlier, url)
    assert (decision.relation, decision.story_id) == ("update", 1)


def test_unrelated_reports_are_new() -> None:
    other = "白沙镇举办农技培训，专家讲解大棚蔬菜种植技术，50名种植户参加。"
    decision = decide(other, "baisha", ("白沙镇", ""), DAY, [candidate(1, BODY)])
    assert decision == dedupe.Decision("new")


def test_the_same_page_read_by_another_source_is_a_duplicate_not_an_update() -> None:
    url = "http://q.example.cn/art/1.html"
    earlier = [dedupe.EarlierReport(report_id=1, story_id=1, station_id="qiaotou-dongcun", place=("桥头镇", "东村"),
                                published_at=DAY, text_hash=dedupe.text_hash(BODY),
                                minhash=dedupe.minhash_bytes(dedupe.minhash_of(BODY)), canonical_url=url,
                                source_id="qiaotou-site")]
    decision = dedupe.decide(canonical=url, digest=dedupe.text_hash(BODY + "（转载）"),
                             signature=dedupe.minhash_of(BODY + "（转载）"), station_id="qiaotou-dongcun",
                             place=("桥头镇", "东村"), published_at=DAY, candidates=earlier, source_id="county-feed")
    assert (decision.relation, decision.story_id) == ("duplicate", 1)


def test_similarity_of_many_candidates_at_once_matches_one_by_one() -> None:
    texts = [BODY, TEMPLATE, "白沙镇举办农技培训，专家讲解大棚蔬菜种植技术，50名种植户参加。"]
    candidates = [candidate(i, text) for i, text in enumerate(texts, 1)]
    signature = dedupe.minhash_of(BODY)
    expected = [signature.jaccard(dedupe.minhash_of(text)) for text in texts]
    assert dedupe.similarities(signature, candidates) == pytest.approx(expected)


# --- where real pages put the date (issue 14): the page's markup, not one fixed line ------------

ARTICLE = "<p>{body}</p>".format(body="桥头镇东村文化礼堂里坐满了村民，一场理论宣讲在这里开讲。" * 6)


def _page(head: str = "", before: str = "", after: str = "") -> str:
    return (f"<html><head><title>东村开展板凳课堂理论宣讲_新闻</title>{head}</head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/news/'>新闻</a></div>"
            f"{before}<h1>东村开展板凳课堂理论宣讲</h1>{after}<div class='article'>{ARTICLE}</div>"
            "<ul class='related'><li><a href='/a'>往期文章</a> 2001-03-04</li></ul></body></html>")


def _published(html: str) -> str | None:
    from pipeline.ingest.extract import extract_article

    found = extract_article(html, "http://news.example.cn/a/1.html", fetched_at=FETCHED).published_at
    return found.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if found else None


def test_an_info_bar_above_the_headline_gives_the_date() -> None:
    html = _page(before="<div class='time'><span>2019-09-07 15:10:53</span><span>字号：大 中 小</span></div>")
    assert _published(html) == "2019-09-07 15:10"


def test_a_date_label_alone_on_its_line_is_read_with_the_line_after_it() -> None:
    html = _page(after="<div class='meta'><div>发布时间：</div><div>2019-09-26 10:09:11</div></div>")
    assert _published(html) == "2019-09-26 10:09"


def test_a_month_day_run_together_with_its_time_takes_the_year_from_the_metadata() -> None:
    html = _page(head="<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>",
                 after="<div>发布时间：<span>10-08</span><span>12:00</span></div>")
    assert _published(html) == "2019-10-08 12:00"


def test_a_date_split_over_elements_and_react_comments_is_put_back_together() -> None:
    html = _page(after="<div class='a_time'><span>2019</span><div><!-- react-text: 5 -->09<!-- /react-text -->"
                       "/<!-- react-text: 7 -->07<!-- /react-text --></div>"
                       "<div><!-- react-text: 9 -->19<!-- /react-text -->:<!-- react-text: 11 -->02</div></div>")
    assert _published(html) == "2019-09-07 19:02"


def test_a_time_under_the_share_bar_far_below_the_headline_is_found_and_the_related_list_is_not() -> None:
    bar = "".join(f"<div>{word}</div>" for word in ("原创", "分享到", "微信", "微博", "收藏"))
    html = _page(after=f"{bar}<div><span class='time'>2019-09-08 11:42:03</span></div>")
    assert _published(html) == "2019-09-08 11:42"


def test_a_date_after_the_fetch_is_never_the_publication_date() -> None:
    html = _page(before="<div class='time'><span>2027-01-01 08:00</span></div>",
                 after="<div class='info'><span>来源：东村</span></div>")
    assert _published(html) != "2027-01-01 08:00"



def test_a_comment_between_a_photo_and_the_next_block_is_passed_over() -> None:
    """A real portal page (ifeng, in the shared corpus) has a comment right after a photo's block:
    reading the caption under the photo steps over it instead of failing the whole page."""
    from pipeline.ingest.extract import extract_article
    from tests.test_real_pages import CORPUS

    raw = (CORPUS / "news-pages" / "ifeng" / "3.html").read_bytes()
    article = extract_article(raw, "https://news.ifeng.com/c/7zkGYdyOgXI", fetched_at=FETCHED)
    assert article.kind == "article", article.flags
    assert article.title == "疫情防控常态化下，长春市的新经济之路"
