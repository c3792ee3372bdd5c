"""What a printed table cell means: a number, or one of the ways reports write "nothing here".

Reports print zeros as ``0`` but also leave cells blank, write ``—``, ``-``, ``/`` or ``无``, put units inside
cells (``251000元``), use thousands separators and full-width digits. Every printed form is kept as
``raw`` with a ``status``; only ``number`` carries a value. Nothing is coerced to zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipelines.canonical.text import normalise

NUMBER = "number"
BLANK = "blank"
DASH = "dash"
SLASH = "slash"
NONE_TEXT = "none_text"
UNPARSEABLE = "unparseable"
AMBIGUOUS = "ambiguous"
MISSING = "missing"

#: Statuses that mean the report printed the cell (even if as a placeholder).
PRINTED_STATUSES = frozenset({NUMBER, BLANK, DASH, SLASH, NONE_TEXT})

_UNITS = ("万元", "元", "件", "条", "项", "个", "次")
_NUMBER = re.compile(r"^(?P<sign>[+-])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|条|项|个|次)?$")
_DASHES = re.compile(r"^[-—–―‐‑]+$")
_SLASH = re.compile(r"^[/\\]$")
_NONE_WORDS = frozenset({"无", "空", "N/A", "NA", "n/a"})


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal | None
    status: str
    raw: str
    unit: str | None = None


def parse_value(raw: str) -> ParsedValue:
    """Interpret one printed cell."""
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


UNITS = _UNITS
