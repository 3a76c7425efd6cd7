"""The code reader: classification codes (科目编码) however a template prints them.

"2010507", "201 05 07", three cells "201" "05" "07", "20105" then "07", a code fused to
its name ("310资本性支出"), and an economic code printed without its leading zero
("301 2" is 30102). Function codes have 3, 5 or 7 digits (类, 款, 项); economic codes 3 or
5 (类, 款: a 5-digit economic code is a 款 'section' row, never an item).
"""

from __future__ import annotations

import re

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
    return {c.col for r in header for c in r.cells
            if c.col is not None and c.col >= 0 and c.x0 is None and squash(c.text) in CODE_PART_LABELS}


def read_code_cells(cells: list[Cell], columns: set[int]) -> tuple[str | None, str | None, list[Cell]]:
    """The code printed in the code columns: (code, code as printed, its cells). Parts of
    another length than a code has ("20 03 01", "2 0 0": a digit lost in conversion) give
    the printed code and no code (a broken code, for the caller to repair or report);
    cells that are not all digits are no code (None, None, [])."""
    parts = [c for c in cells if c.col in columns]
    if not parts or not all(p.text.strip().isdigit() for p in parts):
        return None, None, []
    code, raw, used = read_code(parts)
    if code is None or used < len(parts):
        return None, " ".join(p.text.strip() for p in parts), parts
    return code, raw, parts
