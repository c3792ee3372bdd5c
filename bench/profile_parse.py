"""Where parsing time goes: the stages of ``pipelines.parse.parse_bytes`` timed one by one, per layout.

``parse_bytes`` runs, for every file: hashing and format detection, the layout's reader (``read_document``),
the title parser (``identify``), the identity facts (``describe_report``: issuer placed in the division list,
dates, codes, document kind), the canonical table layer (``extract_cells``) and the single-report checks
(``validate_report``: sections, stated figures, R1–R10, completeness). This script calls the same functions in
the same order on synthetic reports and adds up each stage's CPU time, then prints the top functions of a
cProfile run by cumulative and by own time, so that the owner of each stage can see what to make faster.

    .venv/bin/python bench/profile_parse.py [--per-layout 60] [--layouts tab,runtogether] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from pipelines.canonical.extract import extract_cells
from pipelines.canonical.title import identify
from pipelines.documents import read_document
from pipelines.documents.formats import detect_format
from pipelines.identity.report import describe_report
from pipelines.parse import clear_memo_caches, parse_file
from pipelines.synth.generator import generate
from pipelines.synth.layouts import LAYOUTS
from pipelines.validation import validate_report

STAGES = ("hash+detect", "read_document", "identify (title)", "describe_report (identity)", "extract_cells", "validate")


def staged(path: Path, totals: dict[str, float]) -> None:
    """``parse_bytes``'s stages on one file, each stage's CPU time added to ``totals``."""
    clock = time.process_time
    data = path.read_bytes()
    t0 = clock()
    hashlib.sha256(data).hexdigest()
    fmt, _reason = detect_format(path, data[:8192])
    assert fmt is not None
    t1 = clock()
    document = read_document(path, fmt, data)
    t2 = clock()
    identity = identify(document.title_hint, (row.text for row in document.rows))
    t3 = clock()
    facts = describe_report(document, identity.issuer, identity.title)
    t4 = clock()
    tables = extract_cells(document.rows)
    t5 = clock()
    period = (facts.period_start, facts.period_end) if facts.period_start and facts.period_end else None
    validate_report(
        tables.template,
        identity.year,
        tables.cells,
        document.rows,
        level=facts.admin_level,
        published=facts.published_on,
        period=period,
    )
    t6 = clock()
    for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
        totals[stage] += seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-layout", type=int, default=60)
    parser.add_argument("--layouts", default="tab,runtogether,md,html,docx")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    layouts = [name for name in args.layouts.split(",") if name in LAYOUTS]
    scratch = Path(tempfile.mkdtemp(prefix="xxgk-profile-"))
    try:
        print(f"{'layout':<12} {'reports':>7} {'ms/report':>10}  " + "  ".join(f"{s:>{len(s)}}" for s in STAGES))
        for index, layout in enumerate(layouts):
            summary = generate(
                scratch / layout, max(1, round(args.per_layout / 6.72)), "2019-2025", (layout,), 0.1, 7 + index
            )
            files = sorted(summary.inbox.iterdir())
            parse_file(files[0])  # warm-up: the reader's imports
            clear_memo_caches()  # every file of the timed pass is seen for the first time
            totals: dict[str, float] = defaultdict(float)
            for path in files:
                staged(path, totals)
            total = sum(totals.values())
            shares = "  ".join(
                f"{totals[s] / len(files) * 1000:>{len(s) - 6}.2f} ms ({totals[s] / total:>3.0%})" for s in STAGES
            )
            print(f"{layout:<12} {len(files):>7} {total / len(files) * 1000:>10.2f}  {shares}")
        for layout in layouts:
            files = sorted((scratch / layout / "inbox").iterdir())
            clear_memo_caches()  # the staged pass above read the same files: start the profile cold
            profiler = cProfile.Profile()
            profiler.enable()
            for path in files:
                parse_file(path)
            profiler.disable()
            for order in ("cumulative", "tottime"):
                buffer = io.StringIO()
                pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(args.top)
                lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
                start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
                print(f"\ncProfile of parse_file on {len(files)} {layout} reports, by {order} time:")
                for line in lines[start : start + args.top + 1]:
                    print("  " + line.replace(str(Path.cwd()) + "/", "")[:160])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
