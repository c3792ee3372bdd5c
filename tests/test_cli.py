"""The ``xxgk`` console script as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.canonical.registry import keys_for
from tests.conftest import SEED

XXGK = str(Path(sys.executable).parent / "xxgk")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=300, env=env)


def test_parse_json_contract(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    completed = run("parse", str(SEED), str(empty), "--json")
    assert completed.returncode == 0, completed.stderr
    seed, failed = (json.loads(line) for line in completed.stdout.splitlines())
    for field in ("source", "sha256", "issuer", "year", "template", "status", "errors", "cells", "provenance"):
        assert field in seed
    assert (seed["issuer"], seed["year"], seed["template"], seed["status"]) == (
        "德归镇人民政府",
        2023,
        "v2021",
        "parsed",
    )
    assert list(seed["cells"]) == list(keys_for("v2021"))
    assert seed["cells"]["t2.licensing.decisions"] == 215
    assert seed["provenance"]["t2.licensing.decisions"] == {"status": "number", "raw": "215", "locator": "line 38"}
    assert failed["status"] == "failed" and "empty file" in failed["errors"][0] and failed["cells"] == {}


def test_parse_missing_file_exits_non_zero() -> None:
    completed = run("parse", "no-such-report.txt")
    assert completed.returncode == 2
    assert "no-such-report.txt: no such file" in completed.stderr


def test_build_then_sql(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    built = run("build", "--raw", str(inbox), "--out", str(out), env=env)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "1 inbox files → parsed 1, partly parsed 0, failed 0" in built.stdout
    assert str(out / "warehouse" / "xxgk.duckdb") in built.stdout

    queried = run(
        "sql",
        "--out",
        str(out),
        "select licensing_decisions, penalty_decisions from active_disclosure"
        " where issuer = '德归镇人民政府' and year = 2023",
    )
    assert queried.returncode == 0, queried.stderr
    assert "215" in queried.stdout and "22" in queried.stdout

    bad = run("sql", "--out", str(out), "select * from no_such_table")
    assert bad.returncode == 1 and "no_such_table" in bad.stderr


@pytest.mark.parametrize("args", [("sql", "select 1"), ("build", "--raw")])
def test_usage_errors_are_reported(args: tuple[str, ...], tmp_path: Path) -> None:
    completed = run(*args, "--out", str(tmp_path / "nowhere")) if args[0] == "sql" else run(*args)
    assert completed.returncode == 2
    assert completed.stderr


def test_synth_writes_a_labelled_corpus_with_ground_truth(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    completed = run("synth", "--issuers", "3", "--years", "2022-2023", "--seed", "7", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    reports = sorted((out / "inbox").iterdir())
    truths = sorted((out / "expected").glob("*.expected.json"))
    assert reports and len(truths) == len(reports)
    assert all(path.name.startswith("SYNTH_") for path in reports)
    truth = json.loads(truths[0].read_text(encoding="utf-8"))
    assert truth["template"] in ("v2019", "v2021") and truth["cells"]
    again = run("synth", "--issuers", "3", "--years", "2022-2023", "--seed", "7", "--out", str(out))
    assert again.returncode == 2 and "not empty" in again.stderr
