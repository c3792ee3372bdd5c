"""``mart_preview``: a short Markdown summary of one warehouse table, for Dagster asset metadata.

The Dagster UI shows Markdown metadata as formatted text. A mart's preview says what a row is (the first
sentence of the ``sql/`` header, stored as the table comment), how many rows there are (per year where the
table has a ``year`` column), and its first rows as a Markdown table: enough to see at a glance that a build
produced sensible data, without opening the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.site.markup import amount

MAX_COLUMNS = 10
MAX_ROWS = 5
MAX_CELL = 40


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(value: object) -> str:
    """A value as Markdown table text: pipes escaped, line breaks flattened, long text cut with an ellipsis."""
    if value is None:
        return "∅"
    if isinstance(value, float):
        text = amount(value)
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|")


def mart_preview(database: Path, table: str, rows: int = MAX_ROWS) -> str:
    """Markdown: the table's description, its row count (by year when it has a ``year`` column) and its first
    ``rows`` rows (first :data:`MAX_COLUMNS` columns, in the table's own order). Read-only.

    Raises ``ValueError`` for a name that is not a table of the warehouse (names are checked against the
    catalogue, never spliced into SQL unchecked).
    """
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select comment from duckdb_tables() where table_name = ? and schema_name = 'main'", [table]
        ).fetchall()
        if not found:
            raise ValueError(f"no table '{table}' in {database}")
        comment = str(found[0][0] or "")
        columns = [
            str(row[0])
            for row in con.execute(
                "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        count_row = con.execute(f"select count(*) from {_identifier(table)}").fetchone()
        count = int(count_row[0]) if count_row else 0
        by_year: list[tuple[object, int]] = []
        if "year" in columns:
            by_year = [
                (row[0], int(row[1]))
                for row in con.execute(
                    f"select year, count(*) from {_identifier(table)} group by year order by year nulls last"
                ).fetchall()
            ]
        shown = columns[:MAX_COLUMNS]
        selected = ", ".join(_identifier(c) for c in shown)
        first = con.execute(f"select {selected} from {_identifier(table)} limit {int(rows)}").fetchall()

    description = " ".join(comment.split()).split(". ")[0].rstrip(".")
    lines = [f"**{table}**: {count:,} row{'' if count == 1 else 's'}" + (f". {description}." if description else "")]
    if by_year:
        lines.append("")
        lines.append("Rows per year: " + ", ".join(f"{'?' if y is None else y}: {n:,}" for y, n in by_year))
    lines.append("")
    if shown:
        lines.append("| " + " | ".join(_cell(c) for c in shown) + " |")
        lines.append("|" + "---|" * len(shown))
        lines.extend("| " + " | ".join(_cell(v) for v in row) + " |" for row in first)
    if len(columns) > len(shown):
        lines.append("")
        lines.append(f"…and {len(columns) - len(shown)} more columns: " + ", ".join(columns[len(shown) :]))
    return "\n".join(lines) + "\n"
