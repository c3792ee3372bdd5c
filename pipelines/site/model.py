"""What the trend site shows, read once from the published warehouse (read-only) into plain Python records.

The site is a view of the marts, never a second computation of them: every figure on a page is a value of a
mart row (``active_disclosure``, ``requests``, ``reviews_lawsuits``, ``quality``, ``region_rollup``) or a count
or sum over such rows stated on the page (the overview's totals per year). The cells behind each figure
(``cells``: the raw text as printed and its locator in the source file) are loaded for the chosen version of
every report, so each figure can link to where it was printed.

Every query has a full ``order by`` so the same warehouse gives the same records in the same order, and so
the same site bytes.
"""

from __future__ import annotations

import fnmatch
import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

Record = dict[str, Any]
"""One row of a query, keyed by column name."""

NEEDED_TABLES = (
    "documents",
    "reports",
    "cells",
    "active_disclosure",
    "requests",
    "reviews_lawsuits",
    "quality",
    "findings",
    "region_rollup",
    "report_version_differences",
)


@dataclass(frozen=True)
class Figure:
    """A figure the site charts (a mart column) and the canonical cells it is made from (``fnmatch`` patterns).

    A figure from one cell (行政许可 decisions = ``t2.licensing.decisions``) links straight to where that cell
    was printed; a figure computed from several (a rate, a sum of 不予公开 rows) links to the list of its cells.
    """

    column: str
    label: str
    keys: tuple[str, ...]


FIGURES: tuple[Figure, ...] = (
    Figure("licensing_decisions", "行政许可 licensing", ("t2.licensing.decisions",)),
    Figure("penalty_decisions", "行政处罚 penalties", ("t2.penalty.decisions",)),
    Figure("coercion_decisions", "行政强制 coercion", ("t2.coercion.decisions",)),
    Figure("admin_fees_wan_yuan", "行政事业性收费 fees (万元)", ("t2.admin_fees.amount_wan_yuan",)),
    Figure("received", "新收申请 received", ("t3.new_received.total",)),
    Figure("processed", "办理总计 processed", ("t3.total_processed.total",)),
    Figure("granted", "予以公开 granted", ("t3.granted.total",)),
    Figure("partially_granted", "部分公开 partly granted", ("t3.partially_granted.total",)),
    Figure("denied", "不予公开 denied", ("t3.denied_*.total",)),
    Figure("unavailable", "无法提供 unavailable", ("t3.unavailable_*.total",)),
    Figure("not_processed", "不予处理 not processed", ("t3.not_processed_*.total",)),
    Figure("granted_rate", "公开率 granted", ("t3.granted.total", "t3.total_processed.total")),
    Figure(
        "partially_granted_rate",
        "部分公开率 partly granted",
        ("t3.partially_granted.total", "t3.total_processed.total"),
    ),
    Figure("denied_rate", "不予公开率 denied", ("t3.denied_*.total", "t3.total_processed.total")),
    Figure("unavailable_rate", "无法提供率 unavailable", ("t3.unavailable_*.total", "t3.total_processed.total")),
    Figure("not_processed_rate", "不予处理率 not processed", ("t3.not_processed_*.total", "t3.total_processed.total")),
    Figure("review_total", "行政复议 reviews", ("t4.review.total",)),
    Figure("review_corrected", "复议纠正 reviews corrected", ("t4.review.corrected",)),
    Figure("suit_direct_total", "直接起诉 direct lawsuits", ("t4.suit_direct.total",)),
    Figure("suit_after_review_total", "复议后起诉 lawsuits after review", ("t4.suit_after_review.total",)),
    Figure("suits_total", "行政诉讼 lawsuits", ("t4.suit_direct.total", "t4.suit_after_review.total")),
    Figure("corrected_share", "纠正比例 corrected share", ("t4.*.corrected", "t4.*.total")),
)
FIGURE_BY_COLUMN = {figure.column: figure for figure in FIGURES}

#: A SQL filter on ``cells.key`` selecting every cell some figure is made from (the patterns above, as LIKE).
_SOURCE_KEY_FILTER = " or ".join(
    sorted(
        {
            "key like '" + pattern.replace("_", "\\_").replace("*", "%") + "' escape '\\'"
            for f in FIGURES
            for pattern in f.keys
        }
    )
)


def figure_keys(figure: Figure, keys: Sequence[str]) -> list[str]:
    """The keys among ``keys`` that ``figure`` is made from, in the order given."""
    return [key for key in keys if _made_from(figure.keys, key)]


@functools.cache
def _made_from(patterns: tuple[str, ...], key: str) -> bool:
    """Whether a cell key is one a figure's key patterns name (every page asks for the same few hundred keys)."""
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)


class WarehouseError(RuntimeError):
    """The database is not an xxgk warehouse the site can be built from (a mart is missing)."""


@dataclass(frozen=True)
class SiteData:
    """Everything the pages show, keyed the way pages look it up.

    ``reports`` holds every version (document) of every report; the marts hold the chosen version per issuer
    and year. ``cells`` holds, per chosen ``report_id``, the cells the charted figures are made from.
    """

    documents_by_status: list[Record]
    reports: list[Record]
    active: dict[tuple[str, int], Record]
    requests: dict[tuple[str, int], Record]
    reviews: dict[tuple[str, int], Record]
    quality: dict[tuple[str, int], Record]
    fails: dict[str, list[Record]]
    rule_counts: list[Record]
    year_totals: list[Record]
    templates_by_year: list[Record]
    rollup: list[Record]
    version_differences: dict[str, list[Record]]
    cells: dict[str, list[Record]]
    warehouse_name: str
    issuer_keys: list[str] = field(default_factory=list)


def records(con: Any, sql: str, params: Sequence[object] = ()) -> list[Record]:
    """Rows of a query as dicts keyed by column name (fully fetched before returning)."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description] if result.description else []
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _by_issuer_year(rows: list[Record]) -> dict[tuple[str, int], Record]:
    return {(str(row["issuer_key"]), int(row["year"])): row for row in rows}


def _grouped(rows: list[Record], key: str) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for row in rows:
        grouped[str(row[key])].append(row)
    return dict(grouped)


def load(database: Path, with_cells: bool = True) -> SiteData:
    """Read every record the site needs from ``database``, opened read-only (an analyst's session or a running
    build elsewhere is never disturbed). Without ``with_cells``, ``cells`` is left empty: the site builder
    reads them a batch of issuers at a time (``load_cells``), which bounds its memory."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {str(row["table_name"]) for row in records(con, "select table_name from information_schema.tables")}
        missing = [table for table in NEEDED_TABLES if table not in tables]
        if missing:
            raise WarehouseError(f"{database}: not an xxgk warehouse, tables missing: {', '.join(missing)}")
        reports = records(
            con,
            """
            select report_id, issuer_key, issuer, issuer_name_norm, year, template, status, is_chosen, version_rank,
                versions, cells_read, score, path, admin_level, scope, region_code, region_status, region_province,
                region_prefecture, region_county, region_township, published_on
            from reports
            order by issuer_key, year, version_rank, report_id
            """,
        )
        data = SiteData(
            documents_by_status=records(
                con, "select status, count(*) as files from documents group by status order by status"
            ),
            reports=reports,
            active=_by_issuer_year(records(con, "select * from active_disclosure order by issuer_key, year")),
            requests=_by_issuer_year(records(con, "select * from requests order by issuer_key, year")),
            reviews=_by_issuer_year(records(con, "select * from reviews_lawsuits order by issuer_key, year")),
            quality=_by_issuer_year(records(con, "select * from quality order by issuer_key, year")),
            fails=_grouped(
                records(
                    con,
                    """
                    select issuer_key, year, report_id, kind, rule, scope, severity, expected, actual, message, quote,
                        related_report_id
                    from findings
                    where is_chosen and outcome = 'FAIL'
                    order by issuer_key, year, kind, rule, scope, message
                    """,
                ),
                "issuer_key",
            ),
            rule_counts=records(
                con,
                """
                select rule, kind, any_value(severity order by severity) as severity, count(*) as fails,
                    count(distinct report_id) as reports
                from findings
                where is_chosen and outcome = 'FAIL'
                group by rule, kind
                order by fails desc, reports desc, rule, kind
                """,
            ),
            year_totals=records(
                con,
                """
                -- Bodies' own reports only: a regional roll-up report (scope = region_aggregate) adds up
                -- reports that are counted already, as in region_rollup.
                with chosen as (
                    select reports.year, reports.scope is distinct from 'region_aggregate' as added,
                        active.licensing_decisions, active.penalty_decisions, active.coercion_decisions,
                        active.admin_fees_wan_yuan, requests.received
                    from reports
                    left join active_disclosure as active on active.report_id = reports.report_id
                    left join requests on requests.report_id = reports.report_id
                    where reports.is_chosen
                )
                select
                    year,
                    count(*) as reports,
                    count(*) filter (where added) as reports_added,
                    count(*) filter (where not added) as aggregate_reports,
                    sum(licensing_decisions) filter (where added) as licensing_decisions,
                    count(licensing_decisions) filter (where added) as licensing_reported,
                    sum(penalty_decisions) filter (where added) as penalty_decisions,
                    count(penalty_decisions) filter (where added) as penalty_reported,
                    sum(coercion_decisions) filter (where added) as coercion_decisions,
                    count(coercion_decisions) filter (where added) as coercion_reported,
                    round(sum(admin_fees_wan_yuan) filter (where added), 6) as admin_fees_wan_yuan,
                    count(admin_fees_wan_yuan) filter (where added) as admin_fees_reported,
                    sum(received) filter (where added) as received,
                    count(received) filter (where added) as received_reported
                from chosen
                group by year
                order by year
                """,
            ),
            templates_by_year=records(
                con,
                """
                select year, coalesce(template, 'unknown') as template, count(*) as reports
                from reports where is_chosen
                group by all order by year, template
                """,
            ),
            rollup=records(
                con,
                """
                select * replace (round(admin_fees_wan_yuan, 6) as admin_fees_wan_yuan)
                from region_rollup
                order by rollup_level, region_code, year, body_level
                """,
            ),
            version_differences=_grouped(
                records(
                    con,
                    """
                    select issuer_key, year, key, chosen_path, chosen_raw_text, other_path, other_raw_text
                    from report_version_differences
                    order by issuer_key, year, key, other_path
                    """,
                ),
                "issuer_key",
            ),
            cells=_chosen_cells(con) if with_cells else {},
            warehouse_name=database.name,
            issuer_keys=sorted({str(r["issuer_key"]) for r in reports if r["is_chosen"]}),
        )
    return data


def _source_cells(con: Any, which: str, params: Sequence[object] = ()) -> dict[str, list[Record]]:
    """The cells the charted figures are made from, of the reports ``which`` (a condition on ``cells``)
    selects, grouped by report."""
    return _grouped(
        records(
            con,
            f"""
            select cells.report_id, cells.key, cells.value, cells.value_status, cells.raw_text, cells.locator,
                cells.note
            from cells
            where ({which}) and ({_SOURCE_KEY_FILTER})
            order by cells.report_id, cells.key
            """,
            params,
        ),
        "report_id",
    )


def _chosen_cells(con: Any) -> dict[str, list[Record]]:
    return _source_cells(con, "cells.report_id in (select report_id from reports where is_chosen)")


def load_cells(database: Path, report_ids: Sequence[str]) -> dict[str, list[Record]]:
    """``SiteData.cells`` for a batch of issuers: the source cells of the given (chosen) reports."""
    if not report_ids:
        return {}
    with duckdb.connect(str(database), read_only=True) as con:
        return _source_cells(con, "cells.report_id in (select unnest(?::varchar[]))", [list(report_ids)])
