"""Copy-paste detection (内容雷同): shingle Jaccard between two texts, and a MinHash/LSH index for a corpus.

The v2021 notice and local notices hold agencies accountable for 内容雷同 (format-spec §1, §9.1a Q6): a report
that repeats last year's prose, or a township that fills in a neighbour's text. Two measures:

- ``similarity(a, b)``: the Jaccard index of the two texts' sets of 5-character shingles, after
  normalisation (NFKC, lower case, white space and punctuation removed; digits kept, so changed figures count
  as changed text). Exact, for one pair. Shingles of 5 characters fit Chinese, where a word is 1–4 characters.
- ``NearDuplicateIndex``: finds, among hundreds of thousands of sections, the pairs whose Jaccard reaches a
  threshold without comparing all pairs. Each text gets a MinHash signature; signatures are cut into bands,
  and texts that agree on a whole band share a bucket and become *candidates*; every candidate pair is then
  checked with the exact Jaccard of its shingle sets, so no pair below the threshold is ever returned.

The signature is one-permutation hashing (Li, Owen & Zhang 2012) with densification by rotation (Shrivastava
& Li 2014): each shingle's hash picks one of ``num_perm`` bins and the signature keeps each bin's minimum;
empty bins borrow from the next non-empty bin. Two signatures agree in a bin with probability ≈ Jaccard,
like classic MinHash, but signing costs one hash per shingle instead of ``num_perm``, which is what makes
pure Python fast enough for a national corpus. Hashes are CRC-32 of the shingle's UTF-16 bytes: stable across
processes and Python versions, so signatures can be stored.

Band/row counts are chosen per threshold to minimise a weighted sum of the false-positive and false-negative
probability mass (recall weighted 0.85: false positives only cost an exact check). With 128 bins this gives
32 bands × 4 rows at 0.5 (a pair at J = 0.5 becomes a candidate with probability 0.87, at 0.6 with 0.99, at
0.2 with 0.05) and 14 × 9 at 0.8 (0.87 at 0.8, 0.999 at 0.9, 0.13 at 0.6). Identical texts are
indexed once and reported as pairs of Jaccard 1.0; texts under ``MIN_SHINGLES`` shingles ("无。") are not
indexed — nothing can be said about copying a one-line section.

Thresholds: ``PREVIOUS_YEAR_THRESHOLD`` 0.5 (the audit rule: more than half the same as last year);
``PEER_THRESHOLD`` 0.8 across issuers of one year — the v2021 template makes every report share stock
phrases, so only sections that are the same text with names and figures changed are flagged.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, TypeVar

from pipelines.validation.findings import FAIL, Finding, finding

SHINGLE_SIZE = 5
MIN_SHINGLES = 50
PREVIOUS_YEAR_THRESHOLD = 0.5
PEER_THRESHOLD = 0.8
NUM_PERM = 128

_PUNCTUATION_CATEGORIES = ("P", "S", "Z", "C")


def _deletion_table() -> dict[int, None]:
    """Code points ``normalise`` drops: punctuation, symbols, separators, controls (ASCII, CJK, full width)."""
    ranges = (range(0, 0x3100), range(0xFE00, 0x10000))
    return {
        code: None
        for block in ranges
        for code in block
        if unicodedata.category(chr(code)).startswith(_PUNCTUATION_CATEGORIES)
    }


_DROP = _deletion_table()


def normalise(text: str) -> str:
    """Text as compared: NFKC, lower case, without white space, punctuation, symbols or control characters."""
    return unicodedata.normalize("NFKC", text).lower().translate(_DROP)


@functools.lru_cache(maxsize=256)
def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """The set of ``size``-character substrings of the normalised text (the whole text if shorter).

    Remembered for the last few hundred texts: the year-on-year check compares each section with the year
    before and the year after, and asks for its size first.
    """
    normal = normalise(text)
    if len(normal) <= size:
        return frozenset({normal} if normal else ())
    return frozenset([normal[i : i + size] for i in range(len(normal) - size + 1)])


def jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a_text: str, b_text: str) -> float:
    """Jaccard index of the two texts' 5-character shingles (0.0 – 1.0)."""
    return jaccard(shingles(a_text), shingles(b_text))


def shingle_hashes(normal: str, size: int = SHINGLE_SIZE) -> set[int]:
    """CRC-32 of every shingle of an already normalised text (stable across processes)."""
    data = normal.encode("utf-16-le")
    width = 2 * size
    if len(data) <= width:
        return {zlib.crc32(data)} if data else set()
    starts = range(0, len(data) - width + 2, 2)
    return set(map(zlib.crc32, map(data.__getitem__, map(slice, starts, range(width, len(data) + 2, 2)))))


def signature(hashes: Iterable[int], num_perm: int = NUM_PERM) -> tuple[int, ...] | None:
    """The densified one-permutation MinHash of a set of 32-bit hashes; None for an empty set.

    ``num_perm`` must be a power of two: the low bits of a hash pick its bin, the others are its value.
    Empty bins (short texts) take the value of the next non-empty bin to the right, offset by the distance,
    so that two texts agree on a borrowed bin only when they agree on the bin it was borrowed from.
    """
    shift = num_perm.bit_length() - 1
    mask = num_perm - 1
    # Largest first, so that each bin keeps its smallest value (the last one assigned).
    minima = {value & mask: value >> shift for value in sorted(hashes, reverse=True)}
    if not minima:
        return None
    if len(minima) == num_perm:
        return tuple(minima[index] for index in range(num_perm))
    step = 1 << (32 - shift)  # larger than any value, so borrowed values never equal own ones
    bins: list[int] = []
    for index in range(num_perm):
        distance = 0
        while (index + distance) % num_perm not in minima:
            distance += 1
        bins.append(minima[(index + distance) % num_perm] + distance * step)
    return tuple(bins)


def _probability(s: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - s**rows) ** bands


@cache
def lsh_parameters(
    threshold: float, num_perm: int = NUM_PERM, fp_weight: float = 0.15, fn_weight: float = 0.85
) -> tuple[int, int]:
    """(bands, rows) minimising fp_weight × P(candidate | J < t) + fn_weight × P(missed | J ≥ t)."""
    steps = 200
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = sum(_probability(threshold * i / steps, bands, rows) for i in range(steps)) * threshold / steps
            width = 1.0 - threshold
            fn = (
                sum(1.0 - _probability(threshold + width * i / steps, bands, rows) for i in range(steps))
                * width
                / steps
            )
            cost = fp_weight * fp + fn_weight * fn
            if best is None or cost < best[0]:
                best = (cost, bands, rows)
    assert best is not None
    return best[1], best[2]


K = TypeVar("K", bound=Hashable)


@dataclass
class _Entry(Generic[K]):
    """One distinct normalised text in the index and every key that carries it."""

    normal: str
    keys: list[K]


class NearDuplicateIndex(Generic[K]):
    """MinHash/LSH index over texts, returning only pairs whose exact shingle Jaccard is ≥ ``threshold``.

    Memory per distinct text: its normalised text and one band key per band; shingle sets are rebuilt for
    candidates only. Build cost is one CRC-32 per shingle plus ``num_perm`` steps per text.
    """

    def __init__(
        self,
        threshold: float = PREVIOUS_YEAR_THRESHOLD,
        num_perm: int = NUM_PERM,
        min_shingles: int = MIN_SHINGLES,
        max_bucket: int = 5000,
    ) -> None:
        if num_perm & (num_perm - 1):
            raise ValueError("num_perm must be a power of two")
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.max_bucket = max_bucket
        self.bands, self.rows = lsh_parameters(threshold, num_perm)
        self._entries: list[_Entry[K]] = []
        self._by_digest: dict[bytes, int] = {}
        self._buckets: list[dict[tuple[int, ...], list[int]]] = [defaultdict(list) for _ in range(self.bands)]
        self.skipped_buckets = 0  # buckets larger than max_bucket left out of ``pairs`` (boilerplate)

    def __len__(self) -> int:
        return sum(len(entry.keys) for entry in self._entries)

    def _band_keys(self, sig: tuple[int, ...]) -> Iterator[tuple[int, tuple[int, ...]]]:
        for band in range(self.bands):
            yield band, sig[band * self.rows : (band + 1) * self.rows]

    def add(self, key: K, text: str) -> bool:
        """Index ``text`` under ``key``; False (not indexed) when it has fewer than ``min_shingles`` shingles."""
        normal = normalise(text)
        digest = hashlib.blake2b(normal.encode("utf-8"), digest_size=16).digest()
        known = self._by_digest.get(digest)
        if known is not None:
            self._entries[known].keys.append(key)
            return True
        hashes = shingle_hashes(normal)
        if len(hashes) < self.min_shingles:
            return False
        sig = signature(hashes, self.num_perm)
        if sig is None:
            return False
        index = len(self._entries)
        self._entries.append(_Entry(normal, [key]))
        self._by_digest[digest] = index
        for band, band_key in self._band_keys(sig):
            self._buckets[band][band_key].append(index)
        return True

    def _shingles(self, index: int) -> frozenset[str]:
        return _shingle_set(self._entries[index].normal)

    def query(self, text: str) -> list[tuple[K, float]]:
        """Keys whose text has exact Jaccard ≥ threshold with ``text``, most similar first."""
        normal = normalise(text)
        hashes = shingle_hashes(normal)
        sig = signature(hashes, self.num_perm) if len(hashes) >= self.min_shingles else None
        if sig is None:
            return []
        candidates: set[int] = set()
        for band, band_key in self._band_keys(sig):
            candidates.update(self._buckets[band].get(band_key, ()))
        own = _shingle_set(normal)
        result: list[tuple[K, float]] = []
        for index in candidates:
            score = jaccard(own, self._shingles(index))
            if score >= self.threshold:
                result.extend((key, score) for key in self._entries[index].keys)
        return sorted(result, key=lambda item: -item[1])

    def candidate_pairs(self) -> set[tuple[int, int]]:
        """Pairs of distinct texts sharing at least one band bucket (before the exact check)."""
        pairs: set[tuple[int, int]] = set()
        self.skipped_buckets = 0
        for buckets in self._buckets:
            for members in buckets.values():
                if len(members) < 2:
                    continue
                if len(members) > self.max_bucket:
                    self.skipped_buckets += 1
                    continue
                for i, a in enumerate(members):
                    for b in members[i + 1 :]:
                        pairs.add((a, b))
        return pairs

    def pairs(self, keep: Callable[[K, K], bool] | None = None) -> Iterator[tuple[K, K, float]]:
        """Every pair of keys whose texts have exact Jaccard ≥ threshold (each pair once).

        ``keep`` filters key pairs before the exact check (e.g. only pairs of different issuers).
        """
        for entry in self._entries:  # identical texts
            for i, a in enumerate(entry.keys):
                for b in entry.keys[i + 1 :]:
                    if keep is None or keep(a, b):
                        yield a, b, 1.0
        for a_index, b_index in sorted(self.candidate_pairs()):
            a_entry, b_entry = self._entries[a_index], self._entries[b_index]
            key_pairs = [(a, b) for a in a_entry.keys for b in b_entry.keys if keep is None or keep(a, b)]
            if not key_pairs:
                continue
            score = jaccard(self._shingles(a_index), self._shingles(b_index))
            if score >= self.threshold:
                for a, b in key_pairs:
                    yield a, b, score


@lru_cache(maxsize=4096)
def _shingle_set(normal: str) -> frozenset[str]:
    if len(normal) <= SHINGLE_SIZE:
        return frozenset({normal}) if normal else frozenset()
    return frozenset(normal[i : i + SHINGLE_SIZE] for i in range(len(normal) - SHINGLE_SIZE + 1))


@dataclass(frozen=True)
class SectionText:
    """One section of one report, as the peer comparison needs it."""

    issuer: str
    year: int
    section: str
    text: str
    source: str | None = None


@dataclass(frozen=True)
class PeerCopy:
    """Section ``section`` of ``issuer``'s report for ``year`` is near-identical to ``other_issuer``'s."""

    issuer: str
    other_issuer: str
    year: int
    section: str
    jaccard: float
    source: str | None = None
    other_source: str | None = None

    def finding(self) -> Finding:
        """The COPY_PEER finding for ``issuer``'s report."""
        message = (
            f"{self.section}: {self.jaccard:.0%} of the text is shared with {self.other_issuer}'s "
            f"{self.year} report{f' ({self.other_source})' if self.other_source else ''}"
        )
        return finding(
            "COPY_PEER", f"section:{self.section} peer:{self.other_issuer}", FAIL, None, self.jaccard, message
        )


def find_peer_copies(
    sections: Iterable[SectionText], threshold: float = PEER_THRESHOLD, num_perm: int = NUM_PERM
) -> list[PeerCopy]:
    """Near-identical sections of different issuers in the same year and section, both directions."""
    indexes: dict[tuple[int, str], NearDuplicateIndex[int]] = {}
    items: list[SectionText] = []
    for item in sections:
        index = indexes.get((item.year, item.section))
        if index is None:
            index = indexes[(item.year, item.section)] = NearDuplicateIndex(threshold, num_perm)
        index.add(len(items), item.text)
        items.append(item)
    copies: list[PeerCopy] = []
    for index in indexes.values():
        for a, b, score in index.pairs(keep=lambda a, b: items[a].issuer != items[b].issuer):
            first, second = items[a], items[b]
            rounded = round(score, 4)
            copies.append(
                PeerCopy(first.issuer, second.issuer, first.year, first.section, rounded, first.source, second.source)
            )
            copies.append(
                PeerCopy(second.issuer, first.issuer, first.year, first.section, rounded, second.source, first.source)
            )
    return copies
