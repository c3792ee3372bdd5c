"""Text normalisation shared by label matching and value parsing.

Reports mix full- and half-width forms (``（一）``/``(一)``, ``１``/``1``), curly and straight quotes,
ideographic spaces and invisible characters left by Word. NFKC folds the width variants; quotes are unified;
zero-width characters are dropped. Tabs and newlines survive, because they carry the table structure.

Labels also carry hints in brackets (``上一年项目数量(指2019年事项数)``, ``(区分处理的，只计这一情形…)``):
their digits are part of the label, never cell values. ``mask_hints`` blanks such brackets out, keeping
every offset, so that value scanning can run on a masked copy while labels are still matched on the real
text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")

#: Short texts (cells, labels, most lines) repeat within and across reports: up to ``MEMO_ENTRIES`` of them
#: are memoised. Long ones (a crawled table run together on one line) only repeat within one report: a few
#: (``MEMO_LONG_ENTRIES``) are kept, none longer than ``MEMO_LONG_CHARS``, so the caches stay a few MB.
MEMO_MAX_CHARS = 256
MEMO_ENTRIES = 4096
MEMO_LONG_CHARS = 1 << 16
MEMO_LONG_ENTRIES = 64


def memo_short(function: Callable[[str], R]) -> Callable[[str], R]:
    """``function`` memoised on its text argument, with bounded caches (least recently used out first).

    Only for pure functions whose result is immutable (it is shared by every caller). Texts up to
    ``MEMO_MAX_CHARS`` share a large cache, texts up to ``MEMO_LONG_CHARS`` a small one, longer ones are
    not memoised; a long-lived worker's memory stays flat whatever it parses.
    """
    short = functools.lru_cache(maxsize=MEMO_ENTRIES)(function)
    long = functools.lru_cache(maxsize=MEMO_LONG_ENTRIES)(function)

    @functools.wraps(function)
    def memoised(text: str) -> R:
        size = len(text)
        if size <= MEMO_MAX_CHARS:
            return short(text)
        return long(text) if size <= MEMO_LONG_CHARS else function(text)

    _MEMO_CLEARERS.extend((short.cache_clear, long.cache_clear))
    return memoised


#: The ``cache_clear`` of every cache ``memo_short`` made.
_MEMO_CLEARERS: list[Callable[[], None]] = []


def clear_memos() -> None:
    """Empty every ``memo_short`` cache (for benchmarks that parse one file repeatedly)."""
    for clear in _MEMO_CLEARERS:
        clear()


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "‘": "'", "’": "'", "『": '"', "』": '"'})
_SPACES = re.compile("[ \u00a0\u3000\u2002\u2003\u2009]+")
# A bracketed stretch (one line, no nesting) holding at least one CJK character: a hint inside a label.
_HINT = re.compile(r"[(\[【〔][^()\[\]【】〔〕\t\n]*?[\u3400-\u9fff][^()\[\]【】〔〕\t\n]*?[)\]】〕]")


@memo_short
def normalise(text: str) -> str:
    """Fold width variants, quotes, odd spaces and invisible characters; keep tabs and newlines.

    Memoised: the same row and token texts are normalised many times per report (title, tables, tokens).
    """
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).translate(_QUOTES)
    return _SPACES.sub(" ", text)


def fuzzy_phrase(phrase: str) -> str:
    """A regex for ``phrase`` that tolerates spaces and line breaks between its characters.

    PDF extraction and Word exports split labels anywhere ("商 业 企\\n业"), so every gap may hold white
    space. The phrase itself is written in normalised form; regex syntax inside it is kept as is when
    wrapped in ``(?:…)`` by the caller.
    """
    return r"\s*".join(re.escape(char) for char in phrase)


def mask_hints(text: str) -> str:
    """``text`` with every bracketed hint holding Chinese text replaced by spaces of the same length.

    ``上一年项目数量(指2019年事项数)`` becomes ``上一年项目数量`` followed by spaces, so 2019 is not read as a
    cell. Numbers in brackets without Chinese (``(1)``) are left alone. Offsets are unchanged.
    """
    return _HINT.sub(lambda match: " " * len(match.group(0)), text)
