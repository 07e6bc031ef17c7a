"""Spoken form for the loudspeaker, and the announcer's aids: pinyin, lint, reading time, glossary.

`to_spoken` rewrites numbers, dates, times, phone numbers and units as they are read aloud, in one
pass of ordered rules (`spoken_diff` lists what that pass changed). Where writing does not say how
to read, these are the decisions (the tests pin each one):

- Years are read digit by digit with 〇 (二〇二二年) when four digits 1100–2099 stand before 年
  (1900–2099 before 届/级); other numbers before 年 are durations (二十年, 五千年). 2022-2025 is a
  range of years, 2022.5 is 二〇二二年五月, 90后 is 九零后.
- Phone numbers, hotlines and other codes read digit by digit use 零 and 幺 (幺三八…, 幺幺零,
  G三幺二); 110/120/12345-style hotlines only when a word around them says so (拨打110,
  12345热线, 电话：86123456). Bare 7–8 digit numbers are read as amounts. +86 is 加八六.
- Latin-prefixed codes: up to two digits are read as a number (G15 → G十五, A4 → A四), longer
  ones digit by digit (G312 → G三幺二, D3126 → D三幺二六). Room and road numbers of three or more
  digits (301室, 328国道) are digit by digit. Digits before letters are amounts (5G → 五G).
- 二 is used throughout (二百, 二千, 二万, 十二个); 两 only for a lone 2 counting something (两个,
  两天, 两公里, 下午两点), never after 第 (第二名) and not with money (二元).
- A colon is a clock time when it can be one (hour ≤ 24, two-digit minutes): 9:30 → 九点三十分,
  18:00 → 十八点. After 比分/以 or before 获胜/战胜… it is a score (比分10:21 → 十比二十一), and
  when it cannot be a time it is a ratio (3:2 → 三比二, 1:1000 → 一比一千), as is 1∶1 always.
- A dotted pair that could be a month and day (11.20, 5.4) and is not followed by a quantity (a
  unit, %, or a measure word such as 个/公里/万/元) is left as written, and `lint` reports it.
  3.5公里 and 9.8分 are decimals, as is anything after Latin letters (PM2.5 → PM二点五).
- A slash between numbers is a fraction (1/3 → 三分之一), except in dates (2026/11/20) and units
  (120元/人 → 一百二十元每人).
- Decimals read their digits as written (12.50元 → 十二点五零元); money is not turned into 角/分.
- 100% is 百分之一百 (regular, not 百分之百); a percentage range says 百分之 at both ends.
- Symbol ranges (2-3, 2～3, 9时-11时) read 到; a written 至 or 到 stays.
- Dotted versions with three or more parts (1.2.3) are left as written; numbers of more than 12
  digits are read digit by digit (an identity-card number).
- Spaces between a number and Chinese are dropped (2022 年 8 月 → 二〇二二年八月).
"""


from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# --- numbers in words ---------------------------------------------------------------------------

_DIGIT_WORDS = "零一二三四五六七八九"
_PLAIN_DIGITS = str.maketrans("0123456789", _DIGIT_WORDS)
_YEAR_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_CODE_DIGITS = str.maketrans("0123456789", "零幺二三四五六七八九")


def _section(value: int) -> str:
    """1–9999 in words, with 零 for skipped places (一千零三十六)."""
    words, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, place)
        if digit:
            words += ("零" if gap else "") + _DIGIT_WORDS[digit] + unit
            gap = False
        elif words:
            gap = True
    return words


def _cardinal(value: int) -> str:
    """A whole number below 10¹² in words: 10200 → 一万零二百, 120000 → 十二万."""
    if value == 0:
        return "零"
    groups = []
    while value:
        value, group = divmod(value, 10000)
        groups.append(group)
    words, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _section(group) + ("", "万", "亿")[index]
        gap = False
    return words[1:] if words.startswith("一十") else words


def _number(written: str) -> str:
    """An amount as written (commas and a decimal part allowed): 1,200 → 一千二百, 3.5 → 三点五."""
    whole, _, fraction = written.replace(",", "").partition(".")
    words = _cardinal(int(whole)) if len(whole) <= 12 else _spell(whole)
    return words + "点" + fraction.translate(_PLAIN_DIGITS) if fraction else words


def _signed(written: str) -> str:
    return "负" + _number(written[1:]) if written[0] in "-−" else _number(written)


def _spell(digits: str) -> str:
    """Digit by digit as for phone numbers: 零 and 幺, '+' as 加, separators dropped."""
    kept = "".join(ch for ch in digits if ch.isdigit() or ch == "+")
    return kept.replace("+", "加").translate(_CODE_DIGITS)


_COUNTED = re.compile(r"个|名|位|人|天|次|件|条|项|场|户|家|种|辆|台|座|张|只|本|支|份|批|所|处|类|倍|岁"
                      r"|斤|吨|亩|米|公里|公斤|千克|克|升|小时|分|秒|周|套|棵|头|点|年(?!级)")


def _amount(written: str, before: str, after: str) -> str:
    """An amount, with 两 for a lone 2 that counts something (两个, 两天) but not after 第."""
    if written == "2" and not before.endswith("第") and _COUNTED.match(after):
        return "两"
    return _number(written)


# --- the rules ----------------------------------------------------------------------------------

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_NUM = r"(?<!\d)(?<!\d\.)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|\.\d)"
_SIGNED = rf"(?:(?<![\dA-Za-z.])[-−])?{_NUM}"
_SEP = r"[-~～〜—–]"
_YEAR = r"(?:1[89]|20)\d\d"

_UNITS = {
    "km/h": "公里每小时", "km²": "平方公里", "km": "公里", "KM": "公里", "㎞": "公里",
    "m²": "平方米", "m2": "平方米", "㎡": "平方米", "m³": "立方米", "m3": "立方米",
    "cm": "厘米", "㎝": "厘米", "mm": "毫米", "㎜": "毫米", "m": "米",
    "kg": "公斤", "KG": "公斤", "㎏": "公斤", "mg": "毫克", "g": "克", "t": "吨",
    "mL": "毫升", "ml": "毫升", "L": "升", "h": "小时", "min": "分钟", "s": "秒",
    "kWh": "千瓦时", "kW": "千瓦", "MW": "兆瓦", "W": "瓦", "kV": "千伏", "V": "伏",
}
# m2 in 80m2 is a unit, in 120000m24 it is 米 and a number.
_UNIT = "|".join(re.escape(unit) + (r"(?!\d|\.\d)" if unit[-1].isdigit() else "")
                 for unit in sorted(_UNITS, key=len, reverse=True))
_PER_WORDS = ("人|天|日|周|月|年|次|斤|公斤|千克|吨|亩|平方米|平米|户|件|个|小时|分钟|秒|台|辆|间|套"
              "|箱|袋|瓶|盒|张|份|位|名|株|棵|头|只")
_PER = rf"(?:{_UNIT})(?![A-Za-z])|{_PER_WORDS}"
_CJK_UNIT = ("万元|元|角|块|人次|个|次|人|件|台|斤|公斤|千克|吨|亩|米|公里|克|升|小时|分钟|天|户|份|张"
             "|瓶|盒|袋|箱")

# What follows an amount rather than a date (past a range's other end): a unit, %, a measure word.
_QUANTITY_AFTER = re.compile(
    rf"(?:[ ]?{_SEP}[ ]?[-−]?\d+(?:\.\d+)?)?[ ]?(?:[%‰℃°]|(?:{_UNIT})(?![A-Za-z])"
    rf"|{_COUNTED.pattern}|万|亿|元|角|度|级|公顷|平方|立方|成|折)")

_CONTACT_WORDS = ("电话", "热线", "手机", "手机号", "座机", "传真", "号码", "联系方式", "拨打", "致电",
                  "拨通", "邮编", "QQ", "QQ群", "微信", "微信号")
_CONTACT = "|".join(f"(?<={re.escape(word + joint)})" for word in _CONTACT_WORDS
                    for joint in ("", ":", ": ", " ", "为", "是"))
_PHONE = (r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"  # mobile
          r"|(?:\(0\d{2,3}\)|0\d{2,3}[ -]?)\d{7,8}"  # landline with area code
          r"|[48]00-?\d{3}-?\d{4}")  # 400/800 service numbers
_HOTLINE_WORDS = "热线|电话|平台|报警|急救|求助|举报|投诉|咨询|便民|政务|消防|指挥中心"
_SCORE_BEFORE = ("比分", "比分为", "比分是", "以", "比例", "比例为")
_SCORE_AFTER = re.compile(r"[ ]?(?:获胜|战胜|取胜|击败|胜出|告负|落败|力克|的比分|的比例|的成绩)")

# Full-width digits, letters and the signs that go with numbers, matched as their ASCII twins.
# One character for one, so positions in the matched copy are positions in the text.
_HALF_WIDTH = str.maketrans(
    "０１２３４５６７８９％．／－＋＜＞＝：（）"
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B)) + "".join(chr(c) for c in range(0xFF41, 0xFF5B)),
    "0123456789%./-+<>=:()"
    + "".join(chr(c) for c in range(0x41, 0x5B)) + "".join(chr(c) for c in range(0x61, 0x7B)))

_Speak = Callable[[re.Match[str]], str | None]
"""A rule's reading of its match: the spoken text, or None when the rule does not apply after
all (the next rule is tried). Returning the match unchanged leaves it as written."""


@dataclass(frozen=True)
class _Rule:
    source: str
    speak: _Speak

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: the rules' Chinese character classes take a tenth of a second to
        compile, which only the stories being spoken should pay, not every command."""
        return re.compile(self.source)


_RULES: list[_Rule] = []


def _rule(*bodies: str) -> Callable[[_Speak], _Speak]:
    """Register a reading for one or more patterns; rules are tried in the order they are written.
    A match also takes the spaces between it and neighbouring Chinese (2022 年 → 二〇二二年)."""

    def register(speak: _Speak) -> _Speak:
        _RULES.extend(_Rule(rf"(?:(?<=[{_HAN}])[ \u3000]+)?(?:{body})(?:[ \u3000]+(?=[{_HAN}]))?", speak)
                      for body in bodies)
        return speak

    return register


def _before(m: re.Match[str], group: str | int = 0, size: int = 3) -> str:
    return m.string[max(0, m.start(group) - size):m.start(group)]


def _after(m: re.Match[str], size: int = 4) -> str:
    return m.string[m.end():m.end() + size]


def _ambiguous_date(m: re.Match[str], group: str) -> bool:
    """A decimal like 11.20 that could be a month and day: no quantity after the match, and no
    Latin letter before it (PM2.5)."""
    month, dot, day = m[group].lstrip("-−").partition(".")
    start = m.start(group)
    return (bool(dot) and "," not in month and 1 <= int(month) <= 12 and len(day) <= 2
            and 1 <= int(day) <= 31 and not re.match(r"[A-Za-z]", m.string[start - 1:start])
            and not _QUANTITY_AFTER.match(m.string, m.end()))


@_rule(rf"(?:{_CONTACT})(?P<n>{_PHONE}|\+?\d+(?:-\d+)*)(?!\d|\.\d)",
       rf"(?<![\d+])(?<!\d\.)(?P<n>{_PHONE})(?!\d|\.\d)",
       rf"(?<![\d.])(?P<n>11[049]|12[0-2]|12\d{{3}}|9[56]\d{{3}})(?=[ ]?(?:{_HOTLINE_WORDS}))")
def _phone(m: re.Match[str]) -> str:
    return _spell(m["n"])


@_rule(rf"(?<![\d.])(?P<y>{_YEAR})(?P<s>[-/.])(?P<mo>0?[1-9]|1[0-2])(?P=s)"
       r"(?P<d>0?[1-9]|[12]\d|3[01])(?!\d|\.\d)")
def _iso_date(m: re.Match[str]) -> str:
    return f"{m['y'].translate(_YEAR_DIGITS)}年{_cardinal(int(m['mo']))}月{_cardinal(int(m['d']))}日"


@_rule(rf"(?<![\d.])(?P<a>{_YEAR})[ ]?(?P<sep>{_SEP}|至|到)[ ]?(?P<b>{_YEAR})(?P<nian>[ ]?年)?"
       r"(?!\d|\.\d)")
def _year_range(m: re.Match[str]) -> str | None:
    if not m["nian"] and (m["sep"] in "至到" or int(m["a"]) >= int(m["b"])):
        return None
    sep = m["sep"] if m["sep"] in "至到" else "到"
    nian = "年" if m["nian"] else ""
    return m["a"].translate(_YEAR_DIGITS) + sep + m["b"].translate(_YEAR_DIGITS) + nian


@_rule(rf"(?<![\d.])(?P<y>{_YEAR})[-/.](?P<mo>0?[1-9]|1[0-2])(?!\d|[-/.]\d)")
def _year_month(m: re.Match[str]) -> str | None:
    if _QUANTITY_AFTER.match(m.string, m.end()):
        return None  # 2022.5万元 is an amount
    return f"{m['y'].translate(_YEAR_DIGITS)}年{_cardinal(int(m['mo']))}月"


@_rule(r"(?<![\d.])(?P<y>\d{4})(?:[ ]?(?P<nian>年)|(?=届|级))")
def _year(m: re.Match[str]) -> str | None:
    year = int(m["y"])
    if not (1100 <= year <= 2099 if m["nian"] else 1900 <= year <= 2099):
        return None
    return m["y"].translate(_YEAR_DIGITS) + (m["nian"] or "")


@_rule(r"(?<![\d.])(?<!\d:)(?P<a>\d+):(?P<b>\d+)(?::(?P<c>\d+))?(?!\d|[:.]\d)")
def _clock_or_score(m: re.Match[str]) -> str | None:
    hour, minute, second = m["a"], m["b"], m["c"]
    is_clock = (len(hour) <= 2 and int(hour) <= 24 and len(minute) == 2 and int(minute) < 60
                and (second is None or (len(second) == 2 and int(second) < 60)))
    is_score = _before(m, "a").rstrip().endswith(_SCORE_BEFORE) or bool(_SCORE_AFTER.match(_after(m, 5)))
    if is_clock and not (is_score and second is None):
        spoken = ("两" if int(hour) == 2 else _cardinal(int(hour))) + "点"
        for part, unit in ((minute, "分"), (second, "秒")):
            if part is not None and (part != "00" or second):
                spoken += ("零" if part[0] == "0" and part != "00" else "") + _cardinal(int(part)) + unit
        return spoken
    return _ratio(m) if second is None else None


@_rule(rf"(?P<a>{_NUM})∶(?P<b>{_NUM})")
def _ratio(m: re.Match[str]) -> str:
    return _number(m["a"]) + "比" + _number(m["b"])


def _percent(signed: str, sign: str) -> str:
    negative = "负" if signed[0] in "-−" else ""
    return negative + ("百分之" if sign == "%" else "千分之") + _number(signed.lstrip("-−"))


@_rule(rf"(?P<a>{_SIGNED})[ ]?(?:(?P<pa>[%‰])[ ]?)?{_SEP}[ ]?(?P<b>{_SIGNED})[ ]?(?P<p>[%‰])")
def _percent_range(m: re.Match[str]) -> str:
    return _percent(m["a"], m["pa"] or m["p"]) + "到" + _percent(m["b"], m["p"])


@_rule(rf"(?P<a>{_SIGNED})[ ]?(?P<p>[%‰])")
def _percent_rule(m: re.Match[str]) -> str:
    return _percent(m["a"], m["p"])


def _degrees(signed: str) -> str:
    return ("零下" if signed[0] in "-−" else "") + _number(signed.lstrip("-−"))


@_rule(rf"(?P<a>{_SIGNED})[ ]?{_SEP}[ ]?(?P<b>{_SIGNED})[ ]?(?P<u>℃|°C|°)")
def _temperature_range(m: re.Match[str]) -> str:
    return _degrees(m["a"]) + "到" + _degrees(m["b"]) + ("度" if m["u"] == "°" else "摄氏度")


@_rule(rf"(?P<a>{_SIGNED})[ ]?(?P<u>℃|°C|°|度)")
def _temperature(m: re.Match[str]) -> str | None:
    if m["u"] == "度" and m["a"][0] not in "-−":
        return None  # 30度 reads fine as an amount; only 零下 needs this rule
    return _degrees(m["a"]) + ("摄氏度" if m["u"] in ("℃", "°C") else "度")


_CURRENCIES = {"￥": "元", "¥": "元", "$": "美元", "€": "欧元", "£": "英镑"}


@_rule(rf"(?P<cur>[￥¥$€£])[ ]?(?P<n>{_NUM})(?P<big>[万亿]?)")
def _money(m: re.Match[str]) -> str:
    currency = "" if _after(m, 1) == "元" and m["cur"] in "￥¥" else _CURRENCIES[m["cur"]]
    return _number(m["n"]) + m["big"] + currency


@_rule(r"(?<![\d./])(?P<a>\d+)/(?P<b>\d+)(?![\d/]|\.\d)")
def _fraction(m: re.Match[str]) -> str:
    return f"{_number(m['b'])}分之{_number(m['a'])}"


_OPERATORS = {"+": "加", "×": "乘", ">": "大于", "<": "小于", "=": "等于"}


@_rule(r"(?<![\d.])\d+(?:[ ]?[+×][ ]?\d+)+(?:[ ]?[<>=][ ]?\d+)?(?!\d|\.\d)")
def _arithmetic(m: re.Match[str]) -> str:
    return "".join(_OPERATORS.get(token, token) if not token.isdigit() else _number(token)
                   for token in re.findall(r"\d+|[+×<>=]", m.group(0)))


@_rule(r"(?<![A-Za-z])(?P<l>[A-Z]{1,3})(?P<n>\d+)(?!\d|\.\d)")
def _code(m: re.Match[str]) -> str:
    digits = m["n"]
    return m["l"] + (_cardinal(int(digits)) if len(digits) <= 2 else _spell(digits))


@_rule(r"(?<![\d.])(?P<n>\d{3,})(?=[ ]?(?:室|房间|号房|国道|省道|县道|乡道))")
def _room_or_road(m: re.Match[str]) -> str:
    return _spell(m["n"])


@_rule(rf"(?P<n>{_NUM})[ ]?(?P<u>{_UNIT})(?:/(?P<per>{_PER}))?(?![A-Za-z])",
       rf"(?P<n>{_NUM})(?P<u>{_CJK_UNIT})/(?P<per>{_PER})")
def _unit(m: re.Match[str]) -> str:
    unit = _UNITS.get(m["u"], m["u"])
    per = "每" + _UNITS.get(m["per"], m["per"]) if m["per"] else ""
    return _amount(m["n"], _before(m, "n", 1), unit) + unit + per


@_rule(rf"(?P<a>{_SIGNED})[ ]?{_SEP}[ ]?(?P<b>{_NUM})(?![-/:]\d)(?:[ ]?(?P<u>{_UNIT})(?![A-Za-z]))?")
def _range(m: re.Match[str]) -> str:
    unit = _UNITS[m["u"]] if m["u"] else ""
    dotted = [side for side in "ab" if "." in m[side]]
    if not unit and dotted and all(_ambiguous_date(m, side) for side in dotted):
        return m.group(0)  # 11.20-11.25: dates or decimals? Left for the editor.
    return _signed(m["a"]) + "到" + _amount(m["b"], _before(m, "a", 1), unit or _after(m)) + unit


@_rule(rf"(?:(?<=\d)|(?<=\d[%‰℃年月日号时点分秒]))[ ]?{_SEP}[ ]?(?=[-−]?\d)")
def _range_dash(m: re.Match[str]) -> str:
    return "到"


@_rule(rf"(?<![\dA-Za-z.])(?P<n>[-−]{_NUM})")
def _negative(m: re.Match[str]) -> str:
    return m.group(0) if _ambiguous_date(m, "n") else _signed(m["n"])


@_rule(r"(?<![\d.])(?P<n>\d0)(?=后)")
def _generation(m: re.Match[str]) -> str:
    return m["n"].translate(_PLAIN_DIGITS)  # 80后 → 八零后, 00后 → 零零后


@_rule(rf"(?P<n>{_NUM})")
def _plain_number(m: re.Match[str]) -> str:
    written = m["n"]
    if "." in written:
        return m.group(0) if _ambiguous_date(m, "n") else _number(written)
    digits = written.replace(",", "")
    if digits[0] == "0" and len(digits) > 2:
        return _spell(digits)  # a code with leading zeros
    if digits[0] == "0" and len(digits) == 2:  # 08月 → 八月, 05分 → 零五分
        if digits != "00" and _after(m, 1) in ("月", "日", "号", "时", "点"):
            return _cardinal(int(digits))
        return "零" + _DIGIT_WORDS[int(digits[1])]
    return _amount(digits, _before(m, "n", 1), _after(m))


def _rewrites(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, spoken) for each rewritten span, left to right: at each place the earliest
    match wins, and among matches starting together the rule written first."""
    shadow = text.translate(_HALF_WIDTH)
    pending = [rule.pattern.search(shadow) for rule in _RULES]
    position = 0
    while True:
        for index, match in enumerate(pending):
            if match is not None and match.start() < position:
                pending[index] = _RULES[index].pattern.search(shadow, position)
        candidates = [(match.start(), index, match) for index, match in enumerate(pending)
                      if match is not None]
        if not candidates:
            return
        _, index, match = min(candidates, key=lambda candidate: candidate[:2])
        spoken = _RULES[index].speak(match)
        if spoken is None:
            pending[index] = _RULES[index].pattern.search(shadow, match.start() + 1)
            continue
        written = text[match.start():match.end()]
        yield match.start(), match.end(), written if spoken == match.group(0) else spoken
        position = match.end()


def to_spoken(text: str) -> str:
    """Written Chinese as read aloud: numbers, dates, times, phone numbers and units in words.
    Text without digits comes back unchanged, and spoken text stays as it is."""
    parts, last = [], 0
    for start, end, spoken in _rewrites(text):
        parts += [text[last:start], spoken]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def spoken_diff(text: str) -> list[tuple[str, str]]:
    """The (written, spoken) pairs `to_spoken` rewrites, in order, for an editor to check."""
    return [(text[start:end], spoken) for start, end, spoken in _rewrites(text)
            if spoken != text[start:end]]


# --- pinyin for the announcer -------------------------------------------------------------------

_DATA = Path(__file__).parent / "data"
_HAN_RUN = re.compile(f"[{_HAN}\U00020000-\U0003ffff]+")
# pypinyin lists its readings in dictionary order; where that puts a rarer reading first, the
# usual one is given here so that 长大 is marked and 长江 is not.
_USUAL_READINGS = {"长": "cháng", "佛": "fó", "泊": "bó", "似": "sì", "茄": "qié", "卜": "bǔ",
                   "匙": "chí", "伺": "sì", "仔": "zǐ"}
# 一 and 不 change tone by what follows (tone sandhi), which announcers do without a mark;
# 幺 is outside the common list but is how phone numbers are read.
_NEVER_MARKED = frozenset("一不幺")
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0304\u030c"))
_TONE_STYLE = 1  # pypinyin.Style.TONE: readings with tone marks


@cache
def _pinyin() -> Any:
    """pypinyin's phrase-aware readings; outside its phrases, the usual reading of a character.
    pypinyin loads its dictionaries in about 0.3 s, so it is imported when a script is annotated,
    not by every command that imports the loudspeaker channel."""
    from pypinyin.constants import PHRASES_DICT
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class UsualReadingConverter(DefaultConverter):
        def post_pinyin(self, han: str, heteronym: bool, pinyin: list[list[str]],
                        **kwargs: object) -> list[list[str]] | None:
            if han in PHRASES_DICT:
                return None
            return [[_USUAL_READINGS[char]] if char in _USUAL_READINGS else readings
                    for char, readings in zip(han, pinyin, strict=True)]

    return Pinyin(UsualReadingConverter())


@cache
def _readings_of() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # see _pinyin

    return pinyin_dict


@cache
def _common_characters() -> frozenset[str]:
    lines = (_DATA / "common_chars.txt").read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))


def _toneless(reading: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", reading).translate(_TONE_MARKS))


def _needs_reading(char: str, reading: str) -> bool:
    """A rare character, or a polyphonic one read here other than its usual way."""
    if char in _NEVER_MARKED or reading == char:
        return False
    if char not in _common_characters():
        return True
    readings = _readings_of().get(ord(char), "").split(",")
    if len(set(readings)) < 2:
        return False
    usual = _USUAL_READINGS.get(char, readings[0])
    neutral = _toneless(reading) == reading and _toneless(usual) == reading
    return reading != usual and not neutral  # 便宜 (yi) and 做得 (de) need no mark


def _annotate_plain(text: str) -> Iterator[tuple[str, str | None]]:
    last = 0
    for run in _HAN_RUN.finditer(text):
        yield text[last:run.start()], None
        # A character pypinyin cannot read comes back as itself, one item per character.
        readings = _pinyin().pinyin(run.group(0), style=_TONE_STYLE, errors=list)
        for char, (reading, *_) in zip(run.group(0), readings, strict=True):
            yield char, reading if _needs_reading(char, reading) else None
        last = run.end()
    yield text[last:], None


def annotate(text: str, pronunciations: dict[str, str] | None = None,
             ) -> list[tuple[str, str | None]]:
    """Segments of `text` with a pinyin reading (tone marks) where the announcer needs one: rare
    characters and polyphonic characters read other than usual. A term of the newsroom's
    pronunciation dictionary is one segment with the dictionary's reading, whatever else applies.
    Unmarked text comes back in (text, None) segments, adjacent ones merged."""
    pronunciations = pronunciations or {}
    segments: list[tuple[str, str | None]] = []

    def add(chunk: str, reading: str | None) -> None:
        if not chunk:
            return
        if reading is None and segments and segments[-1][1] is None:
            segments[-1] = (segments[-1][0] + chunk, None)
        else:
            segments.append((chunk, reading))

    terms = sorted((term for term in pronunciations if term), key=len, reverse=True)
    last = 0
    if terms:
        for hit in re.finditer("|".join(map(re.escape, terms)), text):
            for chunk, reading in _annotate_plain(text[last:hit.start()]):
                add(chunk, reading)
            add(hit.group(0), pronunciations[hit.group(0)])
            last = hit.end()
    for chunk, reading in _annotate_plain(text[last:]):
        add(chunk, reading)
    return segments


def ruby_html(segments: Sequence[tuple[str, str | None]]) -> str:
    """HTML for a printed script: <ruby> with the reading over each marked segment."""
    return "".join(html.escape(chunk) if reading is None
                   else f"<ruby>{html.escape(chunk)}<rt>{html.escape(reading)}</rt></ruby>"
                   for chunk, reading in segments)


# --- lint, reading time, glossary ---------------------------------------------------------------


@dataclass(frozen=True)
class LintIssue:
    """Something in a script an announcer cannot read aloud as written."""

    kind: str
    """long_sentence, bracket, dash, ellipsis, abbreviation or number."""
    excerpt: str
    message: str
    suggestion: str


# Book-title marks 《》 and quotation marks are read through; brackets, dashes and ellipses are not.
# Single Latin letters with digits (5G, G15, 3A) are said as letters; longer runs (APP, WIFI) are
# flagged, with a Chinese wording where there is a usual one.
_PLAIN_WORDING = {"APP": "手机应用", "App": "手机应用", "WIFI": "无线网络", "WiFi": "无线网络",
                  "Wi": "无线网络", "GDP": "地区生产总值", "PM": "细颗粒物", "AI": "人工智能",
                  "PC": "电脑", "CPU": "处理器", "VR": "虚拟现实", "PPT": "幻灯片"}
_CHECKS = (
    ("bracket", re.compile(r"[（(][^（）()]{0,60}[）)]|【[^【】]{0,60}】|\[[^\[\]]{0,60}\]|〔[^〔〕]{0,60}〕"
                           r"|[（）()【】\[\]〔〕]"),
     "括号里的内容念不出来", "把括号内容改成“也就是……”或删去"),
    ("dash", re.compile(r"[—―]+|-{2,}"), "破折号念不出来", "把破折号改成逗号，或改成“也就是”"),
    ("ellipsis", re.compile(r"…+|\.{3,}"), "省略号念不出来", "把省略号改成“等”，或把话说完整"),
    ("number", re.compile(r"\d+(?:[.:/-]\d+)*"), "这串数字没法确定读法，没有自动改写",
     "写成汉字读法，例如“11月20日”或“十一点二”"),
)


def lint(text: str, max_sentence: int = 60) -> list[LintIssue]:
    """What an announcer would stumble over in the spoken form of `text`, in order: sentences
    longer than `max_sentence` characters, brackets, dashes, ellipses, Latin abbreviations and
    numbers left as written."""
    spoken = to_spoken(text)
    found: list[tuple[int, LintIssue]] = []
    for sentence in re.finditer(r"[^。！？!?\n]+", spoken):
        length = len(re.sub(r"\s", "", sentence.group(0)))
        if length > max_sentence:
            found.append((sentence.start(), LintIssue(
                "long_sentence", sentence.group(0).strip(),
                f"这句话有{length}个字，超过{max_sentence}个字，一口气念不完", "拆成两句或更多短句")))
    for kind, pattern, message, suggestion in _CHECKS:
        found += [(hit.start(), LintIssue(kind, hit.group(0), message, suggestion))
                  for hit in pattern.finditer(spoken)]
    for hit in re.finditer(r"[A-Za-z]{2,}", spoken):
        plain = _PLAIN_WORDING.get(hit.group(0))
        suggestion = f"改成“{plain}”" if plain else "改成中文说法，或确认播音员知道怎么念"
        found.append((hit.start(), LintIssue("abbreviation", hit.group(0),
                                             f"外文缩写“{hit.group(0)}”在广播里不好懂", suggestion)))
    return [issue for _, issue in sorted(found, key=lambda pair: pair[0])]


def reading_seconds(text: str, chars_per_minute: int = 200, pause_seconds: float = 0.6) -> float:
    """How long reading the spoken form of `text` takes: its characters at the given rate, a pause
    at each sentence end (。！？；) and half a pause at each comma (，、：)."""
    spoken = to_spoken(text)
    characters = sum(1 for char in spoken if char.isalnum())
    stops = sum(spoken.count(mark) for mark in "。！？；!?;")
    commas = sum(spoken.count(mark) for mark in "，、：,:")
    return characters * 60 / chars_per_minute + (stops + commas / 2) * pause_seconds


def apply_glossary(text: str, glossary: dict[str, str]) -> str:
    """A township's dialect wording: each term replaced by its local word, longest terms first,
    in one pass (replaced text is not replaced again)."""
    terms = sorted((term for term in glossary if term), key=len, reverse=True)
    if not terms:
        return text
    return re.sub("|".join(map(re.escape, terms)), lambda hit: glossary[hit.group(0)], text)
