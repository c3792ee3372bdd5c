"""Choosing between readings of run-together rows with the table's arithmetic as a whole, then the narrative.

Row by row, 表三's identity R3 (six applicant columns add up to 总计) usually leaves one cut. When it leaves
several, the table's column identities decide (format-spec §5):

- R1, per column c: new_received.c + carried_over_in.c = total_processed.c + carried_forward_out.c
- R2, per column c: total_processed.c = Σ outcome rows .c (（一）…（六）)

``resolve_columns`` is a small constraint search: every combination of the ambiguous rows' candidate cuts is
tried against all 14 column identities. An identity that fails in *every* combination is the report's own
defect (it fails whatever the split) and cannot discriminate, so it is ignored; the combinations that satisfy
all the others survive, and each ambiguous row keeps only the cuts used by a survivor. Identities with an
unprinted operand (blank, missing row) are not assessable and are skipped.

``apply_facts`` then drops the readings that contradict what the narrative states (``narrative``), keeping a
fact only when some reading agrees with it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipelines.canonical import layout
from pipelines.canonical.narrative import Fact
from pipelines.canonical.rows import Reading
from pipelines.canonical.splitting import Parts

#: The search gives up (rows stay ambiguous) beyond this many combinations.
MAX_COMBINATIONS = 200_000


@dataclass(frozen=True)
class Identity:
    """``Σ plus rows − Σ minus rows = 0`` in one column of 表三."""

    name: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    column: int


def t3_identities(template: str) -> list[Identity]:
    """R1 and R2 for each of the seven 表三 columns."""
    identities: list[Identity] = []
    outcomes = layout.T3_OUTCOME_ROWS[template]
    for index, column in enumerate(layout.T3_COLUMNS):
        identities.append(
            Identity(
                f"R1 {column}",
                ("new_received", "carried_over_in"),
                ("total_processed", "carried_forward_out"),
                index,
            )
        )
        identities.append(Identity(f"R2 {column}", ("total_processed",), outcomes, index))
    return identities


def _fixed_sum(identity: Identity, fixed: Mapping[str, Parts | None], ambiguous: set[str]) -> Decimal | None:
    """The settled rows' part of an identity; None when one of them is not printed (not assessable)."""
    total = Decimal(0)
    for sign, rows in ((1, identity.plus), (-1, identity.minus)):
        for row in rows:
            if row in ambiguous:
                continue
            values = fixed.get(row)
            if values is None:
                return None
            value = values[identity.column]
            if value is None:
                return None
            total += sign * value
    return total


def resolve_columns(readings: Mapping[str, Reading], template: str) -> list[str]:
    """Narrow the ambiguous 表三 rows with R1/R2; returns notes on what the search found."""
    ambiguous = [row for row, r in readings.items() if r.ambiguous and r.complete]
    if not ambiguous:
        return []
    size = math.prod(len(readings[row].cuts) for row in ambiguous)
    if size > MAX_COMBINATIONS:
        return [f"t3: {size} combinations of ambiguous rows; column rules not searched"]
    fixed = {row: r.values() for row, r in readings.items()}
    ambiguous_set = set(ambiguous)
    checks: list[tuple[Identity, Decimal, list[int]]] = []  # identity, settled part, sign per ambiguous row
    for identity in t3_identities(template):
        signs = [1 if row in identity.plus else -1 if row in identity.minus else 0 for row in ambiguous]
        if not any(signs):
            continue
        settled = _fixed_sum(identity, fixed, ambiguous_set)
        if settled is not None:
            checks.append((identity, settled, signs))

    options = [readings[row].cuts for row in ambiguous]
    masks: list[tuple[tuple[int, ...], int]] = []
    for choice in itertools.product(*(range(len(o)) for o in options)):
        mask = 0
        for bit, (identity, settled, signs) in enumerate(checks):
            total = settled
            assessable = True
            for position, sign in enumerate(signs):
                if not sign:
                    continue
                value = options[position][choice[position]].values[identity.column]
                if value is None:
                    assessable = False
                    break
                total += sign * value
            if assessable and total != 0:
                mask |= 1 << bit
        masks.append((choice, mask))

    always = ~0
    for _, mask in masks:
        always &= mask
    survivors = [choice for choice, mask in masks if mask & ~always == 0]
    notes: list[str] = []
    if always:
        broken = [checks[bit][0].name for bit in range(len(checks)) if always >> bit & 1]
        notes.append(f"t3: {', '.join(broken)} fail(s) whatever the split (the report's own sums)")
    if len(survivors) == len(masks):
        return notes
    total_column = layout.T3_COLUMNS.index("total")
    for position, row in enumerate(ambiguous):
        kept = sorted({choice[position] for choice in survivors})
        reading = readings[row]
        if reading.relaxed:
            # A row that does not add up has a misprinted cell. The column rules may name it only when every
            # rule the report breaks regardless of the split lies in the 总计 column (the row's 总计 is wrong).
            failing = [checks[bit][0] for bit in range(len(checks)) if always >> bit & 1]
            if any(row in (*i.plus, *i.minus) and i.column != total_column for i in failing):
                reading.notes.append("the column rules fail outside 总计 too; the reading is left open")
                continue
        before = len(reading.cuts)
        reading.cuts = [reading.cuts[i] for i in kept]
        if len(reading.cuts) < before:
            reading.notes.append(f"{before} cuts fit the row; the table's column rules R1/R2 leave {len(reading.cuts)}")
    return notes


def _stated(values: Parts, positions: Sequence[int], allowed: set[Decimal]) -> bool:
    """Whether the cells at ``positions`` add up to one of the ``allowed`` figures."""
    parts = [values[i] for i in positions]
    if any(p is None for p in parts):
        return False
    return sum((p for p in parts if p is not None), Decimal(0)) in allowed


#: Notes quote at most this much of a narrative clause (its end, where the figure stands).
QUOTE_CHARS = 24


def _quote(clause: str) -> str:
    return f"'{clause}'" if len(clause) <= QUOTE_CHARS else f"'…{clause[-QUOTE_CHARS:]}'"


def apply_facts(readings: Iterable[Reading], facts: Sequence[Fact]) -> None:
    """Drop readings that contradict a narrative fact about their cells (when some reading agrees with it)."""
    for reading in readings:
        if not reading.ambiguous:
            continue
        index = {key: i for i, key in enumerate(reading.keys)}
        by_keys: dict[tuple[str, ...], list[Fact]] = {}
        for fact in facts:
            if all(key in index for key in fact.keys):
                by_keys.setdefault(fact.keys, []).append(fact)
        for keys, group in by_keys.items():
            positions = [index[key] for key in keys]
            kept = [cut for cut in reading.cuts if _stated(cut.values, positions, {f.value for f in group})]
            if not kept or len(kept) == len(reading.cuts):
                continue
            used = sorted(
                {_quote(f.quote) for f in group if any(_stated(c.values, positions, {f.value}) for c in kept)}
            )
            reading.notes.append(f"narrative tie-break {'; '.join(used)}: {len(reading.cuts)} → {len(kept)} readings")
            reading.cuts = kept
