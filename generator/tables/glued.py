"""The lines of a two-sided table whose sides print as label | amount column pairs side by
side (江苏's 收支预算总表: 收入, 支出 by function, 支出 by use), as pdftotext's default mode
renders it: each column printed on its own, except that an amount is glued to the label of
the next column on its row ("17,981.68 二、外交支出": the 收入 amount of row 2).

A label's row is its ordinal (一 … 二十 on the function side, 一 二 三 on the use side);
the 收入 labels take rows in their print order (一、 then its 1. 2. lines, then 二、 …). So:

- an amount glued to function label k is the 收入 amount of row k (printed on a line of its
  own, one of the two amounts right before the label: the identities choose);
- an amount glued to use label k is the function amount of row k; a function line below
  the use lines (no label right of it) takes the amount printed right after it. An amount
  printed anywhere else is not placed: a wrapped label can print it after a later label
  ("十七、国土海洋气象等支" / "1,836.22" / "出": 八's amount), so the side is not read.

Every side is kept only where its identities hold: each 一、 line = its 1. 2. lines (where
printed), the 一、 lines add up to the side's 小计 (or, without one, the table's total).
Anything else stays missing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import product

from ..grid import Cell
from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import to_wan
from .catalogue import Catalogue
from .code_order import _is_plain_amount
from .columnar import _cells
from .rejoin import TAIL_LENGTH
from .segment import Segment
from .verify import TOP_LINE, USE_LINES, rounding_step

_TOP = re.compile(r"^([一二三四五六七八九十]+)[、.．](.+)$")
_SUB = re.compile(r"^(\d+)[.．](.+)$")
_NUMERALS = "一二三四五六七八九十"
HEADER_WORDS = ("金额", "预算数", "决算数", "收入", "支出", "项目")


def _numeral(text: str) -> int:
    """一 → 1 … 十九 → 19, 二十 → 20."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.index(text[1]) + 1
    if text.endswith("十"):
        return (_NUMERALS.index(text[0]) + 1) * 10
    if "十" in text:
        tens, ones = text.split("十")
        return (_NUMERALS.index(tens) + 1) * 10 + _NUMERALS.index(ones) + 1
    return _NUMERALS.index(text) + 1


class _Labels:
    """The table's labels by column: function (row → cell index), use, income (in order)."""

    def __init__(self, cells: list[Cell], catalogue: Catalogue):
        uses = [squash(u) for u in catalogue.labels["expense_use"]]
        self.function: dict[int, int] = {}
        self.use: dict[int, int] = {}
        self.income: list[int] = []
        for i, cell in enumerate(cells):
            text = squash(cell.text)
            top, sub = _TOP.match(text), _SUB.match(text)
            if top and any(u.startswith(top.group(2)) for u in uses if len(top.group(2)) >= 2):
                self.use.setdefault(_numeral(top.group(1)), i)
            elif top and top.group(2).endswith("支出"):
                self.function.setdefault(_numeral(top.group(1)), i)
            elif (top or sub) and not _is_plain_amount(text):
                self.income.append(i)

    def income_rows(self, cells: list[Cell]) -> list[int]:
        """The 收入 labels in row order: each 一、 line, then its numbered lines (a line
        "n." goes under the 一、 line whose last is "n-1.", else the one before it)."""
        groups: list[list[int]] = []
        for i in self.income:
            sub = _SUB.match(squash(cells[i].text))
            if sub is None or not groups:
                groups.append([i])
                continue
            n = int(sub.group(1))
            home = next((g for g in groups if _last_sub(g, cells) == n - 1 and n > 1), groups[-1])
            home.append(i)
        return [i for g in groups for i in g]


def _last_sub(group: list[int], cells: list[Cell]) -> int:
    subs = [int(m.group(1)) for i in group[1:] if (m := _SUB.match(squash(cells[i].text)))]
    return subs[-1] if subs else 0


def glued_side_lines(table: Table, seg: Segment, catalogue: Catalogue, unit: str, path: str) -> list[Issue]:
    """Put the 收入 lines and the function 支出 lines of a side-by-side table whose lines
    the in-order reading could not confirm (see the module docstring); a table whose
    本年支出合计 printed apart: `summed_expense_lines`."""
    cells = _cells(seg)
    summed = summed_expense_lines(table, cells, seg, unit, path)
    if summed or not seg.rows or any(r.get("amount") is not None for r in table.rows if r.side == "income"):
        return summed
    labels = _Labels(cells, catalogue)
    if not labels.use or not labels.function:
        return []  # not a table with a use side
    glued = {i + 1: i for i in range(len(cells) - 1)
             if _is_plain_amount(cells[i].text) and not _is_plain_amount(cells[i + 1].text)
             and cells[i].origin.line == cells[i + 1].origin.line}
    step = rounding_step(unit)
    total = table.totals.get("expense")
    total = total.get("amount") if total is not None else None
    found = _income_lines(cells, labels, glued, unit, step) + \
        _function_lines(cells, labels, glued, unit, step, total)
    if not found:
        return []
    for name, side, cell in found:
        put_line(table, name, side, cell, unit)
    return [Issue("rendering-columns-lost", f"{seg.title}（第 {seg.line} 行）：本文本丢失了列位置，"
                  f"收入、支出各行按粘连在下一列标签上的金额和行序读出，已由小计核对（{len(found)} 行）",
                  path, seg.line, "warning", table=table.key or None)]


def _subtotal(cells: list[Cell], word: str) -> int | None:
    """The index of the side's 小计 label (当年收入小计 …) with its amount right after it."""
    for i, cell in enumerate(cells[:-1]):
        if squash(cell.text).endswith(word) and _is_plain_amount(cells[i + 1].text):
            return i
    return None


def _income_lines(cells, labels: _Labels, glued: dict, unit: str, step: Decimal) -> list:
    """The 收入 lines: each row's amount is the one glued to its function label, or (where
    the rendering put them on lines of their own) one of the amounts printed right before
    that label, or none; every choice that keeps the identities is tried, and a row is
    read where they all agree."""
    rows = labels.income_rows(cells)
    label = _subtotal(cells, "收入小计")
    if label is None or not rows:
        return []
    choices: list[list[int | None]] = []
    for row in range(1, len(rows) + 1):
        index = labels.function.get(row)
        if index is None:
            choices.append([None])
        elif index in glued:
            choices.append([glued[index]])
        else:
            choices.append([None, *_amounts_before(cells, index)])
    if sum(len(c) for c in choices) > MAX_CHOICES:
        return []
    subtotal = to_wan(cells[label + 1].text, unit)
    agreed: dict[int, int | None] | None = None
    for choice in product(*choices):
        picked = [a for a in choice if a is not None]
        amount = {rows[k]: to_wan(cells[a].text, unit) for k, a in enumerate(choice) if a is not None}
        if len(set(picked)) == len(picked) and _income_holds(amount, rows, subtotal, cells, step):
            mine = dict(zip(rows, choice))
            agreed = mine if agreed is None else {k: a for k, a in agreed.items() if mine[k] == a}
    values = {i: cells[a] for i, a in (agreed or {}).items() if a is not None}
    if not values:
        return []
    return [*((_name(cells, i), "income", values[i]) for i in rows if i in values),
            (cells[label].text.strip(), "income", cells[label + 1])]


# choices of 收入 amounts tried at most (rows × amounts before each label)
MAX_CHOICES = 24
# how many amounts printed right before a function label may be its row's 收入 amount
BEFORE_LABEL = 2


def _amounts_before(cells: list[Cell], index: int) -> list[int]:
    found = []
    for j in range(index - 1, max(-1, index - 1 - BEFORE_LABEL), -1):
        if not _is_plain_amount(cells[j].text):
            break
        found.append(j)
    return found


def _income_holds(amount: dict[int, Decimal], rows: list[int], subtotal: Decimal, cells, step: Decimal) -> bool:
    """The 一、 lines add up to the 小计, each 一、 line to its numbered lines."""
    tops = [i for i in rows if _TOP.match(squash(cells[i].text))]
    if not amount or abs(sum(amount.get(i, 0) for i in tops) - subtotal) > step * len(tops):
        return False
    for k, top in enumerate(tops):  # each 一、 line's numbered lines: the rows up to the next 一、
        subs = rows[rows.index(top) + 1:rows.index(tops[k + 1]) if k + 1 < len(tops) else len(rows)]
        if subs and top in amount and abs(amount[top] - sum(amount.get(i, 0) for i in subs)) > step * len(subs):
            return False
    return True


def _function_lines(cells, labels: _Labels, glued: dict, unit: str, step: Decimal,
                    total: Decimal | None) -> list:
    """`total`: the table's 支出合计, what the lines add up to when the 小计 prints no
    amount beside its label (and nothing is carried to next year, else they do not)."""
    label = _subtotal(cells, "支出小计")
    subtotal = to_wan(cells[label + 1].text, unit) if label is not None else total
    if subtotal is None:
        return []
    claimed = set(glued.values())
    values: dict[int, int] = {}  # function label index → amount index
    for row, index in labels.use.items():
        if index in glued and row in labels.function:
            values[labels.function[row]] = glued[index]
    for row, index in labels.function.items():
        after = index + 1
        if row > max(labels.use) and after < len(cells) and _is_plain_amount(cells[after].text) \
                and after not in claimed:
            values[index] = after
    rest = subtotal - sum(to_wan(cells[a].text, unit) for a in values.values())
    if abs(rest) > step * max(1, len(values)):
        # a function amount printed elsewhere (after a label that wrapped, which can put
        # it after a later label; the default mode may even print an amount before its
        # label, left of it on its row: 决算 "4884.09" / "人员经费合计"): no place to
        # confirm it, so no function line is read
        return []
    return [(cells[i].text.strip(), "expense", cells[a]) for i, a in sorted(values.items())]


def _name(cells: list[Cell], i: int) -> str:
    """A 收入 label as printed, with its wrapped tail when that prints as the next cell
    (a function label ends in 支出: it has none)."""
    text = cells[i].text.strip()
    following = cells[i + 1].text.strip() if i + 1 < len(cells) else ""
    if following and len(following) <= TAIL_LENGTH and not _is_plain_amount(following) \
            and not _TOP.match(following) and not _SUB.match(following) and following not in HEADER_WORDS:
        text += following
    return text


_SUBTOTAL = "本年支出合计"


def summed_expense_lines(table: Table, cells: list[Cell], seg: Segment, unit: str, path: str) -> list[Issue]:
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
