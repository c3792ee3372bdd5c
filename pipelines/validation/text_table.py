"""Prose against tables: R9 (stated figures equal their cells) and R10 (fees in 表三 ⇒ fee statement in 六).

R9 is a warning, never an error (format-spec Appendix A): prose categories are looser than table rows.
Shanghai 2019 writes "予以公开及部分公开 258件" where 258 is only the 自然人 cell of (一), and "无法提供 265件"
where 265 is only sub-row (四)1. So a figure is compared with each reading its wording admits (the primary
target, then ``alternatives`` such as 新收 + 上年结转 for "收到…申请"); it PASSes when one reading equals it,
FAILs (warning) when every assessable reading differs, and is NOT_ASSESSABLE when no reading has all its cells
printed. A failing figure's message names any single cell of the target rows that equals it — the usual
explanation of a mismatch. Figures marked ``breakdown`` (a sub-unit's share) are not compared. Legacy reports
are compared with the keys their 统计表 maps to (``legacy.requests.denied_total``, ``t4.suit_total.total``).

R10 (soft): when 表三 (六)2 逾期未按收费通知要求缴纳费用 is > 0, section 六 should say something about
信息处理费; PASS when it is 0 (nothing to report) or when it does; NOT_ASSESSABLE without the cell or the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from pipelines.canonical.cells import Cell
from pipelines.narrative.figures import StatedFigure
from pipelines.validation import keys as K
from pipelines.validation.findings import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    CellRef,
    Finding,
    Operands,
    describe_missing,
    finding,
    number,
    plain,
)

#: How a v2021 key reads in the other templates (None: the template has no such cell).
_V2019_KEYS = {
    **{K.t3(row, "total"): None for row in K.OTHER_V2021},
    "t2.normative_docs.issued": "t2.normative_docs.new_made",
    "t2.rules.issued": "t2.rules.new_made",
    "t2.normative_docs.in_force": None,
    "t2.normative_docs.repealed": None,
}
_LEGACY_SUMS = {
    "t3.denied.total": ("legacy.requests.denied_total",),
    "t4.suit.total": ("t4.suit_total.total",),
}
_FEE_WORDS = re.compile(r"信息处理费|收费|缴费|缴纳费用|费用")


def infer_template(cells: Mapping[str, Cell]) -> str:
    """v2021 / v2019 from the keys present, else legacy."""
    if K.t3("other_fee_unpaid", "total") in cells:
        return K.V2021
    if K.t3("other_total", "total") in cells:
        return K.V2019
    return K.LEGACY


#: The t3/t4 keys a legacy 统计表 can state (expected-format.md).
_LEGACY_T_KEYS = frozenset(
    {
        "t3.new_received.total",
        "t3.granted.total",
        "t3.partially_granted.total",
        "t4.review.total",
        "t4.suit_total.total",
    }
)


def _in_template(reading: tuple[str, ...], template: str) -> tuple[str, ...] | None:
    """``reading`` (v2021 keys) in ``template``'s keys, or None when the template cannot print it."""
    if template == K.LEGACY:
        ok = all(key.startswith("legacy.") or key in _LEGACY_T_KEYS for key in reading)
        return reading if ok else None
    if any(key.startswith("legacy.") for key in reading):
        return None
    if template == K.V2019:
        mapped = tuple(_V2019_KEYS.get(key, key) for key in reading)
        return None if any(key is None for key in mapped) else tuple(k for k in mapped if k is not None)
    return reading


def readings(figure: StatedFigure, template: str) -> list[tuple[str, ...]]:
    """The cell sets a figure may be the sum of, in ``template``'s keys, the primary reading first.

    A template that cannot print the primary reading gets no reading at all: the alternatives are other
    readings of the same wording, not substitutes for a missing row (a legacy table has no 办理总计, so
    "答复总数3条" is not compared with its 受理 row).
    """
    if template == K.LEGACY and figure.target in _LEGACY_SUMS:
        primary: tuple[str, ...] | None = _LEGACY_SUMS[figure.target]
    elif template == K.V2019 and figure.target == "t3.other.total":
        primary = (K.t3("other_total", "total"),)
    else:
        primary = _in_template(figure.keys, template)
    if primary is None:
        return []
    result = [primary]
    for alternative in figure.alternatives:
        mapped = _in_template(alternative, template)
        if mapped is not None and mapped not in result:
            result.append(mapped)
    return result


def _coincidences(figure: StatedFigure, reading: tuple[str, ...], cells: Mapping[str, Cell]) -> list[str]:
    """Single cells of the reading's rows that equal the stated number (258 = t3.granted.natural_person)."""
    value = Decimal(str(figure.value))
    rows = {key.rsplit(".", 1)[0] for key in reading}
    hits = []
    for key, cell in cells.items():
        if key.rsplit(".", 1)[0] in rows and key not in reading and number(cell) == value:
            hits.append(key)
    return hits


def check_figure(figure: StatedFigure, cells: Mapping[str, Cell], template: str) -> Finding | None:
    """R9 for one stated figure; None when the template has no cell for it (or it is a breakdown)."""
    if figure.breakdown:
        return None
    candidates = [r for r in readings(figure, template) if all(key in cells for key in r)]
    if not candidates:
        return None
    scope = f"text:{figure.target}"
    stated = Decimal(str(figure.value))
    assessable: list[tuple[tuple[str, ...], Operands]] = []
    for reading in candidates:
        operands = Operands.read(cells, reading)
        if operands.complete:
            assessable.append((reading, operands))
            if operands.total() == stated:
                note = "" if reading == candidates[0] else f" (read as {' + '.join(reading)})"
                message = f"prose '{figure.phrase}' = table {_fmt(operands.total())}{note}"
                return finding("R9", scope, PASS, stated, operands.total(), message, operands.refs, figure.sentence)
    if not assessable:
        operands = Operands.read(cells, candidates[0])
        message = f"prose '{figure.phrase}': not assessable, {describe_missing(operands)}"
        hits = _coincidences(figure, candidates[0], cells)
        if hits:
            message += f"; {plain(stated)} equals {', '.join(hits[:3])}"
        return finding("R9", scope, NOT_ASSESSABLE, stated, None, message, operands.refs, figure.sentence)
    reading, operands = assessable[0]
    tried = "; ".join(f"{' + '.join(r)} = {_fmt(o.total())}" for r, o in assessable)
    message = f"prose '{figure.phrase}' says {plain(stated)}, the table has {tried}"
    hits = _coincidences(figure, reading, cells)
    if hits:
        message += f"; {plain(stated)} equals {', '.join(hits[:3])}"
    refs = tuple(ref for _, o in assessable for ref in o.refs)
    return finding("R9", scope, FAIL, stated, operands.total(), message, refs, figure.sentence)


def _fmt(value: Decimal) -> str:
    return str(plain(value))


def check_text_against_tables(
    stated: Sequence[StatedFigure], cells: Mapping[str, Cell], template: str | None = None
) -> list[Finding]:
    """R9 for every stated figure that has table cells in the report's template (legacy: its 统计表 keys)."""
    template = template or infer_template(cells)
    found = []
    for figure in stated:
        result = check_figure(figure, cells, template)
        if result is not None:
            found.append(result)
    return found


def check_fee_statement(cells: Mapping[str, Cell], other_section: str | None) -> Finding:
    """R10: 表三 (六)2 逾期未缴费 total > 0 ⇒ section 六 speaks of 信息处理费 / 收费."""
    key = K.t3("other_fee_unpaid", "total")
    ref = CellRef.of(key, cells.get(key))
    value = number(cells.get(key))
    if key not in cells:
        return finding("R10", "section:sec_other", NOT_ASSESSABLE, None, None, "no (六)2 row in this template", (ref,))
    if value is None:
        message = f"{key} is {ref.status}: not assessable"
        return finding("R10", "section:sec_other", NOT_ASSESSABLE, None, None, message, (ref,))
    if value == 0:
        return finding("R10", "section:sec_other", PASS, None, value, "no application lapsed for unpaid fees", (ref,))
    if other_section is None:
        message = f"{plain(value)} applications lapsed for unpaid fees; section 六 not found"
        return finding("R10", "section:sec_other", NOT_ASSESSABLE, None, value, message, (ref,))
    said = _FEE_WORDS.search(other_section)
    if said:
        message = f"{plain(value)} applications lapsed for unpaid fees; section 六 speaks of {said.group(0)}"
        return finding("R10", "section:sec_other", PASS, None, value, message, (ref,), other_section[:200])
    message = f"{plain(value)} applications lapsed for unpaid fees, but section 六 says nothing about 信息处理费"
    return finding("R10", "section:sec_other", FAIL, None, value, message, (ref,), other_section[:200])
