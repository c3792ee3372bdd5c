"""The inbox: every file dropped into ``data/raw`` (or any folder given), catalogued before parsing.

Each file gets a row whether or not it is a report: its path relative to the inbox, size, sha256 and the
format its bytes show. Raw files are only ever read. Links that lead outside the inbox are recorded and
refused, never followed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.documents.formats import detect_format
from pipelines.isolation import run_isolated

UNKNOWN_PARTITION = "unknown"


@dataclass(frozen=True)
class InboxFile:
    """One file of the inbox as found on disk."""

    path: Path
    relative_path: str
    size_bytes: int
    sha256: str
    format: str | None
    refusal: str | None  # why no reader will be tried, if so
    #: The report year its title gives, read when the file was first catalogued (None: no year found).
    year_hint: int | None = None

    @property
    def partition(self) -> str:
        """The Dagster partition (report year) this file is parsed in; ``unknown`` when no year was found."""
        return str(self.year_hint) if self.year_hint is not None else UNKNOWN_PARTITION


def file_digest(path: Path) -> tuple[str, bytes]:
    """sha256 of the whole file, and its first bytes for format detection."""
    hasher = hashlib.sha256()
    head = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if not head:
                head = chunk[:8192]
            hasher.update(chunk)
    return hasher.hexdigest(), head


def scan_inbox(
    raw_dir: Path, year_of: Callable[[Path, str, bytes], int | None] | None = None, known: Mapping[str, int | None] = {}
) -> list[InboxFile]:
    """Catalogue every file below ``raw_dir``, sorted by relative path (so rebuilds are identical).

    ``year_of(path, format, data)`` reads a new file's report year (the partition it is parsed in);
    ``known`` maps the sha256 of files catalogued before to the year found then, so they are not read again.
    """
    root = raw_dir.resolve()
    found: list[InboxFile] = []
    unread: list[int] = []  # new files whose year is still to be read
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories.sort()
        for name in subdirectories:
            # os.walk lists a link to a folder here and does not follow it: say so rather than skip it quietly
            path = Path(directory) / name
            if path.is_symlink():
                found.append(_refused(path, root, "refused: a link to a folder (links to folders are not followed)"))
        for name in sorted(files):
            path = Path(directory) / name
            refusal = _refusal(path, root)
            if refusal is not None:
                found.append(_refused(path, root, refusal))
                continue
            relative = path.relative_to(root).as_posix()
            try:
                sha256, head = file_digest(path)
                size = path.stat().st_size
            except OSError as error:
                found.append(InboxFile(path, relative, 0, "", None, f"cannot read file: {error.strerror}"))
                continue
            fmt, reason = detect_format(path, head)
            year: int | None = None
            if sha256 in known:
                year = known[sha256]
            elif year_of is not None and fmt is not None and reason is None:
                unread.append(len(found))
            found.append(InboxFile(path, relative, size, sha256, fmt, reason, year))
    if year_of is not None and unread:
        # Reading a title means reading the document: done in isolated workers under the parse budget, so
        # that a hostile file cannot hang or crash the catalogue (it is then parsed, and fails, as "unknown").
        tasks = [(year_of, found[index].path, found[index].format or "") for index in unread]
        for index, outcome in zip(unread, run_isolated(_read_year, tasks), strict=True):
            found[index] = dataclasses.replace(found[index], year_hint=outcome.value if outcome.ok else None)
    return sorted(found, key=lambda f: f.relative_path)


def _refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` (found below ``root``) is not read at all, or None for a regular file of the inbox.

    Refused: links leading outside the inbox, looping or dangling links, anything that is not a regular
    file (a named pipe would block the reader forever; a device is not a report), and names that are not
    valid UTF-8 (the catalogue, the lake and every report name them as text).
    """
    if _undecodable(path.relative_to(root)):
        return "refused: the file name is not valid UTF-8 (saved in another encoding, e.g. GBK): rename the file"
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root):
                return "refused: a link leading outside the inbox"
            if not target.is_file():
                return "refused: a link to something that is not a regular file"
            return None
        mode = path.lstat().st_mode
    except RuntimeError:
        return "refused: a link that loops back on itself"
    except FileNotFoundError:
        return "refused: a link to a file that does not exist"
    except OSError as error:
        return f"cannot read file: {error.strerror}"
    if not stat.S_ISREG(mode):
        return "refused: not a regular file (a named pipe, socket or device)"
    return None


def _undecodable(relative: Path) -> bool:
    try:
        relative.as_posix().encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refused(path: Path, root: Path, reason: str) -> InboxFile:
    """A catalogue row for something found but never read; its name made printable if it is not UTF-8."""
    relative = path.relative_to(root).as_posix()
    if _undecodable(Path(relative)):
        raw = os.fsencode(relative)
        try:
            relative = raw.decode("gb18030") + " (name in GBK)"
        except UnicodeDecodeError:
            relative = raw.decode("utf-8", errors="backslashreplace")
        path = root / relative
    return InboxFile(path, relative, 0, "", None, reason)


def _read_year(task: tuple[Callable[[Path, str, bytes], int | None], Path, str]) -> int | None:
    """The report year of one file, read in a worker: ``(year_of, path, format)``."""
    year_of, path, fmt = task
    return year_of(path, fmt, path.read_bytes())


def fingerprints(raw_dir: Path) -> dict[str, tuple[int, int]]:
    """Relative path → (size, modification time in ns) of every inbox file: a cheap way to notice changes."""
    root = raw_dir.resolve()
    found: dict[str, tuple[int, int]] = {}
    if not root.is_dir():
        return found
    for directory, _, files in os.walk(root, followlinks=False):
        for name in files:
            path = Path(directory) / name
            try:
                stat = path.lstat()
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def year_of_file(raw_dir: Path, relative_path: str, year_of: Callable[[Path, str, bytes], int | None]) -> str:
    """The partition a file will be parsed in, read the way the catalogue reads it."""
    path = raw_dir / relative_path
    if path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve()):
        return UNKNOWN_PARTITION
    try:
        data = path.read_bytes()
    except OSError:
        return UNKNOWN_PARTITION
    fmt, reason = detect_format(path, data[:8192])
    if fmt is None or reason is not None:
        return UNKNOWN_PARTITION
    (outcome,) = run_isolated(_read_year, [(year_of, path, fmt)])
    year = outcome.value if outcome.ok else None
    return str(year) if year is not None else UNKNOWN_PARTITION
