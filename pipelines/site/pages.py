"""The pages of the trend site: the overview, one page per region and one per issuer, as HTML text.

Pages are pure functions of :class:`~pipelines.site.model.SiteData` (and of where the raw files are, for the
source links), so the same warehouse gives the same bytes. Layout of the site folder::

    index.html                 overview: coverage, totals per year, quality, regions, issuers
    style.css                  the one stylesheet
    regions/<level>-<code>.html  a division of the 民政部 list (province, prefecture, county, township)
    issuers/<slug>.html        one government body (slug: its issuer_key, or a hash of a key that is a name)

Table cells holding a mart value carry ``data-measure`` (the mart column) and ``data-year``, so tests and
scrapers find a figure without depending on the layout.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipelines.canonical.registry import metric
from pipelines.site import svg
from pipelines.site.markup import (
    NULL,
    Content,
    Markup,
    amount,
    el,
    integer,
    num,
    page,
    rate,
    score,
    table,
    text,
)
from pipelines.site.model import FIGURE_BY_COLUMN, FIGURES, Figure, Record, SiteData, figure_keys

LEVELS = ("province", "prefecture", "county", "township")
LEVEL_LABELS = {
    "province": "省级 province",
    "prefecture": "地级 prefecture",
    "county": "县级 county",
    "township": "乡级 township",
}
ADMIN_LEVELS = {
    "central_dept": "中央部门",
    "provincial_gov": "省级政府",
    "provincial_dept": "省级部门",
    "prefecture_gov": "市级政府",
    "prefecture_dept": "市级部门",
    "county_gov": "县级政府",
    "county_dept": "县级部门",
    "township_gov": "乡镇政府",
    "subdistrict": "街道",
    "dev_zone": "开发区、管委会",
    "other_body": "其他机构",
}


def admin_level(value: object) -> str:
    """An admin_level code with its Chinese name (county_gov → 县级政府 county_gov)."""
    if value is None:
        return NULL
    name = ADMIN_LEVELS.get(str(value))
    return f"{name} {value}" if name else str(value)


# --------------------------------------------------------------------------------------------------------
# Where pages live and where the raw files are


_SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")


def issuer_file(issuer_key: str) -> str:
    """The page of an issuer, relative to the site root: its key when that is a safe file name (``iss-…``),
    else ``k-`` and a hash of the key (a key that is a normalised Chinese name)."""
    if _SAFE_KEY.fullmatch(issuer_key):
        return f"issuers/{issuer_key}.html"
    return f"issuers/k-{hashlib.sha256(issuer_key.encode('utf-8')).hexdigest()[:16]}.html"


def region_file(level: str, code: str) -> str:
    """The page of a division, relative to the site root (the level is in the name: codes repeat across levels
    in principle, e.g. a prefecture's 4-digit prefix padded with 00)."""
    return f"regions/{level}-{re.sub(r'[^0-9A-Za-z]', '_', code)}.html"


_PDF_PAGE = re.compile(r"^page (\d+)\b")


@dataclass
class SourceLinks:
    """Links from a page to the raw report files, relative to the page (``../../raw/平潭….html``).

    The site copies nothing: a raw file is linked where it lies below ``raw_dir``, by a relative path, so the
    site works opened from disk (file://) and served over HTTP from a folder holding both (the default
    ``data/`` with ``data/site`` and ``data/raw``), and no absolute path of the building machine is written
    into the pages. A PDF locator (``page 4 table 1 row 6``) becomes ``#page=4``, which browsers' PDF viewers
    open at. With no ``raw_dir``, or a file no longer there, the path is shown as text, not linked.
    """

    site_dir: Path
    raw_dir: Path | None
    linked: int = 0
    unlinked: int = 0
    _exists: dict[str, bool] = field(default_factory=dict)
    _hrefs: dict[tuple[str, int], str] = field(default_factory=dict)

    def href(self, path: object, locator: object, depth: int) -> str | None:
        """The link to ``path`` (relative to the inbox) from a page ``depth`` folders below the site root."""
        if self.raw_dir is None or path is None:
            self.unlinked += 1
            return None
        relative = str(path)
        if relative not in self._exists:
            self._exists[relative] = (self.raw_dir / relative).is_file()
        if not self._exists[relative]:
            self.unlinked += 1
            return None
        href = self._file_href(relative, depth)
        match = _PDF_PAGE.match(str(locator or ""))
        if match and relative.lower().endswith(".pdf"):
            href += f"#page={match.group(1)}"
        self.linked += 1
        return href

    def _file_href(self, relative: str, depth: int) -> str:
        """The quoted relative link to a raw file from a page ``depth`` folders down (one per file and depth:
        a page links every cell of a report to the same file)."""
        key = (relative, depth)
        if key not in self._hrefs:
            # Every page of one depth is as far from the raw folder: "_" stands for its folder (issuers/, …).
            assert self.raw_dir is not None
            page_dir = Path(os.path.abspath(self.site_dir)).joinpath(*(["_"] * depth))
            target = os.path.relpath(os.path.abspath(self.raw_dir / relative), page_dir)
            self._hrefs[key] = quote(Path(target).as_posix(), safe="/")
        return self._hrefs[key]


# --------------------------------------------------------------------------------------------------------
# Regions and issuers as the pages see them


@dataclass
class Region:
    """A division with a page: its rows of ``region_rollup`` (one per year and body level) and its issuers."""

    level: str
    code: str
    name: str
    rows: list[Record] = field(default_factory=list)
    parent: tuple[str, str] | None = None
    children: list[tuple[str, str]] = field(default_factory=list)
    issuers: set[str] = field(default_factory=set)

    @property
    def file(self) -> str:
        return region_file(self.level, self.code)


def _placements(report: Record) -> list[tuple[str, str]]:
    """The divisions a report's body is placed in, as ``region_rollup`` derives them from ``region_code``."""
    code = report.get("region_code")
    if not code:
        return []
    code = str(code)
    found = [("province", code[:2] + "0000")]
    if report.get("region_prefecture"):
        found.append(("prefecture", code[:4] + "00"))
    if report.get("region_county"):
        found.append(("county", code[:6]))
    if report.get("region_township"):
        found.append(("township", code))
    return found


def build_regions(data: SiteData) -> dict[tuple[str, str], Region]:
    """Every division of ``region_rollup`` with its parent (the nearest higher division with a page), children
    and the issuers whose chosen reports are placed in it."""
    regions: dict[tuple[str, str], Region] = {}
    for row in data.rollup:
        ident = (str(row["rollup_level"]), str(row["region_code"]))
        if ident not in regions:
            regions[ident] = Region(ident[0], ident[1], str(row["region_name"] or ident[1]))
        regions[ident].rows.append(row)
    for report in data.reports:
        if report["is_chosen"]:
            for ident in _placements(report):
                if ident in regions:
                    regions[ident].issuers.add(str(report["issuer_key"]))
    for (level, code), region in regions.items():
        candidates = {
            "prefecture": [("province", code[:2] + "0000")],
            "county": [("prefecture", code[:4] + "00"), ("province", code[:2] + "0000")],
            "township": [("county", code[:6]), ("prefecture", code[:4] + "00"), ("province", code[:2] + "0000")],
        }.get(level, [])
        region.parent = next((c for c in candidates if c in regions), None)
        if region.parent:
            regions[region.parent].children.append((level, code))
    for region in regions.values():
        region.children.sort(key=lambda ident: (LEVELS.index(ident[0]), ident[1]))
    return dict(sorted(regions.items(), key=lambda item: (LEVELS.index(item[0][0]), item[0][1])))


@dataclass
class Issuer:
    """One body: every version of its reports (``reports`` rows, oldest year first) and its display name."""

    key: str
    reports: list[Record]

    @property
    def chosen(self) -> list[Record]:
        return [r for r in self.reports if r["is_chosen"]]

    @property
    def name(self) -> str:
        latest = (self.chosen or self.reports)[-1]
        return str(latest["issuer_name_norm"] or latest["issuer"])

    @property
    def years(self) -> list[int]:
        """Every year from the first to the last chosen report (gaps included: a gap is shown, not hidden)."""
        years = [int(r["year"]) for r in self.chosen]
        return list(range(min(years), max(years) + 1)) if years else []

    @property
    def file(self) -> str:
        return issuer_file(self.key)


def build_issuers(data: SiteData) -> dict[str, Issuer]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for report in data.reports:
        grouped[str(report["issuer_key"])].append(report)
    return {key: Issuer(key, grouped[key]) for key in data.issuer_keys}


# --------------------------------------------------------------------------------------------------------
# Shared pieces


Format = Callable[[object], str]


def _as_float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _series(name: str, rows: Sequence[Record | None], column: str) -> svg.Series:
    return svg.Series(name, tuple(_as_float(row.get(column)) if row else None for row in rows))


def _figure(caption: str, chart: str, note: str = "") -> Markup:
    return el("figure", el("figcaption", caption), Markup(chart), el("p", note, class_="muted") if note else None)


def _count(number: int, noun: str) -> str:
    """``1 year``, ``3 years``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _plain(value: object) -> str:
    """A finding's expected/actual number without separators or a spurious ``.0`` (20120331, 0.8246, 1913)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text(value)


def _tile(label: str, value: str) -> Markup:
    return el("div", el("b", value), label, class_="tile")


def _sum_rows(rows: Sequence[Record], column: str) -> Any:
    values = [row[column] for row in rows if row.get(column) is not None]
    if not values:
        return None
    total = sum(values)
    return round(total, 6) if isinstance(total, float) else total


def _issuer_link(issuers: dict[str, Issuer], key: str, depth: int) -> Markup:
    issuer = issuers.get(key)
    if issuer is None:
        return el("span", key)
    return el("a", issuer.name, href="../" * depth + issuer.file)


def _region_link(region: Region, depth: int) -> Markup:
    return el("a", region.name, href="../" * depth + region.file)


def _region_trail(report: Record, regions: dict[tuple[str, str], Region], depth: int) -> Content:
    """Where a report's body is placed, province first, each division linked to its page."""
    trail: list[Content] = []
    for ident in _placements(report):
        if ident in regions:
            trail += [Markup(" › ") if trail else None, _region_link(regions[ident], depth)]
    return trail or "not placed 未定位"


# --------------------------------------------------------------------------------------------------------
# Overview


def overview_page(data: SiteData, regions: dict[tuple[str, str], Region], issuers: dict[str, Issuer]) -> str:
    """``index.html``: what the warehouse holds and how good it is, over all issuers and years."""
    chosen = [r for r in data.reports if r["is_chosen"]]
    years = sorted({int(r["year"]) for r in chosen})
    files = sum(int(r["files"]) for r in data.documents_by_status)
    status = ", ".join(f"{r['status']} {r['files']}" for r in data.documents_by_status)
    tiles = el(
        "div",
        _tile("inbox files 收到文件", integer(files)),
        _tile("report documents 报告文本", integer(len(data.reports))),
        _tile("reports (issuer × year) 年度报告", integer(len(chosen))),
        _tile("issuers 发布机关", integer(len(issuers))),
        _tile("regions 行政区划", integer(len(regions))),
        _tile("years 年度", f"{years[0]}–{years[-1]}" if years else NULL),
        class_="tiles",
    )
    body: list[Content] = [
        el(
            "p",
            "Government information-disclosure annual reports (政府信息公开工作年度报告) read into the xxgk "
            f"warehouse {data.warehouse_name}. Inbox files by parse status: {status or NULL}.",
        ),
        tiles,
        _coverage_section(data, years),
        _totals_section(data),
        _quality_section(data),
        _regions_section(regions),
        _issuers_section(data, regions, issuers),
    ]
    return page("政府信息公开年度报告 · 总览 Overview", body, depth=0)


def _coverage_section(data: SiteData, years: list[int]) -> Markup:
    templates = sorted({str(r["template"]) for r in data.templates_by_year}, key=lambda t: (t == "unknown", t))
    counts = {(int(r["year"]), str(r["template"])): int(r["reports"]) for r in data.templates_by_year}
    span = list(range(years[0], years[-1] + 1)) if years else []
    chart = svg.bar_chart(
        [str(y) for y in span],
        [svg.Series(t, tuple(float(counts[(y, t)]) if (y, t) in counts else None for y in span)) for t in templates],
        title="Reports per year by template",
        chart_id="coverage",
        stacked=True,
    )
    rows = [
        [
            str(year),
            *[
                num(
                    integer(counts.get((year, t))) if (year, t) in counts else "",
                    data_measure=f"reports_{t}",
                    data_year=year,
                )
                for t in templates
            ],
            num(integer(sum(counts.get((year, t), 0) for t in templates)), data_measure="reports", data_year=year),
        ]
        for year in span
    ]
    return el(
        "section",
        el("h2", "覆盖 Coverage: reports per year and template"),
        el(
            "p",
            "One report per issuer and year (the chosen version of its documents). Templates: v2021 and v2019 "
            "are the national forms of those years; legacy is the pre-2019 statistics table.",
            class_="muted",
        ),
        el("div", _figure("Reports per year (stacked by template)", chart), class_="charts"),
        el("div", table(["year 年度", *templates, "total 合计"], rows), class_="scroll"),
        id="coverage",
    )


TOTAL_MEASURES: tuple[tuple[str, str, str | None, Format], ...] = (
    ("licensing_decisions", "行政许可 licensing", "licensing_reported", integer),
    ("penalty_decisions", "行政处罚 penalties", "penalty_reported", integer),
    ("coercion_decisions", "行政强制 coercion", "coercion_reported", integer),
    ("admin_fees_wan_yuan", "收费 fees (万元)", "admin_fees_reported", amount),
    ("received", "依申请 requests received", "received_reported", integer),
)


def _totals_section(data: SiteData) -> Markup:
    years = [int(r["year"]) for r in data.year_totals]
    span = list(range(years[0], years[-1] + 1)) if years else []
    by_year = {int(r["year"]): r for r in data.year_totals}
    rows_in_span = [by_year.get(y) for y in span]
    charts = [
        _figure(
            label,
            svg.bar_chart(
                [str(y) for y in span], [_series(label, rows_in_span, column)], title=label, chart_id=f"total-{column}"
            ),
        )
        for column, label, _, _ in TOTAL_MEASURES
    ]
    rows = []
    for row in data.year_totals:
        year = int(row["year"])
        cells: list[Content] = [
            str(year),
            num(integer(row["reports_added"]), data_measure="reports_added", data_year=year),
            num(integer(row["aggregate_reports"]), data_measure="aggregate_reports", data_year=year),
        ]
        for column, _, reported, formatter in TOTAL_MEASURES:
            value = formatter(row[column])
            cells.append(
                num(
                    [value, el("span", f" ({row[reported]})", class_="muted") if reported else None],
                    data_measure=column,
                    data_year=year,
                )
            )
        rows.append(cells)
    return el(
        "section",
        el("h2", "合计 Totals per year"),
        el(
            "p",
            "Sums over the chosen reports of single bodies. Regional roll-up reports (scope region_aggregate) "
            "already contain their bodies' figures and are left out, as in region_rollup. In brackets: how many "
            "reports printed the figure; a sum over fewer reports than added is partial. Fees exist only on the "
            "2021 template.",
            class_="muted",
        ),
        el("div", charts, class_="charts"),
        el(
            "div",
            table(
                [
                    "year 年度",
                    "reports added 计入",
                    "roll-up reports 汇总报告 (not added)",
                    *[m[1] for m in TOTAL_MEASURES],
                ],
                rows,
            ),
            class_="scroll",
        ),
        id="totals",
    )


SCORE_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("< 60", -1e9, 60.0),
    ("60–79", 60.0, 80.0),
    ("80–89", 80.0, 90.0),
    ("90–94", 90.0, 95.0),
    ("95–99", 95.0, 100.0),
    ("100", 100.0, 1e9),
)


def _quality_section(data: SiteData) -> Markup:
    scores = [float(row["score"]) for row in data.quality.values() if row.get("score") is not None]
    buckets = [(label, sum(1 for s in scores if low <= s < high)) for label, low, high in SCORE_BUCKETS]
    histogram = svg.bar_chart(
        [label for label, _ in buckets],
        [svg.Series("reports 报告数", tuple(float(count) for _, count in buckets))],
        title="Quality score distribution",
        chart_id="scores",
    )
    top = data.rule_counts[:12]
    rules_chart = svg.bar_chart(
        [str(r["rule"]) for r in top],
        [svg.Series("FAIL findings", tuple(float(r["fails"]) for r in top))],
        title="Most failed rules",
        chart_id="rules",
        empty_message="no FAIL findings",
    )
    rows = [
        [
            el("code", r["rule"]),
            text(r["kind"]),
            text(r["severity"]),
            num(integer(r["fails"]), data_measure="fails", data_rule=r["rule"]),
            num(integer(r["reports"]), data_measure="reports", data_rule=r["rule"]),
        ]
        for r in data.rule_counts
    ]
    bucket_rows = [
        [label, num(integer(count), data_measure="score_bucket", data_bucket=label)] for label, count in buckets
    ]
    return el(
        "section",
        el("h2", "质量 Quality"),
        el(
            "p",
            f"Scores (0–100) of {len(scores)} chosen reports, from their own findings (pipelines/validation/score.py), "
            "and the rules failed most often by chosen reports (findings with outcome FAIL).",
            class_="muted",
        ),
        el(
            "div",
            _figure("Score distribution 得分分布", histogram),
            _figure("Most failed rules 未通过的规则", rules_chart),
            class_="charts",
        ),
        el(
            "div",
            el("div", table(["score 得分", "reports 报告数"], bucket_rows)),
            el("div", table(["rule 规则", "kind", "severity", "FAIL findings", "reports"], rows)),
            class_="charts",
        ),
        id="quality",
    )


def _regions_section(regions: dict[tuple[str, str], Region]) -> Markup:
    def branch(ident: tuple[str, str]) -> Markup:
        region = regions[ident]
        bodies = len(region.issuers)
        children = [branch(child) for child in region.children]
        return el(
            "li",
            _region_link(region, 0),
            el("span", f" {region.code} · {LEVEL_LABELS[region.level]} · issuers: {bodies}", class_="muted"),
            el("ul", children) if children else None,
        )

    roots = [ident for ident, region in regions.items() if region.parent is None]
    return el(
        "section",
        el("h2", "地区 Regions"),
        el(
            "p",
            "Divisions of the 民政部 list with placed reports (region_rollup), "
            "province → prefecture → county → township.",
            class_="muted",
        ),
        el("ul", [branch(ident) for ident in roots], class_="tree")
        if roots
        else el("p", "No report was placed in a division."),
        id="regions",
    )


def _issuers_section(data: SiteData, regions: dict[tuple[str, str], Region], issuers: dict[str, Issuer]) -> Markup:
    rows = []
    for issuer in sorted(issuers.values(), key=lambda i: (i.name, i.key)):
        chosen = issuer.chosen
        latest = chosen[-1]
        quality = data.quality.get((issuer.key, int(latest["year"])))
        years = [int(r["year"]) for r in chosen]
        rows.append(
            [
                _issuer_link(issuers, issuer.key, 0),
                admin_level(latest["admin_level"]),
                _region_trail(latest, regions, 0),
                f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0]),
                num(integer(len(years)), data_measure="reports", data_issuer=issuer.key),
                num(score(quality["score"]) if quality else NULL, data_measure="score", data_issuer=issuer.key),
                num(integer(len(data.fails.get(issuer.key, []))), data_measure="fails", data_issuer=issuer.key),
            ]
        )
    return el(
        "section",
        el("h2", "发布机关 Issuers"),
        el(
            "div",
            table(
                [
                    "issuer 机关",
                    "admin level 层级",
                    "region 地区",
                    "years 年度",
                    "reports",
                    "latest score",
                    "FAIL findings",
                ],
                rows,
                caption="Latest score: the quality score of the issuer's latest report. "
                "FAIL findings: over all its chosen reports.",
            ),
            class_="scroll",
        ),
        id="issuers",
    )


# --------------------------------------------------------------------------------------------------------
# Region pages


REGION_MEASURES: tuple[tuple[str, str, str | None, Format], ...] = (
    ("bodies_reporting", "bodies reporting 报告机关", None, integer),
    ("aggregate_reports", "roll-up reports 汇总报告", None, integer),
    ("licensing_decisions", "行政许可 licensing", "licensing_reported", integer),
    ("penalty_decisions", "行政处罚 penalties", "penalty_reported", integer),
    ("coercion_decisions", "行政强制 coercion", None, integer),
    ("admin_fees_wan_yuan", "收费 fees (万元)", None, amount),
    ("requests_received", "依申请 received", "requests_reported", integer),
    ("requests_granted", "予以公开 granted", None, integer),
    ("reviews", "行政复议 reviews", None, integer),
    ("lawsuits", "行政诉讼 lawsuits", None, integer),
)


def region_page(region: Region, regions: dict[tuple[str, str], Region], issuers: dict[str, Issuer]) -> str:
    """A division: bodies reporting and their summed figures over the years, its subdivisions and issuers."""
    crumbs: list[tuple[str, str | None]] = []
    ancestor = region.parent
    while ancestor:
        crumbs.insert(0, (regions[ancestor].name, "../" + regions[ancestor].file))
        ancestor = regions[ancestor].parent
    crumbs.append((region.name, None))

    years = sorted({int(r["year"]) for r in region.rows})
    span = list(range(years[0], years[-1] + 1)) if years else []
    by_year: dict[int, list[Record]] = defaultdict(list)
    for row in region.rows:
        by_year[int(row["year"])].append(row)
    totals: dict[int, Record] = {
        year: {column: _sum_rows(rows, column) for column, _, _, _ in REGION_MEASURES}
        | {reported: _sum_rows(rows, reported) for _, _, reported, _ in REGION_MEASURES if reported}
        for year, rows in by_year.items()
    }
    in_span = [totals.get(y) for y in span]
    categories = [str(y) for y in span]
    body_levels = sorted({str(r["body_level"]) for r in region.rows})
    bodies_chart = svg.bar_chart(
        categories,
        [
            svg.Series(
                admin_level(level),
                tuple(
                    _as_float(
                        _sum_rows([r for r in by_year.get(y, []) if r["body_level"] == level], "bodies_reporting")
                    )
                    if by_year.get(y)
                    else None
                    for y in span
                ),
            )
            for level in body_levels
        ],
        title="Bodies reporting per year",
        chart_id="bodies",
        stacked=True,
    )
    charts = [
        _figure("报告机关 Bodies reporting (by admin level)", bodies_chart),
        _figure(
            "行政许可、处罚、强制 Decisions",
            svg.bar_chart(
                categories,
                [
                    _series("行政许可", in_span, "licensing_decisions"),
                    _series("行政处罚", in_span, "penalty_decisions"),
                    _series("行政强制", in_span, "coercion_decisions"),
                ],
                title="Decisions per year",
                chart_id="decisions",
            ),
        ),
        _figure(
            "依申请公开 Requests",
            svg.bar_chart(
                categories,
                [
                    _series("新收 received", in_span, "requests_received"),
                    _series("予以公开 granted", in_span, "requests_granted"),
                ],
                title="Requests per year",
                chart_id="requests",
            ),
        ),
        _figure(
            "行政复议、行政诉讼 Reviews and lawsuits",
            svg.bar_chart(
                categories,
                [_series("行政复议 reviews", in_span, "reviews"), _series("行政诉讼 lawsuits", in_span, "lawsuits")],
                title="Reviews and lawsuits per year",
                chart_id="reviews",
            ),
        ),
    ]
    rows: list[list[Content]] = []
    for year in span:
        total = totals.get(year)
        if total is None:
            rows.append([str(year), el("td", "no placed report 无报告", class_="gap", colspan=len(REGION_MEASURES))])
            continue
        cells: list[Content] = [str(year)]
        for column, _, reported, formatter in REGION_MEASURES:
            cells.append(
                num(
                    [
                        formatter(total[column]),
                        el("span", f" ({total[reported]})", class_="muted") if reported else None,
                    ],
                    data_measure=column,
                    data_year=year,
                )
            )
        rows.append(cells)
    level_rows = [
        [
            str(r["year"]),
            admin_level(r["body_level"]),
            *[formatter(r[column]) for column, _, _, formatter in REGION_MEASURES],
        ]
        for r in region.rows
    ]
    subdivisions = [
        el(
            "li",
            _region_link(regions[child], 1),
            el(
                "span",
                f" {child[1]} · {LEVEL_LABELS[child[0]]} · issuers: {len(regions[child].issuers)}",
                class_="muted",
            ),
        )
        for child in region.children
    ]
    issuer_rows = []
    for key in sorted(region.issuers, key=lambda k: (issuers[k].name if k in issuers else k, k)):
        issuer = issuers.get(key)
        chosen = issuer.chosen if issuer else []
        placed = [r for r in chosen if (region.level, region.code) in _placements(r)]
        scopes = sorted({str(r["scope"]) for r in placed if r.get("scope")})
        issuer_rows.append(
            [
                _issuer_link(issuers, key, 1),
                admin_level(placed[-1]["admin_level"]) if placed else NULL,
                ", ".join(str(r["year"]) for r in placed),
                ", ".join(scopes) or NULL,
            ]
        )
    body: list[Content] = [
        el(
            "dl",
            el("dt", "division 区划"),
            el("dd", f"{region.name} ({region.code}), {LEVEL_LABELS[region.level]}"),
            el("dt", "years 年度"),
            el("dd", f"{span[0]}–{span[-1]}" if len(span) > 1 else (str(span[0]) if span else NULL)),
            el("dt", "issuers 机关"),
            el("dd", str(len(region.issuers))),
            class_="facts",
        ),
        el(
            "p",
            "Bodies placed in this division and their chosen reports' figures added up (region_rollup). A "
            "roll-up report of a region counts apart and is not added; in brackets: how many bodies printed "
            "the figure.",
            class_="muted",
        ),
        el("section", el("h2", "下级区划 Subdivisions"), el("ul", subdivisions, class_="tree"))
        if subdivisions
        else None,
        el("section", el("h2", "趋势 Over the years"), el("div", charts, class_="charts"), id="trends"),
        el(
            "section",
            el("h2", "合计 Totals per year"),
            el("div", table(["year 年度", *[m[1] for m in REGION_MEASURES]], rows), class_="scroll"),
            el(
                "details",
                el("summary", "by admin level of the bodies 按机关层级"),
                el(
                    "div",
                    table(["year 年度", "body level", *[m[1] for m in REGION_MEASURES]], level_rows),
                    class_="scroll",
                ),
            ),
            id="totals",
        ),
        el(
            "section",
            el("h2", "发布机关 Issuers"),
            el(
                "div",
                table(["issuer 机关", "admin level 层级", "years placed here", "scope"], issuer_rows),
                class_="scroll",
            ),
            id="issuers",
        ),
    ]
    return page(f"{region.name} · {LEVEL_LABELS[region.level]}", body, depth=1, crumbs=crumbs)


# --------------------------------------------------------------------------------------------------------
# Issuer pages


@dataclass(frozen=True)
class ThemeColumn:
    """A column of an issuer's theme table: the mart column and how it is printed."""

    column: str
    formatter: Format = integer


THEMES: tuple[tuple[str, str, str, tuple[ThemeColumn, ...]], ...] = (
    (
        "t2",
        "表二 主动公开: decisions, fees (active_disclosure)",
        "active",
        (
            ThemeColumn("licensing_decisions"),
            ThemeColumn("penalty_decisions"),
            ThemeColumn("coercion_decisions"),
            ThemeColumn("admin_fees_wan_yuan", amount),
        ),
    ),
    (
        "t3",
        "表三 依申请公开: requests, 总计 column (requests)",
        "requests",
        (
            ThemeColumn("received"),
            ThemeColumn("processed"),
            ThemeColumn("granted"),
            ThemeColumn("partially_granted"),
            ThemeColumn("denied"),
            ThemeColumn("unavailable"),
            ThemeColumn("not_processed"),
            ThemeColumn("granted_rate", rate),
            ThemeColumn("partially_granted_rate", rate),
            ThemeColumn("denied_rate", rate),
            ThemeColumn("unavailable_rate", rate),
            ThemeColumn("not_processed_rate", rate),
        ),
    ),
    (
        "t4",
        "表四 行政复议、行政诉讼 (reviews_lawsuits)",
        "reviews",
        (
            ThemeColumn("review_total"),
            ThemeColumn("review_corrected"),
            ThemeColumn("suit_direct_total"),
            ThemeColumn("suit_after_review_total"),
            ThemeColumn("suits_total"),
            ThemeColumn("corrected_share", rate),
        ),
    ),
)


def _cell_title(cell: Record) -> str:
    printed = cell.get("raw_text")
    parts = [f"{cell['key']}: printed '{printed}'" if printed is not None else f"{cell['key']}: not printed"]
    parts.append(f"at {cell['locator']}" if cell.get("locator") else "locator unknown")
    parts.append(f"({cell['value_status']})")
    return " ".join(parts)


def _value_cell(
    value: object,
    column: str,
    formatter: Format,
    year: int,
    report: Record,
    cells: dict[str, Record],
    printed: tuple[str, ...],
    links: SourceLinks,
) -> Markup:
    """A figure, linked to where it was printed: the raw file (at the PDF page) when it comes from one cell,
    else the list of its cells under Sources."""
    shown = formatter(value)
    figure = FIGURE_BY_COLUMN[column]
    keys = _figure_cells(figure, printed)
    if len(keys) == 1 and len(figure.keys) == 1 and "*" not in figure.keys[0]:
        cell = cells[keys[0]]
        href = links.href(report["path"], cell.get("locator"), 1)
        target = href or f"#src-{year}-{keys[0]}"
        content = el("a", shown, href=target, title=_cell_title(cell))
    elif keys:
        content = el(
            "a", shown, href=f"#src-{year}", title=f"{figure.label}: from {len(keys)} cells, see Sources {year}"
        )
    else:
        content = el("a", shown, href=f"#src-{year}", title=f"{figure.label}: no cell of it was read")
    return num(content, data_measure=column, data_year=year)


def issuer_page(
    issuer: Issuer,
    data: SiteData,
    regions: dict[tuple[str, str], Region],
    issuers: dict[str, Issuer],
    links: SourceLinks,
) -> str:
    """One body: its figures over the years as charts and tables, each figure linked to where it was printed,
    with its quality findings beside them."""
    chosen = {int(r["year"]): r for r in issuer.chosen}
    span = issuer.years
    categories = [str(y) for y in span]
    key = issuer.key
    active = [data.active.get((key, y)) for y in span]
    requests = [data.requests.get((key, y)) for y in span]
    reviews = [data.reviews.get((key, y)) for y in span]
    quality = [data.quality.get((key, y)) for y in span]
    latest = issuer.chosen[-1]
    placements = [ident for ident in _placements(latest) if ident in regions]
    crumbs: list[tuple[str, str | None]] = [(regions[ident].name, "../" + regions[ident].file) for ident in placements]
    crumbs.append((issuer.name, None))

    charts = [
        _figure(
            "行政许可、行政处罚、行政强制 Decisions in the year (表二)",
            svg.bar_chart(
                categories,
                [
                    _series("行政许可 licensing", active, "licensing_decisions"),
                    _series("行政处罚 penalties", active, "penalty_decisions"),
                    _series("行政强制 coercion", active, "coercion_decisions"),
                ],
                title="Decisions per year",
                chart_id="decisions",
            ),
            "本年处理决定数量. Legacy (pre-2019) reports have no 表二.",
        ),
        _figure(
            "行政事业性收费 Fees (万元, 表二)",
            svg.bar_chart(
                categories,
                [_series("收费 fees (万元)", active, "admin_fees_wan_yuan")],
                title="Fees per year",
                chart_id="fees",
            ),
            "Printed on the 2021 template only (v2019 counted fee items instead).",
        ),
        _figure(
            "依申请公开 Requests received and processed (表三)",
            svg.bar_chart(
                categories,
                [_series("新收 received", requests, "received"), _series("办理总计 processed", requests, "processed")],
                title="Requests per year",
                chart_id="requests",
            ),
        ),
        _figure(
            "办理结果 Outcome rates (表三, share of processed)",
            svg.line_chart(
                categories,
                [
                    _series("予以公开", requests, "granted_rate"),
                    _series("部分公开", requests, "partially_granted_rate"),
                    _series("不予公开", requests, "denied_rate"),
                    _series("无法提供", requests, "unavailable_rate"),
                    _series("不予处理", requests, "not_processed_rate"),
                ],
                title="Outcome rates per year",
                chart_id="rates",
                tick_format=svg.percent,
                value_format=svg.percent,
                empty_message="no requests processed",
            ),
        ),
        _figure(
            "行政复议、行政诉讼 Reviews and lawsuits (表四)",
            svg.bar_chart(
                categories,
                [
                    _series("行政复议 reviews", reviews, "review_total"),
                    _series("行政诉讼 lawsuits", reviews, "suits_total"),
                ],
                title="Reviews and lawsuits per year",
                chart_id="reviews",
            ),
        ),
    ]

    themes: list[Content] = []
    for table_id, title, mart, columns in THEMES:
        source = {"active": data.active, "requests": data.requests, "reviews": data.reviews}[mart]
        rows = []
        for year in span:
            row = source.get((key, year))
            report = chosen.get(year)
            if row is None or report is None:
                reason = "no report 无报告" if report is None else "table not printed 未见此表"
                rows.append([str(year), el("td", reason, class_="gap", colspan=len(columns) + 1)])
                continue
            cells = {str(c["key"]): c for c in data.cells.get(str(report["report_id"]), [])}
            printed = tuple(sorted(cells))
            rows.append(
                [
                    str(year),
                    text(report["template"]),
                    *[
                        _value_cell(row.get(c.column), c.column, c.formatter, year, report, cells, printed, links)
                        for c in columns
                    ],
                ]
            )
        headers = ["year 年度", "template", *[FIGURE_BY_COLUMN[c.column].label for c in columns]]
        themes.append(el("h3", title, id=table_id))
        themes.append(el("div", table(headers, rows), class_="scroll"))

    aside = _issuer_quality(issuer, data, span, quality, categories)
    body: list[Content] = [
        _issuer_facts(issuer, regions),
        el(
            "div",
            el(
                "div",
                el("section", el("h2", "趋势 Over the years"), el("div", charts, class_="charts"), id="trends"),
                el(
                    "section",
                    el("h2", "数字 Figures by year"),
                    el(
                        "p",
                        "Each figure links to where it was printed: the report file (a PDF at its page) for a figure "
                        "read from one cell, the list of cells under Sources for a figure computed from several. "
                        "Hover for the printed text and its locator.",
                        class_="muted",
                    ),
                    themes,
                    id="figures",
                ),
                class_="main-column",
            ),
            aside,
            class_="layout",
        ),
        _issuer_documents(issuer, links),
        _issuer_versions(data.version_differences.get(key, [])),
        _issuer_sources(issuer, data, links),
    ]
    return page(issuer.name, body, depth=1, crumbs=crumbs)


def _issuer_facts(issuer: Issuer, regions: dict[tuple[str, str], Region]) -> Markup:
    chosen = issuer.chosen
    names = sorted({str(r["issuer"]) for r in issuer.reports})
    levels = sorted({str(r["admin_level"]) for r in chosen if r.get("admin_level")})
    years = [int(r["year"]) for r in chosen]
    gaps = [y for y in issuer.years if y not in years]
    return el(
        "dl",
        el("dt", "issuer key"),
        el("dd", el("code", issuer.key)),
        el("dt", "names printed 名称"),
        el("dd", " / ".join(names)),
        el("dt", "admin level 层级"),
        el("dd", ", ".join(admin_level(level) for level in levels) or NULL),
        el("dt", "region 地区"),
        el("dd", _region_trail(chosen[-1], regions, 1)),
        el("dt", "reports 报告"),
        el(
            "dd",
            f"{_count(len(years), 'year')}: {', '.join(str(y) for y in years)}; "
            f"{_count(len(issuer.reports), 'document')}",
        ),
        el("dt", "gaps 缺失年度"),
        el("dd", ", ".join(str(y) for y in gaps) or "none"),
        class_="facts",
    )


def _issuer_quality(
    issuer: Issuer, data: SiteData, span: list[int], quality: list[Record | None], categories: list[str]
) -> Markup:
    chart = svg.bar_chart(
        categories,
        [_series("score 得分", quality, "score")],
        title="Quality score per year",
        chart_id="score",
        tick_format=svg.compact_number,
        width=320,
        height=200,
    )
    rows = []
    for year, row in zip(span, quality, strict=True):
        if row is None:
            continue
        rows.append(
            [
                str(year),
                num(score(row["score"]), data_measure="score", data_year=year),
                num(integer(row["fails"]), data_measure="fails", data_year=year),
                text(row["failed_rules"]),
            ]
        )
    findings = []
    for finding in data.fails.get(issuer.key, []):
        detail = [
            f" {label} {_plain(finding[column])}."
            for column, label in (("expected", "expected"), ("actual", "printed"))
            if finding.get(column) is not None
        ]
        findings.append(
            el(
                "li",
                el("b", str(finding["year"])),
                " ",
                el("span", f"FAIL {finding['rule']}", class_="fail"),
                el("span", f" {finding['kind']} · {finding['severity']}", class_="muted"),
                el("br"),
                text(finding["message"]),
                el("span", detail, class_="muted") if detail else None,
                data_rule=finding["rule"],
                data_year=finding["year"],
            )
        )
    return el(
        "aside",
        el("h2", "质量 Quality"),
        Markup(chart),
        el("div", table(["year", "score", "FAIL", "failed rules"], rows), class_="scroll"),
        el("h3", f"FAIL findings ({len(findings)})"),
        el("ul", findings, class_="findings") if findings else el("p", "No check failed.", class_="muted"),
        el(
            "p",
            "A FAIL is the report's own disagreement (a total that is not the sum of its parts, prose against "
            "the table, a late publication, text copied from another report); values are never repaired.",
            class_="muted",
        ),
        id="quality",
    )


def _issuer_documents(issuer: Issuer, links: SourceLinks) -> Markup:
    rows = []
    for report in issuer.reports:
        href = links.href(report["path"], None, 1)
        rows.append(
            [
                str(report["year"]),
                "chosen 采用" if report["is_chosen"] else f"version {report['version_rank']} of {report['versions']}",
                el("a", report["path"], href=href) if href else el("span", report["path"]),
                text(report["template"]),
                text(report["status"]),
                num(integer(report["cells_read"])),
                text(report["scope"]),
                text(report["published_on"]),
            ]
        )
    return el(
        "section",
        el("h2", "报告文本 Report documents"),
        el(
            "div",
            table(["year", "version", "file 文件", "template", "status", "cells read", "scope", "published"], rows),
            class_="scroll",
        ),
        id="documents",
    )


def _issuer_versions(differences: list[Record]) -> Content:
    if not differences:
        return None
    rows = [
        [
            str(d["year"]),
            el("code", d["key"]),
            text(d["chosen_raw_text"]),
            text(d["other_raw_text"]),
            text(d["other_path"]),
        ]
        for d in differences
    ]
    return el(
        "section",
        el("h2", "版本差异 Versions that disagree"),
        el(
            "div",
            table(["year", "key", "chosen version printed", "other version printed", "other file"], rows),
            class_="scroll",
        ),
        id="versions",
    )


@functools.cache
def _figure_cells(figure: Figure, printed: tuple[str, ...]) -> list[str]:
    """``figure_keys`` of a report's printed keys (sorted): reports of one template print the same keys."""
    return figure_keys(figure, printed)


@functools.cache
def _figures_using(key: str) -> list[str]:
    """The labels of the figures a cell key goes into (the Sources table's last column)."""
    return [f.label for f in FIGURES if figure_keys(f, [key])]


@functools.cache
def _key_heading(key: str) -> str:
    """The first cell of a Sources row: the key and, below it, the form's row / column labels."""
    try:
        label = f"{metric(key).row_label} / {metric(key).column_label}"
    except KeyError:
        label = key
    muted = f'<span class="muted">{escape(label, quote=False)}</span>'
    return f"<td><code>{escape(key, quote=False)}</code><br>{muted}</td>"


def _source_row(year: int, key: str, cell: Record, href: str | None) -> Markup:
    """One row of a Sources table: what ``el`` would build, written out at once (a 10,000-report site has
    two million of them, and this is most of its build time)."""
    locator = escape(text(cell["locator"]), quote=False)
    note = escape(text(cell["note"]), quote=False) if cell.get("note") else ""
    return Markup(
        f'<tr id="{escape(f"src-{year}-{key}", quote=True)}">{_key_heading(key)}'
        f'<td class="num">{escape(amount(cell["value"]), quote=False)}</td>'
        f'<td class="raw">{escape(text(cell["raw_text"]), quote=False)}</td>'
        f"<td>{escape(text(cell['value_status']), quote=False)}</td>"
        + (f'<td><a href="{escape(href, quote=True)}">{locator}</a></td>' if href else f"<td>{locator}</td>")
        + f"<td>{note}</td><td>{escape('; '.join(_figures_using(key)), quote=False)}</td></tr>"
    )


def _issuer_sources(issuer: Issuer, data: SiteData, links: SourceLinks) -> Markup:
    blocks = []
    for report in issuer.chosen:
        year = int(report["year"])
        cells = data.cells.get(str(report["report_id"]), [])
        rows = []
        for cell in cells:
            key = str(cell["key"])
            href = links.href(report["path"], cell.get("locator"), 1)
            rows.append(_source_row(year, key, cell, href))
        file_href = links.href(report["path"], None, 1)
        blocks.append(
            el(
                "details",
                el(
                    "summary",
                    f"{year}: ",
                    el("a", report["path"], href=file_href) if file_href else report["path"],
                    f" ({len(cells)} cells)",
                ),
                el(
                    "div",
                    table(["cell 单元格", "value", "printed 原文", "status", "locator 位置", "note", "used for"], rows),
                    class_="scroll",
                ),
                id=f"src-{year}",
            )
        )
    return el(
        "section",
        el("h2", "来源 Sources"),
        el(
            "p",
            "The cells of each year's chosen report that the figures above are made from: the value read, the text "
            "as printed, and where (line, page/table/row or DOM path) in the file.",
            class_="muted",
        ),
        blocks,
        id="sources",
    )
