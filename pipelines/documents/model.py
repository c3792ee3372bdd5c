"""The common representation every reader produces: rows of cell texts, each row with its provenance.

A report arrives as crawled text, a web page, a Word file or a PDF; whatever the format, the canonical layer
only sees an ``ExtractedDocument``: an ordered list of rows (a table row, or one line or paragraph of prose),
each a tuple of cell texts plus a ``locator`` saying where in the source it came from (``line 45``,
``page 3 table 1 row 4``, ``table[2]/tr[5]``). Run-together crawled text is one cell per line; the canonical
layer splits it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One row of a table, or one line of prose, as the source laid it out."""

    cells: tuple[str, ...]
    locator: str

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass
class ExtractedDocument:
    """Everything a reader could take out of one file, before any interpretation."""

    source: str
    format: str
    rows: list[Row]
    title_hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    needs_ocr: bool = False
    #: Facts the source states about itself outside the report body (a crawler's 标题 / 发布时间 / 发布机构).
    metadata: dict[str, str] = field(default_factory=dict)


class UnreadableDocument(Exception):
    """The file cannot be read as the format it claims to be; the message is shown to people as is."""
