"""Splitting run-together digits back into cells, by enumeration against the table's own arithmetic.

Crawled pages flatten tables: the 表三 row ``217 1 0 0 0 0 218`` arrives as ``21710000218``, the v2019 表二
row ``政府集中采购 135 | 75394432.52元`` as ``13575394432.52元``. Cell boundaries are recovered by
enumerating every way to cut the printed digit runs (*segments*, already separated by the source where it
kept a space) into the row's cells, with these rules:

- no part has a leading zero (``0`` itself is a part, ``07`` is not);
- a segment printed with a minus sign gives its sign to its first part, which must be non-zero and may only
  land on a column that can be negative (v2019 ``本年增/减``);
- a segment's fraction (``.52``) and unit (``元``) belong to its last part, which may only land on a column
  that can hold decimals (money);
- a placeholder (``—``, ``/``, ``无``) is one part on its own, with no value.

The caller passes the row's identity as ``accept`` (for 表三 the six applicant columns add up to 总计, R3; for
表四 each block's four outcomes add up to its 总计, R4) and may pass ``check`` to prune prefixes early. The
result says whether the enumeration was complete: only a complete list of candidates can prove that a value
is the same in every reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

Value = Decimal | None
Parts = tuple[Value, ...]
Accept = Callable[[Parts], bool]

#: Beyond this many accepted cuts the enumeration stops and reports itself incomplete.
MAX_SOLUTIONS = 2000
#: Beyond this many visited cut points the enumeration stops (guards against very long digit runs).
MAX_STEPS = 400_000


@dataclass(frozen=True)
class Segment:
    """One printed run: integer ``digits`` (empty for a placeholder), an optional sign, fraction and unit."""

    digits: str
    negative: bool = False
    fraction: str = ""
    unit: str | None = None
    placeholder: str | None = None  # the status of a placeholder segment (dash, slash, none_text, blank)

    @property
    def raw(self) -> str:
        if self.placeholder is not None:
            return "—"
        return f"{'-' if self.negative else ''}{self.digits}{self.fraction}{self.unit or ''}"


@dataclass(frozen=True)
class Cut:
    """One way to read the segments as the row's cells: a value per cell, and the unit printed with it."""

    values: Parts
    units: tuple[str | None, ...]
    statuses: tuple[str | None, ...]  # None for numbers, else the placeholder status


@dataclass
class SplitResult:
    cuts: list[Cut]
    complete: bool

    @property
    def candidates(self) -> list[Parts]:
        return [cut.values for cut in self.cuts]


def split_segments(
    segments: Sequence[Segment],
    parts: int,
    accept: Accept | None = None,
    check: Callable[[Parts], bool] | None = None,
    signed: frozenset[int] = frozenset(),
    decimal: frozenset[int] | None = None,
    limit: int = MAX_SOLUTIONS,
) -> SplitResult:
    """Every cut of ``segments`` into ``parts`` cells that ``accept`` allows.

    ``signed`` are the cell positions that may be negative, ``decimal`` those that may carry a fraction
    (None: any). ``check`` sees every prefix of a cut and may reject it early.
    """
    cuts: list[Cut] = []
    steps = 0
    complete = True
    values: list[Value] = []
    units: list[str | None] = []
    statuses: list[str | None] = []

    def walk(index: int, position: int) -> None:
        nonlocal steps, complete
        if not complete:
            return
        steps += 1
        if steps > MAX_STEPS or len(cuts) >= limit:
            complete = False
            return
        if index == len(segments):
            if len(values) == parts:
                candidate = tuple(values)
                if accept is None or accept(candidate):
                    cuts.append(Cut(candidate, tuple(units), tuple(statuses)))
            return
        segment = segments[index]
        later = len(segments) - index - 1
        room = parts - len(values) - later  # parts this segment may still give, at most
        if room <= 0:
            return
        if segment.placeholder is not None:
            _push(None, None, segment.placeholder)
            if check is None or check(tuple(values)):
                walk(index + 1, 0)
            _pop()
            return
        digits = segment.digits
        first = position == 0
        if digits[position] == "0":
            lengths: Sequence[int] = (1,)
        else:
            lengths = range(1, len(digits) - position + 1)
        for length in lengths:
            end = position + length
            last = end == len(digits)
            if not last and room <= 1:
                continue  # this segment would need more parts than are left
            slot = len(values)
            number = Decimal(digits[position:end])
            unit = None
            if last:
                if segment.fraction:
                    if decimal is not None and slot not in decimal:
                        continue
                    number += Decimal(segment.fraction)
                unit = segment.unit
            if first and segment.negative:
                if number == 0 or slot not in signed:
                    continue
                number = -number
            _push(number, unit, None)
            if check is None or check(tuple(values)):
                if last:
                    walk(index + 1, 0)
                else:
                    walk(index, end)
            _pop()

    def _push(value: Value, unit: str | None, status: str | None) -> None:
        values.append(value)
        units.append(unit)
        statuses.append(status)

    def _pop() -> None:
        values.pop()
        units.pop()
        statuses.pop()

    if parts > 0 and segments:
        walk(0, 0)
    return SplitResult(cuts, complete)


def _cuts_summing_to(runs: Sequence[str], parts: int, target: int, limit: int) -> tuple[list[tuple[int, ...]], bool]:
    """Every cut of the digit ``runs`` into ``parts`` numbers (each run at least one) that add up to ``target``.

    Memoised on (run, position, parts left, sum left), and pruned where the digits left cannot fit: no part may
    exceed the sum left, so none has more digits than it, and ``left`` parts hold at most ``left`` times that
    many digits; and ``left`` parts of the digits left add up to less than one part taking all but ``left - 1``
    of them plus 9 for each other part. The prunes only drop states without solutions (same cuts, same
    completeness), but keep the states few when the sum left takes many values (5-digit columns run together).
    """
    overflow = False
    # digits from the start of each run to the end of the last run
    after = [sum(len(r) for r in runs[index:]) for index in range(len(runs) + 1)]

    @cache
    def go(run: int, position: int, left: int, rest: int) -> tuple[tuple[int, ...], ...]:
        nonlocal overflow
        if run == len(runs):
            return ((),) if left == 0 and rest == 0 else ()
        digits_left = after[run] - position
        if left < len(runs) - run or digits_left > left * len(str(rest)):
            return ()
        if left and rest >= 10 ** (digits_left - left + 1) + 10 * left:
            return ()  # even one long part and the others 9 cannot add up to the sum left
        digits = runs[run]
        lengths: Sequence[int] = (1,) if digits[position] == "0" else range(1, len(digits) - position + 1)
        found: list[tuple[int, ...]] = []
        for length in lengths:
            value = int(digits[position : position + length])
            if value > rest:
                break  # longer parts only grow
            end = position + length
            tails = (
                go(run + 1, 0, left - 1, rest - value) if end == len(digits) else go(run, end, left - 1, rest - value)
            )
            found.extend((value, *tail) for tail in tails)
            if len(found) > limit:
                overflow = True
                break
        return tuple(found)

    result = list(go(0, 0, parts, target))
    return result[:limit], not overflow and len(result) <= limit


def split_with_total(segments: Sequence[Segment], parts: int, limit: int = MAX_SOLUTIONS) -> SplitResult:
    """Cuts whose last part (总计) is the sum of the others (R3), found total first.

    The 总计 is a suffix of the last digit run; for each possible suffix the other parts are the cuts of the
    remaining digits that add up to it (``_cuts_summing_to``). Same result as ``split_segments(...,
    accept=row_sum_identity)`` for plain digit runs, and fast on long ones (six 3-digit columns run together).
    Rows with signs, fractions, units or placeholders take the general enumeration.
    """
    last = segments[-1] if segments else None
    plain = all(s.placeholder is None and not s.negative and not s.fraction and not s.unit for s in segments)
    if last is None or not plain or parts < 2:
        return split_segments(segments, parts, accept=row_sum_identity, limit=limit)
    found: list[tuple[int, ...]] = []
    complete = True
    digits = last.digits
    for length in range(1, len(digits) + 1):
        suffix = digits[len(digits) - length :]
        if len(suffix) > 1 and suffix.startswith("0"):
            continue
        head = digits[: len(digits) - length]
        runs = [s.digits for s in segments[:-1]] + ([head] if head else [])
        if not runs:
            continue
        total = int(suffix)
        cuts, whole = _cuts_summing_to(runs, parts - 1, total, limit - len(found))
        complete = complete and whole
        found.extend((*cut, total) for cut in cuts)
        if len(found) >= limit:
            complete = False
            break
    found.sort(key=lambda cut: [len(str(v)) for v in cut])
    none: tuple[str | None, ...] = (None,) * parts
    return SplitResult([Cut(tuple(Decimal(v) for v in cut), none, none) for cut in found], complete)


def split_blocks_with_totals(
    segments: Sequence[Segment], blocks: int, width: int, limit: int = MAX_SOLUTIONS
) -> SplitResult:
    """Cuts into ``blocks`` consecutive blocks of ``width`` cells, each block's last cell the sum of the rest (R4).

    Block by block, total first: for every place the block's 总计 may end and start, the cells before it are
    the cuts that add up to it (``_cuts_summing_to``). Same result as ``split_segments(..., accept=
    blocks_identity(width))`` and fast on long runs (a province's 表四, ``72641783735113481261211620``).
    Rows with signs, fractions, units or placeholders take the general enumeration.
    """
    plain = all(s.placeholder is None and not s.negative and not s.fraction and not s.unit for s in segments)
    if not plain or not segments:
        return split_segments(
            segments, blocks * width, accept=blocks_identity(width), check=block_sums(width), limit=limit
        )
    runs = [s.digits for s in segments]
    found: list[tuple[int, ...]] = []
    complete = True

    def digits_after(run: int, end: int) -> int:
        return len(runs[run]) - end + sum(len(r) for r in runs[run + 1 :])

    def block(run: int, position: int, left: int, prefix: tuple[int, ...]) -> None:
        nonlocal complete
        if len(found) >= limit:
            complete = False
            return
        if left == 0:
            if run == len(runs):
                found.append(prefix)
            return
        # the block's 总计 lies in some run at or after ``run``: [start, end) within that run
        for last in range(run, len(runs)):
            digits = runs[last]
            begin = position if last == run else 0
            for end in range(begin + 1, len(digits) + 1):
                if digits_after(last, end) < width * (left - 1):
                    break  # the blocks still to come need a digit per cell
                if left == 1 and digits_after(last, end):
                    continue  # the last block ends with the digits
                for start in range(begin, end):
                    total = digits[start:end]
                    if len(total) > 1 and total.startswith("0"):
                        continue
                    span = _span(runs, run, position, last, start)
                    if span is None:
                        continue
                    # the cells before 总计 add up to at most their digits read as one number, and the
                    # longest of them has at least a quarter (1/(width-1)) of their digits
                    head = "".join(span)
                    if len(total) > len(head) or (len(head) + width - 2) // (width - 1) > len(total):
                        continue
                    cuts, whole = _cuts_summing_to(span, width - 1, int(total), limit)
                    complete = complete and whole
                    after = (last, end) if end < len(digits) else (last + 1, 0)
                    for cut in cuts:
                        block(after[0], after[1], left - 1, (*prefix, *cut, int(total)))

    block(0, 0, blocks, ())
    found.sort(key=lambda cut: [len(str(v)) for v in cut])
    none: tuple[str | None, ...] = (None,) * (blocks * width)
    return SplitResult([Cut(tuple(Decimal(v) for v in cut), none, none) for cut in found[:limit]], complete)


def _span(runs: Sequence[str], run: int, position: int, last: int, start: int) -> list[str] | None:
    """The digit runs from (run, position) up to (last, start), each non-empty; None if some run would be empty."""
    if last == run:
        piece = runs[run][position:start]
        return [piece] if piece else None
    span = [runs[run][position:], *runs[run + 1 : last]]
    if start > 0:
        span.append(runs[last][:start])
    return span if all(span) else None


def digit_segments(*texts: str) -> list[Segment]:
    """Plain digit runs as segments (tests and simple callers)."""
    return [Segment(text) for text in texts]


def row_sum_identity(parts: Parts) -> bool:
    """R3 for 表三 (and R4 for a 表四 block): the cells before the last add up to the last (总计).

    Placeholders make the row not assessable, which accepts it: the identity cannot discriminate.
    """
    if any(part is None for part in parts):
        return True
    head = sum((p for p in parts[:-1] if p is not None), Decimal(0))
    return head == parts[-1]


def block_sums(width: int) -> Callable[[Parts], bool]:
    """R4 for 表四: every complete block of ``width`` cells obeys ``row_sum_identity``; usable as
    ``check``."""

    def check(prefix: Parts) -> bool:
        if prefix and len(prefix) % width == 0:
            return row_sum_identity(prefix[-width:])
        return True

    return check


def blocks_identity(width: int) -> Accept:
    """R4 for a whole 表四 row: every block of ``width`` cells obeys ``row_sum_identity``."""

    def accept(parts: Parts) -> bool:
        return all(row_sum_identity(parts[i : i + width]) for i in range(0, len(parts), width))

    return accept


def agreed(candidates: Sequence[Parts]) -> list[bool]:
    """Per position, whether every candidate has the same value there."""
    if not candidates:
        return []
    first = candidates[0]
    return [all(c[i] == first[i] for c in candidates) for i in range(len(first))]
