"""Accuracy against hand-checked ground truth: ``NAME.expected.json`` beside ``NAME.EXT`` real reports.

A cell is right when the parsed value equals the expected one exactly (null equals null; 1 equals 1.0).
Issuer, year and template are compared separately. Every mismatch is listed with the raw text the parser
saw, so a regression can be read off the output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.parse import ParsedReport, parse_file

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


@dataclass
class Mismatch:
    key: str
    expected: object
    actual: object
    raw: str | None
    status: str | None


@dataclass
class FileScore:
    source: str
    template: str
    cells_total: int
    cells_right: int
    issuer_right: bool
    year_right: bool
    template_right: bool
    status: str
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def open_cells(self) -> int:
        """Mismatches the parser flagged as ambiguous (several readings fit) rather than read wrong."""
        return sum(1 for m in self.mismatches if m.actual is None and m.status == "ambiguous")

    @property
    def wrong_cells(self) -> int:
        """Mismatches where the parser gave a value (or a placeholder status) that is not the truth."""
        return len(self.mismatches) - self.open_cells

    @property
    def accuracy(self) -> float:
        return self.cells_right / self.cells_total if self.cells_total else 1.0


def _same(expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(expected) - float(actual)) < 1e-9
    return expected == actual


def score(report: ParsedReport, expected: dict[str, object]) -> FileScore:
    cells = report.cells
    wanted = expected.get("cells", {})
    assert isinstance(wanted, dict)
    mismatches = []
    for key, value in wanted.items():
        cell = cells.get(key)
        actual = cell.value if cell else None
        if not _same(value, actual):
            mismatches.append(Mismatch(key, value, actual, cell.raw if cell else None, cell.status if cell else None))
    return FileScore(
        source=report.source,
        template=str(expected.get("template")),
        cells_total=len(wanted),
        cells_right=len(wanted) - len(mismatches),
        issuer_right=report.issuer == expected.get("issuer"),
        year_right=report.year == expected.get("year"),
        template_right=report.template == expected.get("template"),
        status=report.status,
        mismatches=mismatches,
    )


def expected_pairs(directory: Path) -> list[tuple[Path, Path]]:
    """Every report file in ``directory`` that has a ``NAME.expected.json`` beside it."""
    pairs = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() in REPORT_SUFFIXES:
            truth = path.with_name(path.stem + ".expected.json")
            if truth.exists():
                pairs.append((path, truth))
    return pairs


def evaluate_directory(directory: Path) -> list[FileScore]:
    return [
        score(parse_file(path), json.loads(truth.read_text(encoding="utf-8")))
        for path, truth in expected_pairs(directory)
    ]
