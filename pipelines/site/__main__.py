"""``python -m pipelines.site [--out DIR] [--site DIR] [--raw DIR]``: build the trend site from a built warehouse.

Defaults follow ``make run``'s layout: the warehouse under ``data/``, the site in ``data/site``, raw files in
``data/raw``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines.site.build import REPO_ROOT, build_site
from pipelines.site.model import WarehouseError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.site", description=__doc__)
    parser.add_argument("--out", default=str(REPO_ROOT / "data"), help="the build's output folder (holds warehouse/)")
    parser.add_argument("--site", default=None, help="where to write the site (default: OUT/site)")
    parser.add_argument("--raw", default=str(REPO_ROOT / "data" / "raw"), help="the inbox the figures link to")
    args = parser.parse_args(argv)
    out = Path(args.out)
    database = out / "warehouse" / "xxgk.duckdb"
    if not database.is_file():
        print(f"no warehouse at {database}; run `make run` or `xxgk build` first", file=sys.stderr)
        return 2
    raw = Path(args.raw)
    try:
        summary = build_site(database, Path(args.site) if args.site else out / "site", raw if raw.is_dir() else None)
    except WarehouseError as error:
        print(error, file=sys.stderr)
        return 2
    print(
        f"site: {summary.overview} ({summary.pages} pages: 1 overview, {summary.region_pages} regions, "
        f"{summary.issuer_pages} issuers; {summary.bytes_written:,} bytes; {summary.source_links} source links, "
        f"{summary.unlinked_sources} unlinked; {summary.seconds:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
