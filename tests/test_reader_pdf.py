"""The PDF reader (generator/readers/pdf.py) on real disclosures and on tiny handmade PDFs.

Fixtures in tests/fixtures/pdf/ are byte-exact copies of real files (see
../shared/real/SOURCES.md): two Shanghai district budgets in 元 (ruled tables, 2023 with a
label wrapped around its amounts), a Shanghai 决算 in 万元 (names wrapped inside cells, two
column groups side by side) and a Jiangsu tables file (A3 pages turned by /Rotate 90).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.grid import Grid, GridRow
from generator.readers import reader_for
from generator.readers.pdf import read_pdf
from tests.pdf_samples import encrypted_pdf, image_only_pdf, text_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
WANLI_2024 = FIXTURES / "shanghai_putuo_wanli_dept_budget_2024.pdf"
WANLI_2023 = FIXTURES / "shanghai_putuo_wanli_dept_budget_2023.pdf"
SOCIALWORK = FIXTURES / "shanghai_putuo_socialwork_dept_final_accounts_2024.pdf"
JIANGSU = FIXTURES / "jiangsu_cpcoffice_dept_budget_tables_2019.pdf"
AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?$")

_grids: dict[Path, Grid] = {}


def grid_of(path: Path) -> Grid:
    if path not in _grids:
        _grids[path] = read_pdf(path, path.name)
    return _grids[path]


def row_with(grid: Grid, text: str, page: int | None = None) -> GridRow:
    rows = [r for r in grid.rows if any(c.text == text for c in r.cells)
            and (page is None or r.page == page)]
    assert rows, f"no row with a cell {text!r}"
    return rows[0]


def cell(row: GridRow, text: str):
    return next(c for c in row.cells if c.text == text)


def test_the_registry_hands_pdf_files_to_read_pdf():
    assert reader_for(Path("a.PDF")) is read_pdf


def test_summary_amount_is_found_on_its_page_with_its_box_beside_its_label():
    grid = grid_of(WANLI_2024)
    assert grid.format == "pdf" and grid.pages == 33 and not grid.issues
    row = row_with(grid, "一、财政拨款收入")
    assert row.page == 10 and row.ruled
    amount = cell(row, "156,211,123")
    assert amount.origin.page == 10 and amount.origin.line == row.line
    x0, top, x1, bottom = amount.origin.box
    label = cell(row, "一、财政拨款收入").origin.box
    assert 0 < x0 < x1 < 842 and 0 < top < bottom < 595  # A4 landscape, from the top-left
    assert label[2] < x0 and abs(label[1] - top) < 3  # to the right of its label, same height
    assert "156,211,123" in grid.lines[row.line - 1]


def test_cells_of_a_ruled_table_share_a_column_index_down_the_table():
    grid = grid_of(WANLI_2024)
    rows = [r for r in grid.rows if r.page == 22 and r.ruled]
    header = row_with(grid, "功能分类科目名称", page=22)
    total_col = cell(header, "合计").col
    amount_cols = {c.col for r in rows[3:] for c in r.cells  # figures, not codes (201 05 07)
                   if AMOUNT.match(c.text) and ("," in c.text or c.text == "0")}
    assert total_col is not None and total_col in amount_cols
    assert amount_cols == {total_col, total_col + 1, total_col + 2}  # 合计 基本支出 项目支出
    # 项目支出 prints 0 in the 基本支出 column for project-only rows: one col per column
    row = row_with(grid, "专项普查活动", page=22)
    assert [c.col for c in row.cells][-3:] == [total_col, total_col + 1, total_col + 2]
    assert [c.text for c in row.cells][:3] == ["201", "05", "07"]


def test_an_empty_cell_leaves_a_gap_in_the_column_indices():
    grid = grid_of(WANLI_2023)
    # 2023 prints empty cells for zeros: the 经济分类 rows carry one of 人员经费/公用经费
    header = row_with(grid, "人员经费", page=26)
    people, public = cell(header, "人员经费").col, cell(header, "公用经费").col
    cols = {c.col for r in grid.rows if r.page == 26 and r.ruled for c in r.cells[-1:]
            if AMOUNT.match(c.text)}
    assert {people, public} <= cols | {cell(header, "合计").col}


def test_a_label_wrapped_around_its_amounts_is_one_cell_of_one_row():
    grid = grid_of(WANLI_2023)
    row = row_with(grid, "四、文化旅游体育与传媒支出", page=19)
    assert row.ruled and [c.text for c in row.cells if AMOUNT.match(c.text)] == ["200,000", "200,000"]
    label = cell(row, "四、文化旅游体育与传媒支出").origin.box
    amount = cell(row, "200,000").origin.box
    assert label[1] < amount[1] and amount[3] < label[3]  # the label spans the amount's line


def test_names_wrapped_inside_cells_of_a_final_accounts_table_are_joined():
    grid = grid_of(SOCIALWORK)
    row = row_with(grid, "机关事业单位基本养老保险缴费支出", page=12)
    assert [c.text for c in row.cells] == ["2080505", "机关事业单位基本养老保险缴费支出", "6.18", "6.18"]
    assert grid.lines[row.line - 1].split() == [c.text for c in row.cells]


def test_two_column_groups_side_by_side_get_distinct_columns():
    grid = grid_of(SOCIALWORK)
    row = row_with(grid, "30101", page=13)
    assert [c.text for c in row.cells] == ["30101", "基本工资", "14.12", "30201", "办公费", "3.78"]
    assert [c.col for c in row.cells] == sorted({c.col for c in row.cells})


def test_rotated_pages_read_upright():
    grid = grid_of(JIANGSU)
    title = grid.rows[0]
    assert title.page == 1 and title.text() == "收支预算总表" and not title.ruled
    row = row_with(grid, "收入合计", page=1)
    assert [c.text for c in row.cells if AMOUNT.match(c.text)] == ["27,664.22", "27,664.22"]
    x0, top, x1, bottom = cell(row, "收入合计").origin.box
    assert 0 < x0 < x1 < 1191 and 0 < top < bottom < 842  # A3 shown landscape


def test_text_outside_the_rulings_is_cut_at_wide_gaps_with_extents_in_points():
    grid = grid_of(WANLI_2024)
    row = row_with(grid, "单位：元", page=10)
    assert not row.ruled and all(c.col is None for c in row.cells)
    name, unit = row.cells
    assert name.text.startswith("编制部门：") and name.x1 < unit.x0 and unit.x1 < 842


def test_rendition_has_one_line_per_row_and_a_form_feed_per_page():
    grid = grid_of(WANLI_2024)
    assert grid.text.count("\f") == grid.pages - 1
    assert len(grid.lines) == grid.rows[-1].line + 1  # the text ends with a newline
    for row in grid.rows:
        line = grid.lines[row.line - 1]
        assert all(c.origin.line == row.line and c.text in line for c in row.cells)
        page_of_line = "\n".join(grid.lines[:row.line]).count("\f") + 1
        assert page_of_line == row.page
    # columns stand where they are printed: the two 预算数 amounts of the total line
    total = grid.lines[row_with(grid, "收入总计").line - 1]
    assert re.search(r"收入总计 {2,}156,211,123 {2,}支出总计 {2,}156,211,123$", total)


def test_kangxi_radicals_read_as_han_and_bold_doubles_read_once():
    radicals = {1: "\u2f00", 2: "\u2f2f"}  # ⼀ ⼯, as some fonts map 一 and 工
    # a bold face faked by drawing each letter twice, 0.8-1 pt apart (PDFium itself drops a
    # whole text object drawn again; not a letter drawn again within one)
    bold = b"BT /F1 14 Tf 100 760 Td (\001\002 ) Tj [(T) 540 (To) 500 (o) 0 (tal)] TJ ET"
    content = bold + b" BT /F1 10 Tf 100 700 Td (Income) Tj 300 0 Td (1,234) Tj ET"
    grid = _read(text_pdf(content, radicals))
    assert [[c.text for c in r.cells] for r in grid.rows] == [["一工 Total"], ["Income", "1,234"]]
    assert [i.slug for i in grid.issues] == ["source-characters"]


def test_an_encrypted_pdf_is_an_issue():
    grid = _read(encrypted_pdf())
    assert [(i.slug, i.severity, i.path) for i in grid.issues] == [("pdf-encrypted", "error", "x.pdf")]
    assert grid.rows == []


@pytest.mark.parametrize("data", [
    WANLI_2024.read_bytes()[:WANLI_2024.stat().st_size // 2],  # truncated
    bytes(range(256)) * 40,  # random bytes named .pdf
    b"",
], ids=["truncated", "random", "empty"])
def test_a_corrupt_pdf_is_an_issue(data: bytes):
    grid = _read(data)
    assert [(i.slug, i.severity) for i in grid.issues] == [("pdf-unreadable", "error")]
    assert grid.rows == []


def test_a_scanned_pdf_is_an_error_and_a_scanned_page_a_warning_naming_it():
    grid = _read(image_only_pdf(2))
    assert [(i.slug, i.severity) for i in grid.issues] == [("pdf-no-text", "error")]
    assert grid.rows == [] and grid.pages == 2
    mixed = _read(_with_scanned_page())
    issues = [(i.slug, i.severity, i.message) for i in mixed.issues]
    assert issues == [("pdf-no-text", "warning", "第 2 页没有文字层（扫描件？），未做 OCR")]
    assert mixed.rows and all(r.page != 2 for r in mixed.rows)


def test_a_pdf_without_any_text_is_an_issue():
    grid = _read(text_pdf(b"0 0 m 100 100 l S"))
    assert [(i.slug, i.severity) for i in grid.issues] == [("pdf-no-text", "error")]


def test_debug_view_prints_the_grid_of_one_page():
    out = subprocess.run([sys.executable, "-m", "generator.readers.pdf", str(WANLI_2024), "--page", "10"],
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines and all(" p10 " in line for line in lines)
    assert any("[0]一、财政拨款收入 | [1]156,211,123" in line for line in lines)


def _read(data: bytes) -> Grid:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.pdf"
        path.write_bytes(data)
        return read_pdf(path, "x.pdf")


def _with_scanned_page() -> bytes:
    """Page 1 text, page 2 an image only: the scan of one page inside a text PDF."""
    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(text_pdf(b"BT /F1 12 Tf 72 700 Td (Page one) Tj ET"))
    text.import_pages(pdfium.PdfDocument(image_only_pdf(1)))
    from io import BytesIO

    out = BytesIO()
    text.save(out)
    return out.getvalue()


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list:
    return [(ch, x + i * size, top, x + (i + 1) * size, top + size) for i, ch in enumerate(text)]


def test_a_frame_around_text_is_no_table_and_a_grid_is():
    from generator.readers.pdf_layout import find_tables, group_lines, split_cells

    chars = _chars("收入", 20, 20) + _chars("100", 200, 20)
    frame = find_tables([(10, 10, 300, 10.5), (10, 40, 300, 40.5)],
                        [(10, 10, 10.5, 40), (300, 10, 300.5, 40)])
    line = split_cells(group_lines(chars)[0], frame)
    assert [(c.text, c.col) for c in line.cells] == [("收入", None), ("100", None)] and not line.ruled
    grid = find_tables([(10, 10, 300, 10.5), (10, 40, 300, 40.5)],
                       [(10, 10, 10.5, 40), (150, 10, 150.5, 40), (300, 10, 300.5, 40)])
    line = split_cells(group_lines(chars)[0], grid)
    assert [(c.text, c.col) for c in line.cells] == [("收入", 0), ("100", 1)] and line.ruled


def test_a_page_whose_font_has_no_unicode_map_is_flagged():
    private_use = {code: chr(0xE000 + code) for code in range(0x41, 0x5B)}  # A-Z → U+E041…
    grid = _read(text_pdf(b"BT /F1 12 Tf 72 700 Td (TOTAL 1234) Tj ET", private_use))
    assert [(i.slug, i.severity, i.line) for i in grid.issues] == [("pdf-garbled-text", "warning", 1)]
    assert grid.issues[0].message.startswith("第 1 页")
