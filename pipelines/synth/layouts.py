"""Every layout ``pipelines.synth.render`` writes, filled fast with a report's values and prose.

``render.py`` renders one report from its cells with a short stock narrative. A corpus needs its own prose
(figures quoted from the tables, a signature, a publication date in a crawler or portal header) and speed
(100,000 reports in minutes; a Word document takes ~0.2 s to render). So each layout is rendered *once per
template and year* by ``render.py`` itself, with sentinel values: a unique 7-digit number in every cell and a
sentinel issuer name. The rendering is then cut into a ``Skeleton`` — literal pieces and the slots between them
(a cell, the issuer, a stock paragraph, the publication date) — and a report is the pieces joined with its own
slot texts. The output is byte for byte what ``render.py`` writes for those values, except that the stock
paragraphs are replaced by the report's prose (each slot may hold several paragraphs), a publication date is
added where the layout has a header, and Word archives are written deterministically (fixed timestamps;
``python-docx`` stamps the current time, so its output differs between runs).

A skeleton checks itself when built: every cell's sentinel and every stock paragraph must occur exactly once.
If ``render.py`` changes the shape of its output, building fails loudly instead of writing wrong reports.

Layout names on the command line: ``tab`` (tab-separated text, the seed's layout), ``runtogether`` (crawled
page text with every cell run together), ``md`` (Markdown pipe tables), ``mdhtml`` (Markdown with HTML tables,
MinerU style), ``html`` (a web page), ``docx`` (Word).
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from pipelines.canonical.registry import keys_for
from pipelines.synth.keys import MONEY_KEYS
from pipelines.synth.prose import SLOTS
from pipelines.synth.render import LAYOUTS as RENDERERS
from pipelines.synth.render import SYNTHETIC_MARK, build_report, format_value, render_docx

Value = int | float | None

#: Command-line layout name → (``render.LAYOUTS`` name, file suffix).
LAYOUTS: dict[str, tuple[str, str]] = {
    "tab": ("tab_text", ".txt"),
    "runtogether": ("run_together", ".txt"),
    "md": ("markdown", ".md"),
    "mdhtml": ("markdown_html", ".md"),
    "html": ("html", ".html"),
    "docx": ("docx", ".docx"),
}
#: Layouts whose every printed cell can be read back exactly (run-together digits can be ambiguous).
EXACT_LAYOUTS = frozenset({"tab", "md", "mdhtml", "html", "docx"})
#: Layouts that print a portal publication date (crawler header, page info line): late publication shows.
DATED_LAYOUTS = frozenset({"runtogether", "html"})
#: Layouts that can show a blank cell (run-together text cannot: the cell simply vanishes).
BLANK_LAYOUTS = frozenset({"tab", "md", "mdhtml", "html", "docx"})

ISSUER_SENTINEL = "⟦ISSUER⟧"
PUBLISHED_SENTINEL = "⟦PUBLISHED⟧"
_SENTINEL_BASE = 9_100_000
_SENTINEL = re.compile(r"91\d{5}")
#: Which stock paragraph a slot replaces: the heading (prefix) the paragraph follows; ``None`` = the title.
_SLOT_AFTER: dict[str | None, str] = {
    None: "preamble",
    "一、": "overview",
    "（一）": "active",
    "（二）": "requests",
    "（三）": "management",
    "（四）": "platform",
    "（五）": "oversight",
    "五、": "problems",
    "六、": "other",
}
_DOCX_TEMPLATED = ("word/document.xml", "docProps/core.xml")


class Slot(NamedTuple):
    """What goes into a gap of the skeleton: ``kind`` is cell, run (a Word cell), issuer, paragraph or published."""

    kind: str
    name: str = ""


@dataclass(frozen=True)
class Skeleton:
    """A layout's rendering cut at its slots: ``pieces[0] slot[0] pieces[1] … slot[-1] pieces[-1]``."""

    layout: str
    pieces: tuple[str, ...]
    slots: tuple[Slot, ...]


def _escape_for(layout: str) -> Callable[[str], str]:
    if layout == "html":
        return html.escape
    if layout == "docx":
        return lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return lambda text: text


#: How two paragraphs of one slot are separated in each layout (closing one paragraph, opening the next).
_PARAGRAPH_BREAK = {
    "tab": "\n\n",
    "md": "\n\n",
    "mdhtml": "\n\n",
    "runtogether": "",
    "html": "</p>\n<p>",
    "docx": "</w:t></w:r></w:p><w:p><w:r><w:t>",
}


def sentinel_cells(template: str) -> dict[str, Value]:
    """A distinct 7-digit sentinel number for every key of ``template``."""
    return {key: _SENTINEL_BASE + index for index, key in enumerate(keys_for(template))}


def _stock_paragraphs(template: str, year: int) -> dict[str, str]:
    """The stock paragraph texts ``render.build_report`` writes, by the slot that replaces each."""
    blocks = build_report(ISSUER_SENTINEL, year, template, sentinel_cells(template))
    found: dict[str, str] = {}
    after: str | None = None
    for block in blocks:
        if block.kind == "title":
            after = None
            continue
        if block.kind == "heading":
            after = next((prefix for prefix in _SLOT_AFTER if prefix and block.text.startswith(prefix)), "?")
            continue
        if block.kind == "paragraph" and block.text != SYNTHETIC_MARK and after != "?":
            slot = _SLOT_AFTER[after]
            if slot in found:
                raise RuntimeError(f"render.build_report: two paragraphs for slot {slot!r}; skeleton needs updating")
            found[slot] = block.text
    if set(found) != set(SLOTS):
        raise RuntimeError(f"render.build_report: paragraphs for {sorted(found)}, expected {sorted(SLOTS)}")
    return found


def _cut(layout: str, text: str, template: str, year: int) -> Skeleton:
    """Cut a sentinel rendering into pieces and slots, checking every slot occurs as expected."""
    escape = _escape_for(layout)
    stock = {escape(paragraph): slot for slot, paragraph in _stock_paragraphs(template, year).items()}
    keys = {str(value): key for key, value in sentinel_cells(template).items()}
    alternatives = [re.escape(t) for t in sorted(stock, key=len, reverse=True)]
    alternatives += [re.escape(ISSUER_SENTINEL), re.escape(PUBLISHED_SENTINEL), _SENTINEL.pattern]
    pattern = re.compile("|".join(alternatives))
    pieces: list[str] = []
    slots: list[Slot] = []
    position = 0
    for match in pattern.finditer(text):
        token = match.group(0)
        if token in stock:
            slot = Slot("paragraph", stock[token])
        elif token == ISSUER_SENTINEL:
            slot = Slot("issuer")
        elif token == PUBLISHED_SENTINEL:
            slot = Slot("published")
        elif token in keys:
            slot = Slot("cell", keys[token])
        else:
            raise RuntimeError(f"{layout}: unexpected sentinel-like number {token} in the rendering")
        pieces.append(text[position : match.start()])
        slots.append(slot)
        position = match.end()
    pieces.append(text[position:])
    cells = [s.name for s in slots if s.kind in ("cell", "run")]
    paragraphs = [s.name for s in slots if s.kind == "paragraph"]
    if sorted(cells) != sorted(keys.values()) or sorted(paragraphs) != sorted(SLOTS):
        raise RuntimeError(
            f"{layout} {template} {year}: skeleton incomplete (cells {len(cells)}/{len(keys)}, "
            f"paragraphs {sorted(paragraphs)}); render.py changed shape"
        )
    if layout == "docx":
        _runs_into_cell_slots(pieces, slots)
    return Skeleton(layout, tuple(pieces), tuple(slots))


_RUN_OPEN, _RUN_CLOSE = "<w:r><w:t>", "</w:t></w:r>"


def _runs_into_cell_slots(pieces: list[str], slots: list[Slot]) -> None:
    """Word: a cell slot takes its whole run, since python-docx writes a blank cell as ``<w:r/>``."""
    for index, slot in enumerate(slots):
        if slot.kind != "cell":
            continue
        before, after = pieces[index], pieces[index + 1]
        if not (before.endswith(_RUN_OPEN) and after.startswith(_RUN_CLOSE)):
            raise RuntimeError(f"render_docx: cell {slot.name} is not a plain run; skeleton needs updating")
        pieces[index] = before[: -len(_RUN_OPEN)]
        pieces[index + 1] = after[len(_RUN_CLOSE) :]
        slots[index] = Slot("run", slot.name)


def _with_portal_header(layout: str, text: str, year: int) -> str:
    """Put the publication date where the layout prints one: the crawler header, a page info line."""
    if layout == "runtogether":
        header = re.compile(rf"^发布时间: {year + 1}-01-20 09:00$", re.MULTILINE)
        text, count = header.subn(f"发布时间: {PUBLISHED_SENTINEL}", text)
        if count != 1:
            raise RuntimeError("render_run_together_text: crawler header without its 发布时间 line")
    elif layout == "html":
        text, count = re.subn(
            r"<body>\n", f'<body>\n<div class="info">发布时间：{PUBLISHED_SENTINEL}</div>\n', text, count=1
        )
        if count != 1:
            raise RuntimeError("render_html: no <body> line")
    return text


@cache
def skeleton(layout: str, template: str, year: int) -> Skeleton:
    """The cut rendering of ``layout`` for ``template`` and ``year`` (text layouts)."""
    render_name, _suffix = LAYOUTS[layout]
    renderer, _ = RENDERERS[render_name]
    output = renderer(ISSUER_SENTINEL, year, template, sentinel_cells(template))
    assert isinstance(output, str)
    return _cut(layout, _with_portal_header(layout, output, year), template, year)


@dataclass(frozen=True)
class _DocxParts:
    """A Word skeleton: the templated XML parts cut into skeletons, the other parts pre-compressed."""

    templated: dict[str, Skeleton]
    constant: tuple[tuple[str, bytes, int, int], ...]  # name, deflated bytes, crc32, size
    order: tuple[str, ...]


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@cache
def _docx_parts(template: str, year: int) -> _DocxParts:
    data = render_docx(ISSUER_SENTINEL, year, template, sentinel_cells(template))
    archive = zipfile.ZipFile(io.BytesIO(data))
    templated: dict[str, Skeleton] = {}
    constant = []
    order = tuple(archive.namelist())
    for name in order:
        part = archive.read(name)
        if name == "word/document.xml":
            templated[name] = _cut("docx", part.decode("utf-8"), template, year)
        elif name in _DOCX_TEMPLATED:
            text = part.decode("utf-8")
            pieces = tuple(text.split(ISSUER_SENTINEL))
            templated[name] = Skeleton("docx", pieces, tuple(Slot("issuer") for _ in pieces[1:]))
        else:
            constant.append((name, _deflate(part), zlib.crc32(part), len(part)))
    return _DocxParts(templated, tuple(constant), order)


def _fill(
    skeleton_: Skeleton,
    issuer: str,
    cells: Mapping[str, Value],
    paragraphs: Mapping[str, Sequence[str]],
    published: str,
) -> str:
    """The skeleton's pieces joined with the slot texts (the hot loop of corpus generation)."""
    layout = skeleton_.layout
    escape = _escape_for(layout)
    paragraph_break = _PARAGRAPH_BREAK[layout]
    issuer_text, published_text = escape(issuer), escape(published)
    texts = {slot: paragraph_break.join(escape(p) for p in ps) for slot, ps in paragraphs.items()}
    parts = [skeleton_.pieces[0]]
    append = parts.append
    for (kind, name), piece in zip(skeleton_.slots, skeleton_.pieces[1:], strict=True):
        if kind == "cell":
            value = cells[name]
            if value is None:
                append("")
            elif type(value) is int and name not in MONEY_KEYS:
                append(str(value))
            else:
                append(format_value(name, value))
        elif kind == "run":  # a Word table cell's run: python-docx writes a blank one as <w:r/>
            value = cells[name]
            append("<w:r/>" if value is None else f"{_RUN_OPEN}{format_value(name, value)}{_RUN_CLOSE}")
        elif kind == "issuer":
            append(issuer_text)
        elif kind == "published":
            append(published_text)
        else:
            append(texts[name])
        append(piece)
    return "".join(parts)


#: Fixed timestamp of every member of a Word archive (1980-01-01 00:00, DOS format): deterministic output.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


def _central_record(crc: int, compressed: int, size: int, name_length: int, offset: int) -> bytes:
    """A central-directory record without its name (deflate, fixed time, no extras)."""
    made_by = needed = 20
    return struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, made_by, needed, 0, 8, _DOS_TIME, _DOS_DATE, crc, compressed, size, name_length,
        0, 0, 0, 0, 0, offset,
    )  # fmt: skip


def _zip(members: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already deflated members (name, deflated data, crc32, size), fixed timestamps."""
    out = io.BytesIO()
    central = []
    for name, deflated, crc, size in members:
        encoded = name.encode("utf-8")
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc, len(deflated), size, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(deflated)
        central.append(_central_record(crc, len(deflated), size, len(encoded), offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def fill(
    layout: str,
    template: str,
    year: int,
    issuer: str,
    cells: Mapping[str, Value],
    paragraphs: Mapping[str, Sequence[str]],
    published: str,
) -> bytes:
    """The report file in ``layout``: the skeleton with the report's cells, issuer, prose and date.

    ``paragraphs`` maps every slot of ``prose.SLOTS`` to its paragraphs; ``published`` is the publication
    date as the header prints it (``2024-01-20 09:00``), used by ``runtogether`` and ``html``.
    """
    if layout == "runtogether":
        blank = [key for key, value in cells.items() if value is None]
        if blank:
            raise ValueError(f"run-together text cannot show blank cells: {blank[:5]}")
    if layout != "docx":
        return _fill(skeleton(layout, template, year), issuer, cells, paragraphs, published).encode("utf-8")
    parts = _docx_parts(template, year)
    members = []
    constant = {name: (name, deflated, crc, size) for name, deflated, crc, size in parts.constant}
    for name in parts.order:
        if name in parts.templated:
            data = _fill(parts.templated[name], issuer, cells, paragraphs, published).encode("utf-8")
            members.append((name, _deflate(data), zlib.crc32(data), len(data)))
        else:
            members.append(constant[name])
    return _zip(members)


def suffix(layout: str) -> str:
    """The file suffix a layout is saved under."""
    return LAYOUTS[layout][1]
