"""Where the pipeline reads and writes: the inbox, the output folder, the SQL models."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.paths import REPO_ROOT, SQL_DIR, default_out_dir, default_raw_dir, warehouse_file

__all__ = ["REPO_ROOT", "XxgkStorage", "warehouse_file"]


class XxgkStorage(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The inbox of raw reports and the output folder holding the lake and the warehouse.

    Defaults come from ``XXGK_RAW_DIR`` / ``XXGK_OUT_DIR`` when set, else ``data/raw`` and ``data`` of the
    checkout, so ``make run``, ``make ui`` and ``xxgk build`` all work on the same folders.
    """

    raw_dir: str = str(default_raw_dir())
    out_dir: str = str(default_out_dir())
    sql_dir: str = str(SQL_DIR)

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
