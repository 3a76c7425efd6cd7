"""Reader for padded PDF text (layout `pdf-padded`, sample 003): every table cell printed
as its text plus one space, so a run of spaces is a run of empty cells.

Each non-empty token is a cell in print order. Counting cells tells a cell's column
only from the line's right end (a label may hold spaces of its own: "收 入 总 计", a
6-space indent), so an amount on a line that keeps its final space gets `col` counted
from the right, as a negative index (-1: the last column); labels, and every cell of a
line whose trailing spaces were trimmed, get None. Header lines do not count like body
lines (a multi-level header prints each heading once): no x-extents. It knows no table
kinds.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..grid import Cell, GridRow, origin_at
from ..model import Issue
from .text import is_amount

# A line longer than this is no table row (a row of 30 amounts is ~400 characters).
MAX_ROW_CHARS = 2000


def padded_rows(lines: Iterable[tuple[int, str]], path: str) -> tuple[list[GridRow], list[Issue]]:
    """(line number, text) pairs → one GridRow per line with text; a line too long to be
    a table row is left out, with an issue."""
    rows, issues = [], []
    for number, text in lines:
        if len(text) > MAX_ROW_CHARS:
            issues.append(Issue("row-unread", f"第 {number} 行：一行有 {len(text)} 个字符，"
                                "不是表格行，未读取", path, number, "warning"))
            continue
        tokens = text.split()  # the runs of non-space characters (as re's \S+)
        if not tokens:
            continue
        origin = origin_at(number)
        if len(tokens) == 1 and not is_amount(tokens[0]):  # (a line of text: most lines)
            rows.append(GridRow([Cell(tokens[0], origin)], number))
            continue
        cells = [Cell(t, origin) for t in tokens]
        amount = list(map(is_amount, tokens))
        if text.endswith(" ") and True in amount:
            slots = text[:-1].split(" ")
            counted = [i - len(slots) for i, slot in enumerate(slots) if slot and is_amount(slot)]
            if len(counted) == sum(amount):
                for cell, col in zip((c for c, a in zip(cells, amount) if a), counted):
                    cell.col = col
        # a sentence ("… 2024 年没有使用 …") and a row of amounts alone keep their cells
        if amount[-1] and False in amount:
            cells = _numbers_in_labels(cells, amount)
        rows.append(GridRow(cells, number))
    return rows, issues


def _numbers_in_labels(cells: list[Cell], amount: list[bool]) -> list[Cell]:
    """Amounts stand right of a row's labels: a number of digits alone between two pieces of
    label text (words, not a split number's ".66"; a figure such as 1,904.49 before the
    other side's label is none) is part of the label ("一般行政管理事务 12345
    在线政务服务平台运行保障项目"), joined to the text after it. Numbers before the first
    text (a code: 201 03 02) stay cells."""
    out: list[Cell] = []
    labelled = False  # a piece of text came before
    for i, cell in enumerate(cells):
        after = cells[i + 1] if i + 1 < len(cells) else None
        if labelled and cell.text.isdigit() and after is not None and any(ch.isalpha() for ch in after.text):
            after.text = f"{cell.text} {after.text}"
            continue
        labelled = labelled or not amount[i]
        out.append(cell)
    return out
