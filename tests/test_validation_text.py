"""R9 (prose figures against table cells, warnings only) and R10 (fees in 表三 ⇒ fee statement in section 六)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from pipelines.canonical.cells import Cell
from pipelines.documents import read_document
from pipelines.documents.formats import detect_format
from pipelines.narrative.figures import stated_figures
from pipelines.narrative.sections import narrative_text, section_text, split_sections
from pipelines.parse import parse_file
from pipelines.validation.findings import FAIL, NOT_ASSESSABLE, PASS, Finding, cells_from_values
from pipelines.validation.text_table import check_fee_statement, check_text_against_tables, infer_template
from tests.test_validation_arithmetic import consistent_v2021, shanghai_2019


def _r9(text: str, cells: dict[str, Cell], template: str | None = None) -> list[Finding]:
    return check_text_against_tables(stated_figures(text), cells, template)


def test_r9_pass_fail_and_not_assessable_are_warnings() -> None:
    cells = cells_from_values(consistent_v2021(new=5, carried_in=1))  # processed 5, carried out 1
    cells["t4.review.total"] = Cell("t4.review.total", None, "blank", "")
    findings = _r9("全年新收政府信息公开申请5件，予以公开3件，结转下年度2件，行政复议3件。", cells)
    assert [(f.scope, f.outcome) for f in findings] == [
        ("text:t3.new_received.total", PASS),
        ("text:t3.granted.total", FAIL),
        ("text:t3.carried_forward_out.total", FAIL),
        ("text:t4.review.total", NOT_ASSESSABLE),
    ]
    assert {f.severity for f in findings} == {"warning"}
    granted = findings[1]
    assert (granted.expected, granted.actual) == (3, 4)
    assert granted.quote == "全年新收政府信息公开申请5件，予以公开3件，结转下年度2件，行政复议3件"
    assert [c.key for c in granted.cells] == ["t3.granted.total"]


def test_r9_alternative_reading_new_plus_carried_over() -> None:
    """平潭综合实验区 2022: "收到政府信息公开申请75件" = 新收 74 + 上年结转 1."""
    cells = cells_from_values(
        {"t3.new_received.total": 74, "t3.carried_over_in.total": 1, "t3.other_fee_unpaid.total": 0}
    )
    [finding] = _r9("全区收到政府信息公开申请75件。", cells)
    assert finding.outcome == PASS
    assert "read as t3.new_received.total + t3.carried_over_in.total" in finding.message
    [strict] = _r9("本年新收政府信息公开申请75件。", cells)  # 新收 admits no other reading
    assert strict.outcome == FAIL


def test_r9_sums_and_legacy_keys() -> None:
    cells = cells_from_values(
        {
            "t3.denied_state_secret.total": 1,
            "t3.denied_process_info.total": 2,
            "t4.suit_direct.total": 1,
            "t4.suit_after_review.total": 2,
            "t3.other_fee_unpaid.total": 0,
        }
    )
    for key in (
        "law_prohibited",
        "three_safeties_one_stability",
        "third_party_rights",
        "internal_affairs",
        "enforcement_file",
        "admin_inquiry",
    ):
        cells[f"t3.denied_{key}.total"] = Cell(f"t3.denied_{key}.total", 0, "number", "0")
    assert [f.outcome for f in _r9("不予公开3件，行政诉讼3件。", cells)] == [PASS, PASS]
    legacy = cells_from_values({"legacy.requests.denied_total": 2, "t4.suit_total.total": 0, "t4.review.total": 0})
    assert infer_template(legacy) == "legacy"
    assert [f.outcome for f in _r9("不同意公开答复数2条，未收到行政复议、提起行政诉讼的申请。", legacy)] == [PASS] * 3
    # A figure the template cannot print is not compared at all (no 办理总计 in a legacy 统计表).
    assert _r9("答复总数3条。", legacy) == []


def test_r9_appendix_a_is_ambiguous_not_failed() -> None:
    """Shanghai 2019: 258 is only the 自然人 cell of (一); blank 总计 cells make the figures not assessable."""
    cells = cells_from_values(shanghai_2019())
    findings = _r9("予以公开及部分公开258件，不予公开35件，无法提供265件，不予处理158件。", cells, "v2019")
    assert [f.outcome for f in findings] == [NOT_ASSESSABLE] * 4
    assert "258 equals t3.granted.natural_person" in findings[0].message
    assert FAIL not in {f.outcome for f in findings}


def test_r9_skips_breakdowns() -> None:
    cells = cells_from_values({"legacy.active.items_total": 425})
    findings = _r9("其中主动公开政府信息425条。县直各单位主动公开政府信息303条，占71.3%。", cells, "legacy")
    assert [(f.outcome, f.expected) for f in findings] == [(PASS, 425)]


def test_r10_fee_statement() -> None:
    cells = cells_from_values({"t3.other_fee_unpaid.total": 6})
    assert check_fee_statement(cells, "本年度共发出收费通知9件，实际收取信息处理费3940元。").outcome == PASS
    failed = check_fee_statement(cells, "无其他需要报告的事项。")
    assert (failed.outcome, failed.severity, failed.actual) == (FAIL, "warning", 6)
    assert check_fee_statement(cells, None).outcome == NOT_ASSESSABLE
    assert check_fee_statement(cells_from_values({"t3.other_fee_unpaid.total": 0}), "无。").outcome == PASS
    assert check_fee_statement(cells_from_values({"t3.other_fee_unpaid.total": None}), "无。").outcome == NOT_ASSESSABLE
    assert check_fee_statement({}, "无。").outcome == NOT_ASSESSABLE  # v2019: no such row


@cache
def _prose(path: Path) -> tuple[str, str | None]:
    data = path.read_bytes()
    fmt, _ = detect_format(path, data[:8192])
    assert fmt is not None
    sections = split_sections(read_document(path, fmt, data).rows)
    return narrative_text(sections), section_text(sections, "sec_other")


def _expected(path: Path) -> dict[str, object]:
    stem = path.name.rsplit(".", 1)[0]
    loaded: dict[str, object] = json.loads((path.parent / f"{stem}.expected.json").read_text(encoding="utf-8"))
    return loaded


# The report's own text/table conflicts, as the expected.json notes record them: (target, prose, table).
_KNOWN_CONFLICTS = {
    "平潭综合实验区_2012": {("text:legacy.active.items_total", 1913, 739)},
    "平潭综合实验区_2013": {("text:legacy.active.items_total", 4970, 72804), ("text:t4.review.total", 1, 0)},
}


def test_r9_on_the_corpus_finds_exactly_the_documented_conflicts(corpus_dir: Path) -> None:
    """With the hand-checked cells, R9 warns on the conflicts the notes record and on nothing else.

    PDFs are left out to keep the suite fast (reading them takes seconds); the two corpus PDFs give 8 PASS
    and no FAIL (淮安市人民政府 2024: 受理 3119, 答复 3050, 上年结转 34, 顺延 103, 复议 351, 诉讼 46, 规章 1).
    """
    checked = 0
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix not in (".txt", ".html", ".md") or path.name == "SOURCES.md":
            continue
        expected = _expected(path)
        cells = cells_from_values(expected["cells"])  # type: ignore[arg-type]
        findings = _r9(_prose(path)[0], cells, str(expected["template"]))
        failed = {(f.scope, f.expected, f.actual) for f in findings if f.outcome == FAIL}
        assert failed == _KNOWN_CONFLICTS.get(path.name.rsplit(".", 1)[0], set()), path.name
        checked += sum(1 for f in findings if f.outcome == PASS)
    assert checked >= 75


@pytest.mark.parametrize(
    ("name", "passes"),
    [
        (
            "平潭综合实验区_2022.txt",
            {
                "t3.new_received.total",
                "t2.normative_docs.in_force",
                "t2.normative_docs.issued",
                "t4.review.total",
                "t4.suit.total",
            },
        ),
        (
            "平潭综合实验区_2025.html",
            {
                "t3.new_received.total",
                "t3.total_processed.total",
                "t3.carried_forward_out.total",
                "t4.review.total",
                "t4.suit.total",
            },
        ),
        ("德归镇人民政府_2023.txt", {"t3.new_received.total"}),
        ("沭阳县发展和改革局_2023.html", {"t3.new_received.total"}),
    ],
)
def test_r9_on_parsed_reports(corpus_dir: Path, name: str, passes: set[str]) -> None:
    """End to end: parse_file's cells against the prose of the same file."""
    path = corpus_dir / name
    report = parse_file(path)
    prose, other = _prose(path)
    findings = check_text_against_tables(stated_figures(prose), report.cells, report.template)
    assert {f.scope.removeprefix("text:") for f in findings if f.outcome == PASS} == passes
    assert check_fee_statement(report.cells, other).outcome == PASS


def test_r9_on_parsed_legacy_conflict(corpus_dir: Path) -> None:
    path = corpus_dir / "平潭综合实验区_2013.html"
    report = parse_file(path)
    findings = check_text_against_tables(stated_figures(_prose(path)[0]), report.cells, report.template)
    failed = {(f.scope, f.expected, f.actual) for f in findings if f.outcome == FAIL}
    assert ("text:t4.review.total", 1, 0) in failed
    review = next(f for f in findings if f.scope == "text:t4.review.total")
    assert "行政复议" in (review.quote or "")
