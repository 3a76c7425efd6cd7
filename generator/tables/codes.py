"""The code reader: classification codes (科目编码) however a template prints them.

"2010507", "201 05 07", three cells "201" "05" "07", "20105" then "07", a code fused to
its name ("310资本性支出"), and an economic code printed without its leading zero
("301 2" is 30102), or a 款 with its 类's last digit repeated ("301 103" is 30103). Function codes have 3, 5 or 7 digits (类, 款, 项); economic codes 3 or
5 (类, 款: a 5-digit economic code is a 款 'section' row, never an item).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..grid import Cell

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
    return _read_code(tuple(c.text for c in cells[:3]))


@lru_cache(maxsize=4096)  # the interpreters ask it of the same rows several times
def _read_code(texts: tuple[str, ...]) -> tuple[str | None, str | None, int]:
    first = texts[0].strip()
    parts = [first]
    used = 1
    if len(first) < 7:
        for text in texts[1:3]:
            text = text.strip()
            if is_repeated_digit_section(parts, text):
                text = text[1:]
            if not (text.isdigit() and len(text) <= 2) or len("".join(parts)) >= 7:
                break
            parts.append(text.zfill(2))
            used += 1
    return "".join(parts), " ".join(t.strip() for t in texts[:used]), used


def is_repeated_digit_section(parts: list[str], text: str) -> bool:
    """A 款 printed with three digits, its 类's last digit repeated ("301" "103" is 30103, as
    Word-converted 表六 print it)."""
    return (len(parts) == 1 and len(parts[0]) == 3 and len(text) == 3 and text.isdigit()
            and text[0] == parts[0][-1])


def split_fused(text: str) -> tuple[str | None, str]:
    """"310资本性支出" → ("310", "资本性支出"); other text → (None, text)."""
    m = _FUSED.match(text.strip())
    return (m.group(1), m.group(2).strip()) if m else (None, text)


def row_kind(code: str | None) -> str | None:
    """The row kind a code's length gives: class (类), section (款), item (项)."""
    return ROW_KINDS.get(len(code)) if code else None


class BareSections:
    """Codes of a rendering without code columns, row after row: a 款 printed alone under
    its 类 ("201 一般公共服务支出" / "03 政府办公厅…") takes that 类 (single-space text prints
    a merged 类 cell once, on the 类's own row)."""

    def __init__(self) -> None:
        self.last_class: str | None = None

    def read(self, cells: list[Cell]) -> tuple[str | None, str | None, int]:
        code, raw, used = read_code(cells)
        if code is not None:
            self.last_class = code[:3]
        elif self.last_class and len(cells) > 1 and _is_bare_section(cells[0].text, cells[1].text):
            return self.last_class + cells[0].text.strip(), cells[0].text.strip(), 1
        return code, raw, used


def _is_bare_section(first: str, second: str) -> bool:
    """"03" then a name (not a figure): a 款 code."""
    first, second = first.strip(), second.strip()
    return len(first) == 2 and first.isdigit() and not second[:1].isdigit() and second[:1] not in "-.("
