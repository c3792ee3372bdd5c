"""Reader for Markdown reports: pipe tables become rows of cells, headings and prose become one-cell rows.

Markdown reports reach us mostly as PDF→Markdown extractions (the 上海市科委 2024 fixture) or as hand
conversions. Their tables are GitHub-style pipe tables, often broken: one printed table comes out as several
pipe blocks, interrupted by loose lines of label text that the extractor could not place, with a separator
row (``|---|``) after every fragment. The reader does not try to glue fragments together: every pipe row
becomes one ``Row`` with one cell per column (blank cells kept, because a blank cell is a printed value), in
the order of the file, and the canonical layer finds labels and values in that order.

Rules:

* A line starting with ``|`` is a table row. A line with an unescaped ``|`` but no leading pipe is a table row
  when it continues a table or when the next line is a separator row (GFM header row).
* Separator rows (``|---|:--:|``) are dropped; ``\\|`` is a literal pipe inside a cell.
* ``#`` headings, list items, block quotes and prose lines are one-cell rows (tabs still separate cells, as in
  the text reader, for tab-separated tables pasted into ``.md`` files).
* Inline HTML (``<br>``, ``<span>``) becomes a space, entities are decoded, HTML comments are dropped
  (synthetic samples carry their marker in one), emphasis markers and backslash escapes are removed.
* An HTML ``<table>`` block (PDF→Markdown converters such as MinerU write tables with merged cells that
  way, often all on one line) is read like a table of a web page, by the HTML reader's ``table_rows``:
  one row per ``<tr>``, a ``colspan`` cell once, ``rowspan`` group labels not repeated. Its rows get the
  locator of the line the block starts on.

``title_hint`` is the first heading that contains 年 and 报告. PDF extractions usually have no heading: the
title is the first lines of the text, wrapped (``2024 年上海市科委政府信息公开工作`` / ``年度报告``); then
the first run of up to three short lines near the top whose joined text reads as a report title is taken.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree

from pipelines.documents.encoding import decode_text
from pipelines.documents.model import ExtractedDocument, Row
from pipelines.documents.text import check_size

_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|(?=[^#\s]))(?P<text>.*?)(?:\s+#+)?\s*$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-+:?\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+\s*)$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?")
_BULLET = re.compile(r"^\s*[-*+]\s+(?=\D)")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|~~)")
_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
#: Tabs and line breaks inside one cell would split it into cells or rows downstream.
_CONTROL_SPACE = re.compile(r" *[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+ *")
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)

#: A title candidate: a year, then 报告 or 年报 at the end (``…年度报告``, ``…工作年报``).
_TITLE_LIKE = re.compile(r"(?:19|20)\d{2}\s*年.*(?:报\s*告|年\s*报)\s*$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
#: Everything a title holds besides the issuer's name; what is left after removing these is the name.
_TITLE_WORDS = re.compile(r"(?:19|20)\d{2}|年度|年报|年|政府|政务|信息|公开|工作|报告|关于|\s")
_TITLE_SEARCH_LINES = 12
_TITLE_MAX_LINE = 60


def _inline(text: str) -> str:
    """Plain text of one cell or line: HTML tags to spaces, entities decoded (``&#9;`` too, so tabs and line
    breaks are turned into spaces last), Markdown markers removed."""
    text = _BR.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    return _CONTROL_SPACE.sub(" ", text).strip()


def _has_pipe(line: str) -> bool:
    return _PIPE_SPLIT.search(line) is not None


def split_pipe_row(line: str) -> list[str]:
    """The raw cells of one pipe-table line; the optional leading and trailing pipes are not cells."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return _PIPE_SPLIT.split(body)


def is_separator_row(line: str) -> bool:
    """``|---|:---:|`` — the line under a table header, which carries no content."""
    if not _has_pipe(line):
        return False
    cells = split_pipe_row(line)
    return bool(cells) and all(_SEPARATOR_CELL.match(cell) for cell in cells)


def title_from_lines(lines: list[str]) -> str | None:
    """A title wrapped over up to three short prose lines near the top (PDF extractions).

    The title is taken to start on the line holding its year (``2024 年上海市科委政府信息公开工作`` /
    ``年度报告``); when those lines name no issuer (``上海市科委`` / ``2024年政府信息公开工作年度报告``),
    the line before is the issuer and is put in front. Lines like ``正文`` above the title are left out.
    """
    head = [line.strip() for line in lines[:_TITLE_SEARCH_LINES]]
    for start, line in enumerate(head):
        if len(line) > _TITLE_MAX_LINE or not _YEAR.search(line):
            continue
        joined = ""
        for part in head[start : start + 3]:
            if len(part) > _TITLE_MAX_LINE:
                break
            joined += part
            if _TITLE_LIKE.search(joined):
                previous = head[start - 1] if start > 0 else ""
                if not _TITLE_WORDS.sub("", joined) and 0 < len(previous) <= _TITLE_MAX_LINE:
                    joined = previous + joined
                return joined
    return None


def _html_block_end(lines: list[str], start: int) -> int:
    """Index of the line where the ``<table>`` opened on line ``start`` (and any nested in it) closes."""
    depth = 0
    for index in range(start, len(lines)):
        depth += len(_TABLE_OPEN.findall(lines[index])) - len(_TABLE_CLOSE.findall(lines[index]))
        if depth <= 0:
            return index
    return len(lines) - 1


def html_table_rows(block: str, locator: str) -> list[Row]:
    """Rows of the HTML tables in ``block`` (innermost tables; an outer layout table adds nothing)."""
    from pipelines.documents.html import table_rows  # the page reader's merged-cell rules, loaded on demand

    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        root = etree.fromstring(block.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:  # not parseable as markup: keep its text as one prose row rather than lose it
        text = _inline(block)
        return [Row(cells=(text,), locator=locator)] if text else []
    rows: list[Row] = []
    for table in root.iter("table"):
        if any(True for _ in table.iterdescendants("table")):
            continue
        rows.extend(Row(cells=tuple(texts), locator=locator) for _number, texts in table_rows(table))
    return rows


def read_markdown(source: str, text: str) -> ExtractedDocument:
    """Rows of a Markdown document, in file order; see the module docstring for the rules."""
    text = _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    lines = text.splitlines()
    rows: list[Row] = []
    headings: list[str] = []
    prose: list[str] = []
    in_table = False
    html_until = -1
    for index, raw_line in enumerate(lines):
        number = index + 1
        if index <= html_until:
            continue
        line = raw_line.rstrip()
        stripped = line.strip()
        if not stripped or _FENCE.match(line):
            in_table = False
            continue
        opening = _TABLE_OPEN.search(line)
        if opening:
            in_table = False
            html_until = _html_block_end(lines, index)
            block = "\n".join(lines[index : html_until + 1])
            closing = list(_TABLE_CLOSE.finditer(block))
            close_at = closing[-1].end() if closing else len(block)
            before, after = _inline(line[: opening.start()]), _inline(block[close_at:])
            if before:
                rows.append(Row(cells=(before,), locator=f"line {number}"))
                prose.append(before)
            rows.extend(html_table_rows(block[opening.start() : close_at], f"line {number}"))
            if after:
                rows.append(Row(cells=(after,), locator=f"line {html_until + 1}"))
            continue
        if is_separator_row(line):
            in_table = True
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        table_row = stripped.startswith("|") or (_has_pipe(stripped) and (in_table or is_separator_row(next_line)))
        if table_row:
            in_table = True
            cells = tuple(_inline(cell) for cell in split_pipe_row(line))
            rows.append(Row(cells=cells, locator=f"line {number}"))
            continue
        in_table = False
        if _THEMATIC_BREAK.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            content = _inline(heading.group("text"))
            if content:
                headings.append(content)
                rows.append(Row(cells=(content,), locator=f"line {number}"))
            continue
        body = _BULLET.sub("", _BLOCKQUOTE.sub("", line), count=1)
        cells = tuple(_inline(cell) for cell in body.split("\t"))
        if any(cells):
            prose.append(" ".join(cell for cell in cells if cell))
            rows.append(Row(cells=cells, locator=f"line {number}"))
    title_hint = next((h for h in headings if "年" in h and "报告" in h), None)
    if title_hint is None:
        title_hint = title_from_lines(prose)
    return ExtractedDocument(source=source, format="markdown", rows=rows, title_hint=title_hint)


def read_markdown_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.md`` / ``.markdown`` inbox files."""
    check_size(data, "Markdown")
    return read_markdown(path.name, decode_text(data))
