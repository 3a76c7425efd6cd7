"""Identities between tables: 表一 vs 表二/表三, 表五 vs 表四/表六/表七."""

from __future__ import annotations

from decimal import Decimal

from ..model import Document, Row, Table
from ..numbers import squash
from .base import TABLE_SHORT, CheckResult, compare, tables
from .income import is_subtotal


def _total(table: Table | None, column: str, side: str = "total") -> tuple[Decimal | None, int | None]:
    if table is None or table.empty or side not in table.totals:
        return None, None
    row = table.totals[side]
    return row.get(column), row.line


def _pair(doc: Document, slug: str, name: str, left: tuple[str, str, str], right: tuple[str, str, str]) -> list[CheckResult]:
    """Compare one total of one table with one total of another."""
    lt, lcol, lside = left
    rt, rcol, rside = right
    a, line = _total(doc.tables.get(lt), lcol, lside)
    b, right_line = _total(doc.tables.get(rt), rcol, rside)
    if a is None or b is None:
        return []
    left_name, right_name = (part.strip() for part in name.split("=", 1))
    result = compare(doc, slug, name, line, a, [b],
                     f"{left_name} {{expected}} {{op}} {right_name} {{actual}}", items=1,
                     part_lines=[right_line])
    return [result] if result else []


def check_cross_totals(doc: Document) -> list[CheckResult]:
    out: list[CheckResult] = []
    out += _versus_summary(doc, "income-vs-summary", "income", "表二", "收入总计")
    out += _versus_summary(doc, "expense-vs-summary", "expense", "表三", "支出总计")
    out += _pair(doc, "basic-vs-general-public", "表六 合计 = 表五 基本支出",
                 ("basic", "total", "total"), ("general_public", "basic", "total"))
    out += _pair(doc, "projects-vs-general-public", "表七 合计 = 表五 项目支出",
                 ("projects", "total", "total"), ("general_public", "project", "total"))
    out += _pair(doc, "fiscal-vs-general-public", "表四 支出总计（一般公共预算）= 表五 合计",
                 ("fiscal", "general_public", "expense"), ("general_public", "total", "total"))
    return out


def _versus_summary(doc: Document, slug: str, side: str, short: str, total_name: str) -> list[CheckResult]:
    """表二/表三 合计 = 表一's year total of that side: its 本年收入合计 / 本年支出合计 (当年…
    小计) where printed (the 决算 and Jiangsu 表一 add 年初结转和结余 / 年末结转和结余 to
    it for 总计, 表二/表三 list the year's own), else its 收入总计 / 支出总计."""
    summary = doc.tables.get("summary")
    year = _year_total(summary, side) if summary is not None and not summary.empty else None
    if year is None:
        return _pair(doc, slug, f"{short} 合计 = 表一 {total_name}", (side, "total", "total"),
                     ("summary", "amount", side))
    a, line = _total(doc.tables.get(side), "total")
    if a is None or year.get("amount") is None:
        return []
    name = f"{short} 合计 = 表一 {squash(year.name)}"
    result = compare(doc, slug, name, line, a, [year.get("amount")],
                     f"{short} 合计 {{expected}} {{op}} 表一 {squash(year.name)} {{actual}}", items=1,
                     part_lines=[year.line])
    return [result] if result else []


def _year_total(summary: Table, side: str) -> Row | None:
    lines = [r for r in summary.rows if r.side == side and is_subtotal(r)]
    return lines[-1] if lines else None


def _class_rows(table: Table) -> dict[str, list[Row]]:
    """类 code → the rows whose amounts make up that class in `table`.

    Normally the 类 rows themselves (one per sub-unit); a table that prints only 款 or 项
    rows contributes its highest-level rows under that class instead.
    """
    by_class: dict[tuple[str | None, str], list[Row]] = {}
    for row in table.rows:
        if row.code and row.kind != "project" and len(row.code) >= 3:
            by_class.setdefault((row.unit, row.code[:3]), []).append(row)
    out: dict[str, list[Row]] = {}
    for (_, code), rows in by_class.items():
        top = min(len(r.code) for r in rows)
        out.setdefault(code, []).extend(r for r in rows if len(r.code) == top)
    return out


def check_summary_classes(doc: Document) -> list[CheckResult]:
    """表一 each function class = 表三 class rows (summed over sub-units); 表四 = 表五 likewise."""
    out = []
    for left, left_col, right, right_col in (("summary", "amount", "expense", "total"),
                                             ("fiscal", "general_public", "general_public", "total")):
        found = tables(doc, left, right)
        if len(found) < 2:
            continue
        top, detail = found
        by_class = _class_rows(detail)
        for row in top.rows:
            if row.side != "expense" or not row.code or len(row.code) != 3:
                continue
            rows = by_class.get(row.code)
            if rows is None and row.get(left_col) in (None, Decimal(0)):
                continue
            name = f"{TABLE_SHORT[left]} {row.code} = {TABLE_SHORT[right]} {row.code}"
            result = compare(doc, f"{left}-vs-{right.replace('_', '-')}-classes", name, row.line,
                             row.get(left_col), [r.get(right_col) for r in rows or []],
                             f"{TABLE_SHORT[left]} {row.code} {row.name or ''} {{expected}} {{op}} "
                             f"{TABLE_SHORT[right]} {row.code} {{actual}}",
                             part_lines=[r.line for r in rows or []])
            if result:
                out.append(result)
    return out
