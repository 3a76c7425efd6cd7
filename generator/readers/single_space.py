"""Reader for single-space PDF text (layout `pdf-single-space`, sample 000): pdftotext
output where a table row's cells are separated by single spaces and an empty cell prints
nothing.

Each non-empty token is a cell in print order; a number split after its point by the
extraction ("1834. 83", "119 .48") is one cell. Nothing on the line tells an amount's column (empty
cells leave no trace), so every cell keeps `col`, `x0` and `x1` None: the amounts are
unplaced, and the interpreters place them by the catalogue's identities. It knows no
table kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..grid import Cell, GridRow, origin_at

# "1834." followed by "83": a number the extraction split after its point.
_DANGLING_POINT = re.compile(r"^-?[\d,]+\.$")
# "119" followed by ".48": split before its point.
_WHOLE = re.compile(r"^-?[\d,]+$")
_DECIMALS = re.compile(r"^\.\d+$")


# "合  计", "项  目": a word letter-spaced by two spaces or more, one wide character a piece
# (cells are one space apart, so "类 款 项" stays three cells).
_LETTER_SPACED = re.compile(r"(?<![^\s])([\u4e00-\u9fff])(?: {2,}([\u4e00-\u9fff]))+(?![^\s])")
# Two wide characters two spaces or more apart: what every letter-spaced word holds (a
# quick search, where the lookbehind above makes the engine try every position).
_SPACED_PAIR = re.compile(r"[\u4e00-\u9fff] {2,}[\u4e00-\u9fff]")


def single_space_cells(text: str) -> list[str]:
    """The cells of one line, a number split at its point joined, a letter-spaced
    word one cell."""
    if "  " in text and _SPACED_PAIR.search(text):  # (most lines: no letter-spacing to undo)
        text = _LETTER_SPACED.sub(lambda m: "".join(m.group().split()), text)
    if "." not in text:
        return text.split()  # (most lines: no number split at its point to join)
    cells: list[str] = []
    for token in text.split():
        if cells and (token.isdigit() and _DANGLING_POINT.match(cells[-1])
                      or token[0] == "." and _DECIMALS.match(token) and _WHOLE.match(cells[-1])):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


def single_space_rows(lines: Iterable[tuple[int, str]], page: int | None = None) -> list[GridRow]:
    """(line number, text) pairs → one GridRow per line with text, every cell unplaced."""
    rows: list[GridRow] = []
    add, cell, row = rows.append, Cell, GridRow  # (locals: a grid has thousands of lines)
    for number, text in lines:
        # (most lines: no run of spaces, no point: their words are their cells)
        texts = text.split() if "." not in text and "  " not in text else single_space_cells(text)
        if texts:
            origin = origin_at(number, page)
            add(row([cell(t, origin) for t in texts], number, page))  # (positional: faster)
    return rows
