"""A static trend site over the warehouse (HTML + inline SVG, no script, no network), and mart previews.

``build_site(database, out_dir, raw_dir)`` writes the overview, region and issuer pages; ``mart_preview(database,
table)`` returns a Markdown summary of one table for Dagster metadata. See ``build`` for the guarantees
(read-only, atomic swap, deterministic bytes) and ``pages`` for the layout.
"""

from pipelines.site.build import DEFAULT_SITE_DIR, SiteSummary, build_site
from pipelines.site.model import WarehouseError
from pipelines.site.preview import mart_preview

__all__ = ["DEFAULT_SITE_DIR", "SiteSummary", "WarehouseError", "build_site", "mart_preview"]
