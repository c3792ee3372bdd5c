"""The document as one normalised string, and the value tokens printed in a stretch of it.

Every reader's rows are joined into one text (cells separated by tabs, rows by newlines) so that one
procedure serves every layout. Labels are matched on ``LinearText.text``; values are scanned on
``LinearText.values``, the same text with bracketed hints blanked out (``text.mask_hints``), so digits
inside a label's hint are never read as cells. Both strings have the same length; an offset in one is an
offset in the other, and ``locator_at`` turns it back into the reader's locator (``line 45``,
``table[2]/tr[5]``).

A *token* is one printed value: a number (with its sign, fraction and unit) or a placeholder (``—``, ``/``,
``无``, or an empty table cell). Crawled text that ran cells together yields fewer tokens than the row has
cells; each numeric token is then a ``Segment`` for ``splitting``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.canonical import numbers
from pipelines.canonical.numbers import NUMBER_PATTERN, ParsedValue, parse_value
from pipelines.canonical.splitting import Segment
from pipelines.canonical.text import mask_hints, memo_short, normalise
from pipelines.documents.model import Row


class LinearText:
    """The document as one normalised string (and its masked twin); knows which row an offset came from."""

    def __init__(self, rows: Sequence[Row]) -> None:
        lines = [normalise(row.text).replace("\n", " ") for row in rows]
        self.text = "\n".join(lines)
        self.values = mask_hints(self.text)
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


@dataclass(frozen=True)
class Token:
    """One printed value and where it starts in the linear text."""

    parsed: ParsedValue
    offset: int
    segment: Segment

    @property
    def is_number(self) -> bool:
        return self.parsed.status == numbers.NUMBER

    @property
    def splittable(self) -> bool:
        """A number that may be several cells run together: no thousands separator (those mark one number)."""
        return self.is_number and "," not in normalise(self.parsed.raw)


_RUN = re.compile(rf"{NUMBER_PATTERN}|(?P<dash>[-—–―‐‑─━]+)|(?P<slash>[/\\])")
#: A label's own numbering ("2.其他法律…", "3、其他", "4.政府信息公开…"): one digit, a list mark, then text.
_NUMBERING = re.compile(r"\d\s*[.、．](?!\d)")
#: After its characteristic phrase a label may go on ("（区分处理的，只计这一情形…）") up to the first value.
LABEL_TAIL = re.compile(r"[^\t\n\d\-—–―‐‑─━/\\]*")


_FULL_NUMBER = re.compile(NUMBER_PATTERN)


def _token(raw: str, offset: int) -> Token:
    parsed, segment = _read_token(raw)
    return Token(parsed, offset, segment)


@memo_short
def _read_token(raw: str) -> tuple[ParsedValue, Segment]:
    """A token's value and its ``Segment``, from its text alone (memoised: the texts repeat, "0" above all)."""
    parsed = parse_value(raw)
    if parsed.status == numbers.NUMBER:
        match = _FULL_NUMBER.fullmatch(normalise(raw).strip().replace(" ", ""))
        assert match is not None  # parse_value accepted the same pattern
        segment = Segment(
            digits=match.group("digits").replace(",", ""),
            negative=match.group("sign") == "-",
            fraction=match.group("frac") or "",
            unit=match.group("unit"),
        )
    else:
        segment = Segment("", placeholder=parsed.status)
    return parsed, segment


def separate_cells(linear: LinearText, tokens: Sequence[Token]) -> bool:
    """Whether the tokens stand in different table cells (a tab or line break between two of them).

    Values from separate cells are one value each; only values run together inside one cell may be cut.
    """
    return any(
        "\t" in linear.text[a.offset : b.offset] or "\n" in linear.text[a.offset : b.offset]
        for a, b in itertools.pairwise(tokens)
    )


@dataclass(frozen=True)
class LineShape:
    """Where a labelled row sits in its table line: the label's cell index and the line's cell count.

    Rows of one table with the same shape put their values in the same cells, which tells layout padding
    (empty cells of merged labels or of a wider grid) from printed blanks.
    """

    label_cell: int
    width: int


def line_shape(linear: LinearText, value_start: int) -> LineShape:
    line_start = linear.text.rfind("\n", 0, value_start) + 1
    line_end = linear.text.find("\n", value_start)
    if line_end < 0:
        line_end = len(linear.text)
    return LineShape(
        linear.text.count("\t", line_start, value_start), linear.text.count("\t", line_start, line_end) + 1
    )


def cell_index(linear: LinearText, offset: int) -> int:
    """The index of the cell holding ``offset`` within its line."""
    line_start = linear.text.rfind("\n", 0, offset) + 1
    return linear.text.count("\t", line_start, offset)


def same_line(linear: LinearText, start: int, tokens: Sequence[Token]) -> bool:
    return all("\n" not in linear.text[start : t.offset] for t in tokens)


def blank_token(offset: int) -> Token:
    return Token(ParsedValue(None, numbers.BLANK, ""), offset, Segment("", placeholder=numbers.BLANK))


def cell_tokens(cell: str, offset: int, anywhere: bool = False) -> list[Token]:
    """Value tokens inside one cell: whole pieces that read as values, else the values a piece starts with.

    ``898989第二十条…`` gives ``898989``; ``396-8181`` gives ``396`` and ``-8181``; label text after the
    values of a piece is skipped. With ``anywhere`` (表四, whose header words run straight into the values:
    ``…尚未审结总计21317000001324019``) every value run in the piece is taken.
    """
    tokens: list[Token] = []
    position = 0
    for piece in cell.split(" "):
        start = offset + position
        position += len(piece) + 1
        if not piece:
            continue
        if parse_value(piece).status != numbers.UNPARSEABLE:
            tokens.append(_token(piece, start))
            continue
        at = 0
        while at < len(piece):
            match = _RUN.match(piece, at) if not anywhere else _RUN.search(piece, at)
            if match is None or match.end() == match.start():
                break
            if _NUMBERING.match(piece, match.start()):
                if not anywhere:
                    break
                at = match.end()
                continue
            text = match.group(0)
            if _NUMBERING.match(piece, match.end() - 1) and text.isdigit():
                # "…0 14.政府…": the last digit numbers the label that follows, the rest is a value
                tokens.append(_token(text[:-1], start + match.start()))
                if not anywhere:
                    break
                at = match.end()
                continue
            tokens.append(_token(text, start + match.start()))
            at = match.end()
    return tokens


def region_tokens(linear: LinearText, start: int, end: int) -> list[Token]:
    """The value tokens of one labelled row: the label's own line (keeping blank cells), else later lines.

    Blank cells are kept wherever they stand, the last one too (a blank 总计 is a printed blank); which of
    them are layout padding is decided by ``rows.read_row``, which knows how many cells the row has.
    """
    region = linear.values[start:end]
    lines = region.split("\n")
    first: list[Token] = []
    offset = start
    for index, cell in enumerate(lines[0].split("\t")):
        if cell.strip():
            first.extend(cell_tokens(cell, offset))
        elif index > 0:
            first.append(blank_token(offset))
        offset += len(cell) + 1
    if any(t.parsed.status != numbers.BLANK for t in first) or len(lines) == 1:
        return first
    later: list[Token] = []
    offset = start + len(lines[0]) + 1
    for line in lines[1:]:
        for cell in line.split("\t"):
            if cell.strip():
                later.extend(cell_tokens(cell, offset))
            offset += len(cell) + 1
    return later or first


def line_tokens(linear: LinearText, start: int, end: int) -> list[list[Token]]:
    """Per line of ``[start, end)``, its tokens with empty cells as blanks (表四 reads its value line(s)).

    Every value run in a cell counts, wherever it stands (the caller starts after the table's title).
    """
    result: list[list[Token]] = []
    offset = start
    for line in linear.values[start:end].split("\n"):
        tokens: list[Token] = []
        cell_offset = offset
        for cell in line.split("\t"):
            if cell.strip():
                tokens.extend(cell_tokens(cell, cell_offset, anywhere=True))
            else:
                tokens.append(blank_token(cell_offset))
            cell_offset += len(cell) + 1
        offset += len(line) + 1
        result.append(tokens)
    return result
