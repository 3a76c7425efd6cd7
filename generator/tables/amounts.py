"""A row's cells as labels and amounts, and amounts in a table's unit → 万元, exactly."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..grid import Cell, GridRow
from ..numbers import parse_amount, squash, unwrap
from ..readers.text import is_amount

# How a line's label starts (一、 1. （一） or a total): in single-space text a new label.
LABEL_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]\S|[收支]?[入出]?(?:总计|合计)"
                         r"|(?:本年|当年|上年|年初|年末)(?:收入|支出|结转)|结转下年|结余分配|使用非财政拨款)")

# Powers of ten from a printed unit to 万元 (Decimal.scaleb: exact, no rounding).
TO_WAN = {"元": -4, "千元": -1, "万元": 0, "亿元": 4}


@lru_cache(maxsize=1 << 16)  # a document prints its figures in several tables (a Decimal is immutable)
def to_wan(text: str, unit: str) -> Decimal | None:
    """The amount a cell prints, in 万元: 156,211,123 元 → 15621.1123 (exact)."""
    value = parse_amount(text)
    if value is None:
        return None
    return value.scaleb(TO_WAN.get(unit, 0))


def from_wan(value: Decimal | None, unit: str) -> Decimal | None:
    """Back to the printed unit (exact): 15621.1123 万元 → 156211123 元."""
    return None if value is None else value.scaleb(-TO_WAN.get(unit, 0))


# The header's column-number row: "※ 1 2 3 4", "栏次 1 2 3" (the numbers are no amounts).
_INDEX_MARKS = frozenset({"※", "栏次", "行次", "项目"})


def is_index_row(row: GridRow) -> bool:
    """1 2 3 …, after an optional ※ / 栏次: the columns' numbers under a header."""
    expected = 1  # the next column number; a row of text fails at its first cell
    for cell in row.cells:
        text = cell.text.strip()
        if text in _INDEX_MARKS:
            continue
        if text != str(expected):
            return False
        expected += 1
    return expected > 2


def is_amount_cell(cell: Cell) -> bool:
    """An amount; in a cell that gives its column but no extent (a sheet, tab-separated
    text) the whole cell is one figure, so white space inside it ("1. 26", a number split
    in conversion) splits nothing."""
    if is_amount(cell.text):
        return True
    return cell.col is not None and cell.x0 is None and " " in cell.text.strip() and is_amount(squash(cell.text))


def mixed_decimals(amounts: list[Cell]) -> bool:
    """A row's amounts printed with different decimals ("28.3 9": a number split by a space)."""
    places = {len(a.text.partition(".")[2]) for a in amounts if "." in a.text}
    return len(places) > 1 or bool(places and any("." not in a.text for a in amounts))


def has_amount(row: GridRow) -> bool:
    for cell in row.cells:  # (a loop: asked of every row, several times)
        if is_amount(cell.text) or cell.col is not None and is_amount_cell(cell):
            return not is_index_row(row)
    return False


def pieces(cells: list[Cell]) -> list[tuple[list[Cell], list[Cell]]]:
    """A row as (label cells, amount cells) pairs in print order: a label, then the amounts
    after it up to the next label. Amounts before any label get an empty label list."""
    out: list[tuple[list[Cell], list[Cell]]] = []
    for cell in cells:
        if is_amount(cell.text):
            if not out:
                out.append(([], []))
            out[-1][1].append(cell)
        elif out and not out[-1][1] and (cell.x0 is None and not LABEL_START.match(cell.text)):
            out[-1][0].append(cell)  # single-space text: "1." "一般公共预算资金" is one label
        else:
            out.append(([cell], []))
    return out


def label_text(cells: list[Cell]) -> str:
    """The label the cells print, without wrap spaces between wide characters ("合 计")."""
    return "".join(unwrap(c.text) for c in cells)


# A space in text without cell positions is not known to be printed: kept only between
# two letters or digits ("12345 在线…" → "12345在线…").
_LOOSE_SPACE = re.compile(r"(?<![A-Za-z0-9])[ \u3000]+|[ \u3000]+(?![A-Za-z0-9])")


def name_text(texts: list[str], ruled: bool) -> str:
    """Pieces of a name or value as one text, wrap spaces out: where the cells are the
    input's own (`ruled`) only between two wide characters, else every space not
    between two letters or digits."""
    text = " ".join(t.strip() for t in texts if t.strip())
    if ruled:  # in a cell as printed, only a wrap between two wide characters goes ("2025 年…" stays)
        return unwrap(text)
    return _LOOSE_SPACE.sub("", text) if " " in text or "\u3000" in text else text
