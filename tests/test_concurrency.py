"""Analysts keep the warehouse open while the pipeline rebuilds it: tested with real, separate processes.

DuckDB locks a database file for a process holding a read-write connection, and a read-only open fails while
another process writes it. The build therefore writes a new file beside the published one and renames it over
(``pipelines/warehouse.py``). These tests check what that promises, with an "analyst" in its own process:

(a) an analyst holding a read-only session does not block a real build into the same output folder; the
    session keeps answering, with the data it had (even queries it had not run before), and a new connection
    after the build sees the new data;
(b) an analyst holding a read-write session (a tool that opens the file without ``read_only``) does not block
    a build either, and new connections see the new file;
(c) ``xxgk sql`` works while a build is in progress: the build's processes are paused (SIGSTOP) while it is
    writing its new database file (holding a read-write connection on it), and ``xxgk sql`` runs then.

A known hazard is pinned as an expected failure: an analyst who *writes* into the published file leaves a
``xxgk.duckdb.wal`` beside it, and after the next build new connections fail on that stale WAL.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import duckdb
import pytest

from pipelines.warehouse import build_warehouse
from tests.conftest import SEED

XXGK = str(Path(sys.executable).parent / "xxgk")
SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
TIMEOUT = 120.0

# The analyst: connects, prints "ready", then answers one SQL statement per stdin line with one JSON line
# ({"rows": …} or {"error": …}); EOF closes the connection and ends the process.
ANALYST = r"""
import json, sys
import duckdb
path, mode = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=(mode == "ro"))
print("ready", flush=True)
for line in sys.stdin:
    try:
        rows = con.execute(line).fetchall()
        print(json.dumps({"rows": [list(map(str, row)) for row in rows]}), flush=True)
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
con.close()
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}


class Analyst:
    """A separate process holding one connection to the warehouse file, answering queries on request."""

    def __init__(self, database: Path, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ANALYST, str(database), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(target=self._pump, args=(stdout,), daemon=True).start()
        assert self._next() == "ready", self.process.stderr.read() if self.process.stderr else ""

    def _pump(self, stdout: IO[str]) -> None:
        for line in stdout:
            self.lines.put(line)

    def _next(self) -> str:
        try:
            return self.lines.get(timeout=TIMEOUT).strip()
        except queue.Empty:
            raise AssertionError("the analyst process did not answer in time") from None

    def ask(self, sql: str) -> list[list[str]]:
        """The rows of ``sql`` run on the analyst's open connection; fails the test if it raised."""
        assert self.process.stdin is not None
        self.process.stdin.write(sql + "\n")
        self.process.stdin.flush()
        answer = json.loads(self._next())
        assert "error" not in answer, f"the analyst's session failed: {answer['error']}"
        rows: list[list[str]] = answer["rows"]
        return rows

    def close(self) -> None:
        """Close the session (EOF) and end the process; kill it if it does not end."""
        try:
            if self.process.stdin is not None and self.process.poll() is None:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (subprocess.TimeoutExpired, BrokenPipeError):
            self.process.kill()
            self.process.wait()


def _count(database: Path, table: str) -> int:
    """Rows of ``table`` seen by a new read-only connection in this process."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else -1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Output folder of a real ``xxgk build`` of the seed report alone, and a second inbox with two reports."""
    root = tmp_path_factory.mktemp("concurrency")
    raw_a, raw_b = root / "raw_a", root / "raw_b"
    raw_a.mkdir()
    raw_b.mkdir()
    shutil.copy(SEED, raw_a / SEED.name)
    shutil.copy(SEED, raw_b / SEED.name)
    other = SEED.read_text(encoding="utf-8").replace("德归镇", "德胜镇")
    (raw_b / "德胜镇人民政府_2023.txt").write_text(other, encoding="utf-8")
    out = root / "out"
    completed = subprocess.run(
        [XXGK, "build", "--raw", str(raw_a), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    yield {"root": root, "raw_b": raw_b, "out": out, "database": out / "warehouse" / "xxgk.duckdb"}


def test_read_only_analyst_and_xxgk_sql_during_a_real_build(built: dict[str, Path]) -> None:
    database, out = built["database"], built["out"]
    assert _count(database, "documents") == 1
    analyst = Analyst(database, "ro")
    build: subprocess.Popen[str] | None = None
    try:
        assert analyst.ask("select count(*) from documents") == [["1"]]
        cells_before = analyst.ask("select count(*) from cells")

        build = subprocess.Popen(
            [XXGK, "build", "--raw", str(built["raw_b"]), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_env(),
            start_new_session=True,  # its own process group: pausing it pauses any worker processes too
        )
        # Wait for the build to start writing its new warehouse file, then pause it there: it now holds a
        # read-write connection on that file, and the published file is the old one.
        deadline = time.monotonic() + TIMEOUT
        building: list[Path] = []
        while not building and build.poll() is None and time.monotonic() < deadline:
            building = list(database.parent.glob(f"{database.name}.building-*"))
            if not building:
                time.sleep(0.002)
        assert building, "the build ended before its new warehouse file could be seen"
        os.killpg(build.pid, signal.SIGSTOP)
        try:
            # (c) xxgk sql while the build is in progress
            queried = subprocess.run(
                [XXGK, "sql", "--out", str(out), "select count(*) as n from documents"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env=_env(),
            )
            assert queried.returncode == 0, queried.stderr
            assert " 1 " in queried.stdout  # the published (old) warehouse
            assert analyst.ask("select count(*) from documents") == [["1"]]
        finally:
            os.killpg(build.pid, signal.SIGCONT)
        output, _ = build.communicate(timeout=300)
        assert build.returncode == 0, output[-3000:]
        assert "2 inbox files → parsed 2" in output

        # (a) the open session still answers, with the view it had, even for queries it had not run
        assert analyst.ask("select count(*) from documents") == [["1"]]
        assert analyst.ask("select count(*) from cells") == cells_before
        assert analyst.ask("select count(distinct issuer_key) from reports") == [["1"]]
        # … and a new connection sees the new build
        assert _count(database, "documents") == 2
        assert _count(database, "reports") == 2
        assert not list(database.parent.glob("*.building-*"))
    finally:
        analyst.close()
        if build is not None and build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert analyst.process.returncode == 0


def _published_copy(built: dict[str, Path], name: str) -> tuple[Path, Path]:
    """A warehouse built from the fixture's lake and published at its own path; and a ``sql/`` copy with one
    more mart, as when a new model is added: building with it changes what the warehouse holds."""
    database = built["root"] / name / "warehouse" / "xxgk.duckdb"
    build_warehouse(built["out"] / "lake", SQL_DIR, database)
    sql_dir = built["root"] / name / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    (sql_dir / "analyst_check.sql").write_text(
        "-- analyst_check: one row per issuer, added to the models after the first build.\n"
        "select issuer_key, count(*) as reports from reports group by issuer_key\n",
        encoding="utf-8",
    )
    return database, sql_dir


def test_read_write_analyst_does_not_block_the_build(built: dict[str, Path]) -> None:
    database, sql_dir = _published_copy(built, "read_write")
    analyst = Analyst(database, "rw")
    try:
        tables_before = analyst.ask("select count(*) from information_schema.tables")
        documents_before = analyst.ask("select count(*) from documents")
        # (b) the file is locked by the analyst's read-write connection: a second open fails …
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(database), read_only=True)
        # … but the build writes a new file and renames it over the published one
        counts = build_warehouse(built["out"] / "lake", sql_dir, database)
        assert counts["analyst_check"] >= 1
        assert _count(database, "analyst_check") == counts["analyst_check"]
        assert analyst.ask("select count(*) from information_schema.tables") == tables_before
        assert analyst.ask("select count(*) from documents") == documents_before
    finally:
        analyst.close()
    assert analyst.process.returncode == 0
    assert _count(database, "analyst_check") == counts["analyst_check"]


def test_writing_analyst_does_not_break_new_connections_after_a_build(built: dict[str, Path]) -> None:
    database, sql_dir = _published_copy(built, "writing")
    analyst = Analyst(database, "rw")
    try:
        analyst.ask("create table my_notes as select 1 as note")
        assert database.with_name(database.name + ".wal").exists()
        build_warehouse(built["out"] / "lake", sql_dir, database)
        # The analyst's WAL belongs to the old file: the build moves it aside, so new connections open.
        assert _count(database, "analyst_check") >= 1
        assert database.with_name(database.name + ".wal.stale").exists()
    finally:
        analyst.close()
