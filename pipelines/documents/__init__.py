"""Readers: one per file format, each turning a file into an ``ExtractedDocument`` (rows of cells).

Each reader lives in its own module and is imported only when a file of its format turns up, so that a
text-only build never loads the PDF stack.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument

Reader = Callable[[Path, bytes], ExtractedDocument]

#: format → (module, function); every function takes ``(path, data)`` and returns an ExtractedDocument.
READERS: dict[str, tuple[str, str]] = {
    "text": ("pipelines.documents.text", "read_text_file"),
    "markdown": ("pipelines.documents.markdown", "read_markdown_file"),
    "html": ("pipelines.documents.html", "read_html_file"),
    "pdf": ("pipelines.documents.pdf", "read_pdf_file"),
    "docx": ("pipelines.documents.docx", "read_docx_file"),
}


def reader_for(fmt: str) -> Reader:
    module_name, function_name = READERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise UnreadableDocument(f"no reader for the {fmt} format yet") from error
        raise
    reader: Reader = getattr(module, function_name)
    return reader


def read_document(path: Path, fmt: str, data: bytes) -> ExtractedDocument:
    """Read ``data`` (the bytes of ``path``) with the reader for ``fmt``."""
    if fmt not in READERS:
        raise UnreadableDocument(f"no reader for the {fmt} format")
    return reader_for(fmt)(path, data)


__all__ = ["READERS", "ExtractedDocument", "Row", "UnreadableDocument", "read_document"]
