"""Table headers and shared row helpers for the word-cells layout.

A table region is a list of `Group`s (printed rows). It starts with meta rows (title,
编制部门/单位 printed inside cells), then header rows, then data rows. The header row that
names the value columns (the "leaf" row) is the last header row that is not the
类/款/项 sub-header; its leading label cells (科目编码, 科目名称, 项目名称 …) name the
code and name columns, the rest name the value columns. Data rows are read from the
right: their last cells are the value columns, whatever number of code cells (类/款/项
split or not) precede them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import TABLE_KEYS, Column, Document, Issue
from ..numbers import squash
from ..parse.columns import PROJECT_ECONOMIC_COLUMNS, column_key_for_label
from ..parse.titles import table_key_for_title
from ..readers.word_cells import Cell, Group, is_meta_line, performance_kind

_CODE_CELL = re.compile(r"^\d{1,7}$")
_SUBHEADER = {"类", "款", "项", ""}
_DASHES = {"-", "—", "--", "／", "/"}
# A row of meta cells (title, 编制部门, 单位：万元) has only a few non-empty cells.
_MAX_META_CELLS = 4
# Columns every template prints in this order (合计 before its parts, 基本 before 项目 …).
# A header out of this order has lost or swapped a label, so no column can be trusted.
_COLUMN_ORDER = [
    ["total", "basic", "project"], ["total", "personnel", "public"],
    ["total", "general_public", "gov_fund", "state_capital"],
    ["total", "vehicle_purchase", "vehicle_operation"],
    ["total", *PROJECT_ECONOMIC_COLUMNS],
]
_SHORT_NAMES = {
    "three_public": "三公经费表", "gov_fund": "政府性基金预算支出表",
    "state_capital": "国有资本经营预算支出表", "carryover": "上年结转结余表",
}


def table_label(key: str) -> str:
    """"表三" for messages (the template's number; 三公 and later tables by name)."""
    return _SHORT_NAMES.get(key) or TABLE_KEYS.get(key, key).split()[0]


def is_code_cell(text: str) -> bool:
    return bool(_CODE_CELL.match(text))


def amount_of(cell: Cell) -> Decimal | None:
    return cell.amount


def is_text(cell: Cell) -> bool:
    """A cell with words in it (a name), not an amount, a code or a dash."""
    return bool(cell.clean) and cell.amount is None and cell.number_text not in _DASHES


def has_amount(group: Group) -> bool:
    return any(amount_of(c) is not None for c in group.cells)


def _is_meta_group(group: Group) -> bool:
    texts = [c.clean for c in group.cells if c.clean and c.amount is None]
    if not texts or len(texts) > _MAX_META_CELLS:
        return False
    if any(is_meta_line(t) for t in texts):
        return True
    return len(texts) == 1 and bool(table_key_for_title(texts[0]) or performance_kind(texts[0]))


def _is_numbering_row(group: Group) -> bool:
    """A 栏次 row under the header: "1", "2", "3" … in consecutive cells."""
    texts = [t for t in group.texts() if t]
    if len(texts) < 3 or not all(t.isdigit() and len(t) <= 2 for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _starts_data(group: Group) -> bool:
    """The first data row: all cells empty (a filler row), or an amount or a code."""
    if group.is_empty():
        return True
    return any(amount_of(c) is not None or is_code_cell(c.number_text) for c in group.cells)


@dataclass
class Layout:
    """What the header says about a table: value columns and the data rows."""

    header: list[Group] = field(default_factory=list)
    leaf: list[str] = field(default_factory=list)
    leaf_line: int | None = None
    data: list[Group] = field(default_factory=list)


def split_header(groups: list[Group]) -> Layout:
    """Meta rows dropped; header rows up to the first data row; repeated headers skipped."""
    out = Layout()
    in_data = False
    header_keys: set[str] = set()
    for group in groups:
        if _is_meta_group(group) or _is_numbering_row(group):
            continue
        if not in_data and not _starts_data(group):
            out.header.append(group)
            header_keys.add(squash("".join(group.texts())))
            continue
        in_data = True
        # A header printed again after a page break inside the table.
        if not has_amount(group) and squash("".join(group.texts())) in header_keys:
            continue
        out.data.append(group)
    leaves = [g for g in out.header if set(g.texts()) - _SUBHEADER]
    if leaves:
        out.leaf, out.leaf_line = leaves[-1].texts(), leaves[-1].line
    return out


def value_columns(labels: list[str], key: str, doc: Document, line: int,
                  first_is_total: bool = False) -> list[Column]:
    """Column keys for printed value labels; an unknown label keeps its text as `col_<n>`."""
    columns: list[Column] = []
    for n, label in enumerate(labels, 1):
        col = column_key_for_label(label)
        if first_is_total and n == 1 and col in (None, "project", "total"):
            col = "total"
        if col is None or col in {c.key for c in columns}:
            # On the table, not the header line: the figures of an unknown column (or of a
            # header that lost a label) are the ones in doubt.
            doc.issues.append(Issue(
                "column-unknown", f"{table_label(key)}第 {n} 列「{squash(label)}」（表头在"
                f"第 {line} 行）：列名不明，按 col_{n} 保留", doc.path, None, "warning", key))
            col = f"col_{n}"
        columns.append(Column(col, squash(label)))
    check_column_order(columns, key, doc, line)
    return columns


def check_column_order(columns: list[Column], key: str, doc: Document, line: int) -> None:
    """A table-wide issue (it puts every figure of the table in doubt) when the header's
    columns are out of the template order."""
    keys = [c.key for c in columns]
    for order in _COLUMN_ORDER:
        printed = [k for k in keys if k in order]
        if printed != sorted(printed, key=order.index):
            doc.issues.append(Issue(
                "column-order", f"{table_label(key)}第 {line} 行表头：列"
                + "、".join(f"「{squash(c.label)}」" for c in columns if c.key in order)
                + "不合通常的次序；可能缺了或错放了列名",
                doc.path, None, "warning", key))
            return


def modal_width(groups: list[Group]) -> int:
    """The most common cell count of the rows that print amounts (0 if none do)."""
    widths = Counter(len(g.cells) for g in groups if has_amount(g))
    return widths.most_common(1)[0][0] if widths else 0
