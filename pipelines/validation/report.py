"""Every single-report check in one call, for the lake and the Dagster checks.

``validate_report`` takes what the parser and identity already produce (template, year, cells, the reader's
rows, admin level, publication date, statistics period) and returns the sections, the stated figures, every
finding and the score. Cross-report checks (years, peers) need the whole corpus and stay separate:
``cross_year.check_cross_year`` on ``snapshot`` s, ``similarity.find_peer_copies`` on ``section_texts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pipelines.canonical.cells import Cell
from pipelines.documents.model import Row
from pipelines.narrative.figures import StatedFigure, stated_figures
from pipelines.narrative.sections import Section, found_ids, narrative_text, section_text, split_sections
from pipelines.validation.arithmetic import check_report
from pipelines.validation.completeness import check_completeness
from pipelines.validation.cross_year import COPY_SECTIONS, ReportSnapshot
from pipelines.validation.findings import Finding
from pipelines.validation.score import report_score
from pipelines.validation.similarity import SectionText
from pipelines.validation.text_table import check_fee_statement, check_text_against_tables, infer_template


@dataclass(frozen=True)
class ReportValidation:
    """One report's sections, the figures its prose states, every single-report finding, and its score."""

    sections: tuple[Section, ...]
    figures: tuple[StatedFigure, ...]
    findings: tuple[Finding, ...]
    score: float


def validate_report(
    template: str | None,
    year: int | None,
    cells: Mapping[str, Cell],
    rows: Sequence[Row],
    *,
    level: str | None = None,
    published: date | None = None,
    period: tuple[date, date] | None = None,
) -> ReportValidation:
    """R1–R4, R7, R8, R9, R10, sections, tables, template, period and timeliness for one report."""
    sections = split_sections(rows)
    figures = stated_figures(narrative_text(sections))
    findings = list(check_report(template, cells))
    if cells:
        findings.extend(check_text_against_tables(figures, cells, template or infer_template(cells)))
    if template == "v2021":
        findings.append(check_fee_statement(cells, section_text(sections, "sec_other")))
    findings.extend(
        check_completeness(template, year, found_ids(sections), cells, period=period, published=published, level=level)
    )
    return ReportValidation(tuple(sections), tuple(figures), tuple(findings), report_score(findings))


def snapshot(
    issuer: str,
    year: int,
    template: str | None,
    cells: Mapping[str, Cell],
    sections: Sequence[Section],
    source: str | None = None,
) -> ReportSnapshot:
    """The cross-year view of a report: its cells and the text of sections 一/五/六."""
    texts = {sid: text for sid in COPY_SECTIONS if (text := section_text(sections, sid)) is not None}
    return ReportSnapshot(issuer, year, template, cells, texts, source)


def section_texts(issuer: str, year: int, sections: Sequence[Section], source: str | None = None) -> list[SectionText]:
    """Sections 一/五/六 of a report as ``find_peer_copies`` takes them."""
    return [
        SectionText(issuer, year, sid, text, source)
        for sid in COPY_SECTIONS
        if (text := section_text(sections, sid)) is not None
    ]
