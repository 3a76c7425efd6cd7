"""Rows of a table whose cells give their column (a sheet, a Word table, tab-separated
text): whether each cell holds what the header says its column holds.

Converted text moves lines between tables and shifts a row's cells: a row of 表六
("302 | 01 | 办公费 | 4.35") under the header of 表五 puts "办公费" in the 项 cell and 4.35
under 合计. Nothing in the row says where it belongs but its cells, so a row whose code
cells hold text, whose name cell holds a bare number, or whose code stands in the name
cell beside empty code cells is not read (missing, never wrong), with an issue.
"""

from __future__ import annotations

import re

from ..grid import GridRow
from ..numbers import is_total_label, parse_amount, squash

_NAME_LABEL = re.compile(r"名称$|^项目$|^科目$|内容$")
# "231 债务还本支出", "201 03 01 行政运行": a code and a name in one cell.
_CODE_AND_NAME = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}\s*[^\d\s.．、]")


def name_columns(header: list[GridRow], code_cols: set[int]) -> set[int]:
    """The columns the header labels as names (科目名称, 项目, …), the code columns aside."""
    return {c.col for r in header for c in r.cells if c.col is not None and c.x0 is None
            and c.col not in code_cols and _NAME_LABEL.search(squash(c.text))}


def misfit(row: GridRow, code_cols: set[int], name_cols: set[int], amount_cols: set[int] = frozenset()
           ) -> str | None:
    """Why the row's cells do not fit the header's columns, or None: a label in an amount
    column ("行政运行" under 合计: a row of a table with a name column) is one."""
    for cell in row.cells:
        text = squash(cell.text)
        if cell.col in amount_cols and parse_amount(text) is None:
            return f"金额列是“{cell.text[:30]}”"
        if cell.col in code_cols and not text.isdigit() and not is_total_label(text):
            return f"类/款/项列是“{cell.text[:30]}”"
        if cell.col in name_cols and (text.isdigit() or parse_amount(text) is not None):
            return f"名称列是数字“{text[:20]}”"
    if code_cols and not any(c.col in code_cols for c in row.cells):
        name = next((c.text for c in row.cells if c.col in name_cols), "")
        if _CODE_AND_NAME.match(name.strip()):
            return f"类/款/项列为空而名称列是编码和名称“{name[:30]}”"
    return None


_NUMBER_CHARS = frozenset("0123456789.,，．- ")


def without_number_runs(header: list[GridRow]) -> tuple[list[GridRow], list[GridRow]]:
    """The header rows without the cells that are runs of numbers ("1234.56 1234.56 …": a
    header prints no amounts; a line pasted onto a label), and the rows that had them."""
    out, touched = [], []
    for row in header:
        kept = [c for c in row.cells if not _is_number_run(c.text)]
        if len(kept) < len(row.cells):
            touched.append(row)
            row = GridRow(kept, row.line, row.page, row.ruled)
        out.append(row)
    return out, touched


def _is_number_run(text: str) -> bool:
    chars = set(text.strip())
    return chars <= _NUMBER_CHARS and bool(chars & set("0123456789")) and not text.strip().isdigit() \
        and len(text.split()) > 1


def foreign_header(body: list[GridRow], keys: set[str], column_key) -> int | None:
    """The index of the first body row that is another table's header (its title lost):
    no amount, and two or more labels of known columns, fewer than half of them this
    table's; None if there is none."""
    from ..readers.text import is_amount
    for index, row in enumerate(body):
        if any(is_amount(c.text) for c in row.cells):
            continue
        found = {k for c in row.cells if (k := column_key(c.text))}
        if len(found) >= 2 and keys and len(found & keys) * 2 < len(found):
            return index
    return None
