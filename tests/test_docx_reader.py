"""The Word reader: body order, merged cells, nested tables, text details, and refusal of bad archives.

Documents are built with python-docx in the test (and patched at the XML level for constructs python-docx
does not write: ``gridBefore``, legacy ``hMerge``, content controls, tracked deletions).
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.documents import docx as docx_reader
from pipelines.documents.docx import read_docx, read_docx_file
from pipelines.documents.model import UnreadableDocument
from pipelines.parse import FAILED, parse_file


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sample() -> bytes:
    document = Document()
    document.add_paragraph("某局2023年度政府信息公开工作年度报告")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "第二十条第（一）项"
    table.cell(1, 0).text = "规章"
    table.cell(1, 1).text = "0"
    return to_bytes(document)


SAMPLE = _sample()


def rows_of(document: DocumentObject) -> list[tuple[tuple[str, ...], str]]:
    return [(row.cells, row.locator) for row in read_docx("t.docx", to_bytes(document)).rows]


def test_paragraphs_and_tables_interleave_in_body_order() -> None:
    document = Document()
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "行政许可"
    table.cell(0, 1).text = "215"
    document.add_paragraph("")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    assert rows_of(document) == [
        (("二、主动公开政府信息情况",), "paragraph 1"),
        (("行政许可", "215"), "table 1 row 1"),
        (("三、收到和处理政府信息公开申请情况",), "paragraph 3"),
    ]


def test_horizontal_merge_gives_one_cell_not_a_copy_per_grid_column() -> None:
    document = Document()
    table = document.add_table(rows=2, cols=4)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "一、本年新收政府信息公开申请数量"
    table.cell(0, 3).text = "5"
    table.cell(1, 0).text = "规章"
    assert [cells for cells, _ in rows_of(document)] == [
        ("一、本年新收政府信息公开申请数量", "5"),
        ("规章", "", "", ""),
    ]


def test_vertical_merge_continuation_cells_are_empty() -> None:
    document = Document()
    table = document.add_table(rows=3, cols=3)
    group = table.cell(0, 0).merge(table.cell(2, 0))
    group.text = "（三）不予公开"
    for row, (label, value) in enumerate((("1.属于国家秘密", "0"), ("2.其他法律行政法规禁止公开", "3"), ("3.x", ""))):
        table.cell(row, 1).text = label
        table.cell(row, 2).text = value
    assert [cells for cells, _ in rows_of(document)] == [
        ("（三）不予公开", "1.属于国家秘密", "0"),
        ("", "2.其他法律行政法规禁止公开", "3"),
        ("", "3.x", ""),
    ]


def test_grid_before_gives_leading_empty_cells() -> None:
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "7"
    table.cell(0, 1).text = "8"
    tr = table.rows[0]._tr
    tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="2"/></w:trPr>'))
    assert rows_of(document)[0][0] == ("", "", "7", "8")


def test_legacy_hmerge_continuation_cells_are_skipped() -> None:
    document = Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "行政许可"
    table.cell(0, 2).text = "9"
    tc = table.rows[0]._tr.tc_lst[1]
    tc.get_or_add_tcPr().append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="continue"/>'))
    assert rows_of(document)[0][0] == ("行政许可", "9")


def test_nested_table_rows_follow_the_row_that_holds_them() -> None:
    document = Document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "规章"
    inner.cell(0, 1).text = "1"
    inner.cell(1, 0).text = "行政规范性文件"
    inner.cell(1, 1).text = "2"
    outer.cell(1, 0).text = "下"
    assert rows_of(document) == [
        (("外", ""), "table 1 row 1"),
        (("规章", "1"), "table 1.1 row 1"),
        (("行政规范性文件", "2"), "table 1.1 row 2"),
        (("下", ""), "table 1 row 2"),
    ]


def test_cell_paragraphs_tabs_and_breaks_become_single_spaces() -> None:
    document = Document()
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell.text = "（二）部分公开（区分处理的，只计这一情"
    run = cell.add_paragraph().add_run("形，\t不计")
    run.add_break()
    run.add_text("其他情形）")
    assert rows_of(document)[0][0] == ("（二）部分公开（区分处理的，只计这一情 形， 不计 其他情形）",)


def test_paragraph_tabs_separate_cells_and_breaks_are_spaces() -> None:
    document = Document()
    document.add_paragraph().add_run("规章\t0\t1")
    title = document.add_paragraph().add_run("德归镇人民政府")
    title.add_break()
    title.add_text("2023年信息公开工作年度报告")
    assert [cells for cells, _ in rows_of(document)] == [
        ("规章", "0", "1"),
        ("德归镇人民政府 2023年信息公开工作年度报告",),
    ]


def test_literal_control_characters_in_text_never_reach_a_cell() -> None:
    document = Document()
    document.add_paragraph("规章\t0").add_run("\n1\r\n2")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("行政\u2028许可\r")
    cells = [cells for cells, _ in rows_of(document)]
    assert cells == [("规章", "0 1 2"), ("行政 许可",)]


def test_content_controls_and_tracked_deletions() -> None:
    document = Document()
    body = document.element.body
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件内段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(0, sdt)
    paragraph = document.add_paragraph("保留")
    paragraph._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>')
    )
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'))
    assert [cells for cells, _ in rows_of(document)] == [("控件内段落",), ("保留插入",)]


def test_title_hint_from_a_title_split_over_two_paragraphs() -> None:
    document = Document()
    document.add_paragraph("上海市科学技术委员会")
    document.add_paragraph("2024年政府信息公开工作年度报告")
    assert read_docx("t.docx", to_bytes(document)).title_hint == "上海市科学技术委员会2024年政府信息公开工作年度报告"


def test_title_hint_falls_back_to_the_core_title() -> None:
    document = Document()
    document.core_properties.title = "某局2023年度政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况")
    assert read_docx("t.docx", to_bytes(document)).title_hint == "某局2023年度政府信息公开工作年度报告"


def test_core_properties_are_kept_as_metadata() -> None:
    document = Document()
    document.core_properties.author = "县政府办"
    document.core_properties.comments = "合成样本 synthetic sample"
    document.add_paragraph("正文")
    metadata = read_docx("t.docx", to_bytes(document)).metadata
    assert metadata["docx.author"] == "县政府办"
    assert metadata["docx.comments"] == "合成样本 synthetic sample"
    assert "docx.created" in metadata  # python-docx's default template sets dates
    assert all(key.startswith("docx.") for key in metadata)


def test_corrupt_zip_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument, match="corrupt ZIP"):
        read_docx("t.docx", b"PK\x03\x04 this is not a zip archive at all")


def test_zip_without_document_xml_is_unreadable() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableDocument, match=r"word/document\.xml"):
        read_docx("t.docx", buffer.getvalue())


def test_damaged_package_is_unreadable_not_a_crash() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    with pytest.raises(UnreadableDocument, match="not a readable Word"):
        read_docx("t.docx", buffer.getvalue())


def test_zip_bomb_is_refused_before_inflating() -> None:
    """A 60 MB document.xml of one repeated byte compresses to ~60 KB; the declared size gives it away."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<" * (1024 * 1024)
            for _ in range(60):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_docx("t.docx", data)


def test_total_size_limit_covers_every_part(monkeypatch: pytest.MonkeyPatch) -> None:
    document = Document()
    document.add_paragraph("正文")
    monkeypatch.setattr(docx_reader, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_docx("t.docx", to_bytes(document))


@settings(max_examples=60 * int(os.environ.get("XXGK_FUZZ_SCALE", "1")), deadline=None, database=None)
@given(st.data())
def test_damaged_archives_are_unreadable_never_a_crash(data: st.DataObject) -> None:
    """Flip, cut or splice bytes of a real .docx: the reader returns rows or raises UnreadableDocument."""
    original = bytearray(SAMPLE)
    damage = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if damage == "flip":
        for position in data.draw(st.lists(st.integers(0, len(original) - 1), min_size=1, max_size=8)):
            original[position] ^= 0xFF
    elif damage == "truncate":
        del original[data.draw(st.integers(0, len(original) - 1)) :]
    else:
        position = data.draw(st.integers(0, len(original)))
        original[position:position] = data.draw(st.binary(max_size=64))
    with contextlib.suppress(UnreadableDocument):
        read_docx("t.docx", bytes(original))


def test_registered_reader_and_parse_file_on_a_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnreadableDocument):
        read_docx_file(path, path.read_bytes())
    report = parse_file(path)
    assert report.status == FAILED
    assert report.errors and "broken.docx" in report.errors[0]
