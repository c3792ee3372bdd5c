"""Reader for plain-text reports: tab- or space-separated cells, markdown-style headings, crawled pages.

A line is a row; tabs separate cells. Crawled pages (the archive crawler's ``page.txt``) start with a
metadata header (``标题: …`` … ``==== 正文 ====``); its title is kept as a hint for identity. Lines that run
table cells together with no separator stay one cell: the canonical layer splits them.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.documents.encoding import decode_text
from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument

#: A text this large is not a report (real ones, crawled pages included, are well under 1 MB): refuse it
#: rather than spend the parse budget splitting hundreds of megabytes into rows.
MAX_BYTES = 20 * 1024 * 1024

_CRAWL_FIELD = re.compile(r"^\s*(?P<key>[^:：\s]{1,8})\s*[:：]\s*(?P<value>.*?)\s*$")
_CRAWL_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")


def read_text(source: str, text: str, fmt: str = "text") -> ExtractedDocument:
    lines = text.splitlines()
    metadata: dict[str, str] = {}
    start = 0
    for index, line in enumerate(lines[:40]):
        if _CRAWL_BODY_MARK.match(line):
            start = index + 1
            for header_line in lines[:index]:
                match = _CRAWL_FIELD.match(header_line)
                if match and match.group("value"):
                    metadata.setdefault(match.group("key"), match.group("value"))
            break
    title_hint = metadata.get("标题")
    rows = [
        Row(cells=tuple(line.split("\t")), locator=f"line {number}")
        for number, line in enumerate(lines[start:], start=start + 1)
        if line.strip()
    ]
    return ExtractedDocument(source=source, format=fmt, rows=rows, title_hint=title_hint, metadata=metadata)


def check_size(data: bytes, kind: str = "text") -> None:
    """Refuse a text file over ``MAX_BYTES`` with its size (also used by the Markdown reader)."""
    if len(data) > MAX_BYTES:
        size, limit = len(data) / 1048576, MAX_BYTES // 1048576
        raise UnreadableDocument(f"{kind} file is {size:.0f} MB, over the {limit} MB limit for a report")


def read_text_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.txt`` inbox files."""
    check_size(data)
    return read_text(path.name, decode_text(data))
