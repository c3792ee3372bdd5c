"""The sections of a report, found by their heading text: what each part says and where it is printed.

A modern report (v2019/v2021, format-spec §2) has six numbered sections: 一、总体情况,
二、主动公开政府信息情况 (表二), 三、收到和处理政府信息公开申请情况 (表三), 四、政府信息公开行政复议、
行政诉讼情况 (表四), 五、存在的主要问题及改进情况, 六、其他需要报告的事项. Legacy reports (2008–2018)
have five to seven free-form ones: 概述, 主动公开, 依申请公开, 收费及减免, 复议诉讼, 问题改进, often a
统计表 (legacy-structures §3). The validation rules need them: R9 reads the figures the prose
states, R10 and the 内容雷同 check read sections 一/五/六, completeness asks that all six be there.

Headings are recognised by their words, never by their markup: the seed marks siblings ``##``/``###``/``####``,
crawled text runs them inline ("…联系。 一、总体情况 2022年，…"), PDF text has none. Three ways in:

- a row that is itself a heading: a Chinese numeral and 、 followed by a short title, or a known title alone;
- a numbered known title inside running text (after a sentence end or white space);
- a numbered unknown title inside running text, only if its numeral continues the sequence (四 after 三) and
  it ends like a title (…情况, …事项) — legacy departments add sections such as 四、审批事项及处理情况.

The id comes from the title, so numbering may restart (上海市科委 2024 labels its tables 一/二/三 after six
narrative sections that use other titles). When two headings claim one id the better-matching title wins
(the table heading 一、主动公开政府信息情况 over the narrative 三、主动公开工作情况); a numbered heading left without
an id that follows 总体情况 is taken as part of it (上海市科委 splits its 总体情况 into 二…六). Inside a statistics
table only a known section title starts a new section, so table row labels (一、本年新收…) never do.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.documents.model import Row
from pipelines.narrative.fold import compact, fold

OVERVIEW = "sec_overview"
ACTIVE = "sec_active"
REQUESTS = "sec_requests"
REVIEW_LITIGATION = "sec_review_litigation"
PROBLEMS = "sec_problems"
OTHER = "sec_other"
FEES = "sec_fees"  # legacy 收费及减免
STATISTICS = "sec_statistics"  # legacy 统计表 / 附件
KEY_AREAS = "sec_key_areas"  # legacy 重点领域政府信息公开情况
PREAMBLE = "preamble"

#: The six sections of a v2019/v2021 report, in template order (format-spec §2).
MODERN_SECTIONS = (OVERVIEW, ACTIVE, REQUESTS, REVIEW_LITIGATION, PROBLEMS, OTHER)
#: The sections whose body is a statistics table in a modern report (二/三/四).
TABLE_SECTIONS = (ACTIVE, REQUESTS, REVIEW_LITIGATION)
#: Sections a legacy report (2007 条例, six content items) is expected to have; 收费 and 其他 are often folded away.
LEGACY_SECTIONS = (OVERVIEW, ACTIVE, REQUESTS, REVIEW_LITIGATION, PROBLEMS)

STANDARD = 3  # the template's own wording
VARIANT = 2  # a wording seen in real reports
KEYWORD = 1  # only a keyword of the title
UNKNOWN = 0

# Title patterns on compact text (folded, no white space). Score 3: the template's title; 2: known variants.
_P = r"[^。；;\n]"
_TITLES: tuple[tuple[str, int, str], ...] = (
    (OVERVIEW, STANDARD, r"总体情况"),
    (OVERVIEW, VARIANT, r"(?:总体概述|总体概况|总体工作情况|工作概述|工作概况|基本情况|概述|概况|综述)"),
    (ACTIVE, STANDARD, r"主动公开政府信息情况"),
    (ACTIVE, VARIANT, r"(?:主动公开政府信息的?(?:工作)?情况|政府信息主动公开(?:工作)?情况|主动公开(?:工作)?情况)"),
    (ACTIVE, KEYWORD, rf"{_P}{{0,12}}?主动公开{_P}{{0,12}}?情况"),
    (REQUESTS, STANDARD, r"收到和处理政府信息公开申请情况"),
    (
        REQUESTS,
        VARIANT,
        rf"(?:收到[及与和]处理政府信息公开申请的?情况|(?:政府信息)?依申请公开{_P}{{0,16}}?情况)",
    ),
    (REQUESTS, KEYWORD, rf"{_P}{{0,12}}?申请{_P}{{0,6}}?情况"),
    (REVIEW_LITIGATION, STANDARD, r"政府信息公开行政复议、?行政诉讼情况"),
    (REVIEW_LITIGATION, VARIANT, rf"{_P}{{0,16}}?行政法?复议{_P}{{0,10}}?诉讼{_P}{{0,8}}?情况"),
    (REVIEW_LITIGATION, KEYWORD, rf"{_P}{{0,16}}?(?:复议|诉讼){_P}{{0,12}}?情况"),
    (PROBLEMS, STANDARD, r"存在的主要问题及改进情况"),
    (
        PROBLEMS,
        VARIANT,
        r"(?:政府信息公开)?(?:工作)?(?:存在的?(?:主要)?问题(?:及|和|与|、)?(?:改进|整改)?(?:情况|措施|方向)?"
        r"|主要问题(?:及|和|与|、)(?:改进|整改)(?:情况|措施)?)",
    ),
    (OTHER, STANDARD, r"其他需要报告的事项"),
    (OTHER, VARIANT, r"(?:其[他它]需要?报告的?事项|其[他它]需要?说明的?事项|其[他它]事项)"),
    (FEES, VARIANT, r"(?:政府信息公开的?)?(?:收费(?:及|和|与|、)?减免|收费)(?:的?情况)?"),
    (STATISTICS, VARIANT, rf"(?:附件\d?[:：]?)?{_P}{{0,30}}?统计(?:报)?表"),
    (KEY_AREAS, VARIANT, rf"重点领域{_P}{{0,14}}?情况"),
)
_TITLE_FULL = tuple((sid, score, re.compile(rf"(?:{rx})[:：。.]?")) for sid, score, rx in _TITLES)
_TITLE_AT = tuple((sid, score, re.compile(rx)) for sid, score, rx in _TITLES if score >= VARIANT)

_NUMERALS = "一二三四五六七八九十"
_NUM = rf"(?:(?P<num>[{_NUMERALS}]{{1,3}})[、.,，]|第(?P<part>[{_NUMERALS}]{{1,3}})部分[:：、]?)"
_NUM_PREFIX = re.compile(_NUM)
_BOUNDARY_CHARS = frozenset('。；;！!？?：:"”)）]】>#*')
# Printed table row labels that look like numbered headings (表三 一、本年新收… 四、结转下年度继续办理).
_ROW_LABEL = re.compile(r"本年新收|上年结转|本年度办理结果|办理结果|结转下一?年|申请数量|指标名称")
# A numbered unknown title in running text: ends at white space or a bracket, ends like a title.
_GENERIC_INLINE = re.compile(
    rf"(?P<num>[{_NUMERALS}]{{1,3}})\s*、\s*(?P<title>[^\s。；;，,（(\d:：]{{2,30}}?"
    r"(?:情况|事项|措施|概述|建设|管理|保障|统计表))(?=\s|[（(]|$)"
)
# Marks of a printed statistics table (表二/表三/表四 or a legacy 统计表) inside a section body.
# Column headers printed side by side, which prose never does ("结果维持，结果纠正" has a number between).
_TABLE_MARKS = re.compile(
    r"信息内容\s*(?:本年|上一年)|本年制发件数\s*本年废止件数|本年新制作数量\s*本年新公开数量|勾稽关系|申请人情况|"
    r"本年新收政府信息公开申请数量|结果\s*维持\s*结果\s*纠正|维持\s*纠正|未经复议直接起诉\s*复议后起诉|指标名称"
)
# The end of an unnumbered statistics-table title in running text ("附件1：平潭县人民政府2011年政府信息公开情况
# 统计表", "平潭综合实验区政府信息公开情况统计表 指标名称 …"): accepted after 附件 or before the table's header.
_TABLE_TITLE_END = re.compile(r"统计(?:报)?表")
_ENUMERATION_GAP = re.compile(r"\s*[、；;，,]\s*")
_MARKUP = re.compile(r"^[#>*\s]+|[*\s]+$|\*\*")


@dataclass(frozen=True)
class Section:
    """One section of a report: its canonical id, its heading as printed, its body and where it was printed.

    ``id`` is one of the ``sec_*`` constants, ``preamble`` for the text before the first heading, or None for a
    heading whose title names no known section. ``match`` says how the id was given: ``standard`` (the
    template's title), ``variant``, ``keyword``, ``overview_part`` (an unnamed heading after 总体情况),
    ``unknown``, ``duplicate`` (a weaker title for an id another heading holds) or ``preamble``.
    ``start``/``end`` are offsets in the document text (rows joined by newlines, cells by tabs), heading
    included; ``body_start`` is where the body begins. ``is_table`` is set when the body holds a statistics
    table rather than prose.
    """

    id: str | None
    heading: str
    number: str | None
    text: str
    locators: tuple[str, ...]
    start: int
    body_start: int
    end: int
    match: str
    is_table: bool

    def as_dict(self) -> dict[str, object]:
        """A flat record (the shape of a row of the lake's ``sections`` table)."""
        return {
            "section_id": self.id,
            "heading": self.heading,
            "number": self.number,
            "match": self.match,
            "is_table": self.is_table,
            "start": self.start,
            "end": self.end,
            "locator_first": self.locators[0] if self.locators else None,
            "locator_last": self.locators[-1] if self.locators else None,
            "text": self.text,
        }


@dataclass
class _Heading:
    start: int  # offset in the document of the heading's first character (its numeral)
    end: int  # offset just after the title
    number: str | None
    title: str
    id: str | None
    score: int
    numbered: bool
    match: str = ""


def document_text(rows: Sequence[Row]) -> tuple[str, list[int]]:
    """The rows as one text (cells joined by tabs, rows by newlines) and the offset where each row starts."""
    starts: list[int] = []
    parts: list[str] = []
    position = 0
    for row in rows:
        starts.append(position)
        text = row.text
        parts.append(text)
        position += len(text) + 1
    return "\n".join(parts), starts


def classify_title(title: str) -> tuple[str | None, int]:
    """The section id a heading's title names and how well: (id, score); (None, 0) for an unknown title."""
    key = compact(title).text
    best: tuple[str | None, int] = (None, UNKNOWN)
    for section_id, score, pattern in _TITLE_FULL:
        if score > best[1] and pattern.fullmatch(key):
            best = (section_id, score)
    return best


def _numeral_value(numeral: str) -> int:
    values = {char: index + 1 for index, char in enumerate(_NUMERALS)}
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + values.get(numeral[1:], 0)
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        return values.get(tens, 0) * 10 + (values.get(units, 0) if units else 0)
    return values.get(numeral, 0)


def _line_headings(rows: Sequence[Row], starts: list[int]) -> list[_Heading]:
    """Rows that are headings by themselves."""
    found: list[_Heading] = []
    for row, row_start in zip(rows, starts, strict=True):
        if sum(1 for cell in row.cells if cell.strip()) != 1:
            continue
        raw = row.text
        stripped = _MARKUP.sub("", raw)
        if not stripped or len(stripped) > 60:
            continue
        offset = raw.find(stripped[:1]) if stripped else 0
        key = compact(stripped).text
        prefix = _NUM_PREFIX.match(key)
        number: str | None = None
        title = key
        if prefix:
            number = prefix.group("num") or prefix.group("part")
            title = key[prefix.end() :]
        if not title or "。" in title[:-1] or len(title) > 40 or title[-1:].isdigit():
            continue
        section_id, score = classify_title(title)
        if number is None and score < VARIANT:
            continue
        if section_id is None and _ROW_LABEL.search(title):
            continue
        heading_start = row_start + max(offset, 0)
        heading = _Heading(heading_start, row_start + len(raw), number, title, section_id, score, number is not None)
        found.append(heading)
    return found


def _is_boundary(source: str, compact_offsets: tuple[int, ...], compact_text: str, position: int) -> bool:
    if position == 0:
        return True
    if compact_text[position - 1] in _BOUNDARY_CHARS:
        return True
    previous, current = compact_offsets[position - 1], compact_offsets[position]
    return current - previous > 1 and any(char.isspace() for char in source[previous + 1 : current])


def _inline_headings(text: str) -> list[_Heading]:
    """Numbered known titles anywhere in running text."""
    packed = compact(text)
    found: list[_Heading] = []
    for prefix in _NUM_PREFIX.finditer(packed.text):
        best: tuple[str, int, int] | None = None
        for section_id, score, pattern in _TITLE_AT:
            match = pattern.match(packed.text, prefix.end())
            if match is None:
                continue
            if best is None or (score, match.end()) > (best[1], best[2]):
                best = (section_id, score, match.end())
        if best is None:
            continue
        # Flattened tables run their last cell into the next heading ("…总计21317000001324019五、存在的…",
        # "…75394432.52元三、收到和处理…"): the template's own title needs no boundary before it.
        if best[1] != STANDARD and not _is_boundary(text, packed.offsets, packed.text, prefix.start()):
            continue
        start, end = packed.source_span(prefix.start(), best[2])
        number = prefix.group("num") or prefix.group("part")
        title = packed.text[prefix.end() : best[2]]
        found.append(_Heading(start, end, number, title, best[0], best[1], True))
    for match in _TABLE_TITLE_END.finditer(packed.text):
        title_start = _unnumbered_title_start(text, packed.offsets, packed.text, match.start())
        if title_start is None:
            continue
        if not packed.text.startswith("附件", title_start) and not packed.text.startswith("指标名称", match.end()):
            continue
        if any(h.start <= packed.offsets[title_start] < h.end for h in found):
            continue
        source_start, source_end = packed.source_span(title_start, match.end())
        title = packed.text[title_start : match.end()]
        found.append(_Heading(source_start, source_end, None, title, STATISTICS, VARIANT, False))
    return found


def _unnumbered_title_start(source: str, offsets: tuple[int, ...], packed: str, end: int) -> int | None:
    """Where an unnumbered title ending at ``end`` starts: at 附件, else at the nearest boundary (≤ 40 chars)."""
    attachment = packed.rfind("附件", max(end - 40, 0), end)
    if attachment >= 0:
        return attachment
    for start in range(end - 1, max(end - 40, 0) - 1, -1):
        if packed[start] in "。；;":
            return None
        if _is_boundary(source, offsets, packed, start):
            return start
    return None


def _generic_headings(text: str, accepted: list[_Heading]) -> list[_Heading]:
    """Numbered unknown titles in running text whose numeral continues the sequence of accepted headings."""
    folded = fold(text)
    result = list(accepted)
    for match in _GENERIC_INLINE.finditer(folded):
        start = match.start()
        if start > 0 and not (folded[start - 1].isspace() or folded[start - 1] in _BOUNDARY_CHARS):
            continue
        if any(h.start <= start < h.end for h in result) or _ROW_LABEL.search(match.group("title")):
            continue
        before = [h for h in result if h.start < start and h.number]
        if not before or _numeral_value(match.group("num")) != _numeral_value(before[-1].number or "") + 1:
            continue
        section_id, score = classify_title(match.group("title"))
        heading = _Heading(start, match.end("title"), match.group("num"), match.group("title"), section_id, score, True)
        result.append(heading)
        result.sort(key=lambda h: h.start)
    return result


def _merge_candidates(line: list[_Heading], inline: list[_Heading]) -> list[_Heading]:
    by_start: dict[int, _Heading] = {}
    for heading in [*inline, *line]:  # a whole-row heading wins over the inline reading of the same place
        existing = [s for s in by_start if abs(s - heading.start) <= 2]
        for key in existing:
            del by_start[key]
        by_start[heading.start] = heading
    return sorted(by_start.values(), key=lambda h: h.start)


def _drop_enumerations(text: str, headings: list[_Heading]) -> list[_Heading]:
    """Titles listed in a sentence ("包括：一、总体情况；二、主动公开政府信息情况；…") are not headings."""
    kept: list[_Heading] = []
    for index, heading in enumerate(headings):
        following = headings[index + 1] if index + 1 < len(headings) else None
        previous = headings[index - 1] if index > 0 else None
        listed = following is not None and _ENUMERATION_GAP.fullmatch(text[heading.end : following.start])
        listed = listed or (previous is not None and _ENUMERATION_GAP.fullmatch(text[previous.end : heading.start]))
        if not listed:
            kept.append(heading)
    return kept


def _drop_headings_in_tables(text: str, headings: list[_Heading]) -> list[_Heading]:
    """Inside a printed table only a known section title (variant or better) starts a new section."""
    kept: list[_Heading] = []
    for heading in headings:
        if heading.score < VARIANT and kept:
            previous = kept[-1]
            if _TABLE_MARKS.search(fold(text[previous.end : heading.start])):
                continue
        kept.append(heading)
    return kept


def _resolve_ids(headings: list[_Heading]) -> list[_Heading]:
    """One heading per id (the best title, the earliest on a tie); unnamed parts of 总体情况 join it."""
    best: dict[str, _Heading] = {}
    for heading in headings:
        if heading.id is None:
            continue
        holder = best.get(heading.id)
        if holder is None or heading.score > holder.score:
            best[heading.id] = heading
    result: list[_Heading] = []
    for heading in headings:
        if heading.id is not None and best[heading.id] is not heading:
            if not heading.numbered:
                continue  # an unnumbered repeat (a caption) is not a new section
            heading.match = "duplicate"
            heading.id = None
        elif heading.id is not None:
            heading.match = {STANDARD: "standard", VARIANT: "variant"}.get(heading.score, "keyword")
        else:
            heading.match = "unknown"
        result.append(heading)
    in_overview = False
    for heading in result:
        if heading.id == OVERVIEW:
            in_overview = True
        elif heading.id is None and in_overview:
            heading.id = OVERVIEW
            heading.match = "overview_part"
        else:
            in_overview = False
    return result


def _locators(rows: Sequence[Row], starts: list[int], start: int, end: int) -> tuple[str, ...]:
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_left(starts, end) - 1, first)
    return tuple(rows[i].locator for i in range(first, min(last + 1, len(rows))))


def split_sections(rows: Sequence[Row]) -> list[Section]:
    """The sections of a report in document order, each with its id, heading, body text and row locators.

    Text before the first heading is returned as a ``preamble`` section when it holds anything; a report with
    no recognisable heading comes back as a single preamble.
    """
    if not rows:
        return []
    text, starts = document_text(rows)
    candidates = _merge_candidates(_line_headings(rows, starts), _inline_headings(text))
    candidates = _generic_headings(text, candidates)
    headings = _resolve_ids(_drop_headings_in_tables(text, _drop_enumerations(text, candidates)))

    sections: list[Section] = []
    first = headings[0].start if headings else len(text)
    if text[:first].strip():
        body = text[:first]
        sections.append(
            Section(PREAMBLE, "", None, body.strip(), _locators(rows, starts, 0, first), 0, 0, first, PREAMBLE, False)
        )
    for index, heading in enumerate(headings):
        end = headings[index + 1].start if index + 1 < len(headings) else len(text)
        body = text[heading.end : end].strip()
        is_table = heading.id == STATISTICS or bool(_TABLE_MARKS.search(fold(body)))
        sections.append(
            Section(
                id=heading.id,
                heading=text[heading.start : heading.end].strip(),
                number=heading.number,
                text=body,
                locators=_locators(rows, starts, heading.start, end),
                start=heading.start,
                body_start=heading.end,
                end=end,
                match=heading.match,
                is_table=is_table,
            )
        )
    return sections


def rows_from_text(text: str) -> list[Row]:
    """Plain text as rows (one per line, ``line N`` locators), for callers that have no reader output."""
    return [Row((line,), f"line {number}") for number, line in enumerate(text.split("\n"), start=1)]


def section_text(sections: Sequence[Section], section_id: str) -> str | None:
    """The body of every section with ``section_id`` joined (None when the report has none)."""
    parts = [s.text for s in sections if s.id == section_id]
    return "\n".join(parts) if parts else None


def narrative_text(sections: Sequence[Section]) -> str:
    """All prose of the report: every section except printed tables (table sections, statistics tables).

    Headings are left out: their numerals and titles are not figures.
    """
    return "\n".join(s.text for s in sections if not s.is_table)


def found_ids(sections: Sequence[Section]) -> set[str]:
    """The canonical ids of the sections found (without the preamble and unnamed headings)."""
    return {s.id for s in sections if s.id is not None and s.id != PREAMBLE}
