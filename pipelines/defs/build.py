"""A whole build in process, as ``make run`` and ``xxgk build`` do it: the same assets the UI shows.

Catalogue the inbox, then parse each report year whose inbox files changed (or left the inbox: that year is
emptied; a year whose files and parser are unchanged is not run again), then the cross-report checks and
the warehouse, then the site. Every step is a real Dagster run in the given instance, so ``make ui`` shows
them afterwards.
"""

from collections import defaultdict
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.defs.assets import (
    LAKE_CHECKS,
    REPORT_YEAR,
    cross_findings,
    inbox_catalog,
    parsed_lake,
    trend_site,
    warehouse_tables,
)
from pipelines.defs.resources import XxgkStorage
from pipelines.inbox import InboxFile
from pipelines.isolation import release_abandoned_runs
from pipelines.warehouse import build_stamp, stamp_file

#: Runs print INFO and above: the assets' own log lines, not Dagster's step-by-step DEBUG events.
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def build_all(raw_dir: Path, out_dir: Path, instance: dg.DagsterInstance) -> list[dg.ExecuteInProcessResult]:
    """Run every step; stops at the first failed run and returns the runs made (the last one failed).

    After a successful build a stamp beside the warehouse records what it was built from (see
    ``pipelines.warehouse.is_up_to_date``), so that a caller can skip a build when nothing changed.
    """
    storage = XxgkStorage(raw_dir=str(raw_dir), out_dir=str(out_dir))
    resources = {"storage": storage}
    # A build killed earlier may have left runs "started" holding the duckdb_writer slot: free them first.
    release_abandoned_runs(instance)
    stamp = build_stamp(storage.raw_path, storage.sql_path)

    def run(assets: list[Any], partition: str | None = None) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            assets,
            partition_key=partition,
            resources=resources,
            instance=instance,
            run_config=RUN_CONFIG,
            raise_on_error=False,
        )

    runs = [run([inbox_catalog])]
    if not runs[-1].success:
        return runs
    lake = storage.lake
    files_of: dict[str, list[InboxFile]] = defaultdict(list)
    for inbox_file in lake.read_inbox():
        files_of[inbox_file.partition].append(inbox_file)
    partitions = sorted(set(files_of) | lake.lake_partitions())
    missing = [key for key in partitions if not instance.has_dynamic_partition(REPORT_YEAR, key)]
    if missing:
        instance.add_dynamic_partitions(REPORT_YEAR, missing)
    for partition in partitions:
        # Every file of the year unchanged and parsed by this parser: nothing to run (a persistent instance
        # that has never seen the year runs it once, so that the UI shows it materialised).
        known = instance.is_ephemeral or partition not in missing
        if known and lake.partition_is_current(partition, files_of.get(partition, [])):
            continue
        runs.append(run([parsed_lake, *LAKE_CHECKS], partition))
        if not runs[-1].success:
            return runs
    runs.append(run([cross_findings, warehouse_tables]))
    if not runs[-1].success:
        return runs
    runs.append(run([trend_site]))  # its own run: the marts are published (and timed) before the site
    if runs[-1].success:
        stamp_file(storage.warehouse_path).write_text(stamp)
    return runs
