"""Shingle Jaccard, the MinHash/LSH index (speed, recall, never a pair under the threshold) and peer copies."""

from __future__ import annotations

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.validation.similarity import (
    MIN_SHINGLES,
    NearDuplicateIndex,
    SectionText,
    find_peer_copies,
    lsh_parameters,
    normalise,
    shingle_hashes,
    shingles,
    signature,
    similarity,
)

_CHARS = [chr(code) for code in range(0x4E00, 0x4E00 + 2500)]


def _text(rng: random.Random, low: int = 120, high: int = 240) -> str:
    return "".join(rng.choices(_CHARS, k=rng.randint(low, high)))


def _mutate(rng: random.Random, text: str, share: float) -> str:
    chars = list(text)
    for index in rng.sample(range(len(chars)), int(len(chars) * share)):
        chars[index] = rng.choice(_CHARS)
    return "".join(chars)


def test_normalisation_and_jaccard() -> None:
    assert normalise("一、 总体情况（2023年）\n") == "一总体情况2023年"
    assert normalise("ＡＢＣ，１２３") == "abc123"
    assert similarity("同一段文字，内容完全相同。", "同一段文字 内容完全相同") == 1.0
    assert similarity("甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未") == 0.0
    assert similarity("", "") == 0.0
    assert shingles("短") == {"短"}
    assert 0.0 < similarity("本机关2022年主动公开政府信息215条", "本机关2023年主动公开政府信息231条") < 1.0


def test_signatures_are_stable_and_agree_like_jaccard() -> None:
    rng = random.Random(3)
    base = _text(rng, 600, 600)
    sig = signature(shingle_hashes(normalise(base)))
    assert sig is not None and len(sig) == 128
    assert sig == signature(shingle_hashes(normalise(base)))  # CRC-32: the same in every process
    assert signature([]) is None
    other = _mutate(rng, base, 0.05)
    other_sig = signature(shingle_hashes(normalise(other)))
    assert other_sig is not None
    agreement = sum(a == b for a, b in zip(sig, other_sig, strict=True)) / 128
    assert abs(agreement - similarity(base, other)) < 0.2


def test_lsh_parameters_fit_the_threshold() -> None:
    for threshold in (0.5, 0.8):
        bands, rows = lsh_parameters(threshold)
        assert bands * rows <= 128

        def candidate(jaccard: float, bands: int = bands, rows: int = rows) -> float:
            return float(1 - (1 - jaccard**rows) ** bands)

        assert candidate(threshold) > 0.85  # a pair at the threshold is a candidate with high probability
        assert candidate(threshold + 0.1) > 0.98
        assert candidate(threshold - 0.3) < 0.06  # a pair well below rarely is


def test_index_finds_a_near_duplicate_among_2000_sections_fast() -> None:
    rng = random.Random(11)
    sections = [_text(rng) for _ in range(2000)]
    lsh_parameters(0.5)  # computed once per threshold and cached
    start = time.perf_counter()
    index: NearDuplicateIndex[int] = NearDuplicateIndex(0.5)
    for key, text in enumerate(sections):
        assert index.add(key, text)
    built = time.perf_counter()
    copy = _mutate(rng, sections[1234], 0.03)
    found = index.query(copy)
    queried = time.perf_counter()
    index.add(-1, copy)
    pairs = list(index.pairs())
    done = time.perf_counter()
    assert [key for key, _ in found] == [1234]
    assert found[0][1] == similarity(copy, sections[1234]) >= 0.5
    assert [(a, b) for a, b, _ in pairs] == [(1234, -1)]
    assert len(index.candidate_pairs()) < 50  # no all-pairs comparison (2,001 texts, ~2 million pairs)
    print(f"build {built - start:.3f}s, query {queried - built:.4f}s, pairs {done - queried:.3f}s")
    assert queried - built < 0.1
    assert done - start < 2.0  # typically 0.4–0.8 s here; generous for loaded CI machines


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000), threshold=st.sampled_from([0.3, 0.5, 0.8]))
def test_index_never_returns_a_pair_below_the_threshold(seed: int, threshold: float) -> None:
    rng = random.Random(seed)
    base = _text(rng, 80, 160)
    texts = [base, *(_mutate(rng, base, share) for share in (0.02, 0.1, 0.2, 0.35, 0.5)), _text(rng)]
    index: NearDuplicateIndex[int] = NearDuplicateIndex(threshold)
    for key, text in enumerate(texts):
        index.add(key, text)
    for a, b, score in index.pairs():
        assert score >= threshold
        assert score == similarity(texts[a], texts[b])
    for key, score in index.query(base):
        assert score >= threshold and score == similarity(base, texts[key])


def test_identical_texts_and_short_texts() -> None:
    index: NearDuplicateIndex[str] = NearDuplicateIndex(0.5)
    text = _text(random.Random(5))
    assert index.add("a", text) and index.add("b", text) and index.add("c", text)
    assert not index.add("short", "无其他需要报告的事项。")  # < MIN_SHINGLES shingles
    assert len(shingles("无其他需要报告的事项。")) < MIN_SHINGLES
    assert sorted((a, b) for a, b, score in index.pairs() if score == 1.0) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert len(index) == 3


def test_peer_copies_across_issuers_of_one_year() -> None:
    rng = random.Random(8)
    template = _text(rng, 300, 300)
    sections = [
        SectionText("甲镇人民政府", 2023, "sec_overview", template.replace(template[:3], "甲镇政")),
        SectionText("乙镇人民政府", 2023, "sec_overview", template.replace(template[:3], "乙镇政")),
        SectionText("甲镇人民政府", 2024, "sec_overview", template),  # the same issuer: not a peer copy
        SectionText("丙镇人民政府", 2023, "sec_overview", _text(rng, 300, 300)),
        SectionText("丁镇人民政府", 2023, "sec_problems", template),  # another section: other index
    ]
    copies = find_peer_copies(sections)
    assert {(c.issuer, c.other_issuer, c.year, c.section) for c in copies} == {
        ("甲镇人民政府", "乙镇人民政府", 2023, "sec_overview"),
        ("乙镇人民政府", "甲镇人民政府", 2023, "sec_overview"),
    }
    finding = copies[0].finding()
    assert (finding.rule, finding.outcome, finding.severity) == ("COPY_PEER", "FAIL", "warning")
    assert finding.actual is not None and finding.actual >= 0.8
