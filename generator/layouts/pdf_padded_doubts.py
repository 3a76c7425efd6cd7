"""Signs that a row the pdf-padded reader did read is not the row that was printed.

Rows are read from the right (see `pdf_padded_cells`), so whatever shifts a line's
tokens moves amounts between columns without failing the read:

- a number split by a stray space ("28.39" → "28. 39", "28.3 9", "2 8.39") is two
  tokens: the row's leftmost amount slides into the label and each column takes its
  left neighbour's amount. Every split leaves a trace — the label ends in a number
  piece, or a value cell holds a number not printed like an amount (this layout prints
  every amount with two decimals: "1,584.39", "0.25");
- a line moved in from another table (a title lost, lines swapped) carries a code of
  another classification, or breaks the 类/款/项 order, which every table prints in
  ascending code order (201 < 20103 < 2010301 < 2010302 < 208 …).

A doubt becomes an issue on the row's line; the figure stays, with the issue next to it.
"""

from __future__ import annotations

import re

from .pdf_padded_cells import CLASS_CODE_RE

# A number or a piece of one: digits with commas, points or a sign, nothing else.
NUMBER_PIECE_RE = re.compile(r"^-?[\d,.]*\d[\d,.]*$")
PRINTED_AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d\d$")
# A line longer than this is no table row (a row of 30 amounts is ~400 characters);
# reading it would cost work in proportion to its length for every later check.
MAX_ROW_CHARS = 2000
# Function classification codes (支出功能分类) start with 2; economic ones (支出经济分类:
# 部门预算 30x, 政府预算 50x) with 3 or 5. 表六 is the one economic table.


def is_number_piece(token: str) -> bool:
    return bool(NUMBER_PIECE_RE.match(token))


def has_number_fragment(text: str) -> bool:
    """A token with digits and a point or comma: an amount, or a piece of one."""
    return any(("." in t or "," in t) and is_number_piece(t) for t in text.split())


def odd_amount_doubt(values: list[str]) -> str | None:
    """Value cells holding a number not printed like an amount (two decimals)."""
    odd = [t for t in values if t and not PRINTED_AMOUNT_RE.match(t.strip())]
    if not odd:
        return None
    return ("金额" + "、".join(f"「{t}」" for t in odd[:3]) + "不像其他金额那样"
            "印两位小数：一个数被空格拆开了？")


def number_tail_doubt(words: list[str], what: str = "名称") -> str | None:
    """A label (codes left out) whose last word is a number or a piece of one."""
    words = [t for t in words if t]
    if not words or not is_number_piece(words[-1]):
        return None
    return (f"{what}以数字结尾（「{words[-1]}」）：金额多于列数，或一个"
            "数被空格拆开了")


def cells_inside_doubt(words: list[str], what: str = "名称", codes: bool = False) -> str | None:
    """A label holding a whole printed amount, or (`codes`: a label that never has one) a
    classification code: "一、本年收入 1,904.25 201 一般公共服务支出" read as one income
    label. Extra empty cells at the line's end moved every cell to the right of where it
    was read, and other cells into the label."""
    for t in words:
        if t and (PRINTED_AMOUNT_RE.match(t) or codes and CLASS_CODE_RE.match(t)):
            return (f"{what}里有「{t}」：单元格错位（单元格多于列数？），"
                    "金额可能印错了列")
    return None
