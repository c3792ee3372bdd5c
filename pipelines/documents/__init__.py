"""Readers: one per file format, each turning a file into an ``ExtractedDocument`` (rows of cells)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.documents.encoding import decode_text
from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument
from pipelines.documents.text import read_text

Reader = Callable[[Path, bytes], ExtractedDocument]


def _read_plain_text(path: Path, data: bytes) -> ExtractedDocument:
    return read_text(path.name, decode_text(data))


READERS: dict[str, Reader] = {"text": _read_plain_text}


def read_document(path: Path, fmt: str, data: bytes) -> ExtractedDocument:
    """Read ``data`` (the bytes of ``path``) with the reader for ``fmt``."""
    reader = READERS.get(fmt)
    if reader is None:
        raise UnreadableDocument(f"no reader for the {fmt} format yet")
    return reader(path, data)


__all__ = ["READERS", "ExtractedDocument", "Row", "UnreadableDocument", "read_document"]
