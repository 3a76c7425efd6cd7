"""Rows printed with no header (or no title): columns from the standard template.

When a table's header (or its whole title block) is missing, the positions of its cells
are read from the shape of the rows — leading code cells, then name cells, then
amounts — and the amounts are given the standard template's columns only when their
count fits; every row read that way is then checked against the table's identity
(合计 = 基本 + 项目, 合计 = 人员 + 公用, 合计 = the sum of the economic classes) and
flagged `column-inferred` (identity holds) or `column-ambiguous` (it does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import Column, Row, Table
from ..parse.columns import ECONOMIC_LABELS, PROJECT_ECONOMIC_COLUMNS
from .tsv_blocks import Block, TsvRow, table_label
from .tsv_header import HeaderMap

if TYPE_CHECKING:
    from .tsv_coded import ReadContext

_EXPENSE = ["total", "basic", "project"]
STANDARD_AMOUNTS: dict[str, list[str]] = {
    "expense": _EXPENSE,
    "general_public": _EXPENSE,
    "gov_fund": _EXPENSE,
    "state_capital": _EXPENSE,
    "basic": ["total", "personnel", "public"],
    "projects": ["total", *PROJECT_ECONOMIC_COLUMNS],
}
# The printed labels of the template columns (Column.label of an inferred column).
_TEMPLATE_LABELS = {
    "total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费",
    "public": "公用经费", **ECONOMIC_LABELS,
}
# How many text cells follow the code in each table's rows.
_TEXT_CELLS = {"projects": 2}


@dataclass
class RowShape:
    """Positions in one headerless row: code cells, text cells, amount cells."""

    code: list[int]
    text: list[int]
    amounts: list[int]


def row_shape(row: TsvRow) -> RowShape:
    cells = row.cells
    code: list[int] = []
    j = 0
    while j < min(3, len(cells)) and (cells[j].isdigit() or not cells[j]):
        code.append(j)
        j += 1
    if not any(cells[k] for k in code):
        code, j = [], 0
    first_amount = next((k for k in range(j, len(cells)) if row.amount(k) is not None),
                        len(cells))
    text = [k for k in range(j, first_amount) if cells[k]]
    return RowShape(code, text, list(range(first_amount, len(cells))))


def untitled_table_key(block: Block, have: set[str]) -> str | None:
    """Which standard table an untitled run of rows is, from its shape, or None.

    Only the shapes no other table has are recognised: 3 code cells + function name +
    project name + amounts is 表七; 2 code cells + name + 3 amounts is 表六.
    """
    shapes = [row_shape(r) for r in block.rows if r.has_amount()]
    coded = [s for s in shapes if s.code]
    if not coded:
        return None
    first = coded[0]
    if len(first.code) == 3 and len(first.text) == 2 and "projects" not in have:
        return "projects"
    if len(first.code) == 2 and len(first.text) == 1 and len(first.amounts) == 3 \
            and "basic" not in have:
        return "basic"
    return None


def infer_header(row: TsvRow, key: str) -> HeaderMap | None:
    """Positions for the rows of a table printed without a header, or None."""
    shape = row_shape(row)
    if not shape.code or not shape.amounts:
        return None
    header = HeaderMap(code_cols=shape.code, line=row.line, inferred=True)
    texts = list(range(shape.code[-1] + 1, shape.amounts[0]))
    if _TEXT_CELLS.get(key, 1) == 2 and len(texts) >= 2:
        header.name_col, header.project_col = texts[0], texts[1]
    elif texts:
        header.name_col = texts[0]
    template = STANDARD_AMOUNTS.get(key, [])
    if len(template) != len(shape.amounts):
        template = [f"col_{j + 1}" for j in shape.amounts]
    header.amounts = [(j, Column(k, _TEMPLATE_LABELS.get(k, k)))
                      for j, k in zip(shape.amounts, template)]
    return header


def check_inferred_rows(table: Table, ctx: ReadContext, which: set[int]) -> None:
    """Flag every row read with template columns (the rows and totals whose id is in
    `which`), by whether its identity holds."""
    rows = [r for r in list(table.rows) + list(table.totals.values()) if id(r) in which]
    label = table_label(table.key)
    keys = [c.key for c in table.columns]
    labels = [c.label or c.key for c in table.columns]
    for row in rows:
        row.inferred = tuple(keys)
        holds, detail = _identity(table.key, row)
        where = f"{label}「{row.code_raw or row.name or row.line}」行"
        if holds:
            ctx.issue("column-inferred", f"{where}：未印表头；金额按列 "
                      f"{'、'.join(labels)} 读取（{detail}）", row.line, table.key)
        else:
            ctx.issue("column-ambiguous", f"{where}：未印表头，金额也不合"
                      f"标准的列（{detail}）；按位置保留", row.line,
                      table.key)


def _identity(key: str, row: Row) -> tuple[bool, str]:
    values = row.values
    total = values.get("total")
    if total is None:
        return False, "没有合计"
    parts = [k for k in values if k != "total"]
    if key in ("expense", "general_public", "gov_fund", "state_capital"):
        parts = ["basic", "project"]
    elif key == "basic":
        parts = ["personnel", "public"]
    elif any(k.startswith("col_") for k in values):
        return False, "列不明"
    found = sum((values.get(k) or Decimal(0) for k in parts), Decimal(0))
    sign = "=" if found == total else "≠"
    return found == total, f"合计 {total} {sign} 其余各列之和 {found}"
