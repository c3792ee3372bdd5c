"""Reader for plain-text reports: tab- or space-separated cells, markdown-style headings, crawled pages.

A line is a row; tabs separate cells. Crawled pages (the archive crawler's ``page.txt``) start with a
metadata header (``标题: …`` … ``==== 正文 ====``); its title is kept as a hint for identity. Lines that run
table cells together with no separator stay one cell: the canonical layer splits them.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.documents.encoding import decode_text
from pipelines.documents.model import ExtractedDocument, Row

_CRAWL_TITLE = re.compile(r"^\s*标题\s*[:：]\s*(?P<title>.+?)\s*$")
_CRAWL_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")


def read_text(source: str, text: str, fmt: str = "text") -> ExtractedDocument:
    lines = text.splitlines()
    title_hint: str | None = None
    start = 0
    for index, line in enumerate(lines[:40]):
        match = _CRAWL_TITLE.match(line)
        if match and title_hint is None:
            title_hint = match.group("title")
        if _CRAWL_BODY_MARK.match(line):
            start = index + 1
            break
    rows = [
        Row(cells=tuple(line.split("\t")), locator=f"line {number}")
        for number, line in enumerate(lines[start:], start=start + 1)
        if line.strip()
    ]
    return ExtractedDocument(source=source, format=fmt, rows=rows, title_hint=title_hint)


def read_text_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.txt`` inbox files."""
    return read_text(path.name, decode_text(data))
