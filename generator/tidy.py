"""The analysts' tables without traps: `key_figures` (one row per document and measure)
and `line_items` (each printed amount once, with its level, whether it is a 合计 and
whether it counts towards one).

Both are made from a parsed `Document` when it is packed for the database (`db.document_rows`),
so the key figures come from the one definition `keyfigures.measures` has of which table,
row and column each measure is, and the downloads and `parse --key` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .keyfigures import MEASURES, measures
from .model import Document, Row, Table
from .numbers import SITE_UNIT, UNIT_SHIFT

# Row kinds (`Row.kind`) in Chinese, for the downloads: 类/款/项 come from the code's length.
ROW_KIND_ZH = {"unit": "单位", "class": "类", "section": "款", "item": "项", "project": "项目",
               "line": "栏目", "subtotal": "小计", "total": "合计"}
LEVEL_ZH = {1: "类", 2: "款", 3: "项"}
# The measures in Chinese (the data dictionary and docs/schema.md say the same).
MEASURE_ZH = {
    "income_total": "收入总计（部门收支总表）",
    "expense_total": "支出总计（部门收支总表）",
    "general_public_total": "一般公共预算支出合计",
    "general_public_basic": "一般公共预算支出合计：基本支出",
    "general_public_project": "一般公共预算支出合计：项目支出",
    "basic_total": "一般公共预算基本支出合计（经济分类表）",
    "basic_personnel": "基本支出：人员经费",
    "basic_public": "基本支出：公用经费",
    "three_public_total": "“三公”经费合计",
    "overseas": "因公出国（境）费",
    "vehicle_total": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行费",
    "reception": "公务接待费",
}
assert set(MEASURE_ZH) == set(MEASURES)


def source_of(path: str, line: int | None, page: int | None = None) -> str:
    """`content/x.pdf:120` (with `#p3` for a PDF's page): where a figure is printed."""
    where = f"{path}:{line}" if line is not None else path
    return f"{where} (第{page}页)" if page is not None else where


def key_figure_rows(doc_id: str, doc: Document) -> list[tuple[Any, ...]]:
    """One row per measure (amount NULL where the document gives none), in `MEASURES` order."""
    kind, scope = doc.kind, doc.scope
    out = []
    for measure, figure in measures(doc).items():
        if figure is None:
            out.append((doc_id, doc.department, doc.region, doc.year, kind, scope, measure,
                        None, SITE_UNIT, None, None, None, None))
            continue
        out.append((doc_id, doc.department, doc.region, doc.year, kind, scope, measure,
                    figure.amount, SITE_UNIT, figure.printed, figure.printed_unit,
                    figure.line, source_of(doc.path, figure.line, figure.page)))
    return out


def line_item_rows(doc_id: str, doc: Document) -> list[tuple[Any, ...]]:
    """Every printed amount of every table, once (empty cells left out)."""
    out = []
    department, year, path = doc.department, doc.year, doc.path
    for key, table in doc.tables.items():
        labels = {c.key: c.label for c in table.columns}
        unit, shift = table.unit, UNIT_SHIFT.get(table.unit, 0)  # as `in_printed_unit`
        for row, is_total, detail in _classified_rows(table):
            # what is the same for every cell of the row, made once (an amount's row
            # and line are those of its row where the reader gave it no place of its own)
            first = (doc_id, department, year, key, row.side, row.unit,
                     row_level(row.code, row.kind, is_total), row.code, row.name, row.project)
            origins, inferred, row_line, row_source = row.origins, row.inferred, row.line, None
            for column, amount in row.values.items():
                if amount is None:
                    continue
                origin = origins.get(column) if origins else None
                if origin is None:
                    if row_source is None:
                        row_source = source_of(path, row_line)
                    line, page, source = row_line, None, row_source
                else:
                    line, page = origin.line, origin.page
                    source = source_of(path, line, page)
                out.append((*first, column, labels.get(column), amount, SITE_UNIT,
                            format(amount.scaleb(shift), "f"), unit, is_total, detail,
                            column in inferred, line, page, source))
    return out


def row_level(code: str | None, kind: str | None, is_total: bool) -> str:
    """A row's type in Chinese: 合计; 类/款/项 by its code's length (3/5/7 digits; an
    economic code's 3/5); else 单位, 项目, 小计 or 栏目 (a labelled line) by its kind."""
    if is_total:
        return "合计"
    level = {3: 1, 5: 2, 7: 3}.get(len(code), 0) if code else 0
    if level and kind in ("class", "section", "item", None):
        return LEVEL_ZH[level]
    return ROW_KIND_ZH.get(kind or "", "栏目")


def first_row_is_total(table_key: str, has_total_row: bool) -> bool:
    """三公经费表 prints the department's figures (its 合计) first, then its units': where
    no row is labelled 合计, the first row is the total (as `keyfigures.measures` reads it)."""
    return table_key == "three_public" and not has_total_row


def _classified_rows(table: Table) -> Iterator[tuple[Row, bool, bool | None]]:
    """(row, is a 合计, counts towards it) for the table's rows and then its totals.

    A body row counts (明细) when no other row of its table is part of it: a 类 with 款
    under it, a 单位 with its own lines, a 小计, do not. Two-sided tables (收支总表) mix
    function lines with 基本/项目 lines on one side: none of their rows is said to count
    (NULL). 三公: the first row is the department's 合计, the rest its units' lines.
    """
    rows = list(table.rows)
    totals = list(table.totals.values())
    if first_row_is_total(table.key, bool(totals)) and rows:
        totals, rows = rows[:1], rows[1:]
    two_sided = any(r.side for r in rows)
    having_parts = _rows_with_parts(rows)
    for row in rows:
        detail = None if two_sided else row.kind != "subtotal" and id(row) not in having_parts
        yield row, False, detail
    for row in totals:
        yield row, True, None


def _rows_with_parts(rows: list[Row]) -> set[int]:
    """The ids of the rows another row of the table is part of: a 类 with its 款 (a code
    that begins another's), a 单位 with its own lines, an 项 with the projects under it."""
    prefixes: set[tuple] = set()
    project_codes: set[tuple] = set()
    units_with_lines: set[tuple] = set()
    for row in rows:
        if row.code:
            prefixes.update((row.side, row.unit, row.code[:k]) for k in range(1, len(row.code)))
            if row.kind == "project":
                project_codes.add((row.side, row.unit, row.code))
        if not (row.code is None and row.kind == "unit"):
            units_with_lines.add((row.side, row.unit))
    out = set()
    for row in rows:
        key = (row.side, row.unit, row.code)
        if row.code is None and row.kind == "unit":
            if (row.side, row.unit) in units_with_lines:
                out.add(id(row))
        elif row.code and (key in prefixes or (row.kind != "project" and key in project_codes)):
            out.add(id(row))
    return out
