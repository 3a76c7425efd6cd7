"""Key figures: a Document → the shape of tests/real/KEY.json (department, year, unit,
the summary's totals and lines, the fiscal totals, the 一般公共预算 and 基本支出 totals,
三公, 政府性基金, the function classes), amounts as printed without separators, in the
document's unit (三公 in its own). A field no table gives falls back to the figures the
prose states (`doc.figures`); a field neither gives is None."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .model import Document, Row, StatedFigure, Table
from .numbers import squash
from .tables.amounts import from_wan

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[、.．])")
THREE_PUBLIC_FIELDS = ("total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")


# The measures of the `key_figures` download (one row per document and measure), in order:
# measure → where `key_figures` puts it (section, field). One definition serves both.
MEASURES: dict[str, tuple[str, str]] = {
    "income_total": ("summary", "income_total"),
    "expense_total": ("summary", "expense_total"),
    "general_public_total": ("general_public", "total"),
    "general_public_basic": ("general_public", "basic"),
    "general_public_project": ("general_public", "project"),
    "basic_total": ("basic_economic", "total"),
    "basic_personnel": ("basic_economic", "personnel"),
    "basic_public": ("basic_economic", "public"),
    "three_public_total": ("three_public", "total"),
    "overseas": ("three_public", "overseas"),
    "vehicle_total": ("three_public", "vehicle_total"),
    "vehicle_purchase": ("three_public", "vehicle_purchase"),
    "vehicle_operation": ("three_public", "vehicle_operation"),
    "reception": ("three_public", "reception"),
}


@dataclass(frozen=True)
class Figure:
    """One key figure: exact in 万元, the unit it is printed in, and where."""

    amount: Decimal
    printed_unit: str
    line: int | None
    page: int | None = None

    @property
    def printed(self) -> str:
        return format(from_wan(self.amount, self.printed_unit), "f")


def measures(doc: Document) -> dict[str, Figure | None]:
    """Every measure of `MEASURES` for one document (None where it gives none)."""
    unit = doc.unit
    summary, general = doc.table("summary"), doc.table("general_public")
    basic, three = doc.table("basic"), doc.table("three_public")
    stated = _stated_figures(doc)
    out: dict[str, Figure | None] = {
        "income_total": _total(summary, "income") or _stated(stated, "income_total", unit),
        "expense_total": _total(summary, "expense") or _stated(stated, "expense_total", unit),
        "general_public_total": _value(general, "total") or _stated(stated, "general_public_total", unit),
        "general_public_basic": _value(general, "basic") or _stated(stated, "general_public_basic", unit),
        "general_public_project": _value(general, "project")
        or _stated(stated, "general_public_project", unit),
        "basic_total": _value(basic, "total") or _stated(stated, "basic_total", unit),
        "basic_personnel": _value(basic, "personnel") or _line(basic, "人员经费")
        or _stated(stated, "basic_personnel", unit),
        "basic_public": _value(basic, "public") or _line(basic, "公用经费")
        or _stated(stated, "basic_public", unit),
    }
    # 三公: the table's first row is the department's (合计), its units' rows follow
    row = three.rows[0] if three and three.rows else None
    three_unit = three.unit if three else unit
    for field in THREE_PUBLIC_FIELDS:
        measure = "three_public_total" if field == "total" else field
        out[measure] = (_cell(row, field, three_unit) if row is not None else None) or _stated(
            stated, f"three_public_{field}", three_unit)
    return out


def key_figures(doc: Document) -> dict:
    unit = doc.unit
    three = doc.table("three_public")
    figures = measures(doc)
    sections: dict[str, dict] = {"summary": {}, "general_public": {}, "basic_economic": {},
                                 "three_public": {"unit": three.unit if three else unit}}
    for measure, (section, name) in MEASURES.items():
        in_unit = sections["three_public"]["unit"] if section == "three_public" else unit
        sections[section][name] = _text(figures[measure], in_unit)
    summary, fiscal = doc.table("summary"), doc.table("fiscal")
    stated = _stated_figures(doc)
    sections["summary"] |= {
        "income": _lines(summary, "income", unit) or _stated_lines(stated, "summary_income:", unit),
        "expense": _lines(summary, "expense", unit) or _stated_lines(stated, "summary_expense:", unit)}
    return {
        "department": doc.department, "year": doc.year, "unit": unit,
        "summary": sections["summary"],
        "fiscal": {"income_total": _text(_total(fiscal, "income") or _stated(stated, "fiscal_total", unit), unit),
                   "expense_total": _text(_total(fiscal, "expense") or _stated(stated, "fiscal_total", unit),
                                          unit)},
        "general_public": sections["general_public"],
        "basic_economic": sections["basic_economic"],
        "three_public": sections["three_public"],
        "government_fund": _fund(doc.table("gov_fund"), stated, unit),
        "function_classes": _classes(doc.table("general_public"), unit),
    }


def _stated_figures(doc: Document) -> dict[str, StatedFigure]:
    """The figures the prose states, by key, that stand in for a table: only for a table
    the document does not print (a narrative-only file); a table that leaves a cell empty
    leaves the field empty."""
    printed = set(doc.tables)
    return {f.key: f for f in doc.figures if _table_of(f.key) not in printed}


def _table_of(figure_key: str) -> str:
    """The table a stated figure's key belongs to (basic_personnel → basic)."""
    for prefix, table in (("income_total", "summary"), ("summary_", "summary"), ("expense_total", "summary"),
                          ("fiscal_", "fiscal"), ("general_public_", "general_public"),
                          ("basic_", "basic"), ("three_public_", "three_public"),
                          ("gov_fund_", "gov_fund")):
        if figure_key.startswith(prefix):
            return table
    return ""


def _text(figure: Figure | None, unit: str) -> str | None:
    return None if figure is None else format(from_wan(figure.amount, unit), "f")


def _cell(row: Row | None, column: str, unit: str) -> Figure | None:
    """The figure in one cell of a row, with where it is printed."""
    value = row.get(column) if row is not None else None
    if value is None:
        return None
    origin = row.origins.get(column)
    return Figure(value, unit, origin.line if origin else row.line, origin.page if origin else None)


def _total(table: Table | None, side: str) -> Figure | None:
    row = table.totals.get(side) if table else None
    return _cell(row, "amount", table.unit) if row else None


def _value(table: Table | None, column: str) -> Figure | None:
    row = table.totals.get("total") if table else None
    return _cell(row, column, table.unit) if row else None


def _line(table: Table | None, label: str) -> Figure | None:
    """A labelled line such as 人员经费合计 (the 决算 基本支出 table)."""
    for row in table.rows if table else ():
        if row.code is None and squash(row.name).startswith(label) and row.values:
            column = next(iter(row.values))
            return _cell(row, column, table.unit) if row.values[column] is not None else None
    return None


def _stated(stated: dict[str, StatedFigure], key: str, unit: str) -> Figure | None:
    figure = stated.get(key)
    return Figure(figure.amount, unit, figure.line) if figure and figure.amount is not None else None


def _stated_lines(stated: dict[str, StatedFigure], prefix: str, unit: str) -> list[dict]:
    """The summary's lines as the prose lists them (key `summary_income:NAME`)."""
    return [{"name": key[len(prefix):], "amount": _text(_stated(stated, key, unit), unit)}
            for key in stated if key.startswith(prefix) and stated[key].amount is not None]


def _lines(table: Table | None, side: str, unit: str) -> list[dict]:
    if table is None:
        return []
    out = []
    for row in table.rows:
        if row.side != side or row.get("amount") is None:
            continue
        if side == "expense" and not _is_function_line(row):
            continue
        out.append({"name": row.name, "amount": format(from_wan(row.get("amount"), unit), "f")})
    return out


def _is_function_line(row: Row) -> bool:
    """A 功能分类 line of the expense side: "一、一般公共服务支出", not 基本支出 (支出用途),
    本年支出合计 or 年末结转和结余."""
    name = squash(row.name)
    return bool(_ORDINAL.match(name)) and name.endswith("支出") and _ORDINAL.sub("", name) not in (
        "基本支出", "项目支出")


def _fund(table: Table | None, stated: dict[str, StatedFigure], unit: str) -> dict | None:
    figure = _value(table, "total") if table and not table.empty else None
    value = _text(figure or _stated(stated, "gov_fund_total", unit), unit)
    return {"total": value} if value is not None else None


def _classes(table: Table | None, unit: str) -> list[dict] | None:
    if table is None:
        return None
    return [{"code": r.code, "name": r.name, "amount": format(from_wan(r.get("total"), unit), "f")}
            for r in table.rows if r.kind == "class" and r.get("total") is not None] or None
