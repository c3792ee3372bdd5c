"""How runs start by themselves: a sensor on the inbox, a daily re-scan, and declarative automation of the
marts (on the assets themselves, see assets.py).

The sensor notices new, changed and removed files by size and modification time, reads each new file's
report year, adds that year's partition if needed and asks for one run per affected year. Its cursor holds
the fingerprints it has seen, so a restart loses nothing and an unchanged inbox asks for nothing. The daily
schedule compares the inbox with the lake's catalogue by sha256 instead, to catch anything the sensor
could not see (a file replaced with the same size and time).
"""

import hashlib
import json

import dagster as dg

from pipelines.defs.assets import LAKE_TABLES, REPORT_YEAR, report_years
from pipelines.defs.resources import XxgkStorage
from pipelines.inbox import fingerprints, scan_inbox, year_of_file
from pipelines.parse import report_year_hint

ingest_year = dg.define_asset_job(
    "ingest_year",
    selection=dg.AssetSelection.assets(["lake", "inbox"], *(["lake", table] for table in LAKE_TABLES)),
    description="Catalogue the inbox, then parse one report year into the lake.",
)


#: The jobs of a whole build, as ``pipelines.defs.build.build_all`` runs it in process; the scale-out driver
#: (``pipelines.defs.distributed``) launches them on the executor ``XXGK_EXECUTOR`` selects.
catalog_inbox = dg.define_asset_job(
    "catalog_inbox", selection=dg.AssetSelection.assets(["lake", "inbox"]), description="Catalogue the inbox."
)
parse_year = dg.define_asset_job(
    "parse_year",
    selection=dg.AssetSelection.assets(*(["lake", table] for table in LAKE_TABLES)),
    description="Parse one report year into the lake, then run the lake's checks.",
)
build_marts = dg.define_asset_job(
    "build_marts",
    selection=dg.AssetSelection.assets(["lake", "cross_findings"]) | dg.AssetSelection.groups("warehouse", "site"),
    description="The checks across reports, the DuckDB marts and the static site.",
)
BUILD_JOBS = [catalog_inbox, parse_year, build_marts]


@dg.sensor(job=ingest_year, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, storage: XxgkStorage) -> dg.SensorResult | dg.SkipReason:
    """One run per report year whose inbox files were added, changed or removed since the last tick."""
    seen: dict[str, list[object]] = json.loads(context.cursor) if context.cursor else {}
    current = fingerprints(storage.raw_path)
    affected: set[str] = set()
    cursor: dict[str, list[object]] = {}
    for path, (size, mtime) in sorted(current.items()):
        before = seen.get(path)
        if before is not None and before[0] == size and before[1] == mtime:
            cursor[path] = before
            continue
        partition = year_of_file(storage.raw_path, path, report_year_hint)
        cursor[path] = [size, mtime, partition]
        affected.add(partition)
        if before is not None and before[2] != partition:
            affected.add(str(before[2]))
    for path in set(seen) - set(current):
        affected.add(str(seen[path][2]))
    if not affected:
        return dg.SkipReason("no inbox file was added, changed or removed")
    state = json.dumps(cursor, sort_keys=True)
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    new = sorted(affected - set(context.instance.get_dynamic_partitions(REPORT_YEAR)))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=key, run_key=f"{digest}:{key}") for key in sorted(affected)],
        dynamic_partitions_requests=[report_years.build_add_request(new)] if new else [],
        cursor=state,
    )


@dg.schedule(job=ingest_year, cron_schedule="0 6 * * *", default_status=dg.DefaultScheduleStatus.RUNNING)
def daily_rescan(context: dg.ScheduleEvaluationContext, storage: XxgkStorage) -> list[dg.RunRequest] | dg.SkipReason:
    """Every morning: re-read the inbox by sha256 and re-run the years whose files differ from the lake's."""
    lake = storage.lake
    catalogued = {f.relative_path: (f.sha256, f.partition) for f in lake.read_inbox()}
    current = scan_inbox(storage.raw_path, report_year_hint, lake.known_years())
    affected = {f.partition for f in current if catalogued.get(f.relative_path) != (f.sha256, f.partition)}
    affected |= {
        partition for path, (_, partition) in catalogued.items() if path not in {f.relative_path for f in current}
    }
    affected |= lake.lake_partitions() - {f.partition for f in current}
    if not affected:
        return dg.SkipReason("the inbox matches the lake")
    known = set(context.instance.get_dynamic_partitions(REPORT_YEAR))
    missing = sorted(affected - known)
    if missing:
        context.instance.add_dynamic_partitions(REPORT_YEAR, missing)
    return [
        dg.RunRequest(partition_key=key, run_key=f"rescan:{context.scheduled_execution_time:%Y%m%d}:{key}")
        for key in sorted(affected)
    ]
