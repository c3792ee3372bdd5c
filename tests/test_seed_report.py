"""The seed report (德归镇人民政府 2023, tab-separated text on the 2021 template) parses exactly."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.canonical.registry import keys_for
from pipelines.parse import parse_file
from tests.conftest import SEED


def test_seed_matches_hand_checked_values(corpus_dir: Path) -> None:
    expected = json.loads((corpus_dir / "德归镇人民政府_2023.expected.json").read_text(encoding="utf-8"))
    report = parse_file(SEED).to_json()
    assert report["cells"] == expected["cells"]
    assert (report["issuer"], report["year"], report["template"]) == ("德归镇人民政府", 2023, "v2021")


def test_seed_has_every_v2021_cell_with_provenance() -> None:
    report = parse_file(SEED)
    assert report.status == "parsed", report.errors
    assert list(report.cells) == list(keys_for("v2021"))
    assert len(report.cells) == 200
    licensing = report.cells["t2.licensing.decisions"]
    assert (licensing.value, licensing.raw, licensing.status) == (215, "215", "number")
    # The seed prints 行政许可 on its line 38 (after the blank line inside 表二).
    line = SEED.read_text(encoding="utf-8").splitlines()[int(licensing.locator.split()[1]) - 1]
    assert line.startswith("行政许可\t215")
    assert report.cells["t2.penalty.decisions"].value == 22


def test_row_that_lost_its_group_cell_is_still_read() -> None:
    """Row （六）1 carries the group label in its first cell; （六）2 follows a blank line with no group cell."""
    report = parse_file(SEED)
    for key in ("t3.other_no_correction.total", "t3.other_fee_unpaid.total", "t3.other_other.total"):
        assert report.cells[key].status == "number"
        assert report.cells[key].value == 0


def test_same_layout_with_other_numbers(tmp_path: Path) -> None:
    """Not a memorised answer: changing printed numbers in the seed changes the parsed cells."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("行政许可\t215", "行政许可\t1,234").replace("行政处罚\t22", "行政处罚\t—")
    text = text.replace(
        "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理\t\t3\t1\t0\t0\t0\t0\t4"
    )
    changed = tmp_path / "某镇人民政府_2023.txt"
    changed.write_text(text, encoding="utf-8")
    report = parse_file(changed)
    assert report.cells["t2.licensing.decisions"].value == 1234
    assert report.cells["t2.penalty.decisions"].value is None
    assert report.cells["t2.penalty.decisions"].status == "dash"
    assert [
        report.cells[f"t3.carried_forward_out.{c}"].value for c in ("natural_person", "org_commercial", "total")
    ] == [3, 1, 4]
