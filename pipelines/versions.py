"""Several documents, one report: choosing the version of an issuer's report for a year that marts use.

A body may publish its report twice (a corrected republication), or the same report may arrive as a web
page, a PDF and a crawled text. Every document is kept in the lake; for each issuer and year one is chosen,
by this rule, in order:

1. status ``parsed`` before ``partial`` (every cell read beats some cells unread);
2. more cells read;
3. the later publication date (a republication supersedes the first publication);
4. the more original format: html, pdf, docx, markdown, then crawled text;
5. the path, so that the choice is stable.

The differences between versions stay queryable (``report_version_differences`` in ``sql/``).
"""

from __future__ import annotations

import polars as pl

from pipelines.canonical import numbers
from pipelines.parse import PARSED, ParsedReport

FORMAT_PREFERENCE = {"html": 1, "pdf": 2, "docx": 3, "markdown": 4, "text": 5}


def issuer_key(report: ParsedReport) -> str | None:
    """The issuer's id when it was placed in the division list, else its normalised or printed name."""
    facts = report.facts
    return (facts.issuer_id or facts.issuer_name_norm if facts else None) or report.issuer


def cells_read(report: ParsedReport) -> int:
    return sum(1 for cell in report.cells.values() if cell.status in numbers.PRINTED_STATUSES)


def rank_versions(reports: pl.DataFrame) -> pl.DataFrame:
    """Fill ``version_rank``, ``versions`` and ``is_chosen`` of a reports frame by the rule above."""
    group = ["issuer_key", "year"]
    ranked = (
        reports.with_columns(
            (pl.col("status") != PARSED).alias("_not_parsed"),
            pl.col("format").replace_strict(FORMAT_PREFERENCE, default=9, return_dtype=pl.Int32).alias("_format"),
        )
        .sort(
            [*group, "_not_parsed", "cells_read", "published_on", "_format", "path"],
            descending=[False, False, False, True, True, False, False],
            nulls_last=True,
        )
        .with_columns(
            (pl.int_range(pl.len()).over(group) + 1).cast(pl.Int32).alias("version_rank"),
            pl.len().over(group).cast(pl.Int32).alias("versions"),
        )
        .with_columns((pl.col("version_rank") == 1).alias("is_chosen"))
        .drop("_not_parsed", "_format")
    )
    return ranked.select(reports.columns)
