"""Fuzzing every reader and ``parse_bytes``: no exception escapes, every failure is a status with a reason, no hang.

The inputs and the check are in ``fuzz/harness.py``; each input is checked in an isolated worker with a
per-input deadline (a hang, a memory blow-up or a crash is a finding, and the run goes on). Three sources
of inputs, each a hypothesis strategy: random bytes behind a format's magic, report-like text built from the
seed's own lines and hostile snippets in several encodings, and mutations of seed documents (the seed report
in every synthetic layout, a hand-made PDF, the real corpus when present).

Profiles:

- normal suite (default): a few dozen inputs per source, well under a minute in all;
- long (``XXGK_FUZZ_SECONDS=600``, what ``make fuzz`` runs): each source is run again and again with fresh
  random inputs for its share of the time (``SHARES``: half of it for mutated documents), findings are
  collected rather than stopping the run, inputs that found something are written to ``XXGK_FUZZ_OUT``
  (default: a temporary folder, printed), and a summary (inputs tried, distinct findings, the statuses
  reached) is printed at the end.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.harness import HOSTILE, SEED, SUFFIXES, Case, Checked, Fuzzer, check, mutate, mutate_docx, seeds

FUZZ_SECONDS = float(os.environ.get("XXGK_FUZZ_SECONDS", "0") or 0)
LONG = FUZZ_SECONDS > 0
#: Inputs per source in the normal suite (each check runs every reader: ~5–50 ms, a PDF up to ~2 s).
SHORT_EXAMPLES = {"random": 100, "text": 60, "mutation": 80}
#: A check that takes longer than this is a hang (the slowest real report parses in about 2 s).
DEADLINE_SECONDS = float(os.environ.get("XXGK_FUZZ_DEADLINE", "30"))
SOURCES = ("random", "text", "mutation")
#: Shares of a long run's time: mutated documents reach deepest (parsed and partial reports) but are slowest.
SHARES = {"random": 0.2, "text": 0.3, "mutation": 0.5}

_SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# ------------------------------------------------------------------------------------------- strategies

HEADS = (b"", b"%PDF-1.4\n", b"%PDF-", b"PK\x03\x04", b"<html>", b"<!DOCTYPE html><body>", b"\xef\xbb\xbf", b"# ")


@st.composite
def random_cases(draw: st.DrawFn) -> Case:
    """Random bytes, often behind the magic of a format, under any extension."""
    head = draw(st.sampled_from(HEADS))
    body = draw(st.binary(max_size=4096))
    return Case(draw(st.sampled_from(SUFFIXES)), head + body, "random")


def _seed_lines() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


@st.composite
def text_cases(draw: st.DrawFn) -> Case:
    """Report-like text: the seed's lines (labels, tables, prose) shuffled, cut and mixed with digits and junk."""
    lines = _seed_lines()
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(lines),
                st.sampled_from(lines).map(lambda line: line.replace("\t", "")),
                st.from_regex(r"[0-9]{1,40}", fullmatch=True),
                st.sampled_from(HOSTILE).map(lambda b: b.decode("utf-8", "replace")),
                st.text(alphabet="0123456789一二三四五六七八九十总计申请年度报告（）()、.\t -—/无", max_size=60),
            ),
            max_size=60,
        )
    )
    separator = draw(st.sampled_from(["\n", "\r\n", "", "\t", "<br>", "</td><td>"]))
    text = separator.join(pieces)
    wrap = draw(st.sampled_from(["plain", "html", "table"]))
    if wrap == "html":
        text = f"<html><head><meta charset='utf-8'><title>{pieces[0] if pieces else ''}</title></head><body>{text}"
    elif wrap == "table":
        text = "<table><tr><td>" + text.replace("\n", "</td></tr><tr><td>") + "</td></tr></table>"
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]))
    data = text.encode(encoding, errors="replace")
    return Case(draw(st.sampled_from((".txt", ".md", ".html", ".htm"))), data, f"text/{wrap}/{encoding}")


OPERATIONS = st.tuples(
    st.sampled_from(["flip", "truncate", "delete", "insert", "duplicate", "splice", "overwrite"]),
    st.floats(0, 1),
    st.integers(0, 4096),
    st.one_of(st.sampled_from(HOSTILE), st.binary(max_size=64)),
)


@st.composite
def mutation_cases(draw: st.DrawFn) -> Case:
    """A seed document with a few edits: bit flips, truncation, hostile inserts, a splice with another seed."""
    pool = seeds()
    seed = draw(st.sampled_from(pool))
    other = draw(st.sampled_from(pool))
    operations = draw(st.lists(OPERATIONS, min_size=1, max_size=5))
    if seed.suffix == ".docx" and draw(st.booleans()):
        member = draw(st.sampled_from(["word/document.xml", "docProps/core.xml", "[Content_Types].xml"]))
        data = mutate_docx(seed.data, operations, member)
    else:
        data = mutate(seed.data, operations, other.data)
    suffix = seed.suffix if draw(st.integers(0, 9)) else draw(st.sampled_from(SUFFIXES))
    return Case(suffix, data, f"mutated {seed.origin}")


STRATEGIES = {"random": random_cases(), "text": text_cases(), "mutation": mutation_cases()}

# ---------------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def fuzzer() -> Iterator[Fuzzer]:
    out = os.environ.get("XXGK_FUZZ_OUT")
    findings_dir = Path(out) if out else (Path(tempfile.mkdtemp(prefix="xxgk-fuzz-findings-")) if LONG else None)
    made = Fuzzer(seconds_per_case=DEADLINE_SECONDS, findings_dir=findings_dir)
    yield made
    if LONG:
        print(f"\nfuzz: {made.report()}\nfindings (inputs): {findings_dir}")
    made.close()


@pytest.mark.parametrize("source", SOURCES)
def test_no_input_breaks_the_readers_or_parse_bytes(source: str, fuzzer: Fuzzer) -> None:
    before = dict(fuzzer.counts)

    @settings(_SETTINGS, max_examples=SHORT_EXAMPLES[source] if not LONG else 200)
    @given(case=STRATEGIES[source])
    def check(case: Case) -> None:
        fuzzer.run(case)

    if LONG:
        stop = time.monotonic() + FUZZ_SECONDS * SHARES[source]
        while time.monotonic() < stop:
            check()
    else:
        check()
    new = {signature: count for signature, count in fuzzer.counts.items() if count != before.get(signature, 0)}
    details = [f"{count}× {signature}: {fuzzer.findings[signature].detail}" for signature, count in new.items()]
    assert not new, "\n".join(details)


# ------------------------------------------------------------------------- the harness finds what it should


def broken_target(case: Case) -> Checked:
    """A stand-in for a buggy parser: each input names the failure it causes."""
    if case.data == b"raise":
        return Checked((("exception", "parse_bytes: KeyError: 'x'", "KeyError in parse.py:1 f"),), None)
    if case.data == b"hang":
        time.sleep(600)
    if case.data == b"crash":
        os._exit(1)
    if case.data == b"memory":
        bytearray(1 << 30)
    return check(case)


def test_the_harness_reports_exceptions_hangs_crashes_and_memory(tmp_path: Path) -> None:
    fuzzer = Fuzzer(seconds_per_case=8, memory_mb=512, findings_dir=tmp_path, target=broken_target)
    try:  # the seed first: a new worker imports this module (hypothesis, pytest) before its first input
        for data in (SEED.read_bytes(), b"raise", b"hang", b"crash", b"memory", b"raise"):
            fuzzer.run(Case(".txt", data))
    finally:
        fuzzer.close()
    kinds = sorted(finding.kind for finding in fuzzer.findings.values())
    assert kinds == ["crash", "exception", "hang", "memory"]
    assert fuzzer.counts["exception @ KeyError in parse.py:1 f"] == 2
    assert fuzzer.statuses["random"].get("parsed") == 1, fuzzer.statuses
    assert len(list(tmp_path.glob("*-*.txt"))) == 4 and (tmp_path / "findings.txt").exists()


# -------------------------------------------------------------------------- regressions found by fuzzing


def test_a_pdf_whose_page_tree_is_broken_fails_with_a_reason(tmp_path: Path) -> None:
    """Long run 3: a hand-made PDF with ``/Type /Pages /Kids`` overwritten. Reading its pages raised, the reader
    said so (UnreadableDocument), then ``with pdf:`` closed the file by walking the pages again and pdfminer's
    own error replaced the reader's: ``parse_bytes`` raised."""
    from fuzz.harness import _minimal_pdf
    from pipelines.parse import parse_bytes

    good = _minimal_pdf(["2023 annual report", "1 2 3 4 5 6 21", "total 42"])
    broken = good.replace(b"/Type /Pages /Kids ", b"/Type /Pag" + "\u202e\u2028\ufeff".encode(), 1)
    path = tmp_path / "broken_2023.pdf"
    path.write_bytes(broken)
    report = parse_bytes(path, broken, path.name)
    assert report.status == "failed"
    assert any("damaged PDF that cannot be read" in error for error in report.errors), report.errors
