"""The printed layout of the national templates: which labelled rows each table has, in which order,
which canonical keys their value cells carry, and what marks where a table starts and ends.

Labels are matched by a characteristic phrase (normalised text, any white space between characters),
optionally preceded by the row's own numbering (``2.``, ``3、``) and the start of the label before the phrase
(``3.危及"三安全一稳定"``, ``1.申请人无正当理由逾期不补正``). The numbering matters for crawled text that runs
cells together: in ``…00000002.其他法律…`` the ``2.`` belongs to the next label, not to the previous row's
digits.

Inside a table, some printed text is not a row but still ends the row before it: the 表二 item headers
(``第二十条第（五）项`` ``信息内容`` and its column labels) and the 表三 group cells (``（三）不予公开`` …).
A row's values are only looked for up to the next row label or the next such boundary.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.canonical.text import fuzzy_phrase

T3_COLUMNS = (
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_welfare",
    "org_legal_service",
    "org_other",
    "total",
)
T4_BLOCKS = ("review", "suit_direct", "suit_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

#: Label text the numbering may be separated from the characteristic phrase by (no digits, no cell breaks).
_LABEL_LEAD = r"[^\d\t\n]{0,24}?"


@dataclass(frozen=True)
class RowSpec:
    """One printed row: how to find its label and which keys its value cells fill, left to right."""

    row: str
    table: str
    phrases: tuple[str, ...]
    keys: tuple[str, ...]
    number: str | None = None  # the row's own numbering, e.g. "2" for "2.其他法律…"
    number_required: bool = False  # the phrase alone is too common ("3.其他")

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The label regex, compiled once per spec (specs are module constants; a regex per access cost
        ~14 ms a report in HTML when ``re``'s own cache overflowed)."""
        alternatives = "|".join(fuzzy_phrase(p) for p in self.phrases)
        if self.number is None:
            return re.compile(rf"(?:{alternatives})")
        numbered = rf"{re.escape(self.number)}\s*[.、．]\s*{_LABEL_LEAD}(?:{alternatives})"
        if self.number_required:
            return re.compile(numbered)
        return re.compile(rf"{numbered}|(?:{alternatives})")


def _t2(row: str, phrases: tuple[str, ...], columns: tuple[str, ...]) -> RowSpec:
    return RowSpec(row=row, table="t2", phrases=phrases, keys=tuple(f"t2.{row}.{c}" for c in columns))


def _t3(row: str, *phrases: str, number: str | None = None, required: bool = False) -> RowSpec:
    return RowSpec(
        row=row,
        table="t3",
        phrases=phrases,
        keys=tuple(f"t3.{row}.{c}" for c in T3_COLUMNS),
        number=number,
        number_required=required,
    )


T2_V2021 = (
    _t2("rules", ("规章",), ("issued", "repealed", "in_force")),
    _t2("normative_docs", ("行政规范性文件", "规范性文件"), ("issued", "repealed", "in_force")),
    _t2("licensing", ("行政许可",), ("decisions",)),
    _t2("penalty", ("行政处罚",), ("decisions",)),
    _t2("coercion", ("行政强制",), ("decisions",)),
    _t2("admin_fees", ("行政事业性收费",), ("amount_wan_yuan",)),
)

T2_V2019 = (
    _t2("rules", ("规章",), ("new_made", "new_published", "total_published")),
    _t2("normative_docs", ("行政规范性文件", "规范性文件"), ("new_made", "new_published", "total_published")),
    _t2("licensing", ("行政许可",), ("items_prev_year", "items_change", "decisions")),
    _t2("other_services", ("其他对外管理服务事项",), ("items_prev_year", "items_change", "decisions")),
    _t2("penalty", ("行政处罚",), ("items_prev_year", "items_change", "decisions")),
    _t2("coercion", ("行政强制",), ("items_prev_year", "items_change", "decisions")),
    _t2("admin_fees", ("行政事业性收费",), ("items_prev_year", "items_change")),
    _t2("central_procurement", ("政府集中采购",), ("projects", "amount")),
)

_T3_HEAD = (
    _t3("new_received", "本年新收"),
    _t3("carried_over_in", "上年结转"),
    _t3("granted", "予以公开"),
    _t3("partially_granted", "部分公开"),
    _t3("denied_state_secret", "属于国家秘密", "国家秘密", number="1"),
    _t3(
        "denied_law_prohibited",
        "其他法律行政法规禁止公开",
        "法律行政法规禁止公开",
        "禁止公开",
        "其他法律",  # a report's own typo "2.其他法律行政止公开" (淮安洪泽 2023)
        number="2",
    ),
    _t3("denied_three_safeties_one_stability", "三安全一稳定", number="3"),
    _t3("denied_third_party_rights", "保护第三方合法权益", "第三方合法权益", number="4"),
    _t3("denied_internal_affairs", "三类内部事务信息", "内部事务信息", "内部事务", number="5"),
    _t3("denied_process_info", "四类过程性信息", "过程性信息", number="6"),
    _t3("denied_enforcement_file", "行政执法案卷", number="7"),
    _t3("denied_admin_inquiry", "行政查询事项", number="8"),
    _t3("unavailable_not_held", "本机关不掌握", "不掌握相关政府信息", number="1"),
    _t3("unavailable_needs_creation", "没有现成信息", number="2"),
    _t3("unavailable_unclear", "补正后申请内容仍不明确", "申请内容仍不明确", number="3"),
    _t3("not_processed_petition", "信访举报投诉类申请", "信访举报投诉", number="1"),
    _t3("not_processed_duplicate", "重复申请", number="2"),
    _t3("not_processed_publication", "要求提供公开出版物", "公开出版物", number="3"),
    _t3("not_processed_excessive", "无正当理由大量反复申请", "大量反复申请", number="4"),
    _t3("not_processed_confirm_reissue", "要求行政机关确认或重新出具已获取信息", "确认或重新出具", number="5"),
)
_T3_TAIL = (
    _t3("total_processed", "(七)总计", "总计"),
    _t3("carried_forward_out", "结转下年度继续办理", "结转下年继续办理", "结转下年"),
)
T3_V2021 = (
    *_T3_HEAD,
    _t3("other_no_correction", "逾期不补正", number="1"),
    _t3("other_fee_unpaid", "逾期未按收费通知要求缴纳费用", "未按收费通知", number="2"),
    _t3("other_other", "其他", number="3", required=True),
    *_T3_TAIL,
)
T3_V2019 = (*_T3_HEAD, _t3("other_total", "(六)其他处理", "其他处理"), *_T3_TAIL)

#: 表三 rows outside 三、本年度办理结果; R1 reads
#: new_received + carried_over_in = total_processed + carried_forward_out.
T3_BALANCE_ROWS = ("new_received", "carried_over_in", "total_processed", "carried_forward_out")
#: 表三 rows that are outcomes of 三、本年度办理结果 (their sum is （七）总计, R2), per template.
T3_OUTCOME_ROWS = {
    "v2021": tuple(s.row for s in T3_V2021 if s.row not in T3_BALANCE_ROWS),
    "v2019": tuple(s.row for s in T3_V2019 if s.row not in T3_BALANCE_ROWS),
}

# ---------------------------------------------------------------------------------------------------------
# Boundaries inside tables: printed text that is not a row, but ends the row before it.

#: 表二: the item header rows ("第二十条第（五）项", "信息内容 | 上一年项目数量 | …").
T2_BOUNDARY = re.compile(rf"{fuzzy_phrase('第二十条')}|{fuzzy_phrase('信息内容')}")
#: 表三: the group cells of 三、本年度办理结果 and the column header.
T3_BOUNDARY = re.compile(
    "|".join(
        [
            rf"\(\s*[三四五六]\s*\)\s*(?:{fuzzy_phrase('不予公开')}|{fuzzy_phrase('无法提供')}"
            rf"|{fuzzy_phrase('不予处理')}|{fuzzy_phrase('其他处理')})",
            fuzzy_phrase("本年度办理结果"),
            fuzzy_phrase("申请人情况"),
        ]
    )
)

# ---------------------------------------------------------------------------------------------------------
# Where each table starts and ends. Prefaces list the section titles too ("本报告包括总体情况、主动公开政府
# 信息情况、收到和处理…"), so a title only counts with its own numbering, and the tables are found by marks
# that only the tables print.

#: A section number in front of a title: 二、 / 三. / 4、
#: (Sections are numbered 1–6: one digit, so "…0 0 14.政府信息公开行政复议" ends a row's "1" before the title's "4.")
SECTION_NUMBER = r"(?:[一二三四五六七八九十]|[1-9])\s*[、.．]"
#: 表二: the item rows "第二十条第（一）项" (PDFs: "第二十条 第（八）项"); else the numbered section title.
T2_ITEM = re.compile(rf"{fuzzy_phrase('第二十条')}\s*第?\s*\(?\s*[一二三四五六七八九十]+\s*\)?\s*项")
T2_TITLE = re.compile(rf"{SECTION_NUMBER}\s*{fuzzy_phrase('主动公开政府信息情况')}")
#: 表三: the header's printed rule, the column group, or the first row label (with 数量, unlike prose).
T3_MARK = re.compile(
    rf"{fuzzy_phrase('勾稽关系')}|{fuzzy_phrase('申请人情况')}|{fuzzy_phrase('本年新收政府信息公开申请数量')}"
)
T3_TITLE = re.compile(rf"{SECTION_NUMBER}\s*{fuzzy_phrase('收到和处理政府信息公开申请')}")
#: 表四: its title or header ("行政复议", also the typo "行政法复议").
T4_MARK = re.compile(r"行\s*政\s*\S?\s*复\s*议")
#: After 表四: section 五 (or 六) starts.
T4_END = re.compile(
    rf"{fuzzy_phrase('存在的主要问题')}|{fuzzy_phrase('主要问题')}|{fuzzy_phrase('其他需要报告的事项')}"
    rf"|{fuzzy_phrase('改进情况')}"
)

# ---------------------------------------------------------------------------------------------------------
# Fingerprints of the template eras (format-spec §0 and appendix B), searched inside the tables only.

V2021_T2_MARKS = tuple(fuzzy_phrase(p) for p in ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额"))
_V2019_T2_PHRASES = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "其他对外管理服务事项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
)
V2019_T2_MARKS = (
    *(fuzzy_phrase(p) for p in _V2019_T2_PHRASES),
    rf"{fuzzy_phrase('第二十条')}\s*第?\s*\(?\s*九\s*\)?\s*项",
)
V2021_T3_MARKS = (fuzzy_phrase("逾期不补正"), fuzzy_phrase("未按收费通知"))
T3_CORE_MARKS = (fuzzy_phrase("本年新收"), fuzzy_phrase("予以公开"), fuzzy_phrase("结转下年"))
