"""Splitting run-together digits back into cells, using the table's own arithmetic.

Crawled pages flatten tables: the 表三 row ``217 1 0 0 0 0 218`` arrives as ``21710000218``. Cell
boundaries are recovered by enumerating every way to cut the digits into the row's cells (no part may
have a leading zero) and keeping the cuts that satisfy the row's identity (for 表三: the six applicant
columns add up to 总计; for each 表四 block: four outcomes add up to 总计). One surviving cut is taken;
several are reported as ambiguous, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

Parts = tuple[int, ...]
Constraint = Callable[[Parts], bool]

#: Beyond this many candidate cuts a row is reported as ambiguous without listing them all.
MAX_SOLUTIONS = 50


def _cuts(digits: str, parts: int) -> Iterator[Parts]:
    """Every way to cut ``digits`` into ``parts`` numbers with no leading zeros."""
    if parts == 1:
        if digits and (digits == "0" or not digits.startswith("0")):
            yield (int(digits),)
        return
    if digits.startswith("0"):
        first_lengths: Sequence[int] = (1,)
    else:
        first_lengths = range(1, len(digits) - parts + 2)
    for length in first_lengths:
        head = digits[:length]
        for rest in _cuts(digits[length:], parts - 1):
            yield (int(head), *rest)


def split_segments(segments: Sequence[str], parts: int, constraint: Constraint | None) -> list[Parts]:
    """All cuts of the digit ``segments`` (already separated by the source) into ``parts`` numbers in total."""
    solutions: list[Parts] = []

    def walk(index: int, remaining: int, acc: Parts) -> None:
        if len(solutions) > MAX_SOLUTIONS:
            return
        if index == len(segments):
            if remaining == 0 and (constraint is None or constraint(acc)):
                solutions.append(acc)
            return
        segment = segments[index]
        later = len(segments) - index - 1
        for count in range(1, min(len(segment), remaining - later) + 1):
            for cut in _cuts(segment, count):
                walk(index + 1, remaining - count, acc + cut)

    walk(0, parts, ())
    return solutions


def row_sum_identity(parts: Parts) -> bool:
    """表三 (R3): the columns before the last add up to the last (总计)."""
    return sum(parts[:-1]) == parts[-1]


def split_blocks(digits: str, blocks: int, width: int) -> list[Parts]:
    """表四: cut ``digits`` into ``blocks`` consecutive blocks of ``width`` numbers, each obeying R4."""
    solutions: list[Parts] = []

    def walk(rest: str, remaining: int, acc: Parts) -> None:
        if len(solutions) > MAX_SOLUTIONS:
            return
        if remaining == 0:
            if not rest:
                solutions.append(acc)
            return
        for length in range(width, len(rest) - width * (remaining - 1) + 1):
            for cut in _cuts(rest[:length], width):
                if row_sum_identity(cut):
                    walk(rest[length:], remaining - 1, acc + cut)

    walk(digits, blocks, ())
    return solutions
