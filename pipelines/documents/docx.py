"""Reader for Word (.docx) reports: body paragraphs and table rows, interleaved in document order.

A .docx report is the one format where the printed table structure survives intact: 表二/表三/表四 are real
Word tables with merged cells, exactly as in the national template. The reader walks the children of
``w:body`` in order (a paragraph, a table, a paragraph …), so the narrative headings that delimit the tables
stay where they are; ``doc.paragraphs`` followed by ``doc.tables`` would move every table to the end.

Rows:

* a body paragraph is one row (tabs inside it separate cells, as in the text reader); empty paragraphs are
  skipped; locator ``paragraph P`` (P counts every body paragraph, empty ones included, from 1);
* a table row is one row with one cell per ``w:tc`` element; locator ``table T row R``. A nested table
  (a table inside a cell) is flattened: its rows follow the row holding it, with locator ``table T.k row R``.

Merged cells:

* horizontal (``w:gridSpan``): one cell, not one per spanned grid column. python-docx's ``row.cells``
  repeats the merged cell once per grid column; the label ``一、本年新收政府信息公开申请数量`` spanning the
  three label columns of 表三 would then be followed by two copies of itself (text AFTER the label, read as
  part of the row's value region), or — padded with blanks instead — by blank cells that shift the values
  when the row's last value is itself blank (the canonical layer drops trailing blanks);
* vertical (``w:vMerge`` continuation): an empty cell. The group labels of 表三 (``三、本年度办理结果``,
  ``（三）不予公开`` …) are printed once, in the first row of their group; repeating them on every row would
  put a label phrase where the report has none (``（六）其他处理`` is a group in v2021 but a data row of its
  own in v2019) and make rows differ from the tab-separated text of the same template. With an empty
  cell each 表三 row reads ``["", "", "2.其他法律行政法规禁止公开", v1, …, v7]`` — blanks before the label,
  never inside the values — like the seed report's tab layout;
* ``w:gridBefore`` (a row starting late) gives leading empty cells, so value columns keep their position;
  legacy ``w:hMerge`` continuation cells are skipped like spanned grid columns.

``metadata``: the core properties that are set (``docx.title``, ``docx.author``, ``docx.created`` …);
``title_hint``: a title wrapped over the first short paragraphs, else the core title if it reads as one.

Safety: a .docx is a ZIP archive. Before python-docx inflates anything, every member's declared uncompressed
size is checked (``zipfile`` never inflates a member beyond its declared size), so a zip bomb is refused
with a reason instead of exhausting memory. python-docx parses XML without resolving entities.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from lxml import etree

from pipelines.documents.markdown import title_from_lines
from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument

#: Refuse documents whose main part inflates beyond this (real reports are well under 1 MB of XML).
MAX_DOCUMENT_XML_BYTES = 50 * 1024 * 1024
#: Refuse archives whose members inflate beyond this in total (python-docx loads every part, images too).
MAX_TOTAL_BYTES = 300 * 1024 * 1024

_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")
_W_TC_PR = qn("w:tcPr")
_W_GRID_SPAN = qn("w:gridSpan")
_W_V_MERGE = qn("w:vMerge")
_W_H_MERGE = qn("w:hMerge")
_W_TR_PR = qn("w:trPr")
_W_GRID_BEFORE = qn("w:gridBefore")
_W_VAL = qn("w:val")
_W_DEL = qn("w:del")
_W_MOVE_FROM = qn("w:moveFrom")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Subtrees whose text is not part of what the reader sees: deleted revisions, and the fallback copy of
#: text boxes (Word stores a text box twice, as ``mc:Choice`` and ``mc:Fallback``).
_SKIP_TEXT = frozenset({_W_DEL, _W_MOVE_FROM, _MC_FALLBACK})
#: Wrappers (content controls, custom XML) whose content belongs to the enclosing block or row.
_WRAPPERS = frozenset({_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML})

_SPACES = re.compile(r"[ \t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
#: Line breaks (``w:br``, or literal ones some generators put inside ``w:t``) end no row: one paragraph is one.
_LINE_BREAKS = re.compile(r" *[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+ *")


def _check_archive(data: bytes) -> None:
    """Refuse what is not a Word archive, or what would inflate beyond the limits, before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise UnreadableDocument(f"not a readable Word (.docx) file: corrupt ZIP archive ({error})") from error
    document = next((info for info in infos if info.filename == "word/document.xml"), None)
    if document is None:
        raise UnreadableDocument("not a Word (.docx) file: the archive has no word/document.xml")
    if document.file_size > MAX_DOCUMENT_XML_BYTES:
        raise UnreadableDocument(
            f"refused: word/document.xml would inflate to {document.file_size:,} bytes "
            f"(limit {MAX_DOCUMENT_XML_BYTES:,}); possible zip bomb"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise UnreadableDocument(
            f"refused: the archive would inflate to {total:,} bytes (limit {MAX_TOTAL_BYTES:,}); possible zip bomb"
        )


def _text(element: etree._Element) -> str:
    """The visible text under ``element``: text runs, tabs as ``\\t``, line breaks as ``\\n``."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_TEXT or tag == _W_TBL:
                continue
            if tag == _W_T:
                parts.append(child.text or "")
            elif tag == _W_TAB:
                parts.append("\t")
            elif tag in (_W_BR, _W_CR):
                parts.append("\n")
            elif tag == _W_NO_BREAK_HYPHEN:
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    """A table cell's text: its paragraphs joined by spaces (tabs and breaks too: a cell is one cell)."""
    paragraphs = [_text(p) for p in _blocks(tc) if p.tag == _W_P]
    return _SPACES.sub(" ", " ".join(paragraphs)).strip()


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables directly inside ``container`` (body or cell), looking through wrappers."""
    for child in container:
        if child.tag in (_W_P, _W_TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _children(container: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag`` (rows of a table, cells of a row), looking through wrappers."""
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _val(parent: etree._Element | None, tag: str) -> str | None:
    """The ``w:val`` of child ``tag`` of ``parent``; ``""`` when the child exists without a value."""
    if parent is None:
        return None
    child = parent.find(tag)
    if child is None:
        return None
    return str(child.get(_W_VAL, ""))


def _int(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def _table_rows(tbl: etree._Element, name: str) -> Iterator[Row]:
    """Rows of one table, nested tables flattened after the row that holds them."""
    for row_number, tr in enumerate(_children(tbl, _W_TR), start=1):
        cells: list[str] = [""] * _int(_val(tr.find(_W_TR_PR), _W_GRID_BEFORE))
        nested: list[etree._Element] = []
        for tc in _children(tr, _W_TC):
            properties = tc.find(_W_TC_PR)
            if _val(properties, _W_H_MERGE) == "continue":
                continue
            v_merge = _val(properties, _W_V_MERGE)
            if v_merge is not None and v_merge != "restart":
                cells.append("")
            else:
                cells.append(_cell_text(tc))
            nested.extend(block for block in _blocks(tc) if block.tag == _W_TBL)
        yield Row(cells=tuple(cells), locator=f"table {name} row {row_number}")
        for index, inner in enumerate(nested, start=1):
            yield from _table_rows(inner, f"{name}.{index}")


def read_docx(source: str, data: bytes) -> ExtractedDocument:
    """Rows of a Word document in body order; see the module docstring for merged cells and limits."""
    _check_archive(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on damaged packages; all mean "unreadable"
        raise UnreadableDocument(f"not a readable Word (.docx) file: {type(error).__name__}: {error}") from error
    rows: list[Row] = []
    paragraph_texts: list[str] = []
    paragraph_number = 0
    table_number = 0
    for block in _blocks(document.element.body):
        if block.tag == _W_TBL:
            table_number += 1
            rows.extend(_table_rows(block, str(table_number)))
            continue
        paragraph_number += 1
        text = _LINE_BREAKS.sub(" ", _text(block))
        cells = tuple(cell.strip() for cell in text.split("\t"))
        if any(cells):
            rows.append(Row(cells=cells, locator=f"paragraph {paragraph_number}"))
            paragraph_texts.append(" ".join(cell for cell in cells if cell))
    metadata = core_properties(document)
    title_hint = title_from_lines(paragraph_texts)
    if title_hint is None:
        core_title = metadata.get("docx.title", "")
        title_hint = core_title if "年" in core_title and "报告" in core_title else None
    return ExtractedDocument(source=source, format="docx", rows=rows, title_hint=title_hint, metadata=metadata)


#: Core properties kept as metadata. Dates are the file's own (creation / last save), never the portal's
#: publication date, hence neutral ``docx.*`` keys rather than the crawler's ``发布时间``.
_CORE_PROPERTIES = (
    "title", "subject", "author", "last_modified_by", "created", "modified", "comments", "keywords", "category",
)  # fmt: skip


def core_properties(document: DocumentObject) -> dict[str, str]:
    """The package's core properties (``docProps/core.xml``) that are set, as ``docx.<name>`` strings."""
    properties = document.core_properties
    metadata: dict[str, str] = {}
    for name in _CORE_PROPERTIES:
        try:
            value = getattr(properties, name)
        except (ValueError, TypeError):  # malformed dates in core.xml
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        text = str(value).strip() if value is not None else ""
        if text:
            metadata[f"docx.{name}"] = text
    return metadata


def read_docx_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.docx`` inbox files."""
    return read_docx(path.name, data)
