"""Word files (.docx): tables and paragraphs in document order.

The body's children are read in order: a paragraph (w:p) becomes a one-cell row (prose,
`col` None); a table (w:tbl) one row per table row (`ruled` = True), each cell with its
grid column (`Cell.col`, 0-based, counting the columns a merged cell spans and the row's
skipped leading columns) and its place as "表2 行5 列3" (table, row and column, 1-based).
A merged cell counts once: a horizontal merge (gridSpan) is one cell at its first column,
a vertical merge (vMerge) has its text in its first row and nothing in the rows it
continues into. A cell's paragraphs are joined with a space; a table nested in a cell
reads as that cell's text. Content controls (w:sdt) are read through.

`Grid.text` is one line per row: a table row's cells separated by tabs (an empty column
is an empty field), a paragraph as is; empty paragraphs leave no line. Not read: headers,
footers, footnotes, comments, tracked deletions, and the old binary .doc format.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..grid import Cell, Grid, GridRow, tab_line
from ..model import Issue, Origin

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, display_path: str) -> Grid:
    """The Word file at `path` as a Grid (`display_path` names it in messages)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        body = docx.Document(str(path)).element.body
    except (OSError, PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            XMLSyntaxError) as error:
        issue = Issue("docx-unreadable", f"无法读取 Word 文件：{error}", display_path,
                      None, "error")
        return Grid(display_path, "docx", "", issues=[issue])
    reader = _BodyReader()
    for element in _through_controls(body, (_W + "p", _W + "tbl")):
        if element.tag == _W + "p":
            reader.add_paragraph(element)
        else:
            reader.add_table(element)
    grid = Grid(display_path, "docx", "\n".join(reader.lines), reader.rows)
    if reader.tables == 0:
        grid.issues.append(Issue("docx-no-tables", "Word 文件中没有表格，按正文读取",
                                 display_path, None, "info"))
    return grid


def _through_controls(parent, tags: tuple[str, ...]):
    """The children of `parent` with one of `tags`, through content controls (w:sdt) around
    them: the paragraphs and tables of a body, the cells of a row."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag == _W + "sdt":
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _through_controls(content, tags)


def _text(element) -> str:
    """The visible text under `element`: its w:t runs, tabs and breaks as spaces."""
    pieces = []
    for node in element.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        pieces.append(node.text or "" if node.tag == _W + "t" else " ")
    return "".join(pieces).strip()


def _cell_text(tc) -> str:
    # runs' text only (itertext in C is most of the reader's speed); a tab or break inside
    # a cell's paragraph joins its two sides
    return " ".join(t for p in tc.iter(_W + "p") if (t := "".join(p.itertext(_W + "t")).strip()))


def _int_val(parent, tag: str, default: int) -> int:
    node = parent.find(tag) if parent is not None else None
    value = node.get(_W + "val") if node is not None else None
    return int(value) if value and value.isdigit() else default


class _BodyReader:
    """Collects the lines and rows in document order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.rows: list[GridRow] = []
        self.tables = 0

    def add_paragraph(self, p) -> None:
        text = _text(p)
        if not text:
            return
        self.lines.append(text)
        line = len(self.lines)
        self.rows.append(GridRow([Cell(text, Origin(line))], line))

    def add_table(self, tbl) -> None:
        self.tables += 1
        table = self.tables
        for row_number, tr in enumerate(tbl.iterchildren(_W + "tr"), start=1):
            cells = list(_row_cells(tr))
            if not cells:
                continue
            self.lines.append(tab_line(cells))
            line = len(self.lines)
            self.rows.append(GridRow(
                [Cell(text, Origin(line, cell=f"表{table} 行{row_number} 列{col + 1}"), col=col)
                 for col, text in cells], line, ruled=True))


def _row_cells(tr):
    """(grid column, text) of the row's cells that have text and start here (not a
    vertical merge's continuation)."""
    col = _int_val(tr.find(_W + "trPr"), _W + "gridBefore", 0)
    for tc in _through_controls(tr, (_W + "tc",)):
        properties = tc[0] if len(tc) and tc[0].tag == _W + "tcPr" else None
        span, continues = 1, False
        if properties is not None:
            span = _int_val(properties, _W + "gridSpan", 1)
            merge = properties.find(_W + "vMerge")
            continues = merge is not None and merge.get(_W + "val", "continue") == "continue"
        text = "" if continues else _cell_text(tc).replace("\t", " ")
        if text:
            yield col, text
        col += span
