"""Line breaking and shrink-to-fit for card text, measured with the real Noto Sans SC font."""

from __future__ import annotations

import random
import re

import pytest
from pylopdf_fonts_zh_cn import sans_path

from pipeline.render.layout import NO_END, NO_START, Fitted, fit, load_font, wrap

FONT = sans_path()
SIZE = 36
WIDTHS = (120, 200, 333, 517, 800)

TITLES = [
    "县融媒体中心举办2026年度“乡村振兴”主题摄影大赛，百余幅作品展现家乡新貌（附获奖名单）",
    "重磅！《黄桥镇国土空间总体规划（2021—2035年）》公示",
    "他说：“我们一定能行！”……随后全场响起掌声",
    "今年全县GDP增长5.6%，高于全省平均水平1.2个百分点",
    "5km健康跑开赛，3000余名跑者参与——最小的只有6岁",
    "iPhone 16 Pro Max在县城门店开售，市民排队购买",
    "A4纸、U盘、5G手机：办公用品采购清单公布",
    "【权威发布】关于做好2026年春节期间安全生产工作的通知",
    "「一网通办」上线：群众办事“最多跑一次”",
    "气温骤降至-5℃！请注意防寒保暖～",
    "12.5%的村民参加了新农合（新型农村合作医疗）",
    "“十四五”规划收官之年：我县重点项目完成投资128.6亿元",
    "第十九届中国（黄桥）烧饼文化节开幕，COVID-19防控措施同步落实",
    "市民王先生（化名）说：“这下方便多了。”",
    "以“一域”之光为“全局”添彩",
    "Hello, World! 县里第一所编程学校开学了",
    "注意！！！今晚20:00至次日6:00停水",
    "《关于印发〈县级融媒体中心建设规范〉的通知》解读",
    "新能源汽车下乡——补贴最高可达1.5万元/辆",
    "喜讯：我县3名教师获评省级“优秀教师”称号！",
    "路况提醒：G15沈海高速K1234+500处施工，请绕行",
    "雨天路滑，出行请注意安全……",
    "“双减”之后，孩子们的课后时光变得丰富多彩了吗？",
    "【视频】航拍｜秋收时节的万亩稻田",
    "县委书记：要把“实事”办到群众心坎上，（一）……（二）……",
    "What's new in 2026? 一图读懂政府工作报告",
    "长江大保护·生态修复工程（二期）开工",
    "全县共有人口约85.3万人，其中城镇人口占比60%以上。",
    "“稻”谢大自然！——丰收节特别策划",
    "A long English headline without any Chinese characters to wrap around",
    "Supercalifragilisticexpialidocious超长单词测试",
    "第一届「AI+县域治理」论坛在京召开，与会专家：数据要“跑起来”",
]


@pytest.fixture(scope="module")
def font():
    return load_font(FONT, SIZE)


def _fits_or_hangs(line: str, font, max_width: float) -> bool:
    """Within the width, or over it only by punctuation hanging at the end."""
    return font.getlength(line) <= max_width or font.getlength(line.rstrip("".join(NO_START))) <= max_width


@pytest.mark.parametrize("title", TITLES)
def test_titles_wrap_within_width_and_keep_punctuation_rules(title, font):
    for max_width in WIDTHS:
        lines = wrap(title, font, max_width)
        assert lines, (title, max_width)
        for line in lines:
            assert line and line == line.strip(" "), (line, max_width)
            assert _fits_or_hangs(line, font, max_width), (line, font.getlength(line), max_width)
            assert line[0] not in NO_START or line is lines[0], (line, lines)
            assert line[-1] not in NO_END, (line, lines)
        joined = "".join(lines)
        assert joined.replace(" ", "") == title.replace(" ", "")
        for pair in ("……", "——"):
            assert joined.count(pair) == sum(line.count(pair) for line in lines), (pair, lines)
        for run in set(re.findall(r"[A-Za-z0-9]+(?:[.:\-][A-Za-z0-9]+)*%?", title)):
            if font.getlength(run) <= max_width:
                assert joined.count(run) == sum(line.count(run) for line in lines), (run, lines)


def test_closing_punctuation_takes_the_previous_character_down(font):
    five = 5 * SIZE + 0.5  # CJK glyphs in Noto Sans SC are one em wide
    assert wrap("一二三四五，六七八", font, five) == ["一二三四", "五，六七八"]


def test_opening_punctuation_moves_to_the_next_line(font):
    assert wrap("一二三四《五六》七八", font, 5 * SIZE + 0.5) == ["一二三四", "《五六》七", "八"]


def test_punctuation_hangs_when_moving_would_leave_an_empty_line(font):
    assert wrap("一，二", font, SIZE + 0.5) == ["一，", "二"]


def test_doubled_ellipsis_and_dash_stay_together(font):
    lines = wrap("他说……好的——再见", font, 3.75 * SIZE)
    assert lines == ["他", "说……", "好的——", "再见"]


@pytest.mark.parametrize("word", ["2026", "5km", "12.5%", "A4", "iPhone", "COVID-19", "-5℃", "20:00"])
def test_latin_words_and_numbers_move_whole_to_the_next_line(word, font):
    text = f"一二三{word}四五"
    width = font.getlength("一二三") + font.getlength(word) / 2  # the word would be cut in half
    lines = wrap(text, font, width)
    assert lines[0] == "一二三"
    assert lines[1].startswith(word)


def test_word_wider_than_the_line_is_split_by_characters(font):
    lines = wrap("Supercalifragilisticexpialidocious", font, 150)
    assert len(lines) > 1
    assert all(font.getlength(line) <= 150 for line in lines)
    assert "".join(lines) == "Supercalifragilisticexpialidocious"


def test_newlines_are_hard_breaks(font):
    assert wrap("第一行\n\n第二行\n", font, 500) == ["第一行", "", "第二行"]
    assert wrap("第一行\r\n第二行", font, 500) == ["第一行", "第二行"]
    assert wrap("", font, 500) == []


def test_spaces_at_line_breaks_are_dropped(font):
    lines = wrap("Hello world foo bar", font, font.getlength("Hello world") + 1)
    assert lines == ["Hello world", "foo bar"]


def test_load_font_is_cached_per_path_and_size():
    assert load_font(FONT, 30) is load_font(str(FONT), 30)
    assert load_font(FONT, 30) is not load_font(FONT, 32)


def test_fit_keeps_a_short_title_at_full_size():
    fitted = fit("短标题", FONT, 600, 200, 60, 24)
    assert (fitted.lines, fitted.size, fitted.line_height, fitted.truncated) == (("短标题",), 60, 78, False)


def tried_sizes(size: int, min_size: int) -> list[int]:
    """The sizes fit tries, largest first: steps of 2 px, then of 1 px over the last 4."""
    sizes = [size]
    while sizes[-1] > min_size:
        sizes.append(sizes[-1] - (2 if sizes[-1] - min_size > 4 else 1))
    return sizes


def test_fit_tries_sizes_in_steps_of_two_then_one():
    assert tried_sizes(40, 16) == [40, 38, 36, 34, 32, 30, 28, 26, 24, 22, 20, 19, 18, 17, 16]


@pytest.mark.parametrize(("text", "box"), [
    (TITLES[0], (600, 200, 72, 28, 3)),
    (TITLES[0], (900, 300, 96, 40, 2)),
    (TITLES[5], (400, 400, 80, 30, None)),
    (TITLES[29], (500, 150, 64, 21, None)),
    ("，".join(TITLES[:6]), (700, 500, 60, 20, 6)),
    ("\n".join(TITLES[:3]), (800, 400, 50, 20, None)),
])
def test_fit_chooses_the_largest_size_that_fits(text, box):
    max_width, max_height, size, min_size, max_lines = box
    fitted = fit(text, FONT, max_width, max_height, size, min_size, max_lines=max_lines)
    for candidate in tried_sizes(size, min_size):
        lines = wrap(text, load_font(FONT, candidate), max_width)
        line_height = round(candidate * 1.3)
        if len(lines) <= (max_lines or len(lines)) and len(lines) * line_height <= max_height:
            assert fitted == Fitted(tuple(lines), candidate, line_height, False)
            return
    assert fitted.truncated and fitted.size == min_size


def test_fit_respects_max_lines():
    fitted = fit(TITLES[1], FONT, 900, 1000, 60, 20, max_lines=1)
    assert len(fitted.lines) == 1 and not fitted.truncated


def test_fit_truncates_with_an_ellipsis_at_the_smallest_size():
    text = "，".join(TITLES)
    font = load_font(FONT, 20)
    fitted = fit(text, FONT, 300, 1000, 40, 20, max_lines=3)
    assert fitted.truncated and fitted.size == 20 and len(fitted.lines) == 3
    assert fitted.lines[-1].endswith("…")
    assert all(font.getlength(line) <= 300 for line in fitted.lines)
    assert fitted.lines[-1][-2] not in NO_END


def test_fit_truncates_to_the_height_when_no_line_limit_is_given():
    fitted = fit("，".join(TITLES), FONT, 300, 100, 40, 20)
    assert fitted.truncated and len(fitted.lines) == 100 // fitted.line_height


def test_truncation_never_leaves_opening_punctuation_before_the_ellipsis():
    fitted = fit("一二三《四五》六七八", FONT, 5 * 40 + 0.5, 60, 40, 40, max_lines=1)
    assert fitted.lines == ("一二三…",) and fitted.truncated


def test_fit_of_empty_text_has_no_lines():
    assert fit("", FONT, 300, 100, 40, 20) == Fitted((), 40, 52, False)


def test_random_mixtures_of_punctuation_always_wrap_by_the_rules(font):
    rng = random.Random(2026)
    alphabet = "县城融媒体中心新闻" + "".join(NO_START) + "".join(NO_END) + "ab12 " + "……——"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).strip()
        if not text:
            continue
        lines = wrap(text, font, rng.uniform(1, 12) * SIZE)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(line[0] not in NO_START for line in lines[1:]), lines
        assert all(line[-1] not in NO_END for line in lines[:-1]), lines


def test_a_cut_line_ends_between_words_not_inside_one():
    """Issue 13, item 4: the last line of a text that does not fit ends with an ellipsis where a
    phrase or a name ends (after 县、院, before 在), never inside a Latin word or a number."""
    from pipeline.render.layout import clamp_lines, shorten

    font = load_font(FONT, 40)
    text = "青岚县卫生健康局联合县人民医院在柳溪镇开展义诊活动"
    lines, cut = clamp_lines(text, font, font.getlength("青岚县卫生健康局联合县人民医"), 1)
    assert cut and lines == ["青岚县卫生健康局联合县…"]
    assert shorten(text, 20) == "青岚县卫生健康局联合县人民医院在柳溪镇…"
    assert shorten("县融媒体中心发布2026年度报告", 12) == "县融媒体中心…"  # not inside 2026
    assert shorten("Central Kitchen version 2026 release", 20) == "Central Kitchen…"
    assert shorten(text, 40) == text
    fitted = fit(text, FONT, font.getlength("青岚县卫生健康局联合县人民医"), 60, 40, 40, max_lines=1)
    assert fitted.truncated and fitted.lines == ("青岚县卫生健康局联合县…",)
