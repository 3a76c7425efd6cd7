"""The figures the 说明 text states vs the tables they describe."""

from __future__ import annotations

from decimal import Decimal

from ..model import Document, StatedFigure
from ..numbers import squash
from .base import CheckResult, compare

# figure key → (table, total side, column, what the table calls it)
FIGURE_TARGETS: dict[str, tuple[str, str, str, str]] = {
    "total_budget": ("summary", "income", "amount", "表一 收入总计"),
    "income_total": ("income", "total", "total", "表二 合计"),
    "fiscal_total": ("fiscal", "expense", "total", "表四 支出总计"),
    "expense_total": ("expense", "total", "total", "表三 合计"),
    "expense_basic": ("expense", "total", "basic", "表三 基本支出"),
    "expense_project": ("expense", "total", "project", "表三 项目支出"),
    "general_public_total": ("general_public", "total", "total", "表五 合计"),
    "general_public_basic": ("general_public", "total", "basic", "表五 基本支出"),
    "general_public_project": ("general_public", "total", "project", "表五 项目支出"),
    "basic_total": ("basic", "total", "total", "表六 合计"),
    "basic_personnel": ("basic", "total", "personnel", "表六 人员经费"),
    "basic_public": ("basic", "total", "public", "表六 公用经费"),
}
THREE_PUBLIC_FIGURES = {
    "three_public_total": "total", "three_public_overseas": "overseas",
    "three_public_vehicle_purchase": "vehicle_purchase",
    "three_public_vehicle_operation": "vehicle_operation", "three_public_reception": "reception",
}


def _table_value(doc: Document, figure: StatedFigure) -> tuple[Decimal | None, str, list[int | None]] | None:
    """The table figure a stated figure describes: (value, label, its rows' lines)."""
    if figure.key in FIGURE_TARGETS:
        key, side, column, label = FIGURE_TARGETS[figure.key]
        table = doc.tables.get(key)
        if table is None or side not in table.totals:
            return None
        row = table.totals[side]
        return row.get(column), label, [row.line]
    if figure.key in THREE_PUBLIC_FIGURES:
        table = doc.tables.get("three_public")
        if table is None:
            return None
        if table.empty or not table.rows:
            return Decimal(0), "三公经费表（空表）", [table.line]
        row = table.rows[0]
        return row.get(THREE_PUBLIC_FIGURES[figure.key]), "三公经费表", [row.line]
    if figure.key.startswith(("general_public_class:", "general_public_item:")):
        return _general_public_by_name(doc, figure.key.split(":", 1)[1], 3 if "class" in figure.key else 7)
    return None


def _codes_named(doc: Document, name: str, length: int) -> set[str]:
    wanted = squash(name)
    codes = set()
    for table in doc.tables.values():
        for row in table.rows:
            if row.code and len(row.code) == length and row.name and squash(row.name) == wanted:
                codes.add(row.code)
    return codes


def _general_public_by_name(doc: Document, name: str, length: int
                            ) -> tuple[Decimal | None, str, list[int | None]] | None:
    table = doc.tables.get("general_public")
    codes = _codes_named(doc, name, length)
    if table is None or len(codes) != 1:
        return None
    code = codes.pop()
    rows = [r for r in table.rows if r.code == code and r.kind != "project"]
    if not rows:
        return None
    values = [v for v in (r.get("total") for r in rows) if v is not None]
    return sum(values, Decimal(0)), f"表五 {code}", [r.line for r in rows]


def check_text_figures(doc: Document) -> list[CheckResult]:
    """Every figure the 说明 states = the table cell it describes."""
    out = []
    for figure in doc.figures:
        if figure.amount is None:
            continue
        target = _table_value(doc, figure)
        if target is None or target[0] is None:
            continue
        value, label, lines = target
        result = compare(doc, "text-vs-table", f"说明所述数字 = {label}", figure.line,
                         figure.amount, [value],
                         f"说明「{figure.text.strip()}」：{{expected}} {{op}} {label} {{actual}}", items=1,
                         part_lines=lines)
        if result:
            out.append(result)
    return out


def check_text_parts(doc: Document) -> list[CheckResult]:
    """说明六: 人员经费 + 公用经费 = 基本支出, as the text states them."""
    figures = {f.key: f for f in doc.figures}
    total, personnel, public = (figures.get(k) for k in ("basic_total", "basic_personnel", "basic_public"))
    if not (total and personnel and public):
        return []
    result = compare(doc, "text-parts-sum", "说明 人员经费 + 公用经费 = 基本支出", personnel.line,
                     total.amount, [personnel.amount, public.amount],
                     f"说明：基本支出 {{expected}} {{op}} 人员经费 {personnel.amount} + 公用经费 {public.amount}",
                     items=1)
    return [result] if result else []


def check_performance_count(doc: Document) -> list[CheckResult]:
    """说明 实行绩效管理的项目 N 个 = the number of 项目支出绩效目标表 printed."""
    stated = next((f for f in doc.figures if f.key == "performance_project_count"), None)
    if stated is None or stated.amount is None:
        return []
    printed = len(doc.project_targets())
    status = "pass" if stated.amount == printed else "fail"
    op = "=" if status == "pass" else "≠"
    return [CheckResult("performance-count", "说明 绩效项目数 = 项目支出绩效目标表数", status,
                        f"说明 绩效管理项目 {stated.amount} 个 {op} 项目支出绩效目标表 {printed} 张",
                        doc.path, stated.line, stated.amount, Decimal(printed))]
