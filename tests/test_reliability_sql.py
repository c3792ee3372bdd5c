"""Command-line input never becomes SQL: injection attempts through every place it reaches a query.

Audit (every place command-line text meets DuckDB):

- ``xxgk export MART --where COLUMN=VALUE``: MART and COLUMN are checked against the warehouse's catalogue
  and quoted as identifiers; VALUE is a bound parameter cast to the column's type (``warehouse.export_table``);
- ``xxgk show ISSUER``: bound parameters only (``show.find_issuer`` uses ``=`` and ``contains``, which has no
  wildcards); the mart and column names it selects are its own, quoted;
- ``xxgk build --raw/--out``: the lake folder reaches the models as a bound variable (``lake_dir``), escaped
  for glob characters since the models glob below it;
- ``xxgk sql "…"``: the analyst's own query, on a read-only connection (exempt by design).

Each attempt must fail cleanly or match nothing, and leave the warehouse byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.build import build_all
from pipelines.paths import SQL_DIR, warehouse_file
from pipelines.show import IssuerLookupError, show_issuer
from pipelines.warehouse import ExportError, build_warehouse, export_table
from tests.conftest import SEED

XXGK = str(Path(sys.executable).parent / "xxgk")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("sql")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    assert all(run.success for run in build_all(raw, base / "out", dg.DagsterInstance.ephemeral()))
    yield base / "out"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


INJECTED_COLUMNS = [
    "year; drop table reports",
    'year" = 2023 or "1" = "1',
    "1=1 --",
    "year) or (1=1",
]
INJECTED_MARTS = ["reports; drop table cells", 'reports" where 1=1 --', "information_schema.tables", "../reports"]


@pytest.mark.parametrize("column", INJECTED_COLUMNS)
def test_export_column_names_are_checked_not_spliced(out: Path, tmp_path: Path, column: str) -> None:
    database = warehouse_file(out)
    before = digest(database)
    with pytest.raises(ExportError, match="has no column"):
        export_table(database, "reports", "csv", tmp_path / "x.csv", [(column, "2023")])
    assert digest(database) == before


@pytest.mark.parametrize("mart", INJECTED_MARTS)
def test_export_mart_names_are_checked_not_spliced(out: Path, tmp_path: Path, mart: str) -> None:
    with pytest.raises(ExportError, match="no table"):
        export_table(warehouse_file(out), mart, "csv", tmp_path / "x.csv")


@pytest.mark.parametrize(
    ("column", "value", "rows"),
    [
        ("issuer", "x' or '1'='1", 0),
        ("issuer", "德归镇人民政府' --", 0),
        ("issuer", "%", 0),
        ("issuer", "德归镇人民政府", 1),
        ("year", "2023 or 1=1", None),
        ("year", "2023); drop table reports; --", None),
        ("year", "2023", 1),
    ],
)
def test_export_values_are_bound_parameters(
    out: Path, tmp_path: Path, column: str, value: str, rows: int | None
) -> None:
    database = warehouse_file(out)
    before = digest(database)
    if rows is None:
        with pytest.raises(ExportError, match="does not fit"):
            export_table(database, "reports", "csv", tmp_path / "x.csv", [(column, value)])
    else:
        assert export_table(database, "reports", "csv", tmp_path / "x.csv", [(column, value)]) == rows
    assert digest(database) == before


@pytest.mark.parametrize("issuer", ["' or 1=1 --", "%", "_", "德归镇人民政府' or ''='", "'); drop table reports; --"])
def test_show_issuer_matches_text_not_sql(out: Path, issuer: str) -> None:
    database = warehouse_file(out)
    before = digest(database)
    with pytest.raises(IssuerLookupError, match="no issuer in the warehouse matches"):
        show_issuer(database, issuer)
    assert digest(database) == before
    assert "德归镇" in show_issuer(database, "德归镇")


def test_command_line_injection_attempts_end_cleanly(out: Path, tmp_path: Path) -> None:
    database = warehouse_file(out)
    before = digest(database)
    attempts = [
        ["export", "reports; drop table cells", "--format", "csv", "-o", str(tmp_path / "a.csv")],
        ["export", "reports", "--format", "csv", "--where", "year=2023 or 1=1", "-o", str(tmp_path / "b.csv")],
        ["export", "reports", "--format", "csv", "--where", "issuer=x' or '1'='1", "-o", str(tmp_path / "c.csv")],
        ["show", "' or 1=1 --"],
    ]
    for arguments in attempts:
        result = subprocess.run(
            [XXGK, *arguments, "--out", str(out)], capture_output=True, text=True, timeout=120, check=False
        )
        assert "Traceback" not in result.stderr, result.stderr
        if arguments[:1] == ["export"] and "issuer=" in " ".join(arguments):
            assert result.returncode == 0 and "0 rows" in result.stdout
        else:
            assert result.returncode != 0, (arguments, result.stdout)
    assert digest(database) == before


def test_sql_is_read_only(out: Path) -> None:
    """``xxgk sql`` runs the analyst's own text, but cannot change the warehouse."""
    database = warehouse_file(out)
    before = digest(database)
    result = subprocess.run(
        [XXGK, "sql", "--out", str(out), "drop table reports"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "read-only" in result.stderr
    assert digest(database) == before
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select count(*) from reports").fetchone() == (1,)


def test_an_output_folder_named_with_quotes_and_glob_characters(out: Path, tmp_path: Path) -> None:
    """The lake folder reaches the models as a bound, glob-escaped variable: ``o'ut [1] *`` reads its own lake."""
    odd = tmp_path / "o'ut [1] {a,b} *"
    shutil.copytree(out / "lake", odd / "lake")
    decoy = tmp_path / "o'ut 1 {a,b} x"  # what the unescaped glob "[1]" and "*" would match instead
    shutil.copytree(out / "lake", decoy / "lake")
    for table in ("reports", "documents"):  # the decoy holds every row twice
        for part in list((decoy / "lake" / table).rglob("part*.parquet")):
            shutil.copy(part, part.with_name("copy-" + part.name))
    counts = build_warehouse(odd / "lake", SQL_DIR, odd / "warehouse" / "xxgk.duckdb")
    assert counts["reports"] == 1 and counts["documents"] == 1


def test_a_whole_build_into_a_folder_named_with_glob_characters(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    out = tmp_path / "o'ut [1]"
    runs = build_all(raw, out, dg.DagsterInstance.ephemeral())
    assert all(run.success for run in runs)
    with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
        assert con.execute("select count(*) from reports").fetchone() == (1,)
