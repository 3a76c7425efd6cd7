"""Workbooks (.xlsx, .xlsm, .xls): each sheet a block of rows of cells.

Every sheet becomes the rows that have something in them (`GridRow.page` = the sheet's
1-based index, `Cell.col` = the 0-based column, `ruled` = True since the sheet itself
says which column a cell is in); each cell's `Origin` names the sheet and the cell
("Sheet1!C7"). A merged range counts once: its value in its first cell, the others
empty. Numbers are the text the cell shows, in exact decimals (see `numfmt`). Hidden
sheets are read too (a template may keep a table there); charts, images and comments not.

`Grid.text` has a line `=== 工作表: NAME ===` before each sheet, then one line per row with
the cells separated by tabs (an empty column is an empty field), so a message's line and
the source view agree with the cells.

.xlsx/.xlsm are read from their XML (`xlsx_xml`): the stored value string and the number
format. .xls (BIFF, Excel 97-2003) is read with python-calamine, which gives a float per
number and no format: the figure is the float's shortest round-trip string ("1234.5"),
the number Excel stored, to 15 significant digits as a "General" cell shows it, without
the format's rounding or separators; nor can it tell a formula without a cached value
(it reads as empty).
"""

from __future__ import annotations

import zipfile
from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import ParseError

from lxml.etree import XMLSyntaxError

from ..grid import Cell, Grid, GridRow, tab_line
from ..model import Issue, Origin
from .numfmt import plain_number
from .xlsx_xml import SheetCells, column_letters, read_xlsx

SHEET_MARKER = "=== 工作表: {} ==="


def read_workbook(path: Path, display_path: str) -> Grid:
    """The workbook at `path` as a Grid (`display_path` names it in messages)."""
    kind = path.suffix.lower().lstrip(".")
    try:
        sheets = _read_xls(path) if kind == "xls" else read_xlsx(path)
    except (OSError, zipfile.BadZipFile, KeyError, ParseError, XMLSyntaxError, ValueError,
            IndexError) as error:
        return _unreadable(display_path, kind, error)
    except Exception as error:  # python-calamine's own errors (CalamineError, ZipError, …)
        if type(error).__module__.startswith("python_calamine"):
            return _unreadable(display_path, kind, error)
        raise
    return sheets_to_grid(sheets, display_path, kind)


def _unreadable(display_path: str, kind: str, error: Exception) -> Grid:
    issue = Issue("workbook-unreadable", f"无法读取工作簿：{error}", display_path,
                  None, "error")
    return Grid(display_path, kind, "", issues=[issue])


def sheets_to_grid(sheets: list[SheetCells], display_path: str, kind: str) -> Grid:
    """The sheets' cells as one Grid (see the module docstring for the text)."""
    lines: list[str] = []
    rows: list[GridRow] = []
    issues: list[Issue] = []
    for index, sheet in enumerate(sheets, start=1):
        lines.append(SHEET_MARKER.format(sheet.name))
        # sheet rows (in order, 0 for the marker) and their lines in the text
        row_numbers, row_lines = [0], [len(lines)]
        for row_number, cells in sheet.rows:
            lines.append(tab_line(cells))
            line = len(lines)
            row_numbers.append(row_number)
            row_lines.append(line)
            rows.append(GridRow(
                [Cell(text, Origin(line, sheet=sheet.name, cell=f"{column_letters(col)}{row_number}"),
                      col=col) for col, text in cells],
                line, page=index, ruled=True))
        for ref in sheet.uncached:
            # the formula's row, or the nearest row above it that has text
            row_number = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            line = row_lines[bisect_right(row_numbers, row_number) - 1]
            issues.append(Issue(
                "cell-formula-uncached",
                f"工作表「{sheet.name}」{ref} 单元格：公式保存时没有存下计算结果，缺少这个数字"
                "（用 Excel 或 LibreOffice 打开并保存一次即可存下）",
                display_path, line, "warning"))
    return Grid(display_path, kind, "\n".join(lines), rows, pages=len(sheets), issues=issues)


def _read_xls(path: Path) -> list[SheetCells]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        merged_away = _merged_away(sheet.merged_cell_ranges or [])
        result = SheetCells(name)
        for r, values in enumerate(sheet.to_python(skip_empty_area=False)):
            cells = [(c, text) for c, value in enumerate(values)
                     if (r, c) not in merged_away and (text := _xls_text(value))]
            if cells:
                result.rows.append((r + 1, cells))
        sheets.append(result)
    return sheets


def _merged_away(ranges) -> set[tuple[int, int]]:
    """0-based (row, column) of every merged cell but each range's first."""
    away = set()
    for (r0, c0), (r1, c1) in ranges:
        away |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    return away


def _xls_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # repr is the shortest string that reads back as this float: the number as stored
        return plain_number(Decimal(repr(value)))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time() else \
            value.strftime("%Y-%m-%d")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()
