"""A classification code printed in one cell with its name ("201 一般公共服务支出"), as
the two-sided tables' expense side prints it (`tsv_two_sided`). Codes over 类/款/项 cells
and broken codes are the shared code reader's (`tables.code_levels`, `tables.codes`)."""

from __future__ import annotations

import re

from ..numbers import normalize_cell
from ..tables.codes import row_kind

# "201 一般公共服务支出", "201 03 01 行政运行"; not "2024 年…" (a year starts a name).
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s+\d{2}){0,2}|\d{5}|\d{7})(?:\s+|(?=[^\d\s.．、]))(.*)$")


def split_code_name(cell: str | None) -> tuple[str | None, str | None, str | None]:
    """"201 一般公共服务支出" → ("201", "201", "一般公共服务支出"): code, printed code, name."""
    if not cell:
        return None, None, cell
    m = _CODE_AND_NAME.match(normalize_cell(cell))
    if not m:
        return None, None, cell
    raw = m.group(1)
    return raw.replace(" ", ""), raw, m.group(2).strip() or None


def kind_for_code(code: str | None) -> str | None:
    """类 → "class", 款 → "section", 项 → "item"."""
    return row_kind(code)
