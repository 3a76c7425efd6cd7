"""The 支出 lines of a two-sided table whose 本年支出合计 the default mode of pdftotext
printed apart from its label (the 决算 template's 收入支出决算总表: its last rows come out
scrambled, "年初结转和结余 / 9759.38 / 结余分配 / 112.88"), so the in-order reading could not
confirm them: each function class line printed with its amount right after it
("八、社会保障和就业支出 / 754.75"), where those amounts add up to an amount the table
prints that no line took and the 本年支出合计 label prints with no amount after it; two
lines at least, none taking the table's largest amount (the 总计, which a scrambled last
row can print right after the last class line). The lines are read, and the 合计 takes
that amount; anything else stays missing.
"""

from __future__ import annotations

from ..grid import Cell
from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import to_wan
from .code_order import _is_plain_amount
from .rejoin import TAIL_LENGTH
from .segment import Segment
from .verify import TOP_LINE, USE_LINES, rounding_step

_SUBTOTAL = "本年支出合计"


def summed_expense_lines(table: Table, cells: list[Cell], seg: Segment, unit: str, path: str) -> list[Issue]:
    """Read the 支出 lines as the module docstring says, where none was read."""
    if any(r.side == "expense" and r.get("amount") is not None and TOP_LINE.match(squash(r.name or ""))
           for r in table.rows):
        return []
    lines = []
    for i, cell in enumerate(cells[:-1]):
        text = squash(cell.text)
        after = cells[i + 2].text if i + 2 < len(cells) else ""
        # (the 支出用途 lines, 江苏, end in 支出 too, but are no class)
        if TOP_LINE.match(text) and text.endswith("支出") and TOP_LINE.sub("", text) not in USE_LINES \
                and _is_plain_amount(cells[i + 1].text) and not _is_plain_amount(after):
            lines.append((cell, cells[i + 1]))
    # (an amount as large as the table's 总计 is a total's, printed next to the last line;
    # and one line's amount is its own sum: two lines at least)
    largest = max((to_wan(c.text, unit) for c in cells if _is_plain_amount(c.text)), default=None)
    lines = [(name, amount) for name, amount in lines if to_wan(amount.text, unit) != largest]
    label = [i for i, c in enumerate(cells) if squash(c.text) == _SUBTOTAL]
    if len(lines) < 2 or len(label) != 1 or (label[0] + 1 < len(cells) and _is_plain_amount(cells[label[0] + 1].text)):
        return []
    total = sum(to_wan(a.text, unit) for _, a in lines)
    taken = {id(a) for _, a in lines}
    step = rounding_step(unit)
    printed = [c for c in cells if id(c) not in taken and _is_plain_amount(c.text)
               and abs(to_wan(c.text, unit) - total) <= step * len(lines)]
    if not printed:
        return []
    for name, amount in lines:
        put_line(table, name.text.strip(), "expense", amount, unit)
    put_line(table, cells[label[0]].text.strip(), "expense", printed[0], unit)
    return [Issue("rendering-columns-lost", f"{seg.title}（第 {seg.line} 行）：本文本丢失了列位置，"
                  f"支出各行按紧随标签的金额读出，其和与表中印出的{_SUBTOTAL} {printed[0].text} 相符（{len(lines)} 行）",
                  path, seg.line, "warning", table=table.key or None)]


def put_line(table: Table, name: str, side: str, cell: Cell, unit: str) -> None:
    """The amount into the side's line of that name: printed so, or, where the line was
    read with its wrapped tail (-raw prints "1.一般公共预" / its row's next line / "算":
    `rejoin.reattach_glued_amounts`), the one line whose name is `name` and a tail (a 收入
    line: a function label ends in 支出, whole); else a new line."""
    row = next((r for r in table.rows if squash(r.name) == squash(name) and r.side == side), None)
    if row is None and side == "income":
        longer = [r for r in table.rows if r.side == side and squash(r.name).startswith(squash(name))
                  and 0 < len(squash(r.name)) - len(squash(name)) <= TAIL_LENGTH]
        row = longer[0] if len(longer) == 1 else None
    if row is None:
        row = Row(line=cell.origin.line or table.line, name=name, kind="line", side=side)
        table.rows.append(row)
    row.values["amount"], row.origins["amount"] = to_wan(cell.text, unit), cell.origin
