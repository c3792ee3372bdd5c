"""One full in-process build (``pipelines.defs.build.build_all``), run as its own process by ``run_all.py``.

Run separately so that the benchmark can sample the resident memory of the build's whole process tree (the
build spreads parsing over worker processes) without counting its own. Uses the Dagster instance of
``$DAGSTER_HOME`` (a persistent one, as ``make run`` does; the benchmark points it at a scratch folder), so
a second build over the same output reuses what the first parsed, exactly as an incremental rebuild would.

Prints one JSON object: success, wall seconds, per Dagster run its label (partition or step) and duration
from the instance's run stats, and the parser version (a hash of the parser's code: if it changes between two
builds, the second parses everything again).

    .venv/bin/python bench/build_driver.py RAW_DIR OUT_DIR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines import PARSER_VERSION
from pipelines.defs.build import build_all


def _label(assets: list[str]) -> str:
    """``lake/cross_findings + warehouse (12 tables)``: asset keys, the warehouse's tables counted."""
    tables = [key for key in assets if key.startswith("warehouse/")]
    others = [key for key in assets if not key.startswith("warehouse/")]
    return " + ".join([*others, *([f"warehouse ({len(tables)} tables)"] if tables else [])])


def main() -> int:
    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    instance = dg.DagsterInstance.get()
    runs = build_all(raw, out, instance)
    wall = time.perf_counter() - started
    stages = []
    for run in runs:
        stats = instance.get_run_stats(run.run_id)
        partition = run.dagster_run.tags.get("dagster/partition")
        keys = {event.asset_key for event in run.get_asset_materialization_events()}
        assets = sorted(key.to_user_string() for key in keys if key is not None)
        label = f"parse year {partition}" if partition else _label(assets) or run.dagster_run.job_name
        seconds = (stats.end_time or 0.0) - (stats.start_time or 0.0)
        stages.append(
            {
                "run": label,
                "seconds": round(seconds, 3),
                "start": stats.start_time,
                "end": stats.end_time,
                "success": run.success,
            }
        )
    record = {"success": all(run.success for run in runs), "wall": wall, "stages": stages}
    print(json.dumps({**record, "parser_version": PARSER_VERSION}))
    return 0 if all(run.success for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
