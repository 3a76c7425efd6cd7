"""Tab-separated text → table blocks: which lines belong to which table.

A table in this layout is printed as a title line (often after a "表 N" / "表一：" line),
the 编制部门 and 单位 lines, then one tab-separated line per table row. It ends at the
first prose line after its rows (a 备注 line is kept as the table's note). A run of rows
with no title before it (the title was lost in conversion) becomes an untitled block,
which the reader identifies from the shape of its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..model import Document, Issue
from ..numbers import parse_amount, squash, unwrap
from ..parse.prose import PAGE_MARKER, PAGE_NUMBER
from ..parse.titles import ENDS_LIKE_TITLE, is_toc_entry, numbered_title, table_key_for_title
from ..readers.tsv import MAX_CELLS, split_cells

PERF_PROJECT = "performance-project"
PERF_DEPARTMENT = "performance-department"

_PERF_TITLE = re.compile(r"^(项目支出|部门整体|部门)绩效目标(申报)?表$")
# Lines printed between a title and its rows (or repeated at a page break).
_META = re.compile(
    r"^(表\s*([一二三四五六七八九十]+|\d+)(\s*[-－]\s*\d+)?\s*[:：]?"
    r"|编制(部门|单位).*|(金额)?单位\s*[:：].*"
    r"|[（(]\s*\d{4}\s*年度?\s*[)）])$")
_MAX_TITLE = 80
_NOTE = re.compile(r"^(备\s*注|注)\s*[:：]")
# A title with too many prose lines before any row is a mention, not a table.
_MAX_LINES_BEFORE_ROWS = 4
# "表 7", "表六：" on its own line: the number line that starts the next table.
_TABLE_NUMBER = re.compile(r"^表\s*([一二三四五六七八九十]+|\d+)(\s*[-－]\s*\d+)?\s*[:：]?$")


@dataclass
class TsvRow:
    """One printed row: its 1-based line and its cells (normalized, never None).
    `after_text` is True when a line of text (not a row, not blank) stands between this
    row and the previous row of its block."""

    line: int
    cells: list[str]
    after_text: bool = False

    def cell(self, index: int | None) -> str:
        if index is None or index < 0 or index >= len(self.cells):
            return ""
        return self.cells[index]

    def filled(self) -> list[tuple[int, str]]:
        return [(i, c) for i, c in enumerate(self.cells) if c]

    def amount(self, index: int | None) -> Decimal | None:
        """The amount printed in cell `index` (None if empty or not an amount)."""
        if index is None or index < 0 or index >= len(self.cells):
            return None
        return self.amounts[index]

    @cached_property
    def amounts(self) -> list[Decimal | None]:
        return [parse_amount(c) if c else None for c in self.cells]

    def has_amount(self) -> bool:
        return any(a is not None for a in self.amounts)


@dataclass
class RefusedLine:
    """A tab line not read as a row: its line, cell count and the table it stood in."""

    line: int
    cells: int
    key: str | None


@dataclass
class Block:
    """The lines of one table. `key` is a table key, a performance kind or None
    (rows with no title)."""

    key: str | None
    title: str | None
    line: int
    rows: list[TsvRow] = field(default_factory=list)
    note: str | None = None
    note_line: int | None = None
    closed: bool = False
    lines_before_rows: int = 0


def clean_text(text: str | None) -> str | None:
    """A cell's text with wrap spaces removed: "一般公共服务支 出" → "一般公共服务支出".

    Only white space between two wide (CJK) characters goes: "2025 年单位运转项目"
    keeps its printed space.
    """
    if text is None:
        return None
    return unwrap(text) or None


def block_key_for_line(text: str) -> str | None:
    """The table key (or performance kind) a title line names, or None."""
    if len(text) > _MAX_TITLE or not ENDS_LIKE_TITLE.search(text) or is_toc_entry(text):
        return None
    key = table_key_for_title(text)
    if key:
        return key
    s = squash(text)
    if _PERF_TITLE.match(s):
        return PERF_PROJECT if s.startswith("项目") else PERF_DEPARTMENT
    return None


def find_blocks(lines: list[str], refused: list[RefusedLine] | None = None) -> list[Block]:
    """Every table block of the document, in order (see the module docstring).

    A tab line with more than MAX_CELLS cells is left out of its block and listed in
    `refused`, so that its reader never builds thousands of columns from it.
    """
    blocks: list[Block] = []
    current: Block | None = None
    after_text = True
    before: str | None = None  # the last line of text: a title's number ("表一：")
    for number, raw in enumerate(lines, 1):
        if "\t" in raw:
            before = None
            if raw.count("\t") >= MAX_CELLS:
                if refused is not None:
                    open_block = current is not None and not current.closed
                    refused.append(RefusedLine(number, raw.count("\t") + 1,
                                               current.key if open_block else None))
                continue
            cells = split_cells(raw)
            if not any(cells):
                continue
            if _is_meta_row(cells):
                after_text = True
                continue
            if current is None or current.closed:
                current = Block(None, None, number)
                blocks.append(current)
            current.rows.append(TsvRow(number, cells, after_text))
            after_text = False
            continue
        text = raw.strip()
        if not text or PAGE_MARKER.match(text):
            continue  # a page's number ("第 6 页") stands between rows, or header rows
        after_text = True
        key = block_key_for_line(text)
        text_before, before = before, text
        if key:
            current = _start_block(blocks, current, key, numbered_title(text, text_before), number)
            continue
        if current is None or current.closed:
            continue
        _prose_line(current, text, number)
        if current.closed and not current.rows and current.note is None:
            blocks.remove(current)  # a title mentioned in prose, with no table
            current = None
    return [b for b in blocks if b.rows or b.note is not None]


def _is_meta_row(cells: list[str]) -> bool:
    """"编制部门：…\t\t单位：万元" printed as a tab row: not part of the table."""
    return all(_META.match(squash(c)) for c in cells if c)


def _start_block(blocks: list[Block], current: Block | None, key: str, title: str,
                 number: int) -> Block:
    # The same title printed again right after the table's rows is a page-break repeat.
    if current is not None and current.key == key and current.rows and not current.note \
            and key not in (PERF_PROJECT, PERF_DEPARTMENT):
        current.closed = False
        return current
    block = Block(key, title, number)
    blocks.append(block)
    return block


def _prose_line(block: Block, text: str, number: int) -> None:
    """A non-table line inside or just after a block: meta, a note, or the end."""
    if _NOTE.match(text):
        block.note, block.note_line = text, number
        block.closed = True
        return
    if block.rows and _TABLE_NUMBER.match(squash(text)):
        block.closed = True  # the number line of the next table (its title may be lost)
        return
    if _META.match(squash(text)) or _META.match(text) or PAGE_NUMBER.match(text):
        return  # (a page number: the table may go on on the next page)
    if not block.rows:
        # A broken 编制部门 line continues here ("…人民政府" / "办公室").
        block.lines_before_rows += 1
        if block.lines_before_rows > _MAX_LINES_BEFORE_ROWS:
            block.closed = True
        return
    block.closed = True


@dataclass
class ReadContext:
    """The document being read, and issues on it."""

    doc: Document

    def issue(self, slug: str, message: str, line: int | None, key: str | None,
              severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity, key))
