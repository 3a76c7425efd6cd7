"""Doubts on a coded table's rows that its figures alone tell, whichever reader read it
(run after the interpreter, `row_doubts`): codes out of their 类/款/项 nesting (`check_code_order`)
or of the other classification (`foreign_code`), a figure one column over told by the row
above (`moved_value_doubts`), 表六 amounts on the wrong side (人员经费 / 公用经费), rows
whose parts do not add up to their 合计 (`report_unbalanced_rows`). Each is a
`code-order` or `column-ambiguous` warning on the row's line; no figure is changed.

Word tables print 表六's economic 款 in their own order (302 211 after 303 09) and a 项 99
before 01, so only the nesting is checked there; text extracted from a PDF prints them
ascending, and its lines move, swap and repeat, so the PDF layouts ask for the ascending
order too (`check_code_order(ascending=True)`, one check for every layout). A code that
breaks it (a 类 or 款 printed again after its rows, a 款 under another 类, a 项 under
another 款) is kept and reported: a row that lost or swapped a code cell reads as such a
code, and its figures must not stand at the wrong place unreported.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from ..model import Document, Issue, Row, Table
from .catalogue import load_catalogue


@cache
def is_economic(key: str) -> bool:
    """Whether the table is classified by 经济分类 (3xx/5xx codes; the catalogue's
    `classification`); every other coded table uses 功能分类 (2xx)."""
    kind = load_catalogue().kind_of_table(key)
    return kind is not None and kind.classification == "economic"


def row_doubts(table: Table, doc: Document, label: str, ascending: bool = False, sums: bool = True) -> None:
    """Every doubt of the module docstring on `table` (named `label` in messages; codes
    printed `ascending`, see `check_code_order`; the rows' sums unless not `sums`)."""
    check_code_order(table, doc, label, ascending)
    moved_value_doubts(table, doc, label)
    if is_economic(table.key):
        check_economic_side(table, doc, label)
    if sums:
        report_unbalanced_rows(table, doc, label)


def foreign_code(key: str, code: str, printed: str | None = None) -> str | None:
    """Why `code` does not belong in table `key` (an economic code in a function table or
    the reverse), or None."""
    economic = is_economic(key)
    family, kind = (("3", "5"), "支出经济分类（3xx、5xx）") if economic else (("2",), "支出功能分类（2xx）")
    if code.startswith(family):
        return None
    return f"编码 {printed or code} 不是{kind}科目编码：是另一张表的行？"


def check_code_order(table: Table, doc: Document, label: str, ascending: bool = False) -> None:
    """Codes that break the order of the rows printed before them (in the current sub-unit):
    a code of the other classification (`foreign_code`, `row-misplaced`); a 类 or 款 printed
    again after its rows, a 款 under another 类, a 项 under another 款 (the 类 or 款 row
    above is in doubt too: its own code may be the wrong one, a swapped code cell); a code
    below the one printed before it under the same 类 or 款, or any code printed twice,
    where the codes print `ascending` (text extracted from a PDF moves, swaps and repeats
    lines: both rows in doubt; Word tables print their own orders, see the module); an
    uncoded row read as a sub-unit whose first coded row is no 类 (`unit_opening_doubt`).
    One `code-order` warning a row at most."""
    doubts: dict[int, Issue] = {}  # id(row) → its doubt (the first found), in the order found

    def doubt(row: Row, text: str, slug: str = "code-order") -> None:
        doubts.setdefault(id(row), Issue(slug, f"{label} 第 {row.line} 行：{text}", doc.path, row.line,
                                         "warning", table.key))
    unit = printed_class = printed_section = None  # the sub-unit, 类 and 款 printed so far
    printed: dict[str, Row] = {}  # 类/款 printed → its row
    last: dict[str, Row] = {}  # 类 or 款 (the table: "") → the last row printed under it
    seen: set[str] = set()  # every code or code prefix seen
    for row in table.rows:
        if row.kind == "unit":  # a sub-unit's rows: the order starts again
            printed_class = printed_section = None
            unit, printed, last, seen = row, {}, {}, set()
            continue
        code, has_project = row.code, row.kind == "project"
        if not code:
            continue
        if unit is not None and len(code) > 3 and not has_project:
            doubt(unit, unit_opening_doubt(unit, code))
        scope = code[:-2] if len(code) > 3 else ""  # the 类 or 款 it is printed under ("": the table)
        unit, problem, parent, before = None, None, None, last.get(scope)
        if foreign := foreign_code(table.key, code, row.code_raw):
            doubt(row, foreign, "row-misplaced")
        elif code in seen and not has_project:
            problem = f"{code} 在其下属行之后再次印出" if len(code) < 7 else f"{code} 再次印出"
        elif len(code) in (5, 7) and printed_class and code[:3] != printed_class:
            problem, parent = f"{code} 不在上面所印的类 {printed_class} 之下", printed_class
        elif len(code) == 7 and printed_section and code[:3] == printed_section[:3] and code[:5] != printed_section:
            problem, parent = f"{code} 不在上面所印的款 {printed_section} 之下", printed_section
        elif ascending and before is not None and code < before.code:
            doubt(row, f"编码 {row.code_raw or code} 排在 {before.code} 之后，不符合类/款/项顺序（行被移动或重复？）")
            doubt(before, f"编码 {before.code_raw or before.code} 排在 {code} 之前，不符合类/款/项顺序"
                  "（行被移动或重复？）")
        if parent is not None and (above := printed.pop(parent, None)) is not None:
            doubt(above, f"{parent} 之后是不属于它的 {code}；该行的编码可能有误")
        if problem:
            doubt(row, f"编码 {problem}；可能缺了或错放了编码单元格")
        if len(code) in (3, 5) and not has_project:
            printed_class, printed_section = (code, None) if len(code) == 3 else (printed_class, code)
            printed[code] = row
        seen.update(code[:n] for n in (3, 5, 7) if n <= len(code))
        last[scope] = row
    doc.issues.extend(doubts.values())


def unit_opening_doubt(unit: Row, first_code: str) -> str:
    """Why an uncoded row read as a sub-unit is in doubt: a sub-unit's rows open with a 类
    (3 digits), and the first coded row under this one is a 款 or 项 — more likely a 类 row
    whose code was lost."""
    return (f"没有编码的行「{(unit.name or '')[:40]}」之后是 {first_code}，不是类："
            "是丢了编码的类行吗？按下属单位读取，存疑")


def _hierarchy(table: Table) -> list[tuple[Row, list[Row]]]:
    """(parent, children) for every sum the table prints: 合计 over its top rows (sub-units,
    表七 projects, or 类), a sub-unit over its 类, a 类 over its 款, a 款 over its 项."""
    rows = table.rows
    units = [r for r in rows if r.kind == "unit"]
    if units:
        top = units
    elif table.key == "projects":
        top = [r for r in rows if r.kind == "project"]
    else:
        coded = [r for r in rows if r.code]
        shortest = min((len(r.code) for r in coded), default=0)
        top = [r for r in coded if len(r.code) == shortest]
    out = [(table.totals["total"], top)] if "total" in table.totals and top else []
    if table.key == "projects":
        return out
    for unit in units:
        out.append((unit, [r for r in rows if r.unit == unit.unit and r.code and len(r.code) == 3]))
    for i, parent in enumerate(rows):
        if not parent.code or parent.kind == "project":
            continue
        kids, width, j = [], len(parent.code) + 2, i + 1  # (no slice: a copy of the rows a parent)
        while j < len(rows) and rows[j].unit == parent.unit and (rows[j].code or "").startswith(parent.code):
            if len(rows[j].code) == width:
                kids.append(rows[j])
            j += 1
        if kids:
            out.append((parent, kids))
    return out


def moved_value_doubts(table: Table, doc: Document, table_label: str) -> None:
    """Rows whose figure stands one column over, told by the breakdown of the row above
    them (see `moved_values`): their columns are reported as uncertain."""
    columns = [c.key for c in table.columns if not c.key.startswith("col_")]
    flagged: set[int] = set()
    for parent, kids in _hierarchy(table):
        for row in moved_values(parent, kids, columns):
            if id(row) in flagged:
                continue
            flagged.add(id(row))
            what = row.code_raw or row.name or row.project or "?"
            doc.issues.append(Issue("column-ambiguous", f"{table_label}「{what}」行"
                                    f"（第 {row.line} 行）：各分项逐列相加不等于上一行"
                                    f"（第 {parent.line} 行），合计却相等；"
                                    "可能有数印错了列", doc.path, row.line,
                                    "warning", table.key))


# 表六 economic classes and the side (人员经费 / 公用经费) their amounts belong to.
_ECONOMIC_SIDE = {"301": "personnel", "303": "personnel", "302": "public"}
_SIDE_NAMES = {"personnel": "人员经费", "public": "公用经费"}


def check_economic_side(table: Table, doc: Document, label: str) -> None:
    """表六: 工资福利 (301) and 对个人和家庭的补助 (303) are 人员经费, 商品和服务 (302)
    公用经费; an amount on the other side is a value cell moved within the row."""
    for row in table.rows:
        side = _ECONOMIC_SIDE.get((row.code or "")[:3])
        other = {"personnel": "public", "public": "personnel"}.get(side or "")
        if other and row.values.get(other):  # a figure, not a printed 0.00
            doc.issues.append(Issue("column-ambiguous", f"{label} 第 {row.line} 行 {row.code_raw}：数印在"
                                    f"{_SIDE_NAMES[other]}下，而经济分类 {row.code[:3]} 属{_SIDE_NAMES[side]}；"
                                    "所在的列存疑", doc.path, row.line, "warning", table.key))


_ZERO = Decimal(0)


def moved_values(parent: Row, children: list[Row], columns: list[str]) -> list[Row]:
    """Children whose figures stand in the wrong columns, told by the parent's breakdown.

    When the parent's 合计 is the sum of the children's but its parts are not, and what one
    part lacks another has in excess, a figure moved between the children's columns (a
    row printed its amount one column over): the children printing in the column that has
    too much are the ones in doubt. A mismatch that is not a move (a figure missing, a
    wrong figure) is left to the checks."""
    tolerance = Decimal("0.01") * max(1, len(children))
    sums: dict[str, Decimal] = {}  # the children's, by column (one pass: every parent of a table asks)
    for row in children:
        for column, value in row.values.items():
            if value:
                sums[column] = sums.get(column, _ZERO) + value

    def gap(column: str) -> Decimal:
        return (parent.values.get(column) or _ZERO) - sums.get(column, _ZERO)

    parts = [c for c in columns if c != "total"]
    if "total" not in columns or not parts or abs(gap("total")) > tolerance:
        return []
    gaps = {c: gap(c) for c in parts}
    excess = [c for c, g in gaps.items() if g < -tolerance]
    if not excess or not any(g > tolerance for g in gaps.values()):
        return []
    if abs(sum(gaps.values(), Decimal(0))) > tolerance:
        return []
    return [r for r in children if any(r.values.get(c) for c in excess)]


# Tables whose 合计 column is the sum of the columns after it on every row (subtotal
# columns, "…_subtotal", aside), with no check of that per row in `generator/checks`:
# 表七 (项目支出合计 = its economic classes), 表二 (合计 = its income sources).
ROW_SUM_TABLES = {"projects", "income"}


def report_unbalanced_rows(table: Table, doc: Document, label: str) -> None:
    """A `column-ambiguous` warning on each row of a `ROW_SUM_TABLES` table whose printed
    parts do not add up to their 合计 (by more than 0.01 a part): a figure moved into the
    row from another, or one of its figures moved out, so the parts as read are in doubt;
    unless its line already has one for this table. A row printing its 合计 alone (no
    breakdown) is not in doubt."""
    keys = [c.key for c in table.columns]
    if table.key not in ROW_SUM_TABLES or "total" not in keys:
        return
    parts = [k for k in keys if k != "total" and not k.startswith(("col_", "unplaced_"))
             and not k.endswith(("_subtotal", "_total"))]
    doubted = {i.line for i in doc.issues if i.slug == "column-ambiguous" and i.table == table.key}
    for row in [*table.rows, *table.totals.values()]:
        total = row.values.get("total")
        printed = [row.values[k] for k in parts if row.values.get(k) is not None]
        if total is None or not printed or row.line in doubted:
            continue
        found = sum(printed, Decimal(0))
        if abs(found - total) <= Decimal("0.01") * len(printed):
            continue
        what = row.code_raw or row.name or row.project or "?"
        doc.issues.append(Issue("column-ambiguous", f"{label}「{what}」行（第 {row.line} 行）："
                                f"各分项之和为 {found}，不等于合计 {row.values['total']}，"
                                "可能有数字放错了列或行", doc.path,
                                row.line, "warning", table.key))
