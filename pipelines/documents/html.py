"""Reader for web pages: a report published as an HTML article, turned into rows of cells in document order.

Government sites publish most annual reports as a page: site chrome (menus, search box, footer) around an
article body, with 表二/表三/表四 as real ``<table>`` markup. The markup is whatever the site's editor or a
Word export produced: IE-era uppercase tags with unquoted attributes, ``<o:p>`` and ``<?xml:namespace>``
residue, conditional comments (sometimes escaped into literal text), unclosed tags, and numbers split across
``<span>`` runs. Pages are served as UTF-8 or GBK and the ``<meta charset>`` does not always tell the truth.

What comes out (an ``ExtractedDocument``):

* one ``Row`` per data-table ``<tr>``: the cells the row itself holds, in column order, each cell's text
  joined from its inline runs (``<span>2</span><span>17</span>`` → ``217``), white space collapsed, an
  empty ``<td>`` kept as ``""`` (a blank value). Merged cells are NOT expanded into a full grid, because
  the canonical layer reads a labelled row as "label, then one value per cell": a ``colspan`` label is
  emitted once (no blank padding after it), and a ``rowspan`` group header (``三、本年度办理结果``,
  ``（三）不予公开``) is not repeated into the rows below it. The one exception keeps columns aligned: a
  cell merged down from an earlier row that stands to the right of the row's first own cell (a value or
  header merged vertically) is repeated in each row it covers, as a reader sees it there.
* one ``Row`` of a single cell per block of prose (``<p>``, ``<div>``, heading, list item …; a ``<br>``
  starts a new row), white space collapsed.
* ``locator``: a short DOM path, ``table[3]/tr[5]`` (the 3rd ``<table>`` and its 5th ``<tr>``, counted in
  document order, 1-based) or ``p[12]`` (the 12th ``<p>``), ``p[12]/line[2]`` for the second line of a
  block broken by ``<br>`` or by a nested block.
* ``title_hint``: the page's own title (``<h1>``, the ``ArticleTitle`` meta, or ``<title>`` without the
  site-name suffix), only when it reads as a report title (holds 年 and 报告).

Scripts, styles, form controls and identifiable chrome (``<nav>``, page-level ``<header>``/``<footer>``,
ARIA navigation/banner/contentinfo regions) are dropped; any other text is kept in document order, since
the canonical layer finds table labels by phrase wherever they are. Tables that only lay out the page (a
table holding tables, a single column, or a cell with a whole article in it) are read as prose blocks.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipelines.documents.encoding import decode_text
from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument

#: A page this large is not a report (the largest real ones, Word exports full of inline styles, stay
#: under 2 MB): refuse it rather than spend a minute and a gigabyte of memory on its DOM.
MAX_BYTES = 20 * 1024 * 1024

# --- decoding ------------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
#: Declarations that Chinese sites write for what are really GBK bytes, or that say nothing useful.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz"})
_GB_LABELS = frozenset({"gb2312", "gbk", "gb18030", "xgbk", "cp936", "ms936", "euccn"})
_WESTERN_SINGLE_BYTE = frozenset({"latin_1", "iso8859_1", "cp1252", "ascii"})
#: How codecs report a character cut off at the end of the bytes (UTF-8, GB18030).
_TRUNCATED = frozenset({"unexpected end of data", "incomplete multibyte sequence"})


@dataclass(frozen=True)
class DecodedPage:
    """The page as text, the encoding that decoded it, and what the page claimed about itself."""

    text: str
    encoding: str
    declared: str | None
    warnings: tuple[str, ...] = ()


def declared_encoding(data: bytes) -> str | None:
    """The Python codec name the page declares (``<meta charset>``, ``http-equiv``, ``<?xml encoding>``).

    GB2312 and GBK are folded into GB18030, their superset: sites label GBK pages as GB2312 all the time.
    An unknown label gives None.
    """
    head = data[:16384]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="ignore").strip().lower()
    if label.replace("-", "").replace("_", "") in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name


def _strict(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly, tolerating only a multi-byte character cut off by a truncated download."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 4 and error.reason in _TRUNCATED:
            try:
                return data[: error.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None
    except LookupError:
        return None


def decode_page(data: bytes) -> DecodedPage:
    """Decode page bytes: a BOM wins; otherwise the declaration is checked against the bytes, not trusted.

    Strict UTF-8 goes first whatever the page says, because GBK text practically never decodes as UTF-8,
    while UTF-8 text often *does* decode as GB18030 (into mojibake): a UTF-8 page labelled GBK would be
    ruined by trusting the label. Then the declared encoding, then GB18030, then the shared guesser.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is not None:
                return DecodedPage(text.lstrip("\ufeff"), codec, None)
            break
    declared = declared_encoding(data)
    order = ["utf-8"]
    if declared is not None and declared not in order:
        if declared in _WESTERN_SINGLE_BYTE:
            order.append("gb18030")  # a Chinese page labelled Latin-1 is GBK bytes; Latin-1 decodes anything
        order.append(declared)
    if "gb18030" not in order:
        order.append("gb18030")
    for codec in order:
        text = _strict(data, codec)
        if text is None:
            continue
        warnings: tuple[str, ...] = ()
        if declared is not None and codec != declared and _strict(data, declared) != text:
            warnings = (f"page declares charset {declared} but its bytes are {codec}; read as {codec}",)
        return DecodedPage(text, codec, declared, warnings)
    text = decode_text(data)
    return DecodedPage(text, "guessed", declared, ("page bytes fit no single encoding; decoded by a guess",))


# --- cleaning text ---------------------------------------------------------------------------------------

#: Word's conditional comments that an editor escaped into visible text.
_CONDITIONAL_RESIDUE = re.compile(r"<!--\[(?:if[^\]]*|endif)\]-->|<!\[(?:if[^\]]*|endif)\]>", re.IGNORECASE)
#: A source line break between two CJK characters is an artefact of wrapping, not a space (CSS Text 3
#: segment-break transformation): ``收到\n申请`` reads ``收到申请``.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r]*\n[ \t\r\n]*(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")  # str patterns: \s covers NBSP, U+3000 and the other Unicode spaces
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: A cell that is one number split by stray spaces (``2 17``, ``1 234``), possibly with a unit.
_SPLIT_NUMBER = re.compile(r"[+\-－]?[0-9０-９][0-9０-９,，.． ]*(?:万元|元|件|条|项|个|次|%)?")


def clean_text(raw: str) -> str:
    """One block or cell of page text as a reader sees it: residue removed, white space collapsed."""
    text = _CONDITIONAL_RESIDUE.sub("", raw)
    text = _INVISIBLE.sub("", text)
    text = _CJK_SEGMENT_BREAK.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def clean_cell(raw: str) -> str:
    """A table cell's text; a cell holding one number split by spaces is joined back (``2 17`` → ``217``)."""
    text = clean_text(raw)
    if " " in text and _SPLIT_NUMBER.fullmatch(text):
        return text.replace(" ", "")
    return text


# --- parsing ---------------------------------------------------------------------------------------------

#: Subtrees whose text is never report content.
_SKIP_TAGS = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "xml", "iframe", "frame", "object",
        "embed", "svg", "math", "canvas", "audio", "video", "map", "select", "option", "textarea", "button",
        "input", "nav",
    }
)  # fmt: skip
#: ARIA roles of page chrome.
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
#: Elements that end one block of prose and start another.
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
        "pre", "section", "article", "main", "aside", "header", "footer", "form", "fieldset", "legend",
        "address", "figure", "figcaption", "center", "hr", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "td", "th", "body", "html", "details", "summary", "menu", "dir", "listing", "plaintext", "xmp",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
#: A table cell with this much text is a page-layout cell holding an article, not a data cell.
_LAYOUT_CELL_CHARS = 1000
#: Merged-cell bookkeeping limits. Report tables are ~20 columns wide with rowspans up to ~30; beyond
#: these a table is malformed or hostile, and its rows are emitted as their own cells only.
_MAX_SPAN = 200
_MAX_CARRIED = 200
#: More elements than this is not a report page (real ones have a few thousand).
MAX_ELEMENTS = 500_000
#: Inline wrappers stripped before a second parse when the markup nests deeper than the parser allows.
_INLINE_WRAPPERS = re.compile(
    r"</?(?:span|font|o:p|b|i|u|em|strong|small|big|sub|sup|st1:[\w-]+|w:[\w-]+|a|ins|del|s|strike)\b[^>]*>",
    re.IGNORECASE,
)


def _tag(element: etree._Element) -> str | None:
    """The tag name (libxml2's HTML parser lower-cases it), or None for comments, PIs and entities."""
    tag = element.tag
    return tag if isinstance(tag, str) else None


def _is_skipped(element: etree._Element) -> bool:
    """Whether the element's subtree is chrome or non-text (script, nav, form controls …)."""
    tag = _tag(element)
    if tag is None or tag in _SKIP_TAGS:
        return True
    if (element.get("role") or "").strip().lower() in _CHROME_ROLES:
        return True
    if tag in ("header", "footer"):
        # Page-level banner/footer only: a <header> inside an article holds the article's own title.
        return not any(_tag(a) in ("article", "main", "section") for a in element.iterancestors())
    return False


def _span(element: etree._Element, name: str) -> int:
    """A colspan/rowspan value, clamped to something sane (sites write ``colspan="3;"`` and ``0``)."""
    match = re.match(r"\s*(\d+)", element.get(name) or "")
    return min(max(int(match.group(1)), 1), _MAX_SPAN) if match else 1


def _parse(text: str) -> tuple[etree._Element, list[str]]:
    """The page's DOM; raises UnreadableDocument when libxml2 cannot make one."""
    warnings: list[str] = []
    payload = text.replace("\x00", "").encode("utf-8")
    for attempt in range(2):
        # Plain etree elements, not lxml.html's HtmlElement: the class lookup per node costs a third of
        # the walk on large pages and nothing here needs the html helpers.
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, remove_blank_text=False, huge_tree=True
        )
        try:
            root = etree.fromstring(payload, parser=parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
            raise UnreadableDocument(f"HTML could not be parsed: {error}") from error
        if root is None:
            raise UnreadableDocument("the page holds no HTML elements")
        too_deep = any("depth" in entry.message.lower() for entry in parser.error_log)
        if not too_deep:
            return root, warnings
        if attempt == 0:
            # Word exports nest inline <span>/<font> runs thousands deep; they carry no structure.
            warnings.append("markup nested too deep for the parser; inline formatting tags were stripped")
            payload = _INLINE_WRAPPERS.sub("", text.replace("\x00", "")).encode("utf-8")
    raise UnreadableDocument(
        "HTML nested too deeply to parse (more than 2048 levels of block elements): not a readable page"
    )


# --- walking the page ------------------------------------------------------------------------------------


def _ordinals(root: etree._Element) -> dict[etree._Element, int]:
    """Each element's 1-based position among the document's elements of the same tag (for locators)."""
    counts: dict[str, int] = {}
    positions: dict[etree._Element, int] = {}
    for element in root.iter(*_BLOCK_TAGS):  # only blocks and tables ever name a row
        tag = element.tag
        counts[tag] = counts.get(tag, 0) + 1
        positions[element] = counts[tag]
    return positions


def _inner_text(element: etree._Element) -> str:
    """The raw text inside ``element``: inline runs joined with nothing, blocks and ``<br>`` as a space.

    Iterative (``iterwalk``), so deep nesting cannot exhaust Python's recursion limit.
    """
    if len(element) == 0:  # the common data cell: text only, no child elements
        return element.text or ""
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = _tag(node)
        if node is element:
            if event == "start":
                pieces.append(node.text or "")
            continue
        if event == "start":
            if _is_skipped(node):
                walker.skip_subtree()
                continue
            if tag == "br" or tag in _BLOCK_TAGS:
                pieces.append(" ")
            pieces.append(node.text or "")
        else:
            if tag in _BLOCK_TAGS:
                pieces.append(" ")
            pieces.append(node.tail or "")
    return "".join(pieces)


def _cells_of(row: etree._Element) -> list[etree._Element]:
    return [child for child in row if _tag(child) in _CELL_TAGS]


def _table_rows(table: etree._Element) -> list[etree._Element]:
    """The table's own ``<tr>``s in document order (the table holds no nested table when this is called)."""
    return list(table.iter("tr"))


def is_data_table(table: etree._Element) -> bool:
    """Whether ``table`` is a grid of data cells rather than page layout.

    Layout tables hold other tables, have a single column, or have a cell with a whole article in it;
    their cells are read as prose blocks instead.
    """
    if table.find(".//table") is not None:
        return False
    widest = 0
    for row in _table_rows(table):
        cells = _cells_of(row)
        widest = max(widest, len(cells))
        if any(sum(len(text) for text in cell.itertext()) > _LAYOUT_CELL_CHARS for cell in cells):
            return False
    return widest >= 2


@dataclass
class _Carried:
    """A cell merged down (rowspan) from an earlier row, still covering ``remaining`` rows below."""

    column: int
    width: int
    text: str
    remaining: int


def table_rows(table: etree._Element) -> Iterator[tuple[int, list[str]]]:
    """``(tr number, cell texts)`` for each non-empty ``<tr>`` of a data table.

    Cells merged down from above are left out when they stand left of the row's first own cell (group
    headers such as ``三、本年度办理结果``), and repeated when they stand among or after the row's own cells
    (so the row's values stay in their columns). ``colspan`` cells appear once.
    """
    carried: list[_Carried] = []
    tracking = True  # off once the merged cells pass any sane size: rows then hold their own cells only
    for number, row in enumerate(_table_rows(table), start=1):
        covering = carried
        taken = {column for c in covering for column in range(c.column, c.column + c.width)}
        own: list[tuple[int, str]] = []
        column = 0
        new: list[_Carried] = []
        for cell in _cells_of(row):
            while column in taken:
                column += 1
            width = _span(cell, "colspan")
            text = clean_cell(_inner_text(cell))
            own.append((column, text))
            height = _span(cell, "rowspan")
            if height > 1 and tracking:
                new.append(_Carried(column, width, text, height - 1))
            column += width
        for c in covering:
            c.remaining -= 1
        carried = [c for c in covering if c.remaining > 0] + new
        if len(carried) > _MAX_CARRIED or sum(c.width for c in carried) > _MAX_CARRIED:
            tracking, carried = False, []
        if not own:
            continue
        first = own[0][0]
        placed = own + [(c.column, c.text) for c in covering if c.column > first]
        texts = [text for _, text in sorted(placed, key=lambda item: item[0])]
        if any(texts):
            yield number, texts


class _PageWalker:
    """Walks the body in document order, emitting prose blocks and data-table rows as ``Row``s."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.positions = _ordinals(root)
        self.rows: list[Row] = []
        self.buffer: list[str] = []
        self.blocks: list[str] = []  # locators of the open blocks, innermost last
        self.lines: dict[str, int] = {}  # rows emitted so far per block locator

    def locator(self, element: etree._Element) -> str:
        return f"{_tag(element)}[{self.positions.get(element, 0)}]"

    def flush(self) -> None:
        text = clean_text("".join(self.buffer))
        self.buffer.clear()
        if not text:
            return
        block = self.blocks[-1] if self.blocks else "body"
        line = self.lines.get(block, 0) + 1
        self.lines[block] = line
        self.rows.append(Row(cells=(text,), locator=block if line == 1 else f"{block}/line[{line}]"))

    def emit_table(self, table: etree._Element) -> None:
        where = self.locator(table)
        for number, texts in table_rows(table):
            self.rows.append(Row(cells=tuple(texts), locator=f"{where}/tr[{number}]"))

    def walk(self, start: etree._Element) -> list[Row]:
        walker = etree.iterwalk(start, events=("start", "end"))
        skipped: set[etree._Element] = set()
        for event, element in walker:
            tag = _tag(element)
            if event == "start":
                if element is not start and _is_skipped(element):
                    skipped.add(element)
                    walker.skip_subtree()
                    continue
                if tag == "table" and is_data_table(element):
                    self.flush()
                    self.emit_table(element)
                    skipped.add(element)
                    walker.skip_subtree()
                    continue
                if tag == "br":
                    self.flush()
                elif tag in _BLOCK_TAGS:
                    self.flush()
                    self.blocks.append(self.locator(element))
                self.buffer.append(element.text or "")
                continue
            if element in skipped:
                skipped.discard(element)
            elif tag in _BLOCK_TAGS:
                self.flush()
                self.blocks.pop()
            if element is not start:
                self.buffer.append(element.tail or "")
        self.flush()
        return self.rows


# --- title -----------------------------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|——|\s-\s|-(?=[^\d]))\s*")
_TITLE_META_NAMES = frozenset({"articletitle", "title", "dc.title", "og:title"})


def _looks_like_report_title(text: str) -> bool:
    return "年" in text and "报告" in text and len(text) <= 120


def title_hint(root: etree._Element) -> str | None:
    """The report's title as the page names it, or None when nothing reads as a report title.

    In order: an ``<h1>``, the ``ArticleTitle``-style meta tags, the ``<title>`` (cut at the site-name
    separators ``_``, ``|``, ``-``), then elements whose class names a title.
    """
    candidates: list[str] = [clean_text(_inner_text(h1)) for h1 in root.iter("h1")]
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _TITLE_META_NAMES:
            candidates.append(clean_text(meta.get("content") or ""))
    for title in root.iter("title"):
        whole = clean_text("".join(title.itertext()))
        candidates.extend(part for part in _TITLE_SEPARATORS.split(whole) if part)
        candidates.append(whole)
    for element in root.xpath("//*[contains(translate(@class, 'TITLE', 'title'), 'title')]"):
        candidates.append(clean_text(_inner_text(element)))
    for candidate in candidates:
        if _looks_like_report_title(candidate):
            return candidate
    return None


# --- entry point -----------------------------------------------------------------------------------------


def read_html(source: str, data: bytes) -> ExtractedDocument:
    """Rows, title hint and warnings of one HTML page given as bytes."""
    if len(data) > MAX_BYTES:
        size, limit = len(data) / 1048576, MAX_BYTES // 1048576
        raise UnreadableDocument(f"page is {size:.0f} MB, over the {limit} MB limit for an HTML report")
    page = decode_page(data)
    if not page.text.strip():
        raise UnreadableDocument("the page is empty")
    root, parse_warnings = _parse(page.text)
    elements = sum(1 for _ in root.iter())
    if elements > MAX_ELEMENTS:
        raise UnreadableDocument(
            f"page has {elements} HTML elements, over the {MAX_ELEMENTS} limit for a report"
        )
    body = root.find("body")
    rows = _PageWalker(root).walk(body if body is not None else root)
    if not rows:
        images = sum(1 for _ in root.iter("img"))
        detail = f"; it shows {images} image(s), perhaps a scanned report" if images else ""
        raise UnreadableDocument(f"the page has no text outside scripts, styles and navigation{detail}")
    return ExtractedDocument(
        source=source,
        format="html",
        rows=rows,
        title_hint=title_hint(root),
        warnings=[*page.warnings, *parse_warnings],
    )


def read_html_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.html``/``.htm`` inbox files (and text files that are really HTML)."""
    return read_html(path.name, data)
