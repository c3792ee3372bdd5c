"""A whole build on the scale-out profile: the same jobs as ``build_all``, launched on the configured executor.

``build_all`` (``make run``) runs every step in this process. Here every job of the code location
(``pipelines.definitions``: ``catalog_inbox``, then ``parse_year`` once per report-year partition, then
``build_marts``) is launched with ``dagster.execute_job`` as a reconstructable job, so its steps run on the
executor ``XXGK_EXECUTOR`` selects — with ``celery``, as tasks that the Celery workers pick up. Up to
``parallel`` partition runs are in flight at once (each launched from its own child process), so that the
parse steps of different years run on different workers at the same time. The instance must be one the
workers share (PostgreSQL, ``deploy/scaleout/dagster.yaml``); the lake is ``lake_url`` (``s3://…``) or the
output folder's ``lake/``.

Run it as ``python -m pipelines.defs.distributed --raw DIR --out DIR [--lake s3://bucket/prefix]`` with
``DAGSTER_HOME``, ``XXGK_EXECUTOR`` and ``XXGK_CELERY_BROKER`` set (docs/scaleout.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableRepository

from pipelines.defs.assets import REPORT_YEAR
from pipelines.defs.build import RUN_CONFIG
from pipelines.defs.resources import XxgkStorage
from pipelines.warehouse import build_stamp, stamp_file

CODE_LOCATION = "pipelines.definitions"


@dataclass
class DistributedBuild:
    """What a distributed build did: each run (job, partition, run id, success, seconds) and the total time."""

    runs: list[tuple[str, str | None, str, bool, float]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return bool(self.runs) and all(ok for _, _, _, ok, _ in self.runs)

    @property
    def run_ids(self) -> list[str]:
        return [run_id for _, _, run_id, _, _ in self.runs]


def _recon(job_name: str) -> Any:
    """The job as a pointer to this code location, which Celery workers import to run its steps."""
    repository = ReconstructableRepository.for_module(CODE_LOCATION, "defs", working_directory=os.getcwd())
    return repository.get_reconstructable_job(job_name)


def _run_config(raw_dir: Path, out_dir: Path, lake_url: str) -> dict[str, Any]:
    storage = {"raw_dir": str(raw_dir), "out_dir": str(out_dir), "lake_url": lake_url}
    return {**RUN_CONFIG, "resources": {"storage": {"config": storage}}}


def run_job(
    job_name: str, partition: str | None, run_config: dict[str, Any], instance: dg.DagsterInstance
) -> tuple[str, bool]:
    """Launch one job of the code location (one partition of it) on its executor and wait; (run id, success)."""
    tags = {"dagster/partition": partition} if partition is not None else {}
    result = dg.execute_job(_recon(job_name), instance=instance, run_config=run_config, tags=tags)
    return str(result.run_id), bool(result.success)


def build_distributed(
    raw_dir: Path,
    out_dir: Path,
    instance: dg.DagsterInstance,
    lake_url: str = "",
    parallel: int = 2,
    log: Callable[[str], None] = lambda _: None,
) -> DistributedBuild:
    """Run every job of a build on the configured executor; stops after the first failed stage.

    The partition runs are launched from child processes, ``parallel`` at a time: ``dagster.execute_job`` is
    not thread-safe (two runs in one process deadlock on the logging module's locks while configuring their
    loggers), and each run's orchestration only waits for its Celery tasks, so a child costs little.
    """
    started = time.perf_counter()
    storage = XxgkStorage(raw_dir=str(raw_dir), out_dir=str(out_dir), lake_url=lake_url)
    run_config = _run_config(raw_dir, out_dir, lake_url)
    stamp = build_stamp(storage.raw_path, storage.sql_path)
    build = DistributedBuild()

    def record(job_name: str, partition: str | None, run_id: str, ok: bool, begun: float) -> bool:
        seconds = time.perf_counter() - begun
        build.runs.append((job_name, partition, run_id, ok, seconds))
        where = f" [{partition}]" if partition else ""
        log(f"{job_name}{where}: {'ok' if ok else 'FAILED'} in {seconds:.1f} s ({run_id})")
        return ok

    def here(job_name: str) -> bool:
        begun = time.perf_counter()
        return record(job_name, None, *run_job(job_name, None, run_config, instance), begun)

    def child(partition: str) -> bool:
        begun = time.perf_counter()
        command = [sys.executable, "-m", "pipelines.defs.distributed", "--raw", str(raw_dir), "--out", str(out_dir)]
        command += ["--lake", lake_url, "--run-job", "parse_year", "--partition", partition]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = done.stdout.strip().splitlines()
        try:
            outcome = json.loads(lines[-1])
        except (IndexError, ValueError):
            log(f"parse_year [{partition}]: the launching process failed ({done.returncode}): {done.stderr[-2000:]}")
            return record("parse_year", partition, "", False, begun)
        return record("parse_year", partition, str(outcome["run_id"]), bool(outcome["success"]), begun)

    try:
        if not here("catalog_inbox"):
            return build
        lake = storage.lake
        partitions = sorted({f.partition for f in lake.read_inbox()} | lake.lake_partitions())
        missing = [key for key in partitions if not instance.has_dynamic_partition(REPORT_YEAR, key)]
        if missing:
            instance.add_dynamic_partitions(REPORT_YEAR, missing)
        with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="xxgk-launch") as pool:
            outcomes = list(pool.map(child, partitions))
        if not all(outcomes):
            return build
        if here("build_marts"):
            stamp_file(storage.warehouse_path).write_text(stamp)
        return build
    finally:
        build.seconds = time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.defs.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, required=True, help="the inbox")
    parser.add_argument("--out", type=Path, required=True, help="the output folder (warehouse; lake unless --lake)")
    parser.add_argument("--lake", default=os.environ.get("XXGK_LAKE_URL", ""), help="s3://bucket/prefix")
    parser.add_argument("--parallel", type=int, default=2, help="partition runs in flight at once")
    parser.add_argument("--run-job", help=argparse.SUPPRESS)  # one run only (a child of a build), JSON result
    parser.add_argument("--partition", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with dg.DagsterInstance.get() as instance:
        if args.run_job:
            config = _run_config(args.raw.resolve(), args.out.resolve(), args.lake)
            run_id, ok = run_job(args.run_job, args.partition, config, instance)
            print(json.dumps({"run_id": run_id, "success": ok}), flush=True)
            return 0 if ok else 1
        build = build_distributed(
            args.raw.resolve(), args.out.resolve(), instance, args.lake, args.parallel, lambda s: print(s, flush=True)
        )
    print(f"{'built' if build.success else 'FAILED'}: {len(build.runs)} runs in {build.seconds:.1f} s", flush=True)
    return 0 if build.success else 1


if __name__ == "__main__":  # the Celery executor needs a guarded entry point
    sys.exit(main())
