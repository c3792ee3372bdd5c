"""Issuer names in one spelling, their §10.1 admin level, and one id per body however it is written."""

from __future__ import annotations

import pytest

from pipelines.identity.issuers import admin_level, identify_issuer, issuer_id, normalise_issuer


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("德归镇政府", "德归镇人民政府"),
        ("# 德归镇人民政府 2023 年信息公开工作年度报告", "德归镇人民政府"),
        ("平潭综合实验区管委会", "平潭综合实验区管理委员会"),
        ("平潭综合实验区", "平潭综合实验区管理委员会"),
        ("２０２４年上海市科委政府信息公开工作年度报告", "上海市科学技术委员会"),
        ("沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局"),
        ("《关于平潭县人民政府2013年政府信息公开工作年度报告》", "平潭县人民政府"),
        ("南京东路街道", "南京东路街道办事处"),
        ("南京东路街道办", "南京东路街道办事处"),
        ("沭阳县政府办", "沭阳县人民政府办公室"),
        ("浦东新区", "浦东新区人民政府"),
        ("淮安市", "淮安市人民政府"),
    ],
)
def test_normalise_issuer(raw: str, norm: str) -> None:
    assert normalise_issuer(raw) == norm


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("平潭综合实验区管委会", "平潭综合实验区管理委员会"),
        ("平潭综合实验区", "平潭综合实验区管委会"),
        ("德归镇人民政府", "德归镇政府"),
        ("德归镇人民政府", "文安县德归镇人民政府"),
        ("德归镇人民政府", "德 归 镇 人 民 政 府"),
        ("淮安市洪泽区人民政府", "洪泽区人民政府"),
        ("洪泽区人民政府", "洪泽县政府"),
        ("上海市科学技术委员会", "上海市科委"),
        ("沭阳县发展和改革局", "沭阳县发改局"),
    ],
)
def test_same_body_spelled_two_ways_is_one_issuer(first: str, second: str) -> None:
    a, b = identify_issuer(first), identify_issuer(second)
    assert a.issuer_id == b.issuer_id
    assert a.placed and b.placed


def test_bodies_sharing_a_territory_stay_apart() -> None:
    county = identify_issuer("平潭县人民政府")
    zone = identify_issuer("平潭综合实验区管委会")
    tax = identify_issuer("平潭综合实验区地方税务局")
    assert county.region.code == zone.region.code == tax.region.code == "350128"
    assert len({county.issuer_id, zone.issuer_id, tax.issuer_id}) == 3


def test_issuer_id_is_stable() -> None:
    assert issuer_id("131026111", "township_gov", "德归镇人民政府") == "iss-31340571ef3edd6f"


def test_unplaced_issuer_id_is_marked() -> None:
    issuer = identify_issuer("城关镇人民政府")
    assert issuer.region.status == "ambiguous"
    assert issuer.issuer_id.startswith("iss-u-")
    assert not issuer.placed
    placed = identify_issuer("城关镇人民政府", ["嵩县城关镇人民政府"])
    assert placed.placed and placed.region.code == "410325100"


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("德归镇人民政府", "township_gov"),
        ("南京东路街道办事处", "subdistrict"),
        ("平潭县人民政府", "county_gov"),
        ("沭阳县发展和改革局", "county_dept"),
        ("沭阳县人民政府办公室", "county_dept"),
        ("淮安市人民政府", "prefecture_gov"),
        ("淮安市洪泽区人民政府", "county_gov"),
        ("上海市科学技术委员会", "provincial_dept"),
        ("上海市人民政府", "provincial_gov"),
        ("内蒙古自治区人民政府", "provincial_gov"),
        ("平潭综合实验区管委会", "dev_zone"),
        ("平潭综合实验区", "dev_zone"),
        ("雄安新区管理委员会", "dev_zone"),
        ("平潭综合实验区地方税务局", "county_dept"),
        ("国务院办公厅", "central_dept"),
        ("教育部", "central_dept"),
        ("国家税务总局福建省税务局", "provincial_dept"),
        ("沭阳县住房公积金管理中心", "other_body"),
        ("中共沭阳县委员会", "other_body"),
        ("城关镇人民政府", "township_gov"),
        ("某某镇政府", "township_gov"),
    ],
)
def test_admin_level(name: str, level: str) -> None:
    assert admin_level(name) == level


def test_admin_level_uses_the_region_given() -> None:
    from pipelines.identity.regions import resolve_region

    region = resolve_region("朝阳区人民政府", ["北京市"])
    assert admin_level("朝阳区人民政府", region) == "county_gov"


def test_township_named_through_a_zone_is_the_same_issuer() -> None:
    through_zone = identify_issuer("大连长兴岛经济区长兴岛街道")
    direct = identify_issuer("大连市长兴岛街道办事处")
    assert through_zone.admin_level == direct.admin_level == "subdistrict"
    assert through_zone.issuer_id == direct.issuer_id


def test_unplaced_district_keeps_its_level_from_the_suffix() -> None:
    issuer = identify_issuer("八道江区人民政府")
    assert (issuer.admin_level, issuer.placed) == ("county_gov", False)
