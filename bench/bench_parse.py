"""Parse throughput per format on the real-report corpus, in one process (so: reports per second per core).

Each file is parsed repeatedly for at least ``--seconds`` of CPU time (after one warm-up parse, which also
loads the format's reader); the figure per format is files parsed divided by CPU time. The parser's memo
caches are emptied before every run (``clear_memo_caches``, not timed), so a run is never sped up by the
same file's previous run: the figures are those of a document seen for the first time, slightly pessimistic
(a real build also reuses the values shared across reports, "0" above all). Prints a table and the peak
resident memory of the process.

    .venv/bin/python bench/bench_parse.py [--corpus DIR] [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from pipelines.evaluation import expected_pairs
from pipelines.parse import clear_memo_caches, parse_file

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("XXGK_CORPUS", DEFAULT_CORPUS)))
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum timed run per file")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus} (set XXGK_CORPUS)", file=sys.stderr)
        return 2
    files = [report for report, _ in expected_pairs(args.corpus)]  # the real reports, not the folder's notes
    per_format: dict[str, list[tuple[str, int, float, int]]] = defaultdict(list)
    for path in files:
        parse_file(path)  # warm-up: imports the reader, fills caches
        runs, elapsed = 0, 0.0
        while elapsed < args.seconds:
            clear_memo_caches()
            started = time.process_time()
            report = parse_file(path)
            elapsed += time.process_time() - started
            runs += 1
        per_format[report.format or "unreadable"].append((path.name, runs, elapsed, path.stat().st_size))

    python = sys.version.split()[0]
    print(f"parse throughput on {len(files)} real reports ({args.corpus}), one process, Python {python}")
    print(f"{'format':<10} {'files':>5} {'KiB/file':>9} {'ms/report':>10} {'reports/s/core':>15}")
    for fmt, rows in sorted(per_format.items()):
        seconds_per_report = sum(elapsed / runs for _, runs, elapsed, _ in rows) / len(rows)
        kib = sum(size for *_, size in rows) / len(rows) / 1024
        ms = seconds_per_report * 1000
        print(f"{fmt:<10} {len(rows):>5} {kib:>9.1f} {ms:>10.2f} {1 / seconds_per_report:>15.1f}")
    print()
    print(f"{'file':<44} {'ms/report':>10}")
    for _, rows in sorted(per_format.items()):
        for name, runs, elapsed, _ in rows:
            print(f"{name:<44} {elapsed / runs * 1000:>10.2f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
