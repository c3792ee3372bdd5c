"""One issuer's reports against each other, year Y against year Y−1 (format-spec §5 R5/R6, §9.1a Q6).

- R5 (soft): 表三 上年结转 (Y) = 结转下年度 (Y−1), per column. Re-organisations and mergers break it honestly,
  hence a warning.
- R6 (soft, v2021 both years): 现行有效 (Y) = 现行有效 (Y−1) + 本年制发 (Y) − 本年废止 (Y) for 规章 and
  行政规范性文件. 平潭综合实验区 2025: 440 + 58 − 45 = 453, printed 546.
- JUMP: 行政许可/行政处罚/行政强制 处理决定数 and (v2021) 行政事业性收费 金额 change by a factor ≥ 10 *and* by
  at least 100 (units, or 万元) — so 0 → 3 or 12 → 130 is not flagged, 40 → 4500 is. A typo (an extra digit)
  or a unit slip (元 for 万元) shows up this way.
- SAME_FIGURES: 表三 and 表四 print exactly the figures of the previous year while some of them are non-zero
  (东莞市统计局 printed the same data three years running). All-zero tables repeat legitimately.
- COPY_PREV_YEAR (内容雷同): a narrative section (一 总体情况, 五 问题, 六 其他) shares more than half of its
  5-character shingles with the same section of the previous report (``similarity``).

Only consecutive years are compared (a gap means an unknown year in between). Every finding belongs to the
later report; its scope says which years (``years:2023-2024 column:total``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.canonical.cells import Cell
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
from pipelines.validation.similarity import MIN_SHINGLES, PREVIOUS_YEAR_THRESHOLD, shingles, similarity

#: A year-on-year change is implausible when the larger value is at least this many times the smaller …
JUMP_FACTOR = 10
#: … and the two differ by at least this much (counts, or 万元 for the fee amount).
JUMP_FLOOR = 100
#: Narrative sections compared for 内容雷同 (format-spec §9.1a Q6).
COPY_SECTIONS = ("sec_overview", "sec_problems", "sec_other")


@dataclass(frozen=True)
class ReportSnapshot:
    """What the cross-year checks need of one report: who, which year, its template, cells and prose.

    ``sections`` maps a section id (``sec_overview`` …) to its text; empty when prose was not kept.
    """

    issuer: str
    year: int
    template: str | None
    cells: Mapping[str, Cell]
    sections: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None


def check_cross_year(series: Sequence[ReportSnapshot]) -> list[Finding]:
    """R5, R6, JUMP, SAME_FIGURES and COPY_PREV_YEAR for each pair of consecutive years of one issuer.

    With several snapshots of one year (copies on several portals) the first given is used.
    """
    by_year: dict[int, ReportSnapshot] = {}
    for snapshot in series:
        by_year.setdefault(snapshot.year, snapshot)
    findings: list[Finding] = []
    for year in sorted(by_year):
        previous = by_year.get(year - 1)
        if previous is None:
            continue
        current = by_year[year]
        findings.extend(check_r5(previous, current))
        findings.extend(check_r6(previous, current))
        findings.extend(check_jumps(previous, current))
        findings.extend(check_same_figures(previous, current))
        findings.extend(check_copy_previous_year(previous, current))
    return findings


def _years(previous: ReportSnapshot, current: ReportSnapshot) -> str:
    return f"years:{previous.year}-{current.year}"


def _ref(snapshot: ReportSnapshot, key: str) -> CellRef:
    ref = CellRef.of(key, snapshot.cells.get(key))
    return CellRef(f"{snapshot.year}:{key}", ref.value, ref.status, ref.raw, ref.locator)


def _both_modern(previous: ReportSnapshot, current: ReportSnapshot) -> bool:
    return previous.template in K.MODERN and current.template in K.MODERN


def check_r5(previous: ReportSnapshot, current: ReportSnapshot) -> list[Finding]:
    """R5 per 表三 column: 结转下年度 (Y−1) (expected) vs 上年结转 (Y) (actual)."""
    if not _both_modern(previous, current):
        return []
    found = []
    for column in K.T3_COLUMNS:
        out_key, in_key = K.t3("carried_forward_out", column), K.t3("carried_over_in", column)
        carried_out, carried_in = number(previous.cells.get(out_key)), number(current.cells.get(in_key))
        refs = (_ref(previous, out_key), _ref(current, in_key))
        scope = f"{_years(previous, current)} column:{column}"
        if carried_out is None or carried_in is None:
            message = f"{column}: not assessable, {', '.join(f'{r.key} ({r.status})' for r in refs if r.value is None)}"
            found.append(finding("R5", scope, NOT_ASSESSABLE, carried_out, carried_in, message, refs))
            continue
        outcome = PASS if carried_out == carried_in else FAIL
        relation = "=" if outcome == PASS else "≠"
        message = (
            f"{column}: 结转下年度 {previous.year} = {plain(carried_out)} {relation} "
            f"上年结转 {current.year} = {plain(carried_in)}"
        )
        found.append(finding("R5", scope, outcome, carried_out, carried_in, message, refs))
    return found


def check_r6(previous: ReportSnapshot, current: ReportSnapshot) -> list[Finding]:
    """R6 (v2021 both years): 现行有效 (Y−1) + 制发 (Y) − 废止 (Y) (expected) vs 现行有效 (Y) (actual)."""
    if previous.template != K.V2021 or current.template != K.V2021:
        return []
    found = []
    for row in K.STOCK_ROWS:
        keys = (f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed", f"t2.{row}.in_force")
        snapshots = (previous, current, current, current)
        values = tuple(number(s.cells.get(k)) for s, k in zip(snapshots, keys, strict=True))
        refs = tuple(_ref(s, k) for s, k in zip(snapshots, keys, strict=True))
        scope = f"{_years(previous, current)} row:{row}"
        operands = Operands(values, refs)
        if not operands.complete:
            message = f"{row}: 现行有效 continuity not assessable, {describe_missing(operands)}"
            found.append(finding("R6", scope, NOT_ASSESSABLE, None, None, message, refs))
            continue
        before, issued, repealed, now = (v if v is not None else Decimal(0) for v in values)
        expected = before + issued - repealed
        outcome = PASS if expected == now else FAIL
        message = (
            f"{row}: 现行有效 {previous.year} {plain(before)} + 制发 {plain(issued)} − 废止 {plain(repealed)} "
            f"= {plain(expected)}, printed {plain(now)}"
        )
        found.append(finding("R6", scope, outcome, expected, now, message, refs))
    return found


def is_jump(before: Decimal, after: Decimal, factor: int = JUMP_FACTOR, floor: int = JUMP_FLOOR) -> bool:
    """A change by ×``factor`` or more (either way) that is also at least ``floor`` in absolute terms."""
    low, high = sorted((abs(before), abs(after)))
    if high - low < floor:
        return False
    return high >= factor * max(low, Decimal(1))


def check_jumps(previous: ReportSnapshot, current: ReportSnapshot) -> list[Finding]:
    """JUMP for the 表二 keys of ``keys.JUMP_KEYS`` printed with the same meaning in both years."""
    found = []
    for key, templates in K.JUMP_KEYS.items():
        if previous.template not in templates or current.template not in templates:
            continue
        before, after = number(previous.cells.get(key)), number(current.cells.get(key))
        refs = (_ref(previous, key), _ref(current, key))
        scope = f"{_years(previous, current)} cell:{key}"
        if before is None or after is None:
            message = f"{key}: not assessable, {', '.join(f'{r.key} ({r.status})' for r in refs if r.value is None)}"
            found.append(finding("JUMP", scope, NOT_ASSESSABLE, before, after, message, refs))
            continue
        jumped = is_jump(before, after)
        message = f"{key}: {previous.year} {plain(before)} → {current.year} {plain(after)}"
        if jumped:
            message += f" (×{JUMP_FACTOR} or more and a change of at least {JUMP_FLOOR})"
        found.append(finding("JUMP", scope, FAIL if jumped else PASS, before, after, message, refs))
    return found


def check_same_figures(previous: ReportSnapshot, current: ReportSnapshot) -> list[Finding]:
    """SAME_FIGURES: every printed 表三/表四 number equal to last year's, some of them non-zero."""
    if not _both_modern(previous, current):
        return []
    keys = [k for k in current.cells if k.startswith(("t3.", "t4.")) and k in previous.cells]
    pairs = [(number(previous.cells[k]), number(current.cells[k])) for k in keys]
    printed = [(a, b) for a, b in pairs if a is not None and b is not None]
    scope = f"{_years(previous, current)} tables:t3+t4"
    if not printed:
        return [finding("SAME_FIGURES", scope, NOT_ASSESSABLE, None, None, "no figures printed in both years")]
    same = all(a == b for a, b in printed) and len(printed) == len(pairs)
    non_zero = sum(1 for _, b in printed if b != 0)
    if same and non_zero:
        message = f"all {len(printed)} 表三/表四 figures equal {previous.year}'s, {non_zero} of them non-zero"
        return [finding("SAME_FIGURES", scope, FAIL, None, non_zero, message)]
    differing = sum(1 for a, b in printed if a != b)
    return [finding("SAME_FIGURES", scope, PASS, None, differing, f"{differing} figures differ from last year")]


def check_copy_previous_year(
    previous: ReportSnapshot, current: ReportSnapshot, threshold: float = PREVIOUS_YEAR_THRESHOLD
) -> list[Finding]:
    """COPY_PREV_YEAR: each of sections 一/五/六 more than ``threshold`` similar to last year's (内容雷同)."""
    found = []
    for section in COPY_SECTIONS:
        scope = f"{_years(previous, current)} section:{section}"
        before, now = previous.sections.get(section), current.sections.get(section)
        if before is None or now is None:
            which = [str(s.year) for s, text in ((previous, before), (current, now)) if text is None]
            message = f"{section} not found in {' and '.join(which)}"
            found.append(finding("COPY_PREV_YEAR", scope, NOT_ASSESSABLE, threshold, None, message))
            continue
        if min(len(shingles(before)), len(shingles(now))) < MIN_SHINGLES:
            message = f"{section} too short to compare (< {MIN_SHINGLES} shingles)"
            found.append(finding("COPY_PREV_YEAR", scope, NOT_ASSESSABLE, threshold, None, message))
            continue
        score = round(similarity(before, now), 4)
        copied = score > threshold
        verdict = "more than" if copied else "at most"
        message = f"{section}: {score:.0%} of the text is shared with {previous.year} ({verdict} {threshold:.0%})"
        found.append(finding("COPY_PREV_YEAR", scope, FAIL if copied else PASS, threshold, score, message))
    return found
