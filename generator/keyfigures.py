"""Key figures: a Document → the shape of tests/real/KEY.json (department, year, unit,
the summary's totals and lines, the fiscal totals, the 一般公共预算 and 基本支出 totals,
三公, 政府性基金, the function classes), amounts as printed without separators, in the
document's unit (三公 in its own). A field no table gives falls back to the figures the
prose states (`doc.figures`); a field neither gives is None."""

from __future__ import annotations

import re
from decimal import Decimal

from .model import Document, Row, StatedFigure, Table
from .numbers import squash
from .tables.amounts import from_wan

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[、.．])")
THREE_PUBLIC_FIELDS = ("total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")


def key_figures(doc: Document) -> dict:
    unit = doc.unit
    summary, fiscal = doc.table("summary"), doc.table("fiscal")
    general, basic = doc.table("general_public"), doc.table("basic")
    three, fund = doc.table("three_public"), doc.table("gov_fund")
    # the prose's figures stand in only for a table the document does not print (a
    # narrative-only file): a table that leaves a cell empty leaves the field empty
    printed = set(doc.tables)
    stated = {f.key: f for f in doc.figures if _table_of(f.key) not in printed}
    out = {
        "department": doc.department, "year": doc.year, "unit": unit,
        "summary": {
            "income_total": _total(summary, "income", unit) or _stated(stated, "income_total", unit),
            "expense_total": _total(summary, "expense", unit) or _stated(stated, "expense_total", unit),
            "income": _lines(summary, "income", unit),
            "expense": _lines(summary, "expense", unit),
        },
        "fiscal": {"income_total": _total(fiscal, "income", unit) or _stated(stated, "fiscal_total", unit),
                   "expense_total": _total(fiscal, "expense", unit) or _stated(stated, "fiscal_total", unit)},
        "general_public": {
            "total": _value(general, "total", unit) or _stated(stated, "general_public_total", unit),
            "basic": _value(general, "basic", unit) or _stated(stated, "general_public_basic", unit),
            "project": _value(general, "project", unit) or _stated(stated, "general_public_project", unit)},
        "basic_economic": {
            "total": _value(basic, "total", unit) or _stated(stated, "basic_total", unit),
            "personnel": _value(basic, "personnel", unit) or _line(basic, "人员经费", unit)
            or _stated(stated, "basic_personnel", unit),
            "public": _value(basic, "public", unit) or _line(basic, "公用经费", unit)
            or _stated(stated, "basic_public", unit)},
        "three_public": _three_public(three, stated, unit),
        "government_fund": _fund(fund, stated, unit),
        "function_classes": _classes(general, unit),
    }
    return out


def _table_of(figure_key: str) -> str:
    """The table a stated figure's key belongs to (basic_personnel → basic)."""
    for prefix, table in (("income_total", "summary"), ("expense_total", "summary"),
                          ("fiscal_", "fiscal"), ("general_public_", "general_public"),
                          ("basic_", "basic"), ("three_public_", "three_public"),
                          ("gov_fund_", "gov_fund")):
        if figure_key.startswith(prefix):
            return table
    return ""


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _total(table: Table | None, side: str, unit: str) -> str | None:
    row = table.totals.get(side) if table else None
    return _text(from_wan(row.get("amount"), unit)) if row else None


def _value(table: Table | None, column: str, unit: str) -> str | None:
    row = table.totals.get("total") if table else None
    return _text(from_wan(row.get(column), unit)) if row and row.get(column) is not None else None


def _line(table: Table | None, label: str, unit: str) -> str | None:
    """A labelled line such as 人员经费合计 (the 决算 基本支出 table)."""
    for row in table.rows if table else ():
        if row.code is None and squash(row.name).startswith(label) and row.values:
            return _text(from_wan(next(iter(row.values.values())), unit))
    return None


def _stated(stated: dict[str, StatedFigure], key: str, unit: str) -> str | None:
    figure = stated.get(key)
    return _text(from_wan(figure.amount, unit)) if figure and figure.amount is not None else None


def _lines(table: Table | None, side: str, unit: str) -> list[dict]:
    if table is None:
        return []
    out = []
    for row in table.rows:
        if row.side != side or row.get("amount") is None:
            continue
        if side == "expense" and not _is_function_line(row):
            continue
        out.append({"name": row.name, "amount": _text(from_wan(row.get("amount"), unit))})
    return out


def _is_function_line(row: Row) -> bool:
    """A 功能分类 line of the expense side: "一、一般公共服务支出", not 基本支出 (支出用途),
    本年支出合计 or 年末结转和结余."""
    name = squash(row.name)
    return bool(_ORDINAL.match(name)) and name.endswith("支出") and _ORDINAL.sub("", name) not in (
        "基本支出", "项目支出")


def _three_public(table: Table | None, stated: dict[str, StatedFigure], unit: str) -> dict:
    three_unit = table.unit if table else unit
    row = table.rows[0] if table and table.rows else None
    out: dict = {"unit": three_unit}
    for field in THREE_PUBLIC_FIELDS:
        value = row.get(field) if row else None
        out[field] = _text(from_wan(value, three_unit)) if value is not None else _stated(
            stated, f"three_public_{field}", three_unit)
    return out


def _fund(table: Table | None, stated: dict[str, StatedFigure], unit: str) -> dict | None:
    value = _value(table, "total", unit) if table and not table.empty else None
    if value is None:
        value = _stated(stated, "gov_fund_total", unit)
    return {"total": value} if value is not None else None


def _classes(table: Table | None, unit: str) -> list[dict] | None:
    if table is None:
        return None
    return [{"code": r.code, "name": r.name, "amount": _text(from_wan(r.get("total"), unit))}
            for r in table.rows if r.kind == "class" and r.get("total") is not None] or None
