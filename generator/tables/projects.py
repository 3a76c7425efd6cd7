"""表七 一般公共预算项目支出情况表 (Xinjiang): a coded table whose 项 rows name the
功能分类科目名称 and then the 项目名称, under each unit's own row (a row without code).

The coded interpreter reads the rows and amounts; this names them: a 项 row is a
project (its unit the unit row above it), a row without code a unit, and a nameless 项
row that the named projects of its code below add up to is that 项's subtotal.
"""

from __future__ import annotations

from ..grid import GridRow
from ..model import Row, Table
from ..numbers import squash
from .amounts import name_text
from .codes import read_code
from .segment import Segment


def name_projects(table: Table, seg: Segment, names_by_code: dict[str, str]) -> None:
    """Kinds, units and project names of a 表七 read by the coded interpreter.

    `names_by_code` are the 功能分类 names the document's other tables print (表三, 表五):
    where a row's name starts with its code's name, the rest is the project; otherwise
    the first label cell is the function's name."""
    cells_at = {r.line: r for r in seg.rows}
    unit: str | None = None
    for row in table.rows:
        if row.code is None and row.name and row.kind in ("line", "unit"):
            unit = row.name
            row.kind, row.unit = "unit", row.name
            continue
        row.unit = unit
        if row.code and len(row.code) == 7:
            row.kind = "project"
            row.name, row.project = _split(row, cells_at.get(row.line), names_by_code.get(row.code))
    _mark_item_subtotals(table.rows)


def _split(row: Row, printed: GridRow | None, known: str | None) -> tuple[str | None, str | None]:
    """(功能分类科目名称, 项目名称) of a project row, from its label cells as printed (the
    function's name is the cells that spell `known`, else the first); a name piece
    printed on another line (the interpreter joined it) ends the project's name."""
    from ..readers.text import is_amount
    name = row.name or ""
    labels = []
    if printed is not None:
        _code, _raw, used = read_code(printed.cells)
        labels = [c.text for c in printed.cells[used:] if not is_amount(c.text)]
    if not labels:
        return name or None, None
    cut = next((k for k in range(1, len(labels) + 1)
                if known and squash("".join(labels[:k])) == squash(known)), 1)
    ruled = printed is not None and printed.ruled
    joined = squash("".join(labels))
    wrapped = squash(name)[len(joined):] if squash(name).startswith(joined) else ""
    project = name_text([*labels[cut:], wrapped], ruled)
    return name_text(labels[:cut], ruled), project or None


def _mark_item_subtotals(rows: list[Row]) -> None:
    """A nameless 项 row followed by named projects of the same code that add up to it
    is the 项's subtotal, not an unnamed project."""
    for i, row in enumerate(rows):
        if row.kind != "project" or row.project is not None:
            continue
        following = []
        for other in rows[i + 1:]:
            if other.code != row.code or other.project is None:
                break
            following.append(other.values.get("total") or 0)
        if following and sum(following) == row.values.get("total"):
            row.kind = "item"
