"""The cross-report checks recompute only what changed: an issuer's cross-year findings when its chosen
reports changed, a year's peer-copy findings when any chosen report of that year changed; the rest is kept
from the last build. What a build stores must equal a full recomputation over the lake."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.defs.build import build_all
from pipelines.lake import read_cross_findings, write_cross_findings
from pipelines.validation.corpus import CrossInputs, cross_report_findings, update_cross_findings
from tests.conftest import SEED

TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"
ISSUERS = 4
YEARS = range(2021, 2025)


def write_report(raw: Path, issuer: int, year: int, permits: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert TITLE in text and "行政许可\t215" in text
    report = text.replace(TITLE, f"# 第{issuer}号镇人民政府 {year} 年信息公开工作年度报告").replace(
        "行政许可\t215", f"行政许可\t{permits}"
    )
    (raw / f"body-{issuer}-{year}.txt").write_text(report, encoding="utf-8")


def as_set(rows: pl.DataFrame) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) for row in rows.to_dicts())


def stored(lake: Path) -> pl.DataFrame:
    last = read_cross_findings(lake)
    assert last is not None, "the build stored its inputs beside the findings"
    return last[0]


def cross_run_metadata(runs: list[dg.ExecuteInProcessResult]) -> dict[str, object]:
    for event in (e for run in runs for e in run.get_asset_materialization_events()):
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key == dg.AssetKey(["lake", "cross_findings"]):
            return {k: v.value for k, v in materialization.metadata.items()}
    raise AssertionError("no cross_findings materialisation")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dg.DagsterInstance]:
    tmp = tmp_path_factory.mktemp("cross_incremental")
    raw, out = tmp / "raw", tmp / "out"
    raw.mkdir()
    for issuer in range(ISSUERS):
        for year in YEARS:  # the same prose everywhere: peer copies and copies of last year galore
            write_report(raw, issuer, year, 200 + 10 * issuer + year - 2021)
    instance = dg.DagsterInstance.ephemeral()
    assert all(run.success for run in build_all(raw, out, instance))
    return raw, out, instance


def test_a_first_build_stores_every_finding_and_its_inputs(built: tuple[Path, Path, dg.DagsterInstance]) -> None:
    _, out, _ = built
    lake = out / "lake"
    full = cross_report_findings(lake)
    kinds = set(full["kind"].to_list())
    assert kinds == {"cross_year", "peer"}
    assert as_set(stored(lake)) == as_set(full)


def test_one_changed_report_recomputes_its_issuer_and_year_only(
    built: tuple[Path, Path, dg.DagsterInstance],
) -> None:
    raw, out, instance = built
    lake = out / "lake"
    write_report(raw, 2, 2023, 9999)  # a tenfold jump, then back: JUMP findings for 2023 and 2024
    runs = build_all(raw, out, instance)
    assert all(run.success for run in runs)
    metadata = cross_run_metadata(runs)
    assert (metadata["issuers_recomputed"], metadata["issuers_kept"]) == (1, ISSUERS - 1)
    assert (metadata["years_recomputed"], metadata["years_kept"]) == (1, len(YEARS) - 1)
    rows = stored(lake)
    assert as_set(rows) == as_set(cross_report_findings(lake))
    jumps = rows.filter((pl.col("rule") == "JUMP") & (pl.col("outcome") == "FAIL"))
    assert jumps.height and set(jumps["year"].to_list()) == {2023, 2024}


def test_stale_or_mismatched_inputs_mean_a_full_recomputation(
    built: tuple[Path, Path, dg.DagsterInstance], tmp_path: Path
) -> None:
    _, out, _ = built
    lake = tmp_path / "lake"
    shutil.copytree(out / "lake", lake)
    full = cross_report_findings(lake)
    # findings rewritten without their inputs (as a build killed between the two files would leave them)
    write_cross_findings(lake, full.head(3))
    assert read_cross_findings(lake) is None
    rows, inputs, counts = update_cross_findings(lake)
    assert counts["issuers_kept"] == 0 and counts["years_kept"] == 0
    assert as_set(rows) == as_set(full)
    # wrong kept rows are never trusted when the inputs differ: a made-up previous state recomputes all
    bogus = CrossInputs({key: "x" for key in inputs.issuers}, {year: "x" for year in inputs.years})
    rows, _, counts = update_cross_findings(lake, full.head(1), bogus)
    assert counts["issuers_kept"] == 0 and as_set(rows) == as_set(full)
    # the inputs as stored and read back are the inputs computed
    write_cross_findings(lake, rows, inputs.as_record())
    last = read_cross_findings(lake)
    assert last is not None and CrossInputs.from_record(last[1]) == inputs
