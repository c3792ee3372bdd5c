"""The PDF reader: real reports scored cell by cell, plus small PDFs written here byte by byte.

The two corpus PDFs (WPS exports with ruled tables) are parsed end to end and scored against their
hand-checked ``.expected.json``; the same two files with every ruling line removed (pypdfium2, which
pdfplumber already depends on) must score the same through the no-lines path. The hand-written PDFs
exercise one behaviour each: wrapped labels in narrow cells, a vertical row group, blank cells, glyphs
mapped to radicals, page numbers, scanned pages, truncation and encryption. They use a Type0 font with
Identity-H encoding and a ToUnicode map written here, so the text pdfplumber extracts is exactly the text
the test chose (including look-alike radicals and unmapped glyphs); nothing is rendered, so no font file
is needed.
"""

from __future__ import annotations

import functools
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipelines.documents import pdf as pdf_reader
from pipelines.documents.model import ExtractedDocument, UnreadableDocument
from pipelines.documents.pdf import join_wrapped, read_pdf, repair_glyphs
from pipelines.evaluation import FileScore, score
from pipelines.parse import FAILED, NEEDS_OCR, parse_bytes, parse_file

HUAIAN = "淮安市人民政府_2024.pdf"
HONGZE = "淮安市洪泽区人民政府_2023.pdf"

# --------------------------------------------------------------------------------------------------
# A minimal PDF writer: text at positions, ruling lines, an image, optional (unbreakable) encryption.
# --------------------------------------------------------------------------------------------------

A4 = (595.0, 842.0)


@dataclass
class Page:
    """One page's drawing: text runs, straight lines, and optionally a full-page image (a "scan")."""

    texts: list[tuple[float, float, float, str]] = field(default_factory=list)  # x, top, size, text
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom
    image: bool = False
    sideways: bool = False  # text drawn turned by 90 degrees, as on a landscape table page

    def text(self, x: float, top: float, text: str, size: float = 10.0) -> Page:
        self.texts.append((x, top, size, text))
        return self

    def line(self, x0: float, top: float, x1: float, bottom: float) -> Page:
        self.lines.append((x0, top, x1, bottom))
        return self

    def grid(self, xs: list[float], tops: list[float], skip: set[tuple[int, int]] | None = None) -> Page:
        """Ruling lines of a table; ``skip`` holds (column, row) pairs whose left border is not drawn."""
        for top in tops:
            self.line(xs[0], top, xs[-1], top)
        for column, x in enumerate(xs):
            for row in range(len(tops) - 1):
                if (column, row) not in (skip or set()):
                    self.line(x, tops[row], x, tops[row + 1])
        return self


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def build_pdf(pages: list[Page], unmapped: str = "", encrypt: bool = False) -> bytes:
    """A PDF whose text pdfminer decodes to exactly the characters given (``unmapped`` ones excepted).

    Every distinct character gets a CID; the ToUnicode map sends it back to itself, except characters in
    ``unmapped``, which get no entry (pdfminer then yields ``(cid:N)``). Wide characters are 1 em wide,
    others half an em, so words and gaps fall where a real CJK font would put them. ``encrypt`` adds a
    Standard security handler whose user password is not empty: no reader can open the file without it.
    """
    chars = sorted({ch for page in pages for (_, _, _, text) in page.texts for ch in text})
    cid = {ch: index + 1 for index, ch in enumerate(chars)}
    width = {cid[ch]: 1000 if _wide(ch) else 500 for ch in chars}
    mapped = [ch for ch in chars if ch not in unmapped]
    bfchar = []
    for start in range(0, len(mapped), 100):
        chunk = mapped[start : start + 100]
        entries = "\n".join(f"<{cid[ch]:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch in chunk)
        bfchar.append(f"{len(chunk)} beginbfchar\n{entries}\nendbfchar")
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "\n".join(bfchar)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    widths = " ".join(f"{code} [{width[code]}]" for code in sorted(width))

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    page_tree = add(b"")
    cmap = add(stream(to_unicode))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /TestSong /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        (
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSong "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] >>"
        ).encode()
    )
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /TestSong /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {cmap} 0 R >>".encode()
    )
    image = add(
        stream(
            bytes([0, 255, 255, 0]),
            "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 ",
        )
    )
    page_ids = []
    width_pt, height_pt = A4
    for page in pages:
        ops = []
        for x0, top, x1, bottom in page.lines:
            ops.append(f"0.5 w {x0} {height_pt - top} m {x1} {height_pt - bottom} l S")
        for x, top, size, text in page.texts:
            hexed = "".join(f"{cid[ch]:04X}" for ch in text)
            baseline = height_pt - top - size * 0.88  # the glyph box spans descent -120 to ascent 880
            if page.sideways:
                ops.append(f"BT /F1 {size} Tf 0 1 -1 0 {x} {baseline:.2f} Tm <{hexed}> Tj ET")
            else:
                ops.append(f"BT /F1 {size} Tf {x} {baseline:.2f} Td <{hexed}> Tj ET")
        if page.image:
            ops.append(f"q {width_pt} 0 0 {height_pt} 0 0 cm /Im1 Do Q")
        content = add(stream("\n".join(ops).encode()))
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 {width_pt} {height_pt}] "
                f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> "
                f"/Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode()
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects[page_tree - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    trailer_extra = ""
    if encrypt:
        secret = add(b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> >>")
        file_id = "<00112233445566778899AABBCCDDEEFF>"
        trailer_extra = f" /Encrypt {secret} 0 R /ID [{file_id} {file_id}]"

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R{trailer_extra} >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def read(data: bytes) -> ExtractedDocument:
    return read_pdf("test.pdf", data)


def texts(document: ExtractedDocument) -> list[str]:
    return [row.text for row in document.rows]


# --------------------------------------------------------------------------------------------------
# Real reports
# --------------------------------------------------------------------------------------------------


@functools.cache
def _score(path: Path) -> FileScore:
    """Parse and score once per file per session (a corpus PDF takes about a second)."""
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    return score(parse_file(path), expected)


@functools.cache
def _read_corpus(path: Path) -> ExtractedDocument:
    return read_pdf(path.name, path.read_bytes())


def _without_ruling_lines(path: Path, target: Path) -> Path:
    """The same PDF with every path object (ruling lines, cell borders, frames) deleted."""
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            for obj in list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))):
                page.remove_obj(obj)
            page.gen_content()
        document.save(str(target))
    finally:
        document.close()
    expected = path.with_name(path.stem + ".expected.json")
    target.with_name(target.stem + ".expected.json").write_bytes(expected.read_bytes())
    return target


def test_huaian_2024_every_cell(corpus_dir: Path) -> None:
    result = _score(corpus_dir / HUAIAN)
    assert result.mismatches == []
    assert (result.cells_right, result.cells_total) == (200, 200)
    assert result.issuer_right and result.year_right and result.template_right
    assert result.status == "parsed"


def test_hongze_2023_every_cell(corpus_dir: Path) -> None:
    """Includes the row printed with the report's own typo "2.其他法律行政止公开" (read by its numbering)."""
    result = _score(corpus_dir / HONGZE)
    assert result.mismatches == []
    assert (result.cells_right, result.cells_total) == (200, 200)
    assert result.issuer_right and result.year_right and result.template_right


def test_huaian_rows_are_clean(corpus_dir: Path) -> None:
    document = _read_corpus(corpus_dir / HUAIAN)
    by_text = {row.text: row for row in document.rows}
    assert document.title_hint == "淮安市人民政府 2024 年政府信息公开工作年度报告"
    # Column headers wrapped in narrow cells come back whole; the vertical group is one cell.
    header = next(row for row in document.rows if "商业企业" in row.cells)
    assert header.cells[4:9] == ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
    granted = next(row for row in document.rows if "（一）予以公开" in row.cells)
    assert granted.cells[0] == "三、本年度办理结果"
    assert granted.cells[3:] == ("1288", "21", "0", "0", "50", "3", "1362")
    assert granted.locator == "page 4 table 2 row 6"
    # A label wrapped over three lines in its cell, values beside it.
    assert (
        "\t\t2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t6\t0\t0\t0\t0\t0\t6" in by_text
    )
    # 表四's one data row, 15 cells.
    assert "72\t64\t178\t37\t351\t13\t4\t8\t1\t26\t12\t1\t1\t6\t20" in by_text
    # The preamble in a WPS frame reads as prose lines, full stop included; page numbers are gone.
    assert "制。报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日。" in by_text
    assert not any(re.fullmatch(r"-\s*\d+\s*-", row.text) for row in document.rows)
    assert document.warnings == [] and not document.needs_ocr


def test_hongze_cell_without_top_border_keeps_its_text(corpus_dir: Path) -> None:
    """Page 3 of 洪泽 draws no top border over "信息内容": pdfplumber has no cell there, the text is kept."""
    document = _read_corpus(corpus_dir / HONGZE)
    first = next(row for row in document.rows if row.locator == "page 3 table 1 row 1")
    assert first.cells == ("信息内容", "本年处理决定数量")
    assert document.title_hint == "洪泽区人民政府 2023 年政府信息公开工作年度报告"


@pytest.mark.parametrize("name", [HUAIAN, HONGZE])
def test_same_score_without_ruling_lines(corpus_dir: Path, tmp_path: Path, name: str) -> None:
    """Tables printed without lines are read from the value lines, as well as the ruled originals."""
    ruled = _score(corpus_dir / name)
    bare = _score(_without_ruling_lines(corpus_dir / name, tmp_path / name))
    assert bare.cells_right == ruled.cells_right
    assert {m.key for m in bare.mismatches} == {m.key for m in ruled.mismatches}
    assert bare.issuer_right and bare.year_right and bare.template_right


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


def test_truncated_pdf_fails_with_a_reason(corpus_dir: Path) -> None:
    data = (corpus_dir / HUAIAN).read_bytes()
    report = parse_bytes(Path("half.pdf"), data[: len(data) // 2], "half.pdf")
    assert report.status == FAILED
    assert report.errors == ["half.pdf: damaged or truncated PDF (Unexpected EOF)"]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\nthis is not a pdf body", b"%PDF-", b"%PDF-1.7\n" + bytes(range(256)) * 8],
    ids=["text-body", "header-only", "binary-noise"],
)
def test_corrupt_pdf_fails_without_exception(data: bytes) -> None:
    report = parse_bytes(Path("bad.pdf"), data, "bad.pdf")
    assert report.status == FAILED
    assert len(report.errors) == 1 and "PDF" in report.errors[0]


def test_encrypted_pdf_fails_naming_the_password() -> None:
    data = build_pdf([Page().text(72, 72, "政府信息公开工作年度报告")], encrypt=True)
    with pytest.raises(UnreadableDocument, match="encrypted PDF"):
        read(data)
    report = parse_bytes(Path("locked.pdf"), data, "locked.pdf")
    assert report.status == FAILED and "password" in report.errors[0]


def test_pdf_without_pages_fails() -> None:
    report = parse_bytes(Path("empty.pdf"), build_pdf([]), "empty.pdf")
    assert report.status == FAILED
    assert report.errors == ["empty.pdf: the PDF has no pages"]


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(build_pdf([Page(image=True), Page(image=True)]))
    report = parse_file(path)
    assert report.status == NEEDS_OCR
    assert report.errors == ["scan.pdf: pages without a text layer need OCR"]


def test_partly_scanned_pdf_names_the_pages() -> None:
    pages = [Page().text(72, 72, "第一页有文字"), Page(image=True), Page().text(72, 72, "第三页"), Page()]
    document = read(build_pdf(pages))
    assert not document.needs_ocr
    assert document.warnings == ["pages without a text layer (scanned images?), their content is missing: 2, 4"]
    assert texts(document) == ["第一页有文字", "第三页"]


def test_sideways_page_is_named() -> None:
    sideways = Page(sideways=True).text(300, 400, "行政复议").text(320, 400, "行政诉讼")
    document = read(build_pdf([Page().text(72, 72, "正文"), sideways]))
    assert document.warnings == [
        "pages printed sideways (rotated text, a landscape table?): 2; their tables may be misread"
    ]


def test_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    document = read(build_pdf([Page().text(72, 72, f"第{n}页") for n in "一二三"]))
    assert texts(document) == ["第一页", "第二页"]
    assert document.warnings == ["only the first 2 of 3 pages were read"]


# --------------------------------------------------------------------------------------------------
# Tables, lines and characters, on hand-written pages
# --------------------------------------------------------------------------------------------------


def _statistics_page(ruled: bool) -> Page:
    """A 表三 fragment: a row group printed one character per line in a merged cell, a label wrapped in
    its cell, column headers wrapped in narrow cells, one blank value cell, and a page number."""
    page = Page()
    page.text(72, 60, "三、收到和处理政府信息公开申请情况", size=16)
    if ruled:
        # columns: group 72-92 | label 92-262 | 自然人 262-312 | 商业企业 312-352 | 科研机构 352-392
        # rows: header 100-130 | 130-170 | 170-210 | 210-250; the header spans group+label, the group
        # cell spans the three data rows.
        for top in (100, 130, 250):
            page.line(72, top, 392, top)
        for top in (170, 210):
            page.line(92, top, 392, top)
        page.line(72, 100, 72, 250).line(92, 130, 92, 250)
        for x in (262, 312, 352, 392):
            page.line(x, 100, x, 250)
    for x, lines in ((266, ["自然", "人"]), (316, ["商业", "企业"]), (356, ["科研", "机构"])):
        for index, text in enumerate(lines):
            page.text(x, 104 + index * 11, text)
    for index, char in enumerate("三、本年度"):
        page.text(77, 135 + index * 22, char)
    page.text(96, 145, "（一）予以公开").text(270, 145, "12").text(320, 145, "3").text(360, 145, "0")
    page.text(96, 176, "（二）部分公开（区分处理的，只计").text(96, 188, "这一情形，不计其他情形）")
    page.text(270, 182, "4").text(360, 182, "1")  # the 商业企业 cell of this row is left blank
    page.text(96, 225, "1.属于国家秘密").text(270, 225, "0").text(320, 225, "0").text(360, 225, "0")
    page.text(280, 800, "- 4 -", size=12)
    return page


def test_ruled_table_rows() -> None:
    document = read(build_pdf([_statistics_page(ruled=True)]))
    assert [(row.locator, row.cells) for row in document.rows] == [
        ("page 1 line 1", ("三、收到和处理政府信息公开申请情况",)),
        # the header cell spans two columns: its second position is a blank cell, one per column
        ("page 1 table 1 row 1", ("", "", "自然人", "商业企业", "科研机构")),
        # the merged group cell, one character per printed line, reads as one cell of its first row
        ("page 1 table 1 row 2", ("三、本年度", "（一）予以公开", "12", "3", "0")),
        (
            "page 1 table 1 row 3",
            ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "4", "", "1"),
        ),
        ("page 1 table 1 row 4", ("", "1.属于国家秘密", "0", "0", "0")),
    ]  # and the page number "- 4 -" is gone


def test_table_without_ruling_lines_is_read_from_value_lines() -> None:
    document = read(build_pdf([_statistics_page(ruled=False)]))
    assert texts(document) == [
        "三、收到和处理政府信息公开申请情况",
        "自然 商业 科研",
        "人 企业 机构",
        "三、\t（一）予以公开\t12\t3\t0",
        # the wrapped label is whole again, and the empty 商业企业 column is a blank cell
        "本年\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t4\t\t1",
        "度\t1.属于国家秘密\t0\t0\t0",
    ]
    assert [row.locator for row in document.rows][3:] == ["page 1 line 4", "page 1 line 5", "page 1 line 6"]


def test_number_wrapped_in_a_narrow_cell_is_joined_two_numbers_are_not() -> None:
    page = Page()
    for top in (100, 130, 170):
        page.line(72, top, 212, top)
    for x in (72, 172, 212):
        page.line(x, 100, x, 170)
    page.text(76, 110, "行政处罚").text(176, 104, "398575").text(176, 115, "8")  # 30 pt of digits in 40 pt
    page.text(76, 145, "行政强制").text(190, 138, "5").text(190, 150, "7")  # a rule between 5 and 7 is missing
    assert texts(read(build_pdf([page]))) == ["行政处罚\t3985758", "行政强制\t5 7"]


def test_radicals_and_unmapped_glyphs() -> None:
    # "⼈⺠政府" is how some fonts map 人民政府: a Kangxi radical and a CJK Radicals Supplement form.
    page = Page().text(72, 72, "⼈⺠政府信息公开").text(72, 100, "规章\ue001")
    document = read(build_pdf([page, Page().text(72, 72, "政府信息")], unmapped="息"))
    cids = [re.sub(r"\(cid:\d+\)", "(cid:N)", text) for text in texts(document)]
    assert cids == ["人民政府信(cid:N)公开", "规章\ue001", "政府信(cid:N)"]
    assert document.warnings == [
        "characters without a Unicode mapping (private-use glyphs or (cid:N)) on pages 1, 2: "
        "labels there may not be recognised"
    ]


def test_title_from_large_lines() -> None:
    page = Page().text(150, 80, "某某县人民政府", size=22).text(100, 110, "2023年政府信息公开工作年度报告", size=22)
    page.text(72, 160, "本报告根据《中华人民共和国政府信息公开条例》编制。", size=16)
    page.text(72, 190, "一、总体情况", size=16)
    # the two lines are joined like wrapped cell text: a digit after CJK gets a space
    assert read(build_pdf([page])).title_hint == "某某县人民政府 2023年政府信息公开工作年度报告"


def test_title_falls_back_to_a_report_line() -> None:
    page = Page().text(72, 80, "关于某某局2022年政府信息公开工作年度报告的说明").text(72, 100, "正文")
    assert read(build_pdf([page])).title_hint == "关于某某局2022年政府信息公开工作年度报告的说明"


# --------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("商 业 企\n业", "商业企业"),
        ("三\n、\n本\n年\n度\n办\n理\n结\n果", "三、本年度办理结果"),
        ("行政许可\n550", "行政许可 550"),
        ("2023\n年", "2023 年"),
        ("结 果\n维持", "结果维持"),
        ("危及“三安全\n一稳定”", "危及“三安全一稳定”"),
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        ),
        ("本年收费金额\n（单位：万元）", "本年收费金额（单位：万元）"),
        ("１２\n件", "１２ 件"),  # full-width digits are numbers, never glued to text
        ("hzzwgk@126.com\n）。", "hzzwgk@126.com ）。"),
        ("行政许可\n—", "行政许可 —"),  # a dash is a value ("nothing printed"), not text
        ("  \n", ""),
    ],
)
def test_join_wrapped(raw: str, joined: str) -> None:
    assert join_wrapped(raw) == joined


def test_kangxi_radicals_fold_under_nfkc_and_are_repaired() -> None:
    kangxi = [chr(code) for code in range(0x2F00, 0x2FD6)]
    assert all(len(unicodedata.normalize("NFKC", ch)) == 1 for ch in kangxi)
    assert all(0x4E00 <= ord(unicodedata.normalize("NFKC", ch)) <= 0x9FFF for ch in kangxi)
    assert repair_glyphs("⼀⼈⼯⽂") == "一人工文"


def test_radicals_supplement_is_not_covered_by_nfkc() -> None:
    assert unicodedata.normalize("NFKC", "⺠") == "⺠"  # why the reader maps the block itself
    assert repair_glyphs("⼈⺠⻓⻔⻚⻛⻋⻢⻥⻄⻘⻝") == "人民长门页风车马鱼西青食"
    assigned = [chr(code) for code in range(0x2E81, 0x2EF4) if unicodedata.category(chr(code)) != "Cn"]
    repaired = [repair_glyphs(ch) for ch in assigned]
    assert len(assigned) == 114
    # unified ideographs: the URO/Extension A, or the supplementary ideographic plane (U+2B739 is newer
    # than the Unicode version of some Pythons, so check the code point, not the name)
    assert all(0x3400 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x3FFFF for ch in repaired)
