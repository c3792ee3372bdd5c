"""xxgk: China's government information-disclosure annual reports, parsed into a DuckDB warehouse.

The flow is visible in the sub-packages: ``documents`` (one reader per file format, all producing rows of
cells with provenance) → ``canonical`` (template detection, label matching, number normalisation into the
keys of ``metrics.csv``) → ``lake`` (Parquet) → ``warehouse`` (DuckDB marts from ``sql/``). ``defs`` holds
the thin Dagster wiring; everything else is importable without Dagster.
"""

PARSER_VERSION = "0.1.0"
