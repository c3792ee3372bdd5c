"""Checks across reports, run over the whole lake: an issuer's consecutive years, and peers' copied text.

Single-report checks run while parsing; these need every report at once. They use the chosen version of
each issuer's report for each year (``reports.is_chosen``), so that a page and its crawled copy are not
taken for two bodies copying each other. A cross-year finding belongs to the later report and names the
earlier one as ``related_report_id``; a copy between peers gives a finding on both reports.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines import PARSER_VERSION
from pipelines.canonical.cells import Cell
from pipelines.lake import scan_table
from pipelines.validation.cross_year import COPY_SECTIONS, ReportSnapshot, check_cross_year
from pipelines.validation.findings import lake_record
from pipelines.validation.similarity import SectionText, find_peer_copies


@dataclass(frozen=True)
class CrossInputs:
    """What the cross-report findings were computed from, so that the next build recomputes only what changed.

    ``issuers``: per issuer, a digest of its chosen reports (year, report id, template, path) and the parser
    version (the checks' code is part of it); its cross-year findings depend on nothing else. ``years``: per
    report year, the same over every issuer's chosen report of that year; the peer-copy findings of a year
    depend on nothing else.
    """

    issuers: dict[str, str]
    years: dict[int, str]

    def as_record(self) -> dict[str, object]:
        """As stored beside the findings (JSON: year keys as text)."""
        return {"issuers": self.issuers, "years": {str(k): v for k, v in self.years.items()}}

    @classmethod
    def from_record(cls, record: dict[str, object]) -> CrossInputs:
        issuers, years = record.get("issuers"), record.get("years")
        if not isinstance(issuers, dict) or not isinstance(years, dict):
            return cls({}, {})
        return cls({str(k): str(v) for k, v in issuers.items()}, {int(k): str(v) for k, v in years.items()})


def cross_inputs(reports: pl.DataFrame) -> CrossInputs:
    """The input digests of the chosen ``reports`` (columns issuer_key, year, report_id, template, path)."""
    issuers: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    years: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in reports.select("issuer_key", "year", "report_id", "template", "path").iter_rows():
        issuers[str(row[0])].append(row[1:])
        years[int(row[1])].append((row[0], *row[2:]))

    def digest(items: list[tuple[object, ...]]) -> str:
        text = json.dumps([PARSER_VERSION, sorted(items, key=repr)], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    return CrossInputs({k: digest(v) for k, v in issuers.items()}, {k: digest(v) for k, v in years.items()})


def _chosen_reports(lake_dir: Path) -> pl.DataFrame:
    return (
        scan_table(lake_dir, "reports")
        .filter(pl.col("is_chosen") & pl.col("year").is_not_null())
        .select("report_id", "issuer_key", "year", "template", "path")
        .sort("year", "issuer_key", "report_id")
        .collect()
    )


def cross_report_findings(lake_dir: Path) -> list[dict[str, object]]:
    """Every cross-year and peer-copy finding over the chosen reports of the lake, as lake rows."""
    reports = _chosen_reports(lake_dir)
    return _compute(lake_dir, reports, set(reports["issuer_key"].to_list()), set(reports["year"].to_list()))


def update_cross_findings(
    lake_dir: Path, previous_rows: pl.DataFrame | None = None, previous: CrossInputs | None = None
) -> tuple[list[dict[str, object]], CrossInputs, dict[str, int]]:
    """The findings of ``cross_report_findings``, recomputing only what changed since ``previous``.

    ``previous_rows`` are the findings computed from ``previous`` (None, or no ``previous``: compute all).
    A cross-year finding is kept when its issuer's inputs are unchanged, a peer finding when its year's are;
    the rest is computed again. Returns the rows, the new inputs, and counts of what was recomputed.
    """
    reports = _chosen_reports(lake_dir)
    inputs = cross_inputs(reports)
    if previous_rows is None or previous is None:
        previous = CrossInputs({}, {})
        previous_rows = pl.DataFrame()
    issuers = {k for k, v in inputs.issuers.items() if previous.issuers.get(k) != v}
    years = {k for k, v in inputs.years.items() if previous.years.get(k) != v}
    rows = _compute(lake_dir, reports, issuers, years)
    if previous_rows.height:
        kept_issuers = [k for k in inputs.issuers if k not in issuers]
        kept_years = [k for k in inputs.years if k not in years]
        owners = reports.filter(pl.col("issuer_key").is_in(kept_issuers))["report_id"].to_list()
        kept = previous_rows.filter(
            ((pl.col("kind") == "cross_year") & pl.col("report_id").is_in(owners))
            | ((pl.col("kind") == "peer") & pl.col("year").is_in(kept_years))
        )
        rows.extend(kept.to_dicts())
    counts = {
        "issuers_recomputed": len(issuers),
        "issuers_kept": len(inputs.issuers) - len(issuers),
        "years_recomputed": len(years),
        "years_kept": len(inputs.years) - len(years),
    }
    return sorted(rows, key=_row_order), inputs, counts


def _row_order(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(row.get(k) or "") for k in ("report_id", "kind", "rule", "scope", "related_report_id"))


def _compute(lake_dir: Path, reports: pl.DataFrame, issuers: set[str], years: set[int]) -> list[dict[str, object]]:
    """Cross-year findings of ``issuers`` and peer-copy findings of ``years``, from the chosen ``reports``."""
    if reports.height == 0 or not (issuers or years):
        return []
    # cells only for the issuers whose series is checked; sections also for every report of a checked year
    series_ids = reports.filter(pl.col("issuer_key").is_in(sorted(issuers)))["report_id"].to_list()
    text_ids = reports.filter(pl.col("issuer_key").is_in(sorted(issuers)) | pl.col("year").is_in(sorted(years)))[
        "report_id"
    ].to_list()
    cells_by_report: dict[str, dict[str, Cell]] = defaultdict(dict)
    for row in (
        scan_table(lake_dir, "cells")
        .filter(pl.col("report_id").is_in(series_ids))
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
        .filter(pl.col("report_id").is_in(text_ids) & pl.col("section_id").is_in(COPY_SECTIONS))
        .select("report_id", "section_id", "text")
        .collect()
        .iter_rows(named=True)
    ):
        texts_by_report[row["report_id"]].setdefault(row["section_id"], row["text"])

    rows: list[dict[str, object]] = []
    by_issuer: dict[str, list[ReportSnapshot]] = defaultdict(list)
    for report in reports.iter_rows(named=True):
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
    for issuer in sorted(issuers):
        for previous, current in itertools.pairwise(by_issuer.get(issuer, [])):
            if current.year != previous.year + 1:
                continue
            for finding in check_cross_year([previous, current]):
                rows.append(_row(finding.as_dict(), current, "cross_year", previous.source))

    sections = [
        SectionText(snapshot.issuer, snapshot.year, section, text, snapshot.source)
        for series in by_issuer.values()
        for snapshot in series
        if snapshot.year in years
        for section, text in snapshot.sections.items()
    ]
    owners = {snapshot.source: snapshot for series in by_issuer.values() for snapshot in series}
    for copy in find_peer_copies(sections):
        rows.append(_row(copy.finding().as_dict(), owners[copy.source], "peer", copy.other_source))
    return sorted(rows, key=_row_order)


def _row(record: dict[str, object], owner: ReportSnapshot, kind: str, related: str | None) -> dict[str, object]:
    return {
        "report_id": owner.source,
        "year": owner.year,
        "kind": kind,
        **lake_record(record),
        "related_report_id": related,
    }
