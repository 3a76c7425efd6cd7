"""Cells of the pdf-padded layout: every cell is printed as its text plus one space.

So an empty cell is a lone space, "k spaces between two values" are k-1 empty cells,
and a row always ends with a space (its last cell's terminator). Splitting a row on
single spaces therefore gives one token per cell — as long as a cell has no space of
its own. Amount cells never do; code cells ("201", "03") never do; name cells may
(an indent of the hierarchy level, "12345 在线…", "收 入 总 计"). That is why rows are
read from the right: the value cells are the last V tokens before the terminator,
and everything left of them is the label part (codes and names).

These helpers serve 表一/表四 (`pdf_padded_sides`) and finding the tables; every other
table is read through `readers/padded.py` and the shared interpreters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import parse_amount

CLASS_CODE_RE = re.compile(r"^\d{3}$")
# Spaces a PDF puts inside a CJK name: drop them unless both neighbours are ASCII
# letters or digits ("Wi-Fi 6" keeps its space, "12345 在线" loses it).
_NAME_SPACE_RE = re.compile(r"(?<![A-Za-z0-9])[ \u3000]+|[ \u3000]+(?![A-Za-z0-9])")
STAR_ROW_RE = re.compile(r"^\s*※(?: ※)*(?: \d+)*\s*$")


def is_value_token(token: str) -> bool:
    """An amount cell or an empty cell."""
    return token == "" or parse_amount(token) is not None


def amount_of(token: str) -> Decimal | None:
    return parse_amount(token) if token else None


def has_decimal_amount(token: str) -> bool:
    return "." in token and parse_amount(token) is not None


def normalize_name(text: str) -> str:
    """A printed name without PDF spacing: indents and CJK-adjacent spaces removed."""
    return _NAME_SPACE_RE.sub("", text.strip())


@dataclass
class StarRow:
    """The '※ ※ ※ ※ 1 2 3' row: how many label cells and numbered value columns."""

    line: int
    label_cells: int
    value_cells: int


def read_star_row(text: str, line: int) -> StarRow | None:
    if not STAR_ROW_RE.match(text):
        return None
    tokens = text.split()
    stars = sum(1 for t in tokens if t == "※")
    return StarRow(line, stars, len(tokens) - stars)
