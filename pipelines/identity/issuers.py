"""Issuer names made comparable, the issuer's administrative level, and a stable issuer id (format-spec §10.1).

The same body is written many ways: ``德归镇人民政府`` / ``德归镇政府``, ``平潭综合实验区管委会`` /
``平潭综合实验区管理委员会`` / just ``平潭综合实验区`` in a title, ``上海市科委`` / ``上海市科学技术委员会``,
``洪泽区人民政府`` / ``淮安市洪泽区人民政府``, full-width or half-width, with spaces from PDF extraction. The id must
be the same for all of them, and different for bodies that only share a place (平潭县人民政府 and the 平潭综合实验区
management committee sit on the same territory and code).

Normalisation rule (``normalise_issuer``), in order:

1. NFKC (full-width → half-width), all whitespace and zero-width characters removed;
2. title debris removed: markdown ``#``, ``标题:``, quotes and book-title marks, a leading ``关于``, years
   (``2023年``, ``2023年度``) and the report words (``政府信息公开工作年度报告`` and anything after them, such as
   a portal's ``-沭阳县发改局``);
3. ``政府`` right after a division suffix (省市县区旗州盟乡镇) becomes ``人民政府``: the legal name of a local
   government is always ``…人民政府``; ``政府`` alone is the colloquial short form;
4. fixed abbreviations expanded at the end of the name or before ``办公室`` (``管委会`` → ``管理委员会``,
   ``街道办`` → ``街道办事处``, ``科委`` → ``科学技术委员会``, ``发改局`` → ``发展和改革局`` …; see ``ABBREVIATIONS``);
5. a bare place gets its government's name: a division name alone (or a chain of them) → ``…人民政府``,
   a 街道 → ``…街道办事处``, a development zone (``平潭综合实验区``) → ``…管理委员会``. A title names the body
   by its place alone, and the body meant is the government (or the zone's committee).

The id (``issuer_id``) hashes (region code, admin level, the name with the divisions it starts with removed):
``淮安市洪泽区人民政府`` and ``洪泽区人民政府`` both reduce to (320813, county_gov, 人民政府). A body whose region
is not resolved gets an id marked ``iss-u-``: it rests on the name only and may merge same-named bodies
(two 城关镇人民政府), so it must not be trusted to join reports until the region is settled.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pipelines.identity._text import compact
from pipelines.identity.regions import ZONE_MARKERS, RegionMatch, resolve_region

AdminLevel = Literal[
    "central_dept",
    "provincial_gov",
    "provincial_dept",
    "prefecture_gov",
    "prefecture_dept",
    "county_gov",
    "county_dept",
    "township_gov",
    "subdistrict",
    "dev_zone",
    "other_body",
]

#: Short forms that name exactly one body type; expanded only at the end of a name or before 办公室.
ABBREVIATIONS: dict[str, str] = {
    "管委会": "管理委员会",
    "管委办": "管理委员会办公室",
    "街道办": "街道办事处",
    "政府办": "政府办公室",  # 人民 is added by rule 3
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "科委": "科学技术委员会",
    "经信委": "经济和信息化委员会",
    "人社局": "人力资源和社会保障局",
    "人社厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局",
    "住建厅": "住房和城乡建设厅",
    "住建委": "住房和城乡建设委员会",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "市场监管局": "市场监督管理局",
    "环保局": "环境保护局",
    "地税局": "地方税务局",
    "国税局": "国家税务局",
}

_DEBRIS_PREFIX = re.compile(r"^(?:#+|标题:|关于)+")
_QUOTES = re.compile(r"[《》〈〉“”\"'‘’「」『』【】]")
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_REPORT_WORDS = re.compile(r"(?:(?<!人民)政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报).*$")
_TRAILING = re.compile(r"[-—_:;,.。、|]+$")
_GOVERNMENT = re.compile(r"(?<=[省市县区旗州盟乡镇])政府")
_ABBREVIATION = re.compile(
    "(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + ")(?=办公室$|$)"
)
_ZONE_END = re.compile("(?:" + "|".join(ZONE_MARKERS) + ")$")
_DIVISION_END = re.compile(r"(?:省|自治区|市|县|旗|区|盟|州|乡|镇|苏木)$")

_GOV_BODIES = frozenset({"", "人民政府", "行政公署", "办事处", "街道办事处"})
_ZONE_COMMITTEES = frozenset({"", "管理委员会", "党工委管理委员会", "工作委员会"})
_DEPARTMENT = re.compile(r"(?:局|委员会|委|厅|办公室|办公厅|办|署|部|处|总队|支队)$")
_CENTRAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中央|中国(?!共产党))|(?:部|总署|总局)$")
_PARTY = re.compile(r"^(?:中共|中国共产党)")
_SUFFIX_LEVELS: tuple[tuple[re.Pattern[str], AdminLevel], ...] = (
    (re.compile(r"(?:镇|乡|苏木)人民政府$"), "township_gov"),
    (re.compile(r"街道办事处$"), "subdistrict"),
    (re.compile(r"(?:省|自治区)人民政府$"), "provincial_gov"),
    (re.compile(r"(?:自治州|盟)人民政府$|行政公署$"), "prefecture_gov"),
    (re.compile(r"(?:县|旗|区)人民政府$"), "county_gov"),  # a 区 with a 人民政府 is a district, not a zone
    (re.compile("(?:" + "|".join(ZONE_MARKERS) + ")管理委员会$"), "dev_zone"),
)
_LEVEL_PREFIX = {"province": "provincial", "prefecture": "prefecture", "county": "county"}


def _bare_place_suffix(name: str) -> str:
    """What the body of a bare place name is called: 人民政府, 办事处, 管理委员会 or nothing (not a bare place)."""
    if name.endswith("办事处"):
        return ""
    region = resolve_region(name)
    if region.matched and not region.body and not region.lead:
        return "办事处" if name.endswith("街道") else "人民政府"
    if _ZONE_END.search(name):
        return "管理委员会"
    if name.endswith("街道"):
        return "办事处"
    if not region.matched and _DIVISION_END.search(name) and len(name) >= 3:
        return "人民政府"
    return ""


def normalise_issuer(raw: str) -> str:
    """The issuer's name in one canonical spelling (see the module docstring for the rule)."""
    name = _QUOTES.sub("", compact(raw))
    name = _DEBRIS_PREFIX.sub("", name)
    name = _YEAR.sub("", name)
    name = _REPORT_WORDS.sub("", name)
    name = _TRAILING.sub("", name)
    name = _GOVERNMENT.sub("人民政府", name)
    name = _ABBREVIATION.sub(lambda match: ABBREVIATIONS[match.group(1)], name)
    return name + _bare_place_suffix(name) if name else name


def _gov_or_dept(level: str, body: str, place: str) -> AdminLevel:
    """The admin level of ``body`` (the name minus its divisions) for a body seated at division ``level``."""
    if body in _GOV_BODIES:
        if level == "township":
            return "subdistrict" if "街道" in place else "township_gov"
        return f"{_LEVEL_PREFIX[level]}_gov"  # type: ignore[return-value]
    if _DEPARTMENT.search(body) and level != "township":
        return f"{_LEVEL_PREFIX[level]}_dept"  # type: ignore[return-value]
    return "other_body"


def admin_level(name: str, region: RegionMatch | None = None) -> AdminLevel:
    """The §10.1 level of the body ``name`` placed at ``region`` (looked up from the name if not given).

    The division's level comes from ``region`` (resolved, or ambiguous between divisions of one level); what
    kind of body it is comes from the normalised name with its divisions removed: ``人民政府`` → government,
    a department suffix (局/委员会/厅/办公室…) → department, a development zone's ``管理委员会`` → dev_zone,
    anything else (中心, 院, 站, party bodies) → other_body. Without a region: ministries (国务院…, 国家…,
    …部, …总署) are central_dept; a name ending like a local government keeps that level; the rest is
    other_body.
    """
    norm = normalise_issuer(name)
    own = resolve_region(norm)
    region = region or own
    if _PARTY.match(norm):
        return "other_body"
    body = own.body if own.matched else norm
    zone = re.match("^.{0,12}?(?:" + "|".join(ZONE_MARKERS) + ")", body)
    level = region.level
    if zone is not None:
        rest = body[zone.end() :]
        if rest in _ZONE_COMMITTEES:
            return "dev_zone"
        if level is not None and level != "township" and _DEPARTMENT.search(rest):
            return f"{_LEVEL_PREFIX[level]}_dept"  # type: ignore[return-value]
        return "other_body"
    if level is not None and region.status != "unresolved":
        place = region.township or (region.matched[-1] if region.matched else "")
        return _gov_or_dept(level, body, place)
    if _CENTRAL.search(norm) and not own.matched:
        return "central_dept"
    for pattern, suffix_level in _SUFFIX_LEVELS:
        if pattern.search(norm):
            return suffix_level
    return "other_body"


def _name_key(name_norm: str) -> str:
    """The name without the divisions it starts with: what tells bodies at one place apart."""
    region = resolve_region(name_norm)
    return region.lead + region.body if region.matched else name_norm


def issuer_id(region_code: str | None, level: str, issuer_name_norm: str) -> str:
    """A stable id for the issuer: ``iss-`` + 16 hex digits, or ``iss-u-`` … when the region is not known.

    Central departments have no region and are still fully identified by their name.
    """
    placed = region_code is not None or level == "central_dept"
    key_name = _name_key(issuer_name_norm) if region_code is not None else issuer_name_norm
    digest = hashlib.sha256(f"{region_code or '-'}|{level}|{key_name}".encode()).hexdigest()[:16]
    return f"iss-{digest}" if placed else f"iss-u-{digest}"


@dataclass(frozen=True)
class Issuer:
    """Everything the report key needs about who published a report (format-spec §10.1)."""

    name_raw: str
    name_norm: str
    region: RegionMatch
    admin_level: AdminLevel
    issuer_id: str

    @property
    def placed(self) -> bool:
        """Whether the id can be trusted to join reports of the same body."""
        return not self.issuer_id.startswith("iss-u-")


def identify_issuer(raw: str, context: Sequence[str] = ()) -> Issuer:
    """Normalise ``raw``, place it (``context`` may break a tie between same-named places), level and id it."""
    norm = normalise_issuer(raw)
    region = resolve_region(norm, context)
    level = admin_level(norm, region)
    return Issuer(raw, norm, region, level, issuer_id(region.code, level, norm))
