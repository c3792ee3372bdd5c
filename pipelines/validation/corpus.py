"""Checks across reports, run over the whole lake: an issuer's consecutive years, and peers' copied text.

Single-report checks run while parsing; these need every report at once. They use the chosen version of
each issuer's report for each year (``reports.is_chosen``), so that a page and its crawled copy are not
taken for two bodies copying each other. A cross-year finding belongs to the later report and names the
earlier one as ``related_report_id``; a copy between peers gives a finding on both reports.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

import polars as pl

from pipelines.canonical.cells import Cell
from pipelines.lake import scan_table
from pipelines.validation.cross_year import COPY_SECTIONS, ReportSnapshot, check_cross_year
from pipelines.validation.findings import lake_record
from pipelines.validation.similarity import SectionText, find_peer_copies


def cross_report_findings(lake_dir: Path) -> list[dict[str, object]]:
    """Every cross-year and peer-copy finding over the chosen reports of the lake, as lake rows."""
    reports = (
        scan_table(lake_dir, "reports")
        .filter(pl.col("is_chosen"))
        .select("report_id", "issuer_key", "year", "template")
        .collect()
    )
    if reports.height == 0:
        return []
    chosen = reports["report_id"].to_list()
    cells_by_report: dict[str, dict[str, Cell]] = defaultdict(dict)
    for row in (
        scan_table(lake_dir, "cells")
        .filter(pl.col("report_id").is_in(chosen))
        .select("report_id", "key", "value", "value_status", "raw_text", "locator")
        .collect()
        .iter_rows(named=True)
    ):
        value = row["value"]
        number = int(value) if value is not None and float(value).is_integer() else value
        cells_by_report[row["report_id"]][row["key"]] = Cell(
            row["key"], number, row["value_status"], row["raw_text"], row["locator"]
        )
    texts_by_report: dict[str, dict[str, str]] = defaultdict(dict)
    for row in (
        scan_table(lake_dir, "sections")
        .filter(pl.col("report_id").is_in(chosen) & pl.col("section_id").is_in(COPY_SECTIONS))
        .select("report_id", "section_id", "text")
        .collect()
        .iter_rows(named=True)
    ):
        texts_by_report[row["report_id"]].setdefault(row["section_id"], row["text"])

    rows: list[dict[str, object]] = []
    by_issuer: dict[str, list[ReportSnapshot]] = defaultdict(list)
    for report in reports.sort("year").iter_rows(named=True):
        by_issuer[report["issuer_key"]].append(
            ReportSnapshot(
                report["issuer_key"],
                report["year"],
                report["template"],
                cells_by_report.get(report["report_id"], {}),
                texts_by_report.get(report["report_id"], {}),
                source=report["report_id"],
            )
        )
    for series in by_issuer.values():
        for previous, current in itertools.pairwise(series):
            if current.year != previous.year + 1:
                continue
            for finding in check_cross_year([previous, current]):
                rows.append(_row(finding.as_dict(), current, "cross_year", previous.source))

    sections = [
        SectionText(snapshot.issuer, snapshot.year, section, text, snapshot.source)
        for series in by_issuer.values()
        for snapshot in series
        for section, text in snapshot.sections.items()
    ]
    years = {snapshot.source: snapshot for series in by_issuer.values() for snapshot in series}
    for copy in find_peer_copies(sections):
        owner = years[copy.source]
        rows.append(_row(copy.finding().as_dict(), owner, "peer", copy.other_source))
    return rows


def _row(record: dict[str, object], owner: ReportSnapshot, kind: str, related: str | None) -> dict[str, object]:
    return {
        "report_id": owner.source,
        "year": owner.year,
        "kind": kind,
        **lake_record(record),
        "related_report_id": related,
    }
