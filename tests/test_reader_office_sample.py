"""A whole Xinjiang table, saved as a workbook and as a Word file, comes back as a grid
whose cells hold the answer key's amounts exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from generator.readers.word import read_docx
from generator.readers.workbook import read_workbook

KEY = json.loads((Path(__file__).parent / "golden" / "000_ab55e0fe6b52661f.json")
                 .read_text(encoding="utf-8"))
TITLE = "一般公共预算支出情况表"
HEADER = ["科目编码", "单位名称", "合计", "基本支出", "项目支出"]
FIELDS = ["total", "basic", "project"]


def _printed_rows() -> list[list]:
    """表 rows as printed: code (or empty on a unit's total row), name, three amounts."""
    return [[row["code"] or "", row["unit"] if row["code"] is None else "",
             *(Decimal(row[f]) if row[f] is not None else None for f in FIELDS)]
            for row in KEY["general_public"]["rows"]]


def _save_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表五"
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(["", "", "", "", f"单位：{KEY['unit']}"])
    sheet.append(HEADER)
    for printed in _printed_rows():
        # a spreadsheet stores a binary number: what a user typing 1345.48 gets
        sheet.append([v if not isinstance(v, Decimal) else float(v) for v in printed])
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = "#,##0.00"
    book.save(path)
    return path


def _save_word(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(TITLE)
    rows = _printed_rows()
    table = document.add_table(rows=len(rows) + 1, cols=len(HEADER))
    for col, name in enumerate(HEADER):
        table.cell(0, col).text = name
    for r, printed in enumerate(rows, start=1):
        for col, value in enumerate(printed):
            table.cell(r, col).text = f"{value:,.2f}" if isinstance(value, Decimal) else value or ""
    document.save(path)
    return path


def _amounts_by_header(grid) -> list[dict[str, Decimal | None]]:
    """The grid's data rows (after the header row) as {header: amount}, read only by the
    cells' columns."""
    header_row = next(r for r in grid.rows if [c.text for c in r.cells] == HEADER)
    names = {c.col: c.text for c in header_row.cells}
    out = []
    for row in grid.rows[grid.rows.index(header_row) + 1:]:
        by_name = {names[c.col]: c.text for c in row.cells}
        out.append({HEADER[0]: by_name.get(HEADER[0]),
                    **{h: Decimal(by_name[h].replace(",", "")) if h in by_name else None
                       for h in HEADER[2:]}})
    return out


def _expected() -> list[dict[str, Decimal | None]]:
    return [{HEADER[0]: row["code"],
             **{h: Decimal(row[f]) if row[f] is not None else None
                for h, f in zip(HEADER[2:], FIELDS)}}
            for row in KEY["general_public"]["rows"]]


@pytest.mark.parametrize("save, read, suffix", [(_save_workbook, read_workbook, "xlsx"),
                                                (_save_word, read_docx, "docx")])
def test_a_whole_table_comes_through_exactly(tmp_path, save, read, suffix):
    grid = read(save(tmp_path / f"000.{suffix}"), f"content/000.{suffix}")
    assert grid.issues == []
    assert len(KEY["general_public"]["rows"]) > 10
    assert _amounts_by_header(grid) == _expected()
    assert any(r.text() == TITLE for r in grid.rows)


def test_the_workbook_shows_amounts_with_their_format(tmp_path):
    grid = read_workbook(_save_workbook(tmp_path / "000.xlsx"), "content/000.xlsx")
    shown = [c.text for r in grid.rows for c in r.cells if c.col == 2 and c.text != "合计"]
    expected = [f"{Decimal(row['total']):,.2f}" for row in KEY["general_public"]["rows"]]
    assert shown == expected
