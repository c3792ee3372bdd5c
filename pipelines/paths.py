"""Where things are by default: the checkout's inbox, output folder and SQL models (no Dagster import)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"


def default_raw_dir() -> Path:
    """The inbox: ``$XXGK_RAW_DIR`` or ``data/raw`` of the checkout."""
    return Path(os.environ.get("XXGK_RAW_DIR", str(REPO_ROOT / "data" / "raw")))


def default_out_dir() -> Path:
    """The output folder holding the lake and the warehouse: ``$XXGK_OUT_DIR`` or ``data`` of the checkout."""
    return Path(os.environ.get("XXGK_OUT_DIR", str(REPO_ROOT / "data")))


def default_lake_url() -> str:
    """Where the lake is when not in the output folder: ``$XXGK_LAKE_URL`` (e.g. ``s3://bucket/prefix``), else
    empty, meaning ``lake/`` below the output folder."""
    return os.environ.get("XXGK_LAKE_URL", "")


def warehouse_file(out_dir: Path) -> Path:
    """The published DuckDB file below an output folder."""
    return out_dir / "warehouse" / "xxgk.duckdb"
