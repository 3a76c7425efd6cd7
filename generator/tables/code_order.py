"""Coded tables the default mode of pdftotext prints column by column: the codes first,
fused ("208" / "20805" / "2080501", the 决算 template), then the names (wrapped into
pieces), then each row's amounts, row after row ("754.75 / 754.75 / 0.00 / 54.53 …"),
with nothing tying a run of amounts to its code.

A table lists its rows in code order, so the rows are its codes sorted; the runs of
amounts, in print order, are theirs one by one. That reading is kept only where it is
the table's own: as many runs as codes, each run adding up as a row's (合计 = 基本支出 +
项目支出, or 合计 and its one printed part), every 类 and 款 the sum of its 款 or 项, and
the 类 adding up to the 合计. Anything else reads nothing (missing, never wrong).

Also the runs' helpers `columnar` reads 类 rows by their names with (a run after a name,
and classes whose runs printed apart from their names, between their neighbours).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import product
from math import prod

from ..grid import Cell, Origin
from ..numbers import squash
from ..readers.text import is_amount
from .amounts import to_wan

# an amount, not a code or a code part: no leading zero ("05"), not a bare 类 code ("201",
# "301"), not a 款 or 项 code ("20404", "2040401")
_CODE_LIKE = re.compile(r"^(?:0\d+|[23]\d{2}|\d{5}|\d{7})$")
_FUSED_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
# how far a run's 合计 may be from its parts' sum (the documents round each cell)
ROW_SLACK = 2


def rows_in_code_order(cells: list[Cell], unit: str, step: Decimal, total: Decimal,
                       total_at: Origin | None) -> dict[str, Cell] | None:
    """Code → the cell of its row's 合计, for every row, where the runs of amounts match
    the codes in order as the module docstring says; else None. `total_at`: where the
    table's 合计 prints (its run is no row's)."""
    codes = {squash(c.text) for c in cells if _FUSED_CODE.match(squash(c.text))}
    # a 类 code alone on its line reads as a page number and is left out of the table's
    # cells: a 款's 类 is a row of its own (the sums below confirm it)
    codes = sorted(codes | {code[:3] for code in codes})
    if any(len(code) == 7 and code[:5] not in codes for code in codes):
        return None  # a 项 without its 款: not a table's code column
    runs = _runs(cells, unit, step, total, total_at)
    if runs is None or len(runs) != len(codes):
        return None
    value = {code: to_wan(cell.text, unit) for code, cell in zip(codes, runs)}
    for code in codes:
        children = [c for c in codes if len(c) == len(code) + 2 and c.startswith(code)]
        if children and abs(value[code] - sum(value[c] for c in children)) > step * len(children):
            return None
    classes = [code for code in codes if len(code) == 3]
    if abs(sum(value[c] for c in classes) - total) > step * len(classes):
        return None
    return dict(zip(codes, runs))


def _runs(cells: list[Cell], unit: str, step: Decimal, total: Decimal, total_at: Origin | None) -> list[Cell] | None:
    """The first cell of each row's run of amounts, in print order, the 合计 row's left
    out: three amounts where the first is the sum of the others, else two equal ones."""
    amounts = [c for c in cells if is_amount(c.text) and not _FUSED_CODE.match(squash(c.text))]
    values = [to_wan(c.text, unit) for c in amounts]
    runs: list[Cell] = []
    at = 0
    while at < len(amounts):
        three = values[at:at + 3]
        if len(three) == 3 and None not in three and abs(three[0] - three[1] - three[2]) <= ROW_SLACK * step:
            width = 3
        elif len(three) >= 2 and None not in three[:2] and three[0] == three[1]:
            width = 2
        else:
            return None
        if amounts[at].origin != total_at or values[at] != total:
            runs.append(amounts[at])
        at += width
    return runs


def _run_after(cells: list[Cell], i: int, unit: str) -> list[Decimal]:
    """The amounts printed right after cell `i` (up to three: 合计, 基本支出, 项目支出)."""
    run = []
    for c in cells[i + 1:i + 4]:
        if not _is_plain_amount(c.text):
            break
        run.append(to_wan(c.text, unit))
    return run


def _adds_up(amounts: list[Decimal], step: Decimal) -> bool:
    """A row's run of amounts: 合计, 基本支出, 项目支出 (or 合计 and its one printed part)."""
    if len(amounts) >= 3 and abs(amounts[0] - amounts[1] - amounts[2]) <= ROW_SLACK * step:
        return True
    return len(amounts) == 2 and amounts[0] == amounts[1]


@lru_cache(maxsize=1 << 16)  # cell texts repeat ("0.00", codes): bounded over a long build
def _is_plain_amount(text: str) -> bool:
    return is_amount(text) and not _CODE_LIKE.match(text.strip())


# how many classes whose amounts did not follow their names may be looked for, and how
# many choices of their rows tried at most
MAX_LOST, MAX_LOST_CHOICES = 3, 20000


def _lost_between(cells: list[Cell], found: dict[str, tuple[str, Cell | None]], lost: list[str],
                  rest: Decimal, unit: str, step: Decimal) -> dict[str, Cell] | None:
    """Classes whose amounts printed apart from their names (a class opening a page prints
    its amounts before its name and the repeated header): a table's rows print their
    amounts in row order, so a lost class's row is one of the rows whose amounts (adding up
    as a row's) print between those of the classes found before and after it by code. Each
    lost class takes one such row, in code order, and together they make up `rest` (the
    合计 less the classes found); placed where every choice that does agrees on the
    amounts, else None."""
    index = {id(c): i for i, c in enumerate(cells)}
    placed = sorted((code, index[id(c)]) for code, (_, c) in found.items() if c is not None)
    if len(lost) > MAX_LOST or [i for _, i in placed] != sorted(i for _, i in placed):
        return None  # the classes found must print in code order themselves
    options = []
    for code in sorted(lost):
        low = max((i for k, i in placed if k < code), default=-1)
        high = min((i for k, i in placed if k > code), default=len(cells))
        options.append([j for j in range(low + 1, high) if _is_plain_amount(cells[j].text)
                        and _adds_up(_run_after(cells, j - 1, unit), step)])
    if prod(len(o) for o in options) > MAX_LOST_CHOICES:
        return None
    chosen: dict[str, Cell] | None = None
    for choice in product(*options):
        amounts = [to_wan(cells[j].text, unit) for j in choice]
        if list(choice) != sorted(set(choice)) or abs(sum(amounts) - rest) > step * len(lost):
            continue
        if chosen is not None and [to_wan(c.text, unit) for c in chosen.values()] != amounts:
            return None  # two choices, two readings
        chosen = chosen or dict(zip(sorted(lost), (cells[j] for j in choice)))
    return chosen
