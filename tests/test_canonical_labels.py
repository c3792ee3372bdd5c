"""Label matching: the ways real text prints row labels, hints, numbering and table boundaries."""

from __future__ import annotations

from pipelines.canonical import numbers
from pipelines.canonical.extract import TableCells, extract_cells
from pipelines.documents.model import Row
from pipelines.documents.text import read_text
from tests.conftest import SEED
from tests.test_canonical_splitting import T3_LABELS_V2021, TAIL, crawled_report, values


def replace(rows: list[Row], old: str, new: str) -> list[Row]:
    body = rows[1].cells[0]
    assert old in body, old
    return [rows[0], Row((body.replace(old, new),), rows[1].locator)]


def test_spaces_inside_labels_are_ignored() -> None:
    rows = crawled_report({"granted": "710000071", "denied_internal_affairs": "320000032"})
    rows = replace(rows, "三、本年度办理结果", "三、本年度办 理结果 ")
    rows = replace(rows, "社会公益组织法律服务机构", "社会公益 组织 法律服务 机构 ")
    rows = replace(rows, "5.属于三类内部事务信息", "5.属于三类内部 事务信息 ")
    tables = extract_cells(rows)
    assert values(tables, "granted") == [71, 0, 0, 0, 0, 0, 71]
    assert values(tables, "denied_internal_affairs") == [32, 0, 0, 0, 0, 0, 32]


def test_row_numbering_glued_to_the_previous_values_belongs_to_the_label() -> None:
    # "…00000003.危及…": seven zeros for row 2, then the label "3.危及“三安全一稳定”".
    tables = extract_cells(crawled_report({"denied_law_prohibited": "0000000", "denied_state_secret": "4000004"}))
    assert values(tables, "denied_state_secret") == [4, 0, 0, 0, 0, 0, 4]
    assert values(tables, "denied_law_prohibited") == [0] * 7
    assert values(tables, "denied_three_safeties_one_stability") == [0] * 7


def test_heading_typo_and_spaced_t4() -> None:
    rows = crawled_report(t4=" 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0 ")
    rows = replace(rows, "四、政府信息公开行政复议", "四、政府信息公开行政法复议")
    tables = extract_cells(rows)
    assert values(tables, "t4") == [0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_numbered_title_of_the_next_table_is_not_a_value() -> None:
    rows = crawled_report({"carried_forward_out": "1 0 0 0 0 0 1"})
    rows = replace(rows, "四、政府信息公开行政复议", "4.政府信息公开行政复议")
    tables = extract_cells(rows)
    assert values(tables, "carried_forward_out") == [1, 0, 0, 0, 0, 0, 1]
    assert not any("values for" in error for error in tables.errors)


def test_preface_and_narrative_before_the_tables_are_never_read_as_tables() -> None:
    narrative = "本年新收政府信息公开申请5件，上年结转2件，行政复议3件。主动公开政府信息情况良好，规章1件。"
    tables = extract_cells(crawled_report(narrative=narrative))
    assert values(tables, "new_received") == [0] * 7
    assert values(tables, "t4") == [0] * 15
    assert tables.cells["t2.rules.issued"].value == 0
    assert tables.errors == []


def test_t2_labels_glued_to_values_and_the_narrative_tie_break() -> None:
    narrative = "设立规范性文件库，集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"
    tables = extract_cells(crawled_report(t2={"docs": "8855698"}, narrative=narrative))
    assert [tables.cells[f"t2.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [88, 55, 698]
    note = tables.cells["t2.normative_docs.repealed"].note or ""
    assert "narrative tie-break" in note and "698件" in note


def test_t2_without_narrative_support_stays_ambiguous_with_candidates() -> None:
    tables = extract_cells(crawled_report(t2={"docs": "5845546"}))
    cell = tables.cells["t2.normative_docs.in_force"]
    assert (cell.status, cell.value) == (numbers.AMBIGUOUS, None)
    assert (58, 45, 546) in cell.candidates
    assert cell.raw == "5845546"
    # the narrative states only one column: that one is settled, the other two stay open
    partly = extract_cells(
        crawled_report(t2={"docs": "6233440"}, narrative="动态更新发布本年度制发行政规范性文件62件。")
    )
    assert partly.cells["t2.normative_docs.issued"].value == 62
    assert partly.cells["t2.normative_docs.in_force"].status == numbers.AMBIGUOUS
    assert (62, 33, 440) in partly.cells["t2.normative_docs.in_force"].candidates


def test_narrative_about_information_items_is_not_a_table_fact() -> None:
    narrative = "全年公开规范性文件类信息58条，制发规范性文件相关信息45条。"
    tables = extract_cells(crawled_report(t2={"docs": "5845546"}, narrative=narrative))
    assert tables.cells["t2.normative_docs.issued"].status == numbers.AMBIGUOUS


def test_single_value_money_row_with_many_decimals() -> None:
    tables = extract_cells(crawled_report(t2={"fees": "4166.241619"}))
    cell = tables.cells["t2.admin_fees.amount_wan_yuan"]
    assert (cell.value, cell.status) == (4166.241619, numbers.NUMBER)


# ---------------------------------------------------------------------------------------------------------
# The 2019 template, with Hubei-style hints inside labels and a negative change.

V2019_BODY = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
    "规章0 0 0规范性文件12 10 58"
    "第二十条第（五）项信息内容上一年项目数量(指2019年事项数)本年增/减处理决定数量(指2020年办件量)"
    "行政许可{licensing}其他对外管理服务事项(含2项公共服务)10 0 153"
    "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚2648 0 430行政强制126 -2 25"
    "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费35 0"
    "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购{procurement}"
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量230 000023二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果（一）予以公开7000007（二）部分公开（区分处理的，只计这一情形，不计其他情形）1000001"
    "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
    "4.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息0000000"
    "7.属于行政执法案卷00000008.属于行政查询事项0000000"
    "（四）无法提供1.本机关不掌握相关政府信息70000072.没有现成信息需要另行制作0000000"
    "3.补正后申请内容仍不明确5000005（五）不予处理1.信访举报投诉类申请00000002.重复申请3000003"
    "3.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000"
    "（六）其他处理0 0 0 0 0 00（七）总计23 0 00 0 023四、结转下年度继续办理 0 0 00 00 0 "
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉"
    "复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计000000000000000 " + TAIL
)


def v2019(licensing: str = "396 0 181", procurement: str = "135 75394432.52元", narrative: str = "") -> TableCells:
    body = "本报告包括总体情况、主动公开政府信息情况等六个部分。" + narrative
    body += V2019_BODY.format(licensing=licensing, procurement=procurement)
    return extract_cells([Row(("某区2019年政府信息公开工作年度报告",), "line 1"), Row((body,), "line 2")])


def test_v2019_hints_inside_labels_are_not_values() -> None:
    tables = v2019()
    assert tables.template == "v2019"
    licensing = [tables.cells[f"t2.licensing.{c}"].value for c in ("items_prev_year", "items_change", "decisions")]
    assert licensing == [396, 0, 181]
    services = [tables.cells[f"t2.other_services.{c}"].value for c in ("items_prev_year", "items_change", "decisions")]
    assert services == [10, 0, 153]
    assert tables.cells["t2.coercion.items_change"].value == -2
    assert tables.cells["t2.coercion.items_change"].note is None  # negative is allowed here
    assert not any("values for" in error for error in tables.errors), tables.errors


def test_v2019_money_in_yuan_is_stored_in_wan_yuan() -> None:
    cell = v2019().cells["t2.central_procurement.amount"]
    assert cell.value == 7539.443252
    assert cell.unit_raw == "元"
    assert "converted from 元" in (cell.note or "")


def test_v2019_run_together_negative_change_resolved_by_the_narrative() -> None:
    open_ = v2019(licensing="396-8181")
    assert open_.cells["t2.licensing.items_prev_year"].value == 396  # every reading starts with 396
    assert open_.cells["t2.licensing.items_change"].status == numbers.AMBIGUOUS
    told = v2019(licensing="396-8181", narrative="全年办理行政许可事项181件。")
    licensing = [told.cells[f"t2.licensing.{c}"].value for c in ("items_prev_year", "items_change", "decisions")]
    assert licensing == [396, -8, 181]


def test_v2019_run_together_money_stays_ambiguous_without_support() -> None:
    tables = v2019(procurement="13575394432.52元")
    amount = tables.cells["t2.central_procurement.amount"]
    assert amount.status == numbers.AMBIGUOUS
    assert (135, 7539.443252) in amount.candidates  # candidates are in the cell's unit (万元)


def test_v2019_table_three_single_other_row_and_spaced_runs() -> None:
    tables = v2019()
    assert values(tables, "new_received") == [23, 0, 0, 0, 0, 0, 23]
    assert values(tables, "other_total") == [0] * 7
    assert values(tables, "total_processed") == [23, 0, 0, 0, 0, 0, 23]
    assert values(tables, "carried_forward_out") == [0] * 7
    assert values(tables, "unavailable_unclear") == [5, 0, 0, 0, 0, 0, 5]


# ---------------------------------------------------------------------------------------------------------
# Cell-per-cell layouts (tabs): placeholders, blank cells, "1、" numbering, a v2021 report with a single （六） row.


def tabbed(lines: list[str]) -> TableCells:
    return extract_cells([Row(tuple(line.split("|")), f"line {n}") for n, line in enumerate(lines, start=1)])


TABBED_T2 = [
    "某局2023年政府信息公开工作年度报告",
    "二、主动公开政府信息情况",
    "第二十条第（一）项",
    "信息内容|本年制发件数|本年废止件数|现行有效件数",
    "规章|—|—|—",
    "行政规范性文件|8||18",
    "第二十条第（五）项",
    "信息内容|本年处理决定数量",
    "行政许可|无",
    "第二十条第（六）项",
    "信息内容|本年处理决定数量",
    "行政处罚|1,234",
    "行政强制|/",
    "第二十条第（八）项",
    "信息内容|本年收费金额（单位：万元）",
    "行政事业性收费|180000元",
]


def test_placeholders_and_units_in_cells() -> None:
    t3 = ["三、收到和处理政府信息公开申请情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    t3 += [
        "|一、本年新收政府信息公开申请数量|2|0|0|0|0|0|2",
        "（六）其他处理|1、申请人无正当理由逾期不补正|0|0|0|0|0|0|0",
    ]
    tables = tabbed(TABBED_T2 + t3)
    cells = tables.cells
    assert tables.template == "v2021"
    assert [cells[f"t2.rules.{c}"].status for c in ("issued", "repealed", "in_force")] == [numbers.DASH] * 3
    docs = [cells[f"t2.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")]
    assert [(c.value, c.status) for c in docs] == [(8, numbers.NUMBER), (None, numbers.BLANK), (18, numbers.NUMBER)]
    assert (cells["t2.licensing.decisions"].value, cells["t2.licensing.decisions"].status) == (None, numbers.NONE_TEXT)
    assert cells["t2.penalty.decisions"].value == 1234
    assert cells["t2.coercion.decisions"].status == numbers.SLASH
    fee = cells["t2.admin_fees.amount_wan_yuan"]
    assert (fee.value, fee.unit_raw) == (18, "元")
    assert values(tables, "new_received") == [2, 0, 0, 0, 0, 0, 2]
    assert values(tables, "other_no_correction") == [0] * 7


def test_v2021_report_printing_other_handling_as_one_row() -> None:
    """淮安洪泽 2023: 表二 on v2021, but （六）其他处理 printed as a single row: its sub-rows are not printed."""
    t3 = [
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "|一、本年新收政府信息公开申请数量|0|0|0|0|0|0|0",
        "|5.要求行政机关确认或重新出具已获取信息|0|0|0|0|0|0|0",
        "|（六）其他处理|3|0|0|0|0|0|3",
        "|（七）总计|3|0|0|0|0|0|3",
        "四、结转下年度继续办理||0|0|0|0|0|0|0",
    ]
    tables = tabbed(TABBED_T2 + t3)
    assert tables.template == "v2021"
    assert values(tables, "not_processed_confirm_reissue") == [0] * 7
    assert all(tables.cells[f"t3.other_other.{c}"].status == numbers.MISSING for c in ("natural_person", "total"))
    assert values(tables, "total_processed") == [3, 0, 0, 0, 0, 0, 3]


# ---------------------------------------------------------------------------------------------------------
# Blank cells at a row's edge (Shanghai 2019 left most 总计 cells blank): printed blanks, never padding.


def seed_with(old: str, new: str) -> TableCells:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    return extract_cells(read_text(SEED.name, text.replace(old, new)).rows)


def test_blank_total_is_a_printed_blank_not_a_reason_to_resplit() -> None:
    tables = seed_with(
        "\t\t5. 属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0", "\t\t5. 属于三类内部事务信息\t9\t0\t10\t0\t0\t0\t"
    )
    assert values(tables, "denied_internal_affairs") == [9, 0, 10, 0, 0, 0, None]
    assert tables.cells["t3.denied_internal_affairs.total"].status == numbers.BLANK


def test_blank_total_after_a_label_spanning_two_cells() -> None:
    tables = seed_with(
        "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0",
        "一、本年新收政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t",
    )
    assert values(tables, "new_received") == [3, 0, 0, 0, 0, 0, None]


def test_blank_first_value_after_a_label_spanning_two_cells() -> None:
    tables = seed_with(
        "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0",
        "一、本年新收政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t3",
    )
    assert values(tables, "new_received") == [None, 0, 0, 0, 0, 0, 3]


def test_blank_last_cell_of_a_table_two_row() -> None:
    tables = seed_with("规章\t0\t0\t0", "规章\t12\t0\t")
    assert [tables.cells[f"t2.rules.{c}"].value for c in ("issued", "repealed", "in_force")] == [12, 0, None]


# ---------------------------------------------------------------------------------------------------------
# 表三 whose value rows have come apart from their labels (PDF→Markdown, 上海市科委 2024).

T3_PREFIX = [
    "三、收到和处理政府信息公开申请情况",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
]


def detached_t3(swap: bool = False) -> TableCells:
    """Rows 2.其他法律… and 5.内部事务… print their values alone, their labels float after them."""
    lines = [*TABBED_T2, *T3_PREFIX]
    for row, label in T3_LABELS_V2021:
        value = (
            "1|0|0|0|0|0|1" if row in {"denied_internal_affairs", "new_received", "total_processed"} else "0|" * 6 + "0"
        )
        if row in {"denied_law_prohibited", "denied_internal_affairs"}:
            lines += [value, label]  # value row first, its label text loose after it
        else:
            lines.append(f"{label}|{value}")
    if swap:  # a labelled row out of template order: positions cannot be trusted
        lines[-1], lines[-2] = lines[-2], lines[-1]
    return tabbed(lines)


def test_value_rows_without_labels_are_assigned_by_position() -> None:
    tables = detached_t3()
    assert values(tables, "denied_law_prohibited") == [0] * 7
    assert values(tables, "denied_internal_affairs") == [1, 0, 0, 0, 0, 0, 1]
    assert values(tables, "denied_process_info") == [0] * 7
    assert "assigned by its position" in (tables.cells["t3.denied_internal_affairs.total"].note or "")


def test_position_is_not_used_when_a_labelled_row_is_out_of_place() -> None:
    tables = detached_t3(swap=True)
    assert "assigned by its position" not in (tables.cells["t3.denied_internal_affairs.total"].note or "")
