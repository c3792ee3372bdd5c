"""Where the pipeline reads and writes: the inbox, the output folder, the SQL models."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.lakestore import LocalLake, ObjectLake, open_lake
from pipelines.paths import REPO_ROOT, SQL_DIR, default_lake_url, default_out_dir, default_raw_dir, warehouse_file

__all__ = ["REPO_ROOT", "XxgkStorage", "warehouse_file"]


class XxgkStorage(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The inbox of raw reports, the Parquet lake, and the output folder holding the warehouse (and the lake,
    unless ``lake_url`` puts it on object storage).

    Defaults come from ``XXGK_RAW_DIR`` / ``XXGK_OUT_DIR`` / ``XXGK_LAKE_URL`` when set, else ``data/raw`` and
    ``data`` of the checkout with the lake in ``data/lake``, so ``make run``, ``make ui`` and ``xxgk build`` all
    work on the same folders. ``lake_url = "s3://bucket/prefix"`` is the scale-out profile's lake
    (``pipelines.lakestore.ObjectLake``, docs/scaleout.md); the warehouse stays a local file.
    """

    raw_dir: str = str(default_raw_dir())
    out_dir: str = str(default_out_dir())
    sql_dir: str = str(SQL_DIR)
    lake_url: str = default_lake_url()

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def lake_path(self) -> Path:
        """The local lake folder (used when ``lake_url`` is empty)."""
        return Path(self.out_dir) / "lake"

    @property
    def lake(self) -> LocalLake | ObjectLake:
        """The lake, wherever it is: every asset reads and writes it through this."""
        return open_lake(self.lake_url or self.lake_path)

    @property
    def warehouse_path(self) -> Path:
        return warehouse_file(Path(self.out_dir))

    @property
    def sql_path(self) -> Path:
        return Path(self.sql_dir)
