"""Doubts about rows whose cells know their columns (a Word table, a sheet): such a table
prints the same cells on every row, so a row that prints more or fewer, text where the
figures stand, a figure left of them, or a figure in a row that heads nothing, is a row
that lost, gained or moved a cell. What can be read is read; the figures in doubt are
reported on their lines. Also the header's doubts: a label no column key knows (its figures
kept as col_N), columns out of the order the catalogue's identities print them in.
"""

from __future__ import annotations

import re
from collections import Counter

from ..grid import Cell, GridRow
from ..model import COLUMN_LABELS, Issue, Row, Table
from ..numbers import squash
from .catalogue import Catalogue, terms_of
from .codes import column_from_left
from .header import Column as HeaderColumn
from .segment import Segment, table_issue

Line = tuple[GridRow, "str | None", "str | None", list[Cell], list[Cell]]
# A row may print a few cells more than the others (a split name); far more is not a row.
MAX_CELLS_OVER = 8
# An amount with two decimals standing alone in text (not "5.12地震", not a code).
_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])\d+\.\d{2}(?=\s|$)")


def cell_doubts(lines: list[Line], columns: list[HeaderColumn], seg: Segment, path: str,
                issues: list[Issue]) -> list[Line]:
    """The body lines to read, with the doubts of rows printing an odd number of cells or
    text among the figures (see the module docstring); a row of far more cells is not read."""
    widths = Counter(line[0].width for line in lines if line[0].width is not None and line[4])
    modal = widths.most_common(1)[0][0] if widths else None
    starts = [c.pieces[0].col for c in columns if c.pieces and c.pieces[0].col is not None]
    values_from = min(starts) if columns and len(starts) == len(columns) else None
    out: list[Line] = []
    found: list[Issue] = []
    for grid_row, code, code_raw, labels, amounts in lines:
        in_values, left = [], []
        if grid_row.ruled and values_from is not None:
            in_values = [c for c in labels if c.col is not None and c.col >= values_from and c.text.strip("-—－/／ ")]
            left = [c for c in labels if c.col is not None and c.col < values_from and _AMOUNT_IN_TEXT.search(c.text)]
            left += [c for c in amounts if c.col is not None and c.col < values_from and "." in c.text]
        odd = modal is not None and grid_row.width not in (None, modal) and bool(amounts)
        if odd and grid_row.width > modal + MAX_CELLS_OVER:
            found.append(table_issue(seg, path, "row-width", grid_row.line, f"印 {grid_row.width} 个单元格，本表各行为 "
                                f"{modal} 个，不是表中的行，未读", "error"))
            continue
        if in_values and (odd or code is None):
            found.append(table_issue(seg, path, "column-ambiguous", grid_row.line, f"名称“{squash(in_values[0].text)[:20]}”"
                                "印在数值列中（该行少了单元格？）：各数自右排列，所在的列存疑"))
        elif in_values:  # a coded row's name is left of the figures: this is no name
            found.append(table_issue(seg, path, "column-ambiguous", grid_row.line, f"数值列中印有文字"
                                f"“{squash(in_values[0].text)[:20]}”，不作名称；该行各数所在的列存疑"))
            labels = [c for c in labels if c not in in_values]
        elif left:
            found.append(table_issue(seg, path, "column-ambiguous", grid_row.line, f"数“{squash(left[0].text)[:20]}”"
                                "印在数值列左侧：该行的单元格多于表头，所在的列存疑"))
        elif odd:
            found.append(table_issue(seg, path, "row-width", grid_row.line, f"印 {grid_row.width} 个单元格，本表各行为 "
                                f"{modal} 个；可能少了或多了编码、名称单元格，各数所在的列存疑"))
        out.append((grid_row, code, code_raw, labels, amounts))
    issues += found
    return out


def sub_units(table: Table, seg: Segment, ruled: set[int], path: str) -> list[Issue]:
    """In a table whose cells know their columns: an uncoded row with figures right above a
    coded row is a sub-unit's own total (二级预算单位): kind unit, and the rows under it, up
    to the next, carry its name; in doubt when its first coded row is no 类 (a 类 row that
    lost its code?) or when it comes after coded rows of no sub-unit (a garbled row?). One
    heading no coded row (a header row carrying a figure, a row of another table) is
    reported and left out. (A PDF rendering's uncoded lines are labelled lines: 人员经费合计 …)"""
    found: list[Issue] = []
    kept: list[Row] = []
    unit = None
    coded_seen = False
    for index, row in enumerate(table.rows):
        if not (row.line in ruled and row.code is None and row.kind == "line" and row.name
                and not squash(row.name).endswith(("合计", "小计"))  # 人员经费合计: no sub-unit
                and any(v is not None for v in row.values.values())):
            coded_seen = coded_seen or row.code is not None
            row.unit = unit if unit is not None else row.unit
            kept.append(row)
            continue
        name = row.name[:40]
        if unit is None and coded_seen:
            found.append(table_issue(seg, path, "row-unit-late", row.line, f"无编码的“{name}”有数，却在不属任何下级"
                                "单位的编码行之后；按下级单位读，存疑"))
        following = table.rows[index + 1] if index + 1 < len(table.rows) else None
        if following is None or following.code is None:
            at = next((o.line for k, o in row.origins.items() if k != "name"), row.line)  # its figure
            found.append(table_issue(seg, path, "row-uncoded", at, f"“{name}”无编码，其下也无编码行（不是下级单位的"
                                "合计；别的表的行？），未读"))
            continue
        if len(following.code) > 3 and following.kind != "project":
            found.append(table_issue(seg, path, "row-unit-doubtful", row.line, f"无编码的“{name}”之下首行是 "
                                f"{following.code}，不是类：是丢了编码的类行？按下级单位读，存疑"))
        row.kind = "unit"
        unit = row.unit = row.name
        kept.append(row)
    table.rows = kept
    return found


def unknown_columns(header: list[GridRow], columns: list[HeaderColumn], catalogue: Catalogue,
                    seg: Segment, path: str) -> tuple[list[HeaderColumn], list[Issue]]:
    """A label of a header whose cells give their column (a sheet, tab-separated or Word
    table text), right of the first keyed column and over no keyed column, that no column
    key knows: kept as col_N (N its column counted from the left, 1-based, in every
    layout), its figures read there, reported."""
    if not columns or not all(c.pieces and c.pieces[0].col is not None for c in columns):
        return columns, []
    rows = [r for r in header if r.ruled and all(c.x0 is None for c in r.cells)]
    # (a column's pieces are copies of the header's cells: found by their line and col)
    place = {(c.origin.line, c.col): column_from_left(c, row) for row in rows for c in row.cells if c.col is not None}
    if _at(columns[0].pieces[0]) not in place:
        # (ruled PDF headers: their unknown labels want catalogue synonyms first, 上缴上级支出 …)
        return columns, []
    keyed = {place.get(_at(p)) for c in columns for p in c.pieces}
    first = place[_at(columns[0].pieces[0])]
    out, issues = list(columns), []
    for row in rows:
        for cell in row.cells:
            n = place.get(_at(cell))
            if n is None or n in keyed or n < first or not squash(cell.text) or catalogue.column_key(cell.text):
                continue
            keyed.add(n)
            out.append(HeaderColumn(f"col_{n + 1}", squash(cell.text), None, None, pieces=[cell]))
            issues.append(Issue("column-unknown", f"{seg.title} 第 {n + 1} 列“{squash(cell.text)}”（表头第 "
                                f"{row.line} 行）：不认识的列名，其数保留在第 {n + 1} 列", path, row.line,
                                "warning", table=seg.kind.key or None))
    out.sort(key=lambda c: place.get(_at(c.pieces[0])) or 0)
    return out, issues


def _at(cell: Cell) -> tuple[int | None, int | None]:
    return cell.origin.line, cell.col


def column_order(columns: list[HeaderColumn], identities: tuple[str, ...], seg: Segment,
                 path: str) -> list[Issue]:
    """Columns printed out of the order of an identity (合计 before its parts, the parts in
    their order): a label lost or swapped, so every figure of the table is in doubt."""
    keys = [c.key for c in columns]
    for identity in identities:
        order = terms_of(identity)
        printed = [k for k in keys if k in order]
        if printed != sorted(printed, key=order.index):
            labels = "、".join(squash(c.label) for c in columns if c.key in order)
            return [table_issue(seg, path, "column-order", None, f"表头各列（{labels}）不是通常的次序，"
                                "可能丢了或错放了列名，全表各数存疑")]
    return []


# A header label longer than this is no (wrapped) column label: text ran into the header.
MAX_LABEL = 200


def garbled_labels(columns: list[HeaderColumn], seg: Segment, path: str) -> list[Issue]:
    """A column whose label runs on for hundreds of characters (text pasted into the header
    line): its key is a guess from the label's start, so the columns are in doubt; the label
    shown is the standard one."""
    found = []
    for column in columns:
        if len(column.label) > MAX_LABEL:
            found.append(table_issue(seg, path, "header-unreadable", None,
                                     f"表头中一段 {len(column.label)} 个字符的文字不是列名，各列不可靠"))
            column.label = COLUMN_LABELS.get(column.key or "", column.label[:MAX_LABEL])
    return found
