"""The loudspeaker's spoken form and the announcer's aids (pipeline.render.speech)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.render.speech import (
    LintIssue,
    annotate,
    apply_glossary,
    lint,
    reading_seconds,
    ruby_html,
    spoken_diff,
    to_spoken,
)

# The table of the loudspeaker brief, row by row.
BRIEF_TABLE = [
    ("2022年", "二〇二二年"),
    ("8月8日", "八月八日"),
    ("12月31日", "十二月三十一日"),
    ("1036个", "一千零三十六个"),
    ("10200名", "一万零二百名"),
    ("1,200人", "一千二百人"),
    ("第3届", "第三届"),
    ("3.5公里", "三点五公里"),
    ("12.5%", "百分之十二点五"),
    ("1/3", "三分之一"),
    ("2-3个月", "二到三个月"),
    ("2～3个月", "二到三个月"),
    ("9:30", "九点三十分"),
    ("7:05", "七点零五分"),
    ("18:00", "十八点"),
    ("0523-86123456", "零五二三八六幺二三四五六"),
    ("13812345678", "幺三八幺二三四五六七八"),
    ("-3℃", "零下三摄氏度"),
    ("25℃", "二十五摄氏度"),
    ("5km", "五公里"),
    ("20kg", "二十公斤"),
    ("80m²", "八十平方米"),
]


def _fixture_cases() -> list[tuple[str, str]]:
    lines = (Path(__file__).parent / "fixtures" / "speech_cases.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in lines.splitlines() if line and not line.startswith("#")]
    assert all(len(row) == 2 for row in rows), "speech_cases.tsv: each line is written<TAB>spoken"
    return [(written, spoken) for written, spoken in rows]


CASES = BRIEF_TABLE + _fixture_cases()

REPORT_WITHOUT_NUMBERS = (
    "今年以来，太仓市以高质量拓展新时代文明实践中心建设为主纲，以“身边的文明实践圈”全域行为主线，"
    "以文明实践带头人为主体，着力将文明实践圈真正办到群众的身边。运用融合方式潜移默化开展宣传教育，"
    "通过农村“大喇叭”等宣传党的创新理论，讲群众听得懂的方言，演群众自家事、身边事，见缝插针、润物无声。"
    "【工作交流】启东市：推动文明单位与老旧小区共建“家门口的文明实践点”——"
    "真正成为了“文明实践的端口”……"
)


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert len({written for written, _ in CASES}) == len(CASES), "a case is listed twice"


@pytest.mark.parametrize(("written", "spoken"), BRIEF_TABLE, ids=[w for w, _ in BRIEF_TABLE])
def test_brief_table_reads_as_specified(written: str, spoken: str) -> None:
    assert to_spoken(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[w for w, _ in CASES])
def test_written_text_reads_as_spoken(written: str, spoken: str) -> None:
    assert to_spoken(written) == spoken


def test_spoken_text_stays_as_it_is() -> None:
    for _, spoken in CASES:
        assert to_spoken(spoken) == spoken


def test_rewriting_twice_changes_nothing_more() -> None:
    for written, _ in CASES:
        once = to_spoken(written)
        assert to_spoken(once) == once, written


def test_a_long_mixed_text_is_rewritten_once_and_for_all() -> None:
    text = "，".join(written for written, _ in CASES)
    once = to_spoken(text)
    assert to_spoken(once) == once


def test_chinese_text_without_numbers_is_unchanged_byte_for_byte() -> None:
    assert to_spoken(REPORT_WITHOUT_NUMBERS) == REPORT_WITHOUT_NUMBERS
    assert spoken_diff(REPORT_WITHOUT_NUMBERS) == []


def test_spoken_diff_lists_each_rewrite_in_order() -> None:
    text = "2022年8月8日上午9:30，在３号楼举行，电话0523-86123456。"
    assert spoken_diff(text) == [
        ("2022年", "二〇二二年"),
        ("8", "八"),
        ("8", "八"),
        ("9:30", "九点三十分"),
        ("３", "三"),
        ("0523-86123456", "零五二三八六幺二三四五六"),
    ]


def test_spoken_diff_and_to_spoken_come_from_the_same_pass() -> None:
    text = "活动吸引了300余名村民参与，满意度达98.5%，气温-3～5℃。"
    rebuilt = text
    for written, spoken in spoken_diff(text):
        rebuilt = rebuilt.replace(written, spoken, 1)
    assert rebuilt == to_spoken(text)


def test_ambiguous_dates_are_left_as_written_and_not_listed() -> None:
    assert spoken_diff("11.20前后") == []


# --- pinyin -------------------------------------------------------------------------------------


def _marked(text: str) -> list[tuple[str, str | None]]:
    return [segment for segment in annotate(text) if segment[1] is not None]


@pytest.mark.parametrize(("text", "marked"), [
    ("行长", [("行", "háng"), ("长", "zhǎng")]),
    ("银行", [("行", "háng")]),
    ("重庆", [("重", "chóng")]),
    ("长大", [("长", "zhǎng")]),
    ("音乐", [("乐", "yuè")]),
    ("还钱", [("还", "huán")]),
    ("教书", [("教", "jiāo")]),
    ("朝阳社区", [("朝", "zhāo")]),
    ("的确", [("的", "dí")]),
])
def test_polyphonic_characters_read_unusually_in_context_are_marked(
        text: str, marked: list[tuple[str, str]]) -> None:
    assert _marked(text) == marked


@pytest.mark.parametrize("text", ["快乐", "还是", "教学", "长江", "很长的路", "重要", "行动"])
def test_polyphonic_characters_read_the_usual_way_are_not_marked(text: str) -> None:
    assert annotate(text) == [(text, None)]


def test_rare_characters_are_marked() -> None:
    assert annotate("村民王喆和李赟参加活动") == [
        ("村民王", None), ("喆", "zhé"), ("和李", None), ("赟", "yūn"), ("参加活动", None)]


def test_spoken_numbers_need_no_pinyin() -> None:
    spoken = to_spoken("2022年，电话13812345678")
    assert annotate(spoken) == [(spoken, None)]


def test_the_newsroom_pronunciation_dictionary_overrides_everything() -> None:
    pronunciations = {"蚌埠": "bèng bù", "单县": "shàn xiàn", "王小丫": "wáng xiǎo yā"}
    assert annotate("蚌埠和单县的王小丫到银行", pronunciations) == [
        ("蚌埠", "bèng bù"), ("和", None), ("单县", "shàn xiàn"), ("的", None),
        ("王小丫", "wáng xiǎo yā"), ("到银", None), ("行", "háng")]


def test_longest_dictionary_term_wins() -> None:
    segments = annotate("蚌埠市", {"蚌埠": "bèng bù", "蚌埠市": "bèng bù shì"})
    assert segments == [("蚌埠市", "bèng bù shì")]


def test_plain_text_comes_back_whole() -> None:
    text = "新时代文明实践站开展志愿服务。"
    assert annotate(text) == [(text, None)]
    assert "".join(chunk for chunk, _ in annotate("银行行长到重庆考察")) == "银行行长到重庆考察"


def test_ruby_html_marks_readings_and_escapes_everything() -> None:
    segments = [("<b>&", None), ("行", "háng"), ("A&B", "<x>")]
    assert ruby_html(segments) == (
        "&lt;b&gt;&amp;<ruby>行<rt>háng</rt></ruby><ruby>A&amp;B<rt>&lt;x&gt;</rt></ruby>")


# --- lint ---------------------------------------------------------------------------------------


def _kinds(text: str, **options: int) -> list[str]:
    return [issue.kind for issue in lint(text, **options)]


def test_lint_finds_each_kind_with_a_suggestion_in_chinese() -> None:
    text = ("本次活动（为期三天）吸引了大批群众——包括老人和孩子……大家下载APP报名。"
            "截至11.20，" + "志愿者" * 20 + "。")
    issues = lint(text)
    assert [issue.kind for issue in issues] == [
        "bracket", "dash", "ellipsis", "abbreviation", "long_sentence", "number"]
    assert issues[0].excerpt == "（为期三天）"
    assert issues[3].excerpt == "APP" and "手机应用" in issues[3].suggestion
    assert issues[5].excerpt == "11.20"
    assert all(issue.message and issue.suggestion for issue in issues)


def test_lint_reads_book_titles_quotes_units_and_single_letters_as_fine() -> None:
    assert lint("学习《新时代文明实践指南》，建成“5G”基站，步行5km，沿G15行驶。") == []


def test_long_sentence_limit_is_configurable() -> None:
    sentence = "文明实践" * 10 + "。"
    assert _kinds(sentence) == []
    assert _kinds(sentence, max_sentence=30) == ["long_sentence"]


def test_lint_issues_are_frozen() -> None:
    issue = LintIssue("dash", "——", "破折号念不出来", "改成逗号")
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.kind = "other"  # type: ignore[misc]


# --- reading time -------------------------------------------------------------------------------


def test_two_hundred_characters_at_two_hundred_a_minute_take_a_minute_plus_pauses() -> None:
    assert reading_seconds("文明实践" * 50 + "。") == pytest.approx(60.6)
    assert reading_seconds("文明实践" * 25 + "，" + "文明实践" * 25 + "。") == pytest.approx(60.9)


def test_reading_time_counts_the_spoken_form() -> None:
    # 二〇二二年 is five characters; 9:30 is 九点三十分, five more.
    assert reading_seconds("2022年9:30", chars_per_minute=60) == pytest.approx(10)
    assert reading_seconds("好。", chars_per_minute=60, pause_seconds=1) == pytest.approx(2)


# --- dialect glossary ---------------------------------------------------------------------------


def test_glossary_applies_longest_terms_first_and_only_once() -> None:
    glossary = {"玉米": "苞谷", "玉米棒": "苞谷棒子", "苞谷": "玉米"}
    assert apply_glossary("玉米棒和玉米，还有苞谷", glossary) == "苞谷棒子和苞谷，还有玉米"


def test_empty_glossary_leaves_text_alone() -> None:
    assert apply_glossary("村民", {}) == "村民"
