"""The Parquet lake: what the pipeline read from every inbox file, readable by any engine.

Layout below the lake folder (``data/lake`` by default):

- ``inbox/inbox.parquet`` — the inbox catalogue: every file found, its sha256, size, detected format and
  the report year its title gives (the partition it is parsed in; ``unknown`` when none).
- ``documents/part-<partition>.parquet`` — one row per inbox file: path, sha256, size, format, status
  (parsed / partial / failed / needs_ocr / not_a_report) and the reasons, issuer, year and template where
  known, and the parser version that read it.
- ``reports/year=YYYY/*.parquet`` — one row per report whose year is known (hive-partitioned by year),
  with its identity facts and which version of the issuer's report for the year it is.
- ``cells/year=YYYY/*.parquet`` — one row per canonical cell of those reports: key, value, status, the raw
  text printed and where it was printed (locator).
- ``findings/year=YYYY/*.parquet`` — one row per check on one report (rule, scope, outcome, the cells involved).
- ``sections/year=YYYY/*.parquet`` — one row per section of a report (一 … 六), with its text.
- ``cross_findings/cross_findings.parquet`` — checks across reports: cross-year (R5, R6, jumps, copied text)
  and copies between issuers of the same year.

A report is identified by ``report_id``: the first 16 hex digits of its file's sha256, so the same bytes
always give the same id and a republished, changed document gives a new one.

Each table has an ``empty.parquet`` holding only the schema (in ``year=__HIVE_DEFAULT_PARTITION__/``, Hive's
folder for a null year, in the year-partitioned tables), so readers see the columns before the first report.
A year's folder (and a partition's documents file) is written beside the published one and swapped in whole,
so a reader never sees half a partition; a document whose bytes and parser did not change is not parsed again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipelines import PARSER_VERSION
from pipelines.identity.report import ReportFacts
from pipelines.inbox import UNKNOWN_PARTITION, InboxFile, file_digest
from pipelines.isolation import run_isolated
from pipelines.parse import PARSED, PARTIAL, ParsedReport, parse_inbox_file, unparsed_report
from pipelines.processes import process_alive
from pipelines.validation.findings import finding_lake_record
from pipelines.versions import cells_read, issuer_key, rank_versions

#: Documents that are reports with figures: the ones that get rows in ``reports`` and ``cells``.
REPORT_STATUSES = frozenset({PARSED, PARTIAL})

INBOX_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String(),
    "absolute_path": pl.String(),
    "size_bytes": pl.Int64(),
    "sha256": pl.String(),
    "format": pl.String(),
    "refusal": pl.String(),
    "year_hint": pl.Int32(),
    "partition": pl.String(),
}
DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String(),
    "file_name": pl.String(),
    "sha256": pl.String(),
    "report_id": pl.String(),
    "size_bytes": pl.Int64(),
    "format": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "issuer": pl.String(),
    "year": pl.Int32(),
    "template": pl.String(),
    "title": pl.String(),
    "cells_expected": pl.Int32(),
    "cells_read": pl.Int32(),
    "parser_version": pl.String(),
    "partition": pl.String(),
}
_FACT_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "str | None": pl.String(),
    "date | None": pl.Date(),
    "list[str]": pl.List(pl.String()),
}
#: The identity facts of a report (pipelines.identity.report.ReportFacts), one column each.
FACT_SCHEMA: dict[str, pl.DataType] = {
    f.name: _FACT_TYPES[str(f.type)]
    for f in dataclasses.fields(ReportFacts)
    if f.name not in ("problems", "doc_kind_evidence")
}
REPORT_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "path": pl.String(),
    "sha256": pl.String(),
    "issuer": pl.String(),
    "year": pl.Int32(),
    "template": pl.String(),
    "status": pl.String(),
    "title": pl.String(),
    "errors": pl.List(pl.String()),
    "conflicts": pl.String(),
    "format": pl.String(),
    "issuer_key": pl.String(),
    "cells_read": pl.Int32(),
    "version_rank": pl.Int32(),
    "versions": pl.Int32(),
    "is_chosen": pl.Boolean(),
    "score": pl.Float64(),
    **FACT_SCHEMA,
}
FINDING_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "year": pl.Int32(),
    "kind": pl.String(),
    "rule": pl.String(),
    "scope": pl.String(),
    "outcome": pl.String(),
    "severity": pl.String(),
    "expected": pl.Float64(),
    "actual": pl.Float64(),
    "message": pl.String(),
    "quote": pl.String(),
    "cells": pl.String(),
    "related_report_id": pl.String(),
}
SECTION_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "year": pl.Int32(),
    "ordinal": pl.Int32(),
    "section_id": pl.String(),
    "heading": pl.String(),
    "number": pl.String(),
    "match": pl.String(),
    "is_table": pl.Boolean(),
    "locator_first": pl.String(),
    "locator_last": pl.String(),
    "text": pl.String(),
}
CELL_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "year": pl.Int32(),
    "key": pl.String(),
    "table_name": pl.String(),
    "value": pl.Float64(),
    "value_status": pl.String(),
    "raw_text": pl.String(),
    "locator": pl.String(),
    "note": pl.String(),
    "mapping_quality": pl.String(),
}


def report_id(sha256: str) -> str:
    return sha256[:16]


def document_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    """Join the inbox catalogue with what parsing made of each file: exactly one row per file."""
    rows = []
    for inbox_file, report in zip(files, reports, strict=True):
        printed = sum(1 for c in report.cells.values() if c.value is not None or c.status != "missing")
        rows.append(
            {
                "path": inbox_file.relative_path,
                "file_name": inbox_file.path.name,
                "sha256": inbox_file.sha256 or None,
                "report_id": report_id(inbox_file.sha256) if inbox_file.sha256 else None,
                "size_bytes": inbox_file.size_bytes,
                "format": inbox_file.format,
                "status": report.status,
                "reason": "; ".join(report.errors) or None,
                "issuer": report.issuer,
                "year": report.year,
                "template": report.template,
                "title": report.title,
                "cells_expected": len(report.cells),
                "cells_read": printed,
                "parser_version": report.parser_version,
                "partition": inbox_file.partition,
            }
        )
    return pl.DataFrame(rows, schema=DOCUMENT_SCHEMA)


def _facts(report: ParsedReport) -> dict[str, object]:
    if report.facts is None:
        return {}
    return {name: getattr(report.facts, name) for name in FACT_SCHEMA}


def _reports(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> list[tuple[InboxFile, ParsedReport]]:
    """The documents that are reports with figures and a known year: they get rows beyond ``documents``."""
    return [(f, r) for f, r in zip(files, reports, strict=True) if r.status in REPORT_STATUSES and r.year is not None]


def report_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    """One row per report; the version columns are filled in by ``rank_versions`` over the whole year."""
    rows = [
        {
            "report_id": report_id(f.sha256),
            "path": f.relative_path,
            "sha256": f.sha256,
            "format": f.format,
            "issuer": r.issuer,
            "year": r.year,
            "template": r.template,
            "status": r.status,
            "title": r.title,
            "errors": r.errors,
            "conflicts": json.dumps(r.conflicts, ensure_ascii=False) if r.conflicts else None,
            "issuer_key": issuer_key(r),
            "cells_read": cells_read(r),
            "score": r.score,
            **_facts(r),
        }
        for f, r in _reports(files, reports)
    ]
    return pl.DataFrame(rows, schema=REPORT_SCHEMA)


def finding_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    """Every single-report finding (R1–R4, R7–R10, completeness, timeliness) with its outcome."""
    rows = [
        {
            "report_id": report_id(f.sha256),
            "year": r.year,
            "kind": "report",
            **finding_lake_record(finding),
            "related_report_id": None,
        }
        for f, r in _reports(files, reports)
        for finding in r.findings
    ]
    return pl.DataFrame(rows, schema=FINDING_SCHEMA)


def section_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    rows = []
    for f, r in _reports(files, reports):
        for ordinal, section in enumerate(r.sections):
            record = section.as_dict()
            rows.append(
                {
                    "report_id": report_id(f.sha256),
                    "year": r.year,
                    "ordinal": ordinal,
                    **{k: record[k] for k in SECTION_SCHEMA if k in record},
                }
            )
    return pl.DataFrame(rows, schema=SECTION_SCHEMA)


def cell_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    rows = [
        {
            "report_id": report_id(f.sha256),
            "year": r.year,
            "key": cell.key,
            "table_name": cell.key.split(".", 1)[0],
            "value": None if cell.value is None else float(cell.value),
            "value_status": cell.status,
            "raw_text": cell.raw,
            "locator": cell.locator,
            "note": cell.note,
            "mapping_quality": getattr(cell, "mapping_quality", "exact"),
        }
        for f, r in _reports(files, reports)
        for cell in r.cells.values()
    ]
    return pl.DataFrame(rows, schema=CELL_SCHEMA)


YEAR_TABLES = ("reports", "cells", "findings", "sections")


@dataclass(frozen=True)
class LakeRows:
    """One parsed document as the lake stores it: its ``documents`` row and, for a report, its rows of the
    year tables, as small frames.

    This is what a parse worker sends back instead of the ``ParsedReport``: a handful of Arrow buffers pickle
    and unpickle in a fraction of the time of a report's thousand Python objects, and a partition of
    thousands of documents is held as frames, not objects.
    """

    tables: dict[str, pl.DataFrame]


_ROW_BUILDERS: dict[str, Callable[[Sequence[InboxFile], Sequence[ParsedReport]], pl.DataFrame]] = {
    "documents": document_rows,
    "reports": report_rows,
    "cells": cell_rows,
    "findings": finding_rows,
    "sections": section_rows,
}


def lake_rows(inbox_file: InboxFile, report: ParsedReport) -> LakeRows:
    """The lake rows of one parsed document (``document_rows`` and the year tables' builders, for one file)."""
    files, reports = [inbox_file], [report]
    return LakeRows({table: build(files, reports) for table, build in _ROW_BUILDERS.items()})


def parse_to_lake_rows(inbox_file: InboxFile) -> LakeRows:
    """Parse one catalogued file into its lake rows (what a parse worker runs)."""
    return lake_rows(inbox_file, parse_inbox_file(inbox_file))


def parse_many_to_lake_rows(files: Sequence[InboxFile], workers: int | None = None) -> list[LakeRows]:
    """``parse_many``, with each worker turning its document into lake rows before sending it back.

    A document over its time or memory budget, or whose worker died, gets the rows of a ``failed`` document
    with that reason; the others are not affected.
    """
    outcomes = run_isolated(parse_to_lake_rows, files, workers)
    return [
        outcome.value if outcome.value is not None else lake_rows(f, unparsed_report(f, outcome.kind, outcome.reason))
        for f, outcome in zip(files, outcomes, strict=True)
    ]


#: Documents parsed and turned into frames at a time while updating a partition: memory holds one chunk's
#: worth of parse results, whatever the size of the year.
PARSE_CHUNK = 256


NULL_PARTITION = "year=__HIVE_DEFAULT_PARTITION__"
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "documents": DOCUMENT_SCHEMA,
    "reports": REPORT_SCHEMA,
    "cells": CELL_SCHEMA,
    "findings": FINDING_SCHEMA,
    "sections": SECTION_SCHEMA,
    "cross_findings": FINDING_SCHEMA,
}


def ensure_lake(lake_dir: Path) -> None:
    """Create every table folder with its schema-only ``empty.parquet`` (idempotent), after finishing the
    partition commits a killed build left half done (``recover_lake``)."""
    recover_lake(lake_dir)
    for table, schema in SCHEMAS.items():
        # In a year-partitioned table the schema file sits in Hive's folder for a null partition value, which
        # DuckDB, Polars and Arrow all read as "no year", so that it never clashes with the year=YYYY folders.
        folder = lake_dir / table / (NULL_PARTITION if table in YEAR_TABLES else "")
        folder.mkdir(parents=True, exist_ok=True)
        empty = folder / "empty.parquet"
        if not empty.exists():
            _atomic_file(empty, pl.DataFrame(schema=schema).write_parquet)


def _atomic_file(target: Path, write: Callable[[Path], None]) -> None:
    staging = target.with_name(f".{target.name}.building")
    write(staging)
    os.replace(staging, target)


def _side_folders(target: Path) -> tuple[Path, Path]:
    """Where a partition folder's replacement is built, and where the old one waits to be deleted.

    Both sit beside the table's folder (``lake/.cells.building/year=2023``), never inside it, so that no
    reader's glob (``cells/**/*.parquet`` in the marts and checks) can see a half-written or retired partition.
    """
    table = target.parent
    return (
        table.with_name(f".{table.name}.building") / target.name,
        table.with_name(f".{table.name}.retired") / target.name,
    )


def _recover_folder(target: Path) -> None:
    """Undo what a build killed in the middle of a swap left: the last published folder comes back.

    Killed between moving the old folder aside and moving the new one in, a swap leaves no ``target`` but a
    retired copy: that copy is the published state and is moved back. Half-built staging folders are
    deleted. Leftovers of the earlier layout (``.year=2023.building`` inside the table folder, which the
    marts' globs did read) are treated the same way.
    """
    staging, retired = _side_folders(target)
    old_staging = target.with_name(f".{target.name}.building")
    old_retired = target.with_name(f".{target.name}.retired")
    for aside in (retired, old_retired):
        if aside.exists() and not target.exists():
            aside.rename(target)
    for leftover in (staging, retired, old_staging, old_retired):
        shutil.rmtree(leftover, ignore_errors=True)
    _remove_if_empty(staging.parent, retired.parent)


def _remove_if_empty(*folders: Path) -> None:
    """Remove side folders left empty (another partition's update may be using one: then it is not empty)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _into(folder: Path, move: Callable[[], object]) -> None:
    """Create ``folder`` and run ``move`` (a rename into it), again if another update removed it in between."""
    for attempt in range(3):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            move()
            return
        except FileNotFoundError:
            if attempt == 2 or folder.exists():
                raise


def _publish_folder(target: Path, staging: Path | None) -> None:
    """Put the written ``staging`` folder in place of ``target`` (None: remove ``target``); idempotent."""
    _, retired = _side_folders(target)
    if staging is not None and not staging.exists():
        return  # published already (a commit rolled forward twice)
    if target.exists():
        shutil.rmtree(retired, ignore_errors=True)
        _into(retired.parent, lambda: target.rename(retired))
    if staging is not None:
        staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    _remove_if_empty(*(side.parent for side in _side_folders(target)))


# --- a partition's tables are published together -------------------------------------------------------
#
# A partition is four folders (reports, cells, findings, sections) and a documents file that must agree: a
# report's cells next to another update's reports are orphans (the blocking check fails every later build
# until that partition is rewritten). So everything is first written beside the tables, then a journal
# lists what is to be published, then the renames run, then the journal goes. A build killed before the
# journal leaves only staging (deleted by the next update); killed after it, the next build finishes the
# renames (roll forward), since everything they publish was complete before the journal was written.


def _journal(lake_dir: Path, partition: str) -> Path:
    return lake_dir / ".journal" / f"{partition}.json"


def _commit_partition(lake_dir: Path, partition: str, tables: dict[str, bool], documents: pl.DataFrame | None) -> None:
    """Publish the staged folders of ``partition`` (``tables``: table → has a new folder, else removed) and
    its documents file (None: removed) as one step, through the journal."""
    documents_file = lake_dir / "documents" / f"part-{partition}.parquet"
    if documents is not None:
        documents.write_parquet(documents_file.with_name(f".{documents_file.name}.building"))
    journal = _journal(lake_dir, partition)
    entry = {"pid": os.getpid(), "tables": tables, "documents": documents is not None}

    def write(path: Path) -> None:
        path.write_text(json.dumps(entry))

    _into(journal.parent, lambda: _atomic_file(journal, write))
    _apply_journal(lake_dir, partition, entry)


def _apply_journal(lake_dir: Path, partition: str, entry: dict[str, Any]) -> None:
    """Do (or finish) the publishing a journal entry lists, then drop the journal; safe to run twice."""
    for table, written in dict(entry["tables"]).items():
        target = lake_dir / table / f"year={partition}"
        _publish_folder(target, _side_folders(target)[0] if written else None)
    documents_file = lake_dir / "documents" / f"part-{partition}.parquet"
    staged = documents_file.with_name(f".{documents_file.name}.building")
    if entry["documents"]:
        if staged.exists():
            os.replace(staged, documents_file)
    else:
        documents_file.unlink(missing_ok=True)
    _journal(lake_dir, partition).unlink(missing_ok=True)
    _remove_if_empty(_journal(lake_dir, partition).parent)


def recover_lake(lake_dir: Path) -> list[str]:
    """Finish the partition commits that killed builds left half done; returns their partitions.

    Only journals of processes that are gone are rolled forward: a live process (another partition's run in
    the UI) is still committing its own.
    """
    finished = []
    folder = lake_dir / ".journal"
    for journal in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            entry = json.loads(journal.read_text())
        except (OSError, ValueError):
            continue
        if process_alive(int(entry.get("pid", 0))):
            continue
        _apply_journal(lake_dir, journal.stem, entry)
        finished.append(journal.stem)
    return finished




def inbox_frame(files: Sequence[InboxFile]) -> pl.DataFrame:
    """The inbox catalogue as a table: one row per file found, before parsing."""
    return pl.DataFrame(
        [
            {
                "path": f.relative_path,
                "absolute_path": str(f.path),
                "size_bytes": f.size_bytes,
                "sha256": f.sha256 or None,
                "format": f.format,
                "refusal": f.refusal,
                "year_hint": f.year_hint,
                "partition": f.partition,
            }
            for f in files
        ],
        schema=INBOX_SCHEMA,
    )


def inbox_files(frame: pl.DataFrame) -> list[InboxFile]:
    """The inbox files a catalogue table lists (the inverse of ``inbox_frame``)."""
    return [
        InboxFile(
            Path(r["absolute_path"]),
            r["path"],
            r["size_bytes"],
            r["sha256"] or "",
            r["format"],
            r["refusal"],
            r["year_hint"],
        )
        for r in frame.iter_rows(named=True)
    ]


def write_inbox(lake_dir: Path, files: Sequence[InboxFile]) -> int:
    """The inbox catalogue: every file found, before parsing."""
    ensure_lake(lake_dir)
    frame = inbox_frame(files)
    (lake_dir / "inbox").mkdir(parents=True, exist_ok=True)
    _atomic_file(lake_dir / "inbox" / "inbox.parquet", frame.write_parquet)
    return frame.height


def read_inbox(lake_dir: Path) -> list[InboxFile]:
    """The last catalogue written (empty before the first scan)."""
    path = lake_dir / "inbox" / "inbox.parquet"
    if not path.exists():
        return []
    return inbox_files(pl.read_parquet(path, glob=False))


def known_years(lake_dir: Path) -> dict[str, int | None]:
    """sha256 → report year found when the file was first catalogued, so a rescan does not read it again."""
    return {f.sha256: f.year_hint for f in read_inbox(lake_dir) if f.sha256}


def lake_partitions(lake_dir: Path) -> set[str]:
    """The partitions that have a documents file in the lake."""
    folder = lake_dir / "documents"
    return {p.stem.removeprefix("part-") for p in folder.glob("part-*.parquet")} if folder.exists() else set()


def partition_is_current(lake_dir: Path, partition: str, files: Sequence[InboxFile]) -> bool:
    """Whether the lake's partition holds exactly ``files`` (paths and sha256), all parsed by this parser
    version, with no commit left unfinished: updating it would reuse every document and change nothing."""
    documents_file = lake_dir / "documents" / f"part-{partition}.parquet"
    if not documents_file.is_file() or _journal(lake_dir, partition).exists():
        return False
    return documents_are_current(_read(documents_file, DOCUMENT_SCHEMA), files)


def documents_are_current(documents: pl.DataFrame, files: Sequence[InboxFile]) -> bool:
    """Whether a partition's published ``documents`` are exactly ``files`` (paths and sha256), all parsed by
    this parser version."""
    if not files or documents.height != len(files) or (documents["parser_version"] != PARSER_VERSION).any():
        return False
    return set(documents.select("path", "sha256").iter_rows()) == {(f.relative_path, f.sha256 or None) for f in files}


@dataclass
class PartitionUpdate:
    """What updating one partition of the lake did: how many documents were parsed or reused, row counts."""

    partition: str
    parsed: list[str]
    reused: list[str]
    rows: dict[str, int]
    statuses: dict[str, int]
    not_parsed: list[tuple[str, str, str]]  # path, status, reason, for every document not fully parsed


def table_files(lake_dir: Path, table: str) -> list[Path]:
    """The published Parquet files of a lake table, in a fixed order.

    Listed with ``Path.rglob`` rather than handed to a reader's glob, so that an output folder whose name
    holds glob characters (``out [1]``) is read as it is; side folders (``.cells.building``) sit beside the
    table, so nothing half-written is listed.
    """
    folder = lake_dir / table
    return sorted(f for f in folder.rglob("*.parquet") if not f.name.startswith(".")) if folder.is_dir() else []


def scan_table(lake_dir: Path, table: str) -> pl.LazyFrame:
    """A lake table as one lazy frame, with its ``year`` partition column from the Hive folders."""
    files = table_files(lake_dir, table)
    if not files:
        return pl.LazyFrame(schema=SCHEMAS[table])
    return pl.scan_parquet(files, glob=False, hive_partitioning=True, missing_columns="insert")


def _read(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    if not path.exists():
        return pl.DataFrame(schema=schema)
    files = [path] if path.is_file() else sorted(path.glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=schema)
    # glob=False: the lake's path may hold glob characters (an output folder named "out [1]")
    first = pl.scan_parquet(files[0], glob=False).collect_schema()
    return pl.concat([pl.read_parquet(f, glob=False) for f in files], how="diagonal_relaxed").select(
        [pl.col(name).cast(kind) if name in first else pl.lit(None, kind).alias(name) for name, kind in schema.items()]
    )


@dataclass
class PartitionPlan:
    """The new content of one partition, computed before anything is published.

    ``documents`` is the partition's documents table; ``tables`` holds the full new content of each year table
    (empty for the ``unknown`` partition, which has only documents). A storage publishes all of it as one step.
    """

    update: PartitionUpdate
    documents: pl.DataFrame
    tables: dict[str, pl.DataFrame]


def plan_partition(
    partition: str,
    files: Sequence[InboxFile],
    parse: Callable[[Sequence[InboxFile]], Sequence[ParsedReport | LakeRows]],
    previous: pl.DataFrame,
    read_table: Callable[[str], pl.DataFrame],
) -> PartitionPlan:
    """The new content of one partition from its inbox files and what the lake holds for it now.

    ``previous`` is the partition's published documents table and ``read_table(table)`` its published rows of a
    year table, from whichever storage holds the lake. Documents whose path, sha256 and parser version are
    unchanged keep their rows; the others are parsed (``parse`` takes a list, may spread it over processes, and
    returns reports or their ``LakeRows``; it is called ``PARSE_CHUNK`` files at a time, so memory holds one
    chunk's parse results). Files with identical bytes are parsed once: the copy gets a documents row that
    names its twin, and no second report. Versions are ranked again over the whole year, since a new document
    may supersede an old one.
    """
    unchanged = {
        (row["path"], row["sha256"])
        for row in previous.filter(pl.col("parser_version") == PARSER_VERSION).iter_rows(named=True)
    }
    kept_paths = [f.relative_path for f in files if (f.relative_path, f.sha256 or None) in unchanged]
    first_of: dict[str, InboxFile] = {}
    twins: list[InboxFile] = []
    fresh: list[InboxFile] = []
    for f in sorted(files, key=lambda item: item.relative_path):
        if f.relative_path in kept_paths:
            if f.sha256:
                first_of.setdefault(f.sha256, f)
            continue
        if f.sha256 and f.sha256 in first_of:
            twins.append(f)
            continue
        if f.sha256:
            first_of[f.sha256] = f
        fresh.append(f)
    new_tables: dict[str, list[pl.DataFrame]] = {table: [] for table in _ROW_BUILDERS}
    for start in range(0, len(fresh), PARSE_CHUNK):
        chunk = fresh[start : start + PARSE_CHUNK]
        items = [
            item if isinstance(item, LakeRows) else lake_rows(f, item)
            for f, item in zip(chunk, parse(chunk), strict=True)
        ]
        for table, frames in new_tables.items():
            frames.append(pl.concat([item.tables[table] for item in items], how="vertical"))
    new_frames = {
        table: pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=SCHEMAS[table])
        for table, frames in new_tables.items()
    }

    new_documents = new_frames["documents"]
    twin_rows = [_twin_row(f, first_of[f.sha256], new_documents, previous) for f in twins]
    kept_documents = previous.filter(pl.col("path").is_in(kept_paths))
    twin_documents = pl.DataFrame(twin_rows, schema=DOCUMENT_SCHEMA)
    documents = pl.concat([kept_documents, new_documents, twin_documents], how="vertical_relaxed").sort("path")
    kept_ids = kept_documents["report_id"].drop_nulls().to_list()

    rows: dict[str, int] = {"documents": documents.height}
    tables: dict[str, pl.DataFrame] = {}
    if partition != UNKNOWN_PARTITION:
        for table in YEAR_TABLES:
            old = read_table(table).filter(pl.col("report_id").is_in(kept_ids))
            frame = pl.concat([old, new_frames[table]], how="vertical_relaxed")
            if table == "reports":
                frame = rank_versions(frame)
            rows[table] = frame.height
            tables[table] = frame

    statuses = documents.group_by("status").len()
    update = PartitionUpdate(
        partition=partition,
        parsed=[f.relative_path for f in fresh],
        reused=kept_paths,
        rows=rows,
        statuses={str(k): int(v) for k, v in statuses.iter_rows()},
        not_parsed=[
            (str(r["path"]), str(r["status"]), str(r["reason"] or ""))
            for r in documents.filter(pl.col("status") != PARSED).iter_rows(named=True)
        ],
    )
    return PartitionPlan(update, documents, tables)


def update_partition(
    lake_dir: Path,
    partition: str,
    files: Sequence[InboxFile],
    parse: Callable[[Sequence[InboxFile]], Sequence[ParsedReport | LakeRows]],
) -> PartitionUpdate:
    """Bring one partition of the local lake in line with the inbox files that belong to it (``plan_partition``),
    then publish its folders and documents file together through the journal."""
    ensure_lake(lake_dir)
    for table in YEAR_TABLES:
        _recover_folder(lake_dir / table / f"year={partition}")
    (lake_dir / "documents" / f".part-{partition}.parquet.building").unlink(missing_ok=True)
    documents_file = lake_dir / "documents" / f"part-{partition}.parquet"
    previous = _read(documents_file, DOCUMENT_SCHEMA)
    plan = plan_partition(
        partition, files, parse, previous, lambda table: _read(lake_dir / table / f"year={partition}", SCHEMAS[table])
    )
    staged: dict[str, bool] = {}
    for table, frame in plan.tables.items():
        staged[table] = frame.height > 0
        if frame.height:
            staging = _side_folders(lake_dir / table / f"year={partition}")[0]
            _into(staging.parent, staging.mkdir)
            _part_writer(frame)(staging)
    _commit_partition(lake_dir, partition, staged, plan.documents)
    return plan.update


def _twin_row(copy: InboxFile, original: InboxFile, new: pl.DataFrame, previous: pl.DataFrame) -> dict[str, object]:
    """The documents row of a file whose bytes equal another inbox file's: same outcome, one report."""
    source = pl.concat([new, previous], how="vertical_relaxed").filter(pl.col("path") == original.relative_path)
    row = source.row(0, named=True) if source.height else {}
    return {
        **row,
        "path": copy.relative_path,
        "file_name": copy.path.name,
        "size_bytes": copy.size_bytes,
        "reason": f"identical to {original.relative_path}: the report is counted once, under that path",
        "partition": copy.partition,
    }


def _part_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        frame.write_parquet(folder / "part.parquet")

    return write


def remove_partition(lake_dir: Path, partition: str) -> None:
    """Drop a partition whose files have all left the inbox."""
    ensure_lake(lake_dir)
    for table in YEAR_TABLES:
        _recover_folder(lake_dir / table / f"year={partition}")
    _commit_partition(lake_dir, partition, dict.fromkeys(YEAR_TABLES, False), None)


def write_cross_findings(
    lake_dir: Path, rows: pl.DataFrame | Sequence[dict[str, object]], inputs: dict[str, object] | None = None
) -> int:
    """The checks across reports (cross-year, peers), one file, and what they were computed from.

    ``inputs`` (digests of the chosen reports per issuer and per year, see ``validation.corpus.CrossInputs``)
    is written after the findings, with the findings file's sha256: a build killed between the two leaves
    inputs that do not match the file, and the next build recomputes everything rather than trust them.
    """
    ensure_lake(lake_dir)
    frame = (
        rows.select(list(FINDING_SCHEMA))
        if isinstance(rows, pl.DataFrame)
        else pl.DataFrame(list(rows), schema=FINDING_SCHEMA)
    )
    findings = lake_dir / "cross_findings" / "cross_findings.parquet"
    _atomic_file(findings, frame.write_parquet)
    state = lake_dir / "cross_findings" / "inputs.json"
    if inputs is None:
        state.unlink(missing_ok=True)
    else:
        record = {"findings_sha256": file_digest(findings)[0], **inputs}

        def write(path: Path) -> None:
            path.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True), encoding="utf-8")

        _atomic_file(state, write)
    return frame.height


def read_cross_findings(lake_dir: Path) -> tuple[pl.DataFrame, dict[str, Any]] | None:
    """The last cross-report findings and the inputs they were computed from; None when there are none or
    the two do not belong together (a killed build, an older lake)."""
    findings = lake_dir / "cross_findings" / "cross_findings.parquet"
    state = lake_dir / "cross_findings" / "inputs.json"
    if not (findings.is_file() and state.is_file()):
        return None
    try:
        record = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("findings_sha256") != file_digest(findings)[0]:
        return None
    return _read(findings, FINDING_SCHEMA), record
