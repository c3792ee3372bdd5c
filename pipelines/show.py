"""``xxgk show ISSUER``: one government body's series of annual reports, summed up for a terminal.

An analyst who wants to know "what does the warehouse hold about this body?" would otherwise join six marts by
hand. This module reads the published warehouse read-only and returns plain text (no colours, no box drawing)
that fits a given width, counting Chinese characters as two columns:

- identity: the normalised name, the names as printed, admin level, where the body sits in the division list,
  and how many versions (documents) of each year's report were found;
- one table per theme over the years, from the chosen version of each year's report: 表二
  (``active_disclosure``), 表三 (``requests``) and 表四 (``reviews_lawsuits``);
- quality: the score and FAIL counts per year (``quality``), every FAIL finding of a chosen report
  (``findings``), and the years without a report (``coverage``).

ISSUER is matched against ``reports`` (every version, so a name printed only once still finds the body): an
exact ``issuer_key``, ``issuer`` or ``issuer_name_norm`` first, then a substring of ``issuer`` or
``issuer_name_norm``. Several bodies matching is an :class:`IssuerLookupError` carrying the candidates. Every
value typed by the user is bound as a query parameter; only fixed table and column names appear in SQL text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import duckdb

DEFAULT_WIDTH = 120
NULL = "-"
"""Shown for a null: the report printed no number for the cell (or the mart has no row for that year)."""


# --------------------------------------------------------------------------------------------------------
# Display width and plain-text tables


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: East-Asian wide and fullwidth characters count two, combining marks
    none. Ambiguous-width characters (“ ” – …) count one, as in a terminal with a non-CJK locale."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``...`` when something was cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        char_width = display_width(char)
        if used + char_width > width - 3:
            break
        kept.append(char)
        used += char_width
    return "".join(kept) + "..."


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns: at spaces where there are any, anywhere in runs
    of Chinese (which has no spaces). Never drops a character."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for word in _words(paragraph):
            word_width = display_width(word)
            if used + word_width <= width:
                line, used = line + word, used + word_width
                continue
            if line.strip():
                lines.append(line.rstrip())
            line, used = "", 0
            word = word.lstrip(" ")
            for char in word:
                char_width = display_width(char)
                if used + char_width > width:
                    lines.append(line.rstrip())
                    line, used = "", 0
                line, used = line + char, used + char_width
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Pieces to wrap at: each space-led run of non-space text, and each wide character on its own."""
    pieces: list[str] = []
    current = ""
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if char == " " or wide:
            if current:
                pieces.append(current)
            current = char
            if wide:
                pieces.append(current)
                current = ""
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


@dataclass(frozen=True)
class Column:
    """A column of a plain-text table: its header lines, and whether its cells are right-aligned (numbers)."""

    header: tuple[str, ...]
    right: bool = True


def format_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int = DEFAULT_WIDTH) -> list[str]:
    """Rows under a header, columns two spaces apart, widths counted in terminal columns.

    A table wider than ``width`` is split into several tables stacked one above the other, each repeating the
    first column (the year), so nothing is cut and no line is longer than ``width``.
    """
    if not columns:
        return []
    widths = [
        min(
            max([display_width(h) for h in column.header] + [display_width(row[i]) for row in rows]),
            max(width - 2, 1),
        )
        for i, column in enumerate(columns)
    ]
    groups: list[list[int]] = []
    current: list[int] = [0]
    used = widths[0]
    for i in range(1, len(columns)):
        if used + 2 + widths[i] > width and len(current) > 1:
            groups.append(current)
            current, used = [0], widths[0]
        current.append(i)
        used += 2 + widths[i]
    groups.append(current)
    depth = max(len(column.header) for column in columns)
    lines: list[str] = []
    for number, group in enumerate(groups):
        if number:
            lines.append("")
        for level in range(depth):
            cells = []
            for i in group:
                header = columns[i].header
                text = header[level - (depth - len(header))] if level >= depth - len(header) else ""
                cells.append(_pad(truncate(text, widths[i]), widths[i], columns[i].right))
            lines.append("  ".join(cells).rstrip())
        lines.append("  ".join("-" * widths[i] for i in group))
        for row in rows:
            lines.append(
                "  ".join(_pad(truncate(row[i], widths[i]), widths[i], columns[i].right) for i in group).rstrip()
            )
    return lines


# --------------------------------------------------------------------------------------------------------
# Value formatting


def _integer(value: object) -> str:
    return NULL if value is None else str(value)


def _decimal(value: object) -> str:
    """Money and other decimals: at most two decimals, no trailing zeros (9116.36, 0, 4166.24)."""
    if value is None:
        return NULL
    text = f"{float(str(value)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _percent(value: object) -> str:
    return NULL if value is None else f"{float(str(value)) * 100:.1f}%"


def _text(value: object) -> str:
    if value is None:
        return NULL
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) if value else NULL
    return str(value)


Formatter = Callable[[object], str]


@dataclass(frozen=True)
class Measure:
    """One column of a theme table: the mart column, its two header lines, and how its values are printed."""

    column: str
    header: tuple[str, ...]
    formatter: Formatter = _integer


@dataclass(frozen=True)
class Theme:
    """A theme table: which mart it reads (one row per issuer and year) and which of its columns it shows."""

    title: str
    mart: str
    measures: tuple[Measure, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "表二 主动公开: decisions in the year, fees, documents (active_disclosure)",
        "active_disclosure",
        (
            Measure("template", ("", "template"), _text),
            Measure("licensing_decisions", ("行政许可", "licensing")),
            Measure("penalty_decisions", ("行政处罚", "penalty")),
            Measure("coercion_decisions", ("行政强制", "coercion")),
            Measure("admin_fees_wan_yuan", ("收费 万元", "fees"), _decimal),
            Measure("normative_docs_issued", ("规范性文件", "issued")),
            Measure("normative_docs_in_force", ("规范性文件", "in force")),
            Measure("rules_issued", ("规章", "issued")),
            Measure("comparability", ("", "vs previous year"), _text),
        ),
    ),
    Theme(
        "表三 依申请公开: requests, 总计 column (requests)",
        "requests",
        (
            Measure("received", ("新收", "received")),
            Measure("processed", ("总计", "processed")),
            Measure("granted", ("予以公开", "granted")),
            Measure("partially_granted", ("部分公开", "partial")),
            Measure("denied", ("不予公开", "denied")),
            Measure("unavailable", ("无法提供", "unavail.")),
            Measure("not_processed", ("不予处理", "not proc.")),
            Measure("other", ("其他处理", "other")),
            Measure("granted_rate", ("公开率", "granted"), _percent),
            Measure("denied_rate", ("不予公开率", "denied"), _percent),
            Measure("unprinted_cells", ("未印", "unread")),
        ),
    ),
    Theme(
        "表四 行政复议、行政诉讼: totals and outcomes (reviews_lawsuits)",
        "reviews_lawsuits",
        (
            Measure("review_total", ("复议", "total")),
            Measure("review_corrected", ("复议纠正", "corrected")),
            Measure("review_pending", ("复议未结", "pending")),
            Measure("suit_direct_total", ("直接起诉", "total")),
            Measure("suit_after_review_total", ("复议后起诉", "total")),
            Measure("suits_total", ("诉讼", "total")),
            Measure("corrected_share", ("纠正比例", "corrected"), _percent),
        ),
    ),
)

QUALITY_MEASURES: tuple[Measure, ...] = (
    Measure("score", ("", "score"), _decimal),
    Measure("fails", ("", "FAILs")),
    Measure("arithmetic_fails", ("", "arithmetic")),
    Measure("text_table_fails", ("", "text/table")),
    Measure("completeness_fails", ("", "complete")),
    Measure("on_time_fails", ("", "on time")),
    Measure("cross_year_fails", ("", "cross-year")),
    Measure("peer_copy_fails", ("", "peer copy")),
    Measure("not_assessable", ("not", "assessable")),
    Measure("failed_rules", ("", "failed rules"), _text),
)


# --------------------------------------------------------------------------------------------------------
# Finding the issuer


@dataclass(frozen=True)
class Candidate:
    """A body that ISSUER may mean, as ``reports`` knows it."""

    issuer_key: str
    name_norm: str
    names: tuple[str, ...]
    admin_level: str
    region: str
    first_year: int
    last_year: int
    documents: int

    def describe(self) -> str:
        names = " / ".join(self.names)
        years = f"{self.first_year}" if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"
        return (
            f"{self.issuer_key}  {self.name_norm}  (printed: {names}; {self.admin_level}; {self.region}; "
            f"{years}, {self.documents} documents)"
        )


class IssuerLookupError(LookupError):
    """ISSUER matched no body, or several; ``candidates`` lists them in the second case."""

    def __init__(self, message: str, candidates: Sequence[Candidate] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = tuple(candidates)

    def __str__(self) -> str:
        lines = [self.message, *(f"  {c.describe()}" for c in self.candidates)]
        return "\n".join(lines)


def _records(con: Any, sql: str, params: Sequence[object] = ()) -> list[dict[str, object]]:
    """Rows of a query as dicts keyed by column name (the result is fully fetched before returning)."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description] if result.description else []
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _region_text(record: dict[str, object]) -> str:
    parts = [
        str(record[k])
        for k in ("region_province", "region_prefecture", "region_county", "region_township")
        if record.get(k)
    ]
    return "/".join(parts) if parts else "region unknown"


def _candidates(con: Any, keys: Sequence[str]) -> list[Candidate]:
    records = _records(
        con,
        """
        select
            issuer_key,
            coalesce(arg_max(issuer_name_norm, year), arg_max(issuer, year)) as name_norm,
            list(distinct issuer order by issuer) as names,
            arg_max(admin_level, year) as admin_level,
            arg_max(region_province, year) as region_province,
            arg_max(region_prefecture, year) as region_prefecture,
            arg_max(region_county, year) as region_county,
            arg_max(region_township, year) as region_township,
            min(year) as first_year,
            max(year) as last_year,
            count(*) as documents
        from reports
        where list_contains(?, issuer_key)
        group by issuer_key
        order by name_norm, issuer_key
        """,
        [list(keys)],
    )
    return [
        Candidate(
            issuer_key=str(r["issuer_key"]),
            name_norm=str(r["name_norm"]),
            names=tuple(str(n) for n in cast(list[object], r["names"] or [])),
            admin_level=str(r["admin_level"] or "level unknown"),
            region=_region_text(r),
            first_year=int(str(r["first_year"])),
            last_year=int(str(r["last_year"])),
            documents=int(str(r["documents"])),
        )
        for r in records
    ]


def find_issuer(con: Any, text: str) -> str:
    """The ``issuer_key`` ISSUER means: an exact key or name first, else a substring naming one body only.

    Raises :class:`IssuerLookupError` when nothing matches or several bodies do (with the candidates).
    """
    wanted = text.strip()
    if not wanted:
        raise IssuerLookupError("give an issuer: a key (iss-…), a name as printed or normalised, or part of a name")
    exact = [
        str(row[0])
        for row in con.execute(
            "select distinct issuer_key from reports where issuer_key = ? or issuer = ? or issuer_name_norm = ?",
            [wanted, wanted, wanted],
        ).fetchall()
    ]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise IssuerLookupError(
            f"'{wanted}' is the name of {len(exact)} bodies; give one of their keys:", _candidates(con, exact)
        )
    partial = [
        str(row[0])
        for row in con.execute(
            """
            select distinct issuer_key from reports
            where contains(lower(issuer), lower(?)) or contains(lower(coalesce(issuer_name_norm, '')), lower(?))
            order by issuer_key
            """,
            [wanted, wanted],
        ).fetchall()
    ]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise IssuerLookupError(
            f"'{wanted}' is part of the names of {len(partial)} bodies; be more specific or give a key:",
            _candidates(con, partial),
        )
    raise IssuerLookupError(
        f"no issuer in the warehouse matches '{wanted}' (tried issuer_key, issuer, issuer_name_norm and parts "
        'of names); list them with: xxgk sql "select distinct issuer_key, issuer from reports order by issuer"'
    )


# --------------------------------------------------------------------------------------------------------
# The summary


def _tables(con: Any) -> set[str]:
    return {str(row[0]) for row in con.execute("select table_name from information_schema.tables").fetchall()}


def _columns(con: Any, table: str) -> list[str]:
    return [
        str(row[0])
        for row in con.execute(
            "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _year_ranges(years: Sequence[int]) -> str:
    """2015, 2017, 2020–2021: consecutive years joined into ranges."""
    ranges: list[str] = []
    ordered = sorted(years)
    start = previous = ordered[0] if ordered else 0
    for year in [*ordered[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        ranges.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(ranges) if ordered else ""


def _labelled(label: str, value: str, width: int) -> list[str]:
    """``label  value`` with the value wrapped under itself when it is too long."""
    indent = 2 + 16
    lines = wrap(value, width - indent)
    first = f"  {label:<16}{lines[0]}"
    return [first, *(" " * indent + line for line in lines[1:])]


def _distinct(values: Sequence[object]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value is not None and str(value) not in seen:
            seen.append(str(value))
    return seen


def _identity(con: Any, key: str, width: int) -> tuple[list[str], list[int]]:
    reports = _records(
        con,
        """
        select year, issuer, issuer_name_norm, is_chosen, versions, template, status, admin_level, region_code,
            region_status, region_province, region_prefecture, region_county, region_township, path
        from reports where issuer_key = ? order by year, version_rank
        """,
        [key],
    )
    chosen = [r for r in reports if r["is_chosen"]]
    latest = (chosen or reports)[-1]
    newest_first = list(reversed(chosen or reports))
    name = str(latest["issuer_name_norm"] or latest["issuer"])
    years = sorted({int(str(r["year"])) for r in chosen})
    lines = [f"{name}  ({key})", ""]
    lines += _labelled("names printed", " / ".join(_distinct([r["issuer"] for r in reports])), width)
    lines += _labelled("admin level", " / ".join(_distinct([r["admin_level"] for r in newest_first])) or NULL, width)
    regions = _distinct([_region_text(r) for r in newest_first])
    codes = _distinct([r["region_code"] for r in newest_first])
    statuses = _distinct([r["region_status"] for r in newest_first])
    region = " | ".join(regions)
    region += f"  (code {', '.join(codes) or NULL}; {', '.join(statuses) or 'status unknown'})"
    lines += _labelled("region", region, width)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else NULL)
    lines += _labelled("reports", f"{len(years)} years ({span}), {len(reports)} documents", width)
    versions = "  ".join(f"{r['year']}: {r['versions']}" for r in chosen)
    lines += _labelled("versions/year", versions or NULL, width)
    several = [r for r in chosen if int(str(r["versions"] or 1)) > 1]
    if several:
        lines += _labelled(
            "",
            "several versions: the marts use the chosen one (reports.is_chosen); report_version_differences "
            "lists the cells where they disagree",
            width,
        )
    return lines, years


def _theme_table(
    con: Any, key: str, years: Sequence[int], mart: str, measures: Sequence[Measure], width: int
) -> list[str]:
    available = set(_columns(con, mart))
    shown = [m for m in measures if m.column in available]
    missing = [m.column for m in measures if m.column not in available]
    select = ", ".join(_quote_identifier(m.column) for m in shown)
    records = _records(
        con, f"select year{', ' + select if select else ''} from {_quote_identifier(mart)} where issuer_key = ?", [key]
    )
    by_year = {int(str(r["year"])): r for r in records}
    rows = []
    for year in years:
        record = by_year.get(year, {})
        rows.append([str(year), *(m.formatter(record.get(m.column)) for m in shown)])
    columns = [Column(("", "year"), right=False)] + [Column(m.header, right=m.formatter not in (_text,)) for m in shown]
    lines = format_table(columns, rows, width)
    if missing:
        lines.append(f"(not in this warehouse's {mart}: {', '.join(missing)})")
    return lines


def _findings(con: Any, key: str, width: int) -> list[str]:
    records = _records(
        con,
        """
        select year, rule, severity, kind, message
        from findings
        where issuer_key = ? and is_chosen and outcome = 'FAIL'
        order by year, kind, rule, scope, message
        """,
        [key],
    )
    if not records:
        return ["  none"]
    rule_width = max(display_width(str(r["rule"])) for r in records)
    severity_width = max(display_width(str(r["severity"])) for r in records)
    indent = 2 + 4 + 2 + rule_width + 2 + severity_width + 2
    lines = []
    for r in records:
        message = wrap(str(r["message"] or ""), max(width - indent, 20))
        rule, severity = _pad(str(r["rule"]), rule_width, False), _pad(str(r["severity"]), severity_width, False)
        head = f"  {r['year']}  {rule}  {severity}  "
        lines.append(head + message[0])
        lines += [" " * indent + line for line in message[1:]]
    return lines


def _coverage(con: Any, key: str, width: int) -> list[str]:
    gaps = [
        int(str(row[0]))
        for row in con.execute(
            "select year from coverage where issuer_key = ? and not has_report order by year", [key]
        ).fetchall()
    ]
    last = con.execute("select max(year) from coverage where issuer_key = ?", [key]).fetchone()
    if not gaps:
        return [f"  no gaps: a report for every year from the first one to {last[0] if last else NULL}"]
    text = f"no report in the warehouse for {_year_ranges(gaps)} ({len(gaps)} of the years up to {last[0]})"
    return ["  " + line for line in wrap(text, width - 2)]


def _section(title: str, width: int) -> list[str]:
    return ["", truncate(title, width), "=" * min(display_width(title), width)]


def render_issuer(con: Any, text: str, width: int = DEFAULT_WIDTH) -> str:
    """The summary of the body ISSUER means, on an open (read-only) warehouse connection."""
    key = find_issuer(con, text)
    tables = _tables(con)
    lines, years = _identity(con, key, width)
    for theme in THEMES:
        lines += _section(theme.title, width)
        if theme.mart not in tables:
            lines.append(f"  (no {theme.mart} table in this warehouse)")
            continue
        lines += _theme_table(con, key, years, theme.mart, theme.measures, width)
    lines += _section("Quality: score (0–100) and FAIL counts per year (quality)", width)
    if "quality" in tables:
        lines += _theme_table(con, key, years, "quality", QUALITY_MEASURES, width)
    lines += _section("FAIL findings of the chosen reports (findings)", width)
    lines += _findings(con, key, width) if "findings" in tables else ["  (no findings table in this warehouse)"]
    lines += _section("Coverage gaps (coverage)", width)
    lines += _coverage(con, key, width) if "coverage" in tables else ["  (no coverage table in this warehouse)"]
    legend = f"{NULL} = no number printed (or no row for that year); figures are as printed, never repaired."
    lines += ["", *wrap(legend, width)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def show_issuer(database: Path, text: str, width: int = DEFAULT_WIDTH) -> str:
    """Open the published warehouse read-only and return the summary of ISSUER (see :func:`render_issuer`)."""
    with duckdb.connect(str(database), read_only=True) as con:
        return render_issuer(con, text, width)
