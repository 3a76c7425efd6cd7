"""A header printed again at a page break, its columns elsewhere (a grid whose cells give
their column and no extent: tab-separated text).

Converted text numbers each page's cells on its own: 表二's header puts 财政专户 in the
12th cell on one page and the 13th on the next, and the rows under each header follow
their own header. The rows under a repeated header are read by its positions: each amount
cell moves to the column of the first header that has the same key; a column the first
header does not have (left out, or not read there: two header rows named it differently)
is added after its left neighbour, and the columns take the order of the fullest header.
"""

from __future__ import annotations

from ..grid import Cell, GridRow
from ..numbers import squash, unwrap
from .amounts import has_amount
from .catalogue import Catalogue
from .header import Column as HeaderColumn
from .header import read_columns

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
    """The body with the rows under each repeated header moved to the table's columns, and
    the columns with those only a repeated header prints (see the module docstring); the
    repeated header rows are left out."""
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
