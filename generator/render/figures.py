"""Key figures and chart series of a department-year, taken from its parsed tables.

Each figure keeps the source line of the cell it comes from, so the page can link it to
the line in the source view. Where a table is broken down by sub-unit (二级预算单位)
and has no department-wide rows, class rows are summed over the sub-units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import squash
from .data import Cell, DocData, TableData
from .records import Record

THREE_PUBLIC_PARTS = {
    "overseas": "因公出国（境）费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}


# Figures read from the tables, in page order, and the 说明 figure used when a table lacks them.
LABELS = {"total_budget": "收支总预算", "income_total": "收入总预算", "expense_total": "支出总预算",
          "basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费",
          "three_public": "“三公”经费", **THREE_PUBLIC_PARTS, "authorized": "编制数",
          "actual": "实有人数"}
# A 决算's totals are what was received and spent, printed 收入总计 / 支出总计: never "预算".
FINAL_LABELS = {**LABELS, "total_budget": "收支总计", "income_total": "收入总计",
                "expense_total": "支出总计"}
GROUPS = {"income_total": "total", "expense_total": "total", "basic": "split", "project": "split",
          "personnel": "basic", "public": "basic", "three_public": "three",
          **{k: "three" for k in THREE_PUBLIC_PARTS}}
STATED_FALLBACK = {"income_total": "income_total", "expense_total": "expense_total",
                   "basic": "expense_basic", "project": "expense_project",
                   "personnel": "basic_personnel", "public": "basic_public",
                   "three_public": "three_public_total",
                   **{k: f"three_public_{k}" for k in THREE_PUBLIC_PARTS}}


@dataclass
class Figure:
    """A key figure: label, amount (万元 unless `unit` says otherwise) and where it is printed."""

    key: str
    label: str
    amount: Decimal | int | None
    line: int | None = None
    unit: str = "万元"
    group: str = ""


def cell(row: Record | None, column: str) -> Cell | None:
    if row is None:
        return None
    c = row["values"].get(column)
    return c if c is not None and c.amount is not None else None


def _figure(key: str, label: str, c: Cell | None, group: str = "") -> Figure | None:
    return Figure(key, label, c.amount, c.line, group=group) if c else None


def total_row(table: TableData | None, *keys: str) -> Record | None:
    """The printed total row (合计/总计), else the only row of a one-row table (三公)."""
    if table is None:
        return None
    for key in keys or ("total",):
        row = table.total(key)
        if row is not None:
            return row
    body = table.body_rows()
    for row in body:  # a total printed as an ordinary first line (三公: 合计 / 一般公共预算 / …)
        if squash(row["name"]) in {"合计", "总计"} and not row["code"]:
            return row
    return body[0] if len(body) == 1 else None


def stated(doc: DocData, key: str) -> Record | None:
    for f in doc.figures:
        if f["key"] == key and f["amount"] is not None:
            return f
    return None


def key_figures(doc: DocData) -> list[Figure]:
    """收支总预算, 基本/项目, 人员/公用, 三公 and its parts, 编制数/实有人数."""
    out: list[Figure | None] = []
    labels = FINAL_LABELS if doc.info.get("kind") == "final_accounts" else LABELS
    summary = doc.table("summary")
    income_total = cell(total_row(summary, "income"), "amount")
    expense_total = cell(total_row(summary, "expense"), "amount")
    expense = total_row(doc.table("expense"))
    if income_total is None and expense_total is None:
        expense_total = cell(expense, "total")
    if income_total is None and expense_total is None and (f := stated(doc, "total_budget")):
        out.append(Figure("total_budget", labels["total_budget"], f["amount"], f["line"], group="total"))
    out.append(_figure("income_total", labels["income_total"], income_total, "total"))
    out.append(_figure("expense_total", labels["expense_total"], expense_total, "total"))
    out.append(_figure("basic", "基本支出", cell(expense, "basic"), "split"))
    out.append(_figure("project", "项目支出", cell(expense, "project"), "split"))
    basic = total_row(doc.table("basic"))
    out.append(_figure("personnel", "人员经费", cell(basic, "personnel"), "basic"))
    out.append(_figure("public", "公用经费", cell(basic, "public"), "basic"))
    three = total_row(doc.table("three_public"))
    out.append(_figure("three_public", "“三公”经费", cell(three, "total"), "three"))
    for key, label in THREE_PUBLIC_PARTS.items():
        out.append(_figure(key, label, cell(three, key), "three"))
    s = doc.staffing or {}
    for key, label in (("authorized", "编制数"), ("actual", "实有人数")):
        if s.get(key) is not None:
            out.append(Figure(key, label, s[key], s.get("line"), unit="人", group="staff"))
    found = {f.key for f in out if f is not None}
    for key, stated_key in STATED_FALLBACK.items():
        if key not in found and (f := stated(doc, stated_key)):
            out.append(Figure(key, labels[key], f["amount"], f["line"], group=GROUPS[key]))
    order = {key: i for i, key in enumerate(LABELS)}
    return sorted((f for f in out if f is not None), key=lambda f: order.get(f.key, 99))


def figure_map(doc: DocData) -> dict[str, Figure]:
    return {f.key: f for f in key_figures(doc)}


def class_rows(table: TableData | None, column: str, level_digits: int) -> list[tuple[str, str, Decimal]]:
    """(code, name, amount) of the rows whose code has `level_digits` digits.

    Department-wide rows (no sub-unit) when the table has them; otherwise summed over
    the sub-units, in first-seen order.
    """
    if table is None:
        return []
    rows = [r for r in table.body_rows() if r["code"] and len(r["code"]) == level_digits]
    plain = [r for r in rows if not r["unit"]]
    rows = plain or rows
    sums: dict[str, Decimal] = defaultdict(Decimal)
    names: dict[str, str] = {}
    for r in rows:
        c = cell(r, column)
        if c is None:
            continue
        sums[r["code"]] += c.amount
        names.setdefault(r["code"], r["name"] or r["code"])
    return [(code, names[code], amount) for code, amount in sums.items() if amount]


def function_classes(doc: DocData) -> list[tuple[str, str, Decimal]]:
    """支出按功能分类（类）: 表一's expense side, else 表三's 类 rows."""
    summary = doc.table("summary")
    if summary is not None:
        rows = [r for r in summary.body_rows()
                if r["side"] == "expense" and r["code"] and len(r["code"]) == 3 and cell(r, "amount")
                and cell(r, "amount").amount]  # templates print every class, most of them 0
        if rows:
            return [(r["code"], r["name"] or r["code"], cell(r, "amount").amount) for r in rows]
    return class_rows(doc.table("expense"), "total", 3)


def economic_classes(doc: DocData) -> list[tuple[str, str, Decimal]]:
    """基本支出按经济分类（类）: 表六's 3-digit rows."""
    return class_rows(doc.table("basic"), "total", 3)


def project_amounts(doc: DocData) -> list[tuple[str, Decimal]]:
    """Projects by amount, largest first (unnamed projects keep their code as label)."""
    out = [(p["name"] or f"未列名项目 {p['code'] or ''}".strip(), p["amount"])
           for p in doc.projects if p["amount"] is not None]
    return sorted(out, key=lambda x: -x[1])


def code_amounts(doc: DocData, table_key: str) -> dict[str, tuple[str, dict[str, Cell]]]:
    """Per code: (name, {column: cell}) of one table, department-wide rows first, else summed."""
    table = doc.table(table_key)
    if table is None:
        return {}
    out: dict[str, tuple[str, dict[str, Cell]]] = {}
    rows = [r for r in table.body_rows() if r["code"]]
    has_plain = {r["code"] for r in rows if not r["unit"]}
    for r in rows:
        if r["unit"] and r["code"] in has_plain:
            continue
        _, cells = out.setdefault(r["code"], (r["name"] or "", {}))
        for col, c in r["values"].items():
            if c.amount is None:
                continue
            prev = cells.get(col)
            cells[col] = c if prev is None else Cell(prev.amount + c.amount, None, prev.line)
    return out
