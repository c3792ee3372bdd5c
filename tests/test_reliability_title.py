"""The title pattern finds the same titles as before, without searching a long line from every character.

``pipelines.canonical.title._TITLE`` now only starts a match where a line or cell starts. The reference is
the pattern as it was (found hanging by the fuzzer: a crawled page with repeated chunks, one 100 KB line
holding many years and no title, took minutes). On random text made of the pattern's own pieces, and on
every line of the real corpus, both find the same match (span and groups).
"""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.canonical.text import normalise
from pipelines.canonical.title import _TITLE, identify
from tests.conftest import SEED, corpus_path

REFERENCE = re.compile(
    r"(?P<before>[^\n\t]*?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<after>[^\n\t]*?)\s*"
    r"(?:政府|政务)?\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)"
)

PIECES = ["2023", "1999", "年", "度", "政府", "政务", "信", "息", "公", "开", "工作", "报告", "年报", "镇人民政府",
          " ", "\t", "\n", "\u3000", "#", "关于", "《", "》", "x", "12"]  # fmt: skip


def same(text: str) -> None:
    new, old = _TITLE.search(text), REFERENCE.search(text)
    assert (new and (new.span(), new.groupdict())) == (old and (old.span(), old.groupdict())), repr(text)


@settings(max_examples=3000, deadline=None, database=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_same_match_as_the_reference_on_random_text(text: str) -> None:
    same(text)


def test_same_match_as_the_reference_on_real_lines() -> None:
    texts = [SEED.read_text(encoding="utf-8")]
    corpus = corpus_path()
    if corpus.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.glob("*.txt"))]
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.glob("*.md"))]
    for text in texts:
        same(text)
        for line in text.splitlines():
            same(normalise(line))


def test_a_long_line_of_years_without_a_title_is_quick() -> None:
    """The fuzzer's hang, distilled: 100 KB in one line, a year every few dozen characters, no title."""
    line = "本机关2013年共受理申请十二件，依法答复。" * 5000
    began = time.process_time()
    found = identify(None, [line, line])
    assert time.process_time() - began < 5
    assert found.issuer is None
