"""The Parquet lake: what the pipeline read from every inbox file, readable by any engine.

Layout below the lake folder (``data/lake`` by default):

- ``inbox/inbox.parquet`` — the inbox catalogue: every file found, its sha256, size and detected format.
- ``documents/documents.parquet`` — one row per inbox file: path, sha256, size, format, status
  (parsed / partial / failed / needs_ocr) and the reasons, plus issuer, year and template where known.
- ``reports/year=YYYY/*.parquet`` — one row per report whose year is known (hive-partitioned by year).
- ``cells/year=YYYY/*.parquet`` — one row per canonical cell of those reports: key, value, status, the raw
  text printed and where it was printed (locator).
- ``findings/year=YYYY/*.parquet`` — one row per check on one report (rule, scope, outcome, the cells involved).
- ``sections/year=YYYY/*.parquet`` — one row per section of a report (一 … 六), with its text.
- ``cross_findings/cross_findings.parquet`` — checks across reports: cross-year (R5, R6, jumps, copied text)
  and copies between issuers of the same year.

A report is identified by ``report_id``: the first 16 hex digits of its file's sha256, so the same bytes
always give the same id and a republished, changed document gives a new one.

Each table folder is written beside the published one and swapped in whole, so a reader never sees a
half-written table.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from pipelines.identity.report import ReportFacts
from pipelines.inbox import InboxFile
from pipelines.parse import PARSED, PARTIAL, ParsedReport
from pipelines.validation.findings import lake_record
from pipelines.versions import choose_versions

#: Documents that are reports with figures: the ones that get rows in ``reports`` and ``cells``.
REPORT_STATUSES = frozenset({PARSED, PARTIAL})

INBOX_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String(),
    "absolute_path": pl.String(),
    "size_bytes": pl.Int64(),
    "sha256": pl.String(),
    "format": pl.String(),
    "refusal": pl.String(),
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
    kept = _reports(files, reports)
    versions = choose_versions([(f.relative_path, r) for f, r in kept])
    rows = []
    for f, r in kept:
        version = versions.get(f.relative_path)
        rows.append(
            {
                "report_id": report_id(f.sha256),
                "path": f.relative_path,
                "sha256": f.sha256,
                "issuer": r.issuer,
                "year": r.year,
                "template": r.template,
                "status": r.status,
                "title": r.title,
                "errors": r.errors,
                "conflicts": json.dumps(r.conflicts, ensure_ascii=False) if r.conflicts else None,
                "issuer_key": version.issuer_key if version else None,
                "cells_read": version.cells_read if version else None,
                "version_rank": version.rank if version else None,
                "versions": version.versions if version else None,
                "is_chosen": version.is_chosen if version else None,
                "score": r.score,
                **_facts(r),
            }
        )
    return pl.DataFrame(rows, schema=REPORT_SCHEMA)


def finding_rows(files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> pl.DataFrame:
    """Every single-report finding (R1–R4, R7–R10, completeness, timeliness) with its outcome."""
    rows = [
        {
            "report_id": report_id(f.sha256),
            "year": r.year,
            "kind": "report",
            **lake_record(finding.as_dict()),
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


def _write_partitioned(frame: pl.DataFrame, folder: Path) -> None:
    """Hive folders ``year=YYYY/``; an empty table is one empty file so that readers still see its schema."""
    if frame.height:
        frame.sort("year").write_parquet(folder, partition_by=["year"])
    else:
        frame.write_parquet(folder / "empty.parquet")


def publish_table(lake_dir: Path, table: str, write: Callable[[Path], None]) -> None:
    """Write one lake table into a fresh folder, then swap it in, so readers never see half a table."""
    target = lake_dir / table
    staging = lake_dir / f".{table}.building"
    retired = lake_dir / f".{table}.retired"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    write(staging)
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def write_inbox(lake_dir: Path, files: Sequence[InboxFile]) -> int:
    """The inbox catalogue: every file found, before parsing."""
    frame = pl.DataFrame(
        [
            {
                "path": f.relative_path,
                "absolute_path": str(f.path),
                "size_bytes": f.size_bytes,
                "sha256": f.sha256 or None,
                "format": f.format,
                "refusal": f.refusal,
            }
            for f in files
        ],
        schema=INBOX_SCHEMA,
    )
    publish_table(lake_dir, "inbox", lambda folder: frame.write_parquet(folder / "inbox.parquet"))
    return frame.height


def read_inbox(lake_dir: Path) -> list[InboxFile]:
    frame = pl.read_parquet(lake_dir / "inbox" / "inbox.parquet")
    return [
        InboxFile(Path(r["absolute_path"]), r["path"], r["size_bytes"], r["sha256"] or "", r["format"], r["refusal"])
        for r in frame.iter_rows(named=True)
    ]


def write_parsed(lake_dir: Path, files: Sequence[InboxFile], reports: Sequence[ParsedReport]) -> dict[str, int]:
    """Write what parsing made of the inbox: documents, reports and cells; returns row counts per table."""
    documents = document_rows(files, reports)
    report_frame = report_rows(files, reports)
    cells = cell_rows(files, reports)
    publish_table(lake_dir, "documents", lambda folder: documents.write_parquet(folder / "documents.parquet"))
    publish_table(lake_dir, "reports", lambda folder: _write_partitioned(report_frame, folder))
    publish_table(lake_dir, "cells", lambda folder: _write_partitioned(cells, folder))
    findings = finding_rows(files, reports)
    publish_table(lake_dir, "findings", lambda folder: _write_partitioned(findings, folder))
    sections = section_rows(files, reports)
    publish_table(lake_dir, "sections", lambda folder: _write_partitioned(sections, folder))
    return {
        "documents": documents.height,
        "reports": report_frame.height,
        "cells": cells.height,
        "findings": findings.height,
        "sections": sections.height,
    }


def write_cross_findings(lake_dir: Path, rows: Sequence[dict[str, object]]) -> int:
    """The checks across reports (cross-year, peers), one file: they are recomputed over the whole lake."""
    frame = pl.DataFrame(list(rows), schema=FINDING_SCHEMA)
    publish_table(lake_dir, "cross_findings", lambda folder: frame.write_parquet(folder / "cross_findings.parquet"))
    return frame.height
