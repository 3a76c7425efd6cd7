"""From one page's characters and ruling lines to printed lines and their cells.

Stages, each a small function on plain data (pdfplumber's chars → edges → cells, camelot's
lattice where the page is ruled and stream where it is not):

1. `group_lines`: characters into printed lines by their vertical centre; a character drawn
   twice for bold (same text, nearly the same box) is kept once.
2. `find_tables`: ruling lines into tables (bands of the page whose rulings overlap), each
   with its column boundaries (the x of every vertical ruling in it).
3. `split_cells`: a line inside a table is cut at the vertical rulings that cross it, and
   each piece gets the index of its left ruling among the table's boundaries as `col`; a
   line outside any table is cut where the gap between characters is wide.
4. `merge_wrapped`: consecutive lines of one ruled table row with no horizontal ruling
   between them (a label wrapped inside its cell, amounts printed between its halves)
   become one row, each column's pieces joined.

Boxes are (x0, top, x1, bottom) in points from the top-left of the displayed page.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from .pdf_page import Box, Char

# How close two ruling x positions (points) must be to be one column boundary, and how far
# a ruling may stop short of a line and still cross it.
RULE_TOLERANCE = 2.0
# A gap between characters wider than this many character heights starts a new cell on an
# unruled line; wider than SPACE_GAP of a height it is a space inside the cell.
CELL_GAP = 1.2
SPACE_GAP = 0.15
# A character within this fraction of its width of an identical one is its bold double.
BOLD_SHIFT = 0.35


@dataclass
class Line:
    """One printed line: its characters left to right and its vertical extent."""

    chars: list[Char]
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Table:
    """A band of the page holding ruling lines: vertical rulings as (x, top, bottom),
    horizontal ones as (y, x0, x1), and the column boundaries (sorted x)."""

    top: float
    bottom: float
    vertical: list[tuple[float, float, float]] = field(default_factory=list)
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)
    boundaries: list[float] = field(default_factory=list)


@dataclass
class PieceCell:
    """A cell as the layout found it: text, box, and the table column (None: unruled)."""

    text: str
    box: Box
    col: int | None = None


@dataclass
class LaidLine:
    """A line cut into cells; `table` is the table it lies in (None: outside any)."""

    cells: list[PieceCell]
    top: float
    bottom: float
    table: Table | None = None
    ruled: bool = False


def group_lines(chars: list[Char]) -> list[Line]:
    """Characters into lines, top to bottom: a character whose vertical centre falls inside
    the current line's extent (shrunk by a quarter at each edge) joins it."""
    lines: list[Line] = []
    current: Line | None = None
    for ch in sorted(chars, key=lambda c: (c[2] + c[4]) / 2):
        centre = (ch[2] + ch[4]) / 2
        if current is not None:
            margin = (current.bottom - current.top) / 4
            if current.top + margin <= centre <= current.bottom - margin:
                current.chars.append(ch)
                continue
        current = Line([ch], ch[2], ch[4])
        lines.append(current)
    for line in lines:
        line.chars = _without_bold_doubles(sorted(line.chars, key=lambda c: c[1]))
        line.top = min(c[2] for c in line.chars)
        line.bottom = max(c[4] for c in line.chars)
    return lines


def _without_bold_doubles(chars: list[Char]) -> list[Char]:
    """Fonts without a bold face are made bold by drawing each character twice (or three
    times), shifted a fraction of a point: keep the first of each such pile."""
    kept: list[Char] = []
    for ch in chars:
        for other in kept[-3:]:
            width = max(other[3] - other[1], 0.1)
            if (other[0] == ch[0] and abs(other[1] - ch[1]) < BOLD_SHIFT * width
                    and abs(other[2] - ch[2]) < BOLD_SHIFT * (other[4] - other[2] + 0.1)):
                break
        else:
            kept.append(ch)
    return kept


def find_tables(horizontal: list[Box], vertical: list[Box]) -> list[Table]:
    """Ruling lines into tables: rulings whose vertical extents overlap (or touch) are one
    band; side-by-side column groups in one band are one table with more columns."""
    rules = [(top, bottom, False, (x0 + x1) / 2, top, bottom) for x0, top, x1, bottom in vertical]
    rules += [(top, bottom, True, (top + bottom) / 2, x0, x1) for x0, top, x1, bottom in horizontal]
    rules.sort()
    tables: list[Table] = []
    for top, bottom, is_horizontal, at, start, end in rules:
        if not tables or top > tables[-1].bottom + RULE_TOLERANCE:
            tables.append(Table(top, bottom))
        table = tables[-1]
        table.bottom = max(table.bottom, bottom)
        (table.horizontal if is_horizontal else table.vertical).append((at, start, end))
    tables = [t for t in tables if len(t.vertical) >= 2]
    for table in tables:
        table.boundaries = _merged(v[0] for v in table.vertical)
    return tables


def _merged(xs: Iterable[float]) -> list[float]:
    """The x positions sorted, one kept of those within RULE_TOLERANCE of each other."""
    merged: list[float] = []
    for x in sorted(xs):
        if not merged or x - merged[-1] > RULE_TOLERANCE:
            merged.append(x)
    return merged


def split_cells(line: Line, tables: list[Table]) -> LaidLine:
    """The line's cells: cut at the vertical rulings crossing it inside a table, else at
    wide gaps."""
    centre = line.centre
    table = next((t for t in tables if t.top - RULE_TOLERANCE <= centre <= t.bottom + RULE_TOLERANCE),
                 None)
    # the x of the table's vertical rulings that run past the line's centre
    crossing = _merged(x for x, top, bottom in table.vertical
                       if top - RULE_TOLERANCE <= centre <= bottom + RULE_TOLERANCE) if table is not None else []
    # Two rulings only are a frame (a box around a note, a page border, a full-width
    # title row): its text is cut at gaps like any unruled line.
    if len(crossing) < 3:
        return LaidLine(_gap_cells(line.chars), line.top, line.bottom, table)
    pieces: dict[int, list[Char]] = {}
    outside: list[Char] = []
    for ch in line.chars:
        mid = (ch[1] + ch[3]) / 2
        k = bisect_right(crossing, mid) - 1
        if 0 <= k < len(crossing) - 1:
            pieces.setdefault(k, []).append(ch)
        else:
            outside.append(ch)
    cells = [PieceCell(_joined(chars), _union(chars), _column(table, crossing[k]))
             for k, chars in sorted(pieces.items())]
    ruled = not outside
    if outside:
        cells = sorted(cells + _gap_cells(outside), key=lambda c: c.box[0])
    return LaidLine(cells, line.top, line.bottom, table, ruled)


def _column(table: Table, x: float) -> int:
    """The index of the table boundary at `x` (the cell's left ruling)."""
    k = bisect_left(table.boundaries, x - RULE_TOLERANCE)
    return min(k, len(table.boundaries) - 1)


def _gap_cells(chars: list[Char]) -> list[PieceCell]:
    """Characters of one line (left to right) cut into cells where the gap is wide."""
    cells: list[PieceCell] = []
    run: list[Char] = []
    for ch in chars:
        if run and ch[1] - run[-1][3] > CELL_GAP * (ch[4] - ch[2]):
            cells.append(PieceCell(_joined(run), _union(run)))
            run = []
        run.append(ch)
    if run:
        cells.append(PieceCell(_joined(run), _union(run)))
    return cells


def _joined(chars: list[Char]) -> str:
    """The characters' text, a space where they stand apart (`201   05   07` → `201 05 07`)."""
    parts = [chars[0][0]]
    for prev, ch in zip(chars, chars[1:]):
        if ch[1] - prev[3] > SPACE_GAP * (ch[4] - ch[2]):
            parts.append(" ")
        parts.append(ch[0])
    return "".join(parts)


def _union(chars: list[Char]) -> Box:
    return (min(c[1] for c in chars), min(c[2] for c in chars),
            max(c[3] for c in chars), max(c[4] for c in chars))


def merge_wrapped(lines: list[LaidLine]) -> list[LaidLine]:
    """Join consecutive ruled lines that sit in one table row: the same table, no
    horizontal ruling between them over any of their cells, tight line spacing, and no
    column holding two amounts (which would mean two rows whose separator is missing)."""
    merged: list[LaidLine] = []
    for line in lines:
        prev = merged[-1] if merged else None
        if prev is not None and _same_row(prev, line):
            merged[-1] = _join_rows(prev, line)
        else:
            merged.append(line)
    return merged


def _same_row(upper: LaidLine, lower: LaidLine) -> bool:
    if not (upper.ruled and lower.ruled and upper.table is lower.table):
        return False
    table = upper.table
    if len(table.horizontal) < 3 or lower.top - upper.bottom > 0.8 * (lower.bottom - lower.top):
        return False
    upper_mid, lower_mid = (upper.top + upper.bottom) / 2, (lower.top + lower.bottom) / 2
    spans = [(c.box[0], c.box[2]) for c in upper.cells + lower.cells]
    for y, x0, x1 in table.horizontal:
        if upper_mid < y < lower_mid and any(x0 < b and a < x1 for a, b in spans):
            return False
    upper_cols = {c.col: c.text for c in upper.cells}
    return not any(_is_amount(c.text) and _is_amount(upper_cols.get(c.col, "")) for c in lower.cells)


def _is_amount(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").lstrip("-").isdigit()


def _join_rows(upper: LaidLine, lower: LaidLine) -> LaidLine:
    by_col: dict[int | None, PieceCell] = {}
    for cell in upper.cells + lower.cells:
        have = by_col.get(cell.col)
        if have is None:
            by_col[cell.col] = PieceCell(cell.text, cell.box, cell.col)
            continue
        glue = "" if not (have.text[-1:].isascii() and cell.text[:1].isascii()) else " "
        have.text += glue + cell.text
        have.box = (min(have.box[0], cell.box[0]), min(have.box[1], cell.box[1]),
                    max(have.box[2], cell.box[2]), max(have.box[3], cell.box[3]))
    cells = sorted(by_col.values(), key=lambda c: c.box[0])
    return LaidLine(cells, upper.top, max(upper.bottom, lower.bottom), upper.table, True)
