"""The lake on S3-compatible object storage (``pipelines.lakestore.ObjectLake``), against a real moto server.

Object storage has no rename, so a partition is published by one PUT of its manifest after its files are
written under new keys. These tests pin what that must guarantee: the same rows as the local lake; a writer
that dies before its manifest leaves the published partition exactly as it was (its files are never read,
and ``vacuum`` removes them); a partition's tables change together; a removed partition disappears whole; a
reader whose files were retired under it starts again from the manifests.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
import pytest

from pipelines.inbox import InboxFile, scan_inbox
from pipelines.lake import FINDING_SCHEMA, YEAR_TABLES
from pipelines.lakestore import LocalLake, ObjectLake
from pipelines.parse import ParsedReport, parse_inbox_file
from tests.conftest import SEED
from tests.scaleout.servers import start_moto

BUCKET = "lake-tests"


def parse_here(files: Sequence[InboxFile]) -> list[ParsedReport]:
    return [parse_inbox_file(f) for f in files]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = start_moto(tmp_path_factory.mktemp("moto"), BUCKET)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def lake(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> ObjectLake:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return ObjectLake(f"s3://{BUCKET}/{uuid.uuid4().hex}", endpoint_url=endpoint)


def seed_inbox(tmp_path: Path, *names: str) -> list[InboxFile]:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(SEED, raw / name)
    return scan_inbox(raw)


def table(folder: Path, name: str) -> pl.DataFrame:
    frame = pl.read_parquet(folder / name / "**" / "*.parquet", hive_partitioning=True)
    return frame.drop("year", strict=False).sort(pl.all())


def test_object_lake_holds_the_same_rows_as_the_local_lake(lake: ObjectLake, tmp_path: Path) -> None:
    files = seed_inbox(tmp_path, SEED.name)
    local = LocalLake(tmp_path / "local")
    for store in (local, lake):
        store.write_inbox(files)
        store.update_partition("2023", files, parse_here)
        store.write_cross_findings([])
    assert lake.lake_partitions() == local.lake_partitions() == {"2023"}
    assert [f.relative_path for f in lake.read_inbox()] == [f.relative_path for f in local.read_inbox()]
    with lake.snapshot() as remote, local.snapshot() as here:
        for name in ("documents", *YEAR_TABLES, "cross_findings"):
            assert table(remote, name).equals(table(here, name)), name
    again = lake.update_partition("2023", files, parse_here)
    assert again.parsed == [] and again.reused == [SEED.name]  # unchanged documents keep their rows


def test_a_writer_killed_before_its_manifest_changes_nothing(
    lake: ObjectLake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = seed_inbox(tmp_path, "a.txt")
    lake.update_partition("2023", first, parse_here)
    with lake.snapshot() as folder:
        before = {name: table(folder, name) for name in ("documents", *YEAR_TABLES)}
    published = set(lake.fs.find(lake._key("data")))

    def killed(name: str, manifest: dict[str, object]) -> None:
        raise SystemExit("killed before the manifest PUT")

    monkeypatch.setattr(lake, "_put_manifest", killed)
    (tmp_path / "raw" / "a.txt").write_text(SEED.read_text(encoding="utf-8").replace("215", "216"), "utf-8")
    with pytest.raises(SystemExit):
        lake.update_partition("2023", scan_inbox(tmp_path / "raw"), parse_here)
    monkeypatch.undo()

    orphans = set(lake.fs.find(lake._key("data"))) - published
    assert len(orphans) == 1 + len(YEAR_TABLES)  # the new files were written …
    with lake.snapshot() as folder:  # … but nothing reads them
        for name, frame in before.items():
            assert table(folder, name).equals(frame), name
    assert lake.vacuum(older_than_seconds=3600) == []  # young files may be a commit in progress
    assert sorted(lake.vacuum(older_than_seconds=-1)) == sorted(orphans)
    assert set(lake.fs.find(lake._key("data"))) == published


def test_a_partition_is_replaced_whole_and_its_old_files_retired(lake: ObjectLake, tmp_path: Path) -> None:
    files = seed_inbox(tmp_path, "a.txt")
    lake.update_partition("2023", files, parse_here)
    old = set(lake.committed_files().values())
    files = seed_inbox(tmp_path, "a.txt", "b.txt")  # a byte-identical twin: one more documents row
    lake.update_partition("2023", files, parse_here)
    new = set(lake.committed_files().values())
    assert not old & new
    assert {str(key) for key in lake.fs.find(lake._key("data"))} == {lake._key(relative) for relative in new}
    with lake.snapshot() as folder:
        assert table(folder, "documents").height == 2
        assert table(folder, "reports").height == 1
    with lake.snapshot(["reports"]) as folder:  # a reader of some tables copies only those (others stay empty)
        assert table(folder, "reports").height == 1
        assert table(folder, "cells").height == 0


def test_removing_a_partition_unpublishes_it_whole(lake: ObjectLake, tmp_path: Path) -> None:
    files = seed_inbox(tmp_path, "a.txt")
    lake.update_partition("2023", files, parse_here)
    lake.remove_partition("2023")
    assert lake.lake_partitions() == set()
    assert lake.fs.find(lake._key("data")) == []
    with lake.snapshot() as folder:  # every table still readable, with its columns and no rows
        for name in ("documents", *YEAR_TABLES):
            assert table(folder, name).height == 0


def test_a_snapshot_starts_again_when_a_file_was_retired_under_it(
    lake: ObjectLake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = seed_inbox(tmp_path, "a.txt")
    lake.update_partition("2023", files, parse_here)
    stale = lake.committed_files()
    lake.update_partition("2023", seed_inbox(tmp_path, "a.txt", "b.txt"), parse_here)  # retires stale files
    calls = []
    fresh = ObjectLake.committed_files

    def first_stale(self: ObjectLake) -> dict[str, str]:
        calls.append(1)
        return stale if len(calls) == 1 else fresh(self)

    monkeypatch.setattr(ObjectLake, "committed_files", first_stale)
    with lake.snapshot() as folder:
        assert table(folder, "documents").height == 2
    assert len(calls) == 2


def test_both_lakes_keep_cross_findings_with_their_inputs_and_know_a_current_partition(
    lake: ObjectLake, tmp_path: Path
) -> None:
    """What incremental builds rely on: the cross-report findings come back with the inputs they were
    computed from, and a partition whose files are unchanged is known to be current (so it is not run)."""
    files = seed_inbox(tmp_path, SEED.name)
    local = LocalLake(tmp_path / "local")
    rows = pl.DataFrame([{"report_id": "r1", "year": 2023, "kind": "peer", "rule": "COPY_PEER"}], schema=FINDING_SCHEMA)
    inputs = {"issuers": {"某镇": "abc"}, "years": {"2023": "def"}}
    for store in (local, lake):
        assert store.read_cross_findings() is None
        store.write_inbox(files)
        assert not store.partition_is_current("2023", files)
        store.update_partition("2023", files, parse_here)
        assert store.partition_is_current("2023", files)
        assert not store.partition_is_current("2023", seed_inbox(tmp_path, "another_copy.txt"))
        store.write_cross_findings(rows, inputs)
        last = store.read_cross_findings()
        assert last is not None
        found, stored = last
        assert found.select("report_id", "rule").rows() == [("r1", "COPY_PEER")]
        assert (stored["issuers"], stored["years"]) == (inputs["issuers"], inputs["years"])
        store.write_cross_findings(rows)  # written without inputs: the next build must recompute all
        assert store.read_cross_findings() is None
