"""Section splitting: the six sections of modern reports and the free-form ones of legacy reports, by title."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.documents import read_document
from pipelines.documents.formats import detect_format
from pipelines.documents.model import Row
from pipelines.narrative.sections import (
    ACTIVE,
    FEES,
    KEY_AREAS,
    MODERN_SECTIONS,
    OTHER,
    OVERVIEW,
    PREAMBLE,
    PROBLEMS,
    REQUESTS,
    REVIEW_LITIGATION,
    STATISTICS,
    classify_title,
    narrative_text,
    rows_from_text,
    section_text,
    split_sections,
)
from tests.conftest import SEED


def _rows(path: Path) -> list[Row]:
    data = path.read_bytes()
    fmt, reason = detect_format(path, data[:8192])
    assert fmt is not None, reason
    return read_document(path, fmt, data).rows


def _ids(rows: list[Row]) -> list[str | None]:
    return [s.id for s in split_sections(rows) if s.id != PREAMBLE]


def test_seed_has_the_six_sections_in_order_whatever_the_markdown_level() -> None:
    sections = split_sections(_rows(SEED))
    assert [s.id for s in sections] == [PREAMBLE, *MODERN_SECTIONS]
    by_id = {s.id: s for s in sections}
    assert by_id[OVERVIEW].heading == "一、总体情况"  # markup (##) is not part of the heading
    assert by_id[REQUESTS].heading == "三、收到和处理政府信息公开申请情况"
    assert all(s.match == "standard" for s in sections[1:])
    assert [s.is_table for s in sections[1:]] == [False, True, True, True, False, False]
    assert "未收到依申请公开的办理申请" in by_id[OVERVIEW].text
    assert by_id[OVERVIEW].locators[0] == "line 5"
    # The tables are not prose: narrative_text leaves them out.
    assert "勾稽关系" not in narrative_text(sections)
    assert "未收到依申请公开" in narrative_text(sections)


def test_headings_without_markup_numbering_variants_and_inline_headings() -> None:
    text = (
        "本报告所列数据统计期限为2020年1月1日至12月31日。\n"
        "一、总体情况\n全年主动公开信息100条。\n"
        "二、主动公开政府信息情况\n第二十条第（一）项\n"
        "三、收到和处理政府信息公开申请情况\n表……\n"
        "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况\n…\n"
        "五、政府信息公开工作存在的主要问题及改进情况\n问题。 六、其他需要报告的事项 无。"
    )
    sections = split_sections(rows_from_text(text))
    assert [s.id for s in sections] == [PREAMBLE, *MODERN_SECTIONS]
    assert sections[4].match == "variant"
    assert section_text(sections, OTHER) == "无。"
    assert section_text(sections, PROBLEMS) == "问题。"


def test_enumerated_titles_in_a_sentence_are_not_headings() -> None:
    text = (
        "本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况。\n一、总体情况\n正文。"
    )
    sections = split_sections(rows_from_text(text))
    assert [s.id for s in sections] == [PREAMBLE, OVERVIEW]
    assert sections[1].text == "正文。"


def test_table_row_labels_never_start_a_section() -> None:
    rows = [
        Row(("三、收到和处理政府信息公开申请情况",), "line 1"),
        Row(("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"), "line 2"),
        Row(("一、本年新收政府信息公开申请数量",), "line 3"),
        Row(("0 0 0 0 0 0 0",), "line 4"),
        Row(("四、结转下年度继续办理",), "line 5"),
        Row(("四、政府信息公开行政复议、行政诉讼情况",), "line 6"),
    ]
    sections = split_sections(rows)
    assert [s.id for s in sections] == [REQUESTS, REVIEW_LITIGATION]
    assert sections[0].locators == ("line 1", "line 2", "line 3", "line 4", "line 5")


def test_classify_title_scores() -> None:
    assert classify_title("总体情况") == (OVERVIEW, 3)
    assert classify_title("概述") == (OVERVIEW, 2)
    assert classify_title("主动公开工作情况") == (ACTIVE, 2)
    assert classify_title("政府信息公开申请情况") == (REQUESTS, 1)
    assert classify_title("存在的主要问题和改进措施") == (PROBLEMS, 2)
    assert classify_title("政府信息公开的收费及减免情况") == (FEES, 2)
    assert classify_title("工作机制保障") == (None, 0)


def test_shanghai_numbering_restarts_for_the_tables(corpus_dir: Path) -> None:
    """上海市科委 2024: narrative 一…六 under other titles, then tables 一/二/三, then 五、其他需要报告的事项."""
    sections = [s for s in split_sections(_rows(corpus_dir / "上海市科学技术委员会_2024.md")) if s.id != PREAMBLE]
    assert [s.number for s in sections] == ["一", "二", "三", "四", "五", "六", "一", "二", "三", "五"]
    assert [s.id for s in sections] == [OVERVIEW] * 6 + [ACTIVE, REQUESTS, REVIEW_LITIGATION, OTHER]
    assert [s.match for s in sections[1:6]] == ["overview_part"] * 5
    assert [s.is_table for s in sections[6:9]] == [True, True, True]
    # The narrative 四、政府信息公开申请情况 is prose (part of 总体情况), the table 二 is not.
    overview = section_text(sections, OVERVIEW) or ""
    assert "全年收到政府信息公开申请 34 件" in overview


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("平潭综合实验区_2012.txt", [OVERVIEW, KEY_AREAS, ACTIVE, REQUESTS, PROBLEMS, STATISTICS]),
        ("平潭综合实验区_2016.html", [OVERVIEW, ACTIVE, REQUESTS, FEES, REVIEW_LITIGATION, PROBLEMS, STATISTICS]),
        ("平潭县人民政府_2011.txt", [OVERVIEW, ACTIVE, REQUESTS, PROBLEMS, STATISTICS]),
        ("平潭综合实验区地方税务局_2013.txt", [OVERVIEW, ACTIVE, REQUESTS, None, REVIEW_LITIGATION, None]),
        ("平潭综合实验区_2019.txt", list(MODERN_SECTIONS)),
        ("平潭综合实验区_2024.txt", list(MODERN_SECTIONS)),
        ("沭阳县发展和改革局_2023.html", list(MODERN_SECTIONS)),
    ],
)
def test_corpus_sections(corpus_dir: Path, name: str, expected: list[str | None]) -> None:
    assert _ids(_rows(corpus_dir / name)) == expected


def test_flattened_legacy_text_keeps_heading_and_body_apart(corpus_dir: Path) -> None:
    sections = split_sections(_rows(corpus_dir / "平潭综合实验区地方税务局_2013.txt"))
    unknown = [s for s in sections if s.id is None]
    assert [s.heading for s in unknown] == ["四、审批事项及处理情况", "六、工作人员及信息公开事务支出情况"]
    assert unknown[0].text.startswith("我局严格按照")
    statistics = split_sections(_rows(corpus_dir / "平潭综合实验区_2012.txt"))[-1]
    assert statistics.heading == "平潭综合实验区政府信息公开情况统计表"
    assert statistics.is_table
    assert statistics.text.startswith("指标名称")


def test_no_rows_and_no_headings() -> None:
    assert split_sections([]) == []
    only = split_sections(rows_from_text("一段没有标题的文字。"))
    assert [(s.id, s.text) for s in only] == [(PREAMBLE, "一段没有标题的文字。")]
