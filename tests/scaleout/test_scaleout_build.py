"""A 500-report build on the scale-out profile equals the single-machine build, table for table.

One synthetic corpus (``xxgk synth``, 500 reports over 2019–2025, five layouts, planted defects) is built
twice from the same inbox path: by ``xxgk build`` (one machine: in-process runs, local lake, ephemeral
instance) and by the scale-out driver (``python -m pipelines.defs.distributed``: every step a Celery task
on two workers, runs and events in PostgreSQL, the lake on moto's S3). Every mart is hashed row by row in
sorted order (``mart_hashes``, as the determinism tests do): the hashes must be equal. The event log in
PostgreSQL must show every step executed in a Celery worker, and both workers executing steps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest

from pipelines.paths import warehouse_file
from tests.scaleout.servers import MEASURED, WORKERS, Stack
from tests.test_reliability_crash import mart_hashes

pytestmark = pytest.mark.scaleout

BIN = Path(sys.executable).parent
REPORTS = 500
BUILD_TIMEOUT = 1500


def run_timed(command: list[str], env: dict[str, str], log: Path) -> float:
    """Run ``command`` in its own process group (killed whole on timeout); its wall time in seconds."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait(BUILD_TIMEOUT)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = time.perf_counter() - started
    assert code == 0, f"{' '.join(command[:3])} failed ({code}):\n{log.read_text(errors='replace')[-6000:]}"
    return seconds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inbox of exactly 500 synthetic reports (75 issuers × 2019–2025 gives a few more; the last are left out)."""
    folder = tmp_path_factory.mktemp("corpus") / "synth"
    subprocess.run(
        [str(BIN / "xxgk"), "synth", "--issuers", "75", "--years", "2019-2025", "--seed", "8", "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    inbox = folder / "inbox"
    files = sorted(path for path in inbox.rglob("*") if path.is_file())
    assert len(files) >= REPORTS
    for extra in files[REPORTS:]:
        extra.unlink()
    return inbox


def test_scaleout_build_equals_the_single_machine_build(
    stack: Stack, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single_out, scaled_out = tmp_path / "single", tmp_path / "scaleout"
    plain = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "DAGSTER_", "AWS_"))}
    single = run_timed(
        [str(BIN / "xxgk"), "build", "--raw", str(corpus), "--out", str(single_out)], plain, tmp_path / "single.log"
    )
    driver = [sys.executable, "-m", "pipelines.defs.distributed", "--raw", str(corpus), "--out", str(scaled_out)]
    scaled = run_timed([*driver, "--lake", stack.lake_url, "--parallel", "2"], stack.env, tmp_path / "scaleout.log")
    MEASURED["reports"] = f"{REPORTS} synthetic reports, {sum(1 for _ in corpus.rglob('*.*'))} inbox files"
    MEASURED["single-machine build (xxgk build)"] = single
    MEASURED["scale-out build (2 Celery workers, PostgreSQL, S3 lake)"] = scaled
    runs_log = [line for line in (tmp_path / "scaleout.log").read_text(errors="replace").splitlines() if " in " in line]
    MEASURED["scale-out runs"] = "; ".join(line.split(" (")[0] for line in runs_log if line.endswith(")"))

    # The marts are equal, table for table, row for row.
    expected = mart_hashes(warehouse_file(single_out))
    assert len(expected) == 11
    assert mart_hashes(warehouse_file(scaled_out)) == expected
    # The scale-out lake is on object storage only: nothing was written to a local lake folder.
    assert not (scaled_out / "lake").exists()

    # Every step ran in a Celery worker, and both workers ran steps (from the instance's event log in PostgreSQL).
    monkeypatch.setenv("XXGK_PG_URL", stack.env["XXGK_PG_URL"])
    with dg.DagsterInstance.from_config(str(stack.dagster_home)) as instance:
        runs = instance.get_runs()
        assert {run.job_name for run in runs} == {"catalog_inbox", "parse_year", "build_marts"}
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        worker_of: dict[tuple[str, str], str] = {}
        succeeded: set[tuple[str, str]] = set()
        started: dict[tuple[str, str], float] = {}
        step_seconds: Counter[str] = Counter()
        for run in runs:
            for record in instance.all_logs(run.run_id):
                event = record.dagster_event
                if event is None or event.step_key is None:
                    continue
                key = (run.run_id, event.step_key)
                if event.event_type == dg.DagsterEventType.STEP_START:
                    started[key] = record.timestamp
                elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                    succeeded.add(key)
                    checks = ("lake__cells_", "lake__reports_", "lake__findings_")
                    kind = "lake checks" if event.step_key.startswith(checks) else event.step_key
                    step_seconds[kind] += record.timestamp - started.get(key, record.timestamp)
                elif event.event_type == dg.DagsterEventType.ENGINE_EVENT:
                    metadata = event.engine_event_data.metadata if event.engine_event_data else {}
                    worker = metadata.get("Celery worker")
                    if worker is not None:
                        worker_of[(run.run_id, event.step_key)] = str(getattr(worker, "value", worker))
    assert succeeded and succeeded <= set(worker_of)
    inside = ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(step_seconds.items()))
    MEASURED["time inside steps, summed over runs"] = inside
    by_worker = Counter(worker.split("@")[0] for worker in worker_of.values())
    parse_steps = Counter(worker.split("@")[0] for (_, step), worker in worker_of.items() if step == "parsed_lake")
    MEASURED["steps per worker"] = ", ".join(f"{name}: {by_worker[name]}" for name in WORKERS)
    MEASURED["parse steps per worker"] = ", ".join(f"{name}: {parse_steps[name]}" for name in WORKERS)
    assert set(by_worker) == set(WORKERS), by_worker
    logs = stack.worker_logs()
    assert all("Task execute_plan" in logs[name] and "succeeded" in logs[name] for name in WORKERS)
