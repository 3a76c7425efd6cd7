"""Two-sided tables: 表一 部门收支总体情况表 and 表四 财政拨款收支总体情况表.

Each printed row carries an income line on the left (项目 | 预算数) and an expense line
on the right (功能分类 "201 一般公共服务支出" | amounts); the two sides are independent
lists that merely share printed rows. The position of the expense label column comes
from the header ("功能分类"), or else from where the "201 …" cells stand.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import TABLE_KEYS, Column, Row, Table
from ..numbers import squash
from .tsv_blocks import Block, TsvRow, clean_text, table_label
from .tsv_coded import ReadContext
from .tsv_codes import kind_for_code, split_code_name
from .tsv_header import label_key

_CODE_NAME = re.compile(r"^\d{3}(\s+\d{2}){0,2}\s*[^\d\s.．、]")
_EXPENSE_LABEL = re.compile(r"功能分类|^支出项目$|^科目$")
_FISCAL_EXPENSE = ["total", "general_public", "gov_fund", "state_capital"]


@dataclass
class TwoSidedLayout:
    expense_col: int
    income_cols: list[tuple[int, Column]] = field(default_factory=list)
    expense_cols: list[tuple[int, Column]] = field(default_factory=list)


def read_two_sided(block: Block, key: str, ctx: ReadContext) -> Table:
    """表一 (values "amount" on both sides) or 表四 (income "amount"; expense "total",
    "general_public", "gov_fund", "state_capital")."""
    table = Table(key, TABLE_KEYS[key], block.line, note=block.note)
    start = next((i for i, r in enumerate(block.rows) if _is_data(r)), len(block.rows))
    header, data = block.rows[:start], block.rows[start:]
    layout = _layout(header, data, key)
    if layout is None:
        ctx.issue("table-unreadable", f"{table_label(key)}: cannot tell where the expense side "
                  "starts; the table is not read", block.line, key, "error")
        return table
    table.columns = [c for _, c in layout.income_cols]
    table.columns += [c for _, c in layout.expense_cols if c.key not in table.column_keys()]
    for row in data:
        _read_income(row, layout, table)
        _read_expense(row, layout, table, ctx)
    table.empty = not table.rows
    return table


def _is_data(row: TsvRow) -> bool:
    return row.has_amount() or any(_CODE_NAME.match(c) for c in row.cells)


def _layout(header: list[TsvRow], data: list[TsvRow], key: str) -> TwoSidedLayout | None:
    expense_col = None
    labels: list[str] = []
    for row in reversed(header):
        found = [j for j, c in row.filled() if j > 0 and _EXPENSE_LABEL.search(squash(c))]
        if found:
            expense_col, labels = found[0], [squash(row.cell(j)) for j in range(len(row.cells))]
            break
    if expense_col is None:
        places = Counter(j for r in data for j, c in r.filled() if _CODE_NAME.match(c))
        if not places:
            return None
        expense_col = places.most_common(1)[0][0]
    width = max([len(r.cells) for r in header + data] + [expense_col + 2])
    layout = TwoSidedLayout(expense_col)
    for n, j in enumerate(range(1, expense_col)):
        layout.income_cols.append((j, Column("amount" if n == 0 else f"col_{j + 1}",
                                             _at(labels, j) or "预算数")))
    for n, j in enumerate(range(expense_col + 1, width)):
        layout.expense_cols.append((j, _expense_column(key, n, j, _at(labels, j))))
    return layout


def _at(labels: list[str], j: int) -> str:
    return labels[j] if j < len(labels) else ""


def _expense_column(key: str, n: int, j: int, label: str) -> Column:
    if key == "summary":
        return Column("amount" if n == 0 else f"col_{j + 1}", label or "预算数")
    found = label_key(label) if label else None
    if found is None and n < len(_FISCAL_EXPENSE):
        found = _FISCAL_EXPENSE[n]
    return Column(found or f"col_{j + 1}", label or found or "")


def _read_income(row: TsvRow, layout: TwoSidedLayout, table: Table) -> None:
    name = clean_text(row.cell(0))
    values = {c.key: row.amount(j) for j, c in layout.income_cols}
    if not name and all(v is None for v in values.values()):
        return
    out = Row(line=row.line, name=name, side="income", values=values)
    s = squash(name)
    if "收入总计" in s or s in {"总计", "收入合计"}:
        out.kind = None
        table.totals["income"] = out
        return
    out.kind = "subtotal" if "小计" in s else "line"
    table.rows.append(out)


def _read_expense(row: TsvRow, layout: TwoSidedLayout, table: Table, ctx: ReadContext) -> None:
    label = clean_text(row.cell(layout.expense_col))
    values = {c.key: row.amount(j) for j, c in layout.expense_cols}
    for j, c in layout.expense_cols:
        text = row.cell(j)
        if text and values[c.key] is None:
            ctx.issue("cell-unreadable", f"{table_label(table.key)} line {row.line}: {text!r} "
                      f"is not an amount", row.line, table.key)
    if not label and all(v is None for v in values.values()):
        return
    s = squash(label)
    if "支出总计" in s:
        table.totals["expense"] = Row(line=row.line, name=label, side="expense", values=values)
        return
    code, raw, name = split_code_name(label)
    kind = kind_for_code(code) or "line"
    table.rows.append(Row(line=row.line, name=name or None, code=code, code_raw=raw,
                          side="expense", values=values, kind=kind))
