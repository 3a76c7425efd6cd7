"""Tables printed as two column groups side by side (the 决算 template's 基本支出决算表:
经济分类科目编码 科目名称 决算数 | 经济分类科目编码 科目名称 决算数, 301/303 on the left, 302/310
on the right): the right group's rows are read after the left group's, as if printed below
them, so each row keeps its own code, name and amount and every 类 is followed by its 款.
"""

from __future__ import annotations

from ..grid import Cell, GridRow
from ..numbers import squash


def unfold_side_by_side(header: list[GridRow], body: list[GridRow]) -> tuple[list[GridRow], list[GridRow]]:
    """(header, body) with a repeated column group unfolded: the header keeps its left
    group, the body lists each row's left part, then each row's right part, moved onto
    the left group's places (x and ruled column). A header whose labels do not repeat,
    or is not ruled (the input's own cells), is returned as it is."""
    groups = next((g for r in header if (g := _groups(r)) is not None), None)
    if groups is None:
        return header, body
    start, shift, col_shift = groups
    left = [_part(r, start, right=False) for r in body]
    right = [_moved(_part(r, start, right=True), shift, col_shift) for r in body]
    return ([_part(r, start, right=False) for r in header],
            [r for r in left + right if r.cells])


def _groups(row: GridRow) -> tuple[float, float, int] | None:
    """Where the second group starts, how far right of the first it is printed and how
    many ruled columns, when the row's labels are one group printed twice."""
    if not row.ruled:
        return None  # a text rendering moves the right group's codes off their rows
    labels = [squash(c.text) for c in row.cells]
    half = len(labels) // 2
    if half < 2 or len(labels) % 2 or labels[:half] != labels[half:]:
        return None
    first, second = row.cells[0], row.cells[half]
    if first.x0 is None or second.x0 is None:
        return None
    cols = second.col - first.col if first.col is not None and second.col is not None else 0
    return second.x0, second.x0 - first.x0, cols


def _part(row: GridRow, start: float, right: bool) -> GridRow:
    # a cell is right of the group's left edge where it starts there, or runs past it (an
    # amount right-aligned near the boundary starts left of it)
    cells = [c for c in row.cells if (c.x0 is not None and (c.x0 + (c.x1 or c.x0)) / 2 >= start) == right]
    return GridRow(cells, row.line, row.page, row.ruled)


def _moved(row: GridRow, shift: float, col_shift: int) -> GridRow:
    cells = [Cell(c.text, c.origin, None if c.col is None else c.col - col_shift,
                  None if c.x0 is None else c.x0 - shift, None if c.x1 is None else c.x1 - shift)
             for c in row.cells]
    return GridRow(cells, row.line, row.page, row.ruled)
