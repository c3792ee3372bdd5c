"""Crash safety: a real ``xxgk build`` killed at any point leaves the published data as it was, and the next
build finishes without manual clean-up and gives the marts of an uninterrupted build.

An inbox of ~120 reports (the seed report under other issuers' names and years, with other figures) is built
once and published. Then, six times, the inbox changes (figures of two reports in three) and ``xxgk build``
runs in a subprocess that is killed with SIGKILL (its whole process group, the parse workers too, as a power
cut would): after random delays (fractions of the first build's duration: catalogue, parsing, checks), the
moment a partition's new folder is being built in the lake, the moment the new warehouse file appears beside
the published one, and while the site is written (after the warehouse was published). After each kill:

- the published warehouse is the one from before, byte for byte, or, when the kill came after the rename
  that publishes, exactly the content a finished build of the same inbox gives;
- every Parquet file the marts' globs read is whole (readable), and no staging or retired folder is where a
  glob can see it.

Finally the build runs to the end: no leftovers (staging folders, abandoned warehouse files), the stamp
beside the warehouse is current, and every mart equals (content hash) that of an uninterrupted build of the
same inbox into another folder. ``ephemeral``: ``xxgk build`` without ``DAGSTER_HOME``; ``persistent``: a
Dagster instance with the repository's ``dagster.yaml`` (pools included), as ``make run`` uses, where a
killed run must not block the next. ``XXGK_CRASH_REPORTS`` and ``XXGK_CRASH_SEED`` change size and delays.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.paths import SQL_DIR
from pipelines.warehouse import is_up_to_date
from tests.conftest import REPO, SEED

XXGK = str(Path(sys.executable).parent / "xxgk")
REPORTS = int(os.environ.get("XXGK_CRASH_REPORTS", "120"))
TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"
BUILD_TIMEOUT = 600.0


def write_reports(raw: Path, count: int, variant: int = 0) -> None:
    """``count`` reports made from the seed: issuer 第N号镇人民政府, year 2021–2025, figures from N and ``variant``."""
    raw.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    assert TITLE in text and "行政许可\t215" in text and "行政处罚\t22" in text
    for number in range(count):
        year = 2021 + number % 5
        report = (
            text.replace(TITLE, f"# 第{number}号镇人民政府 {year} 年信息公开工作年度报告")
            .replace("行政许可\t215", f"行政许可\t{100 + number + variant * (number % 3)}")
            .replace("行政处罚\t22", f"行政处罚\t{number % 17}")
        )
        (raw / f"第{number:03d}号镇_{year}.txt").write_text(report, encoding="utf-8")


def mart_hashes(database: Path, sort: bool = True) -> dict[str, str]:
    """Table → sha256 of its rows (all columns; sorted, or as stored), read-only: equal hashes, equal content."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = sorted(
            str(row[0])
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        )
        hashes = {}
        for table in tables:
            digest = hashlib.sha256()
            columns = [str(row[0]) for row in con.execute(f'describe "{table}"').fetchall()]
            digest.update(repr(columns).encode())
            for row in con.execute(f'select * from "{table}"' + (" order by all" if sort else "")).fetchall():
                digest.update(repr(row).encode())
            hashes[table] = digest.hexdigest()
        return hashes


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: The folders and files the marts and checks read (``sql/`` and the asset checks): every one must be whole.
def lake_files_read_by_the_marts(lake: Path) -> list[Path]:
    tables = ("cells", "reports", "findings", "sections")
    found = [p for table in tables for p in (lake / table).glob("**/*.parquet")]
    found += list((lake / "documents").glob("*.parquet")) + list((lake / "cross_findings").glob("*.parquet"))
    found += list((lake / "inbox").glob("*.parquet"))
    return found


def assert_lake_whole(lake: Path) -> None:
    """Every Parquet file a reader's glob matches is readable; no staging or retired copy is among them."""
    for path in lake_files_read_by_the_marts(lake):
        relative = path.relative_to(lake).as_posix()
        assert ".building" not in relative and ".retired" not in relative, f"a glob reads {relative}"
        pl.read_parquet(path)  # raises on a half-written file
    with duckdb.connect() as con:  # the marts' own globs, hive partitioning included
        for table in ("cells", "reports", "findings", "sections"):
            con.execute(
                f"select count(*) from read_parquet('{lake}/{table}/**/*.parquet', hive_partitioning = true,"
                " union_by_name = true)"
            ).fetchall()


def build_env(home: Path) -> dict[str, str]:
    """The build's environment: a persistent instance in ``home`` if it has a dagster.yaml, else an ephemeral one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_") and k != "DAGSTER_HOME"}
    if (home / "dagster.yaml").exists():
        env["DAGSTER_HOME"] = str(home)
    return env


def start_build(raw: Path, out: Path, home: Path) -> subprocess.Popen[bytes]:
    """``xxgk build`` in its own process group (killed with its parse workers), its output in a log file."""
    logs = sorted(home.glob("build-*.log"))
    with (home / f"build-{len(logs):02d}.log").open("wb") as log:  # a file: a full pipe would stall the build
        return subprocess.Popen(
            [XXGK, "build", "--raw", str(raw), "--out", str(out)],
            cwd=home,
            env=build_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_build(raw: Path, out: Path, home: Path) -> None:
    process = start_build(raw, out, home)
    process.wait(BUILD_TIMEOUT)
    log = sorted(home.glob("build-*.log"))[-1]
    assert process.returncode == 0, log.read_text(errors="replace")[-3000:]


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = BUILD_TIMEOUT) -> bool:
    """SIGKILL the build's process group once ``ready()``; False if the build ended first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
            return True
        time.sleep(0.005)
    process.wait(BUILD_TIMEOUT)
    return False


def dagster_home(tmp_path: Path, persistent: bool = True) -> Path:
    """The builds' working folder; with the repository's dagster.yaml (pools included) when ``persistent``."""
    home = tmp_path / "dagster_home"
    home.mkdir(parents=True)
    if persistent:
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.mark.slow
@pytest.mark.parametrize("instance", ["ephemeral", "persistent"])
def test_builds_killed_anywhere_lose_nothing_and_the_next_build_recovers(tmp_path: Path, instance: str) -> None:
    """``ephemeral``: ``xxgk build`` without DAGSTER_HOME; ``persistent``: as ``make run``, pools included."""
    raw, out, reference = tmp_path / "raw", tmp_path / "out", tmp_path / "reference"
    home = dagster_home(tmp_path, persistent=instance == "persistent")
    write_reports(raw, REPORTS - 20)
    began = time.monotonic()
    run_build(raw, out, home)
    full = time.monotonic() - began  # a build that parses everything: the kills' delays are fractions of it
    database = out / "warehouse" / "xxgk.duckdb"
    lake = out / "lake"
    rng = random.Random(int(os.environ.get("XXGK_CRASH_SEED", "20261126")))

    Arm = Callable[[int], Callable[[], bool]]  # the build's pid → "kill now?"

    def after(seconds: float) -> Arm:
        def arm(pid: int) -> Callable[[], bool]:
            began = time.monotonic()
            return lambda: time.monotonic() - began >= seconds

        return arm

    def swapping_a_partition(pid: int) -> Callable[[], bool]:
        stale = set(lake.glob(".*.building/year=*"))  # left by an earlier kill: not this build's work
        return lambda: bool(set(lake.glob(".*.building/year=*")) - stale)

    def writing_the_warehouse(pid: int) -> Callable[[], bool]:
        return (database.parent / f"{database.name}.building-{pid}").exists

    def writing_the_site(pid: int) -> Callable[[], bool]:
        return (out / f".site.building-{pid}").exists  # after the warehouse was published

    kill_points: list[tuple[str, Arm]] = [
        (f"after {delay:.1f} s", after(delay))
        for delay in (rng.uniform(0.02, 0.15) * full, rng.uniform(0.15, 0.35) * full, rng.uniform(0.35, 0.6) * full)
    ]
    kill_points.append(("while a lake partition is swapped", swapping_a_partition))
    kill_points.append(("while the warehouse is written", writing_the_warehouse))
    kill_points.append(("while the site is written (warehouse published)", writing_the_site))

    outcomes: list[str] = []
    for round_number, (name, arm) in enumerate(kill_points, start=1):
        # each round the inbox changes (figures of two reports in three), so every build has work to do
        write_reports(raw, REPORTS, variant=round_number)
        published, published_content = file_sha256(database), mart_hashes(database)
        began = time.monotonic()
        process = start_build(raw, out, home)
        killed = kill_when(process, arm(process.pid))
        outcomes.append(f"{name}: {'killed' if killed else 'build ended first'} at {time.monotonic() - began:.1f} s")
        if not killed:
            assert process.returncode == 0
            continue
        assert database.exists()
        assert_lake_whole(lake)
        if file_sha256(database) == published:
            assert mart_hashes(database) == published_content
        else:  # killed after the rename that publishes: the content must be that of a finished build
            killed_content = mart_hashes(database)
            run_build(raw, out, home)
            assert killed_content == mart_hashes(database)
            outcomes[-1] += " (after publishing)"

    run_build(raw, out, home)
    print(f"first build {full:.0f} s;", "; ".join(outcomes))
    assert not list(out.glob(".site.*")), "a killed site build left its folders"
    assert (out / "site" / "index.html").is_file()
    assert not list(database.parent.glob("*.building-*")), "an abandoned warehouse file was left"
    assert not [p for p in lake.glob(".*.building/*")] + [p for p in lake.glob(".*.retired/*")]
    assert not [p for p in lake.glob("*/.*") if p.is_dir()], "old-style staging folders inside a table"
    assert is_up_to_date(raw, SQL_DIR, database)
    assert_lake_whole(lake)

    run_build(raw, reference, dagster_home(tmp_path / "other", persistent=False))
    assert mart_hashes(database) == mart_hashes(reference / "warehouse" / "xxgk.duckdb")
    assert sum("killed" in outcome for outcome in outcomes) >= 4, outcomes
