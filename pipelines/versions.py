"""Several documents, one report: choosing the version of an issuer's report for a year that marts use.

A body may publish its report twice (a corrected republication), or the same report may arrive as a web
page, a PDF and a crawled text. Every document is kept in the lake; for each issuer and year one is chosen,
by this rule, in order:

1. status ``parsed`` before ``partial`` (every cell read beats some cells unread);
2. more cells read;
3. the later publication date (a republication supersedes the first publication);
4. the more original format: html, pdf, docx, markdown, then crawled text;
5. the path, so that the choice is stable.

The differences between versions stay queryable (``report_version_differences`` in ``sql/``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipelines.canonical import numbers
from pipelines.parse import PARSED, ParsedReport

FORMAT_PREFERENCE = {"html": 1, "pdf": 2, "docx": 3, "markdown": 4, "text": 5}


@dataclass(frozen=True)
class Version:
    """Where one document stands among the versions of its issuer's report for its year."""

    issuer_key: str
    cells_read: int
    rank: int
    versions: int

    @property
    def is_chosen(self) -> bool:
        return self.rank == 1


def issuer_key(report: ParsedReport) -> str | None:
    """The issuer's id when it was placed in the division list, else its normalised or printed name."""
    facts = report.facts
    return (facts.issuer_id or facts.issuer_name_norm if facts else None) or report.issuer


def cells_read(report: ParsedReport) -> int:
    return sum(1 for cell in report.cells.values() if cell.status in numbers.PRINTED_STATUSES)


def _order(report: ParsedReport, path: str) -> tuple[object, ...]:
    published = report.facts.published_on if report.facts else None
    return (
        report.status != PARSED,
        -cells_read(report),
        -(published or date.min).toordinal(),
        FORMAT_PREFERENCE.get(report.format or "", 9),
        path,
    )


def choose_versions(reports: Sequence[tuple[str, ParsedReport]]) -> dict[str, Version]:
    """Rank the ``(path, report)`` pairs within each issuer and year; keyed by path."""
    groups: dict[tuple[str, int], list[tuple[str, ParsedReport]]] = defaultdict(list)
    for path, report in reports:
        key = issuer_key(report)
        if key is not None and report.year is not None:
            groups[(key, report.year)].append((path, report))
    chosen: dict[str, Version] = {}
    for (key, _), members in groups.items():
        members.sort(key=lambda member: _order(member[1], member[0]))
        for rank, (path, report) in enumerate(members, start=1):
            chosen[path] = Version(key, cells_read(report), rank, len(members))
    return chosen
