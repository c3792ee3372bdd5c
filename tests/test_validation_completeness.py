"""Sections and tables present, template currency, statistics period, deadlines, coverage gaps, the score;
and the rule keys against the registry."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.canonical.cells import Cell
from pipelines.canonical.registry import keys_for
from pipelines.narrative.figures import TARGETS
from pipelines.narrative.sections import MODERN_SECTIONS, split_sections
from pipelines.validation import keys as K
from pipelines.validation.arithmetic import check_report
from pipelines.validation.completeness import (
    check_completeness,
    check_on_time,
    check_period,
    check_sections,
    check_tables,
    check_template_current,
    coverage_gaps,
    deadline,
    expected_template,
)
from pipelines.validation.findings import FAIL, INFO, NOT_ASSESSABLE, PASS, Finding, cells_from_values, finding
from pipelines.validation.score import report_score, score_breakdown
from tests.conftest import SEED
from tests.test_validation_arithmetic import consistent_v2021


def test_sections_present() -> None:
    found = check_sections(
        "v2021", {"sec_overview", "sec_active", "sec_requests", "sec_review_litigation", "sec_other"}
    )
    assert {f.scope: f.outcome for f in found}["section:sec_problems"] == FAIL
    assert sum(f.outcome == PASS for f in found) == 5
    legacy = check_sections("legacy", {"sec_overview", "sec_active", "sec_requests", "sec_review_litigation"})
    assert [f.scope for f in legacy if f.outcome == FAIL] == ["section:sec_problems"]  # 地税局 2013


def test_seed_is_complete() -> None:
    from pipelines.documents import read_document
    from pipelines.documents.formats import detect_format

    data = SEED.read_bytes()
    fmt, _ = detect_format(SEED, data[:8192])
    assert fmt is not None
    found = {s.id for s in split_sections(read_document(SEED, fmt, data).rows) if s.id}
    findings = check_completeness(
        "v2021",
        2023,
        found,
        cells_from_values(consistent_v2021()),
        period=(date(2023, 1, 1), date(2023, 12, 31)),
        published=date(2024, 1, 20),
        level="township_gov",
    )
    assert {f.outcome for f in findings} == {PASS}
    assert set(MODERN_SECTIONS) <= found


def test_tables_present_and_not_blank() -> None:
    values = consistent_v2021()
    cells = cells_from_values(values)
    for key in [k for k in cells if k.startswith("t4.")]:
        cells[key] = Cell(key, None, "blank", "")
    for key in [k for k in cells if k.startswith("t2.")]:
        cells[key] = Cell(key, None, "missing")
    outcome = {f.scope: (f.outcome, f.message) for f in check_tables("v2021", cells)}
    assert outcome["table:t2"] == (FAIL, "表二 not found")
    assert outcome["table:t3"][0] == PASS
    assert outcome["table:t4"][0] == FAIL and "entirely blank" in outcome["table:t4"][1]
    assert check_tables("legacy", cells) == []


@pytest.mark.parametrize(
    ("template", "year", "outcome", "severity"),
    [
        ("v2021", 2023, PASS, "warning"),
        ("v2019", 2021, FAIL, "warning"),  # 昌图县文旅广局 2021 on v2019
        ("legacy", 2019, FAIL, "warning"),
        ("v2019", 2020, PASS, "warning"),
        ("v2021", 2020, PASS, INFO),  # newer than its year: noted only
        ("legacy", 2012, PASS, "warning"),
        (None, 2012, NOT_ASSESSABLE, "warning"),
    ],
)
def test_template_current(template: str | None, year: int, outcome: str, severity: str) -> None:
    found = check_template_current(template, year)
    assert (found.outcome, found.severity) == (outcome, severity)
    assert expected_template(2021) == "v2021" and expected_template(2019) == "v2019"


def test_statistics_period() -> None:
    assert check_period(2023, (date(2023, 1, 1), date(2023, 12, 31))).outcome == PASS
    partial = check_period(2018, (date(2018, 1, 1), date(2018, 12, 14)))  # 咸宁人防办 2018
    assert (partial.outcome, partial.expected, partial.actual) == (FAIL, 364, 347)
    assert check_period(2013, None).outcome == NOT_ASSESSABLE  # 平潭县 2013: "统计期限自至"
    assert check_period(2013, (date(2012, 1, 1), date(2012, 12, 31))).outcome == FAIL


def test_deadlines_by_level_and_era() -> None:
    assert deadline("county_dept", 2023) == (date(2024, 1, 31), True)
    assert deadline("central_dept", 2019) == (date(2020, 1, 31), True)
    assert deadline("prefecture_gov", 2023) == (date(2024, 3, 31), True)
    assert deadline("county_dept", 2016) == (date(2017, 3, 31), True)  # 2007 条例: one date for all
    assert deadline("township_gov", 2023) == (date(2024, 3, 31), False)


def test_on_time() -> None:
    on_time = check_on_time(2023, date(2024, 1, 17), "county_dept")  # 沭阳县发改局, published 2024-01-17
    assert (on_time.outcome, on_time.expected, on_time.actual) == (PASS, 20240131, 20240117)
    late = check_on_time(2024, date(2025, 3, 10), "county_dept")
    assert (late.outcome, late.severity) == (FAIL, "warning")
    assert "38 days after 2025-01-31" in late.message
    assert check_on_time(2024, date(2025, 3, 10), "dev_zone").outcome == PASS
    township = check_on_time(2023, date(2024, 4, 2), "township_gov")
    assert (township.outcome, township.severity) == (FAIL, INFO)
    assert check_on_time(2023, None, "county_gov").outcome == NOT_ASSESSABLE


def test_coverage_gaps() -> None:
    issuers = {"甲": {2019, 2020, 2022}, "乙": {2016, 2017, 2018, 2019, 2020, 2021, 2022}, "丙": {2021}}
    assert coverage_gaps(issuers, range(2018, 2023)) == {
        "甲": [2018, 2021],
        "丙": [2018, 2019, 2020, 2022],
    }
    assert coverage_gaps(issuers, range(2018, 2023), from_first_report=True) == {"甲": [2021], "丙": [2022]}


def _fails(rule: str, count: int, severity: str | None = None) -> list[Finding]:
    return [finding(rule, f"x:{i}", FAIL, None, None, "", severity=severity) for i in range(count)]


def test_report_score_weights_and_caps() -> None:
    assert report_score([]) == 100.0
    assert report_score(check_report("v2021", cells_from_values(consistent_v2021()))) == 100.0
    assert report_score(_fails("R1", 2)) == 92.0
    assert report_score(_fails("R3", 25)) == 60.0  # capped at 40
    assert report_score(_fails("R9", 3) + _fails("TEMPLATE_CURRENT", 1)) == 86.0
    assert report_score(_fails("ON_TIME", 1, severity=INFO)) == 100.0
    not_assessable = [finding("R3", f"row:{i}", NOT_ASSESSABLE, None, None, "") for i in range(30)]
    assert report_score(not_assessable) == 95.0
    assert score_breakdown(_fails("COPY_PREV_YEAR", 4))["copying"] == 15.0
    everything = [
        f
        for rule in (
            "R1",
            "TABLE_PRESENT",
            "SECTION_PRESENT",
            "TEMPLATE_CURRENT",
            "ON_TIME",
            "PERIOD",
            "R9",
            "R5",
            "COPY_PEER",
        )
        for f in _fails(rule, 20)
    ]
    assert report_score(everything + not_assessable) == 0.0


def test_rule_keys_are_registry_keys() -> None:
    for template in K.MODERN:
        registry = set(keys_for(template))
        for row in K.t3_rows(template):
            for column in K.T3_COLUMNS:
                assert K.t3(row, column) in registry, (template, row, column)
        for block in K.T4_BLOCKS:
            for column in (*K.T4_PARTS, "total"):
                assert K.t4(block, column) in registry
    v2021 = set(keys_for("v2021"))
    for target, keys in TARGETS.items():
        if not target.startswith("legacy."):
            assert set(keys) <= v2021, target
    assert set(K.JUMP_KEYS) <= v2021
    for row in K.V2019_ITEM_ROWS:
        assert f"t2.{row}.items_change" in set(keys_for("v2019"))


def test_validate_report_end_to_end_on_the_seed() -> None:
    from pipelines.documents import read_document
    from pipelines.documents.formats import detect_format
    from pipelines.parse import parse_file
    from pipelines.validation import validate_report

    data = SEED.read_bytes()
    fmt, _ = detect_format(SEED, data[:8192])
    assert fmt is not None
    report = parse_file(SEED)
    result = validate_report(
        report.template, report.year, report.cells, read_document(SEED, fmt, data).rows, level="township_gov"
    )
    assert [s.id for s in result.sections][1:] == list(MODERN_SECTIONS)
    assert [(f.target, f.value) for f in result.figures] == [("t3.new_received.total", 0)]
    assert not [f for f in result.findings if f.outcome == FAIL]
    rules = {f.rule for f in result.findings}
    assert {"R1", "R2", "R3", "R4", "R8", "R9", "R10", "SECTION_PRESENT", "TABLE_PRESENT", "ON_TIME"} <= rules
    assert result.score == 100.0
    record = result.findings[0].as_dict()
    assert set(record) == {"rule", "scope", "outcome", "severity", "expected", "actual", "message", "cells", "quote"}
    assert result.sections[1].as_dict()["section_id"] == "sec_overview"
    assert result.figures[0].as_dict()["target"] == "t3.new_received.total"
