"""Two-sided summary tables (收支总表, 财政拨款收支总表): 收入 lines and 支出 lines printed
side by side (in Jiangsu a third side, 支出 by use), each line a label and its amount(s).

How a line's cells are found depends on what the grid knows of columns: with x-extents,
each cell's side is told by the header's amount columns (金额, 预算数, 决算数); where every
cell gives its column (a sheet, tab-separated or Word table text), by the header's label
headings (`two_sided_columns`); where only amounts give theirs, counted from the line end
(padded text), each label takes the amounts after it (`two_sided_counted`); without any,
each label takes the amount after it. A line's side then comes from its column where the
grid tells it, else from its label: a function class (201 一般公共服务支出) or the
catalogue's expense words (支出, 结转下年 …) put it on the expense side, the rest are
income; of two 总计 on one row the first is income's. The totals are the lines named
收入总计 / 支出总计 (or 总计 alone), else 收入合计 / 支出合计; rows after the 总计 line are
another table's. Then each line's code and kind, and its doubts (`line_doubts`).
"""
from __future__ import annotations

from ..grid import Cell, GridRow
from ..model import Column, Issue, Row, Table
from ..numbers import squash
from ..readers.text import is_amount
from .amounts import LABEL_START, has_amount, label_text, pieces, to_wan
from .catalogue import Catalogue
from .codes import row_kind
from .column_fit import is_column_grid
from .segment import Segment
from .two_sided_columns import SIDE_NAMES, read_sides
from .two_sided_counted import cut_at_other_table, function_class, place_unplaced, read_counted


def read_two_sided(seg: Segment, catalogue: Catalogue, unit: str, path: str,
                   unplaced: bool = False) -> tuple[Table, list[Issue]]:
    """`unplaced`: each grid row is a whole printed line whose empty cells print nothing
    (single-space text): read as counted text, 表四's fund amounts placed by the income
    side (`two_sided_counted.place_unplaced`)."""
    table = Table(key=seg.kind.key, title=seg.kind.key, line=seg.line, unit=unit, note=seg.title,
                  columns=[Column("amount", "金额")])
    cut = cut_at_other_table(seg, path) if unplaced else []
    first = next((i for i, r in enumerate(seg.rows) if has_amount(r)), len(seg.rows))
    body = seg.rows[first:]
    positioned = any(c.x0 is not None or c.col is not None for r in seg.rows for c in r.cells)
    issues = cut + _read_lines(seg, first, table, catalogue, unit, path, unplaced, positioned)
    totals_before: dict[int, int] = {}
    for row in table.rows:
        # of two 总计, the first is income's: on one line, or, without positions (the
        # default mode prints the sides one after the other), in the table
        where = row.line if positioned else 0
        row.side = row.side or _side(row.name or "", catalogue, totals_before.get(where, 0))
        totals_before[where] = totals_before.get(where, 0) + catalogue.is_total(row.name)
    issues += _cut_after_totals(table, catalogue, body, seg.title, path)
    issues += _find_totals(table, catalogue, path, seg.title)
    if unplaced:
        issues += place_unplaced(table, path, seg.title)
    issues += line_doubts(table, path, seg.title)
    for side in ("income", "expense") if table.rows else ("income",):
        if side not in table.totals:
            name = SIDE_NAMES[side]
            issues.append(Issue("total-missing", f"{seg.title}（第 {seg.line} 行）：没有{name}总计或{name}合计行",
                                path, seg.line, "warning", table=table.key))
    return table, issues


def _amount_columns(header: list[GridRow], catalogue: Catalogue) -> list[float]:
    """The centres of the header's amount columns (金额, 预算数, 决算数), left to right."""
    centres = [((c.x0 or 0) + (c.x1 or 0)) / 2 for r in header for c in r.cells
               if c.x0 is not None and squash(c.text).endswith(tuple(catalogue.labels["amount_headers"]))]
    return sorted(centres)


def _region(cell: Cell, bounds: list[float]) -> int:
    """Which side a cell is on: an amount by its nearest amount column, a label by the
    first amount column right of where it starts."""
    if is_amount(cell.text):
        centre = ((cell.x0 or 0) + (cell.x1 or 0)) / 2
        return min(range(len(bounds)), key=lambda k: abs(bounds[k] - centre))
    return next((k for k, b in enumerate(bounds) if (cell.x0 or 0) < b), len(bounds) - 1)


def _read_by_columns(body: list[GridRow], bounds: list[float], table: Table, unit: str) -> None:
    """Lines by side: a label wrapped over two lines is one ("2.政府性基金预" / "算"), and an
    amount printed between the halves of its label goes to that label, not to the label
    of another side printed on the amount's line."""
    last: dict[int, Row] = {}  # side → its last label
    for grid_row in body:
        sides: dict[int, tuple[list[Cell], list[Cell]]] = {}
        for cell in grid_row.cells:
            labels, amounts = sides.setdefault(_region(cell, bounds), ([], []))
            (amounts if is_amount(cell.text) else labels).append(cell)
        on_line: dict[int, Row] = {}
        for side in sorted(sides):
            labels, amounts = sides[side]
            name = label_text(labels)
            previous = last.get(side)
            if name and not amounts and previous and _continues(name, previous, grid_row.line):
                previous.name = (previous.name or "") + name
                continue
            if name:
                on_line[side] = last[side] = Row(line=grid_row.line, name=name, kind="line",
                                                 origins={"name": labels[0].origin})
                table.rows.append(on_line[side])
            if not amounts:
                continue
            target = on_line.get(side) or _waiting(previous, grid_row.line) or _left_without_amount(on_line, side)
            if target is not None and "amount" not in target.values:
                target.values["amount"] = to_wan(amounts[0].text, unit)
                target.origins["amount"] = amounts[0].origin


def _continues(name: str, previous: Row, line: int) -> bool:
    """A short piece under a label of the same side, starting no line of its own."""
    return (line - previous.line <= 3 and len(squash(name)) <= 6 and not LABEL_START.match(name)
            and not squash(previous.name).endswith(("支出", "收入", "计")))


def _waiting(previous: Row | None, line: int) -> Row | None:
    return previous if previous is not None and "amount" not in previous.values and line - previous.line <= 2 else None


def _left_without_amount(on_line: dict[int, Row], side: int) -> Row | None:
    left = [on_line[k] for k in sorted(on_line) if k < side]
    return left[-1] if left and "amount" not in left[-1].values else None


def _read_lines(seg: Segment, first: int, table: Table, catalogue: Catalogue, unit: str, path: str,
                unplaced: bool, positioned: bool) -> list[Issue]:
    """The body's lines into `table.rows`, by what the grid knows of columns (see the module)."""
    header, body = seg.rows[:first], seg.rows[first:]
    bounds = _amount_columns(header, catalogue)
    if is_column_grid(seg.rows):
        return read_sides(seg, header, body, table, catalogue, unit, path)
    if len(bounds) >= 2 and all(c.x0 is not None for r in body for c in r.cells):
        _read_by_columns(body, bounds, table, unit)
    elif unplaced or any(c.col is not None and c.x0 is None for r in body for c in r.cells):  # counted from the end
        printed = next((squash(c.text) for r in header for c in r.cells
                        if squash(c.text) in catalogue.labels["amount_headers"]), None)
        return read_counted(seg, body, table, unit, path, lambda name: _side(name, catalogue, 0) == "expense",
                            printed, unplaced)
    elif positioned:
        _read_in_order(body, table, unit)
    else:  # a row's label may print among the header's words, before the first amount
        _read_in_order(seg.rows, table, unit, frozenset((*SIDE_HEADINGS, *catalogue.labels["amount_headers"])))
    return []


# the header's words over a two-sided table's columns (收入 | 支出, 项目, 金额 …)
SIDE_HEADINGS = ("收入", "支出", "项目", "项目名称")


def _read_in_order(rows: list[GridRow], table: Table, unit: str, skip: frozenset[str] = frozenset()) -> None:
    """Without column positions: the body as one stream of cells, each label taking the
    amount after it (the default rendering prints a row's cells on lines of their own,
    "156,211,123 一、一般公共服务支出" gluing an amount to the next label). `skip`: the
    header's words, which print among the labels and amounts in the default mode."""
    cells = [c for r in rows for c in r.cells if squash(c.text) not in skip]
    for labels, amounts in pieces(cells):
        name = label_text(labels)
        if not name:
            continue
        row = Row(line=labels[0].origin.line, name=name, kind="line", origins={"name": labels[0].origin})
        if amounts:
            row.values["amount"] = to_wan(amounts[0].text, unit)
            row.origins["amount"] = amounts[0].origin
        table.rows.append(row)


def _side(name: str, catalogue: Catalogue, totals_before: int) -> str:
    flat = squash(name)
    if function_class(name)[0]:
        return "expense"
    if catalogue.is_total(flat):
        return "expense" if totals_before else "income"
    if any(word in flat for word in catalogue.labels["expense_words"]) and "收入" not in flat:
        return "expense"
    return "income"


def _is_side_total(row: Row, catalogue: Catalogue) -> bool:
    """收入总计 on the income side (支出合计 on the expense side …), or 合计 / 总计 alone."""
    flat = squash(row.name)
    return flat in catalogue.labels[f"{row.side}_total"] or catalogue.is_total(flat)


def _cut_after_totals(table: Table, catalogue: Catalogue, body: list[GridRow], title: str, path: str) -> list[Issue]:
    """Rows printed after the line by which both sides printed their 总计 are another
    table's (its title lost): not read."""
    firsts = [next((r.line for r in table.rows if r.side == side and "总计" in squash(r.name)
                    and _is_side_total(r, catalogue)), None) for side in ("income", "expense")]
    if None in firsts:
        return []
    end = max(firsts)
    after = [r for r in table.rows if r.line > end]
    if not after:
        return []
    table.rows = [r for r in table.rows if r.line <= end]
    first = next((r.line for r in body if r.line > end and r.cells), after[0].line)
    return [Issue("table-cut", f"{title}：第 {first} 行起在收入总计/支出总计行之后，属于另一张表（其表名丢失？），"
                  "未读", path, first, "warning", table.key)]


def _find_totals(table: Table, catalogue: Catalogue, path: str, title: str) -> list[Issue]:
    """收入总计 / 支出总计 (or 总计) first, else 收入合计 / 支出合计 (or 合计); a 总计
    printed twice on a side leaves the other in doubt (a line repeated?)."""
    issues = []
    for side in ("income", "expense"):
        candidates = [r for r in table.rows if r.side == side and _is_side_total(r, catalogue)]
        grand = [r for r in candidates if "总计" in squash(r.name)]
        chosen = (grand or candidates)[-1:]
        if chosen:
            chosen[0].kind = "total"
            table.totals[side] = chosen[0]
            table.rows.remove(chosen[0])
        issues += [Issue("row-misplaced", f"{title} 第 {r.line} 行：{SIDE_NAMES[side]}方又一个总计行"
                         f"（{squash(r.name)}）；取第 {chosen[0].line} 行的为总计", path, r.line, "warning", table.key)
                   for r in grand[:-1]]
    return issues


# Expense lines the templates print without a function code: carry-overs, and totals.
UNCODED_EXPENSE = ("结转", "结余")
TOTAL_ENDS = ("小计", "合计", "总计")


def line_doubts(table: Table, path: str, title: str) -> list[Issue]:
    """Each expense line's function class ("201 一般公共服务支出": code, then name) and
    each line's kind (类, 小计, line); and what puts a line's figures in doubt: a function
    class on the income side (a label moved across the sides); an expense line without a
    code where most print one (a label moved from the other side or another row, a garbled
    总计; 结转下年, 年末结转和结余 … print none); a 合计 printed with every part empty, or
    parts with an empty 合计 (表四's expense side): a figure moved within the row."""
    issues: list[Issue] = []
    for row in table.rows:
        code, raw, name = function_class(row.name or "")
        if code and row.side == "expense" and not row.code:
            row.code, row.code_raw, row.name = code, raw, name
        elif code and row.side == "income":
            issues.append(_doubt("row-misplaced", row, table, path, f"{title}收入方第 {row.line} 行：「{row.name}」"
                                 "是功能分类的类，却印在收入来源的位置；收支两方存疑"))
        flat = squash(row.name)
        row.kind = row_kind(row.code) or ("subtotal" if "小计" in flat else row.kind or "line")
    expense = [r for r in table.rows if r.side == "expense"]
    coded = sum(1 for r in expense if r.code)
    for row in expense:
        if (coded * 2 > len(expense) and not row.code and row.kind == "line"
                and any(v is not None for v in row.values.values())
                and not any(word in squash(row.name) for word in UNCODED_EXPENSE)
                and not squash(row.name).endswith(TOTAL_ENDS)):
            issues.append(_doubt("row-uncoded", row, table, path, f"{title}支出方第 {row.line} 行："
                                 f"「{(row.name or '')[:40]}」不像其他支出行那样带功能分类编码"
                                 "（别的行或另一方的名称？）；保留，存疑"))
    for row in [*table.rows, *table.totals.values()]:
        issues += _parts_doubt(row, table, path, title)
    return issues


def _parts_doubt(row: Row, table: Table, path: str, title: str) -> list[Issue]:
    parts = [k for k in row.values if k not in ("total", "amount")]
    if "total" not in row.values or not parts:
        return []
    printed = [k for k in parts if row.values[k] is not None]
    if (row.values["total"] is None) == (not printed):
        return []
    what = "印有合计而各分项皆空" if not printed else "印有分项而合计为空"
    return [_doubt("column-ambiguous", row, table, path,
                   f"{title}{SIDE_NAMES.get(row.side or '', '')}方第 {row.line} 行：{what}；列存疑")]


def _doubt(slug: str, row: Row, table: Table, path: str, message: str) -> Issue:
    return Issue(slug, message, path, row.line, "warning", table.key)
