"""Length-preserving text folding, so that matches found on a cleaned copy point back into the source.

Section headings and stated figures are reported with the character span they occupy in the report's own
text. Matching, though, wants full-width forms folded (``（一）`` vs ``(一)``, ``１２`` vs ``12``) and white
space ignored (PDF lines break inside words: "同意公开答复 9 件，不予公开答复 2\\n件"). ``fold`` maps one
character to one character, so offsets survive; ``compact`` drops white space and keeps, for every kept
character, its offset in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,  # no-break space
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: 0x20,  # zero-width space: kept as a space so that offsets survive
        0xFEFF: 0x20,
        0x201C: 0x22,  # “ ”
        0x201D: 0x22,
        0x300C: 0x22,  # 「 」
        0x300D: 0x22,
    }
)
_WHITE = frozenset(" \t\n\r\f\v")
#: A run of characters ``compact`` keeps (anything but ``_WHITE``).
_KEPT_RUN = re.compile(r"[^ \t\n\r\f\v]+")


#: The characters ``_FOLD`` maps, and what each becomes (as strings, for ``re.sub``).
_FOLDABLE = re.compile("[" + re.escape("".join(chr(code) for code in _FOLD)) + "]")
_FOLDED = {chr(code): chr(target) for code, target in _FOLD.items()}


def _fold_char(match: re.Match[str]) -> str:
    return _FOLDED[match.group(0)]


def fold(text: str) -> str:
    """``text`` with full-width ASCII, odd spaces and curly quotes folded, one character for one.

    Same result as ``text.translate(_FOLD)``, but ``str.translate`` looks every CJK character up in the
    mapping (~0.1 µs each, ~1.5 ms a report); a regex finds the few foldable ones at C speed (~5× faster).
    """
    return _FOLDABLE.sub(_fold_char, text)


@dataclass(frozen=True)
class Compact:
    """A folded copy of a text without white space, and for each of its characters the source offset."""

    text: str
    offsets: tuple[int, ...]
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the source text covered by ``[start, end)`` of the compact text."""
        if start >= len(self.offsets):
            return (self.source_length, self.source_length)
        source_start = self.offsets[start]
        source_end = self.offsets[end - 1] + 1 if end > start else source_start
        return (source_start, source_end)


def compact(text: str) -> Compact:
    """Fold ``text`` and drop its white space, remembering where every kept character came from.

    Works run by run (Chinese prose has few gaps), so the offsets are built by ``range`` rather than a
    Python loop over every character (this ran ~40 times a report, 0.15 ms each).
    """
    folded = fold(text)
    pieces: list[str] = []
    offsets: list[int] = []
    for run in _KEPT_RUN.finditer(folded):
        pieces.append(run.group(0))
        offsets.extend(range(run.start(), run.end()))
    return Compact("".join(pieces), tuple(offsets), len(text))
