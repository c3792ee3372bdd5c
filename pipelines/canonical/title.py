"""Which body published a report and which year it covers, as its title (or statistics period) says.

Titles come as ``<机关><年份>年(度)政府信息公开工作年度报告``, ``<年份>年<机关>…``, sometimes without 政府
(the seed: ``德归镇人民政府 2023 年信息公开工作年度报告``). The statistics-period sentence
(``本报告所列数据统计期限为2023年1月1日至12月31日``) confirms or supplies the year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.canonical.text import normalise

_TAIL = r"信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)"
#: A match can only start where a line or cell starts (after ``\n`` or ``\t``): from any later start, ``before``
#: reaches a subset of the years the start of that line reaches, so the leftmost match is the same. Without
#: the anchor a 100 KB line of run-together text is searched from each of its characters (a fuzzed crawl
#: with repeated chunks took minutes); with it, from each line start only.
_TITLE = re.compile(
    r"(?:^|(?<=[\n\t]))(?P<before>[^\n\t]*?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<after>[^\n\t]*?)\s*"
    r"(?:政府|政务)?\s*" + _TAIL
)
#: No title without its ending (信息公开…报告): a line without one is not searched at all (each of its years
#: would otherwise be tried against the rest of the line).
_TITLE_END = re.compile(_TAIL)
_PERIOD = re.compile(r"统计期限?为?\s*(?:自\s*)?(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_NOISE_PREFIX = re.compile(r"^(?:#+\s*|标题\s*[:：]\s*|关于\s*|[《“\"]+)")
_NOISE_SUFFIX = re.compile(r"[》”\"\s]+$")


@dataclass(frozen=True)
class Identity:
    issuer: str | None
    year: int | None
    title: str | None
    period_year: int | None


def _clean_issuer(name: str) -> str:
    name = _NOISE_PREFIX.sub("", name.strip())
    name = _NOISE_SUFFIX.sub("", name)
    return re.sub(r"\s+", "", name)


def identify(title_hint: str | None, lines: Iterable[str]) -> Identity:
    """Issuer and year from the first title-like line (or the crawler's title hint)."""
    candidates = [title_hint] if title_hint else []
    texts = [normalise(line) for line in lines]
    candidates.extend(texts[:30])
    issuer: str | None = None
    year: int | None = None
    title: str | None = None
    for candidate in candidates:
        text = normalise(candidate)
        match = _TITLE.search(text) if _TITLE_END.search(text) else None
        if not match:
            continue
        name = _clean_issuer(match.group("before")) or _clean_issuer(match.group("after"))
        if not name:
            continue
        issuer, year, title = name, int(match.group("year")), candidate.strip().lstrip("#").strip()
        break
    period_year = None
    for text in texts:
        period = _PERIOD.search(text)
        if period:
            period_year = int(period.group("year"))
            break
    if year is None:
        year = period_year
    return Identity(issuer, year, title, period_year)
