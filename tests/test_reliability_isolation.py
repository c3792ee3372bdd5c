"""Per-document isolation: a document over its time or memory budget, or whose worker dies, is lost alone.

The pool (``pipelines.isolation``) is exercised with small functions defined here (workers import them by
name), then ``parse_many`` with real documents: the known slow input (run-together 表三 digits) under a
short time budget, next to a good report that must still parse.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines import isolation
from pipelines.inbox import scan_inbox
from pipelines.isolation import Budget, IsolatedPool, run_isolated
from pipelines.parse import parse_many
from tests.conftest import SEED


def square(value: int) -> int:
    return value * value


def sleep_then(value: float) -> float:
    time.sleep(value)
    return value


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def die(how: str) -> int:
    if how == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif how == "exit":
        os._exit(3)
    elif how == "raise":
        raise ValueError("bad input")
    return 0


@pytest.fixture
def pool() -> Iterator[IsolatedPool]:
    made = IsolatedPool(2, Budget(seconds=3, memory_mb=512))
    yield made
    made.close()


def test_results_come_back_in_order_and_workers_are_kept(pool: IsolatedPool) -> None:
    outcomes = pool.map(square, list(range(40)))
    assert [o.value for o in outcomes] == [n * n for n in range(40)]
    assert all(o.ok for o in outcomes)
    started = pool.started
    pool.map(square, [1, 2, 3])
    assert pool.started == started == 2


def test_a_task_over_time_is_stopped_and_the_others_finish(pool: IsolatedPool) -> None:
    began = time.monotonic()
    outcomes = pool.map(sleep_then, [0.1, 60.0, 0.1, 0.2, 0.1])
    assert time.monotonic() - began < 10
    assert [o.kind for o in outcomes] == ["ok", "timeout", "ok", "ok", "ok"]
    assert outcomes[1].reason is not None and "took longer than 3 s" in outcomes[1].reason
    assert pool.map(square, [7])[0].value == 49  # the killed worker was replaced


def test_a_task_over_memory_fails_with_the_budget_named(pool: IsolatedPool) -> None:
    outcomes = pool.map(allocate, [10, 4096, 10])
    assert [o.kind for o in outcomes] == ["ok", "memory", "ok"]
    assert outcomes[1].reason is not None and "needed more than 512 MB" in outcomes[1].reason


@pytest.mark.parametrize(("how", "said"), [("segv", "SIGSEGV"), ("kill", "SIGKILL"), ("exit", "code 3")])
def test_a_worker_that_dies_loses_only_its_task(pool: IsolatedPool, how: str, said: str) -> None:
    outcomes = pool.map(die, ["none", how, "none", "none"])
    assert [o.kind for o in outcomes] == ["ok", "crashed", "ok", "ok"]
    assert outcomes[1].reason is not None and said in outcomes[1].reason


def test_an_exception_is_an_outcome(pool: IsolatedPool) -> None:
    (outcome,) = pool.map(die, ["raise"])
    assert outcome.kind == "error" and outcome.reason == "ValueError: bad input"


def test_budget_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_PARSE_TIMEOUT", "7.5")
    monkeypatch.setenv("XXGK_PARSE_MEMORY_MB", "300")
    assert Budget.from_env() == Budget(7.5, 300)
    monkeypatch.setenv("XXGK_PARSE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="XXGK_PARSE_TIMEOUT"):
        Budget.from_env()


def test_isolation_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_PARSE_ISOLATION", "off")
    outcomes = run_isolated(die, ["none", "raise"])
    assert [o.kind for o in outcomes] == ["ok", "error"]


def slow_report() -> bytes:
    """A crawled report whose 表三 figures are 10-digit counts run together: tens of seconds of splitting
    (75 s of CPU on a loaded 2-core machine), far past the test's budget."""
    from tests.test_reliability_splitting import run_together_report

    return run_together_report([3201203198, 1033512212, 1792934345, 3191178478, 7836430532, 4082559665])


def test_parse_many_stops_a_slow_document_and_parses_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_slow_2023.txt").write_bytes(slow_report())
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    # 15 s: the seed (a few hundredths of a second alone) must finish even on a machine starved by other work
    monkeypatch.setenv("XXGK_PARSE_TIMEOUT", "15")
    files = scan_inbox(raw)
    slow, seed = parse_many(files)
    assert slow.status == "failed"  # stopped at its budget: the reason says so (no wall-clock bound on a busy CI)
    assert slow.errors == ["a_slow_2023.txt: took longer than 15 s (XXGK_PARSE_TIMEOUT); stopped"]
    assert slow.sha256 == files[0].sha256
    assert seed.status == "parsed", seed.errors


def test_shared_pools_are_closed_at_exit() -> None:
    run_isolated(square, [1, 2])
    assert isolation._POOLS
    isolation.close_pools()
    assert not isolation._POOLS


# --------------------------------------------------------------------- a killed build's runs and pool slots

HOLDER = r"""
import sys, time
import dagster as dg

@dg.asset(pool="duckdb_writer")
def writer() -> None:
    print("holding", flush=True)
    time.sleep(float(sys.argv[1]))

dg.materialize([writer], instance=dg.DagsterInstance.get())
print("done", flush=True)
"""


def test_a_killed_builds_pool_slot_is_released_for_the_next(tmp_path: Path) -> None:
    """A run killed inside a ``duckdb_writer`` step keeps the pool's only slot; the next run would wait forever."""
    import shutil
    import subprocess
    import sys

    import dagster as dg

    from pipelines.isolation import release_abandoned_runs
    from tests.conftest import REPO

    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}

    def holder(seconds: float) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(seconds)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
        )

    first = holder(600)
    assert first.stdout is not None and first.stdout.readline().strip() == "holding"
    first.kill()
    first.wait(30)

    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(tmp_path)
    cwd = Path.cwd()
    os.chdir(tmp_path)  # dagster.yaml's storage paths are relative
    try:
        instance = dg.DagsterInstance.get()
        info = instance.event_log_storage.get_concurrency_info("duckdb_writer")
        assert len(info.claimed_slots) == 1  # held by a process that no longer exists

        second = holder(0)  # would wait for the slot forever
        time.sleep(3)
        assert second.poll() is None
        released = release_abandoned_runs(instance)
        assert len(released) == 1
        run = instance.get_run_by_id(released[0])
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
        out, _ = second.communicate(timeout=60)
        assert out.split() == ["holding", "done"]
        assert release_abandoned_runs(instance) == []  # nothing else, and a live run is never touched
    finally:
        os.chdir(cwd)
        if previous is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous
