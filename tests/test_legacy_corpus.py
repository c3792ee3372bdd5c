"""Legacy (pre-2019) reports of the real corpus, both renderings, scored against their hand-checked cells.

Every legacy report in ``shared/corpus/real`` exists as crawled text (``.txt``, tables flattened, sometimes
digit-concatenated) and as the published page (``.html``, tables as cells). Each rendering must reproduce
the ``NAME.expected.json`` cells exactly (null = null); the narrative/table conflicts the labeller noted must
be flagged with both values; and ``is_legacy`` must tell these reports from the modern ones.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from pipelines.canonical.legacy import APPROX, EXACT, LegacyExtraction, extract_legacy, is_legacy
from pipelines.documents import read_document
from pipelines.documents.formats import detect_format
from pipelines.documents.model import Row

LEGACY_REPORTS = (
    "平潭县人民政府_2011",
    "平潭县人民政府_2013",
    "平潭综合实验区_2011",
    "平潭综合实验区_2012",
    "平潭综合实验区_2013",
    "平潭综合实验区_2016",
    "平潭综合实验区_2018",
    "平潭综合实验区地方税务局_2013",
    "平潭综合实验区管委会_2014",
)
RENDERINGS = (".txt", ".html")
#: Per-file accuracy reached (share of labelled cells exact); every file is at 100 % in both renderings.
REACHED = 1.0


@cache
def _rows(path: Path) -> list[Row]:
    data = path.read_bytes()
    fmt, reason = detect_format(path, data[:8192])
    assert fmt is not None, reason
    return read_document(path, fmt, data).rows


def _extract(corpus_dir: Path, name: str) -> LegacyExtraction:
    return extract_legacy(_rows(corpus_dir / name))


def _expected(corpus_dir: Path, stem: str) -> dict[str, int | float | None]:
    data = json.loads((corpus_dir / f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert data["template"] == "legacy"
    cells: dict[str, int | float | None] = data["cells"]
    return cells


@pytest.mark.parametrize("suffix", RENDERINGS)
@pytest.mark.parametrize("stem", LEGACY_REPORTS)
def test_every_labelled_cell_is_read_exactly(corpus_dir: Path, stem: str, suffix: str) -> None:
    path = corpus_dir / f"{stem}{suffix}"
    if not path.exists():
        pytest.skip(f"{path.name} not in the corpus")
    expected = _expected(corpus_dir, stem)
    extraction = extract_legacy(_rows(path))
    wrong = {
        key: (value, extraction.cells[key].value if key in extraction.cells else "absent")
        for key, value in expected.items()
        if (extraction.cells[key].value if key in extraction.cells else None) != value
    }
    accuracy = 1 - len(wrong) / len(expected)
    assert accuracy >= REACHED, wrong


@pytest.mark.parametrize("stem", LEGACY_REPORTS)
def test_both_renderings_agree_on_every_cell(corpus_dir: Path, stem: str) -> None:
    """The flattened text and the page's table give the same values (the digit splits are right)."""
    text = _extract(corpus_dir, f"{stem}.txt")
    page = _extract(corpus_dir, f"{stem}.html")
    assert {k: c.value for k, c in text.cells.items()} == {k: c.value for k, c in page.cells.items()}
    assert text.table_found == page.table_found


@pytest.mark.parametrize("suffix", RENDERINGS)
def test_2012_active_conflict_keeps_the_table_value_and_flags_the_text(corpus_dir: Path, suffix: str) -> None:
    extraction = _extract(corpus_dir, f"平潭综合实验区_2012{suffix}")
    cell = extraction.cells["legacy.active.items_total"]
    assert (cell.value, cell.source) == (739, "table")
    assert "CONFLICT" in (cell.note or "")
    (conflict,) = [c for c in extraction.conflicts if c.key == "legacy.active.items_total"]
    assert (conflict.table_value, conflict.narrative_value) == (739, 1913)
    assert "739" in (conflict.table_raw or "") and "主动公开信息数" in (conflict.table_raw or "")
    assert "1913条" in (conflict.narrative_raw or "")
    assert conflict.table_locator and conflict.narrative_locator
    assert extraction.narrative["legacy.active.items_total"].value == 1913
    assert "1913" in conflict.describe() and "739" in conflict.describe()
    as_json = conflict.as_dict()
    assert as_json["table"] == {"value": 739, "raw": conflict.table_raw, "locator": conflict.table_locator}
    assert as_json["narrative"] == {
        "value": 1913,
        "raw": conflict.narrative_raw,
        "locator": conflict.narrative_locator,
    }


@pytest.mark.parametrize("suffix", RENDERINGS)
def test_2013_conflicts_on_active_and_review(corpus_dir: Path, suffix: str) -> None:
    extraction = _extract(corpus_dir, f"平潭综合实验区_2013{suffix}")
    conflicts = {c.key: (c.table_value, c.narrative_value) for c in extraction.conflicts}
    assert conflicts == {"legacy.active.items_total": (72804, 4970), "t4.review.total": (0, 1)}
    assert extraction.cells["t4.review.total"].value == 0
    assert "行政复议申请" in (extraction.narrative["t4.review.total"].raw or "")


@pytest.mark.parametrize("suffix", RENDERINGS)
def test_county_2013_channel_conflict_is_flagged(corpus_dir: Path, suffix: str) -> None:
    """The text says 网上 3 / 信函 4, the table 网上 4 / 信函 0 (not labelled keys, still flagged)."""
    extraction = _extract(corpus_dir, f"平潭县人民政府_2013{suffix}")
    conflicts = {c.key: (c.table_value, c.narrative_value) for c in extraction.conflicts}
    assert conflicts == {
        "legacy.requests.channel.online": (4, 3),
        "legacy.requests.channel.letter": (0, 4),
    }


def test_concatenated_digits_split_into_year_never_cumulative(corpus_dir: Path) -> None:
    extraction = _extract(corpus_dir, "平潭县人民政府_2013.txt")
    active = extraction.cells["legacy.active.items_total"]
    assert active.value == 1853 and active.raw == "18535395"
    assert "the figure the text states" in (active.note or "")
    assert (1853, 5395) in active.candidates and len(active.candidates) > 1
    assert extraction.cumulative["legacy.active.items_total"].value == 5395
    assert extraction.cells["t3.new_received.total"].value == 7  # "728" = 7 | 28, never 72 | 8
    assert extraction.cells["t3.granted.total"].value == 2  # "219(2.)": the next row's item number cut off


def test_missing_cumulative_cell_does_not_shift_the_next_rows(corpus_dir: Path) -> None:
    for suffix in RENDERINGS:
        extraction = _extract(corpus_dir, f"平潭综合实验区_2013{suffix}")
        assert extraction.cells["legacy.active.channel.gazette"].value == 0
        assert "legacy.active.channel.gazette" not in extraction.cumulative or (
            extraction.cumulative["legacy.active.channel.gazette"].value is None
        )
        assert extraction.cells["t3.new_received.total"].value == 0
        assert extraction.cumulative["t3.new_received.total"].value == 0


@pytest.mark.parametrize("suffix", RENDERINGS)
def test_not_charged_fees_are_zero(corpus_dir: Path, suffix: str) -> None:
    extraction = _extract(corpus_dir, f"平潭综合实验区管委会_2014{suffix}")
    assert extraction.cells["legacy.fees.request_fees_wan_yuan"].value == 0
    assert extraction.narrative["legacy.fees.request_fees_wan_yuan"].value == 0
    assert "暂不收费" in (extraction.narrative["legacy.fees.request_fees_wan_yuan"].raw or "")


@pytest.mark.parametrize("suffix", RENDERINGS)
def test_department_without_table_reads_the_prose_only(corpus_dir: Path, suffix: str) -> None:
    extraction = _extract(corpus_dir, f"平潭综合实验区地方税务局_2013{suffix}")
    assert not extraction.table_found
    assert all(cell.source == "narrative" for cell in extraction.cells.values())
    # "不存在政府信息答复处理情况" states no 同意公开 figure; 信息公开费用1万元 is the bureau's own spending.
    assert "t3.granted.total" not in extraction.cells
    assert "legacy.fees.request_fees_wan_yuan" not in extraction.cells
    assert "t4.suit_total.total" not in extraction.cells
    assert "legacy.complaints.total" not in extraction.cells  # 零投诉 is about tax approvals


def test_mapping_quality_per_key(corpus_dir: Path) -> None:
    extraction = _extract(corpus_dir, "平潭综合实验区_2016.html")
    for key, cell in extraction.cells.items():
        assert cell.mapping_quality == (EXACT if key.startswith("legacy.") else APPROX)
        assert cell.as_provenance()["mapping_quality"] == cell.mapping_quality


def test_is_legacy_tells_legacy_from_modern_reports(corpus_dir: Path) -> None:
    """Every text, page and Markdown file of the corpus (the PDFs, all modern, are left to the PDF tests)."""
    for truth in sorted(corpus_dir.glob("*.expected.json")):
        template = json.loads(truth.read_text(encoding="utf-8"))["template"]
        stem = truth.name.removesuffix(".expected.json")
        for path in sorted(corpus_dir.glob(f"{stem}.*")):
            if path.suffix in (".json", ".pdf"):
                continue
            assert is_legacy(_rows(path)) == (template == "legacy"), path.name
