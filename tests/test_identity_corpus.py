"""Identity of every real report in the corpus (text, markdown and HTML copies; the two PDFs take seconds to
read and are covered by inline lines in test_identity_document): region, level, issuer id, statistics
period, publication date, scope and classification, as hand-checked against the files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pipelines.canonical.title import identify
from pipelines.documents import read_document
from pipelines.documents.formats import detect_format
from pipelines.identity.document import (
    classify,
    crawler_header,
    find_publication_date,
    find_statistics_period,
    organisation_code,
    scope,
)
from pipelines.identity.issuers import Issuer, identify_issuer
from tests.conftest import SEED

PINGTAN = "350128"


@dataclass(frozen=True)
class Seen:
    """One report as the identity functions read it."""

    issuer: Issuer
    period: tuple[date, date] | None
    published: date | None
    published_from: str | None
    scope: str
    kind: str


def _read(path: Path) -> Seen:
    data = path.read_bytes()
    fmt, _ = detect_format(path, data[:8192])
    assert fmt is not None
    document = read_document(path, fmt, data)
    lines = [row.text for row in document.rows]
    header = [f"{key}: {value}" for key, value in crawler_header(data.decode("utf-8")).items()] if fmt == "text" else []
    title_identity = identify(document.title_hint, lines)
    title = title_identity.title or document.title_hint
    issuer = identify_issuer(title_identity.issuer or "", [title or "", *header, *lines[:40]])
    found_period = find_statistics_period(lines)
    period = (found_period.start, found_period.end) if found_period.start and found_period.end else None
    published = find_publication_date(lines, header)
    return Seen(
        issuer,
        period,
        published.value if published else None,
        published.source if published else None,
        scope(lines),
        classify(lines, title).kind,
    )


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# file -> (region code, admin level, statistics period, publication date, scope)
EXPECTED: dict[str, tuple[str, str, tuple[date, date] | None, date | None, str]] = {
    "上海市科学技术委员会_2024.md": ("310000", "provincial_dept", _year(2024), None, "agency"),
    "平潭县人民政府_2011.txt": (PINGTAN, "county_gov", _year(2011), date(2012, 4, 18), "region_aggregate"),
    "平潭县人民政府_2011.html": (PINGTAN, "county_gov", _year(2011), date(2012, 4, 18), "region_aggregate"),
    "平潭县人民政府_2013.txt": (PINGTAN, "county_gov", None, date(2014, 1, 22), "region_aggregate"),
    "平潭县人民政府_2013.html": (PINGTAN, "county_gov", None, date(2014, 1, 22), "region_aggregate"),
    "平潭综合实验区_2011.txt": (PINGTAN, "dev_zone", _year(2011), date(2012, 4, 11), "region_aggregate"),
    "平潭综合实验区_2011.html": (PINGTAN, "dev_zone", _year(2011), date(2012, 4, 11), "region_aggregate"),
    "平潭综合实验区_2012.txt": (PINGTAN, "dev_zone", _year(2012), date(2013, 2, 25), "region_aggregate"),
    "平潭综合实验区_2012.html": (PINGTAN, "dev_zone", _year(2012), date(2013, 2, 25), "region_aggregate"),
    "平潭综合实验区_2013.txt": (PINGTAN, "dev_zone", _year(2013), date(2014, 1, 10), "region_aggregate"),
    "平潭综合实验区_2013.html": (PINGTAN, "dev_zone", _year(2013), date(2014, 1, 10), "region_aggregate"),
    "平潭综合实验区管委会_2014.txt": (PINGTAN, "dev_zone", _year(2014), date(2015, 1, 2), "agency"),
    "平潭综合实验区管委会_2014.html": (PINGTAN, "dev_zone", _year(2014), date(2015, 1, 2), "agency"),
    "平潭综合实验区_2016.txt": (PINGTAN, "dev_zone", _year(2016), date(2017, 1, 18), "agency"),
    "平潭综合实验区_2016.html": (PINGTAN, "dev_zone", _year(2016), date(2017, 1, 18), "agency"),
    "平潭综合实验区_2018.txt": (PINGTAN, "dev_zone", _year(2018), date(2019, 1, 10), "agency"),
    "平潭综合实验区_2018.html": (PINGTAN, "dev_zone", _year(2018), date(2019, 1, 10), "agency"),
    "平潭综合实验区_2019.txt": (PINGTAN, "dev_zone", _year(2019), date(2020, 1, 20), "agency"),
    "平潭综合实验区_2022.txt": (PINGTAN, "dev_zone", _year(2022), date(2023, 2, 20), "region_aggregate"),
    "平潭综合实验区_2024.txt": (PINGTAN, "dev_zone", _year(2024), date(2025, 3, 10), "agency"),
    "平潭综合实验区_2024.html": (PINGTAN, "dev_zone", _year(2024), date(2025, 3, 10), "agency"),
    "平潭综合实验区_2025.txt": (PINGTAN, "dev_zone", _year(2025), date(2026, 3, 10), "agency"),
    "平潭综合实验区_2025.html": (PINGTAN, "dev_zone", _year(2025), date(2026, 3, 10), "agency"),
    "平潭综合实验区地方税务局_2013.txt": (PINGTAN, "county_dept", _year(2013), date(2014, 2, 25), "agency"),
    "平潭综合实验区地方税务局_2013.html": (PINGTAN, "county_dept", _year(2013), date(2014, 2, 25), "agency"),
    "沭阳县发展和改革局_2023.html": ("321322", "county_dept", _year(2023), date(2024, 1, 17), "agency"),
}


@pytest.fixture(scope="module")
def seen(corpus_dir: Path) -> dict[str, Seen]:
    return {name: _read(corpus_dir / name) for name in EXPECTED if (corpus_dir / name).exists()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_report_identity(seen: dict[str, Seen], name: str) -> None:
    if name not in seen:
        pytest.skip(f"{name} not in this corpus copy")
    code, level, period, published, report_scope = EXPECTED[name]
    report = seen[name]
    assert report.issuer.region.status == "resolved"
    assert (report.issuer.region.code, report.issuer.admin_level) == (code, level)
    assert report.period == period
    assert report.published == published
    assert report.scope == report_scope
    assert report.kind == "annual_report"


def test_pingtan_zone_reports_are_one_issuer_apart_from_the_county(seen: dict[str, Seen]) -> None:
    zone = {seen[n].issuer.issuer_id for n in seen if n.startswith("平潭综合实验区_") or "管委会" in n}
    county = {seen[n].issuer.issuer_id for n in seen if n.startswith("平潭县人民政府")}
    tax = {seen[n].issuer.issuer_id for n in seen if "地方税务局" in n}
    assert len(zone) == len(county) == len(tax) == 1
    assert len(zone | county | tax) == 3


def test_text_and_html_copies_agree(seen: dict[str, Seen]) -> None:
    for name in seen:
        twin = name.replace(".txt", ".html")
        if name.endswith(".txt") and twin in seen:
            assert seen[name].issuer == seen[twin].issuer
            assert (seen[name].period, seen[name].published) == (seen[twin].period, seen[twin].published)


def test_portal_date_is_preferred_and_signature_date_kept_apart(corpus_dir: Path) -> None:
    """平潭县 2011 was signed 2012-02-20 but put online 2012-04-18, after the 3月31日 deadline."""
    text = (corpus_dir / "平潭县人民政府_2011.txt").read_text(encoding="utf-8")
    header = [f"{key}: {value}" for key, value in crawler_header(text).items()]
    body = text.split("==== 正文 ====")[-1].splitlines()
    from pipelines.identity.document import signed_date

    found = find_publication_date(body, header)
    assert found is not None and (found.value, found.source) == (date(2012, 4, 18), "portal")
    signed = signed_date(body)
    assert signed is not None and signed.value == date(2012, 2, 20)


def test_shuyang_index_number_holds_a_valid_organisation_code(corpus_dir: Path) -> None:
    path = corpus_dir / "沭阳县发展和改革局_2023.html"
    if not path.exists():
        pytest.skip("沭阳 page not in this corpus copy")
    data = path.read_bytes()
    document = read_document(path, "html", data)
    assert organisation_code([row.text for row in document.rows]) == "014314799"


def test_seed_identity() -> None:
    seed = _read(SEED)
    region = seed.issuer.region
    assert (region.code, region.province, region.prefecture, region.county, region.township) == (
        "131026111",
        "河北省",
        "廊坊市",
        "文安县",
        "德归镇",
    )
    assert seed.issuer.admin_level == "township_gov"
    assert seed.issuer.issuer_id == "iss-31340571ef3edd6f"
    assert seed.period is None  # the seed prints no statistics-period sentence
    assert seed.kind == "annual_report"
