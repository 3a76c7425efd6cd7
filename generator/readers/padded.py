"""Reader for padded PDF text (layout `pdf-padded`, sample 003): every table cell printed
as its text plus one space, so a run of spaces is a run of empty cells.

Counting cells tells a cell's column only from the line's right end (a label may hold
spaces of its own: "收 入 总 计", a 6-space indent), and header lines do not count like
body lines (a multi-level header prints each heading once), so the reader gives no
positions: each non-empty token is a cell in print order, with `col`, `x0` and `x1`
None, and the interpreters place amounts as they do for single-space text. It knows no
table kinds.
"""

from __future__ import annotations

import re

from ..grid import Cell, Grid, GridRow
from ..model import Origin

_TOKEN = re.compile(r"\S+")


def padded_rows(lines: list[tuple[int, str]], page: int | None = None) -> list[GridRow]:
    """(line number, text) pairs → one GridRow per line with text."""
    rows = []
    for number, text in lines:
        cells = [Cell(t.group(), Origin(line=number, page=page)) for t in _TOKEN.finditer(text)]
        if cells:
            rows.append(GridRow(cells=cells, line=number, page=page))
    return rows


def read_padded(path: str, text: str) -> Grid:
    """A whole padded text as a Grid (pages by form feeds)."""
    grid = Grid(path=path, format="pdf-padded", text=text)
    page = 1
    for number, raw in enumerate(text.split("\n"), 1):
        page += raw.count("\f")
        grid.rows += padded_rows([(number, raw.replace("\f", " "))], page)
    grid.pages = page
    return grid
