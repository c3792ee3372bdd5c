"""Where the Parquet lake lives: a local folder (the default) or S3-compatible object storage.

Both storages hold the same tables with the same rows (``pipelines.lake`` computes them); they differ in how
a new version of a table or partition is published so that no reader ever sees half of it:

- ``LocalLake`` (a folder, ``data/lake``): the journal and folder renames of ``pipelines.lake``, unchanged.
- ``ObjectLake`` (``s3://bucket/prefix``): object storage has no rename. Every Parquet file is written once
  under a new, unique key below ``data/`` and never changed; a version becomes visible only when a small JSON
  **manifest** naming its files is PUT below ``manifests/`` — one manifest per partition (its documents and
  four year tables, published together), one for the inbox catalogue and one for the cross-report findings.
  A PUT replaces an object whole, so a reader sees the old manifest or the new one, never a mix. A writer
  killed before its manifest PUT leaves only files no manifest names: invisible, and removed by ``vacuum``.
  Files a manifest stopped naming are deleted right after the new manifest is in place; a reader that read
  the old manifest just before then finds a file gone and starts its snapshot again from the manifests.

Readers (the asset checks, the cross-report checks, the DuckDB marts) read a **snapshot**: a local folder with
the layout of the local lake holding exactly the files the manifests name (for a local lake, the lake
folder itself). So ``sql/*.sql`` (``getvariable('lake_dir')``) and the Polars scans run unchanged, DuckDB needs
no ``httpfs`` extension, and nothing a manifest does not name is ever read.

Dagster-free: the assets hold a lake through the storage resource (``pipelines.defs.resources``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from pipelines import lake as local
from pipelines.inbox import InboxFile
from pipelines.lake import (
    DOCUMENT_SCHEMA,
    FINDING_SCHEMA,
    INBOX_SCHEMA,
    NULL_PARTITION,
    SCHEMAS,
    YEAR_TABLES,
    LakeRows,
    PartitionUpdate,
    documents_are_current,
    plan_partition,
)
from pipelines.parse import ParsedReport

Rows = pl.DataFrame | Sequence[dict[str, object]]
Parse = Callable[[Sequence[InboxFile]], Sequence[ParsedReport | LakeRows]]


class Lake(Protocol):
    """What the assets do with the lake, whichever storage holds it."""

    def describe(self) -> str: ...

    def write_inbox(self, files: Sequence[InboxFile]) -> int: ...

    def read_inbox(self) -> list[InboxFile]: ...

    def known_years(self) -> dict[str, int | None]: ...

    def lake_partitions(self) -> set[str]: ...

    def update_partition(self, partition: str, files: Sequence[InboxFile], parse: Parse) -> PartitionUpdate: ...

    def remove_partition(self, partition: str) -> None: ...

    def partition_is_current(self, partition: str, files: Sequence[InboxFile]) -> bool: ...

    def write_cross_findings(self, rows: Rows, inputs: dict[str, object] | None = None) -> int: ...

    def read_cross_findings(self) -> tuple[pl.DataFrame, dict[str, Any]] | None: ...

    def snapshot(self, tables: Sequence[str] | None = None) -> contextlib.AbstractContextManager[Path]: ...


class LocalLake:
    """The lake in a local folder: the functions of ``pipelines.lake``; a snapshot is the folder itself."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def write_inbox(self, files: Sequence[InboxFile]) -> int:
        return local.write_inbox(self.root, files)

    def read_inbox(self) -> list[InboxFile]:
        return local.read_inbox(self.root)

    def known_years(self) -> dict[str, int | None]:
        return local.known_years(self.root)

    def lake_partitions(self) -> set[str]:
        return local.lake_partitions(self.root)

    def update_partition(self, partition: str, files: Sequence[InboxFile], parse: Parse) -> PartitionUpdate:
        return local.update_partition(self.root, partition, files, parse)

    def remove_partition(self, partition: str) -> None:
        local.remove_partition(self.root, partition)

    def partition_is_current(self, partition: str, files: Sequence[InboxFile]) -> bool:
        return local.partition_is_current(self.root, partition, files)

    def write_cross_findings(self, rows: Rows, inputs: dict[str, object] | None = None) -> int:
        return local.write_cross_findings(self.root, rows, inputs)

    def read_cross_findings(self) -> tuple[pl.DataFrame, dict[str, Any]] | None:
        return local.read_cross_findings(self.root)

    @contextlib.contextmanager
    def snapshot(self, tables: Sequence[str] | None = None) -> Iterator[Path]:
        """The lake folder itself (``tables`` does not matter: every table is there)."""
        local.ensure_lake(self.root)
        yield self.root


#: How many times a snapshot starts again when a file its manifests named was deleted meanwhile.
SNAPSHOT_ATTEMPTS = 5


class ObjectLake:
    """The lake on S3-compatible object storage, published through manifests (see the module docstring).

    ``url`` is ``s3://bucket/prefix``. The endpoint is ``$XXGK_S3_ENDPOINT`` or ``$AWS_ENDPOINT_URL`` (unset: AWS
    itself); credentials come from the usual ``AWS_*`` variables. Layout below the prefix::

        manifests/inbox.json, manifests/cross_findings.json, manifests/partitions/<partition>.json
        data/<table>/<year=YYYY | partition=P | all | catalogue>/<uuid>.parquet   (immutable; read only if named)
    """

    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        if not url.startswith("s3://"):
            raise ValueError(f"an object-storage lake URL starts with s3://, not {url!r}")
        self.url = url.rstrip("/")
        self.root = self.url.removeprefix("s3://")
        self.endpoint_url = endpoint_url or os.environ.get("XXGK_S3_ENDPOINT") or os.environ.get("AWS_ENDPOINT_URL")
        self._fs: Any = None

    @property
    def fs(self) -> Any:
        """The s3fs filesystem, made on first use (without fsspec's instance or listings caches: every read of
        a manifest must see the latest PUT)."""
        if self._fs is None:
            import s3fs

            self._fs = s3fs.S3FileSystem(
                endpoint_url=self.endpoint_url,
                skip_instance_cache=True,
                use_listings_cache=False,
            )
        return self._fs

    def describe(self) -> str:
        return self.url

    # --- objects --------------------------------------------------------------------------------------------

    def _key(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def _manifest_key(self, name: str) -> str:
        return self._key("manifests", f"{name}.json")

    def _read_manifest(self, name: str) -> dict[str, Any] | None:
        try:
            data = self.fs.cat_file(self._manifest_key(name))
        except FileNotFoundError:
            return None
        manifest: dict[str, Any] = json.loads(data)
        return manifest

    def _put_manifest(self, name: str, manifest: dict[str, Any]) -> None:
        """Publish: one PUT of the whole manifest replaces the previous one atomically."""
        body = {**manifest, "committed_at": time.time(), "writer": f"{os.uname().nodename}:{os.getpid()}"}
        self.fs.pipe_file(self._manifest_key(name), json.dumps(body, sort_keys=True).encode())

    def _write_file(self, table: str, frame: pl.DataFrame, label: str) -> str:
        """Write one Parquet file under a new unique key (never overwritten); returns the key below the root."""
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        relative = f"data/{table}/{label}/{uuid.uuid4().hex}.parquet"
        self.fs.pipe_file(self._key(relative), buffer.getvalue())
        return relative

    def _read_file(self, relative: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        frame = pl.read_parquet(io.BytesIO(self.fs.cat_file(self._key(relative))))
        return frame.select(
            [
                pl.col(name).cast(kind) if name in frame.columns else pl.lit(None, kind).alias(name)
                for name, kind in schema.items()
            ]
        )

    def _delete(self, relatives: Sequence[str]) -> None:
        """Delete files no manifest names any more (after the manifest that dropped them was PUT)."""
        for relative in relatives:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm_file(self._key(relative))

    @staticmethod
    def _files(manifest: dict[str, Any] | None) -> list[str]:
        if manifest is None:
            return []
        files = [manifest.get("file"), manifest.get("documents"), *dict(manifest.get("tables", {})).values()]
        return [f for f in files if f]

    def _partition_names(self) -> list[str]:
        folder = self._key("manifests", "partitions")
        try:
            keys = self.fs.ls(folder, detail=False, refresh=True)
        except FileNotFoundError:
            return []
        return sorted(str(key).rsplit("/", 1)[-1].removesuffix(".json") for key in keys if str(key).endswith(".json"))

    # --- the lake ---------------------------------------------------------------------------------------------

    def write_inbox(self, files: Sequence[InboxFile]) -> int:
        frame = local.inbox_frame(files)
        previous = self._read_manifest("inbox")
        self._put_manifest("inbox", {"file": self._write_file("inbox", frame, "catalogue")})
        self._delete(self._files(previous))
        return frame.height

    def read_inbox(self) -> list[InboxFile]:
        manifest = self._read_manifest("inbox")
        if manifest is None:
            return []
        return local.inbox_files(self._read_file(str(manifest["file"]), INBOX_SCHEMA))

    def known_years(self) -> dict[str, int | None]:
        return {f.sha256: f.year_hint for f in self.read_inbox() if f.sha256}

    def lake_partitions(self) -> set[str]:
        return set(self._partition_names())

    def update_partition(self, partition: str, files: Sequence[InboxFile], parse: Parse) -> PartitionUpdate:
        """Parse what changed in one partition, write its new files, then publish them with one manifest PUT."""
        name = f"partitions/{partition}"
        previous = self._read_manifest(name)
        documents = (
            self._read_file(str(previous["documents"]), DOCUMENT_SCHEMA)
            if previous and previous.get("documents")
            else pl.DataFrame(schema=DOCUMENT_SCHEMA)
        )
        old_tables: dict[str, str | None] = dict(previous.get("tables", {})) if previous else {}

        def read_table(table: str) -> pl.DataFrame:
            relative = old_tables.get(table)
            return self._read_file(relative, SCHEMAS[table]) if relative else pl.DataFrame(schema=SCHEMAS[table])

        plan = plan_partition(partition, files, parse, documents, read_table)
        manifest = {
            "partition": partition,
            "documents": self._write_file("documents", plan.documents, f"partition={partition}"),
            "tables": {
                table: self._write_file(table, frame, f"year={partition}") if frame.height else None
                for table, frame in plan.tables.items()
            },
        }
        self._put_manifest(name, manifest)
        self._delete(self._files(previous))
        return plan.update

    def remove_partition(self, partition: str) -> None:
        """Drop a partition: deleting its manifest (one request) unpublishes it whole."""
        name = f"partitions/{partition}"
        previous = self._read_manifest(name)
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._manifest_key(name))
        self._delete(self._files(previous))

    def partition_is_current(self, partition: str, files: Sequence[InboxFile]) -> bool:
        manifest = self._read_manifest(f"partitions/{partition}")
        if not manifest or not manifest.get("documents"):
            return False
        return documents_are_current(self._read_file(str(manifest["documents"]), DOCUMENT_SCHEMA), files)

    def write_cross_findings(self, rows: Rows, inputs: dict[str, object] | None = None) -> int:
        """The cross-report findings and what they were computed from, published together by one manifest."""
        frame = (
            rows.select(list(FINDING_SCHEMA))
            if isinstance(rows, pl.DataFrame)
            else pl.DataFrame(list(rows), schema=FINDING_SCHEMA)
        )
        previous = self._read_manifest("cross_findings")
        manifest: dict[str, Any] = {"file": self._write_file("cross_findings", frame, "all")}
        if inputs is not None:
            manifest["inputs"] = inputs
        self._put_manifest("cross_findings", manifest)
        self._delete(self._files(previous))
        return frame.height

    def read_cross_findings(self) -> tuple[pl.DataFrame, dict[str, Any]] | None:
        manifest = self._read_manifest("cross_findings")
        if manifest is None or not isinstance(manifest.get("inputs"), dict):
            return None
        return self._read_file(str(manifest["file"]), FINDING_SCHEMA), dict(manifest["inputs"])

    def committed_files(self) -> dict[str, str]:
        """Every file the manifests name now: local-lake path (``cells/year=2023/part.parquet``) → object key."""
        files: dict[str, str] = {}
        for name in ("inbox", "cross_findings"):
            manifest = self._read_manifest(name)
            if manifest is not None:
                files[f"{name}/{name}.parquet"] = str(manifest["file"])
        for partition in self._partition_names():
            manifest = self._read_manifest(f"partitions/{partition}")
            if manifest is None:
                continue  # removed between the listing and the read
            if manifest.get("documents"):
                files[f"documents/part-{partition}.parquet"] = str(manifest["documents"])
            for table, relative in dict(manifest.get("tables", {})).items():
                if relative and table in YEAR_TABLES:
                    files[f"{table}/year={partition}/part.parquet"] = str(relative)
        return files

    @contextlib.contextmanager
    def snapshot(self, tables: Sequence[str] | None = None) -> Iterator[Path]:
        """A local folder laid out like the local lake with exactly the committed files of ``tables`` (None:
        every table) and each table's schema-only ``empty.parquet``, deleted on exit."""
        folder = Path(tempfile.mkdtemp(prefix="xxgk-lake-snapshot-"))
        try:
            for attempt in range(SNAPSHOT_ATTEMPTS):
                shutil.rmtree(folder, ignore_errors=True)
                _empty_tables(folder)
                try:
                    for path, relative in sorted(self.committed_files().items()):
                        if tables is not None and path.split("/", 1)[0] not in tables:
                            continue
                        target = folder / path
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(self.fs.cat_file(self._key(relative)))
                    break
                except FileNotFoundError:
                    if attempt == SNAPSHOT_ATTEMPTS - 1:
                        raise
                    time.sleep(0.2 * (attempt + 1))  # a newer manifest retired a file: read the manifests again
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def vacuum(self, older_than_seconds: float = 24 * 3600) -> list[str]:
        """Delete data files no manifest names that are older than ``older_than_seconds`` (left by writers that
        died before their manifest PUT); younger ones may belong to a commit in progress. Returns their keys."""
        named = {self._key(relative) for relative in self.committed_files().values()}
        now = time.time()
        removed = []
        for key, info in self.fs.find(self._key("data"), detail=True).items():
            modified = info.get("LastModified")
            age = now - modified.timestamp() if modified is not None else 0.0
            if key not in named and age > older_than_seconds:
                self.fs.rm_file(key)
                removed.append(str(key))
        return removed


def _empty_tables(folder: Path) -> None:
    """Each table's schema-only ``empty.parquet``, as ``pipelines.lake.ensure_lake`` writes it locally."""
    for table, schema in SCHEMAS.items():
        target = folder / table / (NULL_PARTITION if table in YEAR_TABLES else "")
        target.mkdir(parents=True, exist_ok=True)
        pl.DataFrame(schema=schema).write_parquet(target / "empty.parquet")


def open_lake(location: str | Path) -> LocalLake | ObjectLake:
    """The lake at ``location``: an ``s3://`` URL is object storage, anything else a local folder."""
    text = str(location)
    if text.startswith("s3://"):
        return ObjectLake(text)
    return LocalLake(Path(text))
