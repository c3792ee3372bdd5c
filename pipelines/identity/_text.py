"""Text folding shared by the identity functions.

Issuer names and report sentences arrive full-width or half-width, with spaces inserted by PDF extraction
("2024 年 1 月 1 日"), zero-width characters left by web editors and Kangxi radical glyphs from PDF fonts.
Everything here is compared after ``compact``: NFKC folding (full-width digits, letters and brackets become
ASCII, radicals become the ordinary character) and every kind of whitespace removed. Chinese text has no
word spaces, so removing them loses nothing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pipelines.canonical.text import memo_short

_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000]+")

_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "0": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip

#: A date written in Chinese numerals, as signature dates often are ("二○一二年二月二十日").
CN_DATE = r"[〇○零O一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"

_ARABIC = re.compile(
    r"(?P<y>(?:19|20)\d{2})(?:年(?P<m>\d{1,2})月(?P<d>\d{1,2})日|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))"
)
_CN = re.compile(
    r"(?P<y>[〇○零O一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日"
)


@memo_short
def compact(text: str) -> str:
    """NFKC-folded ``text`` without any whitespace or zero-width character.

    Memoised: the period, date and scope finders each compact every line of the same report.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _cn_small(text: str) -> int | None:
    """1–31 written as 一 … 十 … 二十 … 三十一; ``None`` if it is not such a number."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        tens_value = _CN_DIGITS.get(tens, -1) if tens else 1
        units_value = _CN_DIGITS.get(units, -1) if units else 0
        if tens_value < 0 or units_value < 0:
            return None
        return tens_value * 10 + units_value
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def make_date(year: int, month: int, day: int) -> date | None:
    """The calendar date, or ``None`` for an impossible one (2月30日)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first date in compacted ``text``, in Arabic (2024年1月20日, 2024-01-20) or Chinese numerals."""
    arabic = _ARABIC.search(text)
    if arabic:
        month = arabic.group("m") or arabic.group("m2")
        day = arabic.group("d") or arabic.group("d2")
        return make_date(int(arabic.group("y")), int(month), int(day))
    chinese = _CN.search(text)
    if chinese:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in chinese.group("y")))
        month_value = _cn_small(chinese.group("m"))
        day_value = _cn_small(chinese.group("d"))
        if month_value is None or day_value is None:
            return None
        return make_date(year, month_value, day_value)
    return None
