"""Orchestration: the inbox sensor, incremental parsing by report year, and the Dagster UI as `make ui` starts it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.assets import REPORT_YEAR
from pipelines.defs.automation import inbox_sensor
from pipelines.defs.build import build_all
from pipelines.defs.resources import REPO_ROOT, XxgkStorage, warehouse_file
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"


def _report(issuer: str, year: int, licensing: int) -> str:
    text = SEED_TEXT.replace(TITLE, f"# {issuer} {year} 年信息公开工作年度报告")
    return text.replace("行政许可\t215", f"行政许可\t{licensing}")


def _tick(raw: Path, instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"storage": XxgkStorage(raw_dir=str(raw), out_dir=str(raw.parent))}
    )
    return inbox_sensor(context)


def test_sensor_requests_runs_for_new_changed_and_removed_files_only(inbox: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    first = _tick(inbox, instance, None)
    assert isinstance(first, dg.SensorResult)
    assert [r.partition_key for r in first.run_requests or []] == ["2023"]
    assert [list(r.partition_keys) for r in first.dynamic_partitions_requests or []] == [["2023"]]

    unchanged = _tick(inbox, instance, first.cursor)
    assert isinstance(unchanged, dg.SkipReason)

    instance.add_dynamic_partitions(REPORT_YEAR, ["2023"])
    (inbox / "earlier.txt").write_text(_report("德归镇人民政府", 2022, 180), encoding="utf-8")
    added = _tick(inbox, instance, first.cursor)
    assert isinstance(added, dg.SensorResult)
    assert [r.partition_key for r in added.run_requests or []] == ["2022"]
    assert [list(r.partition_keys) for r in added.dynamic_partitions_requests or []] == [["2022"]]

    (inbox / "earlier.txt").unlink()
    removed = _tick(inbox, instance, added.cursor)
    assert isinstance(removed, dg.SensorResult)
    assert [r.partition_key for r in removed.run_requests or []] == ["2022"]
    assert json.loads(removed.cursor or "{}").keys() == {SEED.name}


@pytest.mark.slow
def test_adding_one_report_to_a_thousand_parses_one_document(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for number in range(1000):
        year = 2021 + number % 5
        (raw / f"body-{number:04d}-{year}.txt").write_text(_report(f"第{number}号镇人民政府", year, number), "utf-8")
    instance = dg.DagsterInstance.ephemeral()
    assert all(run.success for run in build_all(raw, out, instance))

    (raw / "newcomer.txt").write_text(_report("新来镇人民政府", 2024, 4242), encoding="utf-8")
    runs = build_all(raw, out, instance)
    assert all(run.success for run in runs)
    parsed = {}
    for run in runs:
        for event in run.get_asset_materialization_events():
            if event.asset_key == dg.AssetKey(["lake", "documents"]):
                metadata = event.materialization.metadata
                parsed[run.dagster_run.tags["dagster/partition"]] = metadata["documents_parsed"].value
    assert parsed == {"2024": 1}  # the other years' files are unchanged: their partitions are not run
    with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
        assert con.execute("select count(*) from active_disclosure").fetchone() == (1001,)
        assert con.execute(
            "select licensing_decisions from active_disclosure where issuer = '新来镇人民政府' and year = 2024"
        ).fetchone() == (4242,)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_ui_from_make_ui_lists_the_assets(inbox: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "XXGK_RAW_DIR": str(inbox), "XXGK_OUT_DIR": str(tmp_path / "out"), "PORT": str(port)}
    ui = subprocess.Popen(
        ["make", "--no-print-directory", "ui"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
        deadline = time.monotonic() + 180
        nodes = None
        while time.monotonic() < deadline and nodes is None:
            assert ui.poll() is None, "make ui exited early"
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql", data=query, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    nodes = json.load(response)["data"]["assetNodes"]
            except (OSError, KeyError, json.JSONDecodeError):
                time.sleep(1)
        assert nodes is not None, "the UI did not answer within 180 s"
        keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
        assert {"lake/inbox", "lake/documents", "lake/cells", "warehouse/active_disclosure"} <= keys
    finally:
        os.killpg(ui.pid, signal.SIGTERM)
        try:
            ui.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()
