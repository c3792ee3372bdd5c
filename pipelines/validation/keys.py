"""The canonical keys the rules are written over (format-spec §3–§5), per template.

Kept here rather than read from the parser's layout so that the rules say exactly what the spec says; a test
checks that every key named here is a key of ``metrics.csv`` for its template.
"""

from __future__ import annotations

V2021 = "v2021"
V2019 = "v2019"
LEGACY = "legacy"
MODERN = (V2021, V2019)

T3_COLUMNS = (
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_welfare",
    "org_legal_service",
    "org_other",
    "total",
)
ORG_COLUMNS = T3_COLUMNS[1:6]
T4_BLOCKS = ("review", "suit_direct", "suit_after_review")
T4_PARTS = ("upheld", "corrected", "other", "pending")

DENIED = (
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_three_safeties_one_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_inquiry",
)
UNAVAILABLE = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
NOT_PROCESSED = (
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirm_reissue",
)
OTHER_V2021 = ("other_no_correction", "other_fee_unpaid", "other_other")
OTHER_V2019 = ("other_total",)
#: The result rows (三、本年度办理结果 (一)…(六)) whose sum is (七)总计, before row (六).
RESULT_ROWS = ("granted", "partially_granted", *DENIED, *UNAVAILABLE, *NOT_PROCESSED)


def other_rows(template: str) -> tuple[str, ...]:
    """Row (六)其他处理: three sub-rows in v2021, one row in v2019."""
    return OTHER_V2021 if template == V2021 else OTHER_V2019


def t3_rows(template: str) -> tuple[str, ...]:
    """Every printed 表三 row of ``template``, in template order."""
    return (
        "new_received",
        "carried_over_in",
        *RESULT_ROWS,
        *other_rows(template),
        "total_processed",
        "carried_forward_out",
    )


def t3(row: str, column: str) -> str:
    return f"t3.{row}.{column}"


def t4(block: str, column: str) -> str:
    return f"t4.{block}.{column}"


#: 表二 (v2021) rows whose 现行有效 carries over between years (R6).
STOCK_ROWS = ("rules", "normative_docs")
#: v2019 表二: rows with 本年新公开/对外公开总数 (R7a) and rows with 上一年项目数/本年增减 (R7b).
V2019_PUBLISHED_ROWS = ("rules", "normative_docs")
V2019_ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "admin_fees")
#: Keys whose year-on-year change is watched for implausible jumps, with the templates that print them
#: with the same meaning (v2019 行政事业性收费 counts fee items, not money, so only v2021 has the amount).
JUMP_KEYS: dict[str, tuple[str, ...]] = {
    "t2.licensing.decisions": MODERN,
    "t2.penalty.decisions": MODERN,
    "t2.coercion.decisions": MODERN,
    "t2.admin_fees.amount_wan_yuan": (V2021,),
}
MONEY_KEYS = frozenset({"t2.admin_fees.amount_wan_yuan", "t2.central_procurement.amount"})
