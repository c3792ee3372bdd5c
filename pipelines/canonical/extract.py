"""From a reader's rows to canonical cells: find the tables, each template row by its label, read its values.

The document's rows are joined into one normalised text (``tokens.LinearText``) so that one procedure serves
every layout. ``regions`` finds 表二/表三/表四 (never the preface or the narrative) and the template era;
inside a table each row label is found by its phrase in template order, and its values are the value tokens
between the end of that label and the next label or in-table boundary (``layout``). Tab-separated, HTML,
Markdown and PDF rows give one token per cell (blank cells kept as ``blank``); crawled text that ran cells
together gives digit runs, cut back into cells by ``splitting`` against the row's own arithmetic. Rows that
several cuts fit are narrowed by the table's column rules (``resolve.resolve_columns``) and by the figures
the narrative states (``narrative``, ``resolve.apply_facts``); what is still open stays ``ambiguous`` with
its candidates. In cell layouts, empty cells at a row's edge are told apart from layout padding by rows of
the same shape (``_align``, ``rows.trim_padding``), and a 表三 whose value rows lost their labels is read by
position (``positional``).

Module map: ``text`` (normalisation) · ``numbers`` (cell values, §6) · ``layout`` (rows, labels, marks) ·
``regions`` (where the tables are, which template) · ``tokens`` (value tokens) · ``splitting`` (cuts) ·
``rows`` (row readings → cells) · ``resolve`` (column rules, narrative tie-break) · ``narrative`` (facts
from prose) · ``positional`` · ``cells`` (the ``Cell``) · ``registry`` (keys) · ``identity`` (issuer, year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.canonical import layout, numbers
from pipelines.canonical.cells import Cell
from pipelines.canonical.layout import RowSpec
from pipelines.canonical.narrative import read_facts
from pipelines.canonical.positional import read_by_position
from pipelines.canonical.regions import Regions, find_regions
from pipelines.canonical.regions import detect_template as _detect_in_regions
from pipelines.canonical.registry import keys_for
from pipelines.canonical.resolve import apply_facts, resolve_columns
from pipelines.canonical.rows import LEADING, TRAILING, Reading, build_cells, missing_reading, padding_side, read_row
from pipelines.canonical.splitting import block_sums, blocks_identity, row_sum_identity
from pipelines.canonical.tokens import (
    LABEL_TAIL,
    LinearText,
    Token,
    cell_index,
    line_shape,
    line_tokens,
    region_tokens,
    same_line,
)
from pipelines.documents.model import Row

__all__ = ["Cell", "LinearText", "TableCells", "detect_template", "extract_cells", "extract_rows"]


@dataclass
class TableCells:
    """Every canonical cell of one report (all keys of its template), with errors and the tables found."""

    template: str | None
    cells: dict[str, Cell]
    errors: list[str]
    tables_found: list[str]


def _next_boundary(linear: LinearText, boundary: re.Pattern[str] | None, start: int, end: int) -> int:
    if boundary is None:
        return end
    match = boundary.search(linear.text, start, end)
    return match.start() if match else end


def extract_rows(
    linear: LinearText,
    specs: Sequence[RowSpec],
    start: int,
    end: int,
    boundary: re.Pattern[str] | None = None,
    any_order: bool = False,
) -> dict[str, Reading]:
    """Find each labelled row between ``start`` and ``end`` in template order and read its values.

    With ``any_order`` (表二, whose row labels are all distinct), a row not found in template order is looked
    for anywhere in the table: PDF→Markdown extractions print 表二's sub-tables out of order.
    """
    found: list[tuple[RowSpec, re.Match[str]]] = []
    position = start
    for spec in specs:
        match = spec.pattern.search(linear.text, position, end)
        if match is not None:
            found.append((spec, match))
            position = match.end()
    if any_order:
        for spec in specs:
            if any(s is spec for s, _ in found):
                continue
            for match in spec.pattern.finditer(linear.text, start, end):
                if all(match.end() <= m.start() or match.start() >= m.end() for _, m in found):
                    found.append((spec, match))
                    break
        found.sort(key=lambda item: item[1].start())

    readings: dict[str, Reading] = {
        spec.row: missing_reading(spec.row, spec.keys, "row not found")
        for spec in specs
        if not any(s is spec for s, _ in found)
    }
    regions: list[tuple[RowSpec, list[Token], int]] = []
    for index, (spec, match) in enumerate(found):
        next_label = found[index + 1][1].start() if index + 1 < len(found) else end
        region_end = _next_boundary(linear, boundary, match.end(), next_label)
        tail = LABEL_TAIL.match(linear.values, match.end(), region_end)
        value_start = tail.end() if tail else match.end()
        regions.append((spec, region_tokens(linear, value_start, region_end), value_start))
    regions = [(spec, _align(linear, regions, spec, tokens, start), start) for spec, tokens, start in regions]
    # 表二's narrower sub-tables pad after their values; 表三's labels span merged cells before them.
    default = TRAILING if specs and specs[0].table == "t2" else LEADING
    pad_first = padding_side([(tokens, len(spec.keys)) for spec, tokens, _ in regions], default)
    for spec, tokens, _ in regions:
        is_t3 = spec.table == "t3"
        readings[spec.row] = read_row(
            spec.row,
            spec.keys,
            tokens,
            linear,
            accept=row_sum_identity if is_t3 else None,
            relax=is_t3,
            pad_first=pad_first,
        )
    return {spec.row: readings[spec.row] for spec in specs}


def _align(
    linear: LinearText,
    regions: Sequence[tuple[RowSpec, list[Token], int]],
    spec: RowSpec,
    tokens: list[Token],
    value_start: int,
) -> list[Token]:
    """The cells of a row with more cells than keys, taken where same-shaped rows of the table print theirs.

    A row whose every key is printed shows in which cells of its line the values stand; another row of the
    same shape (label in the same cell, same number of cells) has its values in the same cells, so its empty
    cells outside them are padding and those inside are printed blanks (a blank 总计). Without such a row the
    tokens are returned as they are and ``rows.trim_padding`` decides.
    """
    count = len(spec.keys)
    if len(tokens) <= count or not same_line(linear, value_start, tokens):
        return tokens
    shape = line_shape(linear, value_start)
    for other, other_tokens, other_start in regions:
        printed = [t for t in other_tokens if t.parsed.status != numbers.BLANK]
        if (
            other is spec
            or len(other.keys) != count
            or len(printed) != count
            or not same_line(linear, other_start, other_tokens)
            or line_shape(linear, other_start) != shape
        ):
            continue
        first = cell_index(linear, printed[0].offset)
        cells = {cell_index(linear, t.offset): t for t in tokens}
        if all(first + i in cells for i in range(count)):
            return [cells[first + i] for i in range(count)]
    return tokens


def extract_t4(linear: LinearText, start: int, end: int) -> Reading:
    """表四: fifteen values after the header: review × 5, direct suit × 5, suit after review × 5."""
    keys = [f"t4.{b}.{c}" for b in layout.T4_BLOCKS for c in layout.T4_COLUMNS]
    mark = layout.T4_MARK.search(linear.text, start, end)  # skip the title and its numbering ("4、")
    tokens: list[Token] = []
    for line in line_tokens(linear, mark.end() if mark else start, end):
        if not any(t.is_number for t in line):
            continue
        # A full row keeps its blank cells (trimming padding only); a line holding part of the values
        # (PDF and Markdown fragments) contributes its values without the empty cells around them.
        exact = len(line) >= len(keys)
        while line and line[0].parsed.status == numbers.BLANK and (not exact or len(line) > len(keys)):
            line.pop(0)
        while line and line[-1].parsed.status == numbers.BLANK and (not exact or len(line) > len(keys)):
            line.pop()
        tokens.extend(line)
    width = len(layout.T4_COLUMNS)
    return read_row(
        "t4", keys, tokens, linear, accept=blocks_identity(width), check=block_sums(width), block_width=width
    )


def detect_template(text: str) -> str | None:
    """The template era of a normalised text, from its tables' content (never from the year)."""
    return _detect_in_regions(text)


def _prose(text: str, regions: Regions) -> list[str]:
    span = regions.span
    if span is None:
        return [text]
    return [text[: span[0]], text[span[1] :]]


def extract_cells(rows: Sequence[Row]) -> TableCells:
    """Every canonical cell of a modern (v2019 / v2021) report; ``template`` None where neither is found."""
    linear = LinearText(rows)
    regions = find_regions(linear.text)
    template = _detect_in_regions(linear.text, regions)
    if template is None:
        return TableCells(None, {}, [], [])
    t2_specs = layout.T2_V2021 if template == "v2021" else layout.T2_V2019
    t3_specs = layout.T3_V2021 if template == "v2021" else layout.T3_V2019

    errors: list[str] = []
    t2: dict[str, Reading] = {}
    t3: dict[str, Reading] = {}
    t4: Reading | None = None
    if regions.t2 is not None:
        t2 = extract_rows(linear, t2_specs, *regions.t2, boundary=layout.T2_BOUNDARY, any_order=True)
        errors.extend(f"t2: row '{r.row}' not found" for r in t2.values() if not r.found)
    if regions.t3 is not None:
        t3 = read_by_position(linear, t3_specs, *regions.t3) or extract_rows(
            linear, t3_specs, *regions.t3, boundary=layout.T3_BOUNDARY
        )
        errors.extend(f"t3: row '{r.row}' not found" for r in t3.values() if not r.found)
        errors.extend(resolve_columns(t3, template))
    if regions.t4 is not None:
        t4 = extract_t4(linear, *regions.t4)

    facts = read_facts(_prose(linear.text, regions), template)
    apply_facts([*t2.values(), *([t4] if t4 else [])], facts)

    cells: dict[str, Cell] = {}
    for reading in [*t2.values(), *t3.values(), *([t4] if t4 else [])]:
        row_cells, row_errors = build_cells(reading, linear)
        cells.update(row_cells)
        errors.extend(row_errors)
    for key in keys_for(template):
        if key not in cells:
            cells[key] = Cell(key, None, numbers.MISSING, None, None, f"table {key[:2]} not found")
    return TableCells(template, {k: cells[k] for k in keys_for(template)}, errors, regions.found)
