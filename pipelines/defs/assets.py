"""The asset graph: inbox catalogue → parsed reports and cells in the Parquet lake → DuckDB marts."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.resources import REPO_ROOT, XxgkStorage
from pipelines.inbox import scan_inbox
from pipelines.lake import read_inbox, write_cross_findings, write_inbox, write_parsed
from pipelines.parse import parse_inbox_file
from pipelines.validation.corpus import cross_report_findings
from pipelines.warehouse import build_warehouse, load_models

LAKE_TABLES = ("documents", "reports", "cells", "findings", "sections")


@dg.asset(key=["lake", "inbox"], group_name="lake", kinds={"parquet"})
def inbox_catalog(context: dg.AssetExecutionContext, storage: XxgkStorage) -> dg.MaterializeResult[None]:
    """Every file in the inbox: path, sha256, size and the format its bytes show (or why none applies)."""
    files = scan_inbox(storage.raw_path)
    count = write_inbox(storage.lake_path, files)
    formats = Counter(f.format or "unreadable" for f in files)
    context.log.info(f"catalogued {count} files from {storage.raw_path}")
    return dg.MaterializeResult(
        metadata={
            "files": count,
            "by_format": dg.MetadataValue.json(dict(sorted(formats.items()))),
            "inbox": dg.MetadataValue.path(str(storage.raw_path)),
        }
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["lake", name], deps=[["lake", "inbox"]], group_name="lake", kinds={"parquet"})
        for name in LAKE_TABLES
    ],
)
def parsed_lake(context: dg.AssetExecutionContext, storage: XxgkStorage) -> Iterator[dg.MaterializeResult[None]]:
    """Parse every catalogued file into reports and canonical cells; every file gets a documents row."""
    files = read_inbox(storage.lake_path)
    reports = [parse_inbox_file(f) for f in files]
    counts = write_parsed(storage.lake_path, files, reports)
    statuses = Counter(r.status for r in reports)
    failing = [
        (f.relative_path, r.status, "; ".join(r.errors)[:300])
        for f, r in zip(files, reports, strict=True)
        if r.status != "parsed"
    ]
    table = "| file | status | reason |\n|---|---|---|\n" + "\n".join(
        f"| {p} | {s} | {why.replace('|', '/')} |" for p, s, why in failing
    )
    context.log.info(f"parse outcomes: {dict(statuses)}")
    documents_metadata: dict[str, dg.RawMetadataValue] = {
        "dagster/row_count": counts["documents"],
        **{f"status_{status}": statuses.get(status, 0) for status in ("parsed", "partial", "failed", "needs_ocr")},
    }
    if failing:
        documents_metadata["not_fully_parsed"] = dg.MetadataValue.md(table)
    yield dg.MaterializeResult(asset_key=["lake", "documents"], metadata=documents_metadata)
    for table in LAKE_TABLES[1:]:
        yield dg.MaterializeResult(asset_key=["lake", table], metadata={"dagster/row_count": counts[table]})


@dg.asset(
    key=["lake", "cross_findings"],
    deps=[["lake", "reports"], ["lake", "cells"], ["lake", "sections"]],
    group_name="lake",
    kinds={"parquet"},
)
def cross_findings(context: dg.AssetExecutionContext, storage: XxgkStorage) -> dg.MaterializeResult[None]:
    """Checks across reports: each issuer's consecutive years (R5, R6, jumps, copied text) and peers' copies."""
    rows = cross_report_findings(storage.lake_path)
    count = write_cross_findings(storage.lake_path, rows)
    fails = Counter(str(row["rule"]) for row in rows if row["outcome"] == "FAIL")
    context.log.info(f"{count} cross-report findings; fails by rule: {dict(fails)}")
    return dg.MaterializeResult(
        metadata={"dagster/row_count": count, "fails_by_rule": dg.MetadataValue.json(dict(fails))}
    )


def _lake(storage: XxgkStorage, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(storage.lake_path / table / "**" / "*.parquet", hive_partitioning=True)


@dg.asset_check(asset=["lake", "cells"], blocking=True, description="One cell per report and key.")
def cells_unique_per_report_and_key(storage: XxgkStorage) -> dg.AssetCheckResult:
    duplicates = _lake(storage, "cells").group_by("report_id", "key").len().filter(pl.col("len") > 1).collect()
    return dg.AssetCheckResult(passed=duplicates.height == 0, metadata={"duplicate_keys": duplicates.height})


@dg.asset_check(asset=["lake", "cells"], blocking=True, description="Every cell belongs to a report of the lake.")
def cells_have_reports(storage: XxgkStorage) -> dg.AssetCheckResult:
    orphans = (
        _lake(storage, "cells")
        .join(_lake(storage, "reports").select("report_id"), on="report_id", how="anti")
        .select("report_id")
        .unique()
        .collect()
    )
    return dg.AssetCheckResult(passed=orphans.height == 0, metadata={"orphan_reports": orphans.height})


@dg.asset_check(
    asset=["lake", "reports"], blocking=True, description="One row per report id, one chosen version per issuer-year."
)
def reports_unique(storage: XxgkStorage) -> dg.AssetCheckResult:
    reports = _lake(storage, "reports").collect()
    duplicate_ids = reports.height - reports["report_id"].n_unique()
    chosen = reports.filter(pl.col("is_chosen")).group_by("issuer_key", "year").len().filter(pl.col("len") > 1)
    return dg.AssetCheckResult(
        passed=duplicate_ids == 0 and chosen.height == 0,
        metadata={"duplicate_report_ids": duplicate_ids, "issuer_years_with_two_chosen": chosen.height},
    )


def _failing_reports(storage: XxgkStorage, rules: tuple[str, ...]) -> dg.AssetCheckResult:
    """A non-blocking check: reports' own defects are data to show, not a reason to stop the pipeline."""
    failing = (
        _lake(storage, "findings")
        .filter(pl.col("rule").is_in(rules) & (pl.col("outcome") == "FAIL"))
        .join(_lake(storage, "reports").select("report_id", "path"), on="report_id")
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
        )
        for model in _MODELS
    ],
)
def warehouse_tables(context: dg.AssetExecutionContext, storage: XxgkStorage) -> Iterator[dg.MaterializeResult[None]]:
    """Build every ``sql/`` model into a new DuckDB file and publish it atomically."""
    counts = build_warehouse(storage.lake_path, storage.sql_path, storage.warehouse_path)
    context.log.info(f"warehouse published at {storage.warehouse_path}: {counts}")
    for name, rows in counts.items():
        yield dg.MaterializeResult(
            asset_key=["warehouse", name],
            metadata={"dagster/row_count": rows, "warehouse": dg.MetadataValue.path(str(storage.warehouse_path))},
        )


def sql_model_names() -> list[str]:
    return [model.name for model in _MODELS]


def model_file(name: str) -> Path:
    return REPO_ROOT / "sql" / f"{name}.sql"
