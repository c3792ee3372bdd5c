"""Files in the inbox that are not reports get a failed row with a reason; the rest of the build succeeds."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from pipelines.inbox import scan_inbox
from pipelines.parse import parse_file, parse_inbox_file
from tests.conftest import SEED

_RANDOM = random.Random(7)

BAD_FILES: dict[str, tuple[bytes, str, str]] = {
    "empty.txt": (b"", "failed", "empty file"),
    "noise.pdf": (bytes(_RANDOM.randrange(256) for _ in range(4096)), "failed", "binary content"),
    "minutes.txt": ("会议纪要\n\n今天讨论了办公用品采购事宜。\n".encode(), "failed", "no statistics tables"),
    "letter.txt": (
        "关于2014年政府信息公开工作要点落实情况的函\n\n各部门：现将有关事项函告如下。\n".encode(),
        "not_a_report",
        "a letter (函)",
    ),
    "error-page.pdf": (b"<html><body>404 Not Found</body></html>", "failed", "its bytes are HTML"),
    "scan.tiff": (b"II*\x00" + b"\x00" * 64, "failed", "unknown file type"),
    "notes.odt": (b"PK\x03\x04" + b"\x00" * 64, "failed", "not a Word (.docx) document"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_fails_with_reason_naming_it(tmp_path: Path, name: str) -> None:
    content, status, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    report = parse_file(path)
    assert report.status == status
    assert report.cells == {}
    assert any(name in error and reason in error for error in report.errors), report.errors


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a report")
    report = parse_file(path)
    assert report.status == "failed"
    assert "not a Word (.docx) document" in report.errors[0]


def test_inbox_catalogues_every_file_and_never_modifies_them(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sub folder").mkdir(parents=True)
    for name, (content, _, _) in BAD_FILES.items():
        (raw / name).write_bytes(content)
    (raw / "sub folder" / SEED.name).write_bytes(SEED.read_bytes())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.rglob("*") if p.is_file()}

    files = scan_inbox(raw)
    reports = [parse_inbox_file(f) for f in files]

    assert sorted(f.relative_path for f in files) == sorted([*BAD_FILES, f"sub folder/{SEED.name}"])
    outcome = {f.relative_path: r.status for f, r in zip(files, reports, strict=True)}
    assert outcome.pop(f"sub folder/{SEED.name}") == "parsed"
    assert outcome == {name: status for name, (_, status, _) in BAD_FILES.items()}
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.rglob("*") if p.is_file()}
    assert after == before


def test_link_leading_outside_the_inbox_is_refused(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    secret = tmp_path / "outside.txt"
    secret.write_bytes(SEED.read_bytes())
    os.symlink(secret, raw / "link.txt")
    (file,) = scan_inbox(raw)
    report = parse_inbox_file(file)
    assert report.status == "failed"
    assert "outside the inbox" in report.errors[0]
