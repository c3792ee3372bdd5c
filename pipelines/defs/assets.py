"""The asset graph: inbox catalogue → parsed reports and cells in the Parquet lake (one partition per report
year) → checks across reports → DuckDB marts.

New files reach the parse stage through the inbox sensor (``sensors.py``), which adds the year partitions
they need; the marts and cross-report checks follow by declarative automation once parses land.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines import PARSER_VERSION
from pipelines.defs.resources import REPO_ROOT, XxgkStorage
from pipelines.dictionary import column_schema
from pipelines.inbox import scan_inbox
from pipelines.lake import YEAR_TABLES, parse_many_to_lake_rows, scan_table
from pipelines.parse import report_year_hint
from pipelines.site import build_site, mart_preview
from pipelines.validation.corpus import CrossInputs, update_cross_findings
from pipelines.warehouse import build_warehouse, load_models

#: One partition per report year (as the report's title gives it), plus ``unknown`` for files without one.
REPORT_YEAR = "report_year"
report_years = dg.DynamicPartitionsDefinition(name=REPORT_YEAR)

LAKE_TABLES = ("documents", *YEAR_TABLES)
#: Only one process may write the DuckDB warehouse at a time (limit set in dagster.yaml).
WAREHOUSE_POOL = "duckdb_writer"


@dg.asset(key=["lake", "inbox"], group_name="lake", kinds={"parquet"})
def inbox_catalog(context: dg.AssetExecutionContext, storage: XxgkStorage) -> dg.MaterializeResult[None]:
    """Every file in the inbox: path, sha256, size, the format its bytes show, and the report year its title
    gives (the partition it is parsed in). Adds the year partitions that new files need."""
    lake = storage.lake
    files = scan_inbox(storage.raw_path, report_year_hint, lake.known_years())
    count = lake.write_inbox(files)
    partitions = sorted({f.partition for f in files})
    new = [key for key in partitions if not context.instance.has_dynamic_partition(REPORT_YEAR, key)]
    if new:
        context.instance.add_dynamic_partitions(REPORT_YEAR, new)
    formats = Counter(f.format or "unreadable" for f in files)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": count,
            "by_format": dg.MetadataValue.json(dict(sorted(formats.items()))),
            "partitions": dg.MetadataValue.json(partitions),
            "new_partitions": dg.MetadataValue.json(new),
            "inbox": dg.MetadataValue.path(str(storage.raw_path)),
        }
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["lake", name],
            deps=[["lake", "inbox"]],
            group_name="lake",
            kinds={"parquet"},
            partitions_def=report_years,
            code_version=PARSER_VERSION,
        )
        for name in LAKE_TABLES
    ],
    partitions_def=report_years,
)
def parsed_lake(context: dg.AssetExecutionContext, storage: XxgkStorage) -> Iterator[dg.MaterializeResult[None]]:
    """Parse the inbox files of one report year into documents, reports, cells, findings and sections.

    A document whose bytes and parser version are unchanged since the last run keeps its rows and is not
    parsed again; ``documents_parsed`` in the metadata counts the ones that were.
    """
    partition = context.partition_key
    lake = storage.lake
    files = [f for f in lake.read_inbox() if f.partition == partition]
    if not files:
        lake.remove_partition(partition)
        context.log.info(f"partition {partition}: no inbox file left; its rows were removed")
        for table in LAKE_TABLES:
            yield dg.MaterializeResult(asset_key=["lake", table], metadata={"dagster/row_count": 0})
        return
    update = lake.update_partition(partition, files, parse_many_to_lake_rows)
    context.log.info(
        f"partition {partition}: parsed {len(update.parsed)} documents, reused {len(update.reused)}; {update.statuses}"
    )
    table = "| file | status | reason |\n|---|---|---|\n" + "\n".join(
        f"| {path} | {status} | {reason.replace('|', '/')[:300]} |" for path, status, reason in update.not_parsed
    )
    documents_metadata: dict[str, dg.RawMetadataValue] = {
        "dagster/row_count": update.rows["documents"],
        "documents_parsed": len(update.parsed),
        "documents_reused": len(update.reused),
        "parsed_paths": dg.MetadataValue.json(update.parsed[:50]),
        **{
            f"status_{s}": update.statuses.get(s, 0)
            for s in ("parsed", "partial", "failed", "needs_ocr", "not_a_report")
        },
        "not_fully_parsed": dg.MetadataValue.md(table if update.not_parsed else "none"),
    }
    yield dg.MaterializeResult(asset_key=["lake", "documents"], metadata=documents_metadata)
    for name in YEAR_TABLES:
        yield dg.MaterializeResult(asset_key=["lake", name], metadata={"dagster/row_count": update.rows.get(name, 0)})


@dg.asset(
    key=["lake", "cross_findings"],
    deps=[["lake", "reports"], ["lake", "cells"], ["lake", "sections"]],
    group_name="lake",
    kinds={"parquet"},
    automation_condition=dg.AutomationCondition.eager(),
)
def cross_findings(context: dg.AssetExecutionContext, storage: XxgkStorage) -> dg.MaterializeResult[None]:
    """Checks across reports: each issuer's consecutive years (R5, R6, jumps, copied text) and peers' copies."""
    lake = storage.lake
    last = lake.read_cross_findings()
    with lake.snapshot(["reports", "cells", "sections"]) as lake_dir:
        rows, inputs, counts = update_cross_findings(
            lake_dir, last[0] if last else None, CrossInputs.from_record(last[1]) if last else None
        )
    count = lake.write_cross_findings(rows, inputs.as_record())
    fails = Counter(rows.filter(pl.col("outcome") == "FAIL")["rule"].to_list())
    context.log.info(f"{count} cross-report findings ({counts}); fails by rule: {dict(fails)}")
    return dg.MaterializeResult(
        metadata={"dagster/row_count": count, **counts, "fails_by_rule": dg.MetadataValue.json(dict(fails))}
    )


def _lake(lake_dir: Path, table: str) -> pl.LazyFrame:
    """One lake table, from a local lake folder or an object lake's snapshot (``XxgkStorage.lake.snapshot``)."""
    return scan_table(lake_dir, table)


@dg.asset_check(asset=["lake", "cells"], blocking=True, description="One cell per report and key.")
def cells_unique_per_report_and_key(storage: XxgkStorage) -> dg.AssetCheckResult:
    with storage.lake.snapshot(["cells"]) as lake_dir:
        duplicates = _lake(lake_dir, "cells").group_by("report_id", "key").len().filter(pl.col("len") > 1).collect()
    return dg.AssetCheckResult(passed=duplicates.height == 0, metadata={"duplicate_keys": duplicates.height})


@dg.asset_check(asset=["lake", "cells"], blocking=True, description="Every cell belongs to a report of the lake.")
def cells_have_reports(storage: XxgkStorage) -> dg.AssetCheckResult:
    with storage.lake.snapshot(["cells", "reports"]) as lake_dir:
        orphans = (
            _lake(lake_dir, "cells")
            .join(_lake(lake_dir, "reports").select("report_id"), on="report_id", how="anti")
            .select("report_id")
            .unique()
            .collect()
        )
    return dg.AssetCheckResult(passed=orphans.height == 0, metadata={"orphan_reports": orphans.height})


@dg.asset_check(
    asset=["lake", "reports"], blocking=True, description="One row per report id, one chosen version per issuer-year."
)
def reports_unique(storage: XxgkStorage) -> dg.AssetCheckResult:
    with storage.lake.snapshot(["reports"]) as lake_dir:
        reports = _lake(lake_dir, "reports").collect()
    duplicate_ids = reports.height - reports["report_id"].n_unique()
    chosen = reports.filter(pl.col("is_chosen")).group_by("issuer_key", "year").len().filter(pl.col("len") > 1)
    return dg.AssetCheckResult(
        passed=duplicate_ids == 0 and chosen.height == 0,
        metadata={"duplicate_report_ids": duplicate_ids, "issuer_years_with_two_chosen": chosen.height},
    )


def _failing_reports(storage: XxgkStorage, rules: tuple[str, ...]) -> dg.AssetCheckResult:
    """A non-blocking check: reports' own defects are data to show, not a reason to stop the pipeline."""
    with storage.lake.snapshot(["findings", "reports"]) as lake_dir:
        failing = (
            _lake(lake_dir, "findings")
            .filter(pl.col("rule").is_in(rules) & (pl.col("outcome") == "FAIL"))
            .join(_lake(lake_dir, "reports").select("report_id", "path"), on="report_id")
            .group_by("path")
            .agg(pl.len().alias("fails"), pl.col("message").first().alias("first_message"))
            .sort("path")
            .collect()
        )
    table = "| report | fails | first failure |\n|---|---|---|\n" + "\n".join(
        f"| {row['path']} | {row['fails']} | {str(row['first_message']).replace('|', '/')[:200]} |"
        for row in failing.iter_rows(named=True)
    )
    return dg.AssetCheckResult(
        passed=failing.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "failing_reports": failing.height,
            "reports": dg.MetadataValue.md(table if failing.height else "none"),
        },
    )


@dg.asset_check(
    asset=["lake", "findings"], description="Reports whose tables fail their own arithmetic (R1–R4, R7, R8)."
)
def arithmetic_consistency(storage: XxgkStorage) -> dg.AssetCheckResult:
    return _failing_reports(storage, ("R1", "R2", "R3", "R4", "R7", "R8"))


@dg.asset_check(asset=["lake", "findings"], description="Reports whose prose contradicts their tables (R9, R10).")
def text_table_agreement(storage: XxgkStorage) -> dg.AssetCheckResult:
    return _failing_reports(storage, ("R9", "R10"))


@dg.asset_check(asset=["lake", "findings"], description="Reports missing sections or tables, or on an old template.")
def completeness(storage: XxgkStorage) -> dg.AssetCheckResult:
    return _failing_reports(storage, ("SECTION_PRESENT", "TABLE_PRESENT", "TEMPLATE_CURRENT", "PERIOD"))


#: Every check on the lake: they run in the parse stage's runs.
LAKE_CHECKS = [
    cells_unique_per_report_and_key,
    cells_have_reports,
    reports_unique,
    arithmetic_consistency,
    text_table_agreement,
    completeness,
]

_MODELS = load_models(REPO_ROOT / "sql")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["warehouse", model.name],
            deps=[["lake", t] for t in model.lake_tables] + [["warehouse", d] for d in model.depends_on],
            description=model.description,
            group_name="warehouse",
            kinds={"duckdb"},
            metadata={"sql_file": f"sql/{model.path.name}"},
            automation_condition=dg.AutomationCondition.eager(),
            # The reports of year Y are due by 31 March of Y+1 (条例 第四十九条): the marts should have been
            # refreshed within the quarter before each 31 March.
            freshness_policy=dg.FreshnessPolicy.cron(deadline_cron="0 0 31 3 *", lower_bound_delta=timedelta(days=90)),
        )
        for model in _MODELS
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def warehouse_tables(context: dg.AssetExecutionContext, storage: XxgkStorage) -> Iterator[dg.MaterializeResult[None]]:
    """Build every ``sql/`` model into a new DuckDB file and publish it atomically."""
    with storage.lake.snapshot() as lake_dir:
        counts = build_warehouse(lake_dir, storage.sql_path, storage.warehouse_path)
    context.log.info(f"warehouse published at {storage.warehouse_path}: {counts}")
    for name, rows in counts.items():
        preview = mart_preview(storage.warehouse_path, name)
        columns = column_schema(storage.warehouse_path, name)
        yield dg.MaterializeResult(
            asset_key=["warehouse", name],
            metadata={
                "dagster/row_count": rows,
                "dagster/column_schema": dg.TableSchema(
                    columns=[dg.TableColumn(name=column, type=kind, description=text) for column, kind, text in columns]
                ),
                "preview": dg.MetadataValue.md(preview),
                "warehouse": dg.MetadataValue.path(str(storage.warehouse_path)),
            },
        )


@dg.asset(
    key=["site", "trend_site"],
    deps=[["warehouse", model.name] for model in _MODELS],
    group_name="site",
    kinds={"html"},
    automation_condition=dg.AutomationCondition.eager(),
)
def trend_site(context: dg.AssetExecutionContext, storage: XxgkStorage) -> dg.MaterializeResult[None]:
    """The static trend site (overview, region and issuer pages, charts as inline SVG) built from the marts."""
    summary = build_site(storage.warehouse_path, Path(storage.out_dir) / "site", storage.raw_path)
    context.log.info(f"site at {summary.overview}: {summary.pages} pages")
    return dg.MaterializeResult(
        metadata={
            "pages": summary.pages,
            "region_pages": summary.region_pages,
            "issuer_pages": summary.issuer_pages,
            "source_links": summary.source_links,
            "unlinked_sources": summary.unlinked_sources,
            "bytes": summary.bytes_written,
            "overview": dg.MetadataValue.path(str(summary.overview)),
        }
    )
