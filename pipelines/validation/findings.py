"""What a check says about a report: one ``Finding`` per rule and scope, with the cells it looked at.

Evaluation follows format-spec §5: every rule is computed with tolerance 0 and recorded as ``PASS``, ``FAIL``
or ``NOT_ASSESSABLE`` (an operand is missing, blank, a dash, unreadable — anything but a printed number).
Values are never repaired: a FAIL keeps the printed numbers and says so, a blank is never read as 0.

``severity`` is the weight of the rule, kept on every outcome so that "error FAILs" can be filtered:
``error`` for arithmetic the template implies (R1–R4, R8), ``warning`` for soft rules (R5–R7, R9, R10,
timeliness, copy-paste, jumps), ``info`` for observations that are not defects. ``RULES`` lists them all.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.canonical.cells import Cell

PASS = "PASS"
FAIL = "FAIL"
NOT_ASSESSABLE = "NOT_ASSESSABLE"
OUTCOMES = (PASS, FAIL, NOT_ASSESSABLE)

ERROR = "error"
WARNING = "warning"
INFO = "info"

#: Every rule id → (severity, what it checks). The ids are stable: they are stored in the lake.
RULES: dict[str, tuple[str, str]] = {
    "R1": (ERROR, "表三 per column: 新收 + 上年结转 = 办理结果总计 + 结转下年度 (printed in the template)"),
    "R2": (ERROR, "表三 per column: (七)总计 = sum of the result rows (一)…(六)"),
    "R3": (ERROR, "表三 per row: 总计 = 自然人 + the five 法人或其他组织 columns"),
    "R4": (ERROR, "表四 per block: 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    "R5": (WARNING, "cross-year per column: 上年结转 (Y) = 结转下年度 (Y−1)"),
    "R6": (WARNING, "cross-year v2021 表二: 现行有效 (Y) = 现行有效 (Y−1) + 制发 (Y) − 废止 (Y)"),
    "R7": (WARNING, "v2019 表二: 本年新公开 ≤ 对外公开总数; 上一年项目数 + 本年增/减 ≥ 0"),
    "R8": (ERROR, "ranges: counts are integers ≥ 0 (only v2019 本年增/减 may be negative); money ≥ 0"),
    "R9": (WARNING, "figures stated in the prose equal the table cells they name"),
    "R10": (WARNING, "表三 逾期未缴费 > 0 ⇒ section 六 reports 信息处理费"),
    "JUMP": (WARNING, "表二 处理决定数 / 收费金额 changes by ×10 or more (and by ≥ 100) from the previous year"),
    "SAME_FIGURES": (WARNING, "表三/表四 identical to the previous year's with non-zero figures"),
    "COPY_PREV_YEAR": (WARNING, "section text > 50 % the same as the issuer's previous report (内容雷同)"),
    "COPY_PEER": (WARNING, "section text near-identical to another issuer's report of the same year"),
    "SECTION_PRESENT": (WARNING, "the report has each of its template's sections"),
    "TABLE_PRESENT": (ERROR, "the report prints 表二/表三/表四, not all blank"),
    "TEMPLATE_CURRENT": (WARNING, "the template matches the report year (v2021 ≥ 2021, v2019 2019–2020)"),
    "PERIOD": (WARNING, "the statistics period is the calendar year of the report"),
    "ON_TIME": (WARNING, "published by the legal deadline (1月31日 departments, 3月31日 governments, Y+1)"),
}


@dataclass(frozen=True)
class CellRef:
    """One cell a finding involves: key, value, how it was printed, where."""

    key: str
    value: int | float | None
    status: str
    raw: str | None
    locator: str | None

    @classmethod
    def of(cls, key: str, cell: Cell | None) -> CellRef:
        if cell is None:
            return cls(key, None, "missing", None, None)
        return cls(key, cell.value, cell.status, cell.raw, cell.locator)

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "value": self.value, "status": self.status, "raw": self.raw, "locator": self.locator}


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule on one scope of one report (or one pair of reports).

    ``scope`` names what was checked: ``column:natural_person``, ``row:granted``, ``block:review``,
    ``cell:t3.granted.total``, ``text:t3.new_received.total``, ``section:sec_overview``, ``report``,
    ``years:2023-2024``. ``expected`` is the value the rule implies (the sum of the parts, the figure the prose
    states, the deadline as yyyymmdd), ``actual`` the printed one; both None where not computable.
    ``quote`` holds the sentence a text rule read.
    """

    rule: str
    scope: str
    outcome: str
    severity: str
    expected: int | float | None
    actual: int | float | None
    message: str
    cells: tuple[CellRef, ...] = field(default=())
    quote: str | None = None

    def as_dict(self) -> dict[str, object]:
        """A flat, JSON-ready record (the shape of a row of the lake's ``findings`` table)."""
        return {
            "rule": self.rule,
            "scope": self.scope,
            "outcome": self.outcome,
            "severity": self.severity,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
            "cells": [cell.as_dict() for cell in self.cells],
            "quote": self.quote,
        }


def finding(
    rule: str,
    scope: str,
    outcome: str,
    expected: Decimal | int | float | None,
    actual: Decimal | int | float | None,
    message: str,
    cells: Iterable[CellRef] = (),
    quote: str | None = None,
    severity: str | None = None,
) -> Finding:
    """A finding with the rule's own severity (unless given) and numbers as plain ints/floats."""
    return Finding(
        rule=rule,
        scope=scope,
        outcome=outcome,
        severity=severity or RULES[rule][0],
        expected=plain(expected),
        actual=plain(actual),
        message=message,
        cells=tuple(cells),
        quote=quote,
    )


def plain(value: Decimal | int | float | None) -> int | float | None:
    """An exact Decimal as an int when integral, else a float; ints and floats unchanged."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def number(cell: Cell | None) -> Decimal | None:
    """The exact value of a printed number, or None for anything else (placeholders are never zero)."""
    if cell is None or cell.status != "number" or cell.value is None:
        return None
    return _exact(cell.value)


@functools.lru_cache(maxsize=1 << 12, typed=True)
def _exact(value: int | float) -> Decimal:
    """``Decimal(str(value))``, memoised (typed: 1 and 1.0 print differently); ~780 calls a report."""
    return Decimal(str(value))


class ReportCells(dict[str, Cell]):
    """One report's cells (a plain dict of them) that hands out one shared ``CellRef`` per key.

    R1–R4 and R8 name the same cells again and again (~380 references to ~200 cells a report). Sharing one
    reference per cell builds fewer objects, and a parsed report pickles each shared reference once, so
    the isolated workers send and the parent unpickles fewer objects. The references are equal to
    ``CellRef.of``'s; nothing a finding says changes.
    """

    def __init__(self, cells: Mapping[str, Cell]) -> None:
        super().__init__(cells)
        self._refs: dict[str, CellRef] = {}

    def ref(self, key: str) -> CellRef:
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = CellRef.of(key, self.get(key))
        return found


def cell_ref(cells: Mapping[str, Cell], key: str) -> CellRef:
    """The reference to ``key``'s cell: the shared one when ``cells`` is a ``ReportCells``."""
    if isinstance(cells, ReportCells):
        return cells.ref(key)
    return CellRef.of(key, cells.get(key))


@dataclass(frozen=True)
class Operands:
    """The cells of one equation: their exact values (None where not a number) and their references."""

    values: tuple[Decimal | None, ...]
    refs: tuple[CellRef, ...]

    @classmethod
    def read(cls, cells: Mapping[str, Cell], keys: Iterable[str]) -> Operands:
        # one pass, one lookup per key: R1-R4 read ~90 equations a report
        values: list[Decimal | None] = []
        refs: list[CellRef] = []
        shared = cells.ref if isinstance(cells, ReportCells) else None
        for key in keys:
            cell = cells.get(key)
            values.append(number(cell))
            refs.append(shared(key) if shared is not None else CellRef.of(key, cell))
        return cls(tuple(values), tuple(refs))

    @property
    def complete(self) -> bool:
        return None not in self.values

    @property
    def unreadable(self) -> tuple[str, ...]:
        """Keys of the operands that are not printed numbers."""
        return tuple(ref.key for ref, value in zip(self.refs, self.values, strict=True) if value is None)

    def total(self) -> Decimal:
        return sum((value for value in self.values if value is not None), Decimal(0))


def describe_missing(operands: Operands, limit: int = 4) -> str:
    """ "t3.x.total (blank), t3.y.total (missing) …" for a NOT_ASSESSABLE message."""
    parts = [f"{ref.key} ({ref.status})" for ref, v in zip(operands.refs, operands.values, strict=True) if v is None]
    more = f" and {len(parts) - limit} more" if len(parts) > limit else ""
    return ", ".join(parts[:limit]) + more


def cells_from_values(values: Mapping[str, int | float | None], keys: Iterable[str] = ()) -> dict[str, Cell]:
    """Cells from plain values (an ``*.expected.json`` ``cells`` map, a test table): None is a blank cell.

    Every key of ``keys`` not in ``values`` is added as ``missing`` (not printed), as the parser does.
    """
    cells = {
        key: Cell(key, value, "blank" if value is None else "number", "" if value is None else str(value))
        for key, value in values.items()
    }
    for key in keys:
        cells.setdefault(key, Cell(key, None, "missing"))
    return cells


def lake_record(record: dict[str, object]) -> dict[str, object]:
    """A finding's ``as_dict`` as lake columns: expected/actual as floats, the cells involved as JSON text."""
    return {
        **{k: record[k] for k in ("rule", "scope", "outcome", "severity", "message", "quote")},
        "expected": None if record["expected"] is None else float(str(record["expected"])),
        "actual": None if record["actual"] is None else float(str(record["actual"])),
        "cells": json.dumps(record["cells"], ensure_ascii=False),
    }


def finding_lake_record(finding: Finding) -> dict[str, object]:
    """``lake_record(finding.as_dict())`` without building the intermediate dicts: the lake writes ~66
    findings a report, and one ``json.dumps`` per finding was most of the lake's row building.

    The cells' JSON is assembled from each ``CellRef``'s own JSON (memoised: R1–R4 and R8 name the same
    cells again and again), exactly as ``json.dumps`` of the list writes it.
    """
    return {
        "rule": finding.rule,
        "scope": finding.scope,
        "outcome": finding.outcome,
        "severity": finding.severity,
        "message": finding.message,
        "quote": finding.quote,
        "expected": None if finding.expected is None else float(str(finding.expected)),
        "actual": None if finding.actual is None else float(str(finding.actual)),
        "cells": "[" + ", ".join(_cell_json(ref, type(ref.value).__name__) for ref in finding.cells) + "]",
    }


@functools.lru_cache(maxsize=1 << 12)
def _cell_json(ref: CellRef, kind: str) -> str:
    """One cell reference as JSON; ``kind`` (the value's type name) keeps 1 and 1.0 apart in the cache."""
    return json.dumps(ref.as_dict(), ensure_ascii=False)
