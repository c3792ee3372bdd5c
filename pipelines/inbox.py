"""The inbox: every file dropped into ``data/raw`` (or any folder given), catalogued before parsing.

Each file gets a row whether or not it is a report: its path relative to the inbox, size, sha256 and the
format its bytes show. Raw files are only ever read. Links that lead outside the inbox are recorded and
refused, never followed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.documents.formats import detect_format


@dataclass(frozen=True)
class InboxFile:
    """One file of the inbox as found on disk."""

    path: Path
    relative_path: str
    size_bytes: int
    sha256: str
    format: str | None
    refusal: str | None  # why no reader will be tried, if so


def _digest(path: Path) -> tuple[str, bytes]:
    """sha256 of the whole file, and its first bytes for format detection."""
    hasher = hashlib.sha256()
    head = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if not head:
                head = chunk[:8192]
            hasher.update(chunk)
    return hasher.hexdigest(), head


def scan_inbox(raw_dir: Path) -> list[InboxFile]:
    """Catalogue every file below ``raw_dir``, sorted by relative path (so rebuilds are identical)."""
    root = raw_dir.resolve()
    found: list[InboxFile] = []
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    found.append(InboxFile(path, relative, 0, "", None, "refused: a link leading outside the inbox"))
                    continue
            try:
                sha256, head = _digest(path)
                size = path.stat().st_size
            except OSError as error:
                found.append(InboxFile(path, relative, 0, "", None, f"cannot read file: {error.strerror}"))
                continue
            fmt, reason = detect_format(path, head)
            found.append(InboxFile(path, relative, size, sha256, fmt, reason))
    return sorted(found, key=lambda f: f.relative_path)
