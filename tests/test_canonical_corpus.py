"""Accuracy on the crawled 平潭 reports (v2019 and v2021, tables run together), against hand-checked values.

Asserted at the level reached. Every cell that is not right must be ``ambiguous`` (value null, candidates
listed, the true reading among them): the parser may leave a cell open, it may never print a wrong number.
The open cells are 表二 rows without arithmetic whose digits the report's prose does not pin down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.canonical import layout, numbers
from pipelines.evaluation import FileScore, score
from pipelines.parse import ParsedReport, parse_file

#: file → (cells right at least, cells in the expected file)
REACHED = {
    "平潭综合实验区_2019.txt": (179, 198),  # 19 表二 cells in 7 rows open (898989, 3960181, …, 13575394432.52元)
    "平潭综合实验区_2022.txt": (200, 200),
    "平潭综合实验区_2024.txt": (198, 200),  # 6233440: 制发 62 from the prose, 废止/现行有效 open
    "平潭综合实验区_2025.txt": (197, 200),  # 5845546: the prose states none of the three
}


_T4_KEYS = tuple(f"t4.{b}.{c}" for b in layout.T4_BLOCKS for c in layout.T4_COLUMNS)


def row_keys(template: str) -> dict[str, tuple[str, ...]]:
    """key → the keys of its printed row, in the order the candidates list them."""
    specs = (*layout.T2_V2021, *layout.T3_V2021) if template == "v2021" else (*layout.T2_V2019, *layout.T3_V2019)
    return {key: spec.keys for spec in specs for key in spec.keys} | dict.fromkeys(_T4_KEYS, _T4_KEYS)


@pytest.fixture(scope="module")
def parsed(corpus_dir: Path) -> dict[str, tuple[ParsedReport, FileScore, dict[str, object]]]:
    result = {}
    for name in REACHED:
        path = corpus_dir / name
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
        report = parse_file(path)
        result[name] = (report, score(report, expected), expected)
    return result


@pytest.mark.parametrize("name", sorted(REACHED))
def test_accuracy_reached(parsed: dict[str, tuple[ParsedReport, FileScore, dict[str, object]]], name: str) -> None:
    _, file_score, _ = parsed[name]
    right, total = REACHED[name]
    assert file_score.cells_total == total
    assert file_score.cells_right >= right, file_score.mismatches
    assert (file_score.issuer_right, file_score.year_right, file_score.template_right) == (True, True, True)


@pytest.mark.parametrize("name", sorted(REACHED))
def test_no_cell_is_ever_wrong_only_open(
    parsed: dict[str, tuple[ParsedReport, FileScore, dict[str, object]]], name: str
) -> None:
    report, file_score, expected = parsed[name]
    cells = expected["cells"]
    assert isinstance(cells, dict)
    for mismatch in file_score.mismatches:
        cell = report.cells[mismatch.key]
        assert cell.status == numbers.AMBIGUOUS and cell.value is None, mismatch
        truth = tuple(cells[key] for key in row_keys(str(report.template))[mismatch.key])
        assert any(
            all(
                abs(float(a) - float(b)) < 1e-9
                for a, b in zip(c, truth, strict=True)
                if a is not None and b is not None
            )
            for c in cell.candidates
        ), (mismatch.key, cell.candidates, truth)


def test_open_cells_say_how_far_they_were_narrowed(
    parsed: dict[str, tuple[ParsedReport, FileScore, dict[str, object]]],
) -> None:
    report = parsed["平潭综合实验区_2024.txt"][0]
    issued = report.cells["t2.normative_docs.issued"]
    assert (issued.value, issued.status) == (62, numbers.NUMBER)
    assert "制发行政规范性文件62件" in (issued.note or "")
    in_force = report.to_json()["provenance"]["t2.normative_docs.in_force"]
    assert in_force["status"] == numbers.AMBIGUOUS
    assert [62, 33, 440] in in_force["candidates"]


def test_split_cells_carry_their_raw_digits_and_a_note(
    parsed: dict[str, tuple[ParsedReport, FileScore, dict[str, object]]],
) -> None:
    report = parsed["平潭综合实验区_2025.txt"][0]
    cell = report.cells["t4.review.total"]
    assert (cell.value, cell.raw) == (36, "25380363300630003")
    assert "split from run-together digits" in (cell.note or "")
    fee = report.cells["t2.admin_fees.amount_wan_yuan"]
    assert (fee.value, fee.status, fee.note) == (4166.241619, numbers.NUMBER, None)
