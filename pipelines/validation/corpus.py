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
from pipelines.lake import FINDING_SCHEMA, scan_table
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


def cross_report_findings(lake_dir: Path) -> pl.DataFrame:
    """Every cross-year and peer-copy finding over the chosen reports of the lake, as lake rows."""
    reports = _chosen_reports(lake_dir)
    return _compute(lake_dir, reports, set(reports["issuer_key"].to_list()), set(reports["year"].to_list()))


def update_cross_findings(
    lake_dir: Path, previous_rows: pl.DataFrame | None = None, previous: CrossInputs | None = None
) -> tuple[pl.DataFrame, CrossInputs, dict[str, int]]:
    """The findings of ``cross_report_findings``, recomputing only what changed since ``previous``.

    ``previous_rows`` are the findings computed from ``previous`` (None, or no ``previous``: compute all).
    A cross-year finding is kept when its issuer's inputs are unchanged, a peer finding when its year's are;
    the rest is computed again. Returns the rows, the new inputs, and counts of what was recomputed.
    """
    reports = _chosen_reports(lake_dir)
    inputs = cross_inputs(reports)
    if previous_rows is None or previous is None:
        previous, previous_rows = CrossInputs({}, {}), pl.DataFrame(schema=FINDING_SCHEMA)
    issuers = {k for k, v in inputs.issuers.items() if previous.issuers.get(k) != v}
    years = {k for k, v in inputs.years.items() if previous.years.get(k) != v}
    owners = reports.filter(~pl.col("issuer_key").is_in(sorted(issuers)))["report_id"]
    kept = previous_rows.select(list(FINDING_SCHEMA)).filter(
        ((pl.col("kind") == "cross_year") & pl.col("report_id").is_in(owners.to_list()))
        | ((pl.col("kind") == "peer") & ~pl.col("year").is_in(sorted(years)))
    )
    rows = pl.concat([_compute(lake_dir, reports, issuers, years), kept.cast(FINDING_SCHEMA)])  # type: ignore[arg-type]
    counts = {
        "issuers_recomputed": len(issuers),
        "issuers_kept": len(inputs.issuers) - len(issuers),
        "years_recomputed": len(years),
        "years_kept": len(inputs.years) - len(years),
    }
    return _in_order(rows), inputs, counts


def _in_order(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.sort(["report_id", "kind", "rule", "scope", "related_report_id"], nulls_last=False)


#: Issuers checked together: their reports' cells (about 200 a year each) are loaded at once, which bounds
#: memory whatever the size of the lake.
ISSUER_BATCH = 1000


def _compute(lake_dir: Path, reports: pl.DataFrame, issuers: set[str], years: set[int]) -> pl.DataFrame:
    """Cross-year findings of ``issuers`` and peer-copy findings of ``years``, from the chosen ``reports``.

    Cross-year checks go one batch of issuers at a time, peer checks one year at a time (peers are compared
    within a year), so that only a slice of the lake's cells and texts is held in memory.
    """
    rows: list[dict[str, object]] = []
    frames: list[pl.DataFrame] = []
    checked = sorted(issuers)
    for start in range(0, len(checked), ISSUER_BATCH):
        batch = reports.filter(pl.col("issuer_key").is_in(checked[start : start + ISSUER_BATCH]))
        by_issuer: dict[str, list[ReportSnapshot]] = defaultdict(list)
        for snapshot in _snapshots(lake_dir, batch, None, with_cells=True):
            by_issuer[snapshot.issuer].append(snapshot)
        for _, series in sorted(by_issuer.items()):
            for previous, current in itertools.pairwise(sorted(series, key=lambda s: s.year)):
                if current.year != previous.year + 1:
                    continue
                for finding in check_cross_year([previous, current]):
                    rows.append(_row(finding.as_dict(), current, "cross_year", previous.source))
        frames.append(pl.DataFrame(rows, schema=FINDING_SCHEMA))
        rows.clear()
    for year in sorted(years):
        snapshots = _snapshots(lake_dir, reports.filter(pl.col("year") == year), [year], with_cells=False)
        owners = {snapshot.source: snapshot for snapshot in snapshots}
        sections = [
            SectionText(snapshot.issuer, snapshot.year, section, text, snapshot.source)
            for snapshot in snapshots
            for section, text in snapshot.sections.items()
        ]
        for copy in find_peer_copies(sections):
            rows.append(_row(copy.finding().as_dict(), owners[copy.source], "peer", copy.other_source))
        frames.append(pl.DataFrame(rows, schema=FINDING_SCHEMA))
        rows.clear()
    return _in_order(pl.concat(frames)) if frames else pl.DataFrame(schema=FINDING_SCHEMA)


def _snapshots(
    lake_dir: Path, reports: pl.DataFrame, years: list[int] | None, with_cells: bool
) -> list[ReportSnapshot]:
    """The ``reports`` (all of ``years`` when given: only those partitions are read) as the checks see them:
    their cells (when asked) and the sections compared for copies."""
    ids = reports["report_id"].to_list()
    in_years = pl.col("year").is_in(years) if years is not None else pl.lit(True)
    cells_by_report: dict[str, dict[str, Cell]] = defaultdict(dict)
    if with_cells:
        for row in (
            scan_table(lake_dir, "cells")
            .filter(in_years & pl.col("report_id").is_in(ids))
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
        .filter(in_years & pl.col("report_id").is_in(ids) & pl.col("section_id").is_in(COPY_SECTIONS))
        .select("report_id", "section_id", "text")
        .collect()
        .iter_rows(named=True)
    ):
        texts_by_report[row["report_id"]].setdefault(row["section_id"], row["text"])
    return [
        ReportSnapshot(
            report["issuer_key"],
            report["year"],
            report["template"],
            cells_by_report.get(report["report_id"], {}),
            texts_by_report.get(report["report_id"], {}),
            source=report["report_id"],
        )
        for report in reports.iter_rows(named=True)
    ]


def _row(record: dict[str, object], owner: ReportSnapshot, kind: str, related: str | None) -> dict[str, object]:
    return {
        "report_id": owner.source,
        "year": owner.year,
        "kind": kind,
        **lake_record(record),
        "related_report_id": related,
    }
