"""One number per report (0–100) from its findings, for ranking and the quality mart.

The score starts at 100 and loses points per FAIL, by group, each group capped so that one kind of defect
cannot swamp the rest (a table with 20 broken rows is one broken table):

| group         | rules                                       | per FAIL | cap |
|---------------|---------------------------------------------|---------:|----:|
| arithmetic    | R1 R2 R3 R4 R8                              |        4 |  40 |
| tables        | TABLE_PRESENT                               |       10 |  20 |
| sections      | SECTION_PRESENT                             |        3 |  12 |
| template      | TEMPLATE_CURRENT                            |        8 |   8 |
| timeliness    | ON_TIME, PERIOD                             |        5 |  10 |
| text          | R9 R10                                      |        2 |  10 |
| history       | R5 R6 R7 JUMP SAME_FIGURES                  |        2 |  10 |
| copying       | COPY_PREV_YEAR COPY_PEER                    |        5 |  15 |
| not assessable| any error-severity rule NOT_ASSESSABLE       |     0.25 |   5 |

FAILs of severity ``info`` (a township published after the reference date) cost nothing. NOT_ASSESSABLE
findings of error rules cost a little: a report that leaves its 总计 cells blank cannot be checked, and that
is itself a (small) transparency defect; warning-rule NOT_ASSESSABLE costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.validation.findings import ERROR, FAIL, INFO, NOT_ASSESSABLE, Finding

#: group → (rules, points per FAIL, cap)
WEIGHTS: dict[str, tuple[frozenset[str], float, float]] = {
    "arithmetic": (frozenset({"R1", "R2", "R3", "R4", "R8"}), 4, 40),
    "tables": (frozenset({"TABLE_PRESENT"}), 10, 20),
    "sections": (frozenset({"SECTION_PRESENT"}), 3, 12),
    "template": (frozenset({"TEMPLATE_CURRENT"}), 8, 8),
    "timeliness": (frozenset({"ON_TIME", "PERIOD"}), 5, 10),
    "text": (frozenset({"R9", "R10"}), 2, 10),
    "history": (frozenset({"R5", "R6", "R7", "JUMP", "SAME_FIGURES"}), 2, 10),
    "copying": (frozenset({"COPY_PREV_YEAR", "COPY_PEER"}), 5, 15),
}
NOT_ASSESSABLE_POINTS = 0.25
NOT_ASSESSABLE_CAP = 5.0


def score_breakdown(findings: Iterable[Finding]) -> dict[str, float]:
    """Points lost per group (and ``not_assessable``), after the caps."""
    lost = {group: 0.0 for group in WEIGHTS}
    lost["not_assessable"] = 0.0
    for item in findings:
        if item.outcome == NOT_ASSESSABLE and item.severity == ERROR:
            lost["not_assessable"] += NOT_ASSESSABLE_POINTS
            continue
        if item.outcome != FAIL or item.severity == INFO:
            continue
        for group, (rules, points, _) in WEIGHTS.items():
            if item.rule in rules:
                lost[group] += points
                break
    for group, (_, _, cap) in WEIGHTS.items():
        lost[group] = min(lost[group], cap)
    lost["not_assessable"] = min(lost["not_assessable"], NOT_ASSESSABLE_CAP)
    return lost


def report_score(findings: Iterable[Finding]) -> float:
    """100 minus the capped points lost (never below 0), rounded to one decimal."""
    return round(max(0.0, 100.0 - sum(score_breakdown(findings).values())), 1)
