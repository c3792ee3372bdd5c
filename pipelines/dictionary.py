"""The data dictionary: every canonical cell key and every warehouse column, as Markdown (``docs/data-dictionary.md``).

Two sources, both already the project's contracts, so the dictionary never says more than they do:

- ``pipelines/canonical/metrics.csv``: one row per canonical key (``t2.licensing.decisions`` …) with the
  templates that print it, its table, the item of the 条例 it reports under, its row and column labels as
  printed on the national form, its type and unit.
- ``sql/*.sql``: one file per warehouse table, each opening with a header comment that says what a row is
  and what its columns mean. Column names and types come from a real DuckDB build (the types are DuckDB's,
  after the casts in the SQL); each column's one-line description is the sentence or clause of the header
  that names it (``value is the number the report printed …``), and "see header" where the header does not
  name the column: meanings are never made up here.

:func:`column_schema` gives the same (name, type, description) triples for one table, for Dagster's
``dagster/column_schema`` metadata.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.canonical.registry import Metric, metrics
from pipelines.warehouse import SqlModel, load_models, model_header

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_OUTPUT = REPO_ROOT / "docs" / "data-dictionary.md"
SEE_HEADER = "see header"
NOT_BUILT = "not in the warehouse this dictionary was built from: rebuild (`make run`) and regenerate"

# --------------------------------------------------------------------------------------------------------
# Column descriptions from a header comment


def clauses(header: str) -> list[str]:
    """The header's sentences and ``;``-separated clauses, each with its line breaks joined.

    Splits only outside parentheses (so ``e.g. t2.x`` and ``(a sum, a figure …)`` stay whole), and after a
    ``:`` a ``;`` separates the items of a list rather than clauses (``comparability says …: same_template;
    v2019_to_v2021 (…); not_comparable …``), so the sentence stays whole up to its full stop.
    """
    text = " ".join(line.strip() for line in header.splitlines() if line.strip())
    pieces: list[str] = []
    depth, start, listing = 0, 0, False
    for i, char in enumerate(text):
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(depth - 1, 0)
        elif depth == 0 and char == ":" and text[start:i].strip() and " " in text[start:i].strip():
            listing = True
        elif depth == 0 and char in ";." and (i + 1 == len(text) or text[i + 1] == " "):
            if char == "." and re.search(r"(?:\be\.g|\bi\.e|\betc|\bvs|§\d+)$", text[start:i]):
                continue
            if char == ";" and listing:
                continue
            pieces.append(text[start : i + 1].strip())
            start, listing = i + 1, False
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


_WILDCARD = re.compile(r"(?<![\w*])(?:(?P<prefix>[a-z][a-z0-9_]*_)\*|\*(?P<suffix>_[a-z][a-z0-9_]*))")
_RANGE = re.compile(r"\b(?P<first>[a-z][a-z0-9_]*)\s*(?:…|\.\.\.)\s*(?P<last>[a-z][a-z0-9_]*)\b")
# A one-word column name (status, value, score …) is also an English word. The header names the column only
# where the word stands as the subject of a definition: at the start of a clause, after "(", ",", ";", ":",
# "and" or "or", and followed by a verb or "=" ("status is parsed …", "(kind = report)", "raw_text is what was
# printed and locator where …", "expected is …, actual what was printed"), or at the start of a clause and
# followed by "(" ("score (0–100) sums up …"). "one row per issuer and year (the chosen …)" and "one per
# issuer and year is chosen" name no column: they state the grain of the rows.
_DEFINING = r"\s*(?:=|is\b|are\b|says\b|lists\b|counts\b|means\b|adds\b|where\b|what\b|the\b)"
_SUBJECT_POSITION = r"(?:[(,;:]\s*|\band\s+|\bor\s+)"


def _names(clause: str, column: str, columns: Sequence[str]) -> bool:
    """Whether ``clause`` names ``column``: by its name, a ``prefix_*``/``*_suffix`` pattern, or ``a … b``."""
    if "_" in column:
        if re.search(rf"(?<![\w.]){re.escape(column)}(?![\w])", clause):
            return True
    else:
        word = re.escape(column)
        for match in re.finditer(rf"(?:^|{_SUBJECT_POSITION}){word}(?=[^\w.]){_DEFINING}", clause):
            # "one per issuer and year is chosen": the grain of the rows, not the column.
            if not re.search(r"\bper\s+[\w\s,]*$", clause[: match.start()]):
                return True
        if re.search(rf"^{word}\s+\(", clause):
            return True
    for match in _WILDCARD.finditer(clause):
        if match["prefix"] and column.startswith(match["prefix"]):
            return True
        if match["suffix"] and column.endswith(match["suffix"]):
            return True
    for match in _RANGE.finditer(clause):
        if match["first"] in columns and match["last"] in columns:
            first, last = columns.index(match["first"]), columns.index(match["last"])
            if first <= columns.index(column) <= last:
                return True
    return False


def describe_columns(header: str, columns: Sequence[str]) -> dict[str, str]:
    """Each column's description: the header's clauses that name it, joined, or :data:`SEE_HEADER`."""
    parts = clauses(header)
    if parts and ":" in parts[0].split(" ", 1)[0]:
        # "cells: one row per …": drop the table-name label, keep what a row is.
        parts[0] = parts[0].split(":", 1)[1].strip()
    descriptions: dict[str, str] = {}
    for column in columns:
        named = [clause for clause in parts if _names(clause, column, columns)]
        descriptions[column] = " ".join(named) if named else SEE_HEADER
    return descriptions


# --------------------------------------------------------------------------------------------------------
# Column types from a DuckDB build


def _connection(database: Path | str | Any) -> tuple[Any, bool]:
    """A connection to ``database`` (opened read-only) or the connection given; True if opened here."""
    if isinstance(database, str | Path):
        return duckdb.connect(str(database), read_only=True), True
    return database, False


def table_columns(database: Path | str | Any, table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of every column of ``table`` in the warehouse, in table order; [] if no such table."""
    con, opened = _connection(database)
    try:
        rows = con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
    finally:
        if opened:
            con.close()
    return [(str(name), str(kind)) for name, kind in rows]


def column_schema(database: Path | str | Any, table: str, sql_dir: Path = SQL_DIR) -> list[tuple[str, str, str]]:
    """(name, type, description) of every column of the warehouse table ``table``.

    ``database`` is the warehouse file (opened read-only) or an open DuckDB connection (e.g. the building
    connection inside :func:`pipelines.warehouse.build_warehouse`). Types are DuckDB's; descriptions come from
    the header comment of ``sql_dir/<table>.sql`` (see :func:`describe_columns`). Raises ``KeyError`` when the
    warehouse has no such table. For Dagster: ``dg.TableSchema(columns=[dg.TableColumn(n, t, description=d)
    for n, t, d in column_schema(path, name)])`` as ``dagster/column_schema`` metadata.
    """
    columns = table_columns(database, table)
    if not columns:
        raise KeyError(f"no table '{table}' in the warehouse")
    sql_file = sql_dir / f"{table}.sql"
    header = model_header(sql_file.read_text(encoding="utf-8")) if sql_file.exists() else ""
    descriptions = describe_columns(header, [name for name, _ in columns])
    return [(name, kind, descriptions[name]) for name, kind in columns]


# --------------------------------------------------------------------------------------------------------
# Markdown


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("\n", " ").strip()


_TABLE_TITLES = {
    "t2": "表二 主动公开政府信息情况 (t2)",
    "t3": "表三 收到和处理政府信息公开申请情况 (t3)",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况 (t4)",
}


def metrics_markdown(metrics: Sequence[Metric]) -> list[str]:
    """The canonical keys, one Markdown table per form table, in ``metrics.csv`` order."""
    lines = [
        "## Canonical cell keys (`pipelines/canonical/metrics.csv`)",
        "",
        "Every printed cell of a report's statistics tables becomes one row of `cells` keyed by one of these keys",
        "(`xxgk parse --json` returns them as `cells`). `templates` lists the national forms that print the key",
        "(`v2021`, `v2019`: a report's form is told from its tables' content, not from its year); `item` is the",
        "条例 item or the table's heading, `row_label` and `column_label` the labels printed on the form. Legacy",
        "(pre-2019) reports have no national form: their cells use `legacy.*` keys defined in",
        "`pipelines/canonical/legacy.py`, or one of the keys below with `mapping_quality = approx`.",
        "",
        f"{len(metrics)} keys.",
    ]
    tables: dict[str, list[Metric]] = {}
    for metric in metrics:
        tables.setdefault(metric.table, []).append(metric)
    for table, rows in tables.items():
        lines += ["", f"### {_TABLE_TITLES.get(table, table)}", ""]
        lines.append("| key | templates | item | row_label | column_label | type | unit |")
        lines.append("|---|---|---|---|---|---|---|")
        for m in rows:
            lines.append(
                f"| `{m.key}` | {_cell(' '.join(m.templates))} | {_cell(m.item)} | {_cell(m.row_label)} | "
                f"{_cell(m.column_label)} | {_cell(m.type)} | {_cell(m.unit)} |"
            )
    return lines


def model_markdown(model: SqlModel, columns: Sequence[tuple[str, str]] | None) -> list[str]:
    """One warehouse table: its header comment as written, then its columns (when the build has the table)."""
    lines = [f"### `{model.name}`", "", f"Defined by [`sql/{model.path.name}`](../sql/{model.path.name}).", ""]
    lines += ["```text", *(model.description or "(no header comment)").splitlines(), "```"]
    if model.depends_on or model.lake_tables:
        reads = [f"`{name}`" for name in model.depends_on] + [f"lake `{name}`" for name in model.lake_tables]
        lines += ["", f"Reads: {', '.join(reads)}."]
    lines.append("")
    if not columns:
        lines.append(f"Columns: {NOT_BUILT}.")
        return lines
    descriptions = describe_columns(model.description, [name for name, _ in columns])
    lines.append("| column | type | description |")
    lines.append("|---|---|---|")
    for name, kind in columns:
        lines.append(f"| `{name}` | {_cell(kind)} | {_cell(descriptions[name])} |")
    return lines


def render_dictionary(
    database: Path | str | Any | None, sql_dir: Path = SQL_DIR
) -> str:
    """The whole dictionary as Markdown. ``database`` (a warehouse file or connection) gives the column types;
    without it every table is listed with its header only. The text has no dates or paths of the machine, so
    regenerating it from the same sources gives the same file."""
    models = sorted(load_models(sql_dir), key=lambda model: model.name)
    columns: dict[str, list[tuple[str, str]]] = {model.name: [] for model in models}
    if database is not None:
        con, opened = _connection(database)
        try:
            columns = {model.name: table_columns(con, model.name) for model in models}
        finally:
            if opened:
                con.close()
    lines = [
        "# xxgk data dictionary",
        "",
        "Generated by `xxgk dictionary` from `sql/*.sql` (table headers, column descriptions), a DuckDB build of",
        "the warehouse (column names and types) and `pipelines/canonical/metrics.csv` (cell keys). Do not edit by",
        "hand: change the sources and regenerate (`make run && .venv/bin/xxgk dictionary`).",
        "",
        "A column's description is the part of its table's header comment that names it; \"see header\" means the",
        "header describes the column only together with others (read the header quoted above the columns).",
        "",
        "## Warehouse tables (`data/warehouse/xxgk.duckdb`)",
        "",
        "One table per file in `sql/`, rebuilt from the Parquet lake on every build and published by renaming a",
        'new file over the old one. Open it read-only: `xxgk sql "…"`, `xxgk show ISSUER`, or',
        "`duckdb.connect(path, read_only=True)`.",
        "",
        "| table | rows are |",
        "|---|---|",
    ]
    for model in models:
        first = clauses(model.description)[0] if model.description else ""
        summary = first.split(":", 1)[1].strip() if first.startswith(f"{model.name}:") else first
        lines.append(f"| [`{model.name}`](#{model.name}) | {_cell(summary)} |")
    for model in models:
        lines += ["", *model_markdown(model, columns[model.name])]
    lines += ["", *metrics_markdown(metrics())]
    return "\n".join(lines) + "\n"


def write_dictionary(
    output: Path, database: Path | str | Any | None, sql_dir: Path = SQL_DIR
) -> str:
    """Render the dictionary and write it to ``output`` (creating its folder); returns the text."""
    text = render_dictionary(database, sql_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return text
