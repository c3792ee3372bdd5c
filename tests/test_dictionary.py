"""The data dictionary (``docs/data-dictionary.md``): complete, faithful to the SQL headers, and up to date.

It is regenerated here from a real build of the shipped seed inbox (``data/raw``), exactly as the committed
file was made, so a ``sql/`` header, a column or a ``metrics.csv`` row changed without regenerating the file
fails this test with the command to run.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.canonical.registry import metrics
from pipelines.cli import main
from pipelines.dictionary import (
    DEFAULT_OUTPUT,
    SEE_HEADER,
    SQL_DIR,
    clauses,
    column_schema,
    describe_columns,
    render_dictionary,
)
from pipelines.warehouse import load_models
from tests.conftest import REPO

XXGK = str(Path(sys.executable).parent / "xxgk")
REGENERATE = (
    ".venv/bin/xxgk build --raw data/raw --out /tmp/xxgk-seed && .venv/bin/xxgk dictionary --warehouse /tmp/xxgk-seed"
)


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse ``make run`` builds from the shipped inbox, built into a temporary folder."""
    out = tmp_path_factory.mktemp("seed") / "out"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    completed = subprocess.run(
        [XXGK, "build", "--raw", str(REPO / "data" / "raw"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out / "warehouse" / "xxgk.duckdb"


@pytest.fixture(scope="module")
def generated(seed_warehouse: Path) -> str:
    return render_dictionary(seed_warehouse)


def test_covers_every_sql_model_with_its_columns(generated: str, seed_warehouse: Path) -> None:
    models = load_models(SQL_DIR)
    assert {m.name for m in models} == {p.stem for p in SQL_DIR.glob("*.sql")}
    for model in models:
        assert f"### `{model.name}`" in generated
        assert model.description and model.description in generated  # the header comment, verbatim
        for name, kind, _ in column_schema(seed_warehouse, model.name):
            assert f"| `{name}` | {kind} |" in generated, (model.name, name)


def test_covers_every_metrics_key(generated: str) -> None:
    every = metrics()
    assert len(every) > 200
    for metric in every:
        assert f"| `{metric.key}` | {' '.join(metric.templates)} |" in generated, metric.key
    assert f"{len(every)} keys." in generated


def test_committed_dictionary_is_up_to_date(generated: str) -> None:
    committed = DEFAULT_OUTPUT.read_text(encoding="utf-8") if DEFAULT_OUTPUT.exists() else ""
    if committed != generated:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "docs/data-dictionary.md (committed)",
                    "regenerated",
                )
            )[:60]
        )
        pytest.fail(f"docs/data-dictionary.md is out of date; regenerate it with\n  {REGENERATE}\n{diff}")


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_descriptions_only_quote_the_header(seed_warehouse: Path) -> None:
    """Every description is the header's own words (or "see header"): nothing is made up."""
    described = 0
    for model in load_models(SQL_DIR):
        header = _normalised(model.description)
        for name, _, description in column_schema(seed_warehouse, model.name):
            if description == SEE_HEADER:
                continue
            described += 1
            for clause in clauses(description):
                assert clause in header, (model.name, name, clause)
    assert described >= 60


def test_column_schema_takes_a_path_or_an_open_connection(seed_warehouse: Path) -> None:
    from_path = column_schema(seed_warehouse, "cells")
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        assert column_schema(con, "cells") == from_path
        with pytest.raises(KeyError, match="no_such_table"):
            column_schema(con, "no_such_table")
    schema = dict((name, (kind, description)) for name, kind, description in from_path)
    assert schema["value"][0] == "DOUBLE" and schema["value"][1].startswith("value is the number the report printed")
    assert schema["value_status"][1].startswith("value_status says which")
    assert schema["locator"][1].startswith("raw_text is what was printed and locator where")
    assert schema["report_id"][1] == SEE_HEADER


HEADER = """reports: one row per report document whose year is known. One per issuer and year is chosen
(is_chosen). score (0–100) sums up the findings (see findings, e.g. R1). status is parsed or partial; note
the path. review_* = 行政复议; the *_total columns add up; the identity columns (issuer_id … site_id) come from
the title. comparability says how far this year compares: same_template; v2019_to_v2021 (decisions); none."""


def test_describe_columns_reads_only_what_the_header_says() -> None:
    columns = ["year", "is_chosen", "score", "status", "path", "review_upheld", "suit_total", "issuer_id",
               "zone", "site_id", "comparability", "title", "issuer"]  # fmt: skip
    described = describe_columns(HEADER, columns)
    assert described["year"] == SEE_HEADER  # "per issuer and year" is the grain, not a description
    assert described["issuer"] == SEE_HEADER
    assert described["title"] == SEE_HEADER  # "come from the title" uses the word, it does not define it
    assert described["path"] == SEE_HEADER  # "note the path" neither
    assert described["is_chosen"].startswith("One per issuer and year is chosen")
    assert described["score"].startswith("score (0–100) sums up the findings (see findings, e.g. R1).")
    assert described["status"] == "status is parsed or partial;"
    assert described["review_upheld"] == "review_* = 行政复议;"
    assert "*_total" in described["suit_total"]
    assert "(issuer_id … site_id)" in described["zone"] == described["site_id"]
    assert described["comparability"].endswith("same_template; v2019_to_v2021 (decisions); none.")


def test_cli_writes_the_file_and_complains_without_a_warehouse(
    seed_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "docs" / "dictionary.md"
    assert main(["dictionary", "--warehouse", str(seed_warehouse.parents[1]), "--out", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == render_dictionary(seed_warehouse)
    assert main(["dictionary", "--warehouse", str(seed_warehouse), "--out", str(output)]) == 0
    capsys.readouterr()
    assert main(["dictionary", "--warehouse", str(tmp_path / "nowhere"), "--out", str(output)]) == 2
    assert "no warehouse" in capsys.readouterr().err
