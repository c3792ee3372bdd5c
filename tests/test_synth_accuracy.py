"""Accuracy on synthetic ground truth: a small corpus in every layout with every kind of planted defect.

About 65 reports (10 bodies × 2019–2025, seed chosen so that every defect kind is planted at least once) are
parsed file by file and scored against their ``NAME.expected.json`` with ``pipelines.evaluation.score``:

- layouts that print cells apart (tab text, Markdown, Markdown with HTML tables, HTML, Word) must give every
  cell exactly, and the issuer, year, template, region code, admin level and publication date;
- crawled run-together text may leave a cell open where its digits admit several readings (the parser says
  ``ambiguous`` and gives null), but never a wrong number.

Then the whole build (``pipelines.defs.build.build_all``) runs on the corpus's inbox and the warehouse's
``findings`` table must show every planted defect (each of its rules FAILs on its report, in the scopes the
ground truth names) and no FAIL that nothing planted explains.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.build import build_all
from pipelines.defs.resources import warehouse_file
from pipelines.synth import audit
from pipelines.synth.defects import KINDS
from pipelines.synth.generator import Summary, generate
from pipelines.synth.layouts import LAYOUTS

#: 10 bodies × 2019–2025, all six layouts, defect rate 0.6: seed 20 plants every kind (checked below).
SEED, BODIES, YEARS, RATE = 20, 10, "2019-2025", 0.6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Summary:
    return generate(tmp_path_factory.mktemp("synth") / "corpus", BODIES, YEARS, ",".join(LAYOUTS), RATE, SEED)


@pytest.fixture(scope="module")
def truths(corpus: Summary) -> list[audit.Truth]:
    return audit.load_truths(corpus.out_dir)


def test_the_corpus_covers_every_layout_and_defect_kind(corpus: Summary) -> None:
    assert 55 <= corpus.reports <= 75
    assert set(corpus.by_layout) == set(LAYOUTS)
    assert set(corpus.defects) == set(KINDS), sorted(set(KINDS) - set(corpus.defects))
    assert set(corpus.by_template) == {"v2019", "v2021"}


def test_cells_are_exact_where_the_layout_allows_and_never_wrong(truths: list[audit.Truth]) -> None:
    checks = audit.check_cells(truths)
    problems = {check.file: audit.violations(check)[:4] for check in checks if audit.violations(check)}
    assert not problems, problems
    misread = {check.file: check.identity for check in checks if not all(check.identity.values())}
    assert not misread, misread
    summary = audit.summarise_cells(checks)
    for layout, counts in summary.by_layout.items():
        assert counts["wrong"] == 0, summary.describe()
        if layout != "runtogether":
            assert counts["right"] == counts["cells"], summary.describe()


def test_every_planted_defect_is_found_and_nothing_else_fails(corpus: Summary, tmp_path: Path) -> None:
    runs = build_all(corpus.inbox, tmp_path / "out", dg.DagsterInstance.ephemeral())
    assert all(run.success for run in runs)
    result = audit.check_findings(audit.load_truths(corpus.out_dir), warehouse_file(tmp_path / "out"))
    missed = [defect for defect in result.defects if not defect.found]
    assert not missed, result.describe() + "\n" + "\n".join(f"{d.file}: {d.kind} missing {d.missing}" for d in missed)
    assert {d.kind for d in result.defects} == set(KINDS)
    assert not result.unplanted, result.unplanted[:5]
