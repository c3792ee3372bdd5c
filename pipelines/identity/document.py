"""Facts about a report read from its text lines: statistics period, publication date, codes, scope, kind.

Every function takes the document's lines (``ExtractedDocument.rows`` as text) and never raises. Lines may
be one per paragraph (HTML, Word), wrapped mid-sentence (PDF: "统计期限自 2023 年 1 月 1 日" / "起至 2023 年
12 月 31 日止"), or one huge line (crawled ``page.txt`` bodies), so sentences are searched in the joined,
compacted text (``_text.compact``: NFKC, no whitespace).

* ``statistics_period``: the 统计期限 sentence of the preamble (format-spec §2). The report year follows from it;
  a period other than the calendar year is a defect (咸宁人防办 2018 counted to 12月14日), and "统计期限自至。"
  (平潭县 2013) is a template left unfilled — reported with that reason instead of a period.
* ``publication_date``: the portal's date (crawler header ``发布时间:``, page line ``来源：… 时间：``, metadata
  ``公开日期``) when there is one, else the date printed under the signature at the end (成文日期). The two
  differ (平潭县 2011: signed 2012-02-20, published 2012-04-18), and on-time checks (§9.1a Q1) need the portal
  date; ``find_publication_date`` says which one was found.
* ``uscc`` / ``organisation_code`` / ``index_number`` / ``site_id``: registry codes printed in the page
  (§10.1). A USCC is accepted only with a valid GB 32100 check character, an organisation code only with a
  valid GB 11714 one. Division digits inside a USCC are the registering authority's at registration time:
  a hint, never the issuer's region.
* ``scope``: ``region_aggregate`` when the preamble says the report rolls up other bodies' reports
  (汇总…各有关单位, 以及…各乡镇人民政府的…年度报告编制), else ``agency``.
* ``classify``: ``annual_report`` or ``not_a_report`` with a reason a person can check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from pipelines.canonical.text import memo_short
from pipelines.identity._text import CN_DATE, compact, make_date, parse_date

Scope = Literal["agency", "region_aggregate"]
Kind = Literal["annual_report", "not_a_report"]

# --- statistics period ---------------------------------------------------------------------------------

_PERIOD_HEAD = r"统计(?:期限|时限|周期|时间段?|区间|期间|时段|范围)"
_PERIOD = re.compile(
    _PERIOD_HEAD
    + r"(?:为|是|:)?(?:自|从)?"
    + r"(?:(?P<y1>(?:19|20)\d{2})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日)?(?:起)?"
    + r"(?:至|到|-|—|~|〜)"
    + r"(?:(?:(?P<y2>(?:19|20)\d{2})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)?(?:止)?"
)
_PERIOD_YEAR = re.compile(_PERIOD_HEAD + r"(?:为|是|:)?(?P<y>(?:19|20)\d{2})年度?(?!\d{0,2}月)")
_PERIOD_ANY = re.compile(_PERIOD_HEAD)


@dataclass(frozen=True)
class StatisticsPeriod:
    """The period the report's figures cover, as its preamble states it; ``reason`` says why one is missing."""

    start: date | None
    end: date | None
    text: str | None = None
    reason: str | None = None

    @property
    def full_year(self) -> bool:
        """The period is exactly one calendar year (the norm; anything else is worth a warning)."""
        return (
            self.start is not None
            and self.end is not None
            and (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)
            and self.start.year == self.end.year
        )


def _joined(lines: Iterable[str]) -> str:
    """All lines compacted and joined without separator (PDF lines break inside sentences)."""
    return "".join(compact(line) for line in lines)


def find_statistics_period(lines: Sequence[str]) -> StatisticsPeriod:
    """The first statistics-period sentence with readable dates, or why there is none."""
    text = _joined(lines)
    defect: str | None = None
    for match in _PERIOD.finditer(text):
        if match.group("y1") is None and match.group("m2") is None:
            defect = defect or match.group(0)
            continue
        if match.group("y1") is None:
            defect = defect or match.group(0)
            continue
        year = int(match.group("y1"))
        start = make_date(year, int(match.group("m1")), int(match.group("d1")))
        end = None
        if match.group("m2") is not None:
            end_year = int(match.group("y2")) if match.group("y2") else year
            end = make_date(end_year, int(match.group("m2")), int(match.group("d2")))
        if start is None or end is None or end < start:
            return StatisticsPeriod(None, None, match.group(0), "the statistics period's dates are impossible")
        return StatisticsPeriod(start, end, match.group(0))
    whole = _PERIOD_YEAR.search(text)
    if whole:
        year = int(whole.group("y"))
        return StatisticsPeriod(date(year, 1, 1), date(year, 12, 31), whole.group(0))
    if defect is not None:
        return StatisticsPeriod(
            None,
            None,
            defect,
            f"the statistics-period sentence gives no dates ({defect}): the template was left unfilled",
        )
    stated = _PERIOD_ANY.search(text)
    if stated:
        snippet = text[stated.start() : stated.start() + 30]
        return StatisticsPeriod(
            None, None, snippet, f"a statistics-period sentence whose dates cannot be read: {snippet}"
        )
    return StatisticsPeriod(None, None, None, "no statistics-period sentence (统计期限…) in the text")


def statistics_period(lines: Sequence[str]) -> tuple[date, date] | None:
    """``(start, end)`` of the statistics period, or ``None`` (see ``find_statistics_period`` for why)."""
    period = find_statistics_period(lines)
    if period.start is None or period.end is None:
        return None
    return period.start, period.end


# --- publication date ----------------------------------------------------------------------------------

_SPACED_DATE = (
    r"(?:(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))|" + CN_DATE + ")"
)
_PORTAL_DATE = re.compile(
    r"(?:发布时间|发布日期|公开日期|公开时间|公布日期|发文日期|生成日期|信息时间)\s*[:：]?\s*(?P<date>"
    + _SPACED_DATE
    + ")"
)
_SOURCE_TIME = re.compile(r"来源\s*[:：].{0,40}?时间\s*[:：]?\s*(?P<date>" + _SPACED_DATE + ")")
_WRITTEN_DATE = re.compile(r"成文日期\s*[:：]?\s*(?P<date>" + _SPACED_DATE + ")")
#: A signer before the date on the same line ("平潭综合实验区管委会办公室 2014年12月10日") ends like an organ.
_SIGNER_END = "人民政府|政府|局|委员会|委|办公室|办公厅|厅|管委会|办事处|中心|院|所|镇|乡|街道|区|县|市"
_SIGNER = r"(?:[\u4e00-\u9fff()]{2,30}?(?:" + _SIGNER_END + r")\s*)?"
_SIGNATURE_DATE = re.compile(
    r"(?:^|[。！；;>]\s*)"
    + _SIGNER
    + r"(?P<date>"
    + _SPACED_DATE
    + r")\s*(?=$|附|\s(?!\s*(?:星期|周[一二三四五六日天])))"
)
_WS = re.compile(r"\s+")
#: How far from the start portal metadata ("来源：… 时间：…", 公开日期) is looked for.
_META_WINDOW = 60

DateSource = Literal["portal", "signature"]


@dataclass(frozen=True)
class DateEvidence:
    """A date and where it was read: ``portal`` (the site's publication date) or ``signature`` (成文日期)."""

    value: date
    source: DateSource
    text: str


@memo_short
def _plain(line: str) -> str:
    """NFKC with runs of whitespace kept as one space (numbers on both sides of a gap must stay apart).

    Memoised: the date, code and 索引号 finders each read the same lines of one report (~530 calls a report).
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", line)).strip()


def _date_of(found: re.Match[str]) -> date | None:
    return parse_date(compact(found.group("date")))


def signed_date(lines: Sequence[str]) -> DateEvidence | None:
    """The date printed under the signature (or a labelled 成文日期).

    A signature date stands alone: on its own line (possibly after the signing body's name), or in
    run-together text right after a sentence end and followed by a gap or ``附件``. The last such date
    wins, since page chrome and appended tables may follow the signature; dated banners
    ("2025年12月30日 星期二") and dates inside sentences do not stand alone.
    """
    for line in lines:
        written = _WRITTEN_DATE.search(_plain(line))
        if written and (value := _date_of(written)):
            return DateEvidence(value, "signature", written.group(0))
    for line in reversed(lines):
        text = _plain(line)
        for found in reversed(list(_SIGNATURE_DATE.finditer(text))):
            value = _date_of(found)
            if value is not None:
                return DateEvidence(value, "signature", found.group("date"))
    return None


def portal_date(lines: Sequence[str], header_lines: Sequence[str] = ()) -> DateEvidence | None:
    """The site's publication date: crawler header, then the page's own metadata near the top."""
    for line in [*header_lines, *lines[:_META_WINDOW]]:
        text = _plain(line)
        found = _PORTAL_DATE.search(text) or _SOURCE_TIME.search(text)
        if found and (value := _date_of(found)):
            return DateEvidence(value, "portal", found.group(0))
    return None


def find_publication_date(lines: Sequence[str], header_lines: Sequence[str] = ()) -> DateEvidence | None:
    """The portal's publication date if printed, else the signature date."""
    return portal_date(lines, header_lines) or signed_date(lines)


def publication_date(lines: Sequence[str], title_hint_lines: Sequence[str] = ()) -> date | None:
    """When the report was published (``title_hint_lines``: the crawler header or page metadata, if kept)."""
    found = find_publication_date(lines, title_hint_lines)
    return found.value if found else None


_HEADER_LINE = re.compile(r"^\s*(?P<key>[^:：\s]{1,8})\s*[:：]\s*(?P<value>.*?)\s*$")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")


def crawler_header(text: str | Sequence[str]) -> dict[str, str]:
    """The archive crawler's ``key: value`` header (标题, 发布时间, 发布机构 …) above ``==== 正文 ====``.

    The text reader drops these lines from the rows; they hold the portal date and the publishing body.
    Empty if the text has no such header.
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    header: dict[str, str] = {}
    for line in lines[:40]:
        if _BODY_MARK.match(line):
            return header
        found = _HEADER_LINE.match(line)
        if found:
            header.setdefault(found.group("key"), found.group("value"))
    return {}


# --- registry codes ------------------------------------------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"(?<![0-9A-Z])([1-9ANY][1-9]\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_INDEX_NO = re.compile(r"索引号\s*[:：]?\s*(?P<value>[0-9A-Za-z][0-9A-Za-z/\-_.]*)")
_ORG_IN_INDEX = re.compile(r"^(?P<code>[0-9A-Z]{8})-?(?P<check>[0-9X])(?![0-9A-Z])")
_SITE_ID = re.compile(r"网站标识码\s*[:：]?\s*(?P<value>[0-9A-Za-z]{6,12})")


def uscc_check_char(first17: str) -> str | None:
    """The GB 32100 check character for the first 17 characters of a USCC, ``None`` if they are not valid."""
    if len(first17) != 17 or any(ch not in _USCC_CHARS for ch in first17):
        return None
    total = sum(_USCC_CHARS.index(ch) * weight for ch, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """An 18-character 统一社会信用代码 whose last character is its check character."""
    return len(code) == 18 and uscc_check_char(code[:17]) == code[17]


def org_code_check_char(first8: str) -> str | None:
    """The GB 11714 check character of an organisation code (组织机构代码), ``None`` if not computable."""
    if len(first8) != 8 or not first8.isalnum() or not first8.isascii():
        return None
    total = sum(int(ch, 36) * weight for ch, weight in zip(first8.upper(), _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


@dataclass(frozen=True)
class UsccParts:
    """A USCC split into its GB 32100 fields; ``division_code`` is the registering authority's, then."""

    code: str
    registration_dept: str  # 1 机构编制, 5 民政, 9 工商 …
    category: str  # with 1: 1 机关, 2 事业单位 …
    division_code: str
    org_code: str


def parse_uscc(code: str) -> UsccParts | None:
    """The fields of a valid USCC, else ``None``."""
    code = code.strip().upper()
    if not is_valid_uscc(code):
        return None
    return UsccParts(code, code[0], code[1], code[2:8], code[8:17])


def uscc(lines: Sequence[str]) -> str | None:
    """The first valid 统一社会信用代码 in the text (索引号 prefixes, URLs, 信用代码 lines), else ``None``."""
    for line in lines:
        for found in _USCC.finditer(_plain(line).upper()):
            if is_valid_uscc(found.group(1)):
                return found.group(1)
    return None


def index_number(lines: Sequence[str]) -> str | None:
    """The 索引号 as printed (portal-specific format; use only to extract codes)."""
    for line in lines[:_META_WINDOW]:
        found = _INDEX_NO.search(_plain(line))
        if found:
            return found.group("value")
    return None


def organisation_code(lines: Sequence[str]) -> str | None:
    """The 9-character organisation code: from a USCC (characters 9–17) or an 索引号 that starts with one."""
    code = uscc(lines)
    if code is not None:
        return code[8:17]
    number = index_number(lines)
    if number is None:
        return None
    found = _ORG_IN_INDEX.match(number.upper())
    if found and org_code_check_char(found.group("code")) == found.group("check"):
        return found.group("code") + found.group("check")
    return None


def site_id(lines: Sequence[str]) -> str | None:
    """The 网站标识码 in the page footer (first 6 digits usually the region code — unverified, §10.1)."""
    for line in lines:
        found = _SITE_ID.search(_plain(line))
        if found:
            return found.group("value")
    return None


# --- scope ---------------------------------------------------------------------------------------------

_PREAMBLE_START = re.compile(r"本报告|根据《|依据《|按照《")
_FIRST_SECTION = re.compile(r"一、")
_PREAMBLE_LIMIT = 600
_UNITS = (
    r"(?:县\(市、区\)|县\(市、区、管委会\)|县\(区\)|县\(市\)|县市区|县区|区县|市、县\(区\)|乡镇\(街道\)|乡\(镇\)"
    r"|镇\(街道\)|乡镇|街道|相关部门|有关部门|部门|有关单位|相关单位|单位|直属单位|成员单位|区直单位)"
)
_AGGREGATE = (
    re.compile(r"汇总[^。]{0,30}?(?:各|所属|下属|全(?:省|市|县|区))"),
    re.compile(r"综合[^。]{0,40}?各" + _UNITS),
    re.compile(r"各" + _UNITS + r"[^。]{0,40}?(?:年度报告|工作情况|报告)[^。]{0,10}?(?:编制|汇总|综合|基础上)"),
)


@dataclass(frozen=True)
class ScopeEvidence:
    """``region_aggregate`` when the preamble says other bodies' reports were rolled in; the words that say so."""

    kind: Scope
    evidence: str | None


def preamble(lines: Sequence[str]) -> str:
    """The compacted text from the first 本报告 / 根据《… up to section 一 (at most 600 characters)."""
    text = _joined(lines)
    start = _PREAMBLE_START.search(text)
    if start is None:
        return ""
    window = text[start.start() : start.start() + _PREAMBLE_LIMIT]
    section = _FIRST_SECTION.search(window)
    return window[: section.start()] if section else window


def find_scope(lines: Sequence[str]) -> ScopeEvidence:
    """Scope from the preamble's wording; ``agency`` unless it says the report aggregates other bodies."""
    text = preamble(lines)
    for pattern in _AGGREGATE:
        found = pattern.search(text)
        if found:
            return ScopeEvidence("region_aggregate", text[max(0, found.start() - 10) : found.end() + 20])
    return ScopeEvidence("agency", None)


def scope(lines: Sequence[str]) -> Scope:
    """``agency`` (the body's own work) or ``region_aggregate`` (a roll-up of the region's bodies)."""
    return find_scope(lines).kind


# --- classification ------------------------------------------------------------------------------------


class Classification(NamedTuple):
    """Whether a document is an annual disclosure report, and why."""

    kind: Kind
    reason: str
    #: False when the verdict only rests on what is missing (no report title, no report sections) rather
    #: than on evidence that the document is something else (a letter, a notice, a template).
    evidence: bool = True


_TITLE_JUNK = re.compile(r"[《》〈〉“”\"'‘’「」『』【】#]|^标题:")
_REPORT_TITLE = re.compile(r"(?:信息公开|政务公开)[^。]{0,12}?(?:年度报告|年报|报告)")
_PLACEHOLDER = re.compile(r"(?:19|20)?[X×xＸ]{2,4}年|××|XX(?:镇|县|市|区|局)")
_NOT_REPORT_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:模板|模版|样本|范本|样表|示例|空表)"), "a blank template ({0}), not a report"),
    (re.compile(r"报告格式(?:\(试行\))?$"), "the report format (格式), a blank template, not a report"),
    (re.compile(r"(?:通知|通报|通告|公告|公示)$"), "a notice ({0}), not an annual report"),
    (re.compile(r"(?:批复|意见|决定|办法|规定|制度|细则)$"), "a rule or decision ({0}), not an annual report"),
    (re.compile(r"目录"), "a catalogue page ({0}), not an annual report"),
    (re.compile(r"指南$"), "a disclosure guide ({0}), not an annual report"),
    (re.compile(r"图解|一图读懂|解读"), "an illustration or interpretation ({0}) of the report, not the report"),
    (re.compile(r"统计表$"), "a statistics table alone ({0}), not the report"),
    (re.compile(r"说明$"), "an explanatory note ({0}), not an annual report"),
    (re.compile(r"(?:工作)?要点"), "a work plan ({0}), not an annual report"),
    (re.compile(r"(?:方案|计划|安排)$"), "a plan ({0}), not an annual report"),
)
_SECTIONS = (
    re.compile(r"总体情况|概述"),
    re.compile(r"主动公开(?:政府)?信息(?:的)?(?:工作)?情况|主动公开情况"),
    re.compile(r"收到和处理政府信息公开申请|依申请公开(?:政府信息)?(?:的)?(?:工作)?情况"),
    re.compile(r"行政复议"),
    re.compile(r"存在的?主要问题|主要问题(?:及|和)改进"),
    re.compile(r"其他需要报告的事项"),
    re.compile(r"收费(?:及|和)减免"),
)
_SECTION_QUORUM = 4
_SALUTATION = re.compile(r"^[^。，,]{2,24}(?:办公厅|办公室|人民政府|政府|局|委员会|厅)[:：]")


def _letter_reason(title: str) -> str:
    if "要点" in title:
        return "a letter (函) about the year's work plan (工作要点), not an annual report"
    if _REPORT_TITLE.search(title):
        return "a letter (函) about the annual report (a cover or request letter), not the report itself"
    return "a letter (函), not an annual report"


def _sections_found(text: str) -> int:
    return sum(1 for pattern in _SECTIONS if pattern.search(text))


def classify(lines: Sequence[str], title: str | None) -> Classification:
    """``annual_report`` or ``not_a_report``, decided by the title first, then the body.

    A title naming something else (…的函, …通知, 工作要点, 模板, 目录, 图解) makes the document not a report even
    if it mentions the annual report; a title naming 政府信息公开 / 政务公开 / 信息公开 with 年度报告 / 年报 / 报告
    makes it one. With no telling title, the report's own sections decide (at least four of 总体情况, 主动公开,
    依申请公开, 行政复议, 存在的主要问题, 其他需要报告的事项, 收费及减免), after ruling out blank templates
    (placeholders such as 20XX年) and letters (a salutation "省政府办公厅：" opening the text).
    """
    head = [compact(line) for line in lines[:12]]
    text = _joined(lines)
    name = _TITLE_JUNK.sub("", compact(title)) if title else ""
    sections = _sections_found(text)
    if name:
        if name.endswith("函"):
            reason = _letter_reason(name)
            if sections >= _SECTION_QUORUM:
                reason += " (its body has the report's sections: check whether the report is attached)"
            return Classification("not_a_report", reason)
        if _PLACEHOLDER.search(name):
            return Classification("not_a_report", f"a blank template (placeholder in the title: {name})")
        names_report = _REPORT_TITLE.search(name) is not None
        for pattern, reason in _NOT_REPORT_TITLES:
            found = pattern.search(name)
            if found and not (names_report and found.group(0).endswith("要点")):
                return Classification("not_a_report", reason.format(found.group(0)))
        if names_report:
            return Classification("annual_report", f"the title names the disclosure annual report: {name}")
    if any(_PLACEHOLDER.search(line) for line in head[:5]):
        return Classification("not_a_report", "a blank template (placeholders such as 20XX年 at the top)")
    if any(_SALUTATION.match(line) for line in head[:3]):
        return Classification("not_a_report", "a letter (it opens with a salutation to another office)")
    if sections >= _SECTION_QUORUM:
        what = f"the title ({name}) does not name it, but" if name else "no title, but"
        return Classification("annual_report", f"{what} the text has {sections} of the report's sections")
    if name:
        return Classification(
            "not_a_report",
            f"the title ({name}) names no disclosure report and the text has not the report's sections",
            evidence=False,
        )
    return Classification("not_a_report", "no title naming the report and not the report's sections", evidence=False)
