"""The canonical cell: one key of one report, its value, how it was printed and how it was read.

``status`` is one of ``numbers.STATUSES``: ``number`` (value set), the printed placeholders ``blank`` /
``dash`` / ``slash`` / ``none_text`` (value null), ``unparseable`` (printed, not a number), ``ambiguous``
(run-together digits that several readings fit; ``candidates`` lists them, value null), ``missing`` (not
printed or not found). ``note`` says in a few words how a value was obtained when it was not simply read off
one cell: split from run-together digits, chosen by the table's column rules, tie-broken by the narrative,
converted from 元.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Candidate = tuple[int | float | None, ...]


@dataclass
class Cell:
    """One canonical cell of one report, with what was printed and where."""

    key: str
    value: int | float | None
    status: str
    raw: str | None = None
    locator: str | None = None
    note: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    unit_raw: str | None = None

    def as_provenance(self) -> dict[str, object]:
        detail: dict[str, object] = {"status": self.status, "raw": self.raw, "locator": self.locator}
        if self.note:
            detail["note"] = self.note
        if self.unit_raw:
            detail["unit_raw"] = self.unit_raw
        if self.candidates:
            detail["candidates"] = [list(candidate) for candidate in self.candidates]
        return detail
