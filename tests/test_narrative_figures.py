"""Stated figures: which table cell a sentence's number speaks about, Chinese numerals, statements of absence."""

from __future__ import annotations

import pytest

from pipelines.narrative.figures import TARGETS, StatedFigure, chinese_number, stated_figures


def _pairs(text: str) -> list[tuple[str, int | float]]:
    return [(f.target, f.value) for f in stated_figures(text) if not f.breakdown]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年收到政府信息公开申请218件。", [("t3.new_received.total", 218)]),
        ("本年新收政府信息公开申请12件。", [("t3.new_received.total", 12)]),
        (
            "予以公开5件，部分公开两件，不予公开一件。",
            [("t3.granted.total", 5), ("t3.partially_granted.total", 2), ("t3.denied.total", 1)],
        ),
        ("结转下年度继续办理十二件。", [("t3.carried_forward_out.total", 12)]),
        ("上年结转政府信息公开申请2件。", [("t3.carried_over_in.total", 2)]),
        (
            "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
            [("t4.review.total", 36), ("t4.suit.total", 9)],
        ),
        (
            "本年度制发行政规范性文件62件，集中公开现行有效行政规范性文件698件。",
            [("t2.normative_docs.issued", 62), ("t2.normative_docs.in_force", 698)],
        ),
        ("作出行政许可决定215件，行政处罚22件。", [("t2.licensing.decisions", 215), ("t2.penalty.decisions", 22)]),
        ("2012年主动公开政府信息1913条。", [("legacy.active.items_total", 1913)]),
        (
            "同意公开答复9件，无法提供的10件，不予处理0件，其他处理14件，转下一年度办理答复的有1件。",
            [
                ("t3.granted.total", 9),
                ("t3.unavailable.total", 10),
                ("t3.not_processed.total", 0),
                ("t3.other.total", 14),
                ("t3.carried_forward_out.total", 1),
            ],
        ),
        ("予以公开及部分公开258件，不予公开35件。", [("t3.granted_and_partial.total", 258), ("t3.denied.total", 35)]),
        ("行政复议和行政诉讼均为0件。", [("t4.review.total", 0), ("t4.suit.total", 0)]),
        ("2024年有1件涉及政府信息公开工作的行政复议。", [("t4.review.total", 1)]),
        (
            "共受理政府信息公开申请3119件，另有103件顺延到下年度答复。",
            [("t3.new_received.total", 3119), ("t3.carried_forward_out.total", 103)],
        ),
    ],
)
def test_figures_and_their_targets(text: str, expected: list[tuple[str, int]]) -> None:
    assert _pairs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度我镇未收到依申请公开的办理申请。", [("t3.new_received.total", 0)]),
        (
            "2011年全县未收到有关政府信息公开的申请，未收到有关政府信息公开行政复议申请。",
            [("t3.new_received.total", 0), ("t4.review.total", 0)],
        ),
        ("未收到有关政府信息公开行政复议、提起行政诉讼的申请。", [("t4.review.total", 0), ("t4.suit.total", 0)]),
        ("我局无不予公开政府信息情况。", [("t3.denied.total", 0)]),
    ],
)
def test_statements_of_absence_are_zeros(text: str, expected: list[tuple[str, int]]) -> None:
    assert _pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "制作、获取政府信息总数1873条，作为依申请公开信息数46条，不予公开信息数1402条。",  # information items
        "共收到15564件咨询投诉件，已办结15042件。",  # 12345 hotline cases
        "区县已入驻审批服务部门和单位13个，共受理申请121510件。",  # licensing counter, not disclosure
        "行政许可类信息69条，政府信息公开费用1万元。",  # category counts and money
        "在“环境保护”栏目共计发布行政处罚23件。",  # published items, not decisions
        "依据《条例》第二十条第（一）项。",  # ordinals
        "截至2024年，累计收到申请500件。",  # cumulative
    ],
)
def test_decoys_give_no_figure(text: str) -> None:
    assert _pairs(text) == []


def test_breakdowns_are_marked() -> None:
    figures = stated_figures("其中，区直、县直各单位主动公开政府信息1397条，占73%。2012年主动公开政府信息1913条。")
    assert [(f.value, f.breakdown) for f in figures] == [(1397, True), (1913, False)]


def test_ambiguous_wording_carries_its_alternative_readings() -> None:
    [received] = stated_figures("全区收到政府信息公开申请75件，涉及自然人72件。")
    assert received.keys == ("t3.new_received.total",)
    assert received.alternatives == (("t3.new_received.total", "t3.carried_over_in.total"),)
    [handled] = stated_figures("全年办理政府信息公开申请218件。")
    assert handled.target == "t3.total_processed.total"
    assert ("t3.new_received.total",) in handled.alternatives


def test_span_sentence_and_phrase_point_into_the_source_across_line_breaks() -> None:
    text = "所有办结的信息公开\n申请中同意公开答复 9 件，不予公开答复 2\n件。下一句。"
    figures = stated_figures(text)
    assert [(f.target, f.value) for f in figures] == [("t3.granted.total", 9), ("t3.denied.total", 2)]
    granted, denied = figures
    assert text[granted.span[0] : granted.span[1]] == "9"
    assert text[denied.span[0] : denied.span[1]] == "2"
    assert denied.sentence == "所有办结的信息公开\n申请中同意公开答复 9 件，不予公开答复 2\n件"
    assert granted.phrase == "同意公开答复9件"
    assert isinstance(granted, StatedFigure)


def test_denied_target_sums_the_eight_reasons() -> None:
    assert len(TARGETS["t3.denied.total"]) == 8
    assert TARGETS["t4.suit.total"] == ("t4.suit_direct.total", "t4.suit_after_review.total")


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百零五", 105),
        ("三万", 30000),
        ("一千二百", 1200),
        ("二〇", 20),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value
