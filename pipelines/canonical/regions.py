"""Where the three statistics tables are in a report, and which template era they follow.

A report's preface often names every section
("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开 申请情况…"), and its narrative mentions
行政复议 and 规范性文件; none of that may be read as a table. So each table is found by marks only the table
prints (表二's "第二十条第（一）项" item rows, 表三's printed rule "勾稽关系" / "申请人情况" / first row
label with 数量, 表四's "行政复议" header after 表三), and a region runs to the start of the next one. A
numbered section title just before a mark ("三、收到和处理…") is taken into the next region, so that its
number is not read as the last value of the previous table.

The template is decided from the tables' own wording (format-spec appendix B), never from the year and never
from the narrative: the 2018 report mentions 政府集中采购 in its prose, and is not a v2019 report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.canonical import layout

#: How far before a table mark its section title may start.
_TITLE_WINDOW = 60
_TITLE_START = re.compile(rf"{layout.SECTION_NUMBER}[^\d\t\n、.．。]*$")


@dataclass(frozen=True)
class Regions:
    """Offsets of the tables in the linear text; ``None`` for a table not found. Each is ``[start, end)``."""

    t2: tuple[int, int] | None
    t3: tuple[int, int] | None
    t4: tuple[int, int] | None

    @property
    def span(self) -> tuple[int, int] | None:
        """From the first table found to the end of the last."""
        found = [r for r in (self.t2, self.t3, self.t4) if r is not None]
        if not found:
            return None
        return found[0][0], found[-1][1]

    @property
    def found(self) -> list[str]:
        return [name for name, r in (("t2", self.t2), ("t3", self.t3), ("t4", self.t4)) if r is not None]


def _title_start(text: str, mark: int, floor: int) -> int:
    """The start of a numbered section title ending right at ``mark`` (``三、收到和处理…``), else ``mark``."""
    window_start = max(floor, mark - _TITLE_WINDOW)
    match = _TITLE_START.search(text, window_start, mark)
    return match.start() if match else mark


def find_regions(text: str) -> Regions:
    """Locate 表二, 表三 and 表四 in the normalised linear ``text``."""
    t2_match = layout.T2_ITEM.search(text) or layout.T2_TITLE.search(text)
    t2_start = t2_match.start() if t2_match else None
    if t2_match is not None and t2_match.re is layout.T2_ITEM:
        t2_start = _title_start(text, t2_match.start(), 0)

    floor = t2_start or 0
    t3_marks = [m for m in (layout.T3_MARK.search(text, floor), layout.T3_TITLE.search(text, floor)) if m]
    t3_start = min(m.start() for m in t3_marks) if t3_marks else None
    if t3_start is not None:
        t3_start = _title_start(text, t3_start, floor)

    t4_start: int | None = None
    t4_end: int | None = None
    if t3_start is not None:
        t4_match = layout.T4_MARK.search(text, t3_start)
        if t4_match:
            t4_start = _title_start(text, t4_match.start(), t3_start)
            end_candidates = [len(text)]
            end_match = layout.T4_END.search(text, t4_match.end())
            if end_match:
                end_candidates.append(_title_start(text, end_match.start(), t4_match.end()))
            sentence_end = text.find("。", t4_match.end())
            if sentence_end >= 0:
                end_candidates.append(sentence_end)
            t4_end = min(end_candidates)

    t2 = (t2_start, t3_start if t3_start is not None else len(text)) if t2_start is not None else None
    if t2 is not None and t3_start is None:
        # 表二 without 表三: end at the first sentence of prose after it.
        sentence_end = text.find("。", t2[0])
        t2 = (t2[0], sentence_end if sentence_end >= 0 else len(text))
    t3 = (t3_start, t4_start if t4_start is not None else len(text)) if t3_start is not None else None
    t4 = (t4_start, t4_end) if t4_start is not None and t4_end is not None else None
    return Regions(t2, t3, t4)


def _count(patterns: tuple[str, ...], text: str) -> int:
    return sum(1 for p in patterns if re.search(p, text))


def detect_template(text: str, regions: Regions | None = None) -> str | None:
    """The template era (``v2021`` / ``v2019``) from the tables' content, or None when no modern table is
    found.

    表二 decides when it carries a fingerprint (its columns changed completely in 2021); otherwise 表三
    does: the
    v2021 sub-rows of （六） (``逾期不补正``, ``未按收费通知``) mean v2021, a 表三 without them v2019.
    """
    regions = regions or find_regions(text)
    t2_text = text[regions.t2[0] : regions.t2[1]] if regions.t2 else ""
    t3_text = text[regions.t3[0] : regions.t3[1]] if regions.t3 else ""
    new, old = _count(layout.V2021_T2_MARKS, t2_text), _count(layout.V2019_T2_MARKS, t2_text)
    if new > old:
        return "v2021"
    if old > new:
        return "v2019"
    if _count(layout.T3_CORE_MARKS, t3_text) >= 2:
        return "v2021" if _count(layout.V2021_T3_MARKS, t3_text) else "v2019"
    return None
