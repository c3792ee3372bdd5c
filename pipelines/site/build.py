"""``build_site``: the warehouse → a static trend site (HTML pages with inline SVG charts, one stylesheet).

The site is for people who look rather than query: an overview of what was collected and how good it is, a
page per division of the 民政部 list, a page per government body with its figures over the years, each figure
linked to the file and place it was printed, and the body's quality findings beside them.

The warehouse is opened read-only. The site is written into a new folder beside ``out_dir`` and swapped in
whole, so a reader never sees half a site and a failed build leaves the previous one. Output is deterministic:
no timestamps, every query ordered, fixed number formats; the same warehouse (and the same raw folder layout)
gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.processes import process_alive
from pipelines.site.markup import STYLE
from pipelines.site.model import load, load_cells
from pipelines.site.pages import SourceLinks, build_issuers, build_regions, issuer_page, overview_page, region_page

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SITE_DIR = REPO_ROOT / "data" / "site"
#: Issuers whose pages are made together (their cells read at once).
ISSUER_BATCH = 500
"""Where ``make run``'s layout puts the site: beside ``data/raw`` (linked) and ``data/warehouse``."""


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote, for logs and Dagster metadata.

    ``source_links`` counts links from figures and documents to raw report files; ``unlinked_sources`` the
    places where a file was shown as text only (no ``raw_dir`` given, or the file is no longer in it).
    """

    out_dir: Path
    overview: Path
    pages: int
    region_pages: int
    issuer_pages: int
    bytes_written: int
    source_links: int
    unlinked_sources: int
    seconds: float


def recover_site(out_dir: Path) -> list[Path]:
    """Clear what site builds killed mid-way left beside ``out_dir``; returns the folders removed or restored.

    A build is killed either while writing ``.site.building-PID`` (the published site is untouched; the
    half-written folder goes) or in the instant between moving the old site to ``.site.old-PID`` and the new
    one in: then there is no site, and the old one is put back. Folders of live builds are left alone.
    """
    touched: list[Path] = []
    for kind in ("old", "building"):
        for leftover in sorted(out_dir.parent.glob(f".{glob.escape(out_dir.name)}.{kind}-*")):
            pid = leftover.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or process_alive(int(pid)):
                continue
            if kind == "old" and not out_dir.exists():
                os.replace(leftover, out_dir)
            else:
                shutil.rmtree(leftover, ignore_errors=True)
            touched.append(leftover)
    return touched


def build_site(database: Path, out_dir: Path = DEFAULT_SITE_DIR, raw_dir: Path | None = None) -> SiteSummary:
    """Build the site from the warehouse ``database`` into ``out_dir``; figures link to files below ``raw_dir``.

    Raises :class:`~pipelines.site.model.WarehouseError` when a mart the site reads is missing.
    """
    started = time.perf_counter()
    data = load(database, with_cells=False)
    out_dir = Path(os.path.abspath(out_dir))
    links = SourceLinks(out_dir, Path(os.path.abspath(raw_dir)) if raw_dir is not None else None)
    regions = build_regions(data)
    issuers = build_issuers(data)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_site(out_dir)
    building = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    written = 0
    pages = 0

    def write(relative: str, content: str) -> None:
        nonlocal written, pages
        target = building / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = content.encode("utf-8")
        target.write_bytes(payload)
        written += len(payload)
        pages += relative.endswith(".html")

    try:
        write("style.css", STYLE)
        write("index.html", overview_page(data, regions, issuers))
        for region in regions.values():
            write(region.file, region_page(region, regions, issuers))
        # Issuer pages show their reports' cells: those are read a batch of issuers at a time, and each page is
        # written as soon as it is made, so memory does not grow with the number of reports.
        ordered = list(issuers.values())
        for start in range(0, len(ordered), ISSUER_BATCH):
            batch = ordered[start : start + ISSUER_BATCH]
            chosen = [str(report["report_id"]) for issuer in batch for report in issuer.chosen]
            batch_data = dataclasses.replace(data, cells=load_cells(database, chosen))
            for issuer in batch:
                write(issuer.file, issuer_page(issuer, batch_data, regions, issuers, links))
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(building, out_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return SiteSummary(
        out_dir=out_dir,
        overview=out_dir / "index.html",
        pages=pages,
        region_pages=len(regions),
        issuer_pages=len(issuers),
        bytes_written=written,
        source_links=links.linked,
        unlinked_sources=links.unlinked,
        seconds=round(time.perf_counter() - started, 3),
    )
