"""Synthetic issuers placed in the real division hierarchy: who publishes the reports of a synthetic corpus.

A national corpus is mostly township governments, 街道 offices and county departments, with fewer county,
prefecture and provincial bodies. ``sample_roster`` draws ``n`` bodies in roughly that mix from the 民政部
division list (``pipelines.identity.regions.gazetteer``), in *clusters*: a sampled county brings several of
its townships and departments, and the prefecture it lies in brings its own government and departments. So
region roll-ups add up several bodies, and a township has neighbours in the same county whose text it can copy
(内容雷同 between peers is planted between bodies of one cluster).

Names are written the way titles name bodies and the way ``identity`` places them: a township or 街道 after
its county (``文安县德归镇人民政府``, ``九龙坡区二郎街道办事处``), a department after its division
(``沭阳县发展和改革局``, ``河北省教育厅``); a county or prefecture whose name repeats nationally (朝阳区 ×2) is
preceded by its prefecture or province, so that every name resolves to one division. Each body keeps the
division's official code as ground truth for identity (``region_code``: 9 digits for townships, 6 otherwise).

Kinds of body (``Kind``) carry the value profile of ``values``: a 公安局 issues thousands of 行政处罚, a
统计局 none. Everything here is deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from pipelines.identity.regions import Division, gazetteer

#: admin levels as ``pipelines.identity.issuers.AdminLevel`` names them.
TOWNSHIP_GOV = "township_gov"
SUBDISTRICT = "subdistrict"
COUNTY_GOV = "county_gov"
COUNTY_DEPT = "county_dept"
PREFECTURE_GOV = "prefecture_gov"
PREFECTURE_DEPT = "prefecture_dept"
PROVINCIAL_GOV = "provincial_gov"
PROVINCIAL_DEPT = "provincial_dept"

#: Share of each level in a national corpus (townships and 街道 together; county departments are many).
LEVEL_SHARES: tuple[tuple[str, float], ...] = (
    (TOWNSHIP_GOV, 0.42),  # townships and 街道 (the 街道 share follows the division list)
    (COUNTY_DEPT, 0.33),
    (COUNTY_GOV, 0.07),
    (PREFECTURE_DEPT, 0.10),
    (PREFECTURE_GOV, 0.03),
    (PROVINCIAL_DEPT, 0.04),
    (PROVINCIAL_GOV, 0.01),
)

#: Department kinds: (kind id, county/prefecture name, provincial name). The kind selects a value profile.
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("development", "发展和改革局", "发展和改革委员会"),
    ("education", "教育局", "教育厅"),
    ("science", "科学技术局", "科学技术厅"),
    ("industry", "工业和信息化局", "工业和信息化厅"),
    ("police", "公安局", "公安厅"),
    ("civil_affairs", "民政局", "民政厅"),
    ("justice", "司法局", "司法厅"),
    ("finance", "财政局", "财政厅"),
    ("human_resources", "人力资源和社会保障局", "人力资源和社会保障厅"),
    ("natural_resources", "自然资源局", "自然资源厅"),
    ("housing", "住房和城乡建设局", "住房和城乡建设厅"),
    ("transport", "交通运输局", "交通运输厅"),
    ("water", "水利局", "水利厅"),
    ("agriculture", "农业农村局", "农业农村厅"),
    ("commerce", "商务局", "商务厅"),
    ("culture", "文化和旅游局", "文化和旅游厅"),
    ("health", "卫生健康局", "卫生健康委员会"),
    ("veterans", "退役军人事务局", "退役军人事务厅"),
    ("emergency", "应急管理局", "应急管理厅"),
    ("audit", "审计局", "审计厅"),
    ("market", "市场监督管理局", "市场监督管理局"),
    ("statistics", "统计局", "统计局"),
    ("medical_insurance", "医疗保障局", "医疗保障局"),
    ("forestry", "林业局", "林业局"),
    ("urban_management", "综合行政执法局", "住房和城乡建设厅"),
    ("approval", "行政审批局", "政务服务管理局"),
    ("general_office", "人民政府办公室", "人民政府办公厅"),
)
#: Provincial-level cities (直辖市) name their departments like cities do, not with 厅.
_MUNICIPAL_PROVINCE_SUFFIX = "市"
_EXCLUDED_PROVINCES = ("香港特别行政区", "澳门特别行政区")


@dataclass(frozen=True)
class Issuer:
    """One synthetic reporting body.

    ``name`` is how report titles name it; ``short`` how its own prose refers to itself (德归镇, 文安县,
    沭阳县发展和改革局). ``kind`` is ``township``, ``subdistrict``, ``government`` or a department kind of
    ``DEPARTMENTS``. ``cluster`` is the county (or prefecture/province) code the body was sampled with: peers
    of one cluster are neighbours. ``index`` is the body's place in the roster (stable for a seed).
    """

    index: int
    name: str
    short: str
    level: str
    kind: str
    region_code: str
    province: str
    prefecture: str | None
    county: str | None
    township: str | None
    cluster: str

    @property
    def is_department(self) -> bool:
        return self.level.endswith("_dept")

    @property
    def is_government(self) -> bool:
        return self.level in (COUNTY_GOV, PREFECTURE_GOV, PROVINCIAL_GOV)


@dataclass(frozen=True)
class _Places:
    """The division list as the sampler needs it: children per parent, names that repeat nationally."""

    provinces: tuple[Division, ...]
    prefectures: tuple[Division, ...]
    counties: tuple[Division, ...]
    children: dict[str, tuple[Division, ...]]
    repeated: frozenset[str]

    def parent(self, division: Division) -> Division | None:
        return None if division.parent is None else gazetteer().divisions[division.parent]


@cache
def _places() -> _Places:
    divisions = gazetteer().divisions
    children: dict[str, list[Division]] = defaultdict(list)
    for division in divisions.values():
        if division.parent is not None:
            children[division.parent].append(division)
    excluded = {d.code for d in divisions.values() if d.depth == 1 and d.name in _EXCLUDED_PROVINCES}

    def kept(division: Division) -> bool:
        current: Division | None = division
        while current is not None:
            if current.code in excluded:
                return False
            current = None if current.parent is None else divisions[current.parent]
        return True

    by_depth: dict[int, list[Division]] = defaultdict(list)
    for division in sorted(divisions.values(), key=lambda d: d.code):
        if kept(division):
            by_depth[division.depth].append(division)
    names = Counter(d.name for d in divisions.values() if d.depth in (2, 3))
    return _Places(
        provinces=tuple(by_depth[1]),
        prefectures=tuple(by_depth[2]),
        counties=tuple(c for c in by_depth[3] if _townships(children.get(c.code, []))),
        children={code: tuple(sorted(kids, key=lambda d: d.code)) for code, kids in children.items()},
        repeated=frozenset(name for name, count in names.items() if count > 1),
    )


def _townships(kids: list[Division] | tuple[Division, ...]) -> list[Division]:
    """Townships, 乡, 苏木 and 街道 (not the odd 农场/所 units, whose bodies are not governments)."""
    return [d for d in kids if d.depth == 4 and d.name.endswith(("镇", "乡", "苏木", "街道"))]


def _chain(division: Division) -> tuple[Division | None, Division | None, Division | None, Division | None]:
    """(province, prefecture, county, township) of a division; a 直辖市 district has no prefecture."""
    found: dict[int, Division] = {}
    current: Division | None = division
    while current is not None:
        found[current.depth] = current
        current = None if current.parent is None else gazetteer().divisions[current.parent]
    return found.get(1), found.get(2), found.get(3), found.get(4)


def _display(division: Division) -> str:
    """A county or prefecture name as titles print it: with its parent's name when the name repeats."""
    places = _places()
    if division.name not in places.repeated or division.parent is None:
        return division.name
    parent = gazetteer().divisions[division.parent]
    return parent.name + division.name


def _prefecture_body(prefecture: Division) -> str:
    """The government of a prefecture: 人民政府 for 市/自治州, 行政公署 for 地区 and 盟."""
    if prefecture.name.endswith(("地区", "盟")):
        return "行政公署"
    return "人民政府"


def _quotas(n: int) -> dict[str, int]:
    """How many bodies of each level, by largest remainder (every level present once ``n`` allows)."""
    raw = {level: share * n for level, share in LEVEL_SHARES}
    quotas = {level: int(value) for level, value in raw.items()}
    rest = sorted(raw, key=lambda level: (quotas[level] - raw[level], level))
    for level in rest[: n - sum(quotas.values())]:
        quotas[level] += 1
    return quotas


def _make(
    name: str,
    short: str,
    level: str,
    kind: str,
    division: Division,
    cluster: str,
) -> Issuer:
    province, prefecture, county, township = _chain(division)
    assert province is not None
    return Issuer(
        index=-1,
        name=name,
        short=short,
        level=level,
        kind=kind,
        region_code=division.code,
        province=province.name,
        prefecture=prefecture.name if prefecture else None,
        county=county.name if county else None,
        township=township.name if township else None,
        cluster=cluster,
    )


def _department_name(division: Division, department: tuple[str, str, str]) -> str:
    """A department of ``division``: 县/市 names use the city form, provinces the 厅 form (直辖市: city form)."""
    _kind, city_form, provincial_form = department
    if division.depth == 1 and not division.name.endswith(_MUNICIPAL_PROVINCE_SUFFIX):
        return division.name + provincial_form
    return _display(division) + city_form


def sample_roster(n: int, rng: random.Random) -> list[Issuer]:
    """``n`` distinct bodies in the national mix of ``LEVEL_SHARES``, clustered by county and prefecture.

    The roster is sorted by region code, level and name, and ``Issuer.index`` is the position in it.
    """
    if n < 1:
        raise ValueError("at least one issuer is needed")
    places = _places()
    quotas = _quotas(n)
    chosen: dict[str, Issuer] = {}

    def add(issuer: Issuer) -> bool:
        if issuer.name in chosen or quotas[issuer.level if issuer.level != SUBDISTRICT else TOWNSHIP_GOV] <= 0:
            return False
        chosen[issuer.name] = issuer
        quotas[issuer.level if issuer.level != SUBDISTRICT else TOWNSHIP_GOV] -= 1
        return True

    counties = list(places.counties)
    rng.shuffle(counties)
    county_levels = (TOWNSHIP_GOV, COUNTY_DEPT, COUNTY_GOV)
    used_counties: list[Division] = []
    for county in counties:
        if all(quotas[level] <= 0 for level in county_levels):
            break
        used_counties.append(county)
        display = _display(county)
        towns = _townships(places.children.get(county.code, ()))
        for town in rng.sample(towns, min(len(towns), rng.randint(2, 7))):
            if town.name.endswith("街道"):
                add(_make(f"{display}{town.name}办事处", town.name, SUBDISTRICT, "subdistrict", town, county.code))
            else:
                add(_make(f"{display}{town.name}人民政府", town.name, TOWNSHIP_GOV, "township", town, county.code))
        if rng.random() < 0.7:
            add(_make(f"{display}人民政府", display, COUNTY_GOV, "government", county, county.code))
        for department in rng.sample(DEPARTMENTS, rng.randint(1, 6)):
            name = _department_name(county, department)
            add(_make(name, name, COUNTY_DEPT, department[0], county, county.code))

    # Prefectures of the sampled counties first (their bodies are the counties' neighbours), then the rest.
    seen: set[str] = set()
    prefectures: list[Division] = []
    for county in used_counties:
        _province, prefecture, _county, _town = _chain(county)
        if prefecture is not None and prefecture.code not in seen:
            seen.add(prefecture.code)
            prefectures.append(prefecture)
    others = [p for p in places.prefectures if p.code not in seen]
    rng.shuffle(others)
    for prefecture in [*prefectures, *others]:
        if quotas[PREFECTURE_GOV] <= 0 and quotas[PREFECTURE_DEPT] <= 0:
            break
        display = _display(prefecture)
        if rng.random() < 0.6:
            body = _prefecture_body(prefecture)
            add(_make(display + body, display, PREFECTURE_GOV, "government", prefecture, prefecture.code))
        for department in rng.sample(DEPARTMENTS, rng.randint(1, 5)):
            name = _department_name(prefecture, department)
            add(_make(name, name, PREFECTURE_DEPT, department[0], prefecture, prefecture.code))

    provinces = list(places.provinces)
    rng.shuffle(provinces)
    for province in provinces * 3:  # a small roster may need several departments of one province
        if quotas[PROVINCIAL_GOV] <= 0 and quotas[PROVINCIAL_DEPT] <= 0:
            break
        add(_make(province.name + "人民政府", province.name, PROVINCIAL_GOV, "government", province, province.code))
        department = rng.choice(DEPARTMENTS)
        name = _department_name(province, department)
        add(_make(name, name, PROVINCIAL_DEPT, department[0], province, province.code))

    # Quotas a level could not fill (more provincial governments asked for than provinces exist) go to
    # county departments, of which there are always more.
    for county in counties:
        if len(chosen) >= n:
            break
        quotas[COUNTY_DEPT] = n - len(chosen)
        department = rng.choice(DEPARTMENTS)
        name = _department_name(county, department)
        add(_make(name, name, COUNTY_DEPT, department[0], county, county.code))

    ordered = sorted(chosen.values(), key=lambda i: (i.region_code, i.level, i.name))
    return [
        Issuer(index, i.name, i.short, i.level, i.kind, i.region_code, i.province, i.prefecture, i.county,
               i.township, i.cluster)
        for index, i in enumerate(ordered)
    ]  # fmt: skip
