"""The Dagster asset graph, run in process on real files: inbox → Parquet lake → DuckDB warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.definitions import defs
from pipelines.defs.build import build_all
from pipelines.defs.resources import REPO_ROOT, warehouse_file


def _materialize(raw: Path, out: Path) -> list[dg.ExecuteInProcessResult]:
    runs = build_all(raw, out, dg.DagsterInstance.ephemeral())
    assert all(run.success for run in runs)
    return runs


def test_build_from_inbox_with_a_bad_file(inbox: Path, tmp_path: Path) -> None:
    (inbox / "broken.pdf").write_bytes(b"<html>404 Not Found</html>")
    out = tmp_path / "out"
    runs = _materialize(inbox, out)
    assert all(check.passed for run in runs for check in run.get_asset_check_evaluations())
    # One run per report year (the seed's 2023, and "unknown" for the page without a title), each parsing its file.
    assert [run.dagster_run.tags.get("dagster/partition") for run in runs] == [None, "2023", "unknown", None, None]
    for run in runs[1:3]:
        documents = next(
            m for m in run.get_asset_materialization_events() if m.asset_key == dg.AssetKey(["lake", "documents"])
        )
        assert documents.materialization.metadata["documents_parsed"].value == 1

    lake = out / "lake"
    assert sorted(p.name for p in (lake / "cells").iterdir()) == ["year=2023", "year=__HIVE_DEFAULT_PARTITION__"]
    cells = pl.read_parquet(lake / "cells" / "year=2023")
    assert cells.height == 200

    with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
        documents = con.execute("select path, status, reason from documents order by path").fetchall()
        assert [(p, s) for p, s, _ in documents] == [("broken.pdf", "failed"), ("德归镇人民政府_2023.txt", "parsed")]
        assert "broken.pdf" in documents[0][2] and "its bytes are HTML" in documents[0][2]
        row = con.execute(
            "select licensing_decisions, penalty_decisions, coercion_decisions, admin_fees_wan_yuan"
            " from active_disclosure where issuer = '德归镇人民政府' and year = 2023"
        ).fetchone()
        assert row == (215, 22, 0, 0.0)
        provenance = con.execute("select raw_text, locator from cells where key = 't2.penalty.decisions'").fetchone()
        assert provenance == ("22", "line 41")


def test_rebuild_is_idempotent(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    queries = [
        "select * from documents",
        "select * from cells order by report_id, key",
        "select * from active_disclosure",
    ]
    snapshots = []
    for _ in range(2):
        _materialize(inbox, out)
        with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
            snapshots.append([con.execute(q).fetchall() for q in queries])
    assert snapshots[0] == snapshots[1]
    assert not list((out / "lake").glob(".*")), "no staging folders left behind"


def test_empty_inbox_builds_an_empty_warehouse(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    out = tmp_path / "out"
    _materialize(raw, out)
    with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
        assert con.execute("select count(*) from active_disclosure").fetchone() == (0,)


def test_definitions_load_and_validate() -> None:
    assert {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()} >= {
        "lake/inbox",
        "lake/documents",
        "lake/reports",
        "lake/cells",
        "warehouse/active_disclosure",
    }
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dg"), "check", "defs"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All definitions loaded successfully" in completed.stdout + completed.stderr
