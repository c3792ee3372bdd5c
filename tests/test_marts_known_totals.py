"""Every mart on a small synthetic corpus with known totals, and the exports as other tools open them.

The corpus is the seed report re-labelled (synthetic): four townships of 文安县 over two years, each with
figures chosen here, so every mart's numbers are known in advance.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.defs.build import build_all
from pipelines.paths import warehouse_file
from tests.conftest import SEED

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
TOWNSHIPS = ("德归镇", "文安镇", "新镇镇", "苏桥镇")
ZEROS = "\t".join(["0"] * 7)


def _row(values: tuple[int, ...]) -> str:
    return "\t".join(str(v) for v in values)


def synthetic_report(township: str, year: int, licensing: int, penalty: int, received: int, reviews: int) -> str:
    """The seed with another issuer, year and figures; 表三: ``received`` requests from 自然人, all granted."""
    lines = []
    person = (received, 0, 0, 0, 0, 0, received)
    for line in SEED_LINES:
        if line.startswith("# "):
            line = f"# （合成样本 synthetic sample）文安县{township}人民政府 {year} 年信息公开工作年度报告"
        elif line.startswith("行政许可\t"):
            line = f"行政许可\t{licensing}\t\t"
        elif line.startswith("行政处罚\t"):
            line = f"行政处罚\t{penalty}\t\t"
        elif line.startswith("一、本年新收") or line.endswith("(一) 予以公开\t" + ZEROS + "\t"):
            label = line.split("\t0")[0]
            line = f"{label}\t{_row(person)}\t"
        elif line.startswith("\t(七) 总计\t"):
            line = f"\t(七) 总计\t{_row(person)}"
        elif line.startswith("本年度我镇未收到依申请公开") and received:
            line = f"本年度我镇收到政府信息公开申请{received}件，予以公开{received}件。"
        elif line == "\t".join(["0"] * 15):
            line = "\t".join(str(v) for v in (reviews, 0, 0, 0, reviews, *([0] * 10)))
        lines.append(line)
    return "\n".join(lines)


FIGURES = {  # (township, year) → licensing, penalty, received, reviews
    (township, year): (100 * n + year - 2020, 10 * n + 1, n + (year - 2022), n % 2)
    for n, township in enumerate(TOWNSHIPS, start=1)
    for year in (2022, 2023)
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for (township, year), figures in FIGURES.items():
        (raw / f"synthetic-{township}-{year}.txt").write_text(synthetic_report(township, year, *figures), "utf-8")
    out = tmp_path_factory.mktemp("out")
    assert all(run.success for run in build_all(raw, out, dg.DagsterInstance.ephemeral()))
    return out


@pytest.fixture
def con(built: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse_file(built)), read_only=True)


def test_reports_parse_and_their_arithmetic_holds(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select status, count(*) from documents group by status").fetchall() == [("parsed", 8)]
    assert con.execute("select count(*) from findings where outcome = 'FAIL' and kind = 'report'").fetchone() == (0,)
    assert con.execute("select min(score), count(*) from quality").fetchone() == (100.0, 8)
    placed = con.execute("select distinct region_county, region_township from reports order by 2").fetchall()
    assert placed == [("文安县", t) for t in sorted(TOWNSHIPS)]


def test_active_disclosure_and_year_on_year_change(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select reports.region_township, active_disclosure.year, licensing_decisions, penalty_decisions,"
        " licensing_change, comparability from active_disclosure join reports using (report_id)"
    ).fetchall()
    assert len(rows) == 8
    for township, year, licensing, penalty, change, comparability in rows:
        assert (licensing, penalty) == FIGURES[(township, year)][:2]
        if year == 2023:
            assert change == licensing - FIGURES[(township, 2022)][0] and comparability == "same_template"
        else:
            assert change is None and comparability == "no_previous_year"


def test_requests_and_reviews(con: duckdb.DuckDBPyConnection) -> None:
    for township, year, received, granted, processed, rate, reviews in con.execute(
        "select reports.region_township, requests.year, received, granted, processed, granted_rate, review_total"
        " from requests join reports using (report_id) join reviews_lawsuits using (report_id)"
    ).fetchall():
        expected = FIGURES[(township, year)]
        assert (received, granted, processed) == (expected[2],) * 3
        assert rate == (1.0 if expected[2] else None)
        assert reviews == expected[3]


def test_region_rollup_adds_up_the_bodies(con: duckdb.DuckDBPyConnection) -> None:
    for year in (2022, 2023):
        row = con.execute(
            "select bodies_reporting, licensing_decisions, penalty_decisions, requests_received, reviews"
            " from region_rollup where rollup_level = 'county' and region_code = '131026' and year = ?",
            [year],
        ).fetchone()
        figures = [FIGURES[(t, year)] for t in TOWNSHIPS]
        assert row == (4, *(sum(f[i] for f in figures) for i in range(4)))
    townships = con.execute("select count(*) from region_rollup where rollup_level = 'township'").fetchone()
    assert townships == (8,)


def test_coverage_findings_and_versions(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select count(*), bool_and(has_report) from coverage").fetchone() == (8, True)
    assert con.execute("select count(*) from report_version_differences").fetchone() == (0,)
    # Four townships print the same prose: copies between peers of the same year are reported.
    copies = con.execute(
        "select count(distinct issuer_key) from findings where rule = 'COPY_PEER' and outcome = 'FAIL'"
    )
    assert copies.fetchone() == (4,)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_exports_open_in_polars_and_openpyxl(built: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"requests.{fmt}"
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "xxgk"),
            "export",
            "requests",
            "--format",
            fmt,
            "--where",
            "year=2023",
            "--out",
            str(built),
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(target, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("issuer_key", "issuer", "year") and len(rows) == 1 + 4
        assert {row[2] for row in rows[1:]} == {2023}
    else:
        frame = pl.read_csv(target) if fmt == "csv" else pl.read_parquet(target)
        assert frame.height == 4 and frame["year"].unique().to_list() == [2023]
        assert sorted(frame["received"].to_list()) == sorted(FIGURES[(t, 2023)][2] for t in TOWNSHIPS)
