"""Fuzzing the readers and ``parse_bytes``: inputs, the check run on each, and what counts as a finding.

The contract under test (``pipelines/parse.py``): whatever bytes an inbox file holds, ``parse_bytes`` returns
a report whose status is one of parsed / partial / failed / needs_ocr / not_a_report, with at least one
reason when it is not ``parsed``, and never raises; every reader (``read_document`` for each format) either
returns an ``ExtractedDocument`` or raises ``UnreadableDocument``. Each input is checked in an isolated worker
(``pipelines.isolation``), so a hang, a memory blow-up or a crash of a C extension is a finding too, not
the end of the run:

- ``exception``: a reader raised something other than ``UnreadableDocument``, or ``parse_bytes`` raised;
- ``contract``: a status outside the five, or a status other than ``parsed`` with no reason;
- ``hang``: the check took longer than the per-input deadline; ``memory``: over the memory budget;
- ``crash``: the worker died.

Inputs (``Case``: the file's extension and bytes) come from ``tests/test_fuzz_readers.py``'s hypothesis
strategies: random bytes behind a format's magic, random report-like text, and mutations of seed documents
(bit flips, truncations, deletions, insertions of hostile snippets, splices of two documents, and edits
inside a Word archive's XML). Seeds are the shipped seed report, renderings of it in every layout the
synthetic renderer has, a hand-made PDF, and the real corpus when it is present.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipelines.isolation import Budget, IsolatedPool, Outcome

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "德归镇人民政府_2023.txt"
STATUSES = frozenset({"parsed", "partial", "failed", "needs_ocr", "not_a_report"})
SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx", ".htm", ".doc", "")

#: Snippets a hostile or broken file might hold: entity expansion, deep nesting, NULs, stray markup.
HOSTILE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    b"&d;&d;&d;&d;",
    b"<div>" * 300,
    b"<table><tr><td rowspan=99999 colspan=99999>1</td></tr></table>",
    b"\x00" * 64,
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<![CDATA[",
    b"<!--",
    "一、本年新收政府信息公开申请数量".encode(),
    "（七）总计".encode(),
    b"99999999999999999999999999999999999999",
    b"-0.5e308",
    b"\t" * 40,
    "\u202e\u2028\ufeff".encode(),
    "政府信息公开工作年度报告".encode("gb18030"),
    b"%PDF-1.7\n",
    b"stream\nendstream\nendobj\nxref\n0 99999\ntrailer<</Size 99999/Root 1 0 R>>\nstartxref\n9\n%%EOF",
    b"PK\x03\x04",
)


@dataclass(frozen=True)
class Case:
    """One fuzz input: the file's extension (which decides the reader with the bytes) and its bytes."""

    suffix: str
    data: bytes
    origin: str = "random"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.suffix.encode() + self.data).hexdigest()[:16]


@dataclass(frozen=True)
class Finding:
    """Something the contract forbids, with where it happened (for grouping) and the input's digest."""

    kind: str
    detail: str
    where: str
    case: Case = field(repr=False)

    @property
    def signature(self) -> str:
        """What makes two findings the same bug: kind and place (not the input)."""
        return f"{self.kind} @ {self.where}"


# ----------------------------------------------------------------------------------------------- seeds


def _minimal_pdf(lines: Sequence[str]) -> bytes:
    """A valid one-page PDF showing ``lines`` (ASCII) with a standard font, xref offsets computed."""
    text = "BT /F1 12 Tf 50 750 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode() + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _corpus_dir() -> Path | None:
    path = Path(os.environ.get("XXGK_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
    return path if path.is_dir() else None


@cache
def seeds() -> tuple[Case, ...]:
    """Documents to mutate: the seed report in every layout, a small PDF, and the real corpus if present."""
    found: list[Case] = [Case(".txt", SEED.read_bytes(), "seed")]
    try:
        from pipelines.canonical.registry import keys_for
        from pipelines.synth.render import LAYOUTS, render

        cells: dict[str, int | float | None] = {key: (index * 7) % 13 for index, key in enumerate(keys_for("v2021"))}
        for layout, (_, suffix) in sorted(LAYOUTS.items()):
            try:
                found.append(Case(suffix, render(layout, "德归镇人民政府", 2023, "v2021", cells), layout))
            except Exception:  # arithmetic checks of the renderer: the raw cells are seed enough
                continue
    except ImportError:
        pass
    found.append(Case(".pdf", _minimal_pdf(["2023 annual report", "1 2 3 4 5 6 21", "total 42"]), "minimal-pdf"))
    corpus = _corpus_dir()
    if corpus is not None:
        for path in sorted(corpus.iterdir()):
            if path.suffix in (".txt", ".md", ".html", ".pdf") and path.stat().st_size < 1_000_000:
                found.append(Case(path.suffix, path.read_bytes(), path.name))
    return tuple(found)


# ------------------------------------------------------------------------------------------ mutations


def mutate(data: bytes, operations: Sequence[tuple[str, float, int, bytes]], other: bytes = b"") -> bytes:
    """Apply ``(operation, position 0–1, length, payload)`` edits in turn; positions scale to the data's length."""
    buffer = bytearray(data)
    for operation, where, length, payload in operations:
        at = min(len(buffer), int(where * len(buffer)))
        if operation == "flip" and buffer:
            index = min(at, len(buffer) - 1)
            buffer[index] ^= 1 << (length % 8)
        elif operation == "truncate":
            del buffer[at:]
        elif operation == "delete":
            del buffer[at : at + length]
        elif operation == "insert":
            buffer[at:at] = payload
        elif operation == "duplicate":
            buffer[at:at] = buffer[at : at + length] * 2
        elif operation == "splice" and other:
            buffer[at:] = other[min(len(other), int(where * len(other))) :]
        elif operation == "overwrite":
            buffer[at : at + len(payload)] = payload
    return bytes(buffer)


def mutate_docx(data: bytes, operations: Sequence[tuple[str, float, int, bytes]], member: str) -> bytes:
    """Edit one member of a Word archive (``word/document.xml`` …) and zip it again with valid CRCs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return mutate(data, operations)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in members:
            archive.writestr(info.filename, mutate(content, operations) if info.filename == member else content)
    return out.getvalue()


# ------------------------------------------------------------------------------------- the check itself


def _where(error: BaseException) -> str:
    """The innermost frame of the project's code in a traceback (file:line function), else the last frame."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/pipelines/" in frame.filename]
    if not (ours or frames):
        return type(error).__name__
    frame = (ours or frames)[-1]
    name = frame.filename.split("/pipelines/")[-1] if "/pipelines/" in frame.filename else Path(frame.filename).name
    return f"{type(error).__name__} in {name}:{frame.lineno} {frame.name}"


@dataclass(frozen=True)
class Checked:
    """What one check saw: the problems (``(kind, detail, where)``), and the status ``parse_bytes`` gave."""

    problems: tuple[tuple[str, str, str], ...]
    status: str | None


def check(case: Case) -> Checked:
    """Run every reader and ``parse_bytes`` on ``case`` (in a worker)."""
    from pipelines.documents import READERS, UnreadableDocument, read_document
    from pipelines.parse import parse_bytes

    problems: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="xxgk-fuzz-") as folder:
        path = Path(folder) / f"fuzz_2023{case.suffix}"
        path.write_bytes(case.data)
        for fmt in READERS:
            try:
                read_document(path, fmt, case.data)
            except UnreadableDocument:
                pass
            except RecursionError as error:
                problems.append(("exception", f"reader {fmt}: RecursionError", _where(error)))
            except Exception as error:
                problems.append(("exception", f"reader {fmt}: {type(error).__name__}: {error}"[:300], _where(error)))
        try:
            report = parse_bytes(path, case.data, path.name)
        except Exception as error:
            problems.append(("exception", f"parse_bytes: {type(error).__name__}: {error}"[:300], _where(error)))
            return Checked(tuple(problems), None)
        if report.status not in STATUSES:
            problems.append(("contract", f"status {report.status!r}", "parse_bytes"))
        if report.status != "parsed" and not report.errors:
            problems.append(("contract", f"status {report.status} without a reason", "parse_bytes"))
    return Checked(tuple(problems), report.status)


class Fuzzer:
    """Checks cases in an isolated worker and keeps the findings (the first input of each kind and place)."""

    def __init__(
        self,
        seconds_per_case: float = 30.0,
        memory_mb: int = 2048,
        findings_dir: Path | None = None,
        target: Callable[[Case], Checked] = check,
    ):
        self.pool = IsolatedPool(1, Budget(seconds=seconds_per_case, memory_mb=memory_mb))
        self.target = target
        self.findings: dict[str, Finding] = {}
        self.counts: dict[str, int] = {}
        #: How many inputs ended in each status (``parse_bytes``), by source: how deep the inputs reach.
        self.statuses: dict[str, dict[str, int]] = {}
        self.tried = 0
        self.started = time.monotonic()
        self.findings_dir = findings_dir

    def run(self, case: Case) -> list[Finding]:
        """Check one case; returns its findings (also kept in ``self.findings`` by signature)."""
        self.tried += 1
        (outcome,) = self.pool.map(self.target, [case])
        source = case.origin.split()[0].split("/")[0]
        status = outcome.value.status if outcome.value is not None else None
        by_status = self.statuses.setdefault(source, {})
        by_status[str(status)] = by_status.get(str(status), 0) + 1
        found = self._findings(case, outcome)
        for finding in found:
            self.counts[finding.signature] = self.counts.get(finding.signature, 0) + 1
            if finding.signature not in self.findings:
                self.findings[finding.signature] = finding
                self._save(finding)
        return found

    def _findings(self, case: Case, outcome: Outcome[Checked]) -> list[Finding]:
        if outcome.kind == "timeout":
            return [Finding("hang", outcome.reason or "", f"{case.suffix} from {case.origin}", case)]
        if outcome.kind == "memory":
            return [Finding("memory", outcome.reason or "", f"{case.suffix} from {case.origin}", case)]
        if outcome.kind == "crashed":
            return [Finding("crash", outcome.reason or "", f"{case.suffix} from {case.origin}", case)]
        if outcome.kind == "error":
            return [Finding("harness", outcome.reason or "", "harness", case)]
        problems = outcome.value.problems if outcome.value is not None else ()
        return [Finding(kind, detail, where, case) for kind, detail, where in problems]

    def _save(self, finding: Finding) -> None:
        if self.findings_dir is None:
            return
        self.findings_dir.mkdir(parents=True, exist_ok=True)
        name = f"{finding.kind}-{finding.case.digest}{finding.case.suffix or '.noext'}"
        (self.findings_dir / name).write_bytes(finding.case.data)
        with (self.findings_dir / "findings.txt").open("a", encoding="utf-8") as log:
            log.write(f"{name}\t{finding.signature}\t{finding.detail}\n")

    def report(self) -> str:
        minutes = (time.monotonic() - self.started) / 60
        lines = [f"{self.tried} inputs checked in {minutes:.1f} min, {len(self.findings)} distinct findings"]
        for source, counts in sorted(self.statuses.items()):
            lines.append(f"  {source}: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
        for signature, finding in sorted(self.findings.items()):
            lines.append(f"  {self.counts[signature]}× {signature}: {finding.detail} (input {finding.case.digest})")
        return "\n".join(lines)

    def close(self) -> None:
        self.pool.close()
