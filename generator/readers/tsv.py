"""Reader for tab-separated text (layout `tsv`, samples 002 and 004): converted Word/PDF
text where each table row is one line and its cells are separated by tabs, empty cells as
empty fields, between lines of prose.

Each tab field is a cell whose `col` is its field index (the text itself says which
column a cell is in, as a sheet does: `ruled`); empty fields are left out. A line without
a tab is one cell of text with no column. A cell that Excel quoted because it held a line
break ('"行政运行（政府办' / '公厅（室）…）"') is joined back into its row first. It knows
no table kinds.
"""

from __future__ import annotations

from ..grid import Cell, Grid, GridRow, origin_at

_BLANKS = " \u3000\xa0\r\f\v"


def tsv_row(number: int, cells: list[str]) -> GridRow:
    """One tab line's cells (`split_cells`) as a GridRow: each filled cell with its column."""
    origin = origin_at(number)
    return GridRow([Cell(text, origin, j) for j, text in enumerate(cells) if text], number, None, True)


def split_cells(raw: str) -> list[str]:
    """"201\\t03\\t\\t名称" → ["201", "03", "", "名称"], outer white space (incl. U+3000)
    stripped, and the quotes of a quoted cell ('"行政运行"', as Excel writes a cell that
    held a line break: `join_quoted_cells`). Text is kept as printed (a full-width comma in
    a name stays); amounts and codes are normalized where they are read."""
    if '"' not in raw:  # (most lines: no quoted cell)
        return [c.strip(_BLANKS) for c in raw.split("\t")]
    return [_unquoted(c.strip(_BLANKS)) if c else "" for c in raw.split("\t")]


def _unquoted(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"').strip(_BLANKS)
    return cell


# A quoted cell still open after this many lines is no cell: a stray quote.
MAX_CELL_LINES = 10


def join_quoted_cells(lines: list[str]) -> list[str]:
    """The lines with each row whose quoted cell runs over line breaks joined on its first
    line, the cell's lines joined without a break ("行政运行（政府办" + "公厅（室）…）"), and
    the lines it took left blank, so every line keeps its number. Excel's tab-separated
    text quotes a cell that holds a line break; read line by line, the row fell apart into
    pieces no header fits. `lines` itself when there is none."""
    out = lines
    i = 0
    while i < len(lines):
        if '"' not in lines[i] or not _ends_inside_quotes(lines[i]):
            i += 1
            continue
        joined, j = lines[i], i + 1
        while j < len(lines) and j - i <= MAX_CELL_LINES and _ends_inside_quotes(joined):
            joined += lines[j].strip(_BLANKS)
            j += 1
        if _ends_inside_quotes(joined):
            i += 1  # never closed: a stray quote, the lines stay as they are
            continue
        if out is lines:
            out = list(lines)
        out[i:j] = [joined] + [""] * (j - i - 1)
        i = j
    return out


def _ends_inside_quotes(text: str) -> bool:
    """Does `text` end inside a quoted cell (one whose first character is '"')?"""
    inside, cell_start, i = False, True, 0
    while i < len(text):
        ch = text[i]
        if inside:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    i += 2  # an escaped quote
                    continue
                inside = False
        elif ch == '"' and cell_start:
            inside = True
        cell_start = not inside and ch == "\t"
        i += 1
    return inside


def read_tsv(path: str, lines: list[str]) -> Grid:
    """The lines (quoted cells joined: `join_quoted_cells`) as a Grid: a tab line is a ruled
    row, a line of text one cell with no column."""
    grid = Grid(path=path, format="tsv", text="")
    for number, raw in enumerate(lines, 1):
        if "\t" not in raw:
            text = raw.strip()
            if text:
                grid.rows.append(GridRow([Cell(text, origin_at(number))], number))
        elif (row := tsv_row(number, split_cells(raw))).cells:
            grid.rows.append(row)
    return grid
