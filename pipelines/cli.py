"""``xxgk``: parse reports, build the warehouse, query it, and measure accuracy, from the shell.

xxgk parse FILE... [--json]        one JSON object per file (JSON Lines) with --json
xxgk build [--raw DIR] [--out DIR] what `make run` builds: inbox → lake → warehouse
xxgk sql [--out DIR] "select …"    run a query on the built warehouse and print a table
xxgk show ISSUER [--out DIR]       one body's reports over the years: identity, 表二–表四, quality, gaps
xxgk dictionary [--out FILE]       write the data dictionary (metrics.csv keys, every mart and column)
xxgk eval DIR                      cell accuracy against NAME.expected.json files
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.paths import SQL_DIR, default_out_dir, default_raw_dir, warehouse_file

EXAMPLE_QUERY = (
    "select issuer, year, licensing_decisions, penalty_decisions from active_disclosure order by issuer, year"
)


def _default_out() -> Path:
    return default_out_dir()


def _default_raw() -> Path:
    return default_raw_dir()


def cmd_parse(args: argparse.Namespace) -> int:
    from pipelines.parse import parse_file

    exit_code = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"xxgk parse: {name}: no such file", file=sys.stderr)
            exit_code = 2
            continue
        report = parse_file(path, source=name)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            read = sum(
                1 for c in report.cells.values() if c.status in ("number", "blank", "dash", "slash", "none_text")
            )
            print(
                f"{name}: {report.status} | {report.issuer} {report.year} {report.template} | "
                f"{read}/{len(report.cells)} cells read"
            )
            for error in report.errors:
                print(f"  - {error}")
    return exit_code


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.warehouse import is_up_to_date

    raw, out = Path(args.raw).resolve(), Path(args.out).resolve()
    if not raw.is_dir():
        print(f"xxgk build: inbox {raw} is not a folder", file=sys.stderr)
        return 2
    if not args.force and is_up_to_date(raw, SQL_DIR, warehouse_file(out)):
        print("xxgk build: nothing changed since the last build (inbox, parser and sql/); --force rebuilds")
        _print_summary(warehouse_file(out), out)
        return 0
    import dagster as dg

    from pipelines.defs.build import build_all

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    runs = build_all(raw, out, instance)
    if not runs[-1].success:
        print("xxgk build: a Dagster run failed; see the errors above", file=sys.stderr)
        return 1
    _print_summary(warehouse_file(out), out)
    return 0


def _print_summary(database: Path, out: Path) -> None:
    from pipelines.warehouse import query

    _, statuses = query(database, "select status, count(*) from documents group by status order by status")
    counts = {str(status): int(str(n)) for status, n in statuses}
    total = sum(counts.values())
    print()
    print(
        f"xxgk: {total} inbox files → parsed {counts.get('parsed', 0)}, partly parsed "
        f"{counts.get('partial', 0)}, failed {counts.get('failed', 0)}"
        + (f", needs OCR {counts['needs_ocr']}" if counts.get("needs_ocr") else "")
    )
    _, failures = query(database, "select path, status, reason from documents where status <> 'parsed' order by path")
    for path, status, reason in failures[:20]:
        print(f"  {status}: {str(reason or path)[:240]}")
    if len(failures) > 20:
        print(f'  … and {len(failures) - 20} more: xxgk sql "select path, status, reason from documents"')
    print(f"warehouse: {database}")
    print(f"lake:      {os.environ.get('XXGK_LAKE_URL') or out / 'lake'}")
    if (out / "site" / "index.html").exists():
        print(f"site:      {out / 'site' / 'index.html'}")
    print(f'try:       xxgk sql "{EXAMPLE_QUERY}"')


def _warehouse_or_complain(out: str, command: str) -> Path | None:
    database = warehouse_file(Path(out))
    if not database.exists():
        print(f"xxgk {command}: no warehouse at {database}; run `make run` or `xxgk build` first", file=sys.stderr)
        return None
    return database


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    database = _warehouse_or_complain(args.out, "sql")
    if database is None:
        return 2
    with duckdb.connect(str(database), read_only=True) as con:
        if args.query is None:
            return _shell(con, args.max_rows)
        return _run_statement(con, args.query, args.max_rows)


def _run_statement(con: Any, statement: str, max_rows: int) -> int:
    import duckdb

    try:
        relation = con.sql(statement)
        if relation is not None:
            relation.show(max_rows=max_rows, max_width=10_000)
    except duckdb.Error as error:
        print(f"xxgk sql: {error}", file=sys.stderr)
        return 1
    return 0


def _shell(con: Any, max_rows: int) -> int:
    """A read-only SQL prompt: statements end with ';', history kept in ~/.xxgk_history, .quit or EOF ends."""
    try:
        import readline
    except ImportError:  # pragma: no cover - readline is missing only on some platforms
        readline = None  # type: ignore[assignment]
    history = Path.home() / ".xxgk_history"
    if readline is not None and sys.stdin.isatty():
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    print("xxgk sql: the warehouse, read-only. End statements with ';'. Tables: `show tables;`. Quit: .quit")
    buffer: list[str] = []
    failures = 0
    while True:
        try:
            line = input("xxgk> " if not buffer else "  ... ")
        except EOFError:
            break
        if not buffer and line.strip() in (".quit", ".exit", "quit", "exit"):
            break
        buffer.append(line)
        statement = "\n".join(buffer).strip()
        if statement.endswith(";"):
            buffer = []
            failures += _run_statement(con, statement, max_rows)
    if readline is not None and sys.stdin.isatty():
        with contextlib.suppress(OSError):
            readline.write_history_file(history)
    return 1 if failures else 0


def cmd_show(args: argparse.Namespace) -> int:
    from pipelines.show import IssuerLookupError, show_issuer

    database = _warehouse_or_complain(args.out, "show")
    if database is None:
        return 2
    try:
        text = show_issuer(database, args.issuer, width=args.width)
    except IssuerLookupError as error:
        print(f"xxgk show: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    from pipelines.dictionary import DEFAULT_OUTPUT, write_dictionary

    source = Path(args.warehouse)
    database = source if source.is_file() else warehouse_file(source)
    if not database.exists():
        print(
            f"xxgk dictionary: no warehouse at {database} to take column types from; run `make run` or "
            "`xxgk build` first, or give --warehouse",
            file=sys.stderr,
        )
        return 2
    output = Path(args.out) if args.out else DEFAULT_OUTPUT
    text = write_dictionary(output, database)
    print(f"data dictionary written to {output} ({len(text.splitlines())} lines, column types from {database})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.warehouse import ExportError, export_table

    database = _warehouse_or_complain(args.out, "export")
    if database is None:
        return 2
    filters = []
    for condition in args.where:
        column, separator, value = condition.partition("=")
        if not separator or not column.strip():
            print(f"xxgk export: --where takes column=value, not '{condition}'", file=sys.stderr)
            return 2
        filters.append((column.strip(), value.strip()))
    destination = Path(args.output or f"{args.mart}.{args.format}")
    try:
        rows = export_table(database, args.mart, args.format, destination, filters)
    except ExportError as error:
        print(f"xxgk export: {error}", file=sys.stderr)
        return 2
    print(f"{rows} rows of {args.mart} written to {destination}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipelines.evaluation import evaluate_directory

    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"xxgk eval: {directory} is not a folder", file=sys.stderr)
        return 2
    scores = evaluate_directory(directory)
    if not scores:
        print(f"xxgk eval: no report with a NAME.expected.json beside it in {directory}", file=sys.stderr)
        return 2
    total = right = wrong = ambiguous = 0
    print(
        f"{'file':<40} {'template':<8} {'cells':>9} {'acc':>7} {'wrong':>5} {'ambig':>5}  issuer year template status"
    )
    for s in scores:
        total += s.cells_total
        right += s.cells_right
        wrong += s.wrong_cells
        ambiguous += s.open_cells
        flags = " ".join("ok" if ok else "WRONG" for ok in (s.issuer_right, s.year_right, s.template_right))
        cells = f"{s.cells_right:>4}/{s.cells_total:<4}"
        print(
            f"{s.source:<40} {s.template:<8} {cells} {s.accuracy:>7.1%} {s.wrong_cells:>5} {s.open_cells:>5}  "
            f"{flags} {s.status}"
        )
    for s in scores:
        for m in s.mismatches:
            print(f"  {s.source}: {m.key}: expected {m.expected!r}, got {m.actual!r} ({m.status}; raw {m.raw!r})")
    identity_right = sum(s.issuer_right and s.year_right and s.template_right for s in scores)
    print(
        f"overall: {right}/{total} cells exact ({right / total if total else 1:.2%}); "
        f"{wrong} wrong, {ambiguous} left ambiguous (flagged, several readings fit); "
        f"issuer, year and template right for {identity_right}/{len(scores)} files"
    )
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from pipelines.synth.generator import generate

    try:
        summary = generate(
            args.out, args.issuers, args.years, args.formats, args.defects, args.seed, expected_beside=args.beside
        )
    except (ValueError, FileExistsError) as error:
        print(f"xxgk synth: {error}", file=sys.stderr)
        return 2
    print(
        f"synthetic corpus: {summary.reports} reports of {summary.issuers} bodies, years "
        f"{summary.years[0]}–{summary.years[-1]}, {summary.defective_reports} with planted defects"
    )
    print(f"inbox:    {summary.inbox}")
    print(f"truth:    {summary.expected_dir} (NAME.expected.json per report)")
    print(f"manifest: {summary.manifest}")
    print(f"build it: xxgk build --raw {summary.inbox} --out {Path(args.out) / 'build'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xxgk", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="parse report files")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    parse.set_defaults(func=cmd_parse)

    build = commands.add_parser("build", help="build the lake and the warehouse from an inbox")
    build.add_argument("--raw", default=str(_default_raw()), help="inbox folder (default data/raw)")
    build.add_argument("--out", default=str(_default_out()), help="output folder (default data)")
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.set_defaults(func=cmd_build)

    sql = commands.add_parser("sql", help="query the warehouse (no query: interactive shell)")
    sql.add_argument("query", nargs="?")
    sql.add_argument("--out", default=str(_default_out()), help="output folder of the build (default data)")
    sql.add_argument("--max-rows", type=int, default=200)
    sql.set_defaults(func=cmd_sql)

    show = commands.add_parser("show", help="one issuer's series: identity, 表二–表四 by year, quality, gaps")
    show.add_argument("issuer", metavar="ISSUER", help="issuer_key, issuer name (as printed or normalised) or part")
    show.add_argument("--out", default=str(_default_out()), help="output folder of the build (default data)")
    show.add_argument("--width", type=int, default=120, help="maximum line width in columns (default 120)")
    show.set_defaults(func=cmd_show)

    dictionary = commands.add_parser("dictionary", help="write the data dictionary (Markdown) of keys and marts")
    dictionary.add_argument("--out", default=None, help="Markdown file to write (default docs/data-dictionary.md)")
    dictionary.add_argument(
        "--warehouse",
        default=str(_default_out()),
        help="build output folder, or a .duckdb file, to take column types from (default data)",
    )
    dictionary.set_defaults(func=cmd_dictionary)

    export = commands.add_parser("export", help="write a mart to a csv, parquet or xlsx file")
    export.add_argument("mart", help="a table of the warehouse, e.g. active_disclosure")
    export.add_argument("--format", choices=["csv", "parquet", "xlsx"], default="csv")
    export.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE", help="filter (repeatable)")
    export.add_argument("--output", "-o", help="file to write (default MART.FORMAT in the current folder)")
    export.add_argument("--out", default=str(_default_out()), help="output folder of the build (default data)")
    export.set_defaults(func=cmd_export)

    synth = commands.add_parser("synth", help="write a labelled synthetic corpus with ground truth")
    synth.add_argument("--issuers", type=int, required=True, help="number of reporting bodies")
    synth.add_argument("--years", default="2019-2025", help="a range or list of report years (default 2019-2025)")
    synth.add_argument("--formats", default="tab,runtogether,md,html,docx", help="layouts to draw from")
    synth.add_argument("--defects", type=float, default=0.1, help="share of reports with a planted defect (0-1)")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", required=True, help="a new or empty folder")
    synth.add_argument("--beside", action="store_true", help="write NAME.expected.json beside each report")
    synth.set_defaults(func=cmd_synth)

    evaluate = commands.add_parser("eval", help="accuracy against NAME.expected.json files")
    evaluate.add_argument("directory")
    evaluate.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
