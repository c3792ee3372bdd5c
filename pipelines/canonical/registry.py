"""The canonical cell keys (``t2.*``, ``t3.*``, ``t4.*``) of each template, from ``metrics.csv``.

``metrics.csv`` is the project's copy of ``spec/metrics.csv``: one row per key with the templates that
print it, its table, row and column labels, type and unit. It is the contract of ``xxgk parse --json``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

TEMPLATES = ("v2021", "v2019", "legacy")


@dataclass(frozen=True)
class Metric:
    key: str
    templates: tuple[str, ...]
    table: str
    item: str
    row_label: str
    column_label: str
    type: str
    unit: str


@cache
def metrics() -> tuple[Metric, ...]:
    text = resources.files("pipelines.canonical").joinpath("metrics.csv").read_text(encoding="utf-8")
    return tuple(
        Metric(
            key=row["key"],
            templates=tuple(row["templates"].split()),
            table=row["table"],
            item=row["item"],
            row_label=row["row_label"],
            column_label=row["column_label"],
            type=row["type"],
            unit=row["unit"],
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def keys_for(template: str) -> tuple[str, ...]:
    """The keys a report on ``template`` prints, in the order of ``metrics.csv``."""
    return tuple(m.key for m in metrics() if template in m.templates)


@cache
def metric(key: str) -> Metric:
    for candidate in metrics():
        if candidate.key == key:
            return candidate
    raise KeyError(key)
