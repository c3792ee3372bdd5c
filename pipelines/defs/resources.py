"""Where the pipeline reads and writes: the inbox, the output folder, the SQL models."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

REPO_ROOT = Path(__file__).resolve().parents[2]


class XxgkStorage(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The inbox of raw reports and the output folder holding the lake and the warehouse.

    Defaults come from ``XXGK_RAW_DIR`` / ``XXGK_OUT_DIR`` when set, else ``data/raw`` and ``data`` of the
    checkout, so ``make run``, ``make ui`` and ``xxgk build`` all work on the same folders.
    """

    raw_dir: str = os.environ.get("XXGK_RAW_DIR", str(REPO_ROOT / "data" / "raw"))
    out_dir: str = os.environ.get("XXGK_OUT_DIR", str(REPO_ROOT / "data"))
    sql_dir: str = str(REPO_ROOT / "sql")

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def lake_path(self) -> Path:
        return Path(self.out_dir) / "lake"

    @property
    def warehouse_path(self) -> Path:
        return warehouse_file(Path(self.out_dir))

    @property
    def sql_path(self) -> Path:
        return Path(self.sql_dir)


def warehouse_file(out_dir: Path) -> Path:
    """The published DuckDB file below an output folder."""
    return out_dir / "warehouse" / "xxgk.duckdb"
