"""The ``sql/`` folder is readable documentation of the warehouse: one model per file, each explained."""

from __future__ import annotations

import re

from pipelines.defs.resources import REPO_ROOT
from pipelines.warehouse import load_models

SQL_DIR = REPO_ROOT / "sql"


def test_every_model_has_a_header_saying_what_a_row_is() -> None:
    for model in load_models(SQL_DIR):
        assert model.description.startswith(f"{model.name}: one row per"), model.path


def test_sql_is_lower_case() -> None:
    for path in SQL_DIR.glob("*.sql"):
        code = "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        code = re.sub(r"'[^']*'", "''", code)
        assert code == code.lower(), path


def test_models_come_after_what_they_read() -> None:
    names = [model.name for model in load_models(SQL_DIR)]
    assert names.index("active_disclosure") > names.index("reports")
    assert names.index("active_disclosure") > names.index("cells")
