"""One file in, one parsed report out: the unit of work of the whole pipeline.

``parse_file`` never raises for bad input. A file that is empty, binary, of an unknown type, or a text
without the statistics tables comes back ``failed`` with reasons a person can act on; a report whose tables
are only partly readable comes back ``partial`` with every unreadable cell named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import PARSER_VERSION
from pipelines.canonical import numbers
from pipelines.canonical.extract import Cell, extract_cells
from pipelines.canonical.legacy import extract_legacy, is_legacy
from pipelines.canonical.text import clear_memos
from pipelines.canonical.title import identify
from pipelines.documents import UnreadableDocument, read_document
from pipelines.documents.formats import detect_format, naming_mismatch
from pipelines.documents.model import ExtractedDocument
from pipelines.identity.report import ReportFacts, describe_report
from pipelines.inbox import InboxFile
from pipelines.isolation import run_isolated
from pipelines.narrative.sections import Section
from pipelines.validation import Finding, validate_report
from pipelines.validation.findings import _cell_json, _exact

PARSED = "parsed"
PARTIAL = "partial"
FAILED = "failed"
NEEDS_OCR = "needs_ocr"
NOT_A_REPORT = "not_a_report"

NO_TABLES = "no statistics tables of the 2019 or 2021 template found (表二 主动公开, 表三 依申请, 表四 复议诉讼)"


@dataclass
class ParsedReport:
    """A report as the pipeline understood it; ``cells`` holds every key of its template."""

    source: str
    sha256: str
    size_bytes: int
    format: str | None
    status: str
    errors: list[str] = field(default_factory=list)
    issuer: str | None = None
    year: int | None = None
    template: str | None = None
    title: str | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    #: Identity, period, dates and codes read from the document (None when it could not be read at all).
    facts: ReportFacts | None = None
    #: The report's sections (一 … 六, or a legacy report's own), as the narrative splitter found them.
    sections: list[Section] = field(default_factory=list)
    #: Every single-report check (R1–R4, R7–R10, completeness, timeliness) with its outcome.
    findings: list[Finding] = field(default_factory=list)
    #: 0–100 from the findings (pipelines.validation.score).
    score: float | None = None
    #: Where the report contradicts itself (legacy narrative vs 统计表): both values, the table's kept.
    conflicts: list[dict[str, object]] = field(default_factory=list)
    parser_version: str = PARSER_VERSION

    def to_json(self) -> dict[str, Any]:
        """The public contract of ``xxgk parse --json``: fields may be added, never renamed or removed."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "issuer": self.issuer,
            "year": self.year,
            "template": self.template,
            "status": self.status,
            "errors": self.errors,
            "cells": {key: cell.value for key, cell in self.cells.items()},
            "provenance": {key: cell.as_provenance() for key, cell in self.cells.items()},
            "format": self.format,
            "size_bytes": self.size_bytes,
            "title": self.title,
            "parser_version": self.parser_version,
            "conflicts": self.conflicts,
            **(self.facts.to_json() if self.facts else {}),
            "score": self.score,
            "findings": [finding.as_dict() for finding in self.findings],
            "sections": [{k: v for k, v in s.as_dict().items() if k != "text"} for s in self.sections],
        }


def parse_file(path: Path, source: str | None = None) -> ParsedReport:
    """Parse one inbox file; ``source`` is how the file is named in outputs (default: its file name)."""
    name = source or path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        return ParsedReport(name, "", 0, None, FAILED, [f"{name}: cannot read file: {error.strerror}"])
    return parse_bytes(path, data, name)


def parse_bytes(path: Path, data: bytes, source: str) -> ParsedReport:
    sha256 = hashlib.sha256(data).hexdigest()
    fmt, reason = detect_format(path, data[:8192])
    report = ParsedReport(source, sha256, len(data), fmt, FAILED)
    if fmt is None:
        report.errors.append(f"{source}: {reason}")
        return report
    mismatch = naming_mismatch(path, fmt)
    if mismatch:
        report.errors.append(f"{source}: {mismatch}")
    try:
        document = read_document(path, fmt, data)
    except UnreadableDocument as error:
        report.errors.append(f"{source}: {error}")
        return report
    report.errors.extend(f"{source}: {warning}" for warning in document.warnings)
    if document.needs_ocr:
        report.status = NEEDS_OCR
        report.errors.append(f"{source}: pages without a text layer need OCR")
        return report
    if not document.rows:
        report.errors.append(f"{source}: no text found in the document")
        return report

    identity = identify(document.title_hint, (row.text for row in document.rows))
    report.issuer, report.year, report.title = identity.issuer, identity.year, identity.title
    report.facts = describe_report(document, identity.issuer, identity.title)
    tables = extract_cells(document.rows)
    report.template = tables.template
    report.cells = tables.cells
    report.errors.extend(f"{source}: {error}" for error in tables.errors)
    if tables.template is None:
        if report.facts.doc_kind == NOT_A_REPORT and report.facts.doc_kind_evidence:
            report.status = NOT_A_REPORT
            report.errors.append(f"{source}: not an annual report: {report.facts.doc_kind_reason}")
            return report
        if not is_legacy(document.rows):
            report.errors.append(f"{source}: {NO_TABLES}")
            return report
        legacy = extract_legacy(document.rows)
        if not legacy.cells:
            report.errors.append(f"{source}: a pre-2019 report, but no figures found in its table or text")
            return report
        report.template = "legacy"
        report.cells = dict(legacy.cells)
        report.conflicts = [conflict.as_dict() for conflict in legacy.conflicts]
        report.errors.extend(f"{source}: text/table conflict: {c.describe()}" for c in legacy.conflicts)
        report.errors.extend(f"{source}: {warning}" for warning in legacy.warnings)
    if identity.issuer is None:
        report.errors.append(f"{source}: no title naming the issuer found")
    if identity.year is None:
        report.errors.append(f"{source}: report year not found in the title or the statistics period")
    elif identity.period_year is not None and identity.period_year != identity.year:
        report.errors.append(
            f"{source}: title says {identity.year} but the statistics period starts in {identity.period_year}"
        )
    _validate(report, document)
    unreadable = [k for k, c in report.cells.items() if c.status not in numbers.PRINTED_STATUSES]
    if unreadable:
        report.errors.append(f"{source}: {len(unreadable)} of {len(report.cells)} cells unread: {unreadable[:5]}…")
    complete = not unreadable and identity.issuer is not None and identity.year is not None
    report.status = PARSED if complete else PARTIAL
    return report


def _validate(report: ParsedReport, document: ExtractedDocument) -> None:
    """Run the single-report checks; the report's own numbers are never changed by them."""
    facts = report.facts
    period = None
    if facts is not None and facts.period_start is not None and facts.period_end is not None:
        period = (facts.period_start, facts.period_end)
    validation = validate_report(
        report.template,
        report.year,
        report.cells,
        document.rows,
        level=facts.admin_level if facts else None,
        published=facts.published_on if facts else None,
        period=period,
    )
    report.sections = list(validation.sections)
    report.findings = list(validation.findings)
    report.score = validation.score


def clear_memo_caches() -> None:
    """Empty every memo cache the parser keeps (text folds, cell values, cell-reference JSON).

    Parsing never needs this: the caches hold pure results keyed by their input. Benchmarks that parse the
    same file again and again call it before each run, so that a run is not sped up by the one before.
    """
    clear_memos()
    _exact.cache_clear()
    _cell_json.cache_clear()


def report_year_hint(path: Path, fmt: str, data: bytes) -> int | None:
    """The report year as parsing will read it (title, else statistics period), or None; never raises.

    The inbox catalogue calls this once per new file to choose the partition the file is parsed in; it runs
    the same reader and title parser as ``parse_bytes``, so the partition and the parsed year agree.
    """
    try:
        document = read_document(path, fmt, data)
    except Exception:  # a file that cannot be read is parsed (and fails with its reason) in "unknown"
        return None
    return identify(document.title_hint, (row.text for row in document.rows)).year


def parse_inbox_file(inbox_file: InboxFile) -> ParsedReport:
    """Parse one catalogued inbox file; a file the catalogue already refused is failed with that reason."""
    if inbox_file.refusal is not None or inbox_file.format is None:
        return ParsedReport(
            inbox_file.relative_path,
            inbox_file.sha256,
            inbox_file.size_bytes,
            inbox_file.format,
            FAILED,
            [f"{inbox_file.relative_path}: {inbox_file.refusal}"],
        )
    return parse_file(inbox_file.path, inbox_file.relative_path)


def parse_many(files: Sequence[InboxFile], workers: int | None = None) -> list[ParsedReport]:
    """Parse catalogued files in order, each in an isolated worker process (``pipelines.isolation``).

    A document that overruns its time or memory budget (``XXGK_PARSE_TIMEOUT``, ``XXGK_PARSE_MEMORY_MB``),
    or whose worker dies, comes back ``failed`` with that reason; the other documents are not affected.
    """
    outcomes = run_isolated(parse_inbox_file, files, workers)
    return [
        outcome.value if outcome.value is not None else unparsed_report(inbox_file, outcome.kind, outcome.reason)
        for inbox_file, outcome in zip(files, outcomes, strict=True)
    ]


def unparsed_report(inbox_file: InboxFile, kind: str, reason: str | None) -> ParsedReport:
    """The failed report of a document whose parse was stopped or lost (over budget, crashed, raised)."""
    name = inbox_file.relative_path
    detail = reason or kind
    if kind == "error":
        detail = f"the parser failed on it ({detail}); please report this file"
    report = ParsedReport(name, inbox_file.sha256, inbox_file.size_bytes, inbox_file.format, FAILED)
    report.errors.append(f"{name}: {detail}")
    return report
