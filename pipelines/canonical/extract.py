"""From a reader's rows to canonical cells: find each template row by its label, read the values after it.

The document's rows are joined into one normalised text (cells separated by tabs, rows by newlines) so that
one procedure serves every layout: a label is found by its phrase, and the values are whatever value tokens
stand between the end of that label and the start of the next one. Tab-separated, HTML, Markdown and PDF
rows give one token per cell (blank cells kept as ``blank``); crawled text that ran cells together gives one
digit run, cut back into cells by ``splitting`` against the row's own arithmetic.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.canonical import layout, numbers
from pipelines.canonical.layout import RowSpec
from pipelines.canonical.numbers import ParsedValue, parse_value, to_python_number
from pipelines.canonical.registry import keys_for, metric
from pipelines.canonical.splitting import Parts, row_sum_identity, split_blocks, split_segments
from pipelines.canonical.text import normalise
from pipelines.documents.model import Row


@dataclass
class Cell:
    """One canonical cell of one report, with what was printed and where."""

    key: str
    value: int | float | None
    status: str
    raw: str | None = None
    locator: str | None = None
    note: str | None = None
    candidates: list[Parts] = field(default_factory=list)

    def as_provenance(self) -> dict[str, object]:
        detail: dict[str, object] = {"status": self.status, "raw": self.raw, "locator": self.locator}
        if self.note:
            detail["note"] = self.note
        return detail


@dataclass(frozen=True)
class Token:
    parsed: ParsedValue
    offset: int


class LinearText:
    """The document as one normalised string, able to say which source row an offset came from."""

    def __init__(self, rows: Sequence[Row]) -> None:
        lines = [normalise(row.text).replace("\n", " ") for row in rows]
        self.text = "\n".join(lines)
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.locators = [row.locator for row in rows]

    def locator_at(self, offset: int) -> str | None:
        if not self.starts:
            return None
        return self.locators[max(0, bisect.bisect_right(self.starts, offset) - 1)]


# After its characteristic phrase a label may go on (“（区分处理的，只计这一情形…）”) up to the first value.
_LABEL_TAIL = re.compile(r"[^\t\n\d\-—–―/]*")
_LEADING_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|条|项|个|次)?")


def _cell_tokens(cell: str, offset: int) -> list[Token]:
    """Value tokens inside one cell; label text mixed in is skipped."""
    tokens: list[Token] = []
    position = 0
    for piece in cell.split(" "):
        start = offset + position
        position += len(piece) + 1
        if not piece:
            continue
        parsed = parse_value(piece)
        if parsed.status != numbers.UNPARSEABLE:
            tokens.append(Token(parsed, start))
            continue
        match = _LEADING_NUMBER.match(piece)
        if match:
            tokens.append(Token(parse_value(match.group(0)), start))
    return tokens


def region_tokens(linear: LinearText, start: int, end: int) -> list[Token]:
    """The value tokens of one labelled row: the label's own line first (keeping blank cells), else later lines."""
    region = linear.text[start:end]
    lines = region.split("\n")
    first: list[Token] = []
    offset = start
    for index, cell in enumerate(lines[0].split("\t")):
        if cell.strip():
            first.extend(_cell_tokens(cell, offset))
        elif index > 0:
            first.append(Token(ParsedValue(None, numbers.BLANK, ""), offset))
        offset += len(cell) + 1
    while first and first[-1].parsed.status == numbers.BLANK:
        first.pop()
    if any(t.parsed.status != numbers.BLANK for t in first) or len(lines) == 1:
        return first
    later: list[Token] = []
    offset = start + len(lines[0]) + 1
    for line in lines[1:]:
        for cell in line.split("\t"):
            if cell.strip():
                later.extend(_cell_tokens(cell, offset))
            offset += len(cell) + 1
    return later or first


def _make_cell(key: str, token: Token, linear: LinearText, note: str | None = None) -> Cell:
    parsed = token.parsed
    value: int | float | None = None
    status = parsed.status
    if parsed.value is not None:
        amount = parsed.value
        if metric(key).unit == "万元" and parsed.unit == "元":
            amount = amount / Decimal(10000)
            note = f"converted from 元 ({parsed.raw})"
        value = to_python_number(amount)
    return Cell(key, value, status, parsed.raw, linear.locator_at(token.offset), note)


def assign_row(
    keys: Sequence[str], tokens: list[Token], linear: LinearText, constraint: bool
) -> tuple[dict[str, Cell], list[str]]:
    """Map a row's tokens onto its keys, cutting run-together digits when there are too few tokens."""
    errors: list[str] = []
    count = len(keys)
    # A label spanning two merged columns leaves an empty cell before the values: padding, not a blank.
    while len(tokens) > count and tokens[0].parsed.status == numbers.BLANK:
        tokens = tokens[1:]
    if len(tokens) > count:
        extra = [t.parsed.raw for t in tokens[count:]]
        errors.append(f"{keys[0].rsplit('.', 1)[0]}: {len(tokens)} values for {count} cells; ignored {extra}")
        tokens = tokens[:count]
    if len(tokens) == count:
        return {k: _make_cell(k, t, linear) for k, t in zip(keys, tokens, strict=True)}, errors

    splittable = tokens and all(
        t.parsed.status == numbers.NUMBER and t.parsed.raw.isdigit() for t in tokens
    )
    if splittable:
        segments = [t.parsed.raw for t in tokens]
        solutions = split_segments(segments, count, row_sum_identity if constraint else None)
        locator = linear.locator_at(tokens[0].offset)
        raw = " ".join(segments)
        if len(solutions) == 1:
            note = f"split from run-together digits '{raw}'"
            return {
                k: Cell(k, v, numbers.NUMBER, raw, locator, note)
                for k, v in zip(keys, solutions[0], strict=True)
            }, errors
        reason = "no split satisfies the row's arithmetic" if not solutions else f"{len(solutions)} splits fit"
        note = f"run-together digits '{raw}': {reason}"
        errors.append(f"{keys[0].rsplit('.', 1)[0]}: {note}")
        return {
            k: Cell(k, None, numbers.AMBIGUOUS, raw, locator, note, candidates=solutions) for k in keys
        }, errors

    cells = {k: _make_cell(k, t, linear) for k, t in zip(keys, tokens, strict=False)}
    missing = keys[len(tokens) :]
    if tokens:
        errors.append(f"{keys[0].rsplit('.', 1)[0]}: {len(tokens)} values for {count} cells")
    for key in missing:
        cells[key] = Cell(key, None, numbers.MISSING, None, None, "no value printed for this cell")
    return cells, errors


def extract_table_rows(
    linear: LinearText, specs: Sequence[RowSpec], start: int, end: int
) -> tuple[dict[str, Cell], list[str]]:
    """Find each labelled row between ``start`` and ``end`` in template order and read its values."""
    found: list[tuple[RowSpec, re.Match[str]]] = []
    position = start
    missing_rows: list[str] = []
    for spec in specs:
        match = spec.pattern.search(linear.text, position, end)
        if match is None:
            missing_rows.append(spec.row)
            continue
        found.append((spec, match))
        position = match.end()

    cells: dict[str, Cell] = {}
    errors = [f"{specs[0].table}: row '{row}' not found" for row in missing_rows]
    for index, (spec, match) in enumerate(found):
        region_end = found[index + 1][1].start() if index + 1 < len(found) else end
        tail = _LABEL_TAIL.match(linear.text, match.end(), region_end)
        value_start = tail.end() if tail else match.end()
        tokens = region_tokens(linear, value_start, region_end)
        row_cells, row_errors = assign_row(spec.keys, tokens, linear, constraint=spec.table == "t3")
        cells.update(row_cells)
        errors.extend(row_errors)
    for spec in specs:
        if spec.row in missing_rows:
            for key in spec.keys:
                cells[key] = Cell(key, None, numbers.MISSING, None, None, "row not found")
    return cells, errors


def extract_t4(linear: LinearText, start: int, end: int) -> tuple[dict[str, Cell], list[str]]:
    """表四: fifteen values after the header, in the order review × 5, direct suit × 5, suit after review × 5."""
    keys = [f"t4.{b}.{c}" for b in layout.T4_BLOCKS for c in layout.T4_COLUMNS]
    tokens: list[Token] = []
    offset = start
    for line in linear.text[start:end].split("\n"):
        line_tokens: list[Token] = []
        cell_offset = offset
        for cell in line.split("\t"):
            if cell.strip():
                line_tokens.extend(_cell_tokens(cell, cell_offset))
            else:
                line_tokens.append(Token(ParsedValue(None, numbers.BLANK, ""), cell_offset))
            cell_offset += len(cell) + 1
        offset += len(line) + 1
        if any(t.parsed.status == numbers.NUMBER for t in line_tokens):
            if len(line_tokens) != len(keys):
                while line_tokens and line_tokens[-1].parsed.status == numbers.BLANK:
                    line_tokens.pop()
                while line_tokens and line_tokens[0].parsed.status == numbers.BLANK:
                    line_tokens.pop(0)
            tokens.extend(line_tokens)
    if len(tokens) == 1 and tokens[0].parsed.raw.isdigit() and len(tokens[0].parsed.raw) >= len(keys):
        raw = tokens[0].parsed.raw
        solutions = split_blocks(raw, len(layout.T4_BLOCKS), len(layout.T4_COLUMNS))
        locator = linear.locator_at(tokens[0].offset)
        if len(solutions) == 1:
            note = f"split from run-together digits '{raw}'"
            return {
                k: Cell(k, v, numbers.NUMBER, raw, locator, note)
                for k, v in zip(keys, solutions[0], strict=True)
            }, []
        reason = "no split satisfies the block totals" if not solutions else f"{len(solutions)} splits fit"
        note = f"run-together digits '{raw}': {reason}"
        return {k: Cell(k, None, numbers.AMBIGUOUS, raw, locator, note, solutions) for k in keys}, [
            f"t4: {note}"
        ]
    return assign_row(keys, tokens, linear, constraint=False)


@dataclass
class TableCells:
    template: str | None
    cells: dict[str, Cell]
    errors: list[str]
    tables_found: list[str]


def _any(patterns: Sequence[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def detect_template(text: str) -> str | None:
    """The template era from the tables' content, never from the year (reports lag templates)."""
    if _any(layout.V2021_T2_MARKS, text) or _any(layout.V2021_T3_MARKS, text):
        return "v2021"
    if _any(layout.V2019_T2_MARKS, text):
        return "v2019"
    if _any(layout.T3_MARKS, text) and re.search(layout.fuzzy_phrase("其他处理"), text):
        return "v2019"
    return None


def extract_cells(rows: Sequence[Row]) -> TableCells:
    """Every canonical cell of a modern (v2019 / v2021) report; ``template`` is None where neither is found."""
    linear = LinearText(rows)
    text = linear.text
    template = detect_template(text)
    if template is None:
        return TableCells(None, {}, [], [])
    t2_specs = layout.T2_V2021 if template == "v2021" else layout.T2_V2019
    t3_specs = layout.T3_V2021 if template == "v2021" else layout.T3_V2019

    t2_match = layout.T2_START.search(text)
    t2_start = t2_match.start() if t2_match else None
    t3_match = layout.T3_START.search(text, t2_start or 0)
    t3_start = t3_match.start() if t3_match else None
    t4_match = layout.T4_START.search(text, t3_start) if t3_start is not None else None
    t4_start = t4_match.start() if t4_match else None
    t4_end_match = layout.T4_END.search(text, t4_start) if t4_start is not None else None
    t4_end = t4_end_match.start() if t4_end_match else len(text)

    cells: dict[str, Cell] = {}
    errors: list[str] = []
    found: list[str] = []
    if t2_start is not None:
        t2_cells, t2_errors = extract_table_rows(linear, t2_specs, t2_start, t3_start or len(text))
        cells.update(t2_cells)
        errors.extend(t2_errors)
        found.append("t2")
    if t3_start is not None:
        t3_cells, t3_errors = extract_table_rows(linear, t3_specs, t3_start, t4_start or len(text))
        cells.update(t3_cells)
        errors.extend(t3_errors)
        found.append("t3")
    if t4_start is not None:
        t4_cells, t4_errors = extract_t4(linear, t4_start, t4_end)
        cells.update(t4_cells)
        errors.extend(t4_errors)
        found.append("t4")

    for key in keys_for(template):
        if key not in cells:
            cells[key] = Cell(key, None, numbers.MISSING, None, None, f"table {key[:2]} not found")
    return TableCells(template, {k: cells[k] for k in keys_for(template)}, errors, found)
