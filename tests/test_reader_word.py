"""The Word reader: tables and paragraphs in document order, merged cells once."""

from __future__ import annotations

from pathlib import Path

import docx

from generator.readers import reader_for
from generator.readers.word import read_docx


def _word_file(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("第三部分 部门预算情况说明")
    document.add_paragraph("")  # an empty paragraph leaves no line
    table = document.add_table(rows=4, cols=4)
    title = table.cell(0, 0).merge(table.cell(0, 3))
    title.text = "2024年部门收支预算总表"
    side = table.cell(1, 0).merge(table.cell(3, 0))
    side.text = "收入"
    for r, (name, amount) in enumerate([("一般公共预算", "1,234.50"), ("合计", "20849.45")], start=2):
        table.cell(r, 1).text = name
        table.cell(r, 3).text = amount
    notes = table.cell(1, 1)
    notes.text = "项目"
    notes.add_paragraph("（万元）")  # a second paragraph in the same cell
    inner = table.cell(1, 3).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "预算"
    inner.cell(0, 1).text = "数"
    document.add_paragraph("本部门无政府性基金预算。")
    document.add_table(rows=1, cols=2).cell(0, 1).text = "第二张表"
    document.save(path)
    return path


def _cells(grid) -> dict[str, tuple[str, int | None]]:
    return {c.origin.label(): (c.text, c.col) for r in grid.rows for c in r.cells if r.ruled}


def test_tables_and_paragraphs_come_in_document_order(tmp_path):
    grid = read_docx(_word_file(tmp_path / "a.docx"), "content/a.docx")
    assert grid.issues == [] and grid.format == "docx"
    kinds = [("table" if r.ruled else "prose", r.text()) for r in grid.rows]
    assert kinds[0] == ("prose", "第三部分 部门预算情况说明")
    assert kinds[1] == ("table", "2024年部门收支预算总表")
    assert kinds[-2] == ("prose", "本部门无政府性基金预算。")
    assert kinds[-1] == ("table", "第二张表")
    prose = [r for r in grid.rows if not r.ruled]
    assert all(len(r.cells) == 1 and r.cells[0].col is None for r in prose)


def test_merged_cells_count_once_at_their_grid_column(tmp_path):
    grid = read_docx(_word_file(tmp_path / "a.docx"), "content/a.docx")
    cells = _cells(grid)
    assert cells["表1 行1 列1"] == ("2024年部门收支预算总表", 0)
    assert [label for label, (text, _) in cells.items() if text == "收入"] == ["表1 行2 列1"]
    assert cells["表1 行2 列2"] == ("项目 （万元）", 1)
    assert cells["表1 行2 列4"] == ("预算 数", 3)  # a nested table reads as its cell's text
    assert cells["表1 行3 列2"] == ("一般公共预算", 1)
    assert cells["表1 行3 列4"] == ("1,234.50", 3)
    assert cells["表1 行4 列4"] == ("20849.45", 3)
    assert cells["表2 行1 列2"] == ("第二张表", 1)
    assert not any(label.startswith(("表1 行3 列1", "表1 行4 列1")) for label in cells)


def test_lines_hold_the_cells_at_their_columns(tmp_path):
    grid = read_docx(_word_file(tmp_path / "a.docx"), "content/a.docx")
    for row in grid.rows:
        fields = grid.lines[row.line - 1].split("\t")
        for cell in row.cells:
            assert cell.origin.line == row.line
            assert fields[cell.col or 0] == cell.text
    assert "" not in [line.strip() for line in grid.lines]


def test_a_word_file_without_tables_reads_as_prose(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、部门主要职能")
    document.add_paragraph("2019年收入预算27664.22万元。")
    document.save(tmp_path / "p.docx")
    grid = read_docx(tmp_path / "p.docx", "content/p.docx")
    assert [(i.slug, i.severity) for i in grid.issues] == [("docx-no-tables", "info")]
    assert grid.lines == ["一、部门主要职能", "2019年收入预算27664.22万元。"]
    assert not any(r.ruled for r in grid.rows)


def test_a_corrupt_word_file_is_an_issue(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 truncated")
    grid = read_docx(path, "content/bad.docx")
    assert [(i.slug, i.severity) for i in grid.issues] == [("docx-unreadable", "error")]
    assert grid.rows == [] and reader_for(path) is read_docx
