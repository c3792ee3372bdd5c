"""Value normalisation (format-spec §6): what each printed form of a cell means for the key it belongs to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.canonical import numbers
from pipelines.canonical.numbers import interpret, parse_value
from pipelines.canonical.text import mask_hints, normalise

# raw as printed → (status, value, unit)
PRINTED = [
    ("0", numbers.NUMBER, Decimal(0), None),
    ("215", numbers.NUMBER, Decimal(215), None),
    ("１２３", numbers.NUMBER, Decimal(123), None),  # full-width digits
    ("1,234", numbers.NUMBER, Decimal(1234), None),
    ("1，234", numbers.NUMBER, Decimal(1234), None),  # full-width comma
    ("12 345", numbers.NUMBER, Decimal(12345), None),  # a space inside one cell
    ("96171.6", numbers.NUMBER, Decimal("96171.6"), None),
    ("-8", numbers.NUMBER, Decimal(-8), None),
    ("251000元", numbers.NUMBER, Decimal(251000), "元"),
    ("18.5万元", numbers.NUMBER, Decimal("18.5"), "万元"),
    ("12件", numbers.NUMBER, Decimal(12), "件"),
    ("3项", numbers.NUMBER, Decimal(3), "项"),
    ("", numbers.BLANK, None, None),
    ("\u00a0", numbers.BLANK, None, None),  # &nbsp;
    ("—", numbers.DASH, None, None),
    ("–", numbers.DASH, None, None),
    ("-", numbers.DASH, None, None),
    ("－", numbers.DASH, None, None),
    ("——", numbers.DASH, None, None),
    ("/", numbers.SLASH, None, None),
    ("／", numbers.SLASH, None, None),
    ("无", numbers.NONE_TEXT, None, None),
    ("空", numbers.NONE_TEXT, None, None),
    ("N/A", numbers.NONE_TEXT, None, None),
    ("约10", numbers.UNPARSEABLE, None, None),
    ("见附件", numbers.UNPARSEABLE, None, None),
]


@pytest.mark.parametrize(("raw", "status", "value", "unit"), PRINTED)
def test_printed_forms(raw: str, status: str, value: Decimal | None, unit: str | None) -> None:
    parsed = parse_value(raw)
    assert (parsed.status, parsed.value, parsed.unit) == (status, value, unit)
    assert parsed.raw == raw  # the printed text is always kept


# key, value, unit → stored value, note fragment (None: no note)
MEANINGS = [
    ("t2.central_procurement.amount", Decimal("75394432.52"), "元", 7539.443252, "converted from 元"),
    ("t2.admin_fees.amount_wan_yuan", Decimal(251000), "元", 25.1, "converted from 元"),
    ("t2.admin_fees.amount_wan_yuan", Decimal("96171.6"), None, 96171.6, None),
    ("t2.admin_fees.amount_wan_yuan", Decimal("18.5"), "万元", 18.5, None),
    ("t2.admin_fees.amount_wan_yuan", Decimal("4166.241619"), None, 4166.241619, None),
    ("t2.admin_fees.amount_wan_yuan", Decimal(3), "件", 3, "unexpected unit"),
    ("t3.granted.total", Decimal(12), "件", 12, None),
    ("t3.granted.total", Decimal("3.5"), None, 3.5, "non_integer_count"),
    ("t3.granted.total", Decimal(-2), None, -2, "negative"),
    ("t3.granted.total", Decimal(5), "元", 5, "unexpected money unit"),
    ("t2.licensing.items_change", Decimal(-8), None, -8, None),  # v2019 本年增/减 may be negative
    ("t2.licensing.decisions", Decimal(181), None, 181, None),
]


@pytest.mark.parametrize(("key", "value", "unit", "stored", "note"), MEANINGS)
def test_values_read_for_their_key(
    key: str, value: Decimal, unit: str | None, stored: int | float, note: str | None
) -> None:
    meaning = interpret(key, value, unit, "raw")
    assert meaning.value == stored
    assert type(meaning.value) is type(stored)  # counts stay int, money with a fraction is float
    if note is None:
        assert meaning.notes == ()
    else:
        assert any(note in n for n in meaning.notes)


def test_placeholders_store_null() -> None:
    assert interpret("t3.granted.total", None, None, "—").value is None


def test_normalise_folds_widths_quotes_and_invisible_characters() -> None:
    assert normalise("（一）予以公开\u200b") == "(一)予以公开"
    assert normalise("危及“三安全一稳定”") == '危及"三安全一稳定"'
    assert normalise("商业\u3000企业\t0") == "商业 企业\t0"


def test_hints_in_brackets_are_masked_for_value_scanning_only() -> None:
    label = "上一年项目数量(指2019年事项数)本年增/减"
    masked = mask_hints(label)
    assert len(masked) == len(label)
    assert "2019" not in masked and masked.startswith("上一年项目数量") and masked.endswith("本年增/减")
    assert mask_hints("(1)") == "(1)"  # no Chinese: not a hint
