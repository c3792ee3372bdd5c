"""The arithmetic of one report's tables: R1–R4, R7 and R8 of format-spec §5, exactly as written there.

- R1 (printed in the template): per 表三 column, 新收 + 上年结转 = (七)总计 + 结转下年度.
- R2: per 表三 column, (七)总计 = 予以公开 + 部分公开 + 8 不予公开 + 3 无法提供 + 5 不予处理 + (六)其他处理
  — three sub-rows in v2021, one row in v2019. A v2021 report that prints (六) as the single v2019 row
  (淮安市洪泽区 2023) is checked against that row when the parser kept it as ``t3.other_total.*``.
- R3: per 表三 row, 总计 = 自然人 + the five 法人或其他组织 columns.
- R4: per 表四 block, 总计 = 维持 + 纠正 + 其他 + 尚未审结.
- R7 (v2019 表二, soft): 本年新公开 ≤ 对外公开总数; 上一年项目数 + 本年增/减 ≥ 0.
- R8: printed counts are integers ≥ 0 (v2019 本年增/减 may be negative); money is ≥ 0 and may be decimal.

Tolerance is 0 and sums are exact (Decimal). An operand that is not a printed number (blank, dash, missing,
ambiguous) makes the equation NOT_ASSESSABLE — Shanghai 2019 leaves most 总计 cells blank, so its R3 is not
assessable rather than failed. Nothing is repaired: a FAIL carries the printed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pipelines.canonical.cells import Cell
from pipelines.validation import keys as K
from pipelines.validation.findings import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    Finding,
    Operands,
    ReportCells,
    cell_ref,
    describe_missing,
    finding,
    number,
    plain,
)


def check_report(template: str | None, cells: Mapping[str, Cell]) -> list[Finding]:
    """R1, R2, R3, R4 (modern templates), R7 (v2019) and R8 for one report's cells; [] for legacy/unknown."""
    if template not in K.MODERN:
        return []
    cells = cells if isinstance(cells, ReportCells) else ReportCells(cells)  # one CellRef per cell
    findings: list[Finding] = []
    findings.extend(check_r1(cells))
    findings.extend(check_r2(template, cells))
    findings.extend(check_r3(template, cells))
    findings.extend(check_r4(cells))
    if template == K.V2019:
        findings.extend(check_r7(cells))
    findings.extend(check_r8(template, cells))
    return findings


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else str(plain(value))


def _equation(rule: str, scope: str, parts: Operands, total: Operands, label: str, total_label: str) -> Finding:
    """``Σ parts == Σ total``: PASS/FAIL when every operand is a number, else NOT_ASSESSABLE."""
    refs = (*parts.refs, *total.refs)
    if not (parts.complete and total.complete):
        missing = describe_missing(Operands((*parts.values, *total.values), refs))
        return finding(rule, scope, NOT_ASSESSABLE, None, None, f"{label}: not assessable, {missing}", refs)
    expected, actual = parts.total(), total.total()
    if expected == actual:
        return finding(rule, scope, PASS, expected, actual, f"{label} = {_fmt(expected)}", refs)
    message = f"{label}: {total_label} is {_fmt(actual)}, the parts add up to {_fmt(expected)}"
    return finding(rule, scope, FAIL, expected, actual, message, refs)


def check_r1(cells: Mapping[str, Cell]) -> list[Finding]:
    """R1 per 表三 column: 新收 + 上年结转 (expected) vs (七)总计 + 结转下年度 (actual)."""
    found = []
    for column in K.T3_COLUMNS:
        inputs = Operands.read(cells, (K.t3("new_received", column), K.t3("carried_over_in", column)))
        outputs = Operands.read(cells, (K.t3("total_processed", column), K.t3("carried_forward_out", column)))
        label = f"表三 {column}: 新收 + 上年结转 vs 总计 + 结转下年度"
        found.append(_equation("R1", f"column:{column}", inputs, outputs, label, "总计 + 结转下年度"))
    return found


def _other_rows(template: str, cells: Mapping[str, Cell], column: str) -> tuple[tuple[str, ...], str]:
    """Row (六) of ``template``, or the other template's form when only that one was printed."""
    own = K.other_rows(template)
    alternative = K.OTHER_V2019 if template == K.V2021 else K.OTHER_V2021

    def printed(rows: tuple[str, ...]) -> bool:
        return any((cell := cells.get(K.t3(row, column))) is not None and cell.status != "missing" for row in rows)

    if not printed(own) and printed(alternative):
        return alternative, f" ((六) printed as {'the single v2019 row' if template == K.V2021 else 'sub-rows'})"
    return own, ""


def check_r2(template: str, cells: Mapping[str, Cell]) -> list[Finding]:
    """R2 per 表三 column: Σ result rows (expected) vs (七)总计 (actual)."""
    found = []
    for column in K.T3_COLUMNS:
        other, note = _other_rows(template, cells, column)
        parts = Operands.read(cells, (K.t3(row, column) for row in (*K.RESULT_ROWS, *other)))
        total = Operands.read(cells, (K.t3("total_processed", column),))
        label = f"表三 {column}: (七)总计 vs Σ (一)…(六){note}"
        found.append(_equation("R2", f"column:{column}", parts, total, label, "(七)总计"))
    return found


def check_r3(template: str, cells: Mapping[str, Cell]) -> list[Finding]:
    """R3 per 表三 row: 自然人 + Σ 法人或其他组织 (expected) vs 总计 (actual)."""
    found = []
    for row in K.t3_rows(template):
        parts = Operands.read(cells, (K.t3(row, column) for column in K.T3_COLUMNS[:-1]))
        total = Operands.read(cells, (K.t3(row, "total"),))
        found.append(_equation("R3", f"row:{row}", parts, total, f"表三 {row}: 总计 vs Σ columns", "总计"))
    return found


def check_r4(cells: Mapping[str, Cell]) -> list[Finding]:
    """R4 per 表四 block: 维持 + 纠正 + 其他 + 尚未审结 (expected) vs 总计 (actual)."""
    found = []
    for block in K.T4_BLOCKS:
        parts = Operands.read(cells, (K.t4(block, part) for part in K.T4_PARTS))
        total = Operands.read(cells, (K.t4(block, "total"),))
        found.append(_equation("R4", f"block:{block}", parts, total, f"表四 {block}: 总计 vs Σ results", "总计"))
    return found


def check_r7(cells: Mapping[str, Cell]) -> list[Finding]:
    """R7 (v2019 表二): 本年新公开 ≤ 对外公开总数 per row; 上一年项目数 + 本年增/减 ≥ 0 per row."""
    found = []
    for row in K.V2019_PUBLISHED_ROWS:
        operands = Operands.read(cells, (f"t2.{row}.new_published", f"t2.{row}.total_published"))
        scope = f"row:{row}.published"
        if not operands.complete:
            message = f"表二 {row}: 本年新公开 ≤ 对外公开总数 not assessable, {describe_missing(operands)}"
            found.append(finding("R7", scope, NOT_ASSESSABLE, None, None, message, operands.refs))
            continue
        new, total = operands.values
        assert new is not None and total is not None
        outcome = PASS if new <= total else FAIL
        message = f"表二 {row}: 本年新公开 {_fmt(new)} {'≤' if outcome == PASS else '>'} 对外公开总数 {_fmt(total)}"
        found.append(finding("R7", scope, outcome, total, new, message, operands.refs))
    for row in K.V2019_ITEM_ROWS:
        operands = Operands.read(cells, (f"t2.{row}.items_prev_year", f"t2.{row}.items_change"))
        scope = f"row:{row}.items"
        if not operands.complete:
            message = f"表二 {row}: 上一年项目数 + 本年增/减 ≥ 0 not assessable, {describe_missing(operands)}"
            found.append(finding("R7", scope, NOT_ASSESSABLE, None, None, message, operands.refs))
            continue
        items = operands.total()
        outcome = PASS if items >= 0 else FAIL
        message = f"表二 {row}: 上一年项目数 + 本年增/减 = {_fmt(items)}" + ("" if outcome == PASS else " < 0")
        found.append(finding("R7", scope, outcome, 0, items, message, operands.refs))
    return found


def _range_problem(key: str, value: Decimal) -> str | None:
    if key in K.MONEY_KEYS:
        return "negative amount" if value < 0 else None
    if value != value.to_integral_value():
        return "count is not an integer"
    if value < 0 and not key.endswith(".items_change"):
        return "negative count"
    return None


def check_r8(template: str, cells: Mapping[str, Cell]) -> list[Finding]:
    """R8: one FAIL per printed number out of range; per table one PASS (or NOT_ASSESSABLE: no number)."""
    found: list[Finding] = []
    for table in ("t2", "t3", "t4"):
        table_keys = [key for key in cells if key.startswith(f"{table}.")]
        numbers = [(key, value) for key in table_keys if (value := number(cells[key])) is not None]
        failures = [(key, value, problem) for key, value in numbers if (problem := _range_problem(key, value))]
        for key, value, problem in failures:
            message = f"{key} = {_fmt(value)}: {problem}"
            found.append(finding("R8", f"cell:{key}", FAIL, None, value, message, (cell_ref(cells, key),)))
        if failures:
            continue
        if numbers:
            found.append(finding("R8", f"table:{table}", PASS, None, None, f"{len(numbers)} {table} numbers in range"))
        else:
            message = f"no printed number in {table} ({template})"
            found.append(finding("R8", f"table:{table}", NOT_ASSESSABLE, None, None, message))
    return found
