"""表三 read by position, for cell layouts whose value rows have come apart from their labels.

PDF→Markdown extractions (上海市科委 2024) break 表三 into many pipe blocks: some value rows keep their label
cell (``1.属于国家秘密 | 0 | … | 0``), others stand alone (``| 1 | 0 | 0 | 0 | 0 | 0 | 1 |``) while their label
text floats elsewhere, often after the values. Label matching then reads the wrong numbers. The value rows
themselves are still in template order, so when the table holds exactly one value row per template row, and
every value row that does carry a label carries the label of the row at its position, the rows are assigned
by position. Either condition failing leaves the label reading as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.canonical import numbers
from pipelines.canonical.layout import RowSpec
from pipelines.canonical.numbers import parse_value
from pipelines.canonical.rows import Reading, read_row
from pipelines.canonical.splitting import row_sum_identity
from pipelines.canonical.tokens import LinearText, Token, blank_token, cell_tokens


@dataclass(frozen=True)
class ValueRow:
    """One line of a table that carries a row's values: its label text (may be empty) and its value cells."""

    label: str
    tokens: list[Token]


def _value_row(line: str, offset: int, width: int) -> ValueRow | None:
    """The line as a value row: label cells first, then only value cells (at least ``width - 1``, one a number)."""
    cells = line.split("\t")
    if len(cells) < 2:
        return None
    label_cells: list[str] = []
    tokens: list[Token] = []
    position = offset
    for cell in cells:
        status = parse_value(cell).status
        if status == numbers.UNPARSEABLE:
            if tokens:
                return None  # text after values: not a value row
            label_cells.append(cell)
        elif status == numbers.BLANK:
            tokens.append(blank_token(position))
        else:
            tokens.extend(cell_tokens(cell, position))
        position += len(cell) + 1
    while tokens and tokens[-1].parsed.status == numbers.BLANK and len(tokens) > width:
        tokens.pop()
    numbers_found = sum(1 for t in tokens if t.is_number)
    if numbers_found == 0 or not width - 1 <= len(tokens) <= width:
        return None
    return ValueRow("".join(label_cells), tokens)


def _label_of(label: str, specs: Sequence[RowSpec]) -> RowSpec | None:
    """The template row whose label this text is, if any; None for no label or unknown text."""
    if not label.strip():
        return None
    for spec in specs:
        if spec.pattern.search(label):
            return spec
    return None


def read_by_position(linear: LinearText, specs: Sequence[RowSpec], start: int, end: int) -> dict[str, Reading] | None:
    """表三 rows assigned by position, or None when the table does not have that shape."""
    width = len(specs[0].keys)
    rows: list[ValueRow] = []
    offset = start
    for line in linear.text[start:end].split("\n"):
        row = _value_row(line, offset, width)
        if row is not None:
            rows.append(row)
        offset += len(line) + 1
    if len(rows) != len(specs):
        return None
    labelled = 0
    for spec, row in zip(specs, rows, strict=True):
        named = _label_of(row.label, specs)
        if named is not None:
            labelled += 1
            if named is not spec:
                return None
    if labelled == len(rows):
        return None  # every row carries its label: the label reading is the right one
    readings: dict[str, Reading] = {}
    for spec, row in zip(specs, rows, strict=True):
        reading = read_row(spec.row, spec.keys, row.tokens, linear, accept=row_sum_identity)
        if not row.label.strip():
            reading.notes.append("value row without its label, assigned by its position in the table")
        readings[spec.row] = reading
    return readings
