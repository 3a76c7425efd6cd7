"""Identities inside one table: row arithmetic, parent = sum of children, total = sum of rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model import Document, Row, Table
from ..tables.catalogue import identity_terms, load_catalogue
from .base import COLUMN_SHORT, TABLE_SHORT, CheckResult, compare, fmt, row_label, tables

# Tables whose rows are checked against their kind's identities (catalogue.toml).
ROW_IDENTITY_TABLES = ("expense", "general_public", "basic")
HIERARCHY_TABLES = ("income", "expense", "general_public", "basic", "projects")


def column_sums(doc: Document, slug: str, name: str, total: Row, parts: list[Row],
                columns: list[str], message: str) -> list[CheckResult]:
    """`total` = sum of `parts`, column by column. `message` may use {column} (the column's
    Chinese name) besides compare()'s {expected}, {actual} and {op}."""
    out = []
    for column in columns:
        expected = total.values.get(column)
        values = [r.values.get(column) for r in parts]
        if expected is None and values.count(None) == len(values):
            continue  # nothing to compare (compare() says None): no message to make
        text = message.replace("{column}", COLUMN_SHORT.get(column, column))
        if "{parts}" in text:
            text = text.replace("{parts}", " + ".join(fmt(v) for v in values))
        # the parts' figures' lines, and the total's figure's where its row spans lines:
        # lazily, as compare() asks for them only where the check did not pass
        result = compare(doc, slug, name, total.line, expected, values, text,
                         part_lines=_lines_of([*parts, total], column))
        if result:
            out.append(result)
    return out


def _lines_of(rows: list[Row], column: str) -> Iterator[int]:
    return (_line_of(row, column) for row in rows)


def _line_of(row: Row, column: str) -> int:
    """The line a row's figure in `column` is printed on (a Word table row spans a line per
    cell), else the row's."""
    origin = row.origins.get(column)
    return origin.line if origin is not None and origin.line else row.line


def check_summary_balance(doc: Document) -> list[CheckResult]:
    """表一/表四 收入总计 = 支出总计."""
    out = []
    for table in tables(doc, "summary", "fiscal"):
        income, expense = table.totals.get("income"), table.totals.get("expense")
        if income is None or expense is None:
            continue
        # 表四's 支出总计 spreads over 合计 / 一般公共预算 / … where a template prints those
        # columns (Xinjiang); a two-sided table of one 金额 column holds it as its amount
        key_out = "total" if table.key == "fiscal" and "total" in expense.values else "amount"
        result = compare(doc, "summary-balance", f"{TABLE_SHORT[table.key]} 收入总计 = 支出总计",
                         income.line, income.get("amount"), [expense.get(key_out)],
                         f"{TABLE_SHORT[table.key]}：收入总计 {{expected}} {{op}} 支出总计 {{actual}}",
                         part_lines=[expense.line])
        if result:
            out.append(result)
    return out


def check_summary_class_sum(doc: Document) -> list[CheckResult]:
    """表一/表四 支出总计 = sum of the function-class (类) lines, column by column."""
    out = []
    for table in tables(doc, "summary", "fiscal"):
        total = table.totals.get("expense")
        lines = [r for r in table.rows if r.side == "expense" and r.code and len(r.code) == 3]
        if total is None or not lines:
            continue
        columns = ["amount"] if table.key == "summary" else ["total", "general_public", "gov_fund", "state_capital"]
        where = TABLE_SHORT[table.key]
        out += column_sums(doc, "summary-class-sum", f"{where} 支出总计 = 各类之和", total, lines, columns,
                           f"{where}：支出总计 {{column}} {{expected}} {{op}} 各类之和 {{actual}}")
    return out


def check_row_identities(doc: Document) -> list[CheckResult]:
    """Each row and the total of a coded table against its kind's identities, as the
    catalogue gives them (表三/表五 合计 = 基本支出 + 项目支出 [+ 单位预留机动经费 …];
    表六 合计 = 人员经费 + 公用经费); an identity over a column the table does not print is
    not applicable (`TableKind.applicable_identities`)."""
    catalogue = load_catalogue()
    out = []
    for table in tables(doc, *ROW_IDENTITY_TABLES):
        kind = catalogue.kind_of_table(table.key)
        if kind is None:
            continue
        for identity in kind.applicable_identities(_value_columns(table)):
            out += _row_identity(doc, table, *identity_terms(identity))
    return out


def _row_identity(doc: Document, table: Table, left: str, parts: list[str]) -> list[CheckResult]:
    # the slug names the parts every template prints (row-basic-project, row-personnel-public)
    slug = "row-" + "-".join(parts[:2])
    where = TABLE_SHORT[table.key]
    out = []
    # (row, labelled as a body row): `in` compares rows by value, so it is asked once
    # for the total row, not for every body row (which is quadratic in the rows).
    rows = [(row, True) for row in table.rows]
    if "total" in table.totals:
        rows.append((table.totals["total"], table.totals["total"] in table.rows))
    for row, in_body in rows:
        total = row.get(left)
        if total is None:
            continue
        label = row_label(table.key, row) if in_body else f"{where} 合计"
        shown = " + ".join(f"{_cn(p)} {_f(row.get(p))}" for p in parts)
        result = compare(doc, slug, f"{where} 合计 = {' + '.join(map(_cn, parts))}", row.line, total,
                         [row.get(p) for p in parts],
                         f"{label}：合计 {{expected}} {{op}} {shown}", items=len(parts) - 1)
        if result:
            out.append(result)
    return out


def economic_columns() -> list[str]:
    """表七's economic-class columns in the template's order (its catalogue header after
    the 项目支出合计)."""
    return [key for key, _ in load_catalogue().kind("projects").header if key != "total"]


def check_economic_split(doc: Document) -> list[CheckResult]:
    """表七 printed by economic class: each row's 合计 = 工资福利支出 + 商品和服务支出 + … (the
    economic-class columns it prints), for every row that prints any of them, and the total."""
    out = []
    for table in tables(doc, "projects"):
        printed = {c.key for c in table.columns}
        parts = [key for key in economic_columns() if key in printed]
        if len(parts) < 2:
            continue
        rows = [(row, row_label(table.key, row)) for row in table.rows]
        if "total" in table.totals:
            rows.append((table.totals["total"], f"{TABLE_SHORT[table.key]} 合计"))
        for row, label in rows:
            values = [row.get(key) for key in parts]
            if all(v is None for v in values):
                continue
            result = compare(doc, "row-economic-sum", f"{TABLE_SHORT[table.key]} 合计 = 各经济分类之和",
                             row.line, row.get("total"), values,
                             f"{label}：合计 {{expected}} {{op}} 各经济分类之和 {{actual}}",
                             items=sum(v is not None for v in values))
            if result:
                out.append(result)
    return out


def _cn(column: str) -> str:
    return {"basic": "基本", "project": "项目", "personnel": "人员经费", "public": "公用经费",
            "reserve": "单位预留机动经费", "carry_forward": "结转下年"}.get(column, column)


def _f(value: Decimal | None) -> str:
    return fmt(value)


def _value_columns(table: Table) -> list[str]:
    keys = [c.key for c in table.columns if not c.key.startswith("col_")]
    if not keys:
        seen: dict[str, None] = {}
        for row in table.rows:
            for k in row.values:
                seen.setdefault(k, None)
        keys = list(seen)
    return keys


def _children(rows: list[Row], index: int) -> list[Row]:
    """Rows directly under rows[index] in the 类/款/项 hierarchy (same unit, code one level down).

    Children follow their parent; the first row of another unit or outside the parent's
    code ends the run (tables printed out of code order simply have no children here).
    """
    parent = rows[index]
    kids = []
    for row in rows[index + 1:]:
        if row.unit != parent.unit or not row.code.startswith(parent.code):
            break
        if len(row.code) == len(parent.code) + 2:
            kids.append(row)
    return kids


def check_parent_children(doc: Document) -> list[CheckResult]:
    """A 类 row = sum of its 款 rows; a 款 row = sum of its 项 rows (every value column)."""
    out = []
    for table in tables(doc, *HIERARCHY_TABLES):
        rows = [r for r in table.rows if r.code and r.kind != "project"]
        columns = _value_columns(table)
        for i, parent in enumerate(rows):
            kids = _children(rows, i)
            if not kids:
                continue
            out += column_sums(doc, "parent-children", f"{TABLE_SHORT[table.key]} 上级科目 = 下级科目之和",
                               parent, kids, columns,
                               f"{row_label(table.key, parent)}：{{column}} {{expected}} {{op}} "
                               "下级之和 {actual}（{parts}）")
    return out


def _top_rows(table: Table) -> tuple[list[Row], str]:
    units = [r for r in table.rows if r.kind == "unit" or (r.unit and not r.code)]
    if units:
        return units, "sub-units-sum"
    if table.key == "projects":
        return [r for r in table.rows if r.kind == "project"], "table-total"
    coded = [r for r in table.rows if r.code]
    if not coded:
        return [], "table-total"
    top = min(len(r.code) for r in coded)
    return [r for r in coded if len(r.code) == top], "table-total"


def check_table_totals(doc: Document) -> list[CheckResult]:
    """合计 = sum of the top-level rows (类 rows, or sub-unit rows where the table has them)."""
    out = []
    for table in tables(doc, *HIERARCHY_TABLES):
        total = table.totals.get("total")
        top, slug = _top_rows(table)
        if total is None or not top:
            continue
        what = "各单位之和" if slug == "sub-units-sum" else "各行之和"
        where = TABLE_SHORT[table.key]
        out += column_sums(doc, slug, f"{where} 合计 = {what}", total, top, _value_columns(table),
                           f"{where} 合计行（{{column}}）{{expected}} {{op}} {what} {{actual}}")
    return out


def check_unit_rows(doc: Document) -> list[CheckResult]:
    """A sub-unit's own total row = sum of its 类 rows."""
    out = []
    for table in tables(doc, *HIERARCHY_TABLES):
        for unit_row in (r for r in table.rows if r.unit and not r.code):
            classes = [r for r in table.rows if r.unit == unit_row.unit and r.code and len(r.code) == 3]
            if not classes:
                continue
            out += column_sums(doc, "parent-children", f"{TABLE_SHORT[table.key]} 单位小计 = 各类之和",
                               unit_row, classes, _value_columns(table),
                               f"{row_label(table.key, unit_row)}：{{column}} {{expected}} {{op}} 各类之和 {{actual}}")
    return out


def check_three_public(doc: Document) -> list[CheckResult]:
    """三公经费 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费; 车 = 购置 + 运行."""
    out = []
    for table in tables(doc, "three_public"):
        for row in table.rows:
            for slug_name, expected, parts in (
                ("三公 合计 = 出国 + 公务用车 + 接待", "total", ("overseas", "vehicle_total", "reception")),
                ("公务用车 = 购置 + 运行", "vehicle_total", ("vehicle_purchase", "vehicle_operation")),
            ):
                result = compare(doc, "three-public-parts", slug_name, row.line, row.get(expected),
                                 [row.get(p) for p in parts],
                                 f"三公经费表：{slug_name.split(' = ')[0]} {{expected}} {{op}} {{actual}}", items=1)
                if result:
                    out.append(result)
    return out
