"""The workbook reader: sheets as cell grids, figures as the cells show them."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.readers import reader_for
from generator.readers.numfmt import display_number
from generator.readers.workbook import read_workbook

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "shanghai_dept_budget_template_2026.xlsx"


def _cells(grid) -> dict[str, tuple[str, int | None, int]]:
    """{"Sheet!C7": (text, col, line)} for every cell the reader returned."""
    return {c.origin.label(): (c.text, c.col, c.origin.line) for r in grid.rows for c in r.cells}


def _budget_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws["A1"] = "2024年部门收支预算总表"
    ws.merge_cells("A1:D1")
    ws["D2"] = "单位：万元"
    ws.append(["项目", "预算数", "占比", "人数"])
    for name, amount, share, people in [("一般公共服务支出", 1234.5, 0.125, 12),
                                        ("教育支出", 20849.45, 0.3, 3000),
                                        ("负数调整", -1234.5, -0.0005, 0)]:
        ws.append([name, amount, share, people])
    for row in ws.iter_rows(min_row=4, max_row=6):
        row[1].number_format = "#,##0.00"
        row[2].number_format = "0.0%"
        row[3].number_format = "#,##0"
    ws["A8"] = "合计"
    ws["B8"] = "=SUM(B4:B6)"
    ws["B8"].number_format = "#,##0.00"
    ws.merge_cells("A9:A10")
    ws["A9"] = "跨行"
    other = wb.create_sheet("说明")
    other["B2"] = "本部门无政府性基金预算"
    wb.save(path)
    return path


def _store_cached_value(path: Path, cell: str, value: str) -> None:
    """Write a formula's cached value into the saved file, as Excel or LibreOffice would
    (openpyxl saves formulas without one)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                           rf"\1\2<v>{value}</v>", sheet)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_numbers_read_as_the_cells_show_them(tmp_path):
    grid = read_workbook(_budget_book(tmp_path / "b.xlsx"), "content/b.xlsx")
    cells = _cells(grid)
    assert cells["收支总表!B4"][0] == "1,234.50"
    assert cells["收支总表!B5"][0] == "20,849.45"
    assert cells["收支总表!B6"][0] == "-1,234.50"
    assert cells["收支总表!C4"][0] == "12.5%"
    assert cells["收支总表!C6"][0] == "-0.1%"  # -0.05% rounds half away from zero
    assert cells["收支总表!D5"][0] == "3,000"
    assert Decimal(cells["收支总表!B5"][0].replace(",", "")) == Decimal("20849.45")
    assert (grid.format, grid.pages) == ("xlsx", 2)


def test_rows_cols_sheets_and_text_lines_agree(tmp_path):
    grid = read_workbook(_budget_book(tmp_path / "b.xlsx"), "content/b.xlsx")
    lines = grid.lines
    assert lines[0] == "=== 工作表: 收支总表 ==="
    assert "=== 工作表: 说明 ===" in lines
    for row in grid.rows:
        assert row.ruled and row.page in (1, 2)
        fields = lines[row.line - 1].split("\t")
        for cell in row.cells:
            assert cell.origin.line == row.line
            assert fields[cell.col] == cell.text
            column = re.match(r"[A-Z]+", cell.origin.cell).group()
            assert cell.col == ord(column) - ord("A")
    assert [r.page for r in grid.rows if "本部门无政府性基金预算" in r.text()] == [2]


def test_a_merged_range_counts_once(tmp_path):
    grid = read_workbook(_budget_book(tmp_path / "b.xlsx"), "content/b.xlsx")
    titles = [c for r in grid.rows for c in r.cells if "收支预算总表" in c.text]
    assert [c.origin.cell for c in titles] == ["A1"]
    assert [c.origin.cell for r in grid.rows for c in r.cells if c.text == "跨行"] == ["A9"]
    assert not any(c.origin.cell == "A10" for r in grid.rows for c in r.cells)


def test_a_formula_without_cached_value_is_missing_not_zero(tmp_path):
    grid = read_workbook(_budget_book(tmp_path / "b.xlsx"), "content/b.xlsx")
    assert "收支总表!B8" not in _cells(grid)
    assert [(i.slug, i.severity) for i in grid.issues] == [("cell-formula-uncached", "warning")]
    assert "工作表「收支总表」B8 单元格" in grid.issues[0].message
    assert grid.lines[grid.issues[0].line - 1].split("\t")[0] == "合计"  # A8, its row


def test_a_formula_with_cached_value_reads_it_through_its_format(tmp_path):
    path = _budget_book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b"<f>SUM(B4:B6)</f>" in archive.read("xl/worksheets/sheet1.xml")
    _store_cached_value(path, "B8", "20849.450000000001")
    grid = read_workbook(path, "content/b.xlsx")
    assert grid.issues == []
    assert _cells(grid)["收支总表!B8"][0] == "20,849.45"


def test_a_corrupt_workbook_is_an_issue_not_an_exception(tmp_path):
    for name, data in [("broken.xlsx", b"PK\x03\x04 not really a zip"), ("broken.xls", b"\xd0\xcf junk")]:
        path = tmp_path / name
        path.write_bytes(data)
        grid = read_workbook(path, f"content/{name}")
        assert [(i.slug, i.severity, i.path) for i in grid.issues] == \
            [("workbook-unreadable", "error", f"content/{name}")]
        assert grid.rows == []


def test_registry_reads_every_workbook_suffix():
    for suffix in (".xlsx", ".xlsm", ".xls", ".XLSX"):
        assert reader_for(Path(f"a{suffix}")) is read_workbook


def test_the_blank_template_reads_like_openpyxl_sees_it():
    """Independent oracle: every text or whole-number cell openpyxl sees (merged ranges counted once) is a
    cell of the grid with the same text, and no other."""
    grid = read_workbook(TEMPLATE, "content/t.xlsx")
    assert grid.issues == []
    book = openpyxl.load_workbook(TEMPLATE)
    expected = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, int) or isinstance(cell.value, str) and cell.value.strip():
                    expected[f"{ws.title}!{cell.coordinate}"] = str(cell.value).strip()
    got = {label: text for label, (text, _col, _line) in _cells(grid).items()}
    assert got == expected
    assert grid.pages == len(book.worksheets)
    # the template's table titles are merged across the table: each counted once
    titles = [label for label, text in got.items() if text == "2026年部门收入预算总表"]
    assert len(titles) == 1


def test_xls_reads_the_stored_number(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("表一")
    sheet.write_merge(0, 0, 0, 2, "收支总表")
    sheet.write(2, 0, "合计")
    sheet.write(2, 1, 20849.45)
    sheet.write(3, 1, 0.1 + 0.2)  # a sum's binary residue, shown by Excel as 0.3
    book.save(str(tmp_path / "a.xls"))
    grid = read_workbook(tmp_path / "a.xls", "content/a.xls")
    assert _cells(grid) == {"表一!A1": ("收支总表", 0, 2), "表一!A3": ("合计", 0, 3),
                            "表一!B3": ("20849.45", 1, 3), "表一!B4": ("0.3", 1, 4)}
    assert grid.format == "xls"


@pytest.mark.parametrize("stored, code, shown", [
    ("1234.5", "#,##0.00", "1,234.50"),
    ("1234.5", None, "1234.5"),
    ("2.5", "0", "3"),
    ("-2.5", "0", "-3"),
    ("-5", '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "(5.00)"),
    ("0", '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "-"),
    ("1234567", "#,##0,", "1,235"),
    ("12", "0.0#", "12.0"),
    ("12.345", "0.0#", "12.35"),
    ("-0.001", "0.00", "0.00"),
    ("100", '0.00" 万元"', "100.00 万元"),
    ("1E+3", "General", "1000"),
    ("0.30000000000000004", "General", "0.3"),
    ("44000", "yyyy-mm-dd", "2020-06-18"),
    ("abc", "0.00", "abc"),
])
def test_number_formats(stored, code, shown):
    assert display_number(stored, code) == shown
