"""xxgk: China's government information-disclosure annual reports, parsed into a DuckDB warehouse.

The flow is visible in the sub-packages: ``documents`` (one reader per file format, all producing rows of
cells with provenance) → ``canonical`` (template detection, label matching, number normalisation into the
keys of ``metrics.csv``) → ``lake`` (Parquet) → ``warehouse`` (DuckDB marts from ``sql/``). ``defs`` holds
the thin Dagster wiring; everything else is importable without Dagster.
"""

import hashlib
from pathlib import Path

#: The packages whose code decides what a document parses to. Their source, hashed, is the parser version:
#: a change to any of them makes every parsed document stale (re-parsed, and shown stale in Dagster).
_PARSER_SOURCES = ("documents", "canonical", "identity", "narrative", "validation", "parse.py")


def _parser_version() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _PARSER_SOURCES:
        target = root / name
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for path in files:
            if path.suffix in (".py", ".csv") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


PARSER_VERSION = _parser_version()
