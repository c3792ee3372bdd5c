"""Hostile and broken inbox files, through the real pipeline: each ends as one catalogued row with a reason.

One inbox holds every kind at once (truncated downloads, an error page saved as .pdf, a zip bomb, entity
expansion in Word XML and HTML, deep nesting, a 200 MB file, NUL bytes, GBK labelled UTF-8, mixed encodings,
links leading out, a looping link, a named pipe, a folder link, and files with odd names), next to good
reports. It is built once with ``build_all`` (every Dagster run must succeed); then, from the warehouse's
``documents`` mart:

- exactly one row per inbox entry, each with a status among parsed / partial / failed / needs_ocr /
  not_a_report, and a reason whenever the status is not ``parsed``;
- the raw files are byte for byte as before the build;
- per kind, the outcome listed in ``KINDS`` (the reason's wording where it matters).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.build import build_all
from pipelines.paths import warehouse_file
from tests.conftest import SEED, corpus_path

STATUSES = {"parsed", "partial", "failed", "needs_ocr", "not_a_report"}
TITLE = "# 德归镇人民政府 2023 年信息公开工作年度报告"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def report(issuer: str, licensing: int) -> str:
    """The seed report under another issuer's name and with another 行政许可 figure (so no two are twins)."""
    return SEED_TEXT.replace(TITLE, f"# {issuer} 2023 年信息公开工作年度报告").replace(
        "行政许可\t215", f"行政许可\t{licensing}"
    )


def word_archive(document_xml: bytes) -> bytes:
    """A minimal .docx whose main part is ``document_xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def bomb() -> bytes:
    """A .docx whose document.xml inflates to 60 MB (over the reader's 50 MB limit) from ~60 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024) + b">")
    return out.getvalue()


def gbk_page_labelled_utf8() -> bytes:
    rows = "".join(f"<p>{line}</p>" for line in SEED_TEXT.replace(TITLE, "").splitlines() if "\t" not in line)
    tables = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in line.split("\t")) + "</tr>"
        for line in SEED_TEXT.splitlines()
        if "\t" in line
    )
    page = (
        '<html><head><meta charset="utf-8"><title>GBK页面</title></head><body>'
        f"<h1>梅花镇人民政府2023年政府信息公开工作年度报告</h1>{rows}<table>{tables}</table></body></html>"
    )
    return page.encode("gb18030")


@dataclass(frozen=True)
class Kind:
    """One hostile entry: the name it has in the inbox, the outcomes allowed, and words its reason must hold."""

    name: str
    statuses: frozenset[str]
    reason: str | None = None
    corpus: bool = False


ANY = frozenset(STATUSES)
FAILED = frozenset({"failed"})
READ = frozenset({"parsed", "partial"})

KINDS: dict[str, Kind] = {
    "truncated text": Kind("truncated_2023.txt", frozenset({"partial", "failed"})),
    "truncated Word file": Kind("truncated_2023.docx", FAILED, "not a Word (.docx) document"),
    "truncated PDF (real)": Kind("truncated_淮安市人民政府_2024.pdf", ANY, corpus=True),
    "truncated HTML (real)": Kind("truncated_平潭综合实验区_2024.html", ANY, corpus=True),
    "error page saved as .pdf": Kind("error-page.pdf", FAILED, "its bytes are HTML"),
    "zip bomb": Kind("bomb_2023.docx", FAILED, "possible zip bomb"),
    "entity expansion in Word": Kind("laughs_2023.docx", FAILED),
    "entity expansion in HTML": Kind("laughs_2023.html", FAILED),
    "deeply nested HTML": Kind("nested_2023.html", FAILED),
    "200 MB text": Kind("huge_2023.txt", FAILED, "over the 20 MB limit"),
    "NUL bytes inside a report": Kind("nul_inside_2023.txt", READ),
    "NUL bytes at the start": Kind("nul_start_2023.txt", FAILED, "binary content"),
    "GBK page labelled UTF-8": Kind("gbk_labelled_utf8_2023.html", READ),
    "mixed encodings": Kind("mixed_encodings_2023.txt", ANY),
    "link leading outside": Kind("outside_link.txt", FAILED, "outside the inbox"),
    "looping link": Kind("loop_link.txt", FAILED, "loops"),
    "dangling link": Kind("dangling_link.txt", FAILED, "does not exist"),
    "named pipe": Kind("pipe_2023.txt", FAILED, "not a regular file"),
    "link to a folder outside": Kind("outside_folder", FAILED, "not followed"),
    "name not UTF-8 (GBK bytes)": Kind("德归_2023.txt (name in GBK)", FAILED, "not valid UTF-8"),
    "name with spaces": Kind("sub folder/梅 花 镇 2023 report.txt", READ),
    "Chinese name": Kind("桃花镇人民政府_2023年度报告.txt", READ),
    "leading dash": Kind("-rf_2023.txt", READ),
    "leading double dash": Kind("--help_2023.txt", READ),
    "name of 250 bytes": Kind("长" * 80 + "_2023.txt", READ),
    "newline in the name": Kind("line\nbreak_2023.txt", READ),
    "issuer name of 400 bytes": Kind("long_issuer_2023.txt", READ),
}


def make_inbox(raw: Path, outside: Path) -> None:
    raw.mkdir()
    (raw / "sub folder").mkdir()
    outside.mkdir()
    seed = SEED.read_bytes()
    put = {kind.name: b"" for kind in KINDS.values()}
    put["truncated_2023.txt"] = seed[: len(seed) // 2]
    from pipelines.canonical.registry import keys_for
    from pipelines.synth.render import render

    cells: dict[str, int | float | None] = dict.fromkeys(keys_for("v2021"), 0)
    docx = render("docx", "杏花镇人民政府", 2023, "v2021", cells)
    put["truncated_2023.docx"] = docx[: len(docx) // 2]
    corpus = corpus_path()
    for kind in KINDS.values():
        if kind.corpus and corpus.is_dir():
            data = (corpus / kind.name.removeprefix("truncated_")).read_bytes()
            put[kind.name] = data[: len(data) // 2]
    put["error-page.pdf"] = b"<html><head><title>404 Not Found</title></head><body><h1>404</h1></body></html>"
    put["bomb_2023.docx"] = bomb()
    laughs_body = "<w:body><w:p><w:r><w:t>2023年度报告 &lol9;</w:t></w:r></w:p></w:body>"
    put["laughs_2023.docx"] = word_archive(
        f'<?xml version="1.0"?>{LAUGHS}<w:document {W}>{laughs_body}</w:document>'.encode()
    )
    put["laughs_2023.html"] = f"<?xml version='1.0'?>{LAUGHS}<html><body><p>&lol9;</p></body></html>".encode()
    put["nested_2023.html"] = b"<html><body>" + b"<div>" * 100_000 + "年度报告".encode() + b"</div>" * 100_000
    # NULs past the first 4 KB (where the format check looks for binary content), in the prose
    nul_report = report("李花镇人民政府", 301).encode()
    put["nul_inside_2023.txt"] = nul_report.replace("以扎实有力的举措".encode(), b"\x00" * 16 + "举措".encode())
    put["nul_start_2023.txt"] = b"\x00" * 100 + seed
    put["gbk_labelled_utf8_2023.html"] = gbk_page_labelled_utf8()
    mixed = report("菊花镇人民政府", 302)
    put["mixed_encodings_2023.txt"] = mixed[: len(mixed) // 2].encode() + mixed[len(mixed) // 2 :].encode("gb18030")
    for number, name in enumerate(
        ["sub folder/梅 花 镇 2023 report.txt", "桃花镇人民政府_2023年度报告.txt", "-rf_2023.txt", "--help_2023.txt",
         "长" * 80 + "_2023.txt", "line\nbreak_2023.txt"]
    ):  # fmt: skip
        put[name] = report(f"第{number}花镇人民政府", 400 + number).encode()
    put["long_issuer_2023.txt"] = report("很" * 120 + "镇人民政府", 500).encode()
    for name in ("outside_link.txt", "loop_link.txt", "dangling_link.txt", "pipe_2023.txt", "outside_folder"):
        put.pop(name)
    put.pop("德归_2023.txt (name in GBK)")
    for name, data in put.items():
        if data:
            (raw / name).write_bytes(data)
    # the 200 MB file: the seed, then a hole (no disk blocks) up to 200 MB
    with (raw / "huge_2023.txt").open("wb") as handle:
        handle.write(seed)
        handle.truncate(200 * 1024 * 1024)
    (outside / "secret.txt").write_bytes(seed)
    os.symlink(outside / "secret.txt", raw / "outside_link.txt")
    os.symlink("loop_link.txt", raw / "loop_link.txt")
    os.symlink(raw / "nowhere.txt", raw / "dangling_link.txt")
    os.mkfifo(raw / "pipe_2023.txt")
    os.symlink(outside, raw / "outside_folder")
    with open(os.fsencode(raw) + b"/\xb5\xc2\xb9\xe9_2023.txt", "wb") as handle:  # 德归 in GBK bytes
        handle.write(seed)
    (raw / SEED.name).write_bytes(seed)


def checksums(raw: Path) -> dict[bytes, str]:
    """sha256 of every regular file below ``raw`` (by raw name bytes), links not followed."""
    found = {}
    for directory, _, files in os.walk(os.fsencode(raw)):
        for name in files:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    found[path] = hashlib.file_digest(handle, "sha256").hexdigest()
    return found


@dataclass
class Built:
    rows: dict[str, tuple[str, str | None]]  # path → (status, reason)
    seconds: float
    before: dict[bytes, str]
    after: dict[bytes, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    base = tmp_path_factory.mktemp("hostile")
    raw, out = base / "raw", base / "out"
    make_inbox(raw, base / "outside")
    before = checksums(raw)
    began = time.monotonic()
    runs = build_all(raw, out, dg.DagsterInstance.ephemeral())
    seconds = time.monotonic() - began
    assert all(run.success for run in runs), [run.dagster_run.run_id for run in runs if not run.success]
    with duckdb.connect(str(warehouse_file(out)), read_only=True) as con:
        rows = {str(path): (str(status), reason) for path, status, reason in con.execute(
            "select path, status, reason from documents"
        ).fetchall()}  # fmt: skip
        assert con.execute("select count(*) from documents").fetchone() == (len(rows),), "a path twice"
    yield Built(rows, seconds, before, checksums(raw))


def test_one_row_per_inbox_entry_each_with_a_status_and_a_reason(built: Built) -> None:
    expected = {kind.name for kind in KINDS.values() if not kind.corpus or corpus_path().is_dir()}
    assert set(built.rows) == expected | {SEED.name}
    for path, (status, reason) in built.rows.items():
        assert status in STATUSES, path
        if status != "parsed":
            assert reason, f"{path}: {status} without a reason"
    assert built.rows[SEED.name] == ("parsed", None)


def test_raw_files_are_unchanged(built: Built) -> None:
    assert built.after == built.before


def test_the_hostile_inbox_builds_in_reasonable_time(built: Built) -> None:
    assert built.seconds < 300, f"{built.seconds:.0f} s"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_hostile_kind_ends_as_expected(built: Built, kind: str) -> None:
    spec = KINDS[kind]
    if spec.corpus and not corpus_path().is_dir():
        pytest.skip("needs the real-report corpus")
    status, reason = built.rows[spec.name]
    assert status in spec.statuses, f"{spec.name}: {status} ({reason})"
    if spec.reason is not None:
        assert reason is not None and spec.reason in reason, reason


def test_files_named_like_options_are_files_to_the_command_line(tmp_path: Path) -> None:
    for name in ("-rf_2023.txt", "--help_2023.txt"):
        (tmp_path / name).write_text(report("第九花镇人民政府", 9), encoding="utf-8")
    xxgk = str(Path(sys.executable).parent / "xxgk")
    result = subprocess.run(
        [xxgk, "parse", "--json", "--", "-rf_2023.txt", "--help_2023.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"status": "parsed"') == 2
