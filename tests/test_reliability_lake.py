"""The lake after a crash mid-swap: what a killed update leaves behind is recovered, never read, never lost.

A partition folder (``cells/year=2023``) is replaced by writing the new one beside the table and renaming
twice (old aside, new in). A build killed between the two renames leaves no ``year=2023`` at all, only the
old folder aside; the next update must put it back before reading it, or the reports it holds are lost for
good (their documents are "unchanged", so they are not parsed again). Staging and retired folders must never
be where the marts' globs (``cells/**/*.parquet``) look.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.inbox import InboxFile, scan_inbox
from pipelines.lake import YEAR_TABLES, update_partition
from pipelines.parse import ParsedReport, parse_inbox_file
from pipelines.paths import SQL_DIR
from pipelines.warehouse import build_warehouse
from tests.conftest import SEED


def parse_here(files: Sequence[InboxFile]) -> list[ParsedReport]:
    return [parse_inbox_file(f) for f in files]


def lake_with_the_seed(tmp_path: Path) -> tuple[Path, list[InboxFile]]:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    files = scan_inbox(raw)
    lake = tmp_path / "lake"
    update_partition(lake, "2023", files, parse_here)
    return lake, files


def rows(lake: Path, table: str) -> int:
    return pl.scan_parquet(lake / table / "**" / "*.parquet", hive_partitioning=True).collect().height


def test_a_partition_left_aside_by_a_killed_swap_comes_back(tmp_path: Path) -> None:
    lake, files = lake_with_the_seed(tmp_path)
    before = {table: rows(lake, table) for table in YEAR_TABLES}
    assert before["cells"] > 100
    for table in YEAR_TABLES:  # killed after "old folder aside", before "new folder in"
        aside = lake / f".{table}.retired" / "year=2023"
        aside.parent.mkdir(parents=True, exist_ok=True)
        (lake / table / "year=2023").rename(aside)
        (lake / f".{table}.building" / "year=2023").mkdir(parents=True)
        (lake / f".{table}.building" / "year=2023" / "part.parquet").write_bytes(b"PAR1 half written")

    update = update_partition(lake, "2023", files, parse_here)

    assert update.parsed == [] and update.reused == [SEED.name]  # nothing re-parsed …
    assert {table: rows(lake, table) for table in YEAR_TABLES} == before  # … and nothing lost
    assert not list(lake.glob(".*.retired/*")) and not list(lake.glob(".*.building/*"))


def test_leftovers_of_the_earlier_layout_are_cleared_before_the_marts_read(tmp_path: Path) -> None:
    """Staging folders inside a table folder (before this layout) broke every mart: DuckDB read them too."""
    lake, files = lake_with_the_seed(tmp_path)
    shutil.copytree(lake / "cells" / "year=2023", lake / "cells" / ".year=2023.building")
    with duckdb.connect() as con:  # what the marts would have done
        try:
            con.execute(f"select count(*) from read_parquet('{lake}/cells/**/*.parquet', hive_partitioning = true)")
            broken = False
        except duckdb.Error:
            broken = True
    assert broken
    update_partition(lake, "2023", files, parse_here)
    assert not (lake / "cells" / ".year=2023.building").exists()
    counts = build_warehouse(lake, SQL_DIR, tmp_path / "warehouse" / "xxgk.duckdb")
    assert counts["reports"] == 1


def test_no_staging_folder_is_inside_a_table_while_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a partition is written, its new folder sits beside the table: the table's glob cannot see it."""
    import pipelines.lake as lake_module

    seen: list[str] = []
    original = lake_module._part_writer

    def spying(frame: pl.DataFrame) -> Callable[[Path], None]:
        write = original(frame)

        def wrapped(folder: Path) -> None:
            seen.append(folder.relative_to(folder.parents[2]).as_posix())
            write(folder)

        return wrapped

    monkeypatch.setattr(lake_module, "_part_writer", spying)
    lake_with_the_seed(tmp_path)
    assert sorted(seen) == sorted(f"lake/.{table}.building/year=2023" for table in YEAR_TABLES)


class Killed(Exception):
    """Stands for SIGKILL in the middle of publishing."""


def test_a_partition_commit_killed_half_way_is_finished_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after reports were published but before cells: the journal lets the next build finish it.

    Without it, the new reports sat next to the old cells (orphans: the blocking check failed every later
    build's earlier partitions before this one could be rewritten).
    """
    import json
    import subprocess

    import pipelines.lake as lake_module
    from pipelines.lake import recover_lake

    lake, _ = lake_with_the_seed(tmp_path)
    changed = tmp_path / "raw" / SEED.name
    changed.write_text(SEED.read_text(encoding="utf-8").replace("行政许可\t215", "行政许可\t216"), encoding="utf-8")
    new_files = scan_inbox(tmp_path / "raw")

    published: list[Path] = []
    real = lake_module._publish_folder

    def dying(target: Path, staging: Path | None) -> None:
        if published:
            raise Killed
        published.append(target)
        real(target, staging)

    monkeypatch.setattr(lake_module, "_publish_folder", dying)
    with pytest.raises(Killed):
        update_partition(lake, "2023", new_files, parse_here)
    monkeypatch.undo()

    def orphans() -> int:
        cells = pl.scan_parquet(lake / "cells" / "**" / "*.parquet", hive_partitioning=True).select("report_id")
        reports = pl.scan_parquet(lake / "reports" / "**" / "*.parquet", hive_partitioning=True)
        return cells.join(reports.select("report_id"), on="report_id", how="anti").collect().height

    assert orphans() > 0  # the half-published state the kill left
    journal = lake / ".journal" / "2023.json"
    entry = json.loads(journal.read_text())
    done = subprocess.Popen(["true"])  # a process that is gone: the killed build
    done.wait()
    entry["pid"] = done.pid
    journal.write_text(json.dumps(entry))

    assert recover_lake(lake) == ["2023"]
    assert orphans() == 0
    documents = pl.read_parquet(lake / "documents" / "part-2023.parquet")
    assert documents["sha256"].to_list() == [new_files[0].sha256]
    assert not journal.exists() and not list(lake.glob(".*.building/*"))
    assert not (lake / "documents" / ".part-2023.parquet.building").exists()
