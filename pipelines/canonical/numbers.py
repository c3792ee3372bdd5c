"""What a printed table cell means: a number, or one of the ways reports write "nothing here".

Reports print zeros as ``0`` but also leave cells blank, write ``—``, ``-``, ``/`` or ``无``, put units inside
cells (``251000元``), use thousands separators and full-width digits (format-spec §6). Every printed form is
kept as ``raw`` with a ``status``; only ``number`` carries a value. Nothing is coerced to zero.

``interpret`` then reads a parsed value as the value of one canonical key: money printed in 元 under a 万元
key is converted (and said so in the note), decimals in a count and negative counts are kept but flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipelines.canonical.registry import metric
from pipelines.canonical.text import memo_short, normalise

NUMBER = "number"
BLANK = "blank"
DASH = "dash"
SLASH = "slash"
NONE_TEXT = "none_text"
UNPARSEABLE = "unparseable"
AMBIGUOUS = "ambiguous"
MISSING = "missing"

#: Every status a cell can have.
STATUSES = frozenset({NUMBER, BLANK, DASH, SLASH, NONE_TEXT, UNPARSEABLE, AMBIGUOUS, MISSING})
#: Statuses that mean the report printed the cell (even if as a placeholder).
PRINTED_STATUSES = frozenset({NUMBER, BLANK, DASH, SLASH, NONE_TEXT})

#: Units seen inside cells, longest first so that 万元 wins over 万 and 元.
UNITS = ("万元", "元", "万", "件", "条", "项", "个", "次", "份", "起", "宗")
UNIT_PATTERN = "|".join(UNITS)
#: One printed number: sign, digits with optional thousands separators, fraction, unit.
NUMBER_PATTERN = rf"(?P<sign>[+-])?(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<frac>\.\d+)?(?P<unit>{UNIT_PATTERN})?"
_NUMBER = re.compile(rf"^{NUMBER_PATTERN}$")
_DASHES = re.compile(r"^[-—–―‐‑─━]+$")
_SLASH = re.compile(r"^[/\\]+$")
_NONE_WORDS = frozenset({"无", "空", "N/A", "NA", "n/a", "null"})
_WAN = Decimal(10000)

#: Keys that may legitimately be negative (v2019 本年增/减, format-spec §4.1: "减用负值表示").
SIGNED_COLUMNS = frozenset({"items_change"})


@dataclass(frozen=True)
class ParsedValue:
    """One printed cell: its value (``number`` only), its status, the text as printed and any unit in it."""

    value: Decimal | None
    status: str
    raw: str
    unit: str | None = None


@memo_short
def parse_value(raw: str) -> ParsedValue:
    """Interpret one printed cell on its own, without knowing which key it belongs to.

    Memoised on the raw text: a report asks ~580 times, mostly for the same few texts ("0", "1", ""), and
    the answer (a frozen ``ParsedValue`` holding an immutable ``Decimal``) depends on nothing else.
    """
    text = normalise(raw).strip().replace(" ", "")
    if not text:
        return ParsedValue(None, BLANK, raw)
    if _DASHES.match(text):
        return ParsedValue(None, DASH, raw)
    if _SLASH.match(text):
        return ParsedValue(None, SLASH, raw)
    if text in _NONE_WORDS:
        return ParsedValue(None, NONE_TEXT, raw)
    match = _NUMBER.match(text)
    if match is None:
        return ParsedValue(None, UNPARSEABLE, raw)
    digits = match.group("digits").replace(",", "")
    literal = f"{match.group('sign') or ''}{digits}{match.group('frac') or ''}"
    try:
        value = Decimal(literal)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return ParsedValue(None, UNPARSEABLE, raw)
    return ParsedValue(value, NUMBER, raw, match.group("unit"))


def is_value_text(text: str) -> bool:
    """Whether a token reads as a cell value (number or placeholder) rather than label text."""
    return parse_value(text).status != UNPARSEABLE


def to_python_number(value: Decimal) -> int | float:
    """Integers stay integers (counts); anything with a fraction becomes a float (money in 万元)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def is_money(key: str) -> bool:
    """Whether ``key`` holds money in 万元 (v2021 收费金额, v2019 采购总金额)."""
    return metric(key).unit == "万元"


def may_be_negative(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in SIGNED_COLUMNS


@dataclass(frozen=True)
class Interpreted:
    """A parsed value read as the value of one key: the number to store and what was done to get it."""

    value: int | float | None
    notes: tuple[str, ...]


def interpret(key: str, value: Decimal | None, unit: str | None, raw: str) -> Interpreted:
    """The value ``key`` stores for a printed ``value`` with ``unit`` (format-spec §6).

    - 元 under a 万元 key is divided by 10000 (``251000元`` → 25.1); 万 is read as 万元.
    - A count unit (件, 项, …) under a count key is simply dropped; any unit that does not fit is noted.
    - Decimals in a count are kept and flagged ``non_integer_count``; a negative count is kept and flagged
      unless the key is a v2019 ``items_change``.
    """
    if value is None:
        return Interpreted(None, ())
    notes: list[str] = []
    amount = value
    if is_money(key):
        if unit == "元":
            amount = value / _WAN
            notes.append(f"converted from 元 ({raw})")
        elif unit not in (None, "万元", "万"):
            notes.append(f"unexpected unit {unit} for an amount in 万元 ({raw})")
    else:
        if unit in ("万元", "元", "万"):
            notes.append(f"unexpected money unit {unit} in a count ({raw})")
        if amount != amount.to_integral_value():
            notes.append("non_integer_count")
    if amount < 0 and not may_be_negative(key):
        notes.append("negative value where the template allows none")
    return Interpreted(to_python_number(amount), tuple(notes))
