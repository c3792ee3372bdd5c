"""The DuckDB warehouse: one table per ``sql/*.sql`` file, built over the Parquet lake.

Every file in ``sql/`` is one ``select`` (with a header comment saying what a row is); its table takes the
file's name. Files may read the lake through ``getvariable('lake_dir')`` and may select from each other's
tables: the build orders them by those references.

The warehouse is built into a new file beside the published one and then renamed over it, so an analyst
who has the published file open keeps a consistent view and sees the new build on reconnecting, and a
crash mid-build leaves the published file as it was.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.processes import process_alive

if TYPE_CHECKING:
    import polars as pl

_LAKE_REFERENCE = re.compile(r"getvariable\('lake_dir'\)\s*\|\|\s*'/(?P<table>\w+)/")


@dataclass(frozen=True)
class SqlModel:
    """One ``sql/`` file: the table it defines, its query, and what it reads."""

    name: str
    path: Path
    query: str
    description: str
    depends_on: tuple[str, ...]
    lake_tables: tuple[str, ...]


def model_header(query: str) -> str:
    """The comment lines at the top of a ``sql/`` file, without the ``--``: what a row of its table is."""
    lines = []
    for line in query.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines).strip()


def load_models(sql_dir: Path) -> list[SqlModel]:
    """Every model in ``sql_dir``, in an order where each comes after the tables it selects from."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted(sql_dir.glob("*.sql"))}
    models: dict[str, SqlModel] = {}
    for name, query in texts.items():
        body = "\n".join(line.split("--", 1)[0] for line in query.splitlines())
        depends = tuple(other for other in texts if other != name and re.search(rf"\b(from|join)\s+{other}\b", body))
        lake = tuple(sorted({m.group("table") for m in _LAKE_REFERENCE.finditer(body)}))
        models[name] = SqlModel(name, sql_dir / f"{name}.sql", query, model_header(query), depends, lake)
    order = TopologicalSorter({name: set(model.depends_on) for name, model in models.items()}).static_order()
    return [models[name] for name in order]


#: DuckDB's memory limit while building (``XXGK_WAREHOUSE_MEMORY`` overrides): the 10,000-report warehouse
#: builds within it without spilling.
WAREHOUSE_MEMORY = "1GB"


def build_warehouse(lake_dir: Path, sql_dir: Path, database: Path) -> dict[str, int]:
    """Build every model into a fresh database file and publish it atomically; returns row counts."""
    database.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(database)
    building = database.with_name(f"{database.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    spill = database.with_name(f"{database.name}.spill-{os.getpid()}")
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(building)) as con:
            # Bounded memory whatever the lake's size: past the limit DuckDB's sorts and joins spill to a
            # folder beside the new file (removed with it).
            con.execute("set memory_limit = ?", [os.environ.get("XXGK_WAREHOUSE_MEMORY", WAREHOUSE_MEMORY)])
            con.execute("set temp_directory = ?", [str(spill)])
            # The models glob below lake_dir: a folder named with glob characters ("out [1]") is escaped.
            con.execute("set variable lake_dir = ?", [glob.escape(str(lake_dir.resolve()))])
            for model in load_models(sql_dir):
                con.execute(f"create table {model.name} as\n{model.query}")
                row = con.execute(f"select count(*) from {model.name}").fetchone()
                counts[model.name] = int(row[0]) if row else 0
                if model.description:
                    con.execute(f"comment on table {model.name} is {_quote(model.description)}")
            con.execute("checkpoint")
        _retire_wal(database)
        # The stamp says what the published file was built from; from the moment the file changes until the
        # caller writes the new stamp, there must be none (a build killed in between must not look current).
        stamp_file(database).unlink(missing_ok=True)
        os.replace(building, database)
    finally:
        building.unlink(missing_ok=True)
        building.with_name(building.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
    return counts


def _remove_abandoned_builds(database: Path) -> None:
    """Delete the new-warehouse files (and their WALs and spill folders) of builds whose process is gone
    (killed mid-build).

    A build running now in another process keeps its file; each build's file is named by its process id.
    """
    for leftover in database.parent.glob(f"{database.name}.building-*"):
        pid_text = leftover.name.removeprefix(f"{database.name}.building-").removesuffix(".wal")
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or process_alive(int(pid_text)):
            continue
        leftover.unlink(missing_ok=True)
    for spill in database.parent.glob(f"{database.name}.spill-*"):
        pid_text = spill.name.removeprefix(f"{database.name}.spill-")
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not process_alive(int(pid_text)):
            shutil.rmtree(spill, ignore_errors=True)




def _retire_wal(database: Path) -> None:
    """Move aside the write-ahead log an analyst's writes left beside the published file.

    A WAL belongs to the file it was written for; left beside the new file, it makes every new connection
    fail ("WAL does not match database file"). The analyst's open session keeps its own handle and goes on.
    """
    wal = database.with_name(database.name + ".wal")
    if wal.exists():
        os.replace(wal, wal.with_name(wal.name + ".stale"))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def query(database: Path, sql: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run an analyst's query read-only on the published warehouse; returns column names and rows."""
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.execute(sql)
        columns = [d[0] for d in result.description] if result.description else []
        return columns, result.fetchall()


EXPORT_FORMATS = ("csv", "parquet", "xlsx")


class ExportError(ValueError):
    """An export request that names a table, column or format the warehouse does not have."""


def export_table(database: Path, table: str, fmt: str, destination: Path, where: Sequence[tuple[str, str]] = ()) -> int:
    """Write one warehouse table (optionally filtered by ``column = value`` pairs) to a file; returns rows.

    Table and column names are checked against the warehouse's own catalogue and quoted; filter values are
    bound as parameters, cast to the column's type, so nothing typed on a command line is spliced into SQL.
    """
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format '{fmt}': choose one of {', '.join(EXPORT_FORMATS)}")
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {str(row[0]) for row in con.execute("select table_name from information_schema.tables").fetchall()}
        if table not in tables:
            raise ExportError(f"no table '{table}' in the warehouse; tables: {', '.join(sorted(tables))}")
        column_types = {
            str(name): str(kind)
            for name, kind in con.execute(
                "select column_name, data_type from information_schema.columns where table_name = ?", [table]
            ).fetchall()
        }
        conditions, parameters = [], []
        for column, value in where:
            if column not in column_types:
                raise ExportError(f"table '{table}' has no column '{column}'; columns: {', '.join(column_types)}")
            conditions.append(f"{_identifier(column)} = cast(? as {column_types[column]})")
            parameters.append(value)
        sql = f"select * from {_identifier(table)}"
        if conditions:
            sql += " where " + " and ".join(conditions)
        try:
            frame = con.sql(sql, params=parameters).pl()
        except duckdb.ConversionException as error:
            raise ExportError(f"a --where value does not fit its column's type: {error}") from error
    destination.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _flat(frame).write_csv(destination)
    elif fmt == "parquet":
        frame.write_parquet(destination)
    else:
        _flat(frame).write_excel(destination, worksheet=table[:31])
    return int(frame.height)


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (``reports.errors`` is a list of reasons) as JSON text: CSV and sheets hold no lists."""
    import polars as pl

    nested = [name for name, kind in frame.schema.items() if kind.is_nested()]
    return frame.with_columns(
        pl.Series(name, [None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[name].to_list()])
        for name in nested
    )


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_stamp(raw_dir: Path, sql_dir: Path) -> str:
    """What a warehouse is built from: the inbox files' bytes, the parser version and the SQL models."""
    from pipelines import PARSER_VERSION
    from pipelines.inbox import scan_inbox

    inbox = sorted((f.relative_path, f.sha256) for f in scan_inbox(raw_dir))
    sql = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in sorted(sql_dir.glob("*.sql"))))
    return json.dumps({"inbox": inbox, "parser": PARSER_VERSION, "sql": sql.hexdigest()})


def stamp_file(database: Path) -> Path:
    """The stamp written beside a published warehouse after a successful build."""
    return database.with_name("build-stamp.json")


def is_up_to_date(raw_dir: Path, sql_dir: Path, database: Path) -> bool:
    """Whether the published warehouse was built from exactly this inbox, parser and SQL: nothing to do."""
    stamp = stamp_file(database)
    return database.exists() and stamp.exists() and stamp.read_text() == build_stamp(raw_dir, sql_dir)
