"""Every benchmark on synthetic corpora, printed as measured figures next to the targets (``make bench``).

What is measured (all on reports written by ``pipelines.synth.generator``, so sizes are exact and the ground
truth is known):

1. generation: reports/s of the corpus generator at each size;
2. parse throughput per layout, in one process (reports/s/core): ``parse_file`` on each report of a corpus of
   that layout, CPU time of the process; and the *floor*: reading the same bytes and scanning them with one
   regular expression, printed as the ratio parse time / floor time;
3. a full build (``pipelines.defs.build.build_all``, every Dagster run as ``make run`` does them, in a child
   process with a persistent scratch Dagster instance) at each size: wall time, time per stage, peak memory
   (the resident set of the build's whole process tree, sampled from ``/proc`` every 0.2 s; the largest
   single process from ``getrusage(RUSAGE_CHILDREN)`` as a cross-check) and end-to-end reports/s/core;
4. adding one report to the largest warehouse built: the same build again with one new file in the inbox;
5. analyst queries on the largest warehouse: ~9 fixed queries (a county's 行政处罚 series, top denials,
   province roll-ups, an issuer's series …), each run repeatedly on one read-only connection, p50/p95;
6. synthetic accuracy of each build: cells (warehouse vs ground truth, per layout) and planted defects found.

    .venv/bin/python bench/run_all.py            # 1,000 and 10,000 reports (five layouts)
    .venv/bin/python bench/run_all.py --quick    # a small run (300 reports) to check that it all works
    .venv/bin/python bench/run_all.py --large    # also 100,000 text reports (tab and run-together)
    .venv/bin/python bench/run_all.py --profile  # cProfile of parsing, top functions per layout
    .venv/bin/python bench/run_all.py --generate 100000   # only time generating 100,000 text reports

Targets (issue "Scale"): ≥ 300 text reports/s/core end to end into Parquet; a 100,000-report build in ≤ 10
min with peak memory ≤ 4 GB; adding one report ≤ 20 s; analyst queries p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

import duckdb

from pipelines import PARSER_VERSION
from pipelines.parse import clear_memo_caches, parse_file
from pipelines.synth import audit
from pipelines.synth.generator import Summary, generate
from pipelines.synth.layouts import LAYOUTS

REPO = Path(__file__).resolve().parents[1]
DRIVER = REPO / "bench" / "build_driver.py"
PYTHON = sys.executable
TEXT_LAYOUTS: tuple[str, ...] = ("tab", "runtogether")
BUILD_LAYOUTS: tuple[str, ...] = ("tab", "runtogether", "md", "html", "docx")
YEARS = "2019-2025"
REPORTS_PER_BODY = 6.72  # 7 years, 4 % of body-years missing

TARGET_TEXT_RATE = 300.0  # text reports/s/core, end to end into Parquet
TARGET_BUILD_SECONDS = 600.0  # 100,000 reports
TARGET_PEAK_BYTES = 4 * 2**30
TARGET_ADD_ONE_SECONDS = 20.0
TARGET_QUERY_P95_MS = 100.0


# --------------------------------------------------------------------------------------------- machine


def machine() -> str:
    """Cores, CPU, memory, Python and the versions that matter, and the date."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for package in ("dagster", "polars", "duckdb", "pyarrow", "python-docx", "lxml", "beautifulsoup4"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    return "\n".join(
        [
            f"date:    {datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"machine: {os.cpu_count()} cores ({cpu}), {memory:.1f} GiB RAM, {platform.platform()}",
            f"python:  {platform.python_version()} ({platform.python_implementation()})",
            f"stack:   {', '.join(versions)}",
        ]
    )


# --------------------------------------------------------------------------------------------- memory


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from ``/proc``."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self.timeline: list[tuple[float, int]] = []  # (epoch seconds, bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total, count = self.sample()
            self.timeline.append((time.time(), total))
            if total > self.peak:
                self.peak, self.peak_processes = total, count
            self._stop.wait(self.interval)

    def peak_between(self, start: float, end: float) -> int:
        """The largest sample taken between two epoch times (0 if none)."""
        return max((size for at, size in self.timeline if start <= at <= end), default=0)

    def sample(self) -> tuple[int, int]:
        """(sum of VmRSS in bytes, number of processes) over the tree right now."""
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
        total, count, todo = 0, 0, [self.pid]
        while todo:
            pid = todo.pop()
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        count += 1
                        break
            except OSError:
                pass
            todo.extend(children.get(pid, ()))
        return total, count


def _mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"


# --------------------------------------------------------------------------------------------- corpora


def corpus(root: Path, name: str, reports: int, layouts: tuple[str, ...], seed: int) -> Summary:
    """A synthetic corpus of about ``reports`` reports (bodies × 2019–2025), generated once and kept."""
    target = root / name
    manifest = target / "MANIFEST.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        summary = Summary(
            out_dir=target,
            inbox=target / data["inbox"],
            expected_dir=target / data["expected"],
            manifest=manifest,
            seed=seed,
            issuers=data["parameters"]["issuers"],
            reports=data["reports"],
            years=tuple(data["parameters"]["years"]),
            formats=tuple(data["parameters"]["formats"]),
            defect_rate=data["parameters"]["defect_rate"],
            defective_reports=data["defective_reports"],
        )
        return summary
    bodies = max(1, round(reports / REPORTS_PER_BODY))
    return generate(target, bodies, YEARS, layouts, 0.1, seed)


# --------------------------------------------------------------------------------------------- parsing


@dataclass
class ParseFigures:
    layout: str
    reports: int
    kib: float
    cpu_seconds: float
    floor_seconds: float

    @property
    def rate(self) -> float:
        return self.reports / self.cpu_seconds if self.cpu_seconds else 0.0


#: The floor's one regular expression: every run of digits (what any table reader must at least find).
_FLOOR = re.compile(rb"\d+")


def bench_parse(root: Path, per_layout: int, profile: bool) -> list[ParseFigures]:
    """Parse throughput of each layout in this process (one core), and the read-and-regex floor."""
    figures = []
    for index, layout in enumerate(LAYOUTS):
        summary = corpus(root, f"parse-{layout}-{per_layout}", per_layout, (layout,), 100 + index)
        files = sorted(summary.inbox.iterdir())
        parse_file(files[0])  # warm-up: reader imports
        clear_memo_caches()  # so that files[0] is not timed with its own memoised texts
        started = time.process_time()
        for path in files:
            parse_file(path)
        cpu = time.process_time() - started
        floor_started = time.process_time()
        found = 0
        for path in files:
            found += len(_FLOOR.findall(path.read_bytes()))
        floor = time.process_time() - floor_started
        size = sum(path.stat().st_size for path in files) / len(files) / 1024
        figures.append(ParseFigures(layout, len(files), size, cpu, floor))
        if profile:  # a separate pass: the profiler's own cost must not distort the figures above
            clear_memo_caches()  # the timed pass read the same files
            profiler = cProfile.Profile()
            profiler.enable()
            for path in files:
                parse_file(path)
            profiler.disable()
            _print_profile(layout, profiler)
    return figures


def _print_profile(layout: str, profiler: cProfile.Profile) -> None:
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(20)
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print(f"\n  cProfile, parsing {layout} (top functions by cumulative time; bench/profile_parse.py for stages):")
    for line in lines[start : start + 21]:
        print("   " + line[:150])


# --------------------------------------------------------------------------------------------- builds


@dataclass
class BuildFigures:
    label: str
    reports: int
    wall: float
    peak: int
    peak_processes: int
    largest_process: int
    stages: list[dict[str, object]] = field(default_factory=list)
    success: bool = True
    parser_version: str = ""

    def stage_seconds(self, prefix: str) -> float:
        return sum(float(str(s["seconds"])) for s in self.stages if str(s["run"]).startswith(prefix))


def run_build(raw: Path, out: Path, home: Path, label: str, reports: int) -> BuildFigures:
    """One build in a child process; its wall time, stages and the peak memory of its process tree."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, str(DRIVER), str(raw), str(out)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with TreeMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        print(stderr[-3000:], file=sys.stderr)
        return BuildFigures(label, reports, wall, memory.peak, memory.peak_processes, largest, success=False)
    result = json.loads(lines[-1])
    for stage in result["stages"]:
        if stage.get("start") and stage.get("end"):
            stage["peak"] = memory.peak_between(float(stage["start"]), float(stage["end"]))
    return BuildFigures(
        label,
        reports,
        wall,
        memory.peak,
        memory.peak_processes,
        largest if largest > before * 1024 else 0,
        result["stages"],
        bool(result["success"]),
        str(result.get("parser_version", "")),
    )


# --------------------------------------------------------------------------------------------- queries


def analyst_queries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[object]]]:
    """~9 questions an analyst asks, with parameters taken from the warehouse (busiest county, …)."""

    def one(sql: str) -> object:
        row = con.execute(sql).fetchone()
        return row[0] if row else None

    county = one(
        "select region_code from region_rollup where rollup_level = 'county' "
        "group by region_code order by sum(bodies_reporting) desc, region_code limit 1"
    )
    prefecture = one(
        "select region_prefecture from reports where region_prefecture is not null "
        "group by region_prefecture order by count(*) desc, region_prefecture limit 1"
    )
    issuer = one("select issuer_key from active_disclosure group by issuer_key order by count(*) desc, 1 limit 1")
    year = one("select max(year) - 1 from reports")
    return [
        (
            "county 行政处罚 series",
            "select year, sum(penalty_decisions) as penalties, sum(penalty_reported) as bodies from region_rollup "
            "where rollup_level = 'county' and region_code = ? group by year order by year",
            [county],
        ),
        (
            "top 20 denials of a year",
            "select issuer, denied, received from requests where year = ? order by denied desc nulls last limit 20",
            [year],
        ),
        (
            "province roll-up of a year",
            "select region_name, sum(requests_received) as received, sum(penalty_decisions) as penalties, "
            "sum(bodies_reporting) as bodies from region_rollup where rollup_level = 'province' and year = ? "
            "group by region_name order by received desc nulls last",
            [year],
        ),
        (
            "one body's series (表二–表四)",
            "select a.year, a.licensing_decisions, a.penalty_decisions, r.received, r.granted, v.review_total "
            "from active_disclosure a left join requests r using (report_id) "
            "left join reviews_lawsuits v using (report_id) where a.issuer_key = ? order by a.year",
            [issuer],
        ),
        (
            "FAIL findings by rule, one year",
            "select rule, count(*) as n from findings where outcome = 'FAIL' and year = ? "
            "group by rule order by n desc",
            [year],
        ),
        (
            "worst quality in a prefecture",
            "select issuer, year, score, failed_rules from quality where region_prefecture = ? "
            "order by score, issuer limit 20",
            [prefecture],
        ),
        (
            "top 10 new applications (cells)",
            "select r.issuer, c.value from cells c join reports r using (report_id) "
            "where c.key = 't3.new_received.total' and c.year = ? and r.is_chosen "
            "order by c.value desc nulls last limit 10",
            [year],
        ),
        (
            "coverage gaps by year",
            "select year, count(*) filter (where not has_report) as missing, count(*) as bodies from coverage "
            "group by year order by year",
            [],
        ),
        (
            "行政许可 year-on-year, a prefecture",
            "select a.issuer, a.licensing_decisions, a.licensing_change from active_disclosure a "
            "join reports r using (report_id) where r.region_prefecture = ? and a.year = ? "
            "order by abs(a.licensing_change) desc nulls last limit 20",
            [prefecture, year],
        ),
    ]


@dataclass
class QueryFigures:
    name: str
    p50_ms: float
    p95_ms: float
    rows: int


def bench_queries(database: Path, repeats: int) -> list[QueryFigures]:
    """Each analyst query ``repeats`` times (after one warm-up) on one read-only connection."""
    figures = []
    with duckdb.connect(str(database), read_only=True) as con:
        for name, sql, parameters in analyst_queries(con):
            rows = len(con.execute(sql, parameters).fetchall())
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                con.execute(sql, parameters).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            figures.append(QueryFigures(name, statistics.median(times), p95, rows))
    return figures


def bench_generation(root: Path, reports: int, keep: bool) -> int:
    """Time ``generate`` alone for ``reports`` text reports (tab and run-together, defect rate 0.1)."""
    bodies = max(1, round(reports / REPORTS_PER_BODY))
    print(f"\n== generating about {reports:,} text reports ({bodies:,} bodies × {YEARS})")
    summary = generate(root / f"generate-{reports}", bodies, YEARS, TEXT_LAYOUTS, 0.1, reports)
    print(summary.describe())
    files = summary.reports * 2 + 2
    print(
        f"{summary.reports:,} reports ({files:,} files with ground truth and manifest) in {summary.seconds:.1f} s: "
        f"{summary.reports / summary.seconds:,.0f} reports/s with {summary.workers} processes"
    )
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


# --------------------------------------------------------------------------------------------- report


def marts_published_after(build: BuildFigures) -> float:
    """Seconds from the build's first run starting to the end of the run that publishes the warehouse (the
    site is built in a later run); the whole wall time when the runs carry no timestamps."""
    starts = [float(str(s["start"])) for s in build.stages if s.get("start")]
    ends = [float(str(s["end"])) for s in build.stages if s.get("end") and "warehouse" in str(s["run"])]
    return max(ends) - min(starts) if starts and ends else build.wall


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run: 300 reports, few repetitions")
    parser.add_argument("--large", action="store_true", help="also build 100,000 text reports")
    parser.add_argument("--sizes", help="build sizes, e.g. 1000,10000 (default: 1000,10000; --quick: 300)")
    parser.add_argument("--profile", action="store_true", help="cProfile parsing per layout")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new one under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (corpora, lakes, warehouses)")
    parser.add_argument("--generate", type=int, metavar="N", help="only time generating N text reports, then stop")
    args = parser.parse_args()

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([300] if args.quick else [1000, 10_000])
    per_layout = 12 if args.quick else 60
    repeats = 10 if args.quick else 40
    root = args.workdir or Path(f"/tmp/xxgk-bench-{datetime.now():%Y%m%d-%H%M%S}")
    root.mkdir(parents=True, exist_ok=True)

    print("xxgk benchmarks on synthetic corpora (pipelines.synth.generator; every report is labelled synthetic)")
    print(machine())
    print(f"scratch: {root}")
    print(f"code:    {REPO} (parser version {PARSER_VERSION})")
    if args.generate:
        return bench_generation(root, args.generate, keep=args.keep or args.workdir is not None)

    # 2. parse throughput per layout --------------------------------------------------------------------
    print(f"\n== parse throughput per layout, one process ({per_layout} reports each; parse_file, CPU time)")
    parse_figures = bench_parse(root, per_layout, args.profile)
    print(f"{'layout':<12} {'reports':>7} {'KiB/rep':>8} {'ms/report':>10} {'reports/s/core':>15} {'floor ratio':>12}")
    for p in parse_figures:
        ratio = p.cpu_seconds / p.floor_seconds if p.floor_seconds else float("inf")
        print(
            f"{p.layout:<12} {p.reports:>7} {p.kib:>8.1f} {p.cpu_seconds / p.reports * 1000:>10.2f} "
            f"{p.rate:>15.1f} {ratio:>11.0f}×"
        )
    floor = sum(p.floor_seconds for p in parse_figures) / sum(p.reports for p in parse_figures) * 1000
    print(f"floor: reading the bytes and one regex scan ({_FLOOR.pattern!r}) takes {floor:.3f} ms/report;")
    print("       'floor ratio' is parse CPU time ÷ floor time for the same files")
    text_rate = min(p.rate for p in parse_figures if p.layout in TEXT_LAYOUTS)
    print(
        f"parse alone, text layouts: ≥ {text_rate:.0f} reports/s/core vs target {TARGET_TEXT_RATE:.0f} "
        f"(end to end) → {verdict(text_rate >= TARGET_TEXT_RATE)}"
    )

    # 1, 3, 6. builds -----------------------------------------------------------------------------------
    builds: list[tuple[Summary, BuildFigures, Path, Path]] = []
    jobs: list[tuple[int, tuple[str, ...]]] = [(size, BUILD_LAYOUTS) for size in sizes]
    if args.large:
        jobs.append((100_000, TEXT_LAYOUTS))
    cores = os.cpu_count() or 1
    for size, layouts in jobs:
        label = f"{size:,} reports ({'text' if layouts == TEXT_LAYOUTS else 'five layouts'})"
        print(f"\n== build of {label}")
        summary = corpus(root, f"corpus-{size}-{'text' if layouts == TEXT_LAYOUTS else 'mixed'}", size, layouts, size)
        if summary.seconds:
            print(
                f"generated {summary.reports:,} reports of {summary.issuers:,} bodies in {summary.seconds:.1f} s "
                f"({summary.reports / summary.seconds:,.0f} reports/s, {summary.workers} processes, "
                f"{summary.bytes_written / 2**20:,.0f} MiB)"
            )
        out = root / f"out-{size}-{'text' if layouts == TEXT_LAYOUTS else 'mixed'}"
        shutil.rmtree(out, ignore_errors=True)
        home = root / f"dagster-{size}-{'text' if layouts == TEXT_LAYOUTS else 'mixed'}"
        shutil.rmtree(home, ignore_errors=True)
        figures = run_build(summary.inbox, out, home, label, summary.reports)
        builds.append((summary, figures, out, home))
        if not figures.success:
            print("build FAILED (see stderr above)")
            continue
        parse_seconds = figures.stage_seconds("parse year")
        print(
            f"wall {figures.wall:,.1f} s for {summary.reports:,} reports: "
            f"{summary.reports / figures.wall / cores:,.1f} reports/s/core end to end (whole build, {cores} cores); "
            f"parse stage {parse_seconds:,.1f} s = {summary.reports / parse_seconds / cores:,.1f} reports/s/core"
        )
        print(
            f"peak memory (process tree, sampled): {_mib(figures.peak)} over {figures.peak_processes} processes; "
            f"largest single process {_mib(figures.largest_process)}"
        )
        other = [s for s in figures.stages if not str(s["run"]).startswith("parse year")]
        parse_peak = max(
            (int(str(s.get("peak", 0))) for s in figures.stages if str(s["run"]).startswith("parse")), default=0
        )
        print(
            f"stages (time, peak memory of the tree): parse (all years) {parse_seconds:.1f} s, {_mib(parse_peak)}; "
            + "; ".join(f"{s['run']} {s['seconds']} s, {_mib(int(str(s.get('peak', 0))))}" for s in other)
        )
        database = out / "warehouse" / "xxgk.duckdb"
        truths = audit.load_truths(summary.out_dir)
        print("synthetic accuracy (warehouse cells vs ground truth; open = null where a number was printed):")
        print("  " + audit.check_warehouse_cells(truths, database).describe().replace("\n", "\n  "))
        found = audit.check_findings(truths, database)
        print("planted defects found by the validation:")
        print("  " + found.describe().replace("\n", "\n  "))

    ok_builds = [build for build in builds if build[1].success]
    if not ok_builds:
        return 1
    largest_summary, _largest_build, largest_out, _home = max(ok_builds, key=lambda item: item[0].reports)
    if args.large:
        big = [(s, f) for s, f, _o, _h in ok_builds if s.reports >= 90_000]
        if big:
            s, f = big[0]
            print(
                f"\n100,000-report build: {f.wall / 60:.1f} min (target ≤ 10 min → {verdict(f.wall <= 600)}), "
                f"peak {_mib(f.peak)} (target ≤ 4 GiB → {verdict(f.peak <= TARGET_PEAK_BYTES)})"
            )

    # 4. add one report ---------------------------------------------------------------------------------
    add_target = max(ok_builds, key=lambda item: item[0].reports if item[0].reports <= 20_000 else 0)
    summary, first, out, home = add_target
    print(f"\n== adding one report to the {summary.reports:,}-report warehouse")
    extra = root / f"one-more-{summary.reports}"
    shutil.rmtree(extra, ignore_errors=True)
    newcomer = generate(extra, 1, "2024", ("tab",), 0.0, random.Random(summary.reports).randint(10**6, 10**7))
    added = next(newcomer.inbox.iterdir())
    target = summary.inbox / f"SYNTH_added_{added.name}"
    shutil.copy(added, target)
    try:
        again = run_build(summary.inbox, out, home, "add one", summary.reports + 1)
    finally:
        target.unlink()
    if again.parser_version != first.parser_version:
        print(
            f"WARNING: the parser changed between the builds ({first.parser_version} → {again.parser_version}): "
            "every document was parsed again, so this is not an incremental figure. Run from a frozen copy."
        )
    published = marts_published_after(again)
    print(
        f"rebuild with one new report: marts published after {published:.1f} s (target ≤ "
        f"{TARGET_ADD_ONE_SECONDS:.0f} s → {verdict(published <= TARGET_ADD_ONE_SECONDS)}); whole build with the "
        f"static site {again.wall:.1f} s; peak {_mib(again.peak)}"
    )
    print("stages: " + "; ".join(f"{s['run']} {s['seconds']} s" for s in again.stages))

    # 5. analyst queries --------------------------------------------------------------------------------
    database = largest_out / "warehouse" / "xxgk.duckdb"
    print(f"\n== analyst queries on the {largest_summary.reports:,}-report warehouse ({repeats} runs each)")
    queries = bench_queries(database, repeats)
    print(f"{'query':<36} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for q in queries:
        print(f"{q.name:<36} {q.rows:>5} {q.p50_ms:>8.1f} {q.p95_ms:>8.1f}")
    worst = max(q.p95_ms for q in queries)
    print(f"worst p95 {worst:.1f} ms (target ≤ {TARGET_QUERY_P95_MS:.0f} ms → {verdict(worst <= TARGET_QUERY_P95_MS)})")

    # summary -------------------------------------------------------------------------------------------
    print("\n== against the targets")
    for s, f, _o, _h in ok_builds:
        rate = s.reports / f.wall / cores
        print(
            f"{s.reports:>7,} reports: build {f.wall:,.0f} s, {rate:,.1f} reports/s/core end to end "
            f"(target ≥ {TARGET_TEXT_RATE:.0f} text → {verdict(rate >= TARGET_TEXT_RATE)}), peak {_mib(f.peak)}; "
            f"at this rate 100,000 reports take {100_000 / (s.reports / f.wall) / 60:,.0f} min"
        )
    print(
        f"adding one report: marts published after {published:.1f} s, site after {again.wall:.1f} s; "
        f"analyst queries worst p95: {worst:.1f} ms"
    )
    if not args.keep and args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
