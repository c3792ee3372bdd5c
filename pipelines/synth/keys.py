"""The canonical keys the synthetic corpus fills, taken from the parser's printed layout of the templates.

``pipelines.canonical.layout`` lists every printed row of 表二/表三/表四 per template, in template order, with
the keys its cells carry (the same source ``render.py`` draws its tables from). The generator derives its
row groups from it rather than restating them, so the corpus always fills exactly the keys the templates print.
"""

from __future__ import annotations

from pipelines.canonical.layout import T3_COLUMNS, T3_V2019, T3_V2021, T4_BLOCKS, T4_COLUMNS

V2021 = "v2021"
V2019 = "v2019"

#: 表三 applicant columns without 总计 (each row's 总计 is their sum, R3).
APPLICANTS = T3_COLUMNS[:-1]
#: 表四 outcome columns without 总计 (each block's 总计 is their sum, R4).
T4_PARTS = T4_COLUMNS[:-1]
#: 表三 rows outside 三、本年度办理结果 (R1: 新收 + 上年结转 = 总计 + 结转下年度).
BALANCE_ROWS = ("new_received", "carried_over_in", "total_processed", "carried_forward_out")
#: v2021 表二 rows whose 现行有效 carries over between years (R6).
STOCK_ROWS = ("rules", "normative_docs")
#: v2019 表二 rows with 本年新公开 / 对外公开总数量 (R7a) and with 上一年项目数量 / 本年增/减 (R7b).
V2019_PUBLISHED_ROWS = ("rules", "normative_docs")
V2019_ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "admin_fees")
#: Money cells (万元, up to two decimals); every other cell is a count.
MONEY_KEYS = frozenset({"t2.admin_fees.amount_wan_yuan", "t2.central_procurement.amount"})
FEE_KEY = "t2.admin_fees.amount_wan_yuan"


def t3_rows(template: str) -> tuple[str, ...]:
    """Every printed 表三 row of ``template``, in template order."""
    return tuple(spec.row for spec in (T3_V2021 if template == V2021 else T3_V2019))


def result_rows(template: str) -> tuple[str, ...]:
    """表三 result rows (一)…(六) of ``template``, whose sum is (七)总计 (R2); v2019 has one row (六)."""
    return tuple(row for row in t3_rows(template) if row not in BALANCE_ROWS)


def group_rows(template: str, prefix: str) -> tuple[str, ...]:
    """The sub-rows of one 表三 group: ``denied_``, ``unavailable_``, ``not_processed_``, ``other_``."""
    return tuple(row for row in result_rows(template) if row.startswith(prefix))


def t3(row: str, column: str) -> str:
    return f"t3.{row}.{column}"


def t4(block: str, column: str) -> str:
    return f"t4.{block}.{column}"


__all__ = [
    "APPLICANTS",
    "BALANCE_ROWS",
    "FEE_KEY",
    "MONEY_KEYS",
    "STOCK_ROWS",
    "T3_COLUMNS",
    "T4_BLOCKS",
    "T4_COLUMNS",
    "T4_PARTS",
    "V2019",
    "V2019_ITEM_ROWS",
    "V2019_PUBLISHED_ROWS",
    "V2021",
    "group_rows",
    "result_rows",
    "t3",
    "t3_rows",
    "t4",
]
