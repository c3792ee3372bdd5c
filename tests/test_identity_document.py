"""Facts read from a report's lines: statistics period, publication date, codes, scope, report or not."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.identity.document import (
    classify,
    crawler_header,
    find_publication_date,
    find_scope,
    find_statistics_period,
    index_number,
    is_valid_uscc,
    organisation_code,
    parse_uscc,
    publication_date,
    scope,
    signed_date,
    site_id,
    statistics_period,
    uscc,
    uscc_check_char,
)

# --- statistics period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "period"),
    [
        (["本报告所列数据统计期限为2023年1月1日至12月31日。"], (date(2023, 1, 1), date(2023, 12, 31))),
        (["本报告所列数据统计期限自2011年1月1日起至2011年12月31日。"], (date(2011, 1, 1), date(2011, 12, 31))),
        (["统计期限自2018年1月1日起至2018年12月31日止。"], (date(2018, 1, 1), date(2018, 12, 31))),
        (["本报告中所列数据统计时限为2022年1月1日至2022年12月31日。"], (date(2022, 1, 1), date(2022, 12, 31))),
        # 上海市科委 2024 (markdown from a PDF): "统计周期" across a line break, spaced digits
        (
            ["部分, 并附相关指标统计表。本年度报告中所列数据的统计周期", "为 2024 年 1 月 1 日至 12 月 31 日。"],
            (date(2024, 1, 1), date(2024, 12, 31)),
        ),
        # 淮安市洪泽区 2023 (PDF): the sentence wraps between the two dates
        (
            [
                "要求编制此报告。报告中所列数据统计期限自 2023 年 1 月 1 日",
                "起至 2023 年 12 月 31 日止。如对本报告有疑问",
            ],
            (date(2023, 1, 1), date(2023, 12, 31)),
        ),
        (["本报告所列数据统计期限为２０２１年１月１日至１２月３１日。"], (date(2021, 1, 1), date(2021, 12, 31))),
        (["本报告所列数据统计期限为2020年度。"], (date(2020, 1, 1), date(2020, 12, 31))),
    ],
)
def test_statistics_period(lines: list[str], period: tuple[date, date]) -> None:
    assert statistics_period(lines) == period
    assert find_statistics_period(lines).full_year


def test_unfilled_period_is_none_with_a_reason() -> None:
    """平潭县人民政府 2013: the template sentence was published without its dates."""
    lines = ["…公布2013年度政府信息公开年度报告。本报告所列数据统计期限自至。如对本报告有任何疑问…"]
    assert statistics_period(lines) is None
    found = find_statistics_period(lines)
    assert found.reason is not None and "统计期限自至" in found.reason and "unfilled" in found.reason


def test_partial_year_is_read_and_flagged() -> None:
    """咸宁人防办 2018 counted only to 12月14日 (format-spec §9.2)."""
    found = find_statistics_period(["本报告统计期限为2018年1月1日至2018年12月14日。"])
    assert (found.start, found.end) == (date(2018, 1, 1), date(2018, 12, 14))
    assert not found.full_year


def test_impossible_or_missing_period() -> None:
    assert find_statistics_period(["统计期限为2023年2月30日至12月31日"]).reason == (
        "the statistics period's dates are impossible"
    )
    missing = find_statistics_period(["2023年，德归镇坚持以习近平新时代中国特色社会主义思想为指导"])
    assert missing.start is None and missing.reason is not None and "no statistics-period" in missing.reason


# --- publication date ------------------------------------------------------------------------------------

CRAWLED = """标题: 平潭综合实验区2024年度政府信息公开工作年度报告
发布时间: 2025-03-10 15:35
文号:
发布机构: 平潭综合实验区管委会办公室
栏目: 政府信息公开年报
==================== 正文 ====================
本报告根据《中华人民共和国政府信息公开条例》等文件要求编制。"""


def test_crawler_header_is_read() -> None:
    header = crawler_header(CRAWLED)
    assert header["发布时间"] == "2025-03-10 15:35"
    assert header["发布机构"] == "平潭综合实验区管委会办公室"
    assert header["文号"] == ""
    assert crawler_header("本报告根据《条例》编制。\n一、总体情况") == {}


def test_publication_date_from_the_crawler_header() -> None:
    header = [f"{key}: {value}" for key, value in crawler_header(CRAWLED).items()]
    body = ["本报告根据《中华人民共和国政府信息公开条例》等文件要求编制。"]
    assert publication_date(body, header) == date(2025, 3, 10)


def test_publication_date_from_page_metadata() -> None:
    page = ["平潭综合实验区2024年度政府信息公开工作年度报告", "来源：平潭综合实验区管委会办公室时间：2025-03-10 15:35"]
    assert publication_date(page) == date(2025, 3, 10)
    table = ["索引号\t014314799/2024-00002\t分类\t信息公开年报", "发布机构\t沭阳县发展和改革局\t公开日期\t2024-01-17"]
    assert publication_date(table) == date(2024, 1, 17)


def test_capture_time_and_date_banner_are_not_publication_dates() -> None:
    page = ["采集时间：2025-12-30T21:37:37+08:00", "2025年12月30日 星期二", "…未发生收费情况。"]
    assert publication_date(page) is None


def test_signature_date_when_no_portal_date() -> None:
    ending = [
        "六、其他需要报告的事项",
        "2023年度，县发展和改革局政府信息公开未发生收费情况。",
        "沭阳县发展和改革局",
        "2024年1月20日",
    ]
    found = find_publication_date(ending)
    assert found is not None and (found.value, found.source) == (date(2024, 1, 20), "signature")


def test_signature_date_in_chinese_numerals_inside_run_together_text() -> None:
    """平潭县人民政府 2011: signed 二○一二年二月二十日, then the appended table, all on one line."""
    body = [
        "…将信息公开评议和考核工作常规化、日常化。 二○一二年二月二十日 附件1：平潭县人民政府2011年政府信息公开情况"
        "统计表"
    ]
    found = signed_date(body)
    assert found is not None and found.value == date(2012, 2, 20)


def test_portal_date_wins_over_signature_date() -> None:
    header = ["发布时间: 2012-04-18 00:00"]
    body = ["…日常化。 二○一二年二月二十日 附件1：统计表"]
    found = find_publication_date(body, header)
    assert found is not None and (found.value, found.source) == (date(2012, 4, 18), "portal")


def test_a_date_ending_a_wrapped_pdf_line_is_not_a_signature() -> None:
    lines = ["要求编制此报告。报告中所列数据统计期限自 2023 年 1 月 1 日", "起至 2023 年 12 月 31 日止。"]
    assert signed_date(lines) is None


# --- registry codes --------------------------------------------------------------------------------------


def test_uscc_check_character() -> None:
    # Real codes cited in format-spec §10.1 (索引号 of 宁国市商务局; portal URL parameters).
    for code in ("11341702486344515H", "113325000026455663", "1137000000450226XC"):
        assert is_valid_uscc(code)
        assert uscc_check_char(code[:17]) == code[17]
    assert not is_valid_uscc("11341702486344515X")  # wrong check character
    assert not is_valid_uscc("11341702486344515")  # 17 characters
    assert uscc_check_char("1134170248634451I") is None  # I is not in the GB 32100 alphabet


def test_uscc_found_in_index_number_and_url_only_when_valid() -> None:
    assert uscc(["索引号：11341702486344515H/202110-00013"]) == "11341702486344515H"
    assert uscc(["http://example.gov.cn/xxgkAnnualReport.jsp?fbtime=2017&area=113325000026455663"]) == (
        "113325000026455663"
    )
    assert uscc(["索引号：11341702486344515X/202110-00013"]) is None
    assert uscc(["电话：0517-87222589 邮编 223100"]) is None


def test_uscc_parts_keep_the_registration_division_as_a_hint() -> None:
    parts = parse_uscc("11341702486344515H")
    assert parts is not None
    assert (parts.registration_dept, parts.category, parts.division_code, parts.org_code) == (
        "1",
        "1",
        "341702",  # not 宁国市's 341881: the registering authority's code, not the issuer's
        "486344515",
    )
    assert parse_uscc("11341702486344515X") is None


def test_organisation_code_from_an_index_number() -> None:
    """沭阳县发展和改革局: 索引号 014314799/2024-00002 starts with a valid GB 11714 organisation code."""
    lines = ["名称\t沭阳县发展和改革局2023年政府信息公开年度报告", "索引号\t014314799/2024-00002\t分类\t信息公开年报"]
    assert index_number(lines) == "014314799/2024-00002"
    assert organisation_code(lines) == "014314799"
    assert organisation_code(["索引号\t014314798/2024-00002"]) is None  # bad check digit
    assert organisation_code(["索引号：11341702486344515H/202110-00013"]) == "486344515"


def test_site_id_from_the_footer() -> None:
    assert site_id(["网站标识码：3590000001 公安备案号：35012899001-19002"]) == "3590000001"


# --- scope -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "preamble",
    [
        # 平潭县 2011
        "本报告主要根据《中华人民共和国政府信息公开条例》（以下简称《条例》）以及平潭县人民政府、平潭县各相关部门、"
        "平潭县各乡镇人民政府的政府信息公开年度报告编制，现公布2011年度政府信息公开年度报告。",
        # 平潭综合实验区 2022
        "本报告根据《条例》等文件要求，汇总平潭综合实验区各有关单位政府信息公开工作情况编制而成。",
        # 南平 2012 wording (format-spec §10.1)
        "本报告是在汇总各县(市、区)、市政府各有关部门政府信息公开年度报告的基础上编制而成。",
        # 丽水 2017 wording (format-spec §10.1)
        "本报告根据《条例》要求，综合丽水市各县(市、区)政府和市级各部门政府信息公开年度报告编制而成。",
    ],
)
def test_region_aggregate_from_preamble(preamble: str) -> None:
    lines = [preamble, "一、概述", "本年度，各部门……"]
    assert scope(lines) == "region_aggregate"
    assert find_scope(lines).evidence


def test_agency_by_default() -> None:
    lines = [
        "本报告由淮安市人民政府办公室根据《中华人民共和国政府",
        "信息公开条例》（国令第 711 号）（以下简称《条例》）规定编制。",
        "一、总体情况",
        "各部门汇总的数据……",  # after section 一: not the preamble
    ]
    assert scope(lines) == "agency"
    assert scope(["本报告由本局办公室汇总编制。", "一、总体情况"]) == "agency"  # compiled, not rolled up


# --- classification --------------------------------------------------------------------------------------

LETTER_TITLE = "关于2014年政府信息公开工作要点落实情况的函"
# Opening and closing of the letter that sits in 平潭's 年报 column (changwu/pingtan-gov-zwgk-archive, 201412/80787).
LETTER = [
    "当前位置： 首页政务公开政府信息公开政府信息公开年报 关于2014年政府信息公开工作要点落实情况的函 "
    "来源：平潭县人民政府 时间：2014-12-10 00:00 省政府办公厅： 根据《福建省人民政府办公厅关于做好2014年政府信息公开"
    "工作要点落实情况督查及政府信息公开工作年度报告有关事项的通知》（闽政办函〔2014〕130号）要求，现将我区2014年"
    "政府信息公开工作要点落实情况函告如下： 一、2014年政府信息公开工作情况 …… 二、存在问题及下一步工作计划 …… "
    "平潭综合实验区管委会办公室 2014年12月10日 附件下载"
]
TEMPLATE = [
    "20XX年XX政府信息公开工作年度报告",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def test_letter_about_the_work_plan_is_not_a_report() -> None:
    kind, reason, _ = classify(LETTER, LETTER_TITLE)
    assert kind == "not_a_report"
    assert reason == "a letter (函) about the year's work plan (工作要点), not an annual report"


def test_blank_template_is_not_a_report() -> None:
    assert classify(TEMPLATE, "政务公开年报模版").kind == "not_a_report"
    assert "template" in classify(TEMPLATE, "政务公开年报模版").reason
    kind, reason, _ = classify(TEMPLATE, None)  # no title: the placeholders give it away
    assert kind == "not_a_report" and "template" in reason
    assert classify([], "中华人民共和国政府信息公开工作年度报告格式").kind == "not_a_report"


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "通知"),
        ("政府信息公开目录", "目录"),
        ("2023年政府信息公开工作年度报告图解", "图解"),
        ("平潭综合实验区2024年政务公开工作要点", "要点"),
        ("关于报送2023年政府信息公开工作年度报告的函", "函"),
    ],
)
def test_other_documents_are_not_reports(title: str, word: str) -> None:
    kind, reason, _ = classify(["……"], title)
    assert kind == "not_a_report"
    assert word in reason


@pytest.mark.parametrize(
    "title",
    [
        "德归镇人民政府 2023 年信息公开工作年度报告",  # the seed drops 政府
        "2024 年上海市科委政府信息公开工作年度报告",
        "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局",
        "平潭综合实验区地方税务局2013年信息公开年度报告",
        "某某县2016年政务公开工作年度报告",
        "关于2016年政务公开工作要点落实情况暨政府信息公开工作年度报告",
        "平潭县人民政府2013年政府信息公开工作报告",
    ],
)
def test_real_report_titles_are_reports(title: str) -> None:
    assert classify(["……"], title).kind == "annual_report"


def test_structure_decides_without_a_telling_title() -> None:
    body = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    kind, reason, _ = classify(body, "德归镇2023年度报告")
    assert kind == "annual_report" and "5 of the report's sections" in reason
    assert classify(body, None).kind == "annual_report"
    assert classify(["第一条 为了规范……", "第二条 ……"], None).kind == "not_a_report"
