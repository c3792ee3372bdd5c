"""The asset graph: inbox catalogue → parsed reports and cells in the Parquet lake → DuckDB marts."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.resources import REPO_ROOT, XxgkStorage
from pipelines.inbox import scan_inbox
from pipelines.lake import read_inbox, write_inbox, write_parsed
from pipelines.parse import parse_inbox_file
from pipelines.warehouse import build_warehouse, load_models

LAKE_TABLES = ("documents", "reports", "cells")


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
    yield dg.MaterializeResult(asset_key=["lake", "reports"], metadata={"dagster/row_count": counts["reports"]})
    yield dg.MaterializeResult(asset_key=["lake", "cells"], metadata={"dagster/row_count": counts["cells"]})


@dg.asset_check(asset=["lake", "cells"], blocking=True, description="One cell per report and key.")
def cells_unique_per_report_and_key(storage: XxgkStorage) -> dg.AssetCheckResult:
    cells = pl.scan_parquet(storage.lake_path / "cells" / "**" / "*.parquet", hive_partitioning=True)
    duplicates = cells.group_by("report_id", "key").len().filter(pl.col("len") > 1).collect()
    return dg.AssetCheckResult(passed=duplicates.height == 0, metadata={"duplicate_keys": duplicates.height})


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
