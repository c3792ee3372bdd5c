"""Template detection from the tables' own content, and where the tables are."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.canonical.extract import detect_template, extract_cells
from pipelines.canonical.regions import find_regions
from pipelines.canonical.tokens import LinearText
from pipelines.documents.model import Row
from pipelines.documents.text import read_text
from tests.test_canonical_splitting import T3_HEAD, T3_LABELS_V2021, crawled_report

LEGACY = [
    "平潭县人民政府_2011.txt",
    "平潭县人民政府_2013.txt",
    "平潭综合实验区_2011.txt",
    "平潭综合实验区_2012.txt",
    "平潭综合实验区_2013.txt",
    "平潭综合实验区_2016.txt",
    "平潭综合实验区_2018.txt",
    "平潭综合实验区地方税务局_2013.txt",
    "平潭综合实验区管委会_2014.txt",
]
MODERN = {
    "平潭综合实验区_2019.txt": "v2019",
    "平潭综合实验区_2022.txt": "v2021",
    "平潭综合实验区_2024.txt": "v2021",
    "平潭综合实验区_2025.txt": "v2021",
    "德归镇人民政府_2023.txt": "v2021",
}


def linear(path: Path) -> LinearText:
    return LinearText(read_text(path.name, path.read_text(encoding="utf-8")).rows)


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_reports_are_not_modern(corpus_dir: Path, name: str) -> None:
    """平潭 2018 names 政府集中采购 in its prose; only tables count, so it stays legacy (template None here)."""
    assert detect_template(linear(corpus_dir / name).text) is None


@pytest.mark.parametrize(("name", "template"), sorted(MODERN.items()))
def test_modern_reports(corpus_dir: Path, name: str, template: str) -> None:
    assert detect_template(linear(corpus_dir / name).text) == template


def test_tables_start_after_a_preface_that_names_every_section(corpus_dir: Path) -> None:
    text = linear(corpus_dir / "平潭综合实验区_2024.txt").text
    regions = find_regions(text)
    assert regions.t2 and regions.t3 and regions.t4
    assert (
        "总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议" in text[: regions.t2[0]]
    )
    assert text[regions.t2[0] :].startswith("二、主动公开政府信息情况第二十条")
    assert text[regions.t3[0] :].startswith("三、收到和处理政府信息公开申请情况")
    assert text[regions.t4[0] :].startswith("四、政府信息公开行政复议")
    assert text[regions.t4[1] :].startswith("五、存在的主要问题")


def body(text: str) -> list[Row]:
    return [Row(("某县2020年政府信息公开工作年度报告",), "line 1"), Row((text,), "line 2")]


def test_fingerprints_in_prose_alone_do_not_make_a_template() -> None:
    prose = "本年新制作数量较多，政府集中采购项目全部公开，本年制发件数增加，未收到依申请公开申请。"
    assert detect_template(prose) is None
    assert extract_cells(body(prose)).template is None


def test_table_three_alone_decides_by_its_other_handling_rows() -> None:
    v2021 = T3_HEAD + "".join(label + "0000000" for _, label in T3_LABELS_V2021)
    assert extract_cells(body(v2021)).template == "v2021"
    single = [(row, label) for row, label in T3_LABELS_V2021 if row not in {"other_no_correction", "other_fee_unpaid"}]
    v2019 = T3_HEAD + "".join(
        ("（六）其他处理" if row == "other_other" else label) + "0000000" for row, label in single
    )
    assert extract_cells(body(v2019)).template == "v2019"


def test_table_two_decides_over_table_three() -> None:
    """淮安洪泽 2023: v2021 表二 with the v2019-style single （六） row is v2021."""
    rows = crawled_report()
    text = rows[1].cells[0]
    for label in (
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ):
        text = text.replace(label + "0000000", "")
    text = text.replace("3.其他0000000", "（六）其他处理0000000")
    assert extract_cells([rows[0], Row((text,), "line 2")]).template == "v2021"
