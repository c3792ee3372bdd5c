"""Identical rebuilds: two builds of the same inbox, in different folders and processes, give the same marts.

The second build copies the inbox elsewhere (files written in the reverse order), runs as ``xxgk build`` in
a subprocess with another ``PYTHONHASHSEED`` (so any iteration over a set or dict of strings that leaks into
the output would show), into another output folder. Every table of both warehouses is hashed row by row in a
fixed order; the hashes must be equal. The inbox mixes what has order-sensitive handling: several years,
two versions of one issuer's report for a year (version ranking), byte-identical twins (which one is the
report), a failed file, and the real corpus when present.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.build import build_all
from pipelines.paths import warehouse_file
from tests.conftest import SEED, corpus_path
from tests.test_reliability_crash import mart_hashes

XXGK = str(Path(sys.executable).parent / "xxgk")
TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"


def make_inbox(raw: Path) -> None:
    raw.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for number in range(12):
        year = 2021 + number % 4
        report = text.replace(TITLE, f"# 第{number % 6}号镇人民政府 {year} 年信息公开工作年度报告").replace(
            "行政许可\t215", f"行政许可\t{200 + number}"
        )
        (raw / f"body-{number:02d}-{year}.txt").write_text(report, encoding="utf-8")
    # a second version of one report (same issuer and year, one figure changed), and byte-identical twins
    (raw / "body-00-2021-revised.txt").write_text(
        (raw / "body-00-2021.txt").read_text(encoding="utf-8").replace("行政处罚\t22", "行政处罚\t23"), "utf-8"
    )
    (raw / "copies").mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(SEED, raw / "copies" / name)
    (raw / "broken.pdf").write_bytes(b"<html>404</html>")
    corpus = corpus_path()
    if corpus.is_dir():
        (raw / "corpus").mkdir()
        for path in sorted(corpus.iterdir()):
            if path.suffix in (".txt", ".html", ".md"):
                shutil.copy(path, raw / "corpus" / path.name)


def copy_reversed(source: Path, target: Path) -> None:
    """The same files elsewhere, created in the reverse order (directory order differs on most filesystems)."""
    for path in sorted(source.rglob("*"), reverse=True):
        destination = target / path.relative_to(source)
        if path.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The warehouses of two builds of one inbox: in process, and in a subprocess from a reversed copy."""
    tmp_path = tmp_path_factory.mktemp("determinism")
    raw = tmp_path / "raw"
    make_inbox(raw)
    assert all(run.success for run in build_all(raw, tmp_path / "one", dg.DagsterInstance.ephemeral()))

    other_raw = tmp_path / "elsewhere" / "inbox"
    copy_reversed(raw, other_raw)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("XXGK_")}
    env["PYTHONHASHSEED"] = "12345"
    result = subprocess.run(
        [XXGK, "build", "--raw", str(other_raw), "--out", str(tmp_path / "two")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return warehouse_file(tmp_path / "one"), warehouse_file(tmp_path / "two")


def test_two_builds_of_one_inbox_give_identical_marts(two_builds: tuple[Path, Path]) -> None:
    first, second = (mart_hashes(database) for database in two_builds)
    assert first.keys() == second.keys()
    assert [table for table in first if first[table] != second[table]] == []


def test_two_builds_store_rows_in_the_same_order(two_builds: tuple[Path, Path]) -> None:
    """Stricter: the rows in the order the tables hold them, as ``xxgk export`` writes them."""
    first, second = (mart_hashes(database, sort=False) for database in two_builds)
    assert [table for table in first if first[table] != second[table]] == []
