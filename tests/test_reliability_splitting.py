"""The run-together splitter's prunes change no result, and keep long 表三 rows fast.

``_cuts_summing_to`` (the total-first search for 表三 rows and 表四 blocks) drops states whose digits cannot
add up to the sum left. The reference below is the search as it was before those prunes (memoised only);
on any digits, any part count and any target both must give the same cuts in the same order and the same
completeness flag. The speed test is the known slow input: a crawled report whose 表三 columns are 5-digit
counts run together (about 5–30 s per report before, about 1 s after).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.canonical.layout import T3_COLUMNS
from pipelines.canonical.registry import keys_for
from pipelines.canonical.splitting import _cuts_summing_to, digit_segments, split_with_total
from pipelines.parse import parse_file
from pipelines.synth.render import render

APPLICANTS = T3_COLUMNS[:-1]


def reference_cuts(runs: Sequence[str], parts: int, target: int, limit: int) -> tuple[list[tuple[int, ...]], bool]:
    """The search without prunes (as committed in 31289ed): every cut of ``runs`` into ``parts`` adding to target."""
    overflow = False

    @cache
    def go(run: int, position: int, left: int, rest: int) -> tuple[tuple[int, ...], ...]:
        nonlocal overflow
        if run == len(runs):
            return ((),) if left == 0 and rest == 0 else ()
        if left < len(runs) - run:
            return ()
        digits = runs[run]
        lengths: Sequence[int] = (1,) if digits[position] == "0" else range(1, len(digits) - position + 1)
        found: list[tuple[int, ...]] = []
        for length in lengths:
            value = int(digits[position : position + length])
            if value > rest:
                break
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


_RUN = st.text(alphabet="0123456789", min_size=1, max_size=9)


@settings(max_examples=400, deadline=None, database=None)
@given(
    runs=st.lists(_RUN, min_size=1, max_size=3),
    parts=st.integers(0, 7),
    target=st.one_of(st.integers(0, 30), st.integers(0, 10**7)),
    limit=st.sampled_from([3, 50, 2000]),
)
def test_pruned_search_equals_the_reference(runs: list[str], parts: int, target: int, limit: int) -> None:
    assert _cuts_summing_to(runs, parts, target, limit) == reference_cuts(runs, parts, target, limit)


@settings(max_examples=150, deadline=None, database=None)
@given(columns=st.lists(st.integers(0, 99_999), min_size=6, max_size=6), parts=st.integers(2, 7))
def test_pruned_search_finds_the_true_row(columns: list[int], parts: int) -> None:
    """A true row (six applicant columns and their sum) cut into ``parts`` numbers: same as the reference."""
    runs = ["".join(str(c) for c in columns[: parts - 1])] if parts > 1 else ["0"]
    total = sum(columns[: parts - 1])
    assert _cuts_summing_to(runs, parts - 1, total, 2000) == reference_cuts(runs, parts - 1, total, 2000)
    if parts == 7:
        cuts = split_with_total(digit_segments(runs[0] + str(total)), 7).candidates
        assert (*columns, total) in {tuple(int(v or 0) for v in cut) for cut in cuts}


def run_together_report(columns: Sequence[int]) -> bytes:
    """A crawled (run-together) v2021 report whose 表三 予以公开 row holds ``columns``; every other cell 0."""
    cells: dict[str, int | float | None] = dict.fromkeys(keys_for("v2021"), 0)
    for row in ("new_received", "granted", "total_processed"):
        for column, value in zip(APPLICANTS, columns, strict=True):
            cells[f"t3.{row}.{column}"] = value
        cells[f"t3.{row}.total"] = sum(columns)
    return render("run_together", "德归镇人民政府", 2023, "v2021", cells)


def test_a_run_together_report_with_5_digit_request_counts_parses_in_seconds(tmp_path: Path) -> None:
    """Six 5-digit applicant columns run together in three 表三 rows: read exactly, in seconds (was ~5–30 s)."""
    columns = [32012, 10335, 17929, 31911, 78364, 40825]
    path = tmp_path / "德归镇人民政府_2023.txt"
    path.write_bytes(run_together_report(columns))
    started = time.process_time()
    report = parse_file(path)
    elapsed = time.process_time() - started
    assert report.status == "parsed", report.errors
    assert [report.cells[f"t3.granted.{c}"].value for c in APPLICANTS] == columns
    assert report.cells["t3.granted.total"].value == sum(columns)
    assert elapsed < 10, f"took {elapsed:.1f} s of CPU"
