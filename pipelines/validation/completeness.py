"""Is the report all there, on the right template, for the right period, on time — and who is missing?

format-spec §9.1a Q1–Q3 and §1:

- SECTION_PRESENT (Q2): each section of the template: the six of v2019/v2021 (一 总体情况 … 六 其他需要报告的
  事项), for legacy reports the four parts every 2007-条例 report has (概述, 主动公开, 依申请公开, 问题改进;
  收费, 复议诉讼 and 其他 are often folded into 依申请公开 or left out: 平潭 2011–2014 report 复议 inside 三).
  A warning: a heading lost by text extraction looks the same.
- TABLE_PRESENT (Q2): 表二/表三/表四 each printed (at least one cell printed, even as a placeholder) and not
  entirely blank (at least one printed number). Modern templates only.
- TEMPLATE_CURRENT (Q3): v2021 for reports of 2021 on, v2019 for 2019–2020, legacy before. An older template
  than the year calls for is a FAIL (昌图县文旅广局 2021 on v2019); a newer one is only noted.
- PERIOD: the statistics period stated in the preamble covers 1月1日–12月31日 of the report year (咸宁人防办
  2018 counted to 12月14日). NOT_ASSESSABLE when the report states none.
- ON_TIME (Q1): published by the deadline of 条例 第四十九条: 1月31日 of Y+1 for 县级以上 departments, 3月31日
  for governments; before the 2019 revision (reports up to 2018) 3月31日 for everyone. Townships, 街道 and
  other bodies are not named in 第四十九条 — local notices set their dates — so 3月31日 is applied as a
  reference and a late one is reported as ``info``.
- coverage_gaps: the years in a range for which an issuer has no report.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from pipelines.canonical.cells import Cell
from pipelines.validation import keys as K
from pipelines.validation.findings import FAIL, INFO, NOT_ASSESSABLE, PASS, Finding, finding, number

MODERN_SECTIONS = ("sec_overview", "sec_active", "sec_requests", "sec_review_litigation", "sec_problems", "sec_other")
LEGACY_SECTIONS = ("sec_overview", "sec_active", "sec_requests", "sec_problems")
SECTION_NAMES = {
    "sec_overview": "一、总体情况",
    "sec_active": "二、主动公开政府信息情况",
    "sec_requests": "三、收到和处理政府信息公开申请情况",
    "sec_review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "sec_problems": "五、存在的主要问题及改进情况",
    "sec_other": "六、其他需要报告的事项",
}
_PRINTED = frozenset({"number", "blank", "dash", "slash", "none_text"})

#: Admin levels (identity.issuers.AdminLevel) that 条例 第四十九条 names, and their deadline (month, day) in Y+1.
DEPARTMENT_LEVELS = frozenset({"central_dept", "provincial_dept", "prefecture_dept", "county_dept"})
GOVERNMENT_LEVELS = frozenset({"provincial_gov", "prefecture_gov", "county_gov"})


def expected_template(year: int) -> str:
    """The template a report of ``year`` should use (format-spec §0)."""
    if year >= 2021:
        return K.V2021
    if year >= 2019:
        return K.V2019
    return K.LEGACY


_AGE = {K.LEGACY: 0, K.V2019: 1, K.V2021: 2}


def check_sections(template: str | None, found: Collection[str]) -> list[Finding]:
    """SECTION_PRESENT for every section the template calls for; ``found`` are the section ids present."""
    wanted = MODERN_SECTIONS if template in K.MODERN else LEGACY_SECTIONS
    findings = []
    for section in wanted:
        name = SECTION_NAMES[section]
        if section in found:
            findings.append(finding("SECTION_PRESENT", f"section:{section}", PASS, None, None, f"{name} found"))
        else:
            message = f"{name} not found (no heading naming it)"
            findings.append(finding("SECTION_PRESENT", f"section:{section}", FAIL, None, None, message))
    return findings


def check_tables(template: str | None, cells: Mapping[str, Cell]) -> list[Finding]:
    """TABLE_PRESENT for 表二/表三/表四 of a modern report: printed, and not entirely blank."""
    if template not in K.MODERN:
        return []
    findings = []
    for table, name in (("t2", "表二"), ("t3", "表三"), ("t4", "表四")):
        table_cells = [cell for key, cell in cells.items() if key.startswith(f"{table}.")]
        printed = [cell for cell in table_cells if cell.status in _PRINTED]
        numbers = [cell for cell in printed if number(cell) is not None]
        scope = f"table:{table}"
        if not printed:
            findings.append(finding("TABLE_PRESENT", scope, FAIL, len(table_cells), 0, f"{name} not found"))
        elif not numbers:
            message = f"{name} printed but entirely blank ({len(printed)} cells, no number)"
            findings.append(finding("TABLE_PRESENT", scope, FAIL, len(table_cells), 0, message))
        else:
            message = f"{name}: {len(numbers)} of {len(table_cells)} cells print a number"
            findings.append(finding("TABLE_PRESENT", scope, PASS, len(table_cells), len(numbers), message))
    return findings


def check_template_current(template: str | None, year: int | None) -> Finding:
    """TEMPLATE_CURRENT: the report's template is the one its year calls for (older: FAIL, newer: info)."""
    if template is None or year is None:
        missing = "template" if template is None else "year"
        return finding("TEMPLATE_CURRENT", "report", NOT_ASSESSABLE, None, None, f"{missing} unknown")
    wanted = expected_template(year)
    if template == wanted:
        return finding("TEMPLATE_CURRENT", "report", PASS, None, None, f"{year} report on {template}")
    if _AGE.get(template, 0) < _AGE[wanted]:
        message = f"{year} report on the older {template} template ({wanted} applies from {_first_year(wanted)})"
        return finding("TEMPLATE_CURRENT", "report", FAIL, None, None, message)
    message = f"{year} report on {template}, newer than the {wanted} its year calls for"
    return finding("TEMPLATE_CURRENT", "report", PASS, None, None, message, severity=INFO)


def _first_year(template: str) -> int:
    return {K.V2021: 2021, K.V2019: 2019}.get(template, 2008)


def check_period(year: int | None, period: tuple[date, date] | None) -> Finding:
    """PERIOD: the stated statistics period is 1月1日–12月31日 of the report year."""
    if year is None:
        return finding("PERIOD", "report", NOT_ASSESSABLE, None, None, "report year unknown")
    if period is None:
        return finding("PERIOD", "report", NOT_ASSESSABLE, None, None, "no statistics period stated")
    start, end = period
    wanted = (date(year, 1, 1), date(year, 12, 31))
    expected, actual = _ordinal(wanted[1]) - _ordinal(wanted[0]), _ordinal(end) - _ordinal(start)
    text = f"{start.isoformat()} – {end.isoformat()}"
    if (start, end) == wanted:
        return finding("PERIOD", "report", PASS, expected, actual, f"statistics period {text}")
    message = f"statistics period {text} is not the calendar year {year}"
    return finding("PERIOD", "report", FAIL, expected, actual, message)


def _ordinal(day: date) -> int:
    return day.toordinal()


def deadline(level: str | None, year: int) -> tuple[date, bool]:
    """The publication deadline of a report for ``year`` and whether 条例 第四十九条 sets it for ``level``.

    2019 条例 (reports from 2019 on): departments 1月31日, governments 3月31日 of Y+1. 2007 条例 (reports up
    to 2018): 3月31日 for everyone. Other levels (township, 街道, 开发区 …): 3月31日 as a reference only.
    """
    if year <= 2018:
        return date(year + 1, 3, 31), True
    if level in DEPARTMENT_LEVELS:
        return date(year + 1, 1, 31), True
    if level in GOVERNMENT_LEVELS:
        return date(year + 1, 3, 31), True
    return date(year + 1, 3, 31), False


def check_on_time(year: int | None, published: date | None, level: str | None) -> Finding:
    """ON_TIME: ``published`` ≤ deadline(level, year); ``expected``/``actual`` are the dates as yyyymmdd."""
    if year is None or published is None:
        missing = "report year" if year is None else "publication date"
        return finding("ON_TIME", "report", NOT_ASSESSABLE, None, None, f"{missing} unknown")
    limit, statutory = deadline(level, year)
    basis = (
        "条例 第四十九条" if statutory else f"no statutory deadline for {level or 'this body'}; 3月31日 as reference"
    )
    expected, actual = _yyyymmdd(limit), _yyyymmdd(published)
    if published <= limit:
        message = f"published {published.isoformat()}, by {limit.isoformat()} ({basis})"
        return finding("ON_TIME", "report", PASS, expected, actual, message)
    days = (published - limit).days
    message = f"published {published.isoformat()}, {days} days after {limit.isoformat()} ({basis})"
    return finding("ON_TIME", "report", FAIL, expected, actual, message, severity=None if statutory else INFO)


def _yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def check_completeness(
    template: str | None,
    year: int | None,
    sections_found: Collection[str],
    cells: Mapping[str, Cell],
    *,
    period: tuple[date, date] | None = None,
    published: date | None = None,
    level: str | None = None,
) -> list[Finding]:
    """SECTION_PRESENT, TABLE_PRESENT, TEMPLATE_CURRENT, PERIOD and ON_TIME for one report."""
    findings = check_sections(template, sections_found)
    findings.extend(check_tables(template, cells))
    findings.append(check_template_current(template, year))
    findings.append(check_period(year, period))
    findings.append(check_on_time(year, published, level))
    return findings


def coverage_gaps(
    issuer_years: Mapping[str, Collection[int]], years: range, *, from_first_report: bool = False
) -> dict[str, list[int]]:
    """For each issuer, the years of ``years`` without a report (issuers without gaps are left out).

    With ``from_first_report`` the years before an issuer's first report are not counted as missing (a body
    created in 2015, a portal that starts in 2016).
    """
    gaps: dict[str, list[int]] = {}
    for issuer, have in issuer_years.items():
        present = set(have)
        first = min(present) if present and from_first_report else years.start
        missing = [year for year in years if year >= first and year not in present]
        if missing:
            gaps[issuer] = missing
    return gaps
