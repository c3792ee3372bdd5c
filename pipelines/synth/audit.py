"""The pipeline measured against a synthetic corpus's ground truth: cells read, defects found, nothing invented.

Two measures, both over the files ``generator.generate`` wrote:

- ``check_cells``: every report parsed (``pipelines.parse.parse_file``) and scored cell by cell against its
  ``NAME.expected.json`` with ``pipelines.evaluation.score``. A mismatch is *open* when the parser left the
  cell without a number (null: ``ambiguous`` run-together digits, unreadable) and *wrong* when it gave a
  number other than the printed one, or a number for a blank. Layouts that print cells apart (tab text,
  Markdown, HTML, Word) must be exact; crawled run-together text may leave cells open, never wrong.
- ``check_findings``: the ``findings`` table of a warehouse built from the corpus's inbox, against the
  planted defects. A defect is *found* when each of its rules FAILs on its report in each scope the ground
  truth names; a FAIL is *unplanted* when its rule is neither a planted rule nor a listed side effect of a
  defect of that report.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.evaluation import Mismatch, score
from pipelines.parse import parse_file
from pipelines.synth.layouts import EXACT_LAYOUTS


@dataclass(frozen=True)
class Truth:
    """One report of the corpus: its file and its ground truth."""

    report: Path
    expected: dict[str, object]

    @property
    def layout(self) -> str:
        synthetic = self.expected.get("synthetic", {})
        assert isinstance(synthetic, dict)
        return str(synthetic.get("layout"))

    @property
    def defects(self) -> list[dict[str, object]]:
        planted = self.expected.get("planted_defects", [])
        assert isinstance(planted, list)
        return planted


def load_truths(out_dir: Path, names: Iterable[str] | None = None) -> list[Truth]:
    """The corpus's reports with their ground truth, as ``MANIFEST.reports.csv`` lists them (optionally ``names``).

    Files added to the inbox later (a benchmark's extra report) are not part of the corpus and are ignored.
    """
    manifest = json.loads((out_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    inbox = out_dir / manifest["inbox"]
    expected_dir = out_dir / manifest["expected"]
    wanted = set(names) if names is not None else None
    truths = []
    with (out_dir / manifest["reports_index"]).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if wanted is not None and row["file"] not in wanted:
                continue
            truth = json.loads((expected_dir / row["expected"]).read_text(encoding="utf-8"))
            truths.append(Truth(inbox / row["file"], truth))
    return truths


@dataclass
class CellCheck:
    """One report parsed and scored: cells right, open (null) and wrong, and whether identity was read."""

    file: str
    layout: str
    cells_total: int
    cells_right: int
    open: list[Mismatch] = field(default_factory=list)
    wrong: list[Mismatch] = field(default_factory=list)
    identity: dict[str, bool] = field(default_factory=dict)
    status: str = ""

    @property
    def exact(self) -> bool:
        return not self.open and not self.wrong


def check_report(truth: Truth) -> CellCheck:
    """Parse one report and compare it with its ground truth."""
    report = parse_file(truth.report)
    scored = score(report, truth.expected)
    synthetic = truth.expected.get("synthetic", {})
    assert isinstance(synthetic, dict)
    facts = report.facts
    check = CellCheck(
        file=truth.report.name,
        layout=truth.layout,
        cells_total=scored.cells_total,
        cells_right=scored.cells_right,
        identity={
            "issuer": scored.issuer_right,
            "year": scored.year_right,
            "template": scored.template_right,
            "region_code": facts is not None and facts.region_code == synthetic.get("region_code"),
            "admin_level": facts is not None and facts.admin_level == synthetic.get("admin_level"),
            "published": facts is not None
            and facts.published_on is not None
            and facts.published_on.isoformat() in (truth.expected.get("published"), truth.expected.get("signed")),
        },
        status=report.status,
    )
    for mismatch in scored.mismatches:
        (check.open if mismatch.actual is None and mismatch.expected is not None else check.wrong).append(mismatch)
    return check


def check_cells(truths: Sequence[Truth]) -> list[CellCheck]:
    """``check_report`` for every report, in order."""
    return [check_report(truth) for truth in truths]


@dataclass(frozen=True)
class CellSummary:
    """Cell accuracy over a corpus, per layout: reports, cells, right, open, wrong, exact reports."""

    by_layout: dict[str, dict[str, int]]

    def describe(self) -> str:
        lines = [f"{'layout':<12} {'reports':>7} {'exact':>6} {'cells':>8} {'right':>8} {'open':>6} {'wrong':>6}"]
        for layout, n in sorted(self.by_layout.items()):
            lines.append(
                f"{layout:<12} {n['reports']:>7} {n['exact']:>6} {n['cells']:>8} {n['right']:>8} {n['open']:>6} "
                f"{n['wrong']:>6}"
            )
        return "\n".join(lines)


def summarise_cells(checks: Iterable[CellCheck]) -> CellSummary:
    by_layout: dict[str, Counter[str]] = {}
    for check in checks:
        counts = by_layout.setdefault(check.layout, Counter())
        counts["reports"] += 1
        counts["exact"] += int(check.exact)
        counts["cells"] += check.cells_total
        counts["right"] += check.cells_right
        counts["open"] += len(check.open)
        counts["wrong"] += len(check.wrong)
    return CellSummary({layout: dict(counts) for layout, counts in by_layout.items()})


def violations(check: CellCheck) -> list[str]:
    """What a report's parse got wrong for its layout: any mismatch where exact recovery is possible."""
    problems = [f"{m.key}: expected {m.expected}, parsed {m.actual} ({m.status}, raw {m.raw!r})" for m in check.wrong]
    if check.layout in EXACT_LAYOUTS:
        problems += [f"{m.key}: expected {m.expected}, parsed null ({m.status}, raw {m.raw!r})" for m in check.open]
    else:
        problems += [
            f"{m.key}: expected {m.expected}, parsed null but {m.status} (not ambiguous)"
            for m in check.open
            if m.status != "ambiguous"
        ]
    return problems


def check_warehouse_cells(truths: Sequence[Truth], database: Path) -> CellSummary:
    """Cell accuracy of a built warehouse (its ``cells`` table) against the ground truth, per layout.

    The same classification as ``check_report`` without parsing again: for a corpus of thousands of
    reports this reads what the build stored. A report missing from the warehouse counts every cell open.
    """
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select r.path, c.key, c.value from cells c join reports r on r.report_id = c.report_id"
        ).fetchall()
    parsed: dict[str, dict[str, float | None]] = {}
    for path, key, value in rows:
        parsed.setdefault(Path(str(path)).name, {})[str(key)] = None if value is None else float(value)
    by_layout: dict[str, Counter[str]] = {}
    for truth in truths:
        counts = by_layout.setdefault(truth.layout, Counter())
        cells = parsed.get(truth.report.name, {})
        expected = truth.expected.get("cells", {})
        assert isinstance(expected, dict)
        right = wrong = open_ = 0
        for key, value in expected.items():
            actual = cells.get(key)
            if value is None and actual is None:
                right += 1
            elif actual is None:
                open_ += 1
            elif value is not None and abs(float(value) - actual) < 1e-9:
                right += 1
            else:
                wrong += 1
        counts.update(
            reports=1, exact=int(not wrong and not open_), cells=len(expected), right=right, open=open_, wrong=wrong
        )
    return CellSummary({layout: dict(counts) for layout, counts in by_layout.items()})


# --------------------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class DefectCheck:
    """One planted defect and whether the warehouse's findings show it (rule × scope pairs missing)."""

    file: str
    kind: str
    rules: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def found(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class FindingsCheck:
    """Planted defects found or missed, and FAIL findings no planted defect explains."""

    defects: tuple[DefectCheck, ...]
    unplanted: tuple[tuple[str, str, str, str], ...]  # file, rule, scope, message

    def recall_by_kind(self) -> dict[str, tuple[int, int]]:
        """kind → (found, planted)."""
        found: Counter[str] = Counter()
        planted: Counter[str] = Counter()
        for defect in self.defects:
            planted[defect.kind] += 1
            found[defect.kind] += int(defect.found)
        return {kind: (found[kind], planted[kind]) for kind in sorted(planted)}

    def describe(self) -> str:
        lines = [f"{'defect kind':<18} {'found':>6} {'planted':>8}"]
        for kind, (found, planted) in self.recall_by_kind().items():
            lines.append(f"{kind:<18} {found:>6} {planted:>8}")
        rules = Counter(rule for _file, rule, _scope, _message in self.unplanted)
        lines.append(f"unplanted FAIL findings: {len(self.unplanted)} {dict(rules) if rules else ''}".rstrip())
        return "\n".join(lines)


def fail_findings(database: Path) -> dict[str, list[tuple[str, str, str]]]:
    """FAIL findings of the warehouse by report file (the path relative to the inbox): rule, scope, message."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("select path, rule, scope, message from findings where outcome = 'FAIL'").fetchall()
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    for path, rule, scope, message in rows:
        by_file.setdefault(Path(str(path)).name, []).append((str(rule), str(scope), str(message)))
    return by_file


def _strings(value: object) -> tuple[str, ...]:
    """A JSON list of strings as a tuple (empty when absent)."""
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def check_findings(truths: Sequence[Truth], database: Path) -> FindingsCheck:
    """Every planted defect against the FAIL findings of its report; FAILs that nothing planted explains."""
    fails = fail_findings(database)
    defects: list[DefectCheck] = []
    unplanted: list[tuple[str, str, str, str]] = []
    for truth in truths:
        name = truth.report.name
        found = fails.get(name, [])
        allowed: set[str] = set()
        for defect in truth.defects:
            rules = _strings(defect.get("rules"))
            scopes = _strings(defect.get("scopes"))
            allowed.update(rules)
            allowed.update(_strings(defect.get("collateral")))
            missing = []
            for rule in rules:
                for scope in scopes or [""]:
                    if not any(r == rule and scope in s for r, s, _m in found):
                        missing.append(f"{rule} {scope}".strip())
            defects.append(DefectCheck(name, str(defect.get("kind")), rules, tuple(missing)))
        unplanted += [(name, rule, scope, message) for rule, scope, message in found if rule not in allowed]
    return FindingsCheck(tuple(defects), tuple(unplanted))
