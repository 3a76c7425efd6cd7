"""`parse FILE --golden`: a `Document` in the shape of the answer key (tests/golden/SCHEMA.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import Document, Row, Table
from .numbers import format_amount

THREE_PUBLIC_KEYS = ("total", "overseas", "vehicle_total", "vehicle_purchase",
                     "vehicle_operation", "reception")


def _amt(row: Row | None, key: str) -> str | None:
    return format_amount(row.values.get(key)) if row is not None else None


def _coded_rows(table: Table | None) -> list[Row]:
    if table is None:
        return []
    return [r for r in table.rows if r.code or r.unit]


def _expense_shape(table: Table | None) -> dict[str, Any]:
    total = table.totals.get("total") if table else None
    return {
        "rows": [{"unit": r.unit, "code": r.code, "total": _amt(r, "total"),
                  "basic": _amt(r, "basic"), "project": _amt(r, "project")}
                 for r in _coded_rows(table)],
        "total": {k: _amt(total, k) for k in ("total", "basic", "project")},
    }


def to_golden(doc: Document) -> dict[str, Any]:
    summary = doc.table("summary")
    basic = doc.table("basic")
    projects = doc.table("projects")
    three = doc.table("three_public")
    three_row = three.rows[0] if three and three.rows else None
    st = doc.staffing
    return {
        "file": Path(doc.path).name,
        "department": doc.department,
        "region": doc.region,
        "year": doc.year,
        "unit": doc.unit,
        "staffing": {k: getattr(st, k) for k in (
            "authorized", "actual", "in_service", "in_service_change", "retired",
            "retired_change", "lixiu", "lixiu_change")},
        "divisions": {"count": doc.division_count, "names": list(doc.divisions)},
        "sub_units": list(doc.sub_units),
        "summary": {
            "income_total": _amt(summary.totals.get("income"), "amount") if summary else None,
            "expense_total": _amt(summary.totals.get("expense"), "amount") if summary else None,
            "income": [{"name": r.name, "amount": _amt(r, "amount")} for r in (summary.rows if summary else [])
                       if r.side == "income" and r.values.get("amount") is not None],
            "expense": [{"code": r.code, "amount": _amt(r, "amount")} for r in (summary.rows if summary else [])
                        if r.side == "expense" and r.code and r.values.get("amount") is not None],
        },
        "expense": _expense_shape(doc.table("expense")),
        "general_public": _expense_shape(doc.table("general_public")),
        "basic": {
            "rows": [{"code": r.code, "total": _amt(r, "total"), "personnel": _amt(r, "personnel"),
                      "public": _amt(r, "public")} for r in _coded_rows(basic) if r.code],
            "total": {k: _amt(basic.totals.get("total") if basic else None, k)
                      for k in ("total", "personnel", "public")},
        },
        "projects": {
            "rows": [{"unit": r.unit, "code": r.code, "project": r.project, "total": _amt(r, "total")}
                     for r in (projects.rows if projects else []) if r.kind == "project"],
            "total": _amt(projects.totals.get("total") if projects else None, "total"),
        },
        "three_public": {k: _amt(three_row, k) for k in THREE_PUBLIC_KEYS},
        "performance": {
            "count": len(doc.project_targets()),
            "projects": [{"name": p.name, "amount": format_amount(p.amount)}
                         for p in doc.project_targets()],
        },
    }

