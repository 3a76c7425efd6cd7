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
from ..numbers import parse_amount, squash
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
    #: Cells read per row: the header's width, or the usual width of the rows.
    width: int = 0


def read_two_sided(block: Block, key: str, ctx: ReadContext) -> Table:
    """表一 (values "amount" on both sides) or 表四 (income "amount"; expense "total",
    "general_public", "gov_fund", "state_capital")."""
    table = Table(key, block.title or TABLE_KEYS[key], block.line, note=block.note)
    start = next((i for i, r in enumerate(block.rows) if _is_data(r)), len(block.rows))
    header, data = block.rows[:start], block.rows[start:]
    layout = _layout(header, data, key)
    if layout is None:
        ctx.issue("table-unreadable", f"{table_label(key)}：看不出支出方从哪里"
                  "开始；整表未读", block.line, key, "error")
        return table
    table.columns = [c for _, c in layout.income_cols]
    income_keys = set(table.column_keys())
    table.columns += [c for _, c in layout.expense_cols if c.key not in income_keys]
    for row in data:
        if _foreign(row, layout, table, ctx):
            continue
        _read_income(row, layout, table, ctx)
        _read_expense(row, layout, table, ctx)
    table.empty = not table.rows
    return table


def _foreign(row: TsvRow, layout: TwoSidedLayout, table: Table, ctx: ReadContext) -> bool:
    """A row that is not a two-sided row: a number where a label stands (a coded row of
    another table: "302 | 01 | 办公费 | 4.35"), or amounts beyond the last column. It is
    not read, or its extra cells are not."""
    label = table_label(table.key)
    bare = [j for j in (0, layout.expense_col) if _bare_number(row.cell(j))]
    if bare:
        ctx.issue("row-misplaced", f"{label}第 {row.line} 行：「{row.cell(bare[0])}」印在"
                  f"{label}印名称的位置（另一张表的行？）；该行未读",
                  row.line, table.key)
        return True
    extra = [c for c in row.cells[layout.width:] if c]
    if extra:
        ctx.issue("cell-unplaced", f"{label}第 {row.line} 行：本表 {layout.width} 列之外"
                  f"还有 {len(extra)} 个有内容的单元格（第一个为「{extra[0][:20]}」）；"
                  "未读", row.line, table.key)
    return False


def _bare_number(text: str) -> bool:
    """"302", "01", "4.35": digits alone, where a label is printed."""
    s = squash(text)
    return bool(s) and (s.isdigit() or parse_amount(s) is not None)


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
    width = _width(header, data, expense_col)
    layout = TwoSidedLayout(expense_col, width=width)
    for n, j in enumerate(range(1, expense_col)):
        layout.income_cols.append((j, Column("amount" if n == 0 else f"col_{j + 1}",
                                             _at(labels, j) or "预算数")))
    for n, j in enumerate(range(expense_col + 1, width)):
        layout.expense_cols.append((j, _expense_column(key, n, j, _at(labels, j))))
    return layout


def _width(header: list[TsvRow], data: list[TsvRow], expense_col: int) -> int:
    """How many cells a row has: the widest header row or the most common data row width
    (never the widest data row: one row with stray cells must not add columns)."""
    widths = [len(r.cells) for r in header]
    if data:
        widths.append(Counter(len(r.cells) for r in data).most_common(1)[0][0])
    return max(widths + [expense_col + 2])


def _at(labels: list[str], j: int) -> str:
    return labels[j] if j < len(labels) else ""


def _expense_column(key: str, n: int, j: int, label: str) -> Column:
    if key == "summary":
        return Column("amount" if n == 0 else f"col_{j + 1}", label or "预算数")
    found = label_key(label) if label else None
    if found is None and n < len(_FISCAL_EXPENSE):
        found = _FISCAL_EXPENSE[n]
    return Column(found or f"col_{j + 1}", label or found or "")


def _read_income(row: TsvRow, layout: TwoSidedLayout, table: Table, ctx: ReadContext) -> None:
    name = clean_text(row.cell(0))
    values = {c.key: row.amount(j) for j, c in layout.income_cols}
    _unreadable(row, layout.income_cols, values, table, ctx)
    if not name:
        _unlabelled(row, "income", values, table, ctx)
        return
    out = Row(line=row.line, name=name, side="income", values=values)
    s = squash(name)
    if "收入总计" in s or s in {"总计", "收入合计"}:
        out.kind = None
        table.totals["income"] = out
        return
    out.kind = "subtotal" if "小计" in s else "line"
    table.rows.append(out)


def _unreadable(row: TsvRow, columns: list[tuple[int, Column]], values: dict, table: Table,
                ctx: ReadContext) -> None:
    for j, c in columns:
        text = row.cell(j)
        if text and values[c.key] is None:
            ctx.issue("cell-unreadable", f"{table_label(table.key)}第 {row.line} 行：「{text}」"
                      "不是金额", row.line, table.key)


def _unlabelled(row: TsvRow, side: str, values: dict, table: Table, ctx: ReadContext) -> None:
    """Amounts with no label on their side (a row of another table, e.g. its 合计 with
    the label in a code cell) are not read."""
    found = [str(v) for v in values.values() if v is not None]
    if found:
        ctx.issue("row-unlabelled", f"{table_label(table.key)}第 {row.line} 行：" + {"income": "收入", "expense": "支出"}.get(side, side) + "方金额 "
                  f"{'、'.join(found[:3])} 没有名称；未读", row.line, table.key)


def _read_expense(row: TsvRow, layout: TwoSidedLayout, table: Table, ctx: ReadContext) -> None:
    label = clean_text(row.cell(layout.expense_col))
    values = {c.key: row.amount(j) for j, c in layout.expense_cols}
    _unreadable(row, layout.expense_cols, values, table, ctx)
    if not label:
        _unlabelled(row, "expense", values, table, ctx)
        return
    s = squash(label)
    if "支出总计" in s:
        table.totals["expense"] = Row(line=row.line, name=label, side="expense", values=values)
        return
    code, raw, name = split_code_name(label)
    kind = kind_for_code(code) or "line"
    table.rows.append(Row(line=row.line, name=name or None, code=code, code_raw=raw,
                          side="expense", values=values, kind=kind))
