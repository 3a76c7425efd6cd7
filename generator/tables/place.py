"""Placing a row's amounts into the header's columns.

- With `col` given (a ruled table, a sheet), by it, on the header's page (another page
  of a PDF counts its own rulings: with positions, by them); a negative `col` counts
  from the right (padded text, where only the line's end tells the column).
- A row printing as many amounts as there are columns: in order.
- Without positions (single-space text): in order, the first column first (the caller
  reports a row with fewer amounts than columns).
- With positions: where the table has rows printing every column, their amounts' right
  edges (amounts are right-aligned) calibrate the columns; a row's first amount is its
  total when the first column is a total (a total is printed whenever a part is), and
  the shift between it and the total column's edge (a rendering moves a line's amounts
  right when a long name precedes them) is taken off the others before each goes to the
  nearest edge. Without full rows, by the nearest header centre (labels are centred over
  their columns) among the labels starting left of the amount's right end, the larger
  overlap on a tie. Positions may be in any unit (characters
  of a -layout line, PDF points).
"""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from ..grid import Cell
from .catalogue import identity_terms
from .header import Column, overlap


def calibrate(rows: list[list[Cell]], columns: list[Column]) -> list[float] | None:
    """The right edge of each column's amounts, from the rows that print every column."""
    full = [r for r in rows if len(r) == len(columns) and all(c.x1 is not None for c in r)]
    if len(columns) < 2 or not full:
        return None
    return [median(r[i].x1 or 0 for r in full) for i in range(len(columns))]


def place(amounts: list[Cell], columns: list[Column], edges: list[float] | None = None) -> list[tuple[Column, Cell]]:
    """Each amount with its column; an amount no column takes is left out."""
    if not columns or not amounts:
        return []
    if amounts[0].col is None and amounts[0].x0 is None:  # (single-space text: the common case)
        return list(zip(columns, amounts))
    if all(a.col is not None and -len(columns) <= a.col < 0 for a in amounts):
        return [(columns[a.col], a) for a in amounts]
    if all(a.col is not None for a in amounts) and all(c.pieces and c.pieces[0].col is not None for c in columns) \
            and (_on_header_page(amounts, columns) or any(a.x0 is None for a in amounts)):
        by_col = {c.pieces[0].col: c for c in columns}
        return [(by_col[a.col], a) for a in amounts if a.col in by_col]
    if len(amounts) == len(columns) or any(a.x0 is None for a in amounts) or any(c.x0 is None for c in columns):
        return list(zip(columns, amounts))
    ordered = sorted(amounts, key=lambda a: a.x0 or 0)
    if edges is not None:
        return _by_edges(ordered, columns, edges)
    return _by_centres(ordered, columns)


def _on_header_page(amounts: list[Cell], columns: list[Column]) -> bool:
    """Whether the amounts are printed on the page of the header: a ruling's index counts
    the rulings of its own page, and a page that merges cells (a 合计 row alone on the
    last page, its label over the code columns) has fewer of them."""
    pages = {c.pieces[0].origin.page for c in columns}
    return len(pages) == 1 and all(a.origin.page in pages for a in amounts)


def identities_hold(values: dict, identities: tuple[str, ...], slack: Decimal = Decimal(0)) -> bool:
    """Whether every catalogue identity ("total = basic + project") whose terms are all
    in `values` holds, within `slack` per term (a document's rounding)."""
    for identity in identities:
        left, terms = identity_terms(identity)
        if left in values and all(t in values for t in terms):
            if abs(values[left] - sum(values[t] for t in terms)) > slack * len(terms):
                return False
    return True


def _by_edges(amounts: list[Cell], columns: list[Column], edges: list[float]) -> list[tuple[Column, Cell]]:
    anchored = columns[0].key in ("total", "grand_total")
    shift = (amounts[0].x1 or 0) - edges[0] if anchored else 0.0
    placed = [(columns[0], amounts[0])] if anchored else []
    free = list(range(1 if anchored else 0, len(columns)))
    for amount in amounts[1 if anchored else 0:]:
        if not free:
            break
        best = min(free, key=lambda i: abs(edges[i] - ((amount.x1 or 0) - shift)))
        placed.append((columns[best], amount))
        free = [i for i in free if i > best]
    return placed


def _by_centres(amounts: list[Cell], columns: list[Column]) -> list[tuple[Column, Cell]]:
    placed: list[tuple[Column, Cell]] = []
    free = list(columns)
    for amount in amounts:
        if not free:
            break
        centre = ((amount.x0 or 0) + (amount.x1 or 0)) / 2
        # a label starts left of its amounts' right end (they are right-aligned or centred
        # under it); the next column's label starts right of it
        starting = [c for c in free if (c.x0 or 0) <= (amount.x1 or 0)] or free
        best = min(starting, key=lambda c: (abs(c.centre - centre), -overlap(c, amount)))
        placed.append((best, amount))
        # keep left-to-right order: columns left of the one taken can take no later amount
        free = [c for c in free if (c.x0 or 0) > (best.x0 or 0)]
    return placed
