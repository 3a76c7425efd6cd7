"""Fitting rows to the columns of a grid whose cells give their column and no extent (a sheet,
tab-separated text): whether each cell holds what the header says its column holds.

Converted text moves lines between tables and shifts a row's cells: a row of 表六
("302 | 01 | 办公费 | 4.35") under the header of 表五 puts "办公费" in the 项 cell and 4.35
under 合计. Nothing in the row says where it belongs but its cells, so a row whose code
cells hold text, whose name cell holds a bare number, or whose code stands in the name
cell beside empty code cells is not read (missing, never wrong), with an issue.
"""

from __future__ import annotations

import re

from ..grid import Cell, GridRow
from ..model import Issue, Table
from ..numbers import is_total_label, parse_amount, squash, unwrap
from ..readers.text import is_amount
from .amounts import has_amount, is_amount_cell
from .catalogue import Catalogue
from .header import Column as HeaderColumn
from .header import read_columns
from .segment import Segment, table_issue

_NAME_LABEL = re.compile(r"名称$|^项目$|^科目$|内容$")
# "231 债务还本支出", "201 03 01 行政运行": a code and a name in one cell.
_CODE_AND_NAME = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}\s*[^\d\s.．、]")


def name_columns(header: list[GridRow], code_cols: set[int]) -> set[int]:
    """The columns the header labels as names (科目名称, 项目, …), the code columns aside."""
    return {c.col for r in header for c in r.cells if c.col is not None and c.x0 is None
            and c.col not in code_cols and _NAME_LABEL.search(squash(c.text))}


def misfit(row: GridRow, code_cols: set[int], name_cols: set[int], amount_cols: set[int] = frozenset()
           ) -> str | None:
    """Why the row's cells do not fit the header's columns, or None: a label in an amount
    column ("行政运行" under 合计: a row of a table with a name column) is one."""
    # a 总计 over the first amount column (a label cell merged across it) labels a row whose
    # other cells are all amounts of the header's columns
    merged_total = all(c.col in amount_cols for c in row.cells)
    for cell in row.cells:
        text = squash(cell.text)
        if cell.col in amount_cols and parse_amount(text) is None and not (merged_total and is_total_label(text)):
            return f"金额列是“{cell.text[:30]}”"
        if cell.col in code_cols and not text.isdigit() and not is_total_label(text):
            return f"类/款/项列是“{cell.text[:30]}”"
        if cell.col in name_cols and is_bare_number(text):
            return f"名称列是数字“{text[:20]}”"
    if code_cols and not any(c.col in code_cols for c in row.cells):
        name = next((c.text for c in row.cells if c.col in name_cols), "")
        if _CODE_AND_NAME.match(name.strip()):
            return f"类/款/项列为空而名称列是编码和名称“{name[:30]}”"
    return None


def is_bare_number(text: str) -> bool:
    """"302", "01", "4.35": digits alone, where a label is printed."""
    flat = squash(text)
    return flat.isdigit() or parse_amount(flat) is not None


# The header labels over a code printed in cells of its own, one per part.
CODE_PART_LABELS = ("类", "款", "项")


def code_part_columns(header: list[GridRow]) -> set[int]:
    """The columns the header labels 类, 款, 项 in a grid whose cells give their column
    but no extent (a sheet, tab-separated text), or none (a PDF's ruled cells keep their
    extents' reading)."""
    found: set[int] = set()
    for row in header:
        cells = [c for c in row.cells if c.col is not None and c.col >= 0 and c.x0 is None]
        cols = {c.col for c in cells if squash(c.text) in CODE_PART_LABELS}
        # a label garbled in conversion ("��" for 项) beside them is one of them too
        others = {c.col for c in cells if len(squash(c.text)) <= 2} - cols
        while cols and (beside := {c for c in others if c - 1 in cols or c + 1 in cols}):
            cols |= beside
            others -= beside
        found |= cols
    return found


_NUMBER_CHARS = frozenset("0123456789.,，．- ")


def without_number_runs(header: list[GridRow]) -> tuple[list[GridRow], list[GridRow]]:
    """The header rows without the cells that are runs of numbers ("1234.56 1234.56 …": a
    header prints no amounts; a line pasted onto a label), and the rows that had them."""
    out, touched = [], []
    for row in header:
        kept = [c for c in row.cells if not _is_number_run(c.text)]
        if len(kept) < len(row.cells):
            touched.append(row)
            row = GridRow(kept, row.line, row.page, row.ruled)
        out.append(row)
    return out, touched


def _is_number_run(text: str) -> bool:
    chars = set(text.strip())
    return chars <= _NUMBER_CHARS and bool(chars & set("0123456789")) and not text.strip().isdigit() \
        and len(text.split()) > 1


def is_column_grid(rows: list[GridRow], from_left: bool = False) -> bool:
    """Cells, labels too, that give their column but no extent (tab-separated text, Word
    table text, a sheet; padded text counts only its amounts' columns); `from_left`: and
    count it from the left (not Word table text, whose `col` counts from the row's end)."""
    cells = [c for r in rows for c in r.cells]
    return (any(c.col is not None and not is_amount_cell(c) and (c.col >= 0 or not from_left) for c in cells)
            and all(c.x0 is None for c in cells))


def fit_to_columns(seg: Segment, header: list[GridRow], body: list[GridRow], columns: list[HeaderColumn],
                   catalogue: Catalogue, path: str, issues: list[Issue]) -> tuple[list[GridRow], list[HeaderColumn]]:
    """The body rows and columns of a table whose cells give their column, each doubt an
    issue: another table's header ends the body; a column two header rows name differently
    is not read; rows that do not fit (`misfit`) are not."""
    code_cols = code_part_columns(header)
    if code_cols:
        body = _cut_at_foreign_header(seg, body, {c.key for c in columns if c.key}, catalogue, path, issues)
    columns = _one_column_per_key(seg, _one_label_per_column(seg, columns, path, issues), path, issues)
    body, columns = follow_page_headers(header, body, columns, catalogue)
    amount_cols = {c.pieces[0].col for c in columns if c.pieces} - {None}
    name_cols = name_columns(header, code_cols)
    if not code_cols and not name_cols and not amount_cols:
        return body, columns
    kept = []
    for row in body:
        why = misfit(row, code_cols, name_cols, amount_cols)
        if why is None:
            kept.append(row)
            continue
        issues.append(table_issue(seg, path, "row-misaligned", row.line, f"{why}（另一张表的行，或单元格错位？），未读取"))
    return kept, columns


def dropped_number_runs(seg: Segment, rows: list[GridRow], path: str) -> list[Issue]:
    return [table_issue(seg, path, "header-cell-dropped", r.line, "表头中的一串数字不是列名，略去", "info") for r in rows]


def _one_label_per_column(seg: Segment, columns: list[HeaderColumn], path: str,
                          issues: list[Issue]) -> list[HeaderColumn]:
    """Two header rows naming one column with two different columns (header rows swapped
    or shifted): its amounts cannot be told, so the column is not read, with an issue."""
    cols = [c.pieces[0].col for c in columns if c.pieces]
    doubled = {col for col in cols if cols.count(col) > 1}
    for col in sorted(doubled):
        named = [c for c in columns if c.pieces and c.pieces[0].col == col]
        line = named[-1].pieces[0].origin.line
        issues.append(table_issue(seg, path, "column-ambiguous", line, f"表头第 {col + 1} 列有两个列名（"
                                  f"{'、'.join(c.label for c in named)}；表头行错位？），该列的金额不读取"))
    return [c for c in columns if not (c.pieces and c.pieces[0].col in doubled)]


def _one_column_per_key(seg: Segment, columns: list[HeaderColumn], path: str,
                        issues: list[Issue]) -> list[HeaderColumn]:
    """One label over two columns (小计 under both 财政拨款 and 非财政拨款, the row naming
    them lost): the later is kept by its position (col_<n>) and the table's columns are in
    doubt, with an issue."""
    seen: set[str] = set()
    doubled = []
    for column in columns:
        if column.key in seen and column.pieces and column.pieces[0].col is not None:
            doubled.append(column.label)
            column.key = f"col_{column.pieces[0].col + 1}"
        seen.add(column.key)
    if doubled:
        issues.append(table_issue(seg, path, "column-ambiguous", None, f"表头的“{'、'.join(doubled)}”各印在两列之上"
                                  "（其上的分组行丢失？）；各列的数按位置保留，存疑"))
    return columns


def unlabelled_rows(seg: Segment, table: Table, path: str) -> list[Issue]:
    """Rows with amounts and no code or name: the table's total when it prints none (some
    templates leave 合计 out), if it comes last, or first and equal to the sum of the 类
    rows; any other is not read (a row of another table, its label lost)."""
    issues = []
    for row in [r for r in table.rows if r.code is None and r.code_raw is None and not r.name and r.values]:
        classes = [r.values.get("total") or 0 for r in table.rows if r.kind == "class"]
        last, first = row is table.rows[-1], row is table.rows[0]
        if "total" not in table.totals and (last or first and classes and row.values.get("total") == sum(classes)):
            row.kind = "total"
            table.totals["total"] = row
        else:
            issues.append(table_issue(seg, path, "row-unlabelled", row.line, "有金额而无编码和名称，未读取"))
        table.rows.remove(row)
    return issues


def _cut_at_foreign_header(seg: Segment, body: list[GridRow], keys: set[str], catalogue: Catalogue,
                           path: str, issues: list[Issue]) -> list[GridRow]:
    """The body up to the first row that is another table's header (its title lost): no
    amount, and two or more labels of known columns, fewer than half of them this table's."""
    for index, row in enumerate(body):
        if any(is_amount(c.text) for c in row.cells):
            continue
        found = {k for c in row.cells if (k := catalogue.column_key(c.text))}
        if len(found) >= 2 and keys and len(found & keys) * 2 < len(found):
            issues.append(table_issue(seg, path, "header-foreign", row.line, "另一张表的表头（其标题丢失？），以下各行未读取",
                                      "error"))
            return body[:index]
    return body


# Positions given to columns only a repeated header prints.
_ADDED = 1000


def is_header_repeat(row: GridRow, words: set[str], catalogue: Catalogue) -> bool:
    """A row of header labels only (the header's own, or a column's the catalogue knows),
    with no amount: the header printed again."""
    return bool(row.cells) and not has_amount(row) and all(
        squash(c.text) in words or catalogue.column_key(c.text) for c in row.cells) and (
        len(row.cells) >= 2 or squash(row.cells[0].text) in words)


def follow_page_headers(header: list[GridRow], body: list[GridRow], columns: list[HeaderColumn],
                        catalogue: Catalogue) -> tuple[list[GridRow], list[HeaderColumn]]:
    """A header printed again at a page break, its columns elsewhere (a grid whose cells give
    their column and no extent: tab-separated text).

    Converted text numbers each page's cells on its own: 表二's header puts 财政专户 in the
    12th cell on one page and the 13th on the next, and the rows under each header follow
    their own header. The rows under a repeated header are read by its positions: each amount
    cell moves to the column of the first header that has the same key; a column the first
    header does not have (left out, or not read there: two header rows named it differently)
    is added after its left neighbour, and the columns take the order of the fullest header.

    Returns the body (without the repeated header rows) and the columns, with those only a
    repeated header prints."""
    columns = list(columns)
    words = {squash(c.text) for r in header for c in r.cells}
    out: list[GridRow] = []
    moves: dict[int, int] | None = None
    orders = [[c.key for c in columns]]
    index = 0
    while index < len(body):
        if not is_header_repeat(body[index], words, catalogue):
            out.append(_moved(body[index], moves) if moves else body[index])
            index += 1
            continue
        end = index
        while end < len(body) and is_header_repeat(body[end], words, catalogue):
            end += 1
        moves = _moves(body[index:end], columns, catalogue, orders)
        if all(to == col for col, to in moves.items()):
            moves = None  # the same positions as the first header
        index = end
    return out, _in_fullest_order(columns, orders)


def _in_fullest_order(columns: list[HeaderColumn], orders: list[list[str | None]]) -> list[HeaderColumn]:
    """The columns in the order of the header that prints the most of them (the last of
    equals: a page whose header drifted is usually set right by a later one)."""
    if len(orders) < 2:
        return columns
    best = max(reversed(orders), key=len)
    rank = {key: i for i, key in enumerate(best)}
    placed = iter(sorted((c for c in columns if c.key in rank), key=lambda c: rank[c.key]))
    return [next(placed) if c.key in rank else c for c in columns]


def _moves(group: list[GridRow], columns: list[HeaderColumn], catalogue: Catalogue,
           orders: list[list[str | None]]) -> dict[int, int]:
    """Each amount position of a repeated header → the table's position of its key; a key
    the table has no column for yet gets one, after the column left of it in this header."""
    at = {c.key: c.pieces[0].col for c in columns if c.key and c.pieces}
    free = _ADDED + len(columns)  # clear of every printed cell's position
    moves: dict[int, int] = {}
    left: str | None = None
    for column in read_columns(group, catalogue):
        col = column.pieces[0].col if column.pieces else None
        key = column.key or catalogue.column_key(unwrap(column.label))
        if col is None or key is None or col in moves:
            continue
        if key not in at:
            piece = Cell(unwrap(column.label), column.pieces[0].origin, free)
            after = next((i + 1 for i, c in enumerate(columns) if c.key == left), len(columns))
            columns.insert(after, HeaderColumn(key, unwrap(column.label), None, None, pieces=[piece]))
            at[key] = free
            free += 1
        moves[col] = at[key]
        left = key
    orders.append(list(dict.fromkeys(_keys(moves, at))))
    return moves


def _keys(moves: dict[int, int], at: dict[str | None, int | None]) -> list[str | None]:
    """The keys of a repeated header, left to right."""
    by_col = {col: key for key, col in at.items()}
    return [by_col.get(moves[col]) for col in sorted(moves)]


def _moved(row: GridRow, moves: dict[int, int]) -> GridRow:
    return GridRow([Cell(c.text, c.origin, moves[c.col], c.x0, c.x1) if c.col in moves else c for c in row.cells],
                   row.line, row.page, row.ruled, row.width)
