"""Legacy extraction on small texts written here: one sentence pattern or one 统计表 layout per test.

The corpus tests show the whole procedure works on real reports; these pin down each rule on its own, so a
regression names the rule it broke: a prose phrase and its decoys, a run-together table line and how its
digits are cut into 年度 | 历年累计, a table kept as cells, conflicts, and template detection.
"""

from __future__ import annotations

import pytest

from pipelines.canonical.legacy import (
    APPROX,
    EXACT,
    LegacyExtraction,
    extract_legacy,
    is_legacy,
    mapping_quality,
)
from pipelines.documents.model import Row


def _lines(*lines: str) -> list[Row]:
    """Rows as a text reader gives them: one per line, cells split at tabs."""
    return [Row(tuple(line.split("\t")), f"line {number}") for number, line in enumerate(lines, start=1)]


def _read(*lines: str) -> LegacyExtraction:
    return extract_legacy(_lines(*lines))


def _values(extraction: LegacyExtraction) -> dict[str, int | float | None]:
    return {key: cell.value for key, cell in extraction.cells.items()}


# --- prose ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("2013年，全年共主动公开政府信息1913条。", "legacy.active.items_total", 1913),
        ("2014年主动公开政府信息 2543条。", "legacy.active.items_total", 2543),
        ("2013年新增主动公开政府信息45条。", "legacy.active.items_total", 45),
        ("全年共受理政府信息公开申请12件。", "t3.new_received.total", 12),
        ("2013年全县共收到有关政府信息公开的申请7条。", "t3.new_received.total", 7),
        ("2016年全区未收到有关政府信息公开申请。", "t3.new_received.total", 0),
        ("其中同意公开5件。", "t3.granted.total", 5),
        ("同意公开答复数2条。", "t3.granted.total", 2),
        ("同意部分公开2件。", "t3.partially_granted.total", 2),
        ("不予公开1件。", "legacy.requests.denied_total", 1),
        ("我局无不予公开政府信息情况。", "legacy.requests.denied_total", 0),
        ("对依申请公开的答复总数3条。", "t3.total_processed.total", 3),
        ("网上申请数3条。", "legacy.requests.channel.online", 3),
        ("收到有关政府信息公开的信函申请1条。", "legacy.requests.channel.letter", 1),
        ("当面申请2件。", "legacy.requests.channel.in_person", 2),
        ("按时办结12件。", "legacy.requests.on_time", 12),
        ("延期办结1件。", "legacy.requests.extended", 1),
        ("依申请公开政府信息未收取任何费用。", "legacy.fees.request_fees_wan_yuan", 0),
        ("2014年我区各级工作部门依申请提供政府信息暂不收费。", "legacy.fees.request_fees_wan_yuan", 0),
        ("因依申请公开收取检索、复制费用200元。", "legacy.fees.request_fees_wan_yuan", 0.02),
        ("我局收到以有关政府信息公开行政复议0件。", "t4.review.total", 0),
        ("行政复议0件。", "t4.review.total", 0),
        ("收到1份有关政府信息公开行政复议申请已及时处理。", "t4.review.total", 1),
        ("未收到有关政府信息公开行政复议申请。", "t4.review.total", 0),
        ("发生政府信息公开行政诉讼2起。", "t4.suit_total.total", 2),
        ("因政府信息公开工作被举报投诉3件。", "legacy.complaints.total", 3),
        ("未收到针对政府信息公开工作的举报投诉。", "legacy.complaints.total", 0),
        ("兼职人员1人。", "legacy.org.staff_part_time", 1),
        ("我局没有从事政府信息公开工作的全职人员。", "legacy.org.staff_full_time", 0),
        ("全年举办政府信息公开培训班3期。", "legacy.training.courses", 3),
        ("参加培训人员120人次。", "legacy.training.trainees", 120),
        ("召开政府信息公开工作会议2次。", "legacy.training.meetings", 2),
    ],
)
def test_sentence_states_one_key(sentence: str, key: str, value: float) -> None:
    extraction = _read(sentence)
    cell = extraction.cells[key]
    assert cell.value == pytest.approx(value)
    assert (cell.source, cell.status, cell.locator) == ("narrative", "number", "line 1")
    assert cell.mapping_quality == mapping_quality(key)


def test_no_review_or_suit_both_zero() -> None:
    values = _values(_read("2016年我区未收到有关政府信息公开行政复议、提起行政诉讼的申请。"))
    assert values == {"t4.review.total": 0, "t4.suit_total.total": 0}


def test_no_applications_and_a_review_in_one_sentence() -> None:
    """A review application is not an information request: each clause speaks of its own key."""
    values = _values(_read("2013年全区未收到有关政府信息公开的申请，收到1份有关政府信息公开行政复议申请已及时处理。"))
    assert values == {"t3.new_received.total": 0, "t4.review.total": 1}


def test_sub_unit_counts_and_information_item_counts_are_not_totals() -> None:
    values = _values(
        _read(
            "2011年制作、获取政府信息总数1873条，其中主动公开政府信息425条，作为依申请公开信息数46条，"
            "不予公开信息数1402。主动公开的政府信息，县直各单位主动公开政府信息303条，"
            "各乡镇主动公开政府信息122条。在互联网上，县政府公开办主动公开信息数为62条。"
        )
    )
    assert values == {"legacy.active.items_total": 425}


@pytest.mark.parametrize(
    "sentence",
    [
        "通过门户网站公开政府信息3636条。",  # 重点领域 count, not 主动公开
        "因未发生政府信息公开申请，故不存在政府信息答复处理情况。",  # gives no 同意公开 figure
        "2013年用于税收宣传、设立和更新公开栏等产生的政府信息公开费用1万元。",  # the agency's own spending
        "解答纳税人咨询达3000多人次，零投诉。",  # approvals, not 信息公开 complaints
        "依托12345便民服务平台，截至目前共收到15564件咨询投诉件。",
        "在办税服务大厅内设立了资料索取点，印发放置了免费的政务公开手册。",
        "本报告由概述、主动公开政府信息情况、政府信息依申请公开工作情况、收费及减免情况共五个部分组成。",
    ],
)
def test_decoys_are_not_read(sentence: str) -> None:
    values = _values(_read(sentence))
    assert set(values) <= {"t3.new_received.total"}, values
    assert "t3.granted.total" not in values


def test_first_statement_wins_and_a_later_different_one_is_warned() -> None:
    extraction = _read("2014年主动公开政府信息2543条。", "全年主动公开政府信息2600条。")
    assert extraction.cells["legacy.active.items_total"].value == 2543
    assert any("2600" in warning for warning in extraction.warnings)


# --- the 统计表 as run-together text ------------------------------------------------------------------------

_FLAT_HEADER = "附件1：某县人民政府2013年政府信息公开情况统计表 指标名称计量单位2013年度历年累计"


def test_run_together_line_is_cut_by_the_tables_sums() -> None:
    """No prose figure: 425 | 1516 is the only cut under which 网站 + 公报 = 主动公开 in both columns."""
    extraction = _read(
        _FLAT_HEADER + "主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77行政复议数条00"
    )
    active = extraction.cells["legacy.active.items_total"]
    assert (active.value, active.raw, active.source) == (425, "4251516", "table")
    assert "the table's sums" in (active.note or "")
    assert active.candidates == [(4, 251516), (42, 51516), (425, 1516)]
    assert extraction.cells["legacy.active.channel.website"].value == 418  # "41815092." ends with the next "2."
    assert extraction.cells["legacy.active.channel.gazette"].value == 7
    assert extraction.cumulative["legacy.active.items_total"].value == 1516
    assert extraction.cells["t4.review.total"].value == 0
    assert extraction.warnings == []


def test_channels_and_answers_sum_to_their_totals() -> None:
    extraction = _read(
        _FLAT_HEADER + "受理依申请公开信息总数条728其中：1.当面申请数条0152.网上申请数条4103.信函申请数条33"
        "对申请的答复数条324其中：1.同意公开答复数条2192.同意部分公开答复数条133.否决公开答复数条02"
    )
    assert _values(extraction) == {
        "t3.new_received.total": 7,
        "legacy.requests.channel.in_person": 0,
        "legacy.requests.channel.online": 4,
        "legacy.requests.channel.letter": 3,
        "t3.total_processed.total": 3,
        "t3.granted.total": 2,
        "t3.partially_granted.total": 1,
        "legacy.requests.denied_total": 0,
    }
    assert extraction.cumulative["legacy.requests.channel.in_person"].value == 15


def test_prose_figure_breaks_a_tie_the_sums_cannot() -> None:
    extraction = _read(
        "2016年全区主动公开政府信息3460条。",
        "七、统计表 指标名称计量单位2016年度历年累计主动公开文件数条346085376其中：1、政府网站公开数条346085376"
        "2、政府公报公开数条00",
    )
    active = extraction.cells["legacy.active.items_total"]
    assert active.value == 3460 and "the figure the text states" in (active.note or "")
    assert extraction.cells["legacy.active.channel.website"].value == 3460  # then by the sums
    assert extraction.conflicts == []


def test_unresolved_cut_falls_back_to_the_longest_year_and_says_so() -> None:
    extraction = _read(_FLAT_HEADER + "主动公开信息数条17135017受理依申请公开信息总数条00")
    active = extraction.cells["legacy.active.items_total"]
    assert active.value == 1713
    assert active.candidates == [(1, 7135017), (17, 135017), (171, 35017), (1713, 5017)]
    assert any("17135017" in warning for warning in extraction.warnings)


def test_spaced_table_with_one_missing_cell_keeps_the_columns() -> None:
    extraction = _read(
        "平潭综合实验区政府信息公开情况统计表 指标名称 计量单位 2013年度 历年累计 主动公开信息数 条 72804 76424 "
        "其中：1、网站公开 条 72804 76424 2、政府公报公开 条 0 受理依申请公开信息总数 条 0 0 行政复议数 件 0 0 "
        "行政申诉、举报数 件 0 0 附件下载"
    )
    values = _values(extraction)
    assert values["legacy.active.channel.gazette"] == 0
    assert "legacy.active.channel.gazette" not in extraction.cumulative
    assert values["t3.new_received.total"] == 0
    assert extraction.cumulative["legacy.active.items_total"].value == 76424
    # the combined 行政申诉、举报 row: 0 means no 举报 either; 行政申诉 alone would not be a complaint
    assert values["legacy.complaints.appeals_and_reports"] == 0
    assert values["legacy.complaints.total"] == 0


def test_table_fee_row_in_yuan_and_nothing_charged() -> None:
    extraction = _read(_FLAT_HEADER + "政府信息公开收费减免金额元00接受行政诉讼、举报数件00行政复议数件00")
    fees = extraction.cells["legacy.fees.request_fees_wan_yuan"]
    assert fees.value == 0 and "nothing was charged" in (fees.note or "")
    assert extraction.cells["legacy.fees.fees_and_waivers_wan_yuan"].unit_raw == "元"


def test_non_zero_combined_rows_are_not_split() -> None:
    extraction = _read(
        "统计表 指标名称 计量单位 2015年度 历年累计 政府信息公开收费减免金额 元 300 500 接受行政诉讼、举报数 件 2 3"
    )
    assert extraction.cells["legacy.fees.fees_and_waivers_wan_yuan"].value == pytest.approx(0.03)
    assert extraction.cells["legacy.complaints.appeals_and_reports"].value == 2
    assert "legacy.fees.request_fees_wan_yuan" not in extraction.cells
    assert "legacy.complaints.total" not in extraction.cells


def test_header_words_and_label_hints_are_not_values() -> None:
    """The 2014 national table's rows, one label with a bracketed hint holding a digit."""
    extraction = _read(
        "统计表 指标名称 计量单位 本年 历年累计 主动公开政府信息数（不同渠道和方式公开相同信息计1条） 条 120 900 "
        "其中：主动公开规范性文件数 条 8 40 收到申请数 件 5 30 不同意公开答复数 件 1 4 "
        "依申请公开信息收取的费用 万元 0 0 举报投诉数量 件 0 0 行政复议数量 件 1 2 行政诉讼数量 件 0 1"
    )
    assert _values(extraction) == {
        "legacy.active.items_total": 120,
        "legacy.active.normative_docs_published": 8,
        "t3.new_received.total": 5,
        "legacy.requests.denied_total": 1,
        "legacy.fees.request_fees_wan_yuan": 0,
        "legacy.complaints.total": 0,
        "t4.review.total": 1,
        "t4.suit_total.total": 0,
    }


def test_prose_after_a_flattened_table_is_not_read_as_rows() -> None:
    extraction = _read(
        _FLAT_HEADER + "行政复议数条00",
        "五、其他需要报告的事项 本年度各单位认真贯彻落实条例要求，不断完善工作机制，并将继续加强培训，"
        "确保各项工作落到实处，行政诉讼数条34",
    )
    assert _values(extraction) == {"t4.review.total": 0}


# --- the 统计表 as cells ------------------------------------------------------------------------------------


def test_cells_table_reads_the_year_column_by_position() -> None:
    extraction = _read(
        "2014年主动公开政府信息2500条。",
        "指标名称\t计量单位\t2014年度\t历年累计",
        "主动公开文件数\t条\t2543\t78967",
        "其中：1、政府网站公开数\t条\t2543\t",
        "受理依申请公开信息总数\t条\t\t1",
        "某个本地新增指标\t条\t3\t3",
        "行政复议数\t件\t0\t0",
        "附件下载",
    )
    active = extraction.cells["legacy.active.items_total"]
    assert (active.value, active.raw, active.locator) == (2543, "2543", "line 3")
    assert extraction.cumulative["legacy.active.items_total"].value == 78967
    assert extraction.cumulative["legacy.active.channel.website"].status == "blank"
    (conflict,) = extraction.conflicts
    assert (conflict.key, conflict.table_value, conflict.narrative_value) == ("legacy.active.items_total", 2543, 2500)
    assert conflict.table_locator == "line 3" and conflict.narrative_locator == "line 1"
    assert conflict.table_raw == "主动公开文件数 | 条 | 2543 | 78967"
    blank = extraction.cells["t3.new_received.total"]  # printed blank: kept as such, never 0
    assert (blank.value, blank.status, blank.source) == (None, "blank", "table")
    assert extraction.unmapped_rows == ["某个本地新增指标 (line 6)"]
    assert extraction.table_found and extraction.table_locator == "line 2"


def test_blank_table_cell_is_filled_from_the_prose_and_says_so() -> None:
    extraction = _read(
        "全年共受理政府信息公开申请4件。",
        "指标名称\t计量单位\t本年\t历年累计",
        "受理依申请公开信息总数\t件\t\t9",
    )
    cell = extraction.cells["t3.new_received.total"]
    assert (cell.value, cell.source) == (4, "narrative")
    assert "blank" in (cell.note or "")
    assert extraction.conflicts == []


def test_mapping_quality_and_provenance() -> None:
    assert mapping_quality("t3.granted.total") == APPROX
    assert mapping_quality("t4.suit_total.total") == APPROX
    assert mapping_quality("legacy.fees.request_fees_wan_yuan") == EXACT
    cell = _read("2013年新增主动公开政府信息45条。").cells["legacy.active.items_total"]
    provenance = cell.as_provenance()
    assert provenance["mapping_quality"] == EXACT and provenance["source"] == "narrative"
    assert provenance["raw"] == "2013年新增主动公开政府信息45条"


# --- template detection -----------------------------------------------------------------------------------


def test_is_legacy() -> None:
    assert is_legacy(_lines("三、政府信息依申请公开工作情况", "2011年全县未收到有关政府信息公开的申请。"))
    assert is_legacy(_lines("四、政府信息公开的收费及减免情况", "依申请提供政府信息暂不收费。"))
    assert is_legacy(_lines("政府信息公开情况统计表", "指标名称\t计量单位\t2013年度\t历年累计"))
    assert not is_legacy(
        _lines(
            "二、主动公开政府信息情况",
            "第二十条第（一）项\t规章\t0\t0\t5",
            "依申请公开工作情况",
        )
    )
    assert not is_legacy(_lines("三、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量\t10", "依申请公开"))
    assert not is_legacy(_lines("三、收到和处理政府信息公开申请情况", "依申请公开工作规范有序。"))
    assert not is_legacy(_lines("2013年财政预算执行情况", "收入同比增长5%"))
    assert not is_legacy([])
    assert extract_legacy([]).cells == {}


def test_running_totals_over_the_years_are_not_the_years_figure() -> None:
    values = _values(_read("通过门户网站累计主动公开政府信息7700条，历年累计受理政府信息公开申请28件。"))
    assert values == {}


def test_spaced_table_one_row_per_line() -> None:
    extraction = _read(
        "政府信息公开情况统计表",
        "指标名称 计量单位 2012年度 历年累计",
        "主动公开信息数 条 739 4359",
        "其中：1、网站公开 条 739 4359",
        "2、政府公报公开 条 0 0",
        "行政诉讼数 件",
        "附件下载 扫一扫在手机上查看当前页面 2013年1月",
    )
    assert _values(extraction) == {
        "legacy.active.items_total": 739,
        "legacy.active.channel.website": 739,
        "legacy.active.channel.gazette": 0,
        "t4.suit_total.total": None,
    }
    assert extraction.cells["t4.suit_total.total"].status == "missing"
    assert extraction.cells["legacy.active.items_total"].locator == "line 3"
    same_line = _read(_FLAT_HEADER + "行政复议数条00行政诉讼数 件 附件下载 扫一扫在手机上查看 2013年1月")
    assert _values(same_line) == {"t4.review.total": 0, "t4.suit_total.total": None}
