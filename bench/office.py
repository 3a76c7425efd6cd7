#!/usr/bin/env python3
"""Reader benchmark for workbooks and Word files: documents read per second.

usage: python bench/office.py [N] [--rows R]

Writes N disclosure-sized workbooks (.xlsx: 9 sheets, each a merged title, a unit line,
a two-row header and R rows of classification codes, names and five amounts with the
"#,##0.00" format) and N Word files (the same nine tables, each after a paragraph), then
reads each set with `read_workbook` and `read_docx` and prints documents and cells per
second. For comparison it also times python-calamine and openpyxl loading the same
workbooks (floats, no number formats applied), which the reader does not use for .xlsx.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx
import openpyxl

from generator.readers.word import read_docx
from generator.readers.workbook import read_workbook

SHEETS = 9
HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "人员经费", "公用经费"]


def _rows(rng: random.Random, count: int) -> list[list]:
    return [[str(201 + i // 20 * 10000 + i), f"科目{i}",
             *(rng.randrange(0, 10**8) / 100 for _ in range(5))] for i in range(count)]


def write_workbook(path: Path, rng: random.Random, rows: int) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for s in range(SHEETS):
        sheet = book.create_sheet(f"表{s + 1}")
        sheet.append([f"2024年部门预算表{s + 1}"])
        sheet.merge_cells("A1:G1")
        sheet.append(["", "", "", "", "", "", "单位：万元"])
        sheet.append(HEADER)
        sheet.append(["", "", "", "基本支出", "", "", ""])
        for values in _rows(rng, rows):
            sheet.append(values)
            for cell in sheet[sheet.max_row][2:]:
                cell.number_format = "#,##0.00"
    book.save(path)


def write_word(path: Path, rng: random.Random, rows: int) -> None:
    document = docx.Document()
    for s in range(SHEETS):
        document.add_paragraph(f"2024年部门预算表{s + 1}（单位：万元）")
        data = _rows(rng, rows)
        table = document.add_table(rows=len(data) + 1, cols=len(HEADER))
        for col, name in enumerate(HEADER):
            table.cell(0, col).text = name
        for r, values in enumerate(data, start=1):
            cells = table.rows[r].cells
            for col, value in enumerate(values):
                cells[col].text = f"{value:,.2f}" if isinstance(value, float) else value
    document.save(path)


def timed(label: str, paths: list[Path], read) -> None:
    start = time.perf_counter()
    cells = sum(read(path) for path in paths)
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {len(paths) / seconds:8.1f} docs/s  {cells / seconds:10.0f} cells/s"
          f"  ({seconds:.2f} s)")


def _grid_cells(reader):
    def read(path: Path) -> int:
        grid = reader(path, path.name)
        assert not [i for i in grid.issues if i.severity == "error"], grid.issues
        return sum(len(r.cells) for r in grid.rows)
    return read


def _calamine_cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(sum(v != "" for row in book.get_sheet_by_name(n).to_python() for v in row)
               for n in book.sheet_names)


def _openpyxl_cells(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return sum(v is not None for ws in book.worksheets for row in ws.iter_rows(values_only=True)
               for v in row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=40)
    parser.add_argument("--rows", type=int, default=60, help="data rows per table")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        books = [root / f"b{i}.xlsx" for i in range(args.n)]
        words = [root / f"w{i}.docx" for i in range(args.n)]
        for book, word in zip(books, words):
            write_workbook(book, rng, args.rows)
            write_word(word, rng, args.rows)
        print(f"{args.n} documents of {SHEETS} tables × {args.rows} rows:")
        timed("read_workbook (.xlsx)", books, _grid_cells(read_workbook))
        timed("read_docx (.docx)", words, _grid_cells(read_docx))
        timed("python-calamine (floats; reference)", books, _calamine_cells)
        timed("openpyxl read-only (reference)", books, _openpyxl_cells)


if __name__ == "__main__":
    main()
