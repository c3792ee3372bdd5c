"""One printed row read into its keys: directly (one token per cell) or as candidate cuts of run-together
digits.

A ``Reading`` is the intermediate state between the tokens of a row and its cells. Table-level resolution
(``resolve``) narrows the candidate cuts of ambiguous rows with the table's column rules and the narrative;
then ``build_cells`` turns a reading into cells: one cut left → numbers; several → every value the cuts
agree on is still a number (it is the same in every reading), the rest is ``ambiguous`` with the candidates
attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.canonical import numbers
from pipelines.canonical.cells import Candidate, Cell
from pipelines.canonical.numbers import interpret, is_money, may_be_negative
from pipelines.canonical.splitting import (
    Accept,
    Cut,
    Parts,
    agreed,
    row_sum_identity,
    split_blocks_with_totals,
    split_segments,
    split_with_total,
)
from pipelines.canonical.tokens import LinearText, Token, separate_cells

#: A row whose own 总计 fits no cut is retried without that identity when it has at most this many cuts.
MAX_RELAXED_CUTS = 500


@dataclass
class Reading:
    """How one printed row was read."""

    row: str
    keys: tuple[str, ...]
    locator: str | None
    tokens: list[Token] = field(default_factory=list)  # direct: one token per key
    cuts: list[Cut] = field(default_factory=list)  # split: candidate readings of run-together digits
    split: bool = False
    complete: bool = True  # the cuts are every reading there is (not cut off by a limit)
    raw: str = ""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    found: bool = True
    relaxed: bool = False  # no cut satisfied the row's own identity; the cuts ignore it

    @property
    def ambiguous(self) -> bool:
        return self.split and len(self.cuts) > 1

    def values(self) -> Parts | None:
        """The row's values when they are settled (direct, or a single cut); None while ambiguous."""
        if not self.found:
            return None
        if self.split:
            return self.cuts[0].values if len(self.cuts) == 1 else None
        if len(self.tokens) != len(self.keys):
            return None
        return tuple(t.parsed.value for t in self.tokens)


def _prefix(keys: Sequence[str]) -> str:
    return keys[0].rsplit(".", 1)[0] if keys else "?"


LEADING = "leading"
TRAILING = "trailing"


def trim_padding(tokens: list[Token], count: int, pad_first: str = LEADING) -> list[Token]:
    """Drop empty cells at the ends of a row while it has more cells than keys.

    A label spanning merged columns leaves empty cells before the values; a sub-table narrower than the
    table's grid leaves empty cells after them. They are padding, not printed blanks — but only while there
    are too many cells: a row of exactly ``count`` cells keeps its blank 总计.
    """

    def blank(token: Token) -> bool:
        return token.parsed.status == numbers.BLANK

    for side in (pad_first, TRAILING if pad_first == LEADING else LEADING):
        while len(tokens) > count and tokens and blank(tokens[0] if side == LEADING else tokens[-1]):
            tokens = tokens[1:] if side == LEADING else tokens[:-1]
    return tokens


def padding_side(rows: Sequence[tuple[list[Token], int]], default: str) -> str:
    """Where a table's rows carry layout padding, learnt from rows whose blanks can only be padding.

    ``rows`` are (tokens, number of keys). A row with more cells than keys and exactly as many printed values
    as keys shows its padding; the side seen more often wins, ``default`` on a tie.
    """
    leading = trailing = 0
    for tokens, count in rows:
        printed = [t for t in tokens if t.parsed.status != numbers.BLANK]
        if len(tokens) <= count or len(printed) != count:
            continue
        leading += tokens[0].parsed.status == numbers.BLANK
        trailing += tokens[-1].parsed.status == numbers.BLANK
    if leading != trailing:
        return LEADING if leading > trailing else TRAILING
    return default


def read_row(
    row: str,
    keys: Sequence[str],
    tokens: list[Token],
    linear: LinearText,
    accept: Accept | None,
    check: Accept | None = None,
    relax: bool = False,
    pad_first: str = LEADING,
    block_width: int = 0,
) -> Reading:
    """Map a row's tokens onto its keys, cutting run-together digits when there are too few tokens.

    ``block_width`` marks 表四: blocks of that many cells, each adding up to its last (R4).
    ``pad_first`` says which end of the row to drop empty cells from first when it has more cells than keys
    (``padding_side`` learns it from the table's other rows).

    ``accept`` is the row's own identity (R3 / R4). With ``relax``, a row that no cut satisfies is retried
    without it (the report's 总计 may be wrong); the table's column rules may still pick the reading.
    """
    keys = tuple(keys)
    count = len(keys)
    locator = linear.locator_at(tokens[0].offset) if tokens else None
    reading = Reading(row, keys, locator)
    tokens = trim_padding(tokens, count, pad_first)
    if len(tokens) > count:
        extra = [t.parsed.raw for t in tokens[count:]]
        reading.errors.append(f"{_prefix(keys)}: {len(tokens)} values for {count} cells; ignored {extra}")
        tokens = tokens[:count]
    if len(tokens) == count:
        reading.tokens = tokens
        return reading

    structured = separate_cells(linear, tokens)
    while tokens and tokens[-1].parsed.status == numbers.BLANK and not structured:
        tokens = tokens[:-1]
    splittable = (
        not structured
        and bool(tokens)
        and all(t.splittable or not t.is_number for t in tokens)
        and any(t.is_number and len(t.segment.digits) > 1 for t in tokens)
    )
    if not splittable:
        reading.tokens = tokens
        if tokens:
            reading.errors.append(f"{_prefix(keys)}: {len(tokens)} values for {count} cells")
        return reading

    segments = [t.segment for t in tokens]
    reading.split = True
    reading.raw = " ".join(t.segment.raw if t.is_number else t.parsed.raw for t in tokens)
    signed = frozenset(i for i, key in enumerate(keys) if may_be_negative(key))
    decimal = frozenset(i for i, key in enumerate(keys) if is_money(key))
    if accept is row_sum_identity and check is None:
        result = split_with_total(segments, count)
    elif block_width and count % block_width == 0:
        result = split_blocks_with_totals(segments, count // block_width, block_width)
    else:
        result = split_segments(segments, count, accept=accept, check=check, signed=signed, decimal=decimal)
    if not result.cuts and result.complete and accept is not None and relax:
        loose = split_segments(segments, count, signed=signed, decimal=decimal, limit=MAX_RELAXED_CUTS + 1)
        if loose.cuts and loose.complete and len(loose.cuts) <= MAX_RELAXED_CUTS:
            reading.notes.append("no cut makes the row add up to its 总计")
            reading.relaxed = True
            result = loose
    reading.cuts = result.cuts
    reading.complete = result.complete
    reading.notes.insert(0, f"split from run-together digits '{reading.raw}'")
    return reading


def missing_reading(row: str, keys: Sequence[str], why: str) -> Reading:
    reading = Reading(row, tuple(keys), None, found=False)
    reading.notes.append(why)
    return reading


def _candidate(keys: Sequence[str], cut: Cut, raw: str) -> Candidate:
    """A whole-row reading in the cells' own units (元 already converted to 万元, as the cells store it)."""
    return tuple(interpret(k, v, u, raw).value for k, v, u in zip(keys, cut.values, cut.units, strict=True))


def _note(parts: Sequence[str]) -> str | None:
    kept = [p for p in parts if p]
    return "; ".join(kept) if kept else None


def build_cells(reading: Reading, linear: LinearText) -> tuple[dict[str, Cell], list[str]]:
    """The cells of one row, and the errors worth reporting about it."""
    keys = reading.keys
    errors = list(reading.errors)
    if not reading.found:
        return {k: Cell(k, None, numbers.MISSING, None, None, _note(reading.notes)) for k in keys}, errors

    if not reading.split:
        cells: dict[str, Cell] = {}
        for key, token in zip(keys, reading.tokens, strict=False):
            parsed = token.parsed
            meaning = interpret(key, parsed.value, parsed.unit, parsed.raw)
            cells[key] = Cell(
                key,
                meaning.value,
                parsed.status,
                parsed.raw,
                linear.locator_at(token.offset),
                _note([*reading.notes, *meaning.notes]),
                unit_raw=parsed.unit,
            )
        for key in keys[len(reading.tokens) :]:
            cells[key] = Cell(key, None, numbers.MISSING, None, None, "no value printed for this cell")
        return cells, errors

    raw = reading.raw
    if not reading.cuts:
        why = "no cut satisfies the row's arithmetic" if reading.complete else "too many ways to cut"
        note = _note([*reading.notes, why])
        errors.append(f"{_prefix(keys)}: {note}")
        return {k: Cell(k, None, numbers.AMBIGUOUS, raw, reading.locator, note) for k in keys}, errors

    candidates = [cut.values for cut in reading.cuts]
    same = agreed(candidates) if reading.complete else [False] * len(keys)
    if len(candidates) == 1:
        same = [True] * len(keys)
    cells = {}
    open_keys = []
    for index, key in enumerate(keys):
        if same[index]:
            cut = reading.cuts[0]
            value = cut.values[index]
            status = cut.statuses[index] or numbers.NUMBER
            unit = cut.units[index]
            meaning = interpret(key, value, unit, raw)
            extra = [] if len(candidates) == 1 else [f"same in all {len(candidates)} readings that fit"]
            cells[key] = Cell(
                key,
                meaning.value,
                status,
                raw,
                reading.locator,
                _note([*reading.notes, *extra, *meaning.notes]),
                unit_raw=unit,
            )
        else:
            open_keys.append(key)
    if open_keys:
        shown = [_candidate(keys, cut, raw) for cut in reading.cuts[:20]]
        more = "" if len(candidates) <= 20 else f" (first 20 of {len(candidates)} shown)"
        note = _note([*reading.notes, f"{len(candidates)} readings fit{more}; candidates are whole-row values"])
        errors.append(f"{_prefix(keys)}: {note}: {', '.join('/'.join(map(str, c)) for c in shown[:6])}")
        for key in open_keys:
            cells[key] = Cell(key, None, numbers.AMBIGUOUS, raw, reading.locator, note, candidates=shown)
    return cells, errors
