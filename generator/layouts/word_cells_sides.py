"""Two-sided tables (表一 收支总体, 表四 财政拨款收支总体) and the 三公 table, word-cells layout.

A two-sided row prints the income side (name, amount) and the expense side (function
class "201 一般公共服务支出", amounts) as one row of cells; the header row says where the
expense side starts (its second name label: 项目 … 功能分类 …).
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import COLUMN_LABELS, Column, Document, Issue, Row, Table
from ..numbers import split_code_and_name, squash
from ..parse.columns import column_key_for_label
from ..readers.word_cells import Cell, Group
from .word_cells_header import (
    Layout,
    amount_of,
    has_amount,
    is_text,
    modal_width,
    table_label,
    value_columns,
)

_GRAND_TOTAL = re.compile(r"总计$")
_SUBTOTAL = re.compile(r"(合计|小计)$")
# Expense lines some templates print without a function code.
_UNCODED_EXPENSE = re.compile(r"结转|结余")
_KIND_BY_LENGTH = {3: "class", 5: "section", 7: "item"}
# A label, six figures and a few split cells; far more is not a 三公 row.
_MAX_THREE_PUBLIC_CELLS = 16
# A row may print a few cells more than the header (a split label); far more is not a row.
_MAX_CELLS_OVER = 8
THREE_PUBLIC_ORDER = ["total", "overseas", "vehicle_total", "vehicle_purchase",
                      "vehicle_operation", "reception"]


def read_two_sided(key: str, title: str, line: int, layout: Layout,
                   doc: Document) -> Table | None:
    """表一 (values "amount" both sides) or 表四 (expense: total, general_public, …)."""
    table = Table(key=key, title=title, line=line)
    split = _expense_start(layout.leaf, layout.data)
    if split is None:
        doc.issues.append(Issue("table-unreadable", f"{table_label(key)}：看不出支出方"
                                "从哪里开始", doc.path, line, "error", key))
        return None
    width = len(layout.leaf) or modal_width(layout.data)
    header_line = layout.leaf_line or line
    income_cols = _side_columns(key, layout.leaf[1:split], doc, header_line, "amount")
    expense_cols = _side_columns(key, layout.leaf[split + 1:width], doc, header_line,
                                 "amount" if key == "summary" else "total")
    # Both sides of 表一 share the key "amount"; list each key once.
    columns: dict[str, Column] = {}
    for column in [*income_cols, *expense_cols]:
        columns.setdefault(column.key, column)
    table.columns = list(columns.values())
    data_width = modal_width(layout.data)
    if layout.leaf and data_width and len(layout.leaf) != data_width or (
            key == "summary" and (len(income_cols) != 1 or len(expense_cols) != 1)):
        # A header that lost, gained or moved a label: no column can be trusted.
        doc.issues.append(Issue("header-width", f"{table_label(key)}第 {header_line} 行表头："
                                f"{len(layout.leaf)} 个单元格，而数据行印 {data_width} 个；"
                                "列存疑", doc.path, None, "warning", key))
    for group in layout.data:
        if group.is_empty():
            continue
        if len(group.cells) != width:
            # On every line with a figure: those are the figures whose column is in doubt.
            lines = sorted({c.line for c in group.cells if c.amount is not None} | {group.line})
            refused = len(group.cells) > width + _MAX_CELLS_OVER
            for at in lines:
                doc.issues.append(Issue("row-width", f"{table_label(key)}第 "
                                        f"{group.line} 行：{len(group.cells)} 个单元格，表头有 "
                                        f"{width} 个" + ("；未读" if refused else ""), doc.path,
                                        at, "error" if refused else "warning", key))
            if refused:
                # Far more cells than columns (a run of cells pasted into the row): no
                # position in it can be trusted.
                continue
        _read_side(table, "income", group.cells[:split], income_cols, doc)
        _read_side(table, "expense", group.cells[split:], expense_cols, doc)
    missing = [side for side in ("income", "expense") if side not in table.totals]
    if missing:
        doc.issues.append(Issue("total-missing", f"{table_label(key)}："
                                + "、".join({"income": "收入", "expense": "支出"}.get(m, m) for m in missing)
                                + "方未见总计行（表格不全？）",
                                doc.path, line, "warning", key))
    return table


def _expense_start(leaf: list[str], data: list[Group]) -> int | None:
    """Index of the expense side's name column: the header's second non-value label."""
    names = [i for i, t in enumerate(leaf) if t and column_key_for_label(t) is None]
    if len(names) == 2 and names[0] == 0:
        return names[1]
    width = modal_width(data)
    return width // 2 if width == 4 else None  # name + amount on each side


def _side_columns(key: str, labels: list[str], doc: Document, line: int,
                  single: str) -> list[Column]:
    """One value column is `single` ("amount"/"total"); several are keyed by their labels."""
    if len(labels) <= 1:
        return [Column(single, squash(labels[0]) if labels else single)]
    return value_columns(labels, key, doc, line, first_is_total=True)


def _read_side(table: Table, side: str, cells: list[Cell], columns: list[Column],
               doc: Document) -> None:
    if not cells:
        return
    name_cell, value_cells = cells[0], cells[1:1 + len(columns)]
    if name_cell.amount is not None:
        # An amount where the name belongs: the row lacks cells, so neither the line nor
        # the column of this figure can be told from its position. Kept, unnamed.
        doc.issues.append(Issue("column-ambiguous", f"{table_label(table.key)}" + {"income": "收入", "expense": "支出"}.get(side, side) + "方第 "
                                f"{name_cell.line} 行：金额 {name_cell.clean} 印在别的行"
                                "印名称的位置；保留，不带名称", doc.path,
                                name_cell.line, "warning", table.key))
        values = dict.fromkeys(c.key for c in columns)
        values[columns[0].key] = name_cell.amount
        table.rows.append(Row(line=name_cell.line, side=side, values=values, kind="line"))
        return
    values = {c.key: amount_of(cell) for c, cell in zip(columns, value_cells)}
    text = name_cell.clean
    named = [c for c in value_cells if is_text(c)]
    if named and any(v is not None for v in values.values()):
        # A name where a figure belongs: this side starts elsewhere in this row.
        doc.issues.append(Issue("column-ambiguous", f"{table_label(table.key)}" + {"income": "收入", "expense": "支出"}.get(side, side) + "方第 "
                                f"{named[0].line} 行：「{named[0].clean}」印在数字之间；"
                                "列存疑", doc.path, value_cells[0].line, "warning",
                                table.key))
    if not text and all(v is None for v in values.values()):
        return
    row = Row(line=value_cells[0].line if value_cells else name_cell.line, side=side, values=values)
    code, name = split_code_and_name(text) if side == "expense" else (None, text)
    if code and _names_a_class(name):
        row.code, row.code_raw, row.name = code, text[: len(text) - len(name)].strip(), name
    else:
        row.name = text or None
    label = squash(row.name)
    _check_parts(table, side, row, doc)
    if _GRAND_TOTAL.search(label) and not row.code:
        row.kind, row.name = "line", label
        table.totals[side] = row
        return
    if not text:
        doc.issues.append(Issue("unlabelled-amount", f"{table_label(table.key)}" + {"income": "收入", "expense": "支出"}.get(side, side) + "方第 "
                                f"{row.line} 行：印有金额而无名称", doc.path, row.line,
                                "warning", table.key))
    row.kind = ("subtotal" if _SUBTOTAL.search(label) and not row.code
                else _KIND_BY_LENGTH.get(len(row.code or ""), "line"))
    _check_side_label(table, side, row, text, doc)
    table.rows.append(row)


def _check_side_label(table: Table, side: str, row: Row, text: str, doc: Document) -> None:
    """The income side lists sources of funds, the expense side function classes ("201
    一般公共服务支出"), 小计 and 总计 lines. A function class on the income side, or an
    uncoded expense line with amounts (a label moved from the income side or from another
    row, a 总计 label garbled), puts the row's figures in doubt: kept and reported."""
    label = table_label(table.key)
    amounts = any(v is not None for v in row.values.values())
    if side == "income":
        code, name = split_code_and_name(text)
        if code and code.startswith("2") and _names_a_class(name):
            doc.issues.append(Issue("row-misplaced", f"{label}收入方第 {row.line} 行："
                                    f"「{text}」是功能分类的类，却印在收入"
                                    "来源的位置；收支两方存疑", doc.path, row.line,
                                    "warning", table.key))
    elif (amounts and row.kind == "line" and not row.code and text
          and not _UNCODED_EXPENSE.search(squash(text))):
        doc.issues.append(Issue("row-uncoded", f"{label}支出方第 {row.line} 行："
                                f"「{text[:40]}」不像其他支出行那样带功能分类编码"
                                "（别的行或另一方的名称？）；保留，存疑",
                                doc.path, row.line, "warning", table.key))


def _check_parts(table: Table, side: str, row: Row, doc: Document) -> None:
    """表四 expense: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营. A 合计 printed with
    every part empty, or parts printed with an empty 合计, is a value cell moved within
    the row: its columns are in doubt."""
    parts = [k for k in row.values if k != "total"]
    if "total" not in row.values or not parts:
        return
    total = row.values["total"]
    printed = [k for k in parts if row.values[k] is not None]
    if (total is None) == (not printed):
        return
    what = "印有合计而各分项皆空" if printed == [] else "印有分项而合计为空"
    doc.issues.append(Issue("column-ambiguous", f"{table_label(table.key)}" + {"income": "收入", "expense": "支出"}.get(side, side) + "方第 "
                            f"{row.line} 行：{what}；列存疑", doc.path, row.line,
                            "warning", table.key))


def _names_a_class(name: str) -> bool:
    """The name after a code is words ("一般公共服务支出"), not the rest of a number."""
    return bool(name) and not name[0].isdigit() and name[0] not in ".．,，"


def read_three_public(key: str, title: str, line: int, layout: Layout,
                      doc: Document) -> Table | None:
    """一般公共预算“三公”经费支出情况表: one row of six figures (or four without the 公务用车
    breakdown). Further rows without a label are kept and reported."""
    table = Table(key=key, title=title, line=line)
    rows = [g for g in layout.data if has_amount(g)]
    widths = Counter(_figure_count(g) for g in rows)
    width = widths.most_common(1)[0][0] if widths else 0
    keys, from_header = _three_public_keys(layout.header, width)
    if keys is None:
        if not width:
            table.empty = True  # rows printed, none with a figure
            return table
        doc.issues.append(Issue("table-unreadable", f"{table_label(key)}：{width} 个数值单元格"
                                "与三公经费的列不合", doc.path, line, "error", key))
        return None
    if not from_header:
        doc.issues.append(Issue("header-missing", f"{table_label(key)}：表头未标明这 "
                                f"{width} 列；按标准次序读作 " + "、".join(COLUMN_LABELS.get(k, k) for k in keys),
                                doc.path, line, "warning", key))
    table.columns = [Column(k, COLUMN_LABELS.get(k, k)) for k in keys]
    for group in rows:
        if not _figure_count(group) or len(group.cells) > _MAX_THREE_PUBLIC_CELLS:
            # Its last cell is a label (an amount among names), or far too many cells.
            doc.issues.append(Issue("row-width", f"{table_label(key)}第 {group.line} 行："
                                    f"{len(group.cells)} 个单元格，末尾不是数字；"
                                    "跳过", doc.path, group.line, "warning", key))
            continue
        table.rows.append(_three_public_row(table, group, keys, doc))
    return table


def _figure_count(group: Group) -> int:
    """Cells after the row's last label cell."""
    texts = [i for i, c in enumerate(group.cells) if is_text(c)]
    return len(group.cells) - (texts[-1] + 1 if texts else 0)


def _three_public_row(table: Table, group: Group, keys: list[str], doc: Document) -> Row:
    count = min(_figure_count(group), len(keys))
    value_cells = group.cells[len(group.cells) - count:]
    label = " ".join(c.clean for c in group.cells[:len(group.cells) - count] if c.clean) or None
    row = Row(line=value_cells[0].line, name=label, kind="line", values=dict.fromkeys(keys))
    row.values.update({k: amount_of(c) for k, c in zip(keys[len(keys) - count:], value_cells)})
    where = f"{table_label(table.key)}第 {row.line} 行"
    if count < len(keys):
        doc.issues.append(Issue("column-ambiguous", f"{where}：{count} 个单元格对 {len(keys)} "
                                "列；从右向左放", doc.path, row.line, "warning",
                                table.key))
    if table.rows and label is None:
        doc.issues.append(Issue("row-unlabelled", f"{where}：数字没有名称（第一行"
                                "读作整表）", doc.path, row.line, "warning",
                                table.key))
    return row


def _three_public_keys(header: list[Group], width: int) -> tuple[list[str] | None, bool]:
    """Column keys from the header's first row, the 公务用车 column split in two if printed;
    the second value says whether the header gave them (else the standard order)."""
    if width not in (4, 6):
        return None, False
    first = next((g.texts() for g in header if any(column_key_for_label(t) for t in g.texts())), [])
    keys: list[str] = []
    for text in first:
        col = column_key_for_label(text)
        if col == "vehicle_total" and width == 6:
            keys += ["vehicle_total", "vehicle_purchase", "vehicle_operation"]
        elif col:
            keys.append(col)
    if len(keys) == width and len(set(keys)) == width:
        return keys, True
    if width == 6:
        return THREE_PUBLIC_ORDER, False
    return ["total", "overseas", "vehicle_total", "reception"], False
