"""The code reader: classification codes (科目编码) however a template prints them.

"2010507", "201 05 07", three cells "201" "05" "07", "20105" then "07", a code fused to
its name ("310资本性支出"), and an economic code printed without its leading zero
("301 2" is 30102). Function codes have 3, 5 or 7 digits (类, 款, 项); economic codes 3 or
5 (类, 款: a 5-digit economic code is a 款 'section' row, never an item).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grid import Cell, GridRow
from ..numbers import squash

_FUSED = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?=[^\d\s.,])(.+)$")
ROW_KINDS = {3: "class", 5: "section", 7: "item"}


def read_code(cells: list[Cell]) -> tuple[str | None, str | None, int]:
    """The code at the start of a row: (joined code, code as printed, cells used).

    Parts: a first part of 3, 5 or 7 digits, then up to two parts of 1 or 2 digits
    (a 1-digit part lost its leading zero). A code fused to its name ("310资本性支出") is
    `split_fused`'s."""
    if not cells:
        return None, None, 0
    first = cells[0].text.strip()
    if not first.isdigit() or len(first) not in (3, 5, 7):
        return None, None, 0
    parts = [first]
    used = 1
    if len(first) < 7:
        for cell in cells[1:3]:
            text = cell.text.strip()
            if not (text.isdigit() and len(text) <= 2) or len("".join(parts)) >= 7:
                break
            parts.append(text.zfill(2))
            used += 1
    return "".join(parts), " ".join(c.text.strip() for c in cells[:used]), used


def split_fused(text: str) -> tuple[str | None, str]:
    """"310资本性支出" → ("310", "资本性支出"); other text → (None, text)."""
    m = _FUSED.match(text.strip())
    return (m.group(1), m.group(2).strip()) if m else (None, text)


def row_kind(code: str | None) -> str | None:
    """The row kind a code's length gives: class (类), section (款), item (项)."""
    return ROW_KINDS.get(len(code)) if code else None


# The header labels over a code printed in cells of its own, one per part.
CODE_PART_LABELS = ("类", "款", "项")


def code_columns(header: list[GridRow]) -> set[int]:
    """The columns the header labels 类, 款, 项 in a grid whose cells give their column
    but no extent (a sheet, tab-separated text), or none (a PDF's ruled cells keep their
    extents' reading)."""
    found: set[int] = set()
    for row in header:
        cells = [c for c in row.cells if c.col is not None and c.col >= 0 and c.x0 is None]
        cols = {c.col for c in cells if squash(c.text) in CODE_PART_LABELS}
        # a label garbled in conversion ("��" for 项) beside them is one of them too
        others = {c.col for c in cells if len(squash(c.text)) <= 2} - cols
        while cols and (beside := {c for c in others if c - 1 in cols or c + 1 in cols}):
            cols |= beside
            others -= beside
        found |= cols
    return found


@dataclass
class CodeState:
    """The last class and section seen, for rows that leave the 类 (or 款) cell empty."""

    cls: str | None = None
    section: str | None = None


# Printed length of each part of a code printed over cells: 类 3 digits, 款 and 项 2.
_PART_LENGTHS = (3, 2, 2)


def read_code_cells(cells: list[Cell], columns: set[int], state: CodeState
                    ) -> tuple[str | None, str | None, list[Cell]]:
    """The code printed in the code columns: (code, code as printed, its cells). A 款 or 项
    under an empty 类 cell takes the class (and section) of the rows above; parts of another
    length than a code has ("20 03 01", "2 0 0": a digit lost in conversion) give the printed
    code and no code (a broken code, for the caller to repair or report); cells that are not
    all digits are no code (None, None, [])."""
    order = {col: i for i, col in enumerate(sorted(columns))}
    parts = [c for c in cells if c.col in order]
    if not parts or not all(p.text.strip().isdigit() for p in parts):
        return None, None, []
    raw = " ".join(p.text.strip() for p in parts)
    first = order[parts[0].col]
    places = [order[p.col] for p in parts]
    if places != list(range(first, first + len(parts))) or any(
            i >= len(_PART_LENGTHS) or len(p.text.strip()) != _PART_LENGTHS[i] for i, p in zip(places, parts)):
        code, printed, used = read_code(parts)  # a whole code in the 类 cell: "2010301"
        return (code, printed, parts) if code and used == len(parts) and first == 0 else (None, raw, parts)
    prefix = {0: "", 1: state.cls, 2: state.section}[first] if first <= 2 else None
    if prefix is None:
        return None, raw, parts
    code = prefix + "".join(p.text.strip() for p in parts)
    if len(code) == 3:
        state.cls, state.section = code, None
    elif len(code) == 5:
        state.cls, state.section = code[:3], code
    return code, raw, parts
