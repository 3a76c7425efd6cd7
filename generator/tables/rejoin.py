"""Rows of a coded table that a rendering without column positions (pdftotext default
mode, `-raw`) prints over several lines: the code alone ("201"), the name in pieces
("一般公共服务" / "支出"), then the amounts ("264.87 62.63 202.24"). They are joined back
into one row before the interpreter reads the table, each cell keeping its own line.

In a two-sided table the default mode glues a left-hand line's amount to the right-hand
line's label ("一、财政拨款收入" / "96,282,213.44 一、公共安全支出"): the amount goes back to the
line above when that line is a label without an amount.

A bare class code of three digits looks like a page number to the segmenter, which
leaves it out: it is taken back where the lines after it are such a row's name and
amounts.
"""

from __future__ import annotations

import re

from ..grid import Cell, Grid, GridRow
from ..model import Issue
from ..numbers import is_total_label, squash
from ..readers.text import is_amount
from .amounts import has_amount, label_text
from .codes import is_bare_section, read_code
from .segment import Segment
from .verify import TOP_LINE

_BARE_CLASS = re.compile(r"^\d{3}$")


def rejoin_wrapped_rows(seg: Segment, grid: Grid) -> None:
    """Join each code line, its name pieces and its amounts line into one row."""
    rows = _with_bare_codes(seg.rows, grid)
    codes = [_code_of(row) for row in rows]  # each row's code read once
    # after[i]: the first row from i on that is not text only (a code or an amount)
    after = [len(rows)] * (len(rows) + 1)
    for i in range(len(rows) - 1, -1, -1):
        text_only = bool(rows[i].cells) and codes[i][0] is None and not any(
            is_amount(c.text) for c in rows[i].cells)
        after[i] = after[i + 1] if text_only else i
    out: list[GridRow] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        code, _raw, used = codes[index]
        end = after[index + 1]
        if code is None and row.cells and is_bare_section(row.cells[0].text, row.cells[1].text if len(row.cells) > 1 else "") and (end > index + 1 or len(row.cells) > 1):
            code, used = row.cells[0].text, 1  # "03" / its name's pieces / amounts (表七)
        # a code printed in parts ("201 05 02") opens a row: it never closes one as amounts
        closing = rows[end] if code is not None and end < len(rows) and codes[end][2] < 2 else None
        if closing is not None and end > index + 1 and _total_split(rows[end - 1], closing):
            closing = None  # "合" / "计 1662.5" after a row that printed no amounts
        tail = _name_tail(closing) if closing and (used < len(row.cells) or end > index + 1) else 0
        if code is not None and not any(is_amount(c.text) for c in row.cells[used:]) and closing \
                and closing.cells and all(is_amount(c.text) for c in closing.cells[tail:]):
            names = [c for r in [row, *rows[index + 1:end]] for c in (r.cells[used:] if r is row else r.cells)]
            names += closing.cells[:tail]
            out.append(GridRow(cells=[*row.cells[:used], *_blocks(names), *closing.cells[tail:]], line=row.line,
                               page=row.page, ruled=row.ruled))
            index = end + 1
        elif index + 1 < len(rows) and _total_split(row, rows[index + 1]):  # "合" / "计 1662.5 …"
            after_row = rows[index + 1]
            label = Cell(row.cells[0].text + after_row.cells[0].text, row.cells[0].origin)
            out.append(GridRow(cells=[label, *after_row.cells[1:]], line=row.line, page=row.page, ruled=row.ruled))
            index += 2
        else:
            out.append(row)
            index += 1
    seg.rows = out


def cut_after_total(seg: Segment, path: str) -> list[Issue]:
    """A 合计 row after coded rows closes the table: the rows with amounts after it are
    another table's, whose title was lost (a table printing its 合计 first has no coded row
    before it). They are left out, reported."""
    coded = False
    for index, row in enumerate(seg.rows):
        if coded and row.cells and is_total_label(row.cells[0].text) and has_amount(row):
            rest = seg.rows[index + 1:]
            if not any(map(has_amount, rest)):
                return []
            seg.rows = seg.rows[:index + 1]
            return [Issue("table-cut", f"{seg.title}以第 {row.line} 行的合计行结束，其后 {sum(map(has_amount, rest))} "
                          f"行带金额的内容（第 {rest[0].line}–{rest[-1].line} 行）属于另一张表（其标题丢失？），"
                          "未读取", path, rest[0].line, "warning", seg.kind.key or None)]
        coded = coded or _code_of(row)[0] is not None
    return []


def _code_of(row: GridRow) -> tuple[str | None, str | None, int]:
    """The code opening a row, a 款 printed alone ("03 政府办公厅…") included."""
    found = read_code(row.cells)
    if found[0] is None and len(row.cells) > 1 and is_bare_section(row.cells[0].text, row.cells[1].text):
        return row.cells[0].text.strip(), row.cells[0].text.strip(), 1
    return found


def _total_split(row: GridRow, after: GridRow) -> bool:
    """A total label wrapped over two lines, the first alone on its line."""
    return len(row.cells) == 1 and bool(after.cells) and not is_total_label(row.cells[0].text) \
        and is_total_label(row.cells[0].text + after.cells[0].text)


def body_below_levels(rows: list[GridRow], index: int) -> int:
    """Where the body starts when only lone text pieces stand between the code levels'
    heading (类 款 项) and the first amounts: a unit's name ("新疆…" / "草原局"); else `index`."""
    start = index
    while start > 0 and len(rows[start - 1].cells) == 1 and not has_amount(rows[start - 1]):
        start -= 1
    above = squash(rows[start - 1].text()) if start > 0 else ""
    return start if start < index and above.endswith(("类款项", "类款")) else index


def _blocks(names: list[Cell]) -> list[Cell]:
    """The name pieces as one cell per block of lines printed without a blank line between
    them: a blank line parts two cells (表七's 科目名称 from its 项目名称)."""
    blocks: list[list[Cell]] = []
    for cell in names:
        line = cell.origin.line
        if blocks and (line is None or blocks[-1][-1].origin.line in (line, line - 1)):
            blocks[-1].append(cell)
        else:
            blocks.append([cell])
    return [Cell(label_text(block), block[0].origin) for block in blocks]


def _name_tail(row: GridRow) -> int:
    """How many text cells open a line that ends in amounts and names no row of its own: the
    tail of the name above ("行政运行（政府办公厅（室）及相关" / "机构事务） 1928 1928")."""
    tail = 0
    while tail < len(row.cells) and not is_amount(row.cells[tail].text):
        tail += 1
    if tail == len(row.cells) or read_code(row.cells)[0] is not None or starts_row(row.cells[0].text):
        return 0
    return tail


def starts_row(text: str) -> bool:
    """Text that opens a row of its own: a code, 合计 / 总计."""
    return text.strip()[:1].isdigit() or squash(text).startswith(("合计", "总计"))


def _with_bare_codes(rows: list[GridRow], grid: Grid) -> list[GridRow]:
    """The segment's rows with the bare 3-digit lines between them that open a row (text
    follows them, then amounts)."""
    if not rows:
        return rows
    taken = {r.line for r in rows}
    first, last = rows[0].line, rows[-1].line
    bare = [g for g in _bare_class_rows(grid) if first < g.line < last and g.line not in taken]
    merged = sorted([*rows, *bare], key=lambda r: r.line)
    return [r for i, r in enumerate(merged) if r.line in taken or (  # a bare code before a text-only line
        i + 1 < len(merged) and merged[i + 1].line in taken and (after := merged[i + 1]).cells
        and read_code(after.cells)[0] is None and not any(is_amount(c.text) for c in after.cells))]


# The last grid's bare class lines: every coded table of a grid asks (a scan of the whole
# grid each time was quadratic in a document's tables and lines).
_bare_rows: tuple[Grid | None, int, list[GridRow]] = (None, 0, [])


def _bare_class_rows(grid: Grid) -> list[GridRow]:
    global _bare_rows
    known, count, rows = _bare_rows
    if known is not grid or count != len(grid.rows):
        rows = [g for g in grid.rows if len(g.cells) == 1 and _BARE_CLASS.match(g.cells[0].text.strip())]
        _bare_rows = (grid, len(grid.rows), rows)
    return rows


def reattach_glued_amounts(seg: Segment) -> None:
    """"label" / "amount label" → "label amount" / "label" (two-sided tables). A label
    wrapped around such a line ("1.一般公共预" / "17,981.68 二、外交支出 …" / "算", -raw) takes
    its tail back: a short piece alone on the line after (see `_wrap_tail`)."""
    rows = list(seg.rows)
    tails: set[int] = set()
    for i in range(1, len(rows)):
        above, row = rows[i - 1], rows[i]
        if len(row.cells) >= 2 and is_amount(row.cells[0].text) and not is_amount(row.cells[1].text) \
                and above.cells and not any(is_amount(c.text) for c in above.cells):
            label = above.cells
            if len(above.cells) == 1 and i + 1 < len(rows) and _wrap_tail(rows[i + 1]):
                label = [Cell(above.cells[0].text + rows[i + 1].cells[0].text, above.cells[0].origin)]
                tails.add(i + 1)
            rows[i - 1] = GridRow(cells=[*label, row.cells[0]], line=above.line, page=above.page,
                                  ruled=above.ruled)
            rows[i] = GridRow(cells=row.cells[1:], line=row.line, page=row.page, ruled=row.ruled)
    seg.rows = [r for i, r in enumerate(rows) if i not in tails]


# how long a wrapped label's tail may be ("算", "动经费")
TAIL_LENGTH = 3


def _wrap_tail(row: GridRow) -> bool:
    """A label's wrapped tail: one short piece alone on its line, no amount, no total, and
    not the start of a label of its own (an ordinal "二、", "2.")."""
    if len(row.cells) != 1:
        return False
    text = squash(row.cells[0].text)
    return 0 < len(text) <= TAIL_LENGTH and not is_amount(text) and not is_total_label(text) \
        and not text[:1].isdigit() and not TOP_LINE.match(text) and text not in HEADER_WORDS


# the header's words a short line may print ("金额" under its column's label): no tail
HEADER_WORDS = frozenset({"金额", "预算数", "决算数", "收入", "支出", "项目", "合计", "小计"})

