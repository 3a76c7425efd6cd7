"""Reader for Word table text (layout `word-cells`, sample 001): rows of cells → a Grid.

Word's "save as text" prints every table cell on its own line behind a tab, and a blank
line after each table row. Everything else (titles, 编制部门, 说明 prose) is plain text.
Two quirks decide the shape of this module:

* a cell's text can go on over untabbed lines (vertical merged-cell headers print
  "总/体/目/标" one character a line; "项目资金" + "（万元）");
* a cell whose text starts with an empty paragraph prints as an empty cell, a blank line
  and then its text untabbed, directly followed by the row's next cells — so a blank line
  is not always the end of a row (表二 header "上/级/补助/收/入").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from ..grid import Cell as GridCell
from ..grid import Grid, GridRow, origin_at
from ..numbers import normalize_cell, parse_amount, squash
from ..parse.prose import PAGE_MARKER
from .text import ENDS_LIKE_TITLE, PART_HEADING_RE, TABLE_NUMBER_RE

# Word bookmarks leak into the text as "[bookmark: _GoBack]".
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_META = re.compile(r"^(编制(部门|单位)|单位[:：]|金额单位|备注|注[:：])")
_ASCII_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9]")
# Most blank lines allowed between an empty cell and its untabbed text (see module doc).
_MAX_MERGE_GAP = 2
# Vertical header text is a few characters a line; longer untabbed text is prose.
_MAX_MERGE_TEXT = 12
# Titles and 编制部门/单位 lines are short; longer text is never a meta line.
_MAX_META_LENGTH = 80


def clean_text(text: str) -> str:
    """A cell's text without Word artifacts and outer (full-width) white space."""
    if "[bookmark" in text:
        text = _BOOKMARK.sub("", text)
    return text.replace("\u3000", " ").strip()


@dataclass
class Cell:
    """One table cell: its text (continuation lines joined) and the line it starts on.

    `clean`, `number_text` and `amount` are filled once the text is complete (`finish`)."""

    text: str
    line: int
    clean: str = ""
    number_text: str = ""
    amount: Decimal | None = None

    def finish(self) -> None:
        self.clean = clean_text(self.text)
        if not self.clean:
            return  # most cells of a Word table are empty
        # Full-width digits made ASCII, for amounts and codes.
        self.number_text = normalize_cell(self.clean)
        self.amount = parse_amount(self.number_text) if self.number_text else None


@dataclass
class Group:
    """One printed table row: the cells between two blank lines."""

    cells: list[Cell]
    line: int
    end: int

    def texts(self) -> list[str]:
        return [c.clean for c in self.cells]


@dataclass
class Loose:
    """A plain (untabbed) line: title, 编制部门, prose."""

    line: int
    text: str


@dataclass
class CellText:
    groups: list[Group] = field(default_factory=list)
    loose: list[Loose] = field(default_factory=list)


def is_meta_line(text: str) -> bool:
    """A line that is never part of a cell: 表X：, a title, 编制部门, 单位：万元, 第X部分."""
    s = squash(clean_text(text))
    if not s or len(s) > _MAX_META_LENGTH:
        return False
    if _META.match(s) or TABLE_NUMBER_RE.match(s) or PART_HEADING_RE.match(s):  # (第三部分 …)
        return True
    if "单位:万元" in s or "单位：万元" in s:
        return True
    # shaped as a table's title ("…表", "…表（续）") and no sentence (which table it names is
    # the segmenter's business)
    return bool(ENDS_LIKE_TITLE.search(s)) and not any(mark in s for mark in "。，；《")


def _join(first: str, more: list[str]) -> str:
    """A cell's text and its continuation lines (each not blank): no space between CJK
    text, one between Latin words. Joined once, not line by line: prose run into a cell
    can be thousands of lines."""
    pieces = [first.rstrip()]
    last = pieces[0][-1:]
    for line in more:
        line = line.strip()
        if _ASCII_END.match(last) and _ASCII_START.match(line):
            pieces.append(" ")
        pieces.append(line)
        last = line[-1:]
    return "".join(pieces)


def _can_reopen(groups: list[Group], pending: list[Loose]) -> bool:
    """Untabbed text after a blank line that belongs to the previous row's empty last cell."""
    if not groups or not pending:
        return False
    last = groups[-1]
    if clean_text(last.cells[-1].text):
        return False
    if pending[0].line - last.end - 1 > _MAX_MERGE_GAP:
        return False
    if any(pending[i + 1].line != pending[i].line + 1 for i in range(len(pending) - 1)):
        return False
    return all(len(p.text.strip()) <= _MAX_MERGE_TEXT and not is_meta_line(p.text) for p in pending)


def split_cells(lines: list[str]) -> CellText:
    """One linear pass: tab lines → cells, blank lines → row ends, page numbers skipped,
    the rest → loose lines."""
    out = CellText()
    current: Group | None = None
    pending: list[Loose] = []
    more: list[str] = []  # continuation lines of the current row's last cell

    def close_cell() -> None:
        if more:  # (only ever filled while a row is open)
            current.cells[-1].text = _join(current.cells[-1].text, more)
            more.clear()

    def close_row() -> None:
        nonlocal current
        if current is not None:
            close_cell()
            out.groups.append(current)
            current = None

    for number, raw in enumerate(lines, 1):
        if raw.startswith("\t"):
            close_cell()  # new cells follow
            if current is None:
                if _can_reopen(out.groups, pending):
                    current = out.groups.pop()
                    current.cells[-1].text = "".join(p.text.strip() for p in pending)
                else:
                    out.loose.extend(pending)
                    current = Group([], number, number)
                pending = []
            # One cell a line; a line with further tabs prints several cells (a row's
            # cells run together): each is a cell of the row, so that the row's width
            # shows the extra cells instead of one cell hiding them in its text.
            current.cells += [Cell(text, number) for text in raw[1:].split("\t")]
            current.end = number
        elif not raw.strip():
            close_row()
            out.loose.extend(pending)
            pending = []
        elif PAGE_MARKER.match(raw):
            continue  # a page's number ("第 6 页") is no cell, nor a row's end
        elif current is not None and not is_meta_line(raw):
            more.append(raw)
            current.end = number
        else:
            close_row()
            pending.append(Loose(number, raw))
    close_row()
    out.loose.extend(pending)
    for group in out.groups:
        for cell in group.cells:
            cell.finish()
    return out


def cell_line_stats(lines: list[str]) -> tuple[int, int]:
    """(lines that are one tab-prefixed cell, lines that contain a tab at all)."""
    single = tabbed = 0
    for raw in lines:
        if "\t" in raw:
            tabbed += 1
            if raw.startswith("\t") and "\t" not in raw[1:]:
                single += 1
    return single, tabbed


_CODE_TEXT = re.compile(r"^\d{1,7}$")


def grid_of_cells(path: str, lines: list[str], cells: CellText) -> Grid:
    """Word table text already split by `split_cells` as a Grid: a table row's cells (empty
    ones left out) with `col` counted from the row's end (-1: the last column), since a
    horizontally merged cell prints once and only the right end lines a row up with its
    header; a plain line (title, 编制部门, prose) as a one-cell row without a column. It
    knows no table kinds."""
    grid = Grid(path=path, format="word-cells", text="\n".join(lines))
    rows = [row for row in map(_table_row, cells.groups) if row is not None]
    rows += [GridRow([GridCell(text, origin_at(x.line))], x.line)
             for x in cells.loose if (text := clean_text(x.text))]
    grid.rows = sorted(rows, key=attrgetter("line"))
    return grid


def _table_row(group: Group) -> GridRow | None:
    """A printed row (None when every cell is empty); its line is that of its first figure
    cell, printed or empty (a row spans a line per cell, and a message about the row points
    at its figures)."""
    cells = group.cells
    width = len(cells)
    printed = [(i, c) for i, c in enumerate(cells) if c.clean]
    if not printed:
        return None
    named = max((i for i, c in printed if c.amount is None), default=-1)
    # the figures follow the last name (a code before it reads as a number too)
    if named + 1 < width:  # the first figure after it, else the cell after it (no figures)
        line = next((c.line for i, c in printed if i > named and c.amount is not None), cells[named + 1].line)
    else:  # text in the last cell (a cell moved): its first figure with decimals
        line = next((c.line for _, c in printed if c.amount is not None and "." in c.number_text), group.line)
    return GridRow([GridCell(_grid_text(c), origin_at(c.line), i - width) for i, c in printed],
                   line, ruled=True, width=width)


def _grid_text(cell: Cell) -> str:
    """An amount or a code with its full-width digits made ASCII, an amount without the
    spaces a cell cannot hold between its digits ("7 4.25": a number split); other text as
    printed."""
    if cell.amount is not None:
        return cell.number_text.replace(" ", "")
    if _CODE_TEXT.match(cell.number_text):
        return cell.number_text
    return cell.clean
