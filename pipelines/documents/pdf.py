"""Reader for PDF reports: ruled tables become rows of cells, everything else one row per printed line.

Most published reports are Word/WPS exports with a text layer. Their statistics tables (表二/表三/表四) are
drawn with ruling lines, so pdfplumber can rebuild the grid from the lines and hand back one cell per
column. What the PDF does to the text inside those cells is the problem this module solves:

* **Wrapped labels.** A narrow cell wraps "商业企业" as ``商业企\\n业`` and prints a row group one
  character per line (``三\\n、\\n本\\n年\\n度…``). A line break between two CJK characters is a wrap,
  not a word boundary, so it is dropped; any other break (a digit or a Latin letter on either side)
  becomes a space, so a number is never glued to a label ("行政许可\\n550" stays two tokens). Justified
  text in narrow cells also gets spaces between CJK characters ("结 果"); those are removed inside cells
  for the same reason.
* **Merged cells.** pdfplumber returns ``None`` for a grid position covered by a neighbour's merged cell
  and ``""`` for an empty cell. Both become ``""``: every row keeps one cell per column, so a blank value
  cell stays a blank cell. A position left ``None`` only because a ruling line is missing (its text then
  belongs to no cell) gets the text that lies inside it.
* **Frames.** WPS often draws a box around prose (a one-column "table"); it is read as prose lines.
* **No ruling lines.** Outside the ruled grids, a printed line ending in two or more values is taken as a
  table row; label fragments wrapped onto the lines just above or below it are pulled into that row,
  and value columns shared by neighbouring rows give blank cells (see ``_free_text_blocks``).
  pdfplumber's text-position table strategy was tried for this and rejected: on the two corpus PDFs with
  their ruling lines removed it cut numbers in two ("4119" → "411" | "9") and split headings into
  columns, scoring 150/200 and 172/200 cells where the value-line rows score exactly as the ruled
  originals do (measured with the canonical layer of the project skeleton).
* **Badly mapped glyphs.** Some fonts map CJK characters to look-alike radicals: Kangxi radicals
  (U+2F00–U+2FD5, "⼀⼈" for "一人") and CJK Radicals Supplement (U+2E81–U+2EF3, "⺠" for "民"). NFKC, which
  the canonical layer applies, folds the Kangxi block but NOT most of the Supplement, so both blocks are
  mapped here (see ``_GLYPH_MAP``). Private-use characters and ``(cid:N)`` placeholders (glyphs without any
  Unicode mapping) cannot be recovered; the pages holding them are named in a warning.

Text outside the grids is emitted one row per printed line (one cell), interleaved with table rows by
vertical position, so a table split over two pages simply continues on the next page's rows. Page numbers
in the top/bottom margin ("- 3 -", "第 3 页") are dropped: a lone number between two table halves would
otherwise read as a value. Locators are ``page N table T row R`` and ``page N line L``.
"""

from __future__ import annotations

import contextlib
import io
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from pdfplumber.table import Table
from pdfplumber.utils.text import extract_words

from pipelines.documents.model import ExtractedDocument, Row, UnreadableDocument

#: Pages read at most; a longer file is read up to here and says so in a warning. Annual reports run
#: 3–30 pages; 200 leaves room for reports bundled with annexes without letting a 2,000-page gazette stall
#: the pipeline.
MAX_PAGES = 200

#: Grids from ruling lines (pdfplumber's default strategy, spelled out).
LINE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

Obj = dict[str, Any]
BBox = tuple[float, float, float, float]

#: Inner margin of a table cell, in points, at most (Word and WPS default to 0.19 cm = 5.4 pt).
CELL_PADDING = 6.0
#: Words whose tops differ by at most this many points are on one printed line (pdfplumber's default).
LINE_TOLERANCE = 3.0

#: CJK Radicals Supplement (U+2E81–U+2EF3) → the unified ideograph each one is equivalent to: all 114
#: lines of Unicode's EquivalentUnifiedIdeograph.txt for that block, as radical+ideograph pairs (14
#: targets lie outside the BMP). U+2E80 has no equivalent. NFKC folds only U+2E9F and U+2EF3 of these.
_RADICALS_SUPPLEMENT_PAIRS = (
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 "
    "⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 "
    "⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 "
    "⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 "
    "⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 "
    "⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 "
    "⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 "
    "⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 "
    "⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 "
    "⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 "
    "⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 "
    "⻰龙 ⻱龜 ⻲亀 ⻳龟"
)
_RADICALS_SUPPLEMENT = {pair[0]: pair[1:] for pair in _RADICALS_SUPPLEMENT_PAIRS.split()}
#: Every badly mapped glyph this reader repairs: the Kangxi radicals by their NFKC form (always a unified
#: ideograph), the Supplement by the table above.
_GLYPH_MAP = str.maketrans(
    {
        **{chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)},
        **_RADICALS_SUPPLEMENT,
    }
)
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff]")

# Characters around a line break inside a cell that make it a wrap: ideographs, kana, CJK and full-width
# punctuation (East Asian width W/F), plus curly quotes, which PDFs print at full width. Full-width digits
# and letters are excluded so that a number is never glued onto the label beside it.
_WRAP_QUOTES = frozenset("“”‘’")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－─]\s*\d{1,4}\s*[-—–－─]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
#: Share of the page height at the top and bottom treated as margin (where page numbers live).
_MARGIN_TOP = 0.08
_MARGIN_BOTTOM = 0.10


def is_wide(char: str) -> bool:
    """Whether ``char`` belongs to CJK running text, where a line break or a space is only a wrap."""
    if char in _WRAP_QUOTES:
        return True
    if unicodedata.east_asian_width(char) not in ("W", "F"):
        return False
    folded = unicodedata.normalize("NFKC", char)
    return not (folded.isascii() and folded.isalnum())


def repair_glyphs(text: str) -> str:
    """Map look-alike radicals back to the ideographs they stand for (see ``_GLYPH_MAP``)."""
    return text.translate(_GLYPH_MAP)


_INNER_SPACES = re.compile(r"(?<=\S) +(?=\S)")


def _drop_wide_spaces(text: str) -> str:
    """Remove spaces between two CJK characters (justification gaps), keep them elsewhere."""

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1]
        after = text[match.end()]
        return "" if is_wide(before) and is_wide(after) else " "

    return _INNER_SPACES.sub(replace, text)


def join_wrapped(text: str) -> str:
    """One cell's text on one line: drop wraps inside CJK text, turn other line breaks into spaces.

    ``商业企\\n业`` → ``商业企业``; ``三\\n、\\n本\\n年`` → ``三、本年``;
    ``行政许可\\n550`` → ``行政许可 550``; ``结 果\\n维持`` → ``结果维持``.
    """
    pieces = [piece.strip() for piece in text.split("\n")]
    pieces = [piece for piece in pieces if piece]
    joined = ""
    for piece in pieces:
        if joined and not (is_wide(joined[-1]) and is_wide(piece[0])):
            joined += " "
        joined += piece
    return _drop_wide_spaces(joined)


def _centre_in(obj: Obj, bbox: BBox) -> bool:
    """pdfplumber's own rule for which cell a character belongs to: its centre, half-open box."""
    x0, top, x1, bottom = bbox
    h_mid = (obj["x0"] + obj["x1"]) / 2
    v_mid = (obj["top"] + obj["bottom"]) / 2
    return bool(x0 <= h_mid < x1 and top <= v_mid < bottom)


def _is_digit_edge(char: str) -> bool:
    return char.isascii() and (char.isdigit() or char in ".,")


def _cell_text(chars: Sequence[Obj], box: BBox) -> str:
    """A cell's text on one line, joined like ``join_wrapped`` but knowing the cell's width.

    A number too long for a narrow column wraps inside its cell ("398575" / "8"); its pieces are joined
    when the first line fills the cell (its width plus one more digit reaches the width between the
    cell's paddings). Two short numbers one above the other are not a wrap but two values in one cell (a
    missing rule merged two rows): they stay apart, so the row shows one value too many instead of a
    silently wrong number.
    """
    if not chars:
        return ""
    joined = ""
    previous: _Line | None = None
    for line in _lines(_words(chars)):
        text = line.text
        if previous is not None:
            width = previous.words[-1].x1 - previous.words[0].x0
            fills_cell = width + 0.6 * previous.size >= (box[2] - box[0]) - 2 * CELL_PADDING
            number_wrap = _is_digit_edge(joined[-1]) and _is_digit_edge(text[0]) and fills_cell
            if not number_wrap and not (is_wide(joined[-1]) and is_wide(text[0])):
                joined += " "
        joined += text
        previous = line
    return _drop_wide_spaces(joined)


@dataclass
class _Block:
    """Rows that belong at one vertical position of a page: a table's rows, or one text line."""

    top: float
    rows: list[tuple[str, ...]]
    is_table: bool


@dataclass
class _Grid:
    """One table found on a page: its cell texts (one per column) and the characters it consumed."""

    top: float
    rows: list[tuple[str, ...]]
    used: set[int]


def _grid_rows(table: Table, chars: Sequence[Obj]) -> _Grid:
    """The table's rows with one text per column, filling positions whose ruling line is missing.

    A position pdfplumber reports as ``None`` is normally covered by a merged neighbour; then no
    character lies there outside every cell. If characters do (a cell whose border was not drawn), they
    are read into that position instead of being lost.
    """
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if _centre_in(c, (x0, top, x1, bottom))]
    rows = table.rows
    used: set[int] = set()
    texts: list[list[str | None]] = []
    for row in rows:
        row_texts: list[str | None] = []
        row_chars = [c for c in inside if _centre_in(c, row.bbox)]
        for cell in row.cells:
            if cell is None:
                row_texts.append(None)
                continue
            cell_chars = [c for c in row_chars if _centre_in(c, cell)]
            used.update(id(c) for c in cell_chars)
            row_texts.append(_cell_text(cell_chars, cell))
        texts.append(row_texts)

    orphans = [c for c in inside if id(c) not in used]
    if orphans and rows:
        xs = sorted({cell[0] for row in rows for cell in row.cells if cell is not None})
        bounds = [*xs, x1]
        for row_index, row in enumerate(rows):
            for column, cell in enumerate(row.cells):
                if cell is not None or column + 1 >= len(bounds):
                    continue
                box = (bounds[column], row.bbox[1], bounds[column + 1], row.bbox[3])
                found = [c for c in orphans if id(c) not in used and _centre_in(c, box)]
                if found:
                    used.update(id(c) for c in found)
                    texts[row_index][column] = _cell_text(found, box)
    return _Grid(top, [tuple(text or "" for text in row_texts) for row_texts in texts], used)


def _find_grids(page: Page, chars: Sequence[Obj]) -> list[_Grid]:
    """Ruled grids of two or more columns (a one-column "table" is a frame drawn around prose)."""
    grids: list[_Grid] = []
    for table in page.find_tables(LINE_SETTINGS):
        columns = max((len(row.cells) for row in table.rows), default=0)
        if columns >= 2:
            grids.append(_grid_rows(table, chars))
    return grids


@dataclass
class _Word:
    """A run of characters without a gap, as pdfplumber's word extractor cuts them."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Line:
    """One printed line: its words left to right."""

    words: list[_Word]

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def size(self) -> float:
        return statistics.median(word.size for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def _words(chars: Sequence[Obj]) -> list[_Word]:
    words = []
    for word in extract_words(list(chars), return_chars=True):
        text = repair_glyphs(str(word["text"])).strip()
        if not text:
            continue
        sizes = [float(c["size"]) for c in word["chars"]]
        words.append(
            _Word(
                text,
                float(word["x0"]),
                float(word["x1"]),
                float(word["top"]),
                float(word["bottom"]),
                statistics.median(sizes),
            )
        )
    return words


def _lines(words: Sequence[_Word]) -> list[_Line]:
    """Words clustered into printed lines by their top, top to bottom.

    Same rule as pdfplumber's own line clustering: sorted by top, a word starts a new line when its top
    is more than ``LINE_TOLERANCE`` points below the previous word's.
    """
    clusters: list[list[_Word]] = []
    previous: float | None = None
    for word in sorted(words, key=lambda word: word.top):
        if previous is None or word.top - previous > LINE_TOLERANCE:
            clusters.append([])
        clusters[-1].append(word)
        previous = word.top
    lines = [_Line(sorted(cluster, key=lambda word: word.x0)) for cluster in clusters]
    return sorted(lines, key=lambda line: (line.top, line.words[0].x0))


#: A word that is a printed cell value: a number (with an optional unit) or a placeholder for "nothing".
_VALUE_WORD = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|条|项|个|次)?|[-—–―－/／]|无")
#: A line with at least this many values at its end is a table row printed without ruling lines.
MIN_ROW_VALUES = 2
#: Widest gap, in font sizes, between two words of one label (justification inside a narrow cell).
JUSTIFICATION_GAP = 0.6
#: How far (in multiples of its font size) a label fragment may sit above or below its row's values.
FRAGMENT_REACH = 2.5


def _trailing_values(line: _Line) -> int:
    count = 0
    for word in reversed(line.words):
        if not _VALUE_WORD.fullmatch(word.text):
            break
        count += 1
    return count


def _value_columns(rows: Sequence[list[_Word]]) -> list[tuple[float, float]] | None:
    """Column spans shared by the value words of neighbouring rows, or None when they do not line up.

    Words of one column overlap horizontally (centred or right-aligned numbers of different widths), so
    merging overlapping extents gives the columns. If no row has a value in every column, or a row has
    two values in one column, the rows do not share one clean grid (two tables' rows side by side, say);
    then no blank cells are inferred.
    """
    spans: list[list[float]] = []
    for word in sorted((word for row in rows for word in row), key=lambda word: word.x0):
        if spans and word.x0 <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], word.x1)
        else:
            spans.append([word.x0, word.x1])
    columns = [(span[0], span[1]) for span in spans]
    if len(columns) != max(len(row) for row in rows):
        return None  # no row fills every column: these rows do not share one grid
    for row in rows:
        hits = [_column_of(word, columns) for word in row]
        if len(set(hits)) != len(hits):
            return None
    return columns


def _column_of(word: _Word, columns: Sequence[tuple[float, float]]) -> int:
    middle = (word.x0 + word.x1) / 2
    return min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - middle))


def _pieces(words: Sequence[_Word]) -> list[_Word]:
    """Words of one line merged where the gap is narrow: justified text, not two cells.

    Narrow cells spread a wrapped label ("5.要求行政机关确认或重 新出具": a 4-point gap at 9 points), so
    pdfplumber cuts it into words; text in neighbouring cells is two cell paddings apart, about a
    character or more. Values are never merged.
    """
    pieces: list[_Word] = []
    for word in words:
        last = pieces[-1] if pieces else None
        if (
            last is not None
            and not _VALUE_WORD.fullmatch(last.text)
            and not _VALUE_WORD.fullmatch(word.text)
            and word.x0 - last.x1 <= JUSTIFICATION_GAP * min(last.size, word.size)
        ):
            pieces[-1] = _Word(
                f"{last.text} {word.text}",
                last.x0,
                max(last.x1, word.x1),
                min(last.top, word.top),
                max(last.bottom, word.bottom),
                max(last.size, word.size),
            )
        else:
            pieces.append(word)
    return pieces


def _label_cells(words: Sequence[_Word]) -> list[str]:
    """Label fragments of one row, grouped into columns by horizontal overlap, each column joined."""
    groups: list[list[_Word]] = []
    for word in sorted(words, key=lambda word: word.x0):
        for group in groups:
            if word.x0 < max(w.x1 for w in group) and word.x1 > min(w.x0 for w in group):
                group.append(word)
                break
        else:
            groups.append([word])
    groups.sort(key=lambda group: min(w.x0 for w in group))
    return [join_wrapped("\n".join(w.text for w in sorted(group, key=lambda w: (w.top, w.x0)))) for group in groups]


def _free_text_blocks(chars: Sequence[Obj], page_height: float) -> list[_Block]:
    """Text outside the ruled grids: one row per printed line, except tables printed without lines.

    A line ending in two or more values is a table row whose ruling lines are missing (or were never
    drawn). Its label is often wrapped over the lines just above and below it, with the values centred
    vertically between them ("（二）部分公开（…只计这一情" / "447 7 0 0 0 0 454" / "形，不计其他情形）"); read
    line by line, the values would split the label and the label's tail would read as the next row.
    So words left of the values that lie within ``FRAGMENT_REACH`` font sizes of a value line, and
    nearer to it than to any other value line, are pulled into that row, one cell per label column.
    The values get one cell each; where the value lines of a block line up in columns, a column a row
    leaves empty becomes a blank cell, as a ruled grid would give it.
    """
    lines = [
        line for line in _lines(_words(chars)) if not _is_page_furniture(line.text, line.top, line.bottom, page_height)
    ]
    value_lines = [index for index, line in enumerate(lines) if _trailing_values(line) >= MIN_ROW_VALUES]
    if not value_lines:
        return [_Block(line.top, [(line.text,)], False) for line in lines]

    values = {index: lines[index].words[-_trailing_values(lines[index]) :] for index in value_lines}
    labels: dict[int, list[_Word]] = {
        index: _pieces(lines[index].words[: -_trailing_values(lines[index])]) for index in value_lines
    }
    value_left = {index: values[index][0].x0 for index in value_lines}
    leftover: list[_Line] = []
    for index, line in enumerate(lines):
        if index in values:
            continue
        kept: list[_Word] = []
        for word in _pieces(line.words):
            nearest = min(value_lines, key=lambda v: abs(lines[v].words[-1].middle - word.middle))
            reach = FRAGMENT_REACH * word.size
            close = abs(values[nearest][-1].middle - word.middle) <= reach
            if close and word.x1 <= value_left[nearest] + 1 and not _VALUE_WORD.fullmatch(word.text):
                labels[nearest].append(word)
            else:
                kept.append(word)
        if kept:
            leftover.append(_Line(kept))

    # Blocks of value lines not interrupted by other text share their columns.
    blocks: list[_Block] = [_Block(line.top, [(line.text,)], False) for line in leftover]
    run: list[int] = []
    leftover_tops = sorted(line.top for line in leftover)

    def flush() -> None:
        if not run:
            return
        columns = _value_columns([values[index] for index in run])
        for index in run:
            cells = _label_cells(labels[index])
            if columns is None:
                cells.extend(word.text for word in values[index])
            else:
                slots = [""] * len(columns)
                for word in values[index]:
                    slots[_column_of(word, columns)] = word.text
                cells.extend(slots)
            top = min([lines[index].top, *(word.top for word in labels[index])])
            blocks.append(_Block(top, [tuple(cells)], False))
        run.clear()

    for index in value_lines:
        if run:
            previous = lines[run[-1]].top
            if any(previous < top < lines[index].top for top in leftover_tops):
                flush()
        run.append(index)
    flush()
    return blocks


def _is_page_furniture(text: str, top: float, bottom: float, height: float) -> bool:
    """A page number in the top or bottom margin."""
    in_margin = bottom <= height * _MARGIN_TOP or top >= height * (1 - _MARGIN_BOTTOM)
    return in_margin and bool(_PAGE_NUMBER.match(text.strip()))


def _mostly_rotated(chars: Sequence[Obj]) -> bool:
    """Most characters run sideways: the page (often a wide table) was turned by 90 degrees."""
    visible = [c for c in chars if str(c["text"]).strip()]
    return sum(1 for c in visible if not c.get("upright", True)) > len(visible) / 2


def _has_text(chars: Iterable[Obj]) -> bool:
    return any(str(c["text"]).strip() for c in chars)


def _page_blocks(page: Page) -> list[_Block]:
    """One page's tables and text lines, in reading order (top to bottom)."""
    base = page.dedupe_chars()
    chars: list[Obj] = list(base.chars)
    grids = _find_grids(base, chars)
    used: set[int] = set().union(*(grid.used for grid in grids)) if grids else set()
    blocks = [_Block(grid.top, grid.rows, True) for grid in grids]
    blocks.extend(_free_text_blocks([c for c in chars if id(c) not in used], float(page.height)))
    blocks.sort(key=lambda block: block.top)
    return blocks


def title_from_first_page(page: Page) -> str | None:
    """The report title: the first run of large-font lines on page 1, else a line with 年 and 报告.

    Titles are usually set well above body size and often wrap ("淮安市人民政府" / "2024 年政府信息公开工作
    年度报告"), so consecutive lines of the same large size are joined. Among several large runs (a red
    letterhead above the title), the first that names a year's report wins.
    """
    chars = [c for c in page.dedupe_chars().chars if str(c["text"]).strip()]
    lines = _lines(_words(chars))
    if not lines:
        return None
    body = statistics.median(float(c["size"]) for c in chars)
    runs: list[list[_Line]] = []
    for line in lines:
        size = line.size
        large = size >= body * 1.25 and sum(1 for ch in line.text if is_wide(ch)) >= 2
        if not large:
            continue
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and abs(previous.size - size) <= size * 0.1
            and line.top - previous.bottom <= size * 1.5
        ):
            runs[-1].append(line)
        else:
            runs.append([line])
    titles = [join_wrapped("\n".join(line.text for line in run)) for run in runs]
    for title in titles:
        if "年" in title and "报告" in title:
            return title
    if titles:
        return titles[0]
    for line in lines:
        if "年" in line.text and "报告" in line.text:
            return line.text
    return None


def _describe(error: BaseException) -> str:
    """A reason a person can act on, from whatever pdfminer/pdfplumber raised."""
    cause: BaseException = error
    for _ in range(10):  # pdfplumber wraps pdfminer's exception: PdfminerException(PDFSyntaxError(…))
        nested = cause.__cause__ or (cause.args[0] if cause.args else None)
        if not isinstance(nested, BaseException):
            break
        cause = nested
    name = type(cause).__name__
    message = str(cause) or name
    if "Password" in name or "password" in message.lower() or "Encryption" in name:
        return f"encrypted PDF: it cannot be opened without a password ({message})"
    if "EOF" in message or "xref" in message.lower() or "startxref" in message:
        return f"damaged or truncated PDF ({message})"
    return f"damaged PDF that cannot be read ({name}: {message})"


def _locate(number: int, blocks: Sequence[_Block]) -> list[Row]:
    """Rows of one page with their locators: ``page N table T row R`` and ``page N line L``."""
    rows: list[Row] = []
    table_number = 0
    line_number = 0
    for block in blocks:
        if block.is_table:
            table_number += 1
            for row_number, cells in enumerate(block.rows, start=1):
                rows.append(Row(cells, f"page {number} table {table_number} row {row_number}"))
        else:
            line_number += 1
            rows.append(Row(block.rows[0], f"page {number} line {line_number}"))
    return rows


@contextlib.contextmanager
def _closing(pdf: PDF) -> Iterator[PDF]:
    """Close the PDF however reading ended. Closing walks the page tree again, so a broken tree raises there
    too (``with pdf:`` then replaced the reader's UnreadableDocument by pdfminer's own error; found by fuzzing)."""
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def _page_list(pages: Sequence[int]) -> str:
    return ", ".join(str(number) for number in pages)


def read_pdf(source: str, data: bytes) -> ExtractedDocument:
    """Read a PDF's bytes into rows (see the module docstring for what is done to the text and why)."""
    warnings: list[str] = []
    rows: list[Row] = []
    title_hint: str | None = None
    no_text: list[int] = []
    unmapped: list[int] = []
    rotated: list[int] = []
    failed: list[str] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many unrelated types for bad input
        raise UnreadableDocument(_describe(error)) from error
    with _closing(pdf):
        try:
            pages = list(pdf.pages)
        except Exception as error:
            raise UnreadableDocument(_describe(error)) from error
        if not pages:
            raise UnreadableDocument("the PDF has no pages")
        if len(pages) > MAX_PAGES:
            warnings.append(f"only the first {MAX_PAGES} of {len(pages)} pages were read")
            pages = pages[:MAX_PAGES]
        for number, page in enumerate(pages, start=1):
            try:
                if not _has_text(page.chars):
                    no_text.append(number)
                    continue
                if _mostly_rotated(page.chars):
                    rotated.append(number)
                if number == 1:
                    title_hint = title_from_first_page(page)
                blocks = _page_blocks(page)
            except Exception as error:  # one broken page (bad content stream, font) spoils only itself
                failed.append(f"page {number}: {_describe(error)}")
                continue
            finally:
                page.close()  # drop the page's parsed objects: memory stays flat over long files
            page_rows = _locate(number, blocks)
            if any(_UNMAPPED_GLYPH.search(cell) for row in page_rows for cell in row.cells):
                unmapped.append(number)
            rows.extend(page_rows)
    if failed and len(failed) + len(no_text) == len(pages):
        raise UnreadableDocument("no page could be read: " + "; ".join(failed[:3]))
    warnings.extend(f"could not read {reason}" for reason in failed)
    needs_ocr = bool(no_text) and len(no_text) + len(failed) == len(pages)
    if no_text and not needs_ocr:
        warnings.append(
            f"pages without a text layer (scanned images?), their content is missing: {_page_list(no_text)}"
        )
    if rotated:
        warnings.append(
            f"pages printed sideways (rotated text, a landscape table?): {_page_list(rotated)}; "
            "their tables may be misread"
        )
    if unmapped:
        warnings.append(
            "characters without a Unicode mapping (private-use glyphs or (cid:N)) on pages "
            f"{_page_list(unmapped)}: labels there may not be recognised"
        )
    return ExtractedDocument(
        source=source, format="pdf", rows=rows, title_hint=title_hint, warnings=warnings, needs_ocr=needs_ocr
    )


def read_pdf_file(path: Path, data: bytes) -> ExtractedDocument:
    """The reader registered for ``.pdf`` inbox files."""
    return read_pdf(path.name, data)
