"""Cell grids: what every reader hands over, whatever the input format.

A reader turns one input (a PDF, a workbook, a Word file, a text rendering) into a `Grid`:
the document as rows of cells in reading order, each cell with its text and where it was
printed, and a plain-text rendition whose line numbers every location refers to (the
source view shows it; the prose readers read it). Readers know no table kinds: finding the
tables (the segmenter) and reading them (one interpreter per table shape, driven by the
template catalogue) come after, the same for every input.

Columns: where the input shows which column a cell is in (a ruled PDF table, a sheet, a
Word table) the reader sets `Cell.col`; where it shows only where the cell stands on the
line (a PDF without ruling lines, `pdftotext -layout`) it sets the horizontal extent
`x0`/`x1` and leaves `col` None for the interpreter to place by the header's extents; where
it shows neither (single-space text) both stay None, and the interpreter places the
amounts by the identities, with an issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .model import Issue, Origin


@lru_cache(maxsize=1 << 16)
def origin_at(line: int, page: int | None = None) -> Origin:
    """The Origin of a text line (on a page): frozen, so one is shared by every cell and
    document printed there, instead of a new one each line (readers make thousands)."""
    return Origin(line, page)


def tab_line(cells: list[tuple[int, str]]) -> str:
    """A table row of (column, text) cells as a line of the rendition (a sheet's, a Word
    table's): the cells separated by tabs, an empty column an empty field, the breaks a
    cell holds as spaces (each row is one line)."""
    fields = [""] * (cells[-1][0] + 1)
    for col, text in cells:
        fields[col] = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return "\t".join(fields)


@dataclass(slots=True)  # readers make thousands: no instance dict to allocate
class Cell:
    """One cell's text as printed, with its place (see the module docstring for `col`,
    `x0` and `x1`: the column index where the input shows it, else the horizontal extent
    in the reader's own unit: PDF points, or characters of a text line)."""

    text: str
    origin: Origin
    col: int | None = None
    x0: float | None = None
    x1: float | None = None


@dataclass(slots=True)
class GridRow:
    """One printed line (or one table row of a sheet or Word table), in reading order.

    `line` is its line in `Grid.text`; `page` the PDF page or sheet index (1-based) it is
    on, so the segmenter can tell page breaks (a header printed again, a （续） title).
    `ruled` is True when the cells' `col` come from the input's own structure (ruling
    lines, sheet columns, Word cells) rather than from the text. `width` is how many cells
    the row prints, empty ones included, where the input shows it and `col` counts from the
    row's end (Word table text): a row printing more or fewer cells than the others of its
    table lost or gained one, and its leading cells are at `width + col` from the left.
    """

    cells: list[Cell]
    line: int
    page: int | None = None
    ruled: bool = False
    width: int | None = None

    def text(self) -> str:
        if len(self.cells) == 1:  # (most rows of text)
            return self.cells[0].text
        return " ".join([c.text for c in self.cells if c.text])  # (a list joins faster)


@dataclass
class Grid:
    """Everything a reader got from one input file.

    `format` names the reader ("pdf", "xlsx", "docx", "pdftotext-layout", …); `text` is
    the rendition whose lines `Origin.line` and `GridRow.line` count (1-based); `pages`
    the number of pages or sheets; `issues` what the reader found wrong with the input
    (a page without a text layer, a formula cell with no cached value, …).
    """

    path: str
    format: str
    text: str
    rows: list[GridRow] = field(default_factory=list)
    pages: int | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")
