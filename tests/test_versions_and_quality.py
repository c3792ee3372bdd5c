"""Versions, identity and checks across reports, through the real asset graph on files made from the seed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.build import build_all
from pipelines.defs.resources import warehouse_file
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"


def _build(raw: Path, out: Path) -> duckdb.DuckDBPyConnection:
    runs = build_all(raw, out, dg.DagsterInstance.ephemeral())
    assert all(run.success for run in runs)
    return duckdb.connect(str(warehouse_file(out)), read_only=True)


def test_republished_report_gives_two_versions_and_one_choice(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "first.txt").write_text(SEED_TEXT, encoding="utf-8")
    corrected = SEED_TEXT.replace("行政许可\t215", "行政许可\t251")
    corrected = corrected.replace(TITLE, f"{TITLE}\n\n发布时间: 2024-03-20")
    (raw / "corrected.txt").write_text(corrected, encoding="utf-8")

    with _build(raw, tmp_path / "out") as con:
        versions = con.execute("select path, is_chosen, versions from reports order by path").fetchall()
        assert versions == [("corrected.txt", True, 2), ("first.txt", False, 2)]
        assert con.execute("select licensing_decisions from active_disclosure").fetchall() == [(251,)]
        differences = con.execute(
            "select key, chosen_value, other_value, other_path from report_version_differences"
        ).fetchall()
        assert differences == [("t2.licensing.decisions", 251.0, 215.0, "first.txt")]


def test_same_issuer_spelled_two_ways_is_one_series_checked_across_years(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2023.txt").write_text(SEED_TEXT, encoding="utf-8")
    earlier = SEED_TEXT.replace(TITLE, "# 文安县德归镇政府 2022 年政府信息公开工作年度报告")
    # 2022 carried 3 requests forward; the 2023 report says it carried over none (R5 fails).
    carried = "四、结转下年度继续办理\t\t"
    earlier = earlier.replace(carried + "0\t0\t0\t0\t0\t0\t0", carried + "3\t0\t0\t0\t0\t0\t3")
    (raw / "2022.txt").write_text(earlier, encoding="utf-8")

    with _build(raw, tmp_path / "out") as con:
        issuers = con.execute("select distinct issuer_key, region_code from reports").fetchall()
        assert issuers == [(issuers[0][0], "131026111")]
        assert con.execute("select year, has_report from coverage order by year").fetchall() == [
            (2022, True),
            (2023, True),
        ]
        r5 = con.execute(
            "select year, scope, outcome, expected, actual from findings"
            " where rule = 'R5' and outcome = 'FAIL' order by scope"
        ).fetchall()
        assert [(year, scope) for year, scope, *_ in r5] == [
            (2023, "years:2022-2023 column:natural_person"),
            (2023, "years:2022-2023 column:total"),
        ]
        # The 2023 text is the 2022 text word for word: 内容雷同 with the previous year is flagged too.
        copied = con.execute(
            "select scope from findings where rule = 'COPY_PREV_YEAR' and outcome = 'FAIL' order by scope"
        ).fetchall()
        assert copied == [("years:2022-2023 section:sec_overview",), ("years:2022-2023 section:sec_problems",)]
        assert con.execute("select cross_year_fails from quality where year = 2023").fetchone() == (4,)
