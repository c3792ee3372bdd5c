"""R1–R4, R7, R8 on small synthetic tables (PASS, FAIL, NOT_ASSESSABLE) and on Appendix A (Shanghai 2019)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.canonical.cells import Cell
from pipelines.canonical.registry import keys_for
from pipelines.validation import keys as K
from pipelines.validation.arithmetic import check_r1, check_r2, check_r3, check_r4, check_r7, check_r8, check_report
from pipelines.validation.findings import FAIL, NOT_ASSESSABLE, PASS, Finding, cells_from_values


def consistent_v2021(new: int = 5, carried_in: int = 1) -> dict[str, int | float | None]:
    """A v2021 report whose tables satisfy every rule: all applications by natural persons."""
    values: dict[str, int | float | None] = {key: 0 for key in keys_for("v2021")}
    processed = new + carried_in - 1
    for column in ("natural_person", "total"):
        values[K.t3("new_received", column)] = new
        values[K.t3("carried_over_in", column)] = carried_in
        values[K.t3("granted", column)] = processed - 1
        values[K.t3("unavailable_not_held", column)] = 1
        values[K.t3("total_processed", column)] = processed
        values[K.t3("carried_forward_out", column)] = 1
    for block in K.T4_BLOCKS:
        values[K.t4(block, "upheld")] = 2
        values[K.t4(block, "pending")] = 1
        values[K.t4(block, "total")] = 3
    values["t2.admin_fees.amount_wan_yuan"] = 12.5
    return values


def outcomes(findings: list[Finding], rule: str) -> Counter[str]:
    return Counter(f.outcome for f in findings if f.rule == rule)


def by_scope(findings: list[Finding], rule: str) -> dict[str, Finding]:
    return {f.scope: f for f in findings if f.rule == rule}


def test_a_consistent_report_passes_everything() -> None:
    findings = check_report("v2021", cells_from_values(consistent_v2021()))
    assert {f.outcome for f in findings} == {PASS}
    assert outcomes(findings, "R1") == {PASS: 7}
    assert outcomes(findings, "R2") == {PASS: 7}
    assert outcomes(findings, "R3") == {PASS: 25}
    assert outcomes(findings, "R4") == {PASS: 3}
    assert outcomes(findings, "R8") == {PASS: 3}


def test_legacy_and_unknown_templates_have_no_table_rules() -> None:
    assert check_report("legacy", {}) == []
    assert check_report(None, {}) == []


def test_r1_fail_keeps_the_printed_values() -> None:
    values = consistent_v2021()
    values[K.t3("carried_forward_out", "total")] = 2  # 5 + 1 ≠ 5 + 2
    cells = cells_from_values(values)
    r1 = by_scope(check_r1(cells), "R1")
    failed = r1["column:total"]
    assert (failed.outcome, failed.severity, failed.expected, failed.actual) == (FAIL, "error", 6, 7)
    assert [c.key for c in failed.cells] == [
        "t3.new_received.total",
        "t3.carried_over_in.total",
        "t3.total_processed.total",
        "t3.carried_forward_out.total",
    ]
    assert failed.cells[3].raw == "2"
    assert cells[K.t3("carried_forward_out", "total")].value == 2  # never repaired
    assert r1["column:natural_person"].outcome == PASS


def test_r1_blank_or_dash_is_not_assessable_never_zero() -> None:
    values = consistent_v2021()
    cells = cells_from_values(values)
    cells[K.t3("carried_over_in", "org_research")] = Cell("t3.carried_over_in.org_research", None, "dash", "—")
    cells[K.t3("new_received", "org_commercial")] = Cell("t3.new_received.org_commercial", None, "blank", "")
    r1 = by_scope(check_r1(cells), "R1")
    assert r1["column:org_research"].outcome == NOT_ASSESSABLE
    assert "t3.carried_over_in.org_research (dash)" in r1["column:org_research"].message
    assert r1["column:org_commercial"].outcome == NOT_ASSESSABLE
    assert r1["column:org_commercial"].expected is None


def test_r2_v2021_and_v2019_row_six() -> None:
    values = consistent_v2021()
    values[K.t3("other_fee_unpaid", "natural_person")] = 1  # (七)总计 no longer the sum
    r2 = by_scope(check_r2("v2021", cells_from_values(values)), "R2")
    assert (r2["column:natural_person"].outcome, r2["column:natural_person"].expected) == (FAIL, 6)
    assert r2["column:total"].outcome == PASS

    v2019 = {k: v for k, v in consistent_v2021().items() if k in keys_for("v2019")}
    for column in K.T3_COLUMNS:
        v2019[K.t3("other_total", column)] = 0
    assert outcomes(check_r2("v2019", cells_from_values(v2019)), "R2") == {PASS: 7}
    v2019[K.t3("other_total", "total")] = 3
    assert outcomes(check_r2("v2019", cells_from_values(v2019)), "R2") == {PASS: 6, FAIL: 1}


def test_r2_v2021_report_printing_row_six_as_one_row() -> None:
    """淮安市洪泽区 2023: v2021 tables but （六）其他处理 as the single v2019 row."""
    values = consistent_v2021()
    for row in K.OTHER_V2021:
        for column in K.T3_COLUMNS:
            del values[K.t3(row, column)]
    assert outcomes(check_r2("v2021", cells_from_values(values, keys_for("v2021"))), "R2") == {NOT_ASSESSABLE: 7}
    for column in K.T3_COLUMNS:
        values[K.t3("other_total", column)] = 0
    r2 = check_r2("v2021", cells_from_values(values, keys_for("v2021")))
    assert outcomes(r2, "R2") == {PASS: 7}
    assert "single v2019 row" in r2[0].message


def test_r3_row_sum() -> None:
    values = consistent_v2021()
    values[K.t3("granted", "org_other")] = 1
    r3 = by_scope(check_r3("v2021", cells_from_values(values)), "R3")
    assert (r3["row:granted"].outcome, r3["row:granted"].expected, r3["row:granted"].actual) == (FAIL, 5, 4)
    assert sum(1 for f in r3.values() if f.outcome == PASS) == 24


def test_r4_blocks() -> None:
    values = consistent_v2021()
    values[K.t4("review", "total")] = 0  # 淮安市洪泽区 2023 prints 10/1/0/0 with 总计 0
    values[K.t4("suit_direct", "corrected")] = None
    r4 = by_scope(check_r4(cells_from_values(values)), "R4")
    assert (r4["block:review"].outcome, r4["block:review"].expected, r4["block:review"].actual) == (FAIL, 3, 0)
    assert r4["block:suit_direct"].outcome == NOT_ASSESSABLE
    assert r4["block:suit_after_review"].outcome == PASS


def test_r7_v2019_table_two() -> None:
    values: dict[str, int | float | None] = {
        "t2.rules.new_published": 0,
        "t2.rules.total_published": 0,
        "t2.normative_docs.new_published": 9,
        "t2.normative_docs.total_published": 8,
        "t2.licensing.items_prev_year": 396,
        "t2.licensing.items_change": -8,
        "t2.penalty.items_prev_year": 3,
        "t2.penalty.items_change": -5,
        "t2.coercion.items_prev_year": None,
        "t2.coercion.items_change": 0,
    }
    r7 = by_scope(check_r7(cells_from_values(values, keys_for("v2019"))), "R7")
    assert r7["row:rules.published"].outcome == PASS
    assert r7["row:normative_docs.published"].outcome == FAIL
    assert r7["row:licensing.items"].outcome == PASS
    assert (r7["row:penalty.items"].outcome, r7["row:penalty.items"].actual) == (FAIL, -2)
    assert r7["row:coercion.items"].outcome == NOT_ASSESSABLE
    assert r7["row:other_services.items"].outcome == NOT_ASSESSABLE  # not printed
    assert {f.severity for f in r7.values()} == {"warning"}


def test_r8_ranges() -> None:
    values = consistent_v2021()
    values[K.t3("granted", "org_other")] = -1
    values[K.t4("review", "upheld")] = 1.5
    values["t2.admin_fees.amount_wan_yuan"] = 9116.36  # money may be decimal
    r8 = check_r8("v2021", cells_from_values(values))
    assert {f.scope: f.outcome for f in r8} == {
        "table:t2": PASS,
        "cell:t3.granted.org_other": FAIL,
        "cell:t4.review.upheld": FAIL,
    }
    v2019 = cells_from_values({"t2.licensing.items_change": -8, "t2.licensing.items_prev_year": 396})
    assert [f.outcome for f in check_r8("v2019", v2019)] == [PASS, NOT_ASSESSABLE, NOT_ASSESSABLE]


def shanghai_2019() -> dict[str, int | float | None]:
    """Appendix A: 2019年上海市人民政府办公厅 (v2019) as published; blank cells are None (most 总计 cells)."""
    values: dict[str, int | float | None] = {key: None for key in keys_for("v2019") if key.startswith(("t3.", "t4."))}
    rows: dict[str, tuple[int | None, ...]] = {
        # natural_person, org_commercial, org_research, org_public_welfare, org_legal_service, org_other, total
        "new_received": (821, 35, None, None, 2, 1, 859),
        "carried_over_in": (18, None, None, None, None, None, 18),
        "total_processed": (767, 35, None, None, 2, 1, 805),
        "carried_forward_out": (72, None, None, None, None, None, 72),
        "granted": (258, 12, None, None, None, 1, None),
        "partially_granted": (3, 1, None, None, None, None, None),
        "denied_law_prohibited": (14, 2, None, None, None, None, None),
        "denied_third_party_rights": (5, None, None, None, None, None, None),
        "denied_internal_affairs": (3, None, None, None, None, None, None),
        "denied_process_info": (10, 1, None, None, None, None, None),
        "unavailable_not_held": (252, 12, None, None, 1, None, None),
        "unavailable_needs_creation": (44, 3, None, None, None, None, None),
        "unavailable_unclear": (25, None, None, None, None, None, None),
        "not_processed_petition": (148, 4, None, None, 1, None, None),
        "not_processed_duplicate": (5, None, None, None, None, None, None),
    }
    for row, printed in rows.items():
        for column, value in zip(K.T3_COLUMNS, printed, strict=True):
            values[K.t3(row, column)] = value
    values.update({"t4.review.upheld": 5, "t4.review.corrected": 2, "t4.review.total": 7})
    values.update({"t4.suit_direct.upheld": 8, "t4.suit_direct.corrected": 1, "t4.suit_direct.total": 9})
    return values


def test_appendix_a_shanghai_2019() -> None:
    findings = check_report("v2019", cells_from_values(shanghai_2019()))
    r1 = by_scope(findings, "R1")
    assert (r1["column:natural_person"].outcome, r1["column:natural_person"].expected) == (PASS, 839)
    assert (r1["column:total"].outcome, r1["column:total"].expected) == (PASS, 877)
    # Blank cells are not zeros: the organisation columns are not assessable, and nothing fails.
    assert r1["column:org_commercial"].outcome == NOT_ASSESSABLE
    r2 = by_scope(findings, "R2")
    assert r2["column:natural_person"].outcome == NOT_ASSESSABLE  # (六)其他处理 left blank
    # R3 is not assessable for the detail rows: their 总计 cells are blank.
    r3 = by_scope(findings, "R3")
    assert r3["row:granted"].outcome == NOT_ASSESSABLE
    assert r3["row:new_received"].outcome == NOT_ASSESSABLE  # 科研/公益 blank
    r4 = by_scope(findings, "R4")
    assert r4["block:review"].outcome == NOT_ASSESSABLE  # 其他/尚未审结 blank
    assert FAIL not in {f.outcome for f in findings}


def test_appendix_a_natural_person_column_with_blanks_read_as_printed_zeros() -> None:
    """The appendix's own sums (258+3+14+5+3+10+252+44+25+148+5 = 767) hold once the blanks are zeros."""
    values = {k: (0 if v is None else v) for k, v in shanghai_2019().items()}
    findings = check_report("v2019", cells_from_values(values))
    assert by_scope(findings, "R2")["column:natural_person"].outcome == PASS
    assert by_scope(findings, "R2")["column:org_commercial"].outcome == PASS
    assert by_scope(findings, "R4")["block:review"].outcome == PASS


_COUNTS = st.integers(min_value=0, max_value=10_000)
_COLUMN = st.tuples(_COUNTS, _COUNTS, _COUNTS, _COUNTS)


@settings(max_examples=80, deadline=None)
@given(columns=st.lists(_COLUMN, min_size=7, max_size=7), consistent=st.lists(st.booleans(), min_size=7, max_size=7))
def test_r1_holds_iff_no_r1_fail(columns: list[tuple[int, int, int, int]], consistent: list[bool]) -> None:
    values: dict[str, int | float | None] = {}
    holds = []
    for column, (new, carried_in, processed, carried_out), make_consistent in zip(
        K.T3_COLUMNS, columns, consistent, strict=True
    ):
        if make_consistent:
            processed = min(processed, new + carried_in)
            carried_out = new + carried_in - processed
        values[K.t3("new_received", column)] = new
        values[K.t3("carried_over_in", column)] = carried_in
        values[K.t3("total_processed", column)] = processed
        values[K.t3("carried_forward_out", column)] = carried_out
        holds.append(new + carried_in == processed + carried_out)
    r1 = check_r1(cells_from_values(values))
    assert [f.outcome == FAIL for f in r1] == [not h for h in holds]
    assert (not any(f.outcome == FAIL for f in r1)) == all(holds)
    assert all(f.outcome in (PASS, FAIL) for f in r1)


@settings(max_examples=60, deadline=None)
@given(blanks=st.sets(st.sampled_from(K.T3_COLUMNS), min_size=1))
def test_r1_never_fails_on_a_blank_operand(blanks: set[str]) -> None:
    values: dict[str, int | float | None] = {}
    for column in K.T3_COLUMNS:
        values[K.t3("new_received", column)] = None if column in blanks else 1
        values[K.t3("carried_over_in", column)] = 0
        values[K.t3("total_processed", column)] = 7  # would fail if the blank were read as anything
        values[K.t3("carried_forward_out", column)] = 0
    r1 = check_r1(cells_from_values(values))
    assert {f.scope.split(":")[1] for f in r1 if f.outcome == NOT_ASSESSABLE} == blanks
