"""The trend site built from a real warehouse: the seed report (德归镇 2023) run through every Dagster asset.

The pages are parsed with the standard library's HTMLParser; figures are found by the ``data-measure`` and
``data-year`` attributes of their cells and compared with the marts they come from. Every link of every page
must lead to a file that exists (or, for ``#fragment`` links, to an element of the page), the output must be
byte-identical on a rebuild, and text from the warehouse must be escaped.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dagster as dg
import duckdb
import pytest

from pipelines.defs.build import build_all
from pipelines.site import SiteSummary, WarehouseError, build_site, mart_preview, svg
from pipelines.site.build import recover_site
from pipelines.site.markup import Markup, el
from pipelines.site.pages import issuer_file, region_file
from tests.conftest import REPO

RAW = REPO / "data" / "raw"
KEY = "iss-31340571ef3edd6f"  # 德归镇人民政府, placed in 河北省/廊坊市/文安县/德归镇 (its issuer_id)
REGIONS = [("province", "130000"), ("prefecture", "131000"), ("county", "131026"), ("township", "131026111")]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of a full in-process build of ``data/raw`` (the seed report)."""
    out = tmp_path_factory.mktemp("site_warehouse")
    runs = build_all(RAW, out, dg.DagsterInstance.ephemeral())
    assert runs[-1].success
    return out / "warehouse" / "xxgk.duckdb"


@pytest.fixture(scope="module")
def site(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteSummary]:
    out = tmp_path_factory.mktemp("site") / "site"
    return out, build_site(warehouse, out, RAW)


def query(database: Path, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


class Page(HTMLParser):
    """A page as the tests see it: figure cells by (measure, year), links, element ids, text."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[tuple[str, str], str] = {}
        self.titles: dict[tuple[str, str], str] = {}
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._cell: tuple[str, str] | None = None
        self._buffer: list[str] = []
        self.source = path.read_text(encoding="utf-8")
        self.feed(self.source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if name in attributes:
                self.links.append(attributes[name])
        if tag == "td" and "data-measure" in attributes:
            self._cell = (attributes["data-measure"], attributes.get("data-year", ""))
            self._buffer = []
        if tag == "a" and self._cell and "title" in attributes:
            self.titles[self._cell] = attributes["title"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell:
            self.figures[self._cell] = "".join(self._buffer).strip()
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell:
            self._buffer.append(data)

    def figure(self, measure: str, year: int | str = "") -> str:
        """The figure's text without the '(n reported)' note: '447,228 (1)' → '447,228'."""
        return self.figures[(measure, str(year))].split(" (")[0]


def number(shown: str) -> float | None:
    return None if shown == "—" else float(shown.replace(",", "").rstrip("%"))


# --------------------------------------------------------------------------------------------------------
# Pages and figures


def test_every_page_is_written(site: tuple[Path, SiteSummary]) -> None:
    out, summary = site
    assert summary.overview == out / "index.html"
    assert (summary.pages, summary.region_pages, summary.issuer_pages) == (6, 4, 1)
    expected = {"index.html", "style.css", issuer_file(KEY), *(region_file(level, code) for level, code in REGIONS)}
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == expected
    assert summary.source_links > 0 and summary.unlinked_sources == 0
    for path in out.rglob("*.html"):
        head = path.read_text(encoding="utf-8")[:200]
        assert head.startswith('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'), path
    assert '"Noto Sans CJK SC"' in (out / "style.css").read_text(encoding="utf-8")


def test_issuer_figures_are_the_marts_values(site: tuple[Path, SiteSummary], warehouse: Path) -> None:
    out, _ = site
    page = Page(out / issuer_file(KEY))
    ((licensing, penalty, coercion, fees),) = query(
        warehouse,
        "select licensing_decisions, penalty_decisions, coercion_decisions, admin_fees_wan_yuan"
        " from active_disclosure where issuer_key = ? and year = 2023",
        [KEY],
    )
    assert licensing == 215  # the seed report's 行政许可 row, as printed
    assert number(page.figure("licensing_decisions", 2023)) == licensing
    assert number(page.figure("penalty_decisions", 2023)) == penalty
    assert number(page.figure("coercion_decisions", 2023)) == coercion
    assert number(page.figure("admin_fees_wan_yuan", 2023)) == fees
    ((received, processed, granted_rate),) = query(
        warehouse, "select received, processed, granted_rate from requests where issuer_key = ?", [KEY]
    )
    assert number(page.figure("received", 2023)) == received
    assert number(page.figure("processed", 2023)) == processed
    assert page.figure("granted_rate", 2023) == ("—" if granted_rate is None else f"{granted_rate * 100:.1f}%")
    ((reviews, suits),) = query(
        warehouse, "select review_total, suits_total from reviews_lawsuits where issuer_key = ?", [KEY]
    )
    assert number(page.figure("review_total", 2023)) == reviews
    assert number(page.figure("suits_total", 2023)) == suits
    ((score, fails),) = query(warehouse, "select score, fails from quality where issuer_key = ?", [KEY])
    assert number(page.figure("score", 2023)) == score
    assert number(page.figure("fails", 2023)) == fails
    assert page.source.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 6


def test_each_figure_links_to_the_cell_it_was_printed_in(site: tuple[Path, SiteSummary], warehouse: Path) -> None:
    out, _ = site
    page = Page(out / issuer_file(KEY))
    ((raw_text, locator, path),) = query(
        warehouse,
        "select cells.raw_text, cells.locator, reports.path from cells join reports using (report_id)"
        " where reports.issuer_key = ? and reports.is_chosen and cells.key = 't2.licensing.decisions'",
        [KEY],
    )
    title = page.titles[("licensing_decisions", "2023")]
    assert title == f"t2.licensing.decisions: printed '{raw_text}' at {locator} (number)"
    to_file = [unquote(link) for link in page.links if unquote(link).split("#")[0].endswith("/" + path)]
    assert to_file, page.links
    for link in to_file:  # relative links (no file:// or absolute path of the building machine), to the raw file
        assert link.startswith("../")
        assert (out / "issuers" / link.split("#")[0]).resolve() == (RAW / path).resolve()
    # The Sources list names every cell with its locator.
    assert "src-2023-t2.licensing.decisions" in page.ids
    assert locator in page.source


def test_overview_totals_and_quality_are_the_marts_values(site: tuple[Path, SiteSummary], warehouse: Path) -> None:
    out, _ = site
    page = Page(out / "index.html")
    ((licensing, penalty, fees, received),) = query(
        warehouse,
        "select sum(licensing_decisions), sum(penalty_decisions), sum(admin_fees_wan_yuan), sum(received)"
        " from active_disclosure join requests using (report_id) where active_disclosure.year = 2023",
    )
    assert number(page.figure("licensing_decisions", 2023)) == licensing
    assert number(page.figure("penalty_decisions", 2023)) == penalty
    assert number(page.figure("admin_fees_wan_yuan", 2023)) == fees
    assert number(page.figure("received", 2023)) == received
    assert page.figures[("licensing_decisions", "2023")] == f"{licensing} (1)"  # one report printed it
    assert number(page.figure("reports_v2021", 2023)) == 1
    for rule, count in query(
        warehouse, "select rule, count(*) from findings where is_chosen and outcome = 'FAIL' group by rule"
    ):
        assert re.search(rf'data-measure="fails" data-rule="{rule}">{count}<', page.source), rule
    ((score,),) = query(warehouse, "select score from quality")
    bucket = "100" if score == 100 else "95–99" if score >= 95 else None
    assert bucket, f"add the bucket of score {score} here"
    assert f'data-measure="score_bucket" data-bucket="{bucket}">1<' in page.source
    assert issuer_file(KEY) in page.links  # the issuer is linked from the overview


def test_region_pages_hold_the_rollup_and_link_their_issuers(site: tuple[Path, SiteSummary], warehouse: Path) -> None:
    out, _ = site
    for level, code in REGIONS:
        page = Page(out / region_file(level, code))
        rows = query(
            warehouse,
            "select year, bodies_reporting, licensing_decisions, requests_received from region_rollup"
            " where rollup_level = ? and region_code = ?",
            [level, code],
        )
        assert rows, (level, code)
        for year, bodies, licensing, received in rows:
            assert number(page.figure("bodies_reporting", year)) == bodies
            assert number(page.figure("licensing_decisions", year)) == licensing
            assert number(page.figure("requests_received", year)) == received
        assert f"../{issuer_file(KEY)}" in page.links
    county = Page(out / region_file("county", "131026"))
    assert f"../{region_file('township', '131026111')}" in county.links  # subdivision
    assert f"../{region_file('prefecture', '131000')}" in county.links  # breadcrumb


def test_every_link_leads_somewhere(site: tuple[Path, SiteSummary]) -> None:
    out, _ = site
    checked = 0
    for path in sorted(out.rglob("*.html")):
        page = Page(path)
        for link in page.links:
            parts = urlsplit(link)
            assert parts.scheme in ("", "data"), f"{path.name}: {link} leaves the site"
            if parts.scheme == "data":
                continue
            if not parts.path:
                assert parts.fragment in page.ids, f"{path.name}: no element #{parts.fragment}"
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{path.name}: {link} → {target} does not exist"
            if parts.fragment and target.suffix == ".html" and target.is_relative_to(out):
                assert parts.fragment in Page(target).ids, link
            checked += 1
    assert checked > 20


def test_the_same_warehouse_gives_the_same_bytes(warehouse: Path, site: tuple[Path, SiteSummary]) -> None:
    out, _ = site
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()

    def digest(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    first = digest(out)
    build_site(warehouse, out, RAW)  # again, over the published site (swapped in whole)
    assert digest(out) == first
    assert not list(out.parent.glob(".site.*")), "a building or retired folder was left behind"
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before  # opened read-only


def test_warehouse_text_is_escaped(warehouse: Path, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>&<xss>'
    copy = tmp_path / "xxgk.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update reports set issuer = ?, issuer_name_norm = ?, path = ?", [hostile, hostile, hostile])
        con.execute("update findings set message = ?", [hostile])
        con.execute("update region_rollup set region_name = ?", [hostile])
        con.execute("update cells set raw_text = ?, locator = ?", [hostile, hostile])
    out = tmp_path / "site"
    build_site(copy, out, RAW)
    for path in out.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "<script" not in source and "<xss" not in source, path
    issuer = (out / issuer_file(KEY)).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;xss&gt;" in issuer  # in attributes (titles)
    assert '&lt;script&gt;alert("x")&lt;/script&gt;&amp;&lt;xss&gt;' in issuer  # in text


def test_a_database_without_the_marts_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as con:
        con.execute("create table reports (x integer)")
    with pytest.raises(WarehouseError, match="tables missing: documents, cells"):
        build_site(empty, tmp_path / "site", None)
    assert not (tmp_path / "site").exists()


def test_without_a_raw_folder_paths_are_shown_not_linked(warehouse: Path, tmp_path: Path) -> None:
    summary = build_site(warehouse, tmp_path / "site", None)
    page = Page(tmp_path / "site" / issuer_file(KEY))
    assert summary.source_links == 0 and summary.unlinked_sources > 0
    assert not [link for link in page.links if ".txt" in link]
    assert "德归镇人民政府_2023.txt" in page.source


# --------------------------------------------------------------------------------------------------------
# Mart previews for Dagster


def test_mart_preview_is_a_markdown_table_of_the_first_rows(warehouse: Path) -> None:
    preview = mart_preview(warehouse, "active_disclosure")
    lines = preview.splitlines()
    assert lines[0].startswith("**active_disclosure**: 1 row. active_disclosure: one row per issuer and year (the")
    assert "Rows per year: 2023: 1" in preview
    header = next(line for line in lines if line.startswith("| issuer_key"))
    assert header.count("|") == 11  # ten columns
    row = next(line for line in lines if line.startswith(f"| {KEY}"))
    assert "| 215 |" in row
    assert "more columns: " in preview
    assert mart_preview(warehouse, "active_disclosure") == preview


def test_mart_preview_escapes_pipes_and_refuses_unknown_tables(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "xxgk.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update documents set path = 'a|b\nc'")
    preview = mart_preview(copy, "documents")
    assert "| a\\|b c |" in preview
    with pytest.raises(ValueError, match="no table 'nope; drop table cells'"):
        mart_preview(copy, "nope; drop table cells")


# --------------------------------------------------------------------------------------------------------
# Building blocks


def test_elements_escape_text_and_attributes() -> None:
    link = el("a", '<i>"平潭"&</i>', href='x.html?a=1&b="2"', title=None, data_year=2024, hidden=True)
    assert link == (
        '<a href="x.html?a=1&amp;b=&quot;2&quot;" data-year="2024" hidden>&lt;i&gt;"平潭"&amp;&lt;/i&gt;</a>'
    )
    assert el("p", Markup("<b>kept</b>"), None, ["a", 1]) == "<p><b>kept</b>a1</p>"


def test_axis_ticks_are_round_and_cover_the_data() -> None:
    assert svg.nice_ticks(0, 447228) == [0, 100000, 200000, 300000, 400000, 500000]
    assert svg.nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert svg.nice_ticks(0, 0, integers=True) == [0, 1]
    assert svg.nice_ticks(0, 3, integers=True) == [0, 1, 2, 3]
    assert svg.nice_ticks(-5, 12) == [-5, 0, 5, 10, 15]
    assert svg.compact_number(3985758) == "398.6万" and svg.compact_number(2.5e8) == "2.5亿"


def test_a_missing_value_is_a_gap_not_a_zero() -> None:
    years = ["2021", "2022", "2023", "2024"]
    line = svg.line_chart(
        years, [svg.Series("公开率", (0.5, None, 0.25, 0.3))], title="t", chart_id="c", tick_format=svg.percent
    )
    assert line.count("<polyline") == 1 and line.count("<circle") == 3  # 2023–2024 joined, 2021 alone
    bars = svg.bar_chart(years, [svg.Series("a<b", (1.0, None, 0.0, 2.0))], title="<t>", chart_id="c")
    assert bars.count("<rect") == 3 and "a&lt;b 2024: 2" in bars and '<title id="c-title">&lt;t&gt;</title>' in bars
    empty = svg.bar_chart(years, [svg.Series("a", (None,) * 4)], title="t", chart_id="c")
    assert "no figures printed" in empty and "<rect" not in empty
    assert svg.bar_chart(years, [svg.Series("a", (1.0, None, 0.0, 2.0))], title="t", chart_id="c") == svg.bar_chart(
        years, [svg.Series("a", (1.0, None, 0.0, 2.0))], title="t", chart_id="c"
    )


def dead_pid() -> int:
    """The pid of a process that has ended (a killed build's)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_site_build_is_cleared_and_a_lost_site_restored(warehouse: Path, tmp_path: Path) -> None:
    """Killed between moving the old site aside and the new one in, a build leaves no site: the next puts the
    old one back before it starts, and removes half-written folders; a live build's folder is left alone."""
    out = tmp_path / "site"
    build_site(warehouse, out)
    pages = sorted(p.relative_to(out) for p in out.rglob("*"))
    dead, alive = dead_pid(), os.getpid()
    out.rename(tmp_path / f".site.old-{dead}")
    (tmp_path / f".site.building-{dead}" / "index.html").parent.mkdir()
    (tmp_path / f".site.building-{dead}" / "index.html").write_text("half", encoding="utf-8")
    (tmp_path / f".site.building-{alive}").mkdir()

    restored = recover_site(out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == pages
    assert {p.name for p in restored} == {f".site.old-{dead}", f".site.building-{dead}"}
    assert sorted(p.name for p in tmp_path.glob(".site.*")) == [f".site.building-{alive}"]

    build_site(warehouse, out)
    assert (out / "index.html").is_file()
