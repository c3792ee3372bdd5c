"""Placing issuer names in the 民政部 division list: deepest division, official codes, ambiguity kept open."""

from __future__ import annotations

import pytest

from pipelines.identity.regions import dataset_version, gazetteer, resolve_region


def test_dataset_is_the_2025_snapshot_with_township_codes() -> None:
    gaz = gazetteer()
    assert dataset_version() == "mca-2025-12-31"
    assert gaz.divisions["131026111"].name == "德归镇"
    assert [d.name for d in gaz.chain("131026111")] == ["河北省", "廊坊市", "文安县", "德归镇"]
    assert gazetteer() is gaz, "the list is read and indexed once"


def test_seed_township_resolves_to_its_official_code() -> None:
    match = resolve_region("德归镇人民政府")
    assert match.status == "resolved"
    assert (match.code, match.level) == ("131026111", "township")
    assert (match.province, match.prefecture, match.county, match.township) == ("河北省", "廊坊市", "文安县", "德归镇")
    assert match.body == "人民政府"


@pytest.mark.parametrize(
    ("name", "code", "level", "body"),
    [
        ("文安县德归镇人民政府", "131026111", "township", "人民政府"),
        ("淮安市洪泽区人民政府", "320813", "county", "人民政府"),
        ("洪泽区人民政府", "320813", "county", "人民政府"),
        ("淮安市人民政府", "320800", "prefecture", "人民政府"),
        ("沭阳县发展和改革局", "321322", "county", "发展和改革局"),
        ("上海市科学技术委员会", "310000", "province", "科学技术委员会"),
        ("平潭县人民政府", "350128", "county", "人民政府"),
        ("恩施州人民政府", "422800", "prefecture", "人民政府"),
        ("南京东路街道办事处", "310101002", "township", ""),
        ("国家税务总局福建省税务局", "350000", "province", "税务局"),
    ],
)
def test_deepest_division_named(name: str, code: str, level: str, body: str) -> None:
    match = resolve_region(name)
    assert (match.status, match.code, match.level, match.body) == ("resolved", code, level, body)


def test_full_width_and_spaced_names_read_the_same() -> None:
    assert resolve_region("德 归 镇 人 民 政 府").code == "131026111"
    assert resolve_region("淮安市洪泽区人民政府\u3000").code == "320813"


def test_name_cited_without_suffix() -> None:
    match = resolve_region("平潭")
    assert (match.status, match.code) == ("resolved", "350128")
    assert any("without its suffix" in note for note in match.notes)


def test_development_zone_is_placed_at_the_division_it_cites() -> None:
    match = resolve_region("平潭综合实验区管委会")
    assert (match.status, match.code, match.county) == ("resolved", "350128", "平潭县")
    assert match.zone == "平潭综合实验区"
    assert any("development zone" in note for note in match.notes)


def test_zone_citing_no_division_is_unresolved_with_a_reason() -> None:
    match = resolve_region("雄安新区管理委员会")
    assert match.status == "unresolved"
    assert match.code is None
    assert match.zone == "雄安新区"
    assert match.reason is not None and "development zone" in match.reason


def test_older_suffix_and_redesignated_township_are_read_with_a_note() -> None:
    county = resolve_region("洪泽县人民政府")  # 撤县设区 2016
    assert (county.code, county.county) == ("320813", "洪泽区")
    assert any("older suffix" in note for note in county.notes)
    township = resolve_region("德归乡人民政府")
    assert township.code == "131026111"
    assert any("re-designated" in note for note in township.notes)


def test_body_words_are_not_places() -> None:
    """公安 is a county (公安县) but 公安部 is a ministry; ministries name no division."""
    assert resolve_region("公安部").status == "unresolved"
    assert resolve_region("教育部").status == "unresolved"
    assert resolve_region("公安县公安局").code == "421022"


def test_repeated_township_name_without_context_is_ambiguous_not_placed() -> None:
    match = resolve_region("城关镇人民政府")
    assert match.status == "ambiguous"
    assert match.code is None and match.county is None
    assert len(match.candidates) == 82
    assert match.level == "township"
    assert match.reason is not None and "82" in match.reason


def test_context_naming_the_county_resolves_the_township() -> None:
    lines = ["城关镇人民政府2023年政府信息公开工作年度报告", "本报告由嵩县城关镇人民政府办公室编制。"]
    match = resolve_region("城关镇人民政府", lines)
    assert (match.status, match.code) == ("resolved", "410325100")
    assert (match.prefecture, match.county) == ("洛阳市", "嵩县")
    assert any("context names 嵩县" in note for note in match.notes)


def test_context_naming_only_the_province_narrows_but_does_not_place() -> None:
    match = resolve_region("城关镇人民政府", ["甘肃省"])
    assert match.status == "ambiguous"
    assert len(match.candidates) == 20
    assert match.shared_code == "620000"


def test_context_without_an_enclosing_division_changes_nothing() -> None:
    match = resolve_region("城关镇人民政府", ["平潭县"])  # no 城关镇 in 平潭县
    assert (match.status, len(match.candidates)) == ("ambiguous", 82)


def test_same_named_districts_need_context() -> None:
    assert resolve_region("朝阳区人民政府").status == "ambiguous"
    assert resolve_region("朝阳区人民政府", ["北京市朝阳区"]).code == "110105"
    assert resolve_region("北京市朝阳区人民政府").code == "110105"


def test_lookups_are_fast_after_loading() -> None:
    import time

    gazetteer()
    started = time.perf_counter()
    for _ in range(200):
        resolve_region("淮安市洪泽区人民政府")
    assert (time.perf_counter() - started) / 200 < 0.005


def test_empty_and_overlong_names() -> None:
    assert resolve_region("").reason == "no issuer name"
    assert resolve_region("啊" * 100_000).status == "unresolved"


def test_township_inside_a_zone_is_read_past_the_zone() -> None:
    match = resolve_region("大连长兴岛经济区长兴岛街道办事处")
    assert (match.status, match.code, match.county, match.township) == (
        "resolved",
        "210281010",
        "瓦房店市",
        "长兴岛街道",
    )
    assert match.zone is None
    assert any("大连长兴岛经济区 is a development zone" in note for note in match.notes)


def test_redesignated_township_after_its_county() -> None:
    assert resolve_region("文安县德归乡人民政府").code == "131026111"


def test_renamed_county_needs_a_history_table() -> None:
    """八道江区 became 浑江区 in 2010; the 2025 snapshot alone cannot place it, and says so."""
    match = resolve_region("八道江区人民政府")
    assert match.status == "unresolved" and match.reason is not None
