"""Header rows of a tab-separated table → what each cell position holds.

Header cells arrive letter-spaced or wrapped ("财 政 拨 款 （ 补 助 ）", "上级一 般公共
预算安 排的转 移支付") and stacked over two or three rows with merged cells: a group
label ("财政拨款（补助）", "基本支出") sits over its sub-columns, a caption ("支出预算")
over all amount columns, and "类 款 项" under "科目编码". Each position gets a role
(code part, name, project name, amount) and amount positions a column key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Column
from ..numbers import squash
from ..parse.columns import column_key_for_label
from .tsv_blocks import TsvRow

CODE_PART_LABELS = {"类", "款", "项"}
# Group labels whose sub-columns repeat the same leaves (上年结转结余表: 财政拨款 /
# 非财政拨款 each with 小计, 人员经费, 公用经费, 项目支出).
GROUP_PREFIX = {"财政拨款": "fiscal", "非财政拨款": "non_fiscal"}
#: column_key_for_label, cached: the same few labels recur on every page.
label_key = lru_cache(maxsize=1024)(column_key_for_label)
_NAME_LABEL = re.compile(r"名称$|^项目$|^科目$|内容$|^功能分类$")
_PROJECT_LABEL = re.compile(r"^项目名称$")
_NUMBER_CHARS = frozenset("0123456789.,，．-")
_MAX_LABEL = 60


@dataclass
class HeaderMap:
    """Roles of the cell positions of one header group (one page of a table)."""

    code_cols: list[int] = field(default_factory=list)
    name_col: int | None = None
    project_col: int | None = None
    amounts: list[tuple[int, Column]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unknown: list[Column] = field(default_factory=list)
    #: Why the positions may be wrong (a label printed over two columns, a label far
    #: longer than any column label), or None.
    doubt: str | None = None
    #: Cells of the header rows that are not labels (number runs), left out.
    dropped: list[str] = field(default_factory=list)
    line: int | None = None
    #: True when no header was printed and the positions come from the template.
    inferred: bool = False


def is_header_row(row: TsvRow, before_data: bool = False) -> bool:
    """A row of column labels: no amount, and 类/款/项 or at least two labels.

    Before the first data row any such row with two filled cells and no number is a
    header row; after it (a header repeated at a page break) it needs two known labels,
    or one among three or more cells.
    """
    if row.has_amount():
        return False
    labels = [squash(c) for _, c in row.filled()]
    if any(lab in CODE_PART_LABELS for lab in labels):
        return True
    if len(labels) < 2:
        return False
    if before_data:
        return not any(lab.isdigit() for lab in labels)
    known = sum(1 for lab in labels if _is_label(lab))
    return known >= 2 or (known >= 1 and len(labels) >= 3)


def _is_label(label: str) -> bool:
    return bool(label_key(label) or "编码" in label or _NAME_LABEL.search(label)
                or label in CODE_PART_LABELS or label in GROUP_PREFIX)


def build_header(rows: list[TsvRow], table_key: str) -> HeaderMap:
    """The roles of every position under the stacked header `rows` (top to bottom)."""
    width = max(len(r.cells) for r in rows)
    header = HeaderMap(line=rows[0].line)
    grid = [[_label_cell(r.cell(j), header) for j in range(width)] for r in rows]
    paths = [_path(grid, j) for j in range(width)]
    amount_cols: list[int] = []
    for j, path in enumerate(paths):
        role = _role(path, table_key)
        if role == "code":
            header.code_cols.append(j)
        elif role == "name" and header.name_col is None:
            header.name_col = j
        elif role == "project" and header.project_col is None:
            header.project_col = j
        elif role == "amount":
            amount_cols.append(j)
    _codes_before_name(paths, header, amount_cols)
    _code_span(grid, header, amount_cols)
    captions = _captions(grid, set(amount_cols))
    used: set[str] = set()
    for j in amount_cols:
        labels = [lab for lab in paths[j] if lab not in captions] or paths[j]
        column = _column_for(labels, j)
        if column.key in used:
            # Two positions with one label: the group row that tells them apart is lost.
            header.doubt = header.doubt or f"「{column.label}」跨两列印出"
            column = Column(f"col_{j + 1}", labels[-1])
        used.add(column.key)
        header.amounts.append((j, column))
        if column.key.startswith("col_"):
            header.unknown.append(column)
    header.conflicts = _conflicts(grid, amount_cols)
    return header


def _label_cell(text: str, header: HeaderMap) -> str:
    """A header cell as a label: white space squashed; a run of numbers (a header
    prints no amounts) is left out; a label far longer than any column label makes the
    header doubtful."""
    label = squash(text)
    if _is_number_run(label):
        header.dropped.append(label[:20])
        return ""
    if len(label) > _MAX_LABEL:
        header.doubt = header.doubt or f"长 {len(label)} 个字符的列名"
    return label


def _is_number_run(label: str) -> bool:
    """Digits and separators only, with a separator: "1234.561234.56", not "2024"."""
    chars = set(label)
    return chars <= _NUMBER_CHARS and bool(chars & set("0123456789")) \
        and not label.isdigit()


def _path(grid: list[list[str]], j: int) -> list[str]:
    """Labels over position j, top to bottom: its own cells, or a group label from
    further left whose merged cell covers j (only when a lower row labels j)."""
    path: list[str] = []
    for r, row in enumerate(grid):
        if row[j]:
            path.append(row[j])
            continue
        if not any(lower[j] for lower in grid[r + 1:]):
            continue
        k = j - 1
        while k >= 0 and not row[k]:
            k -= 1
        if k >= 0:
            path.append(row[k])
    return path


def _role(path: list[str], table_key: str) -> str | None:
    if not path:
        return None
    if any(lab in CODE_PART_LABELS for lab in path) or "编码" in path[-1]:
        return "code"
    leaf = path[-1]
    if _PROJECT_LABEL.match(leaf):
        return "project" if table_key == "projects" else "name"
    if label_key(leaf):
        return "amount"
    if _NAME_LABEL.search(leaf):
        return "name"
    return "amount"


def _codes_before_name(paths: list[list[str]], header: HeaderMap, amount_cols: list[int]) -> None:
    """A position beside a code cell, left of the 科目名称 (or, in a table without names, of
    every known amount column), whose label is no known amount (a 项 or 类 garbled to "��")
    is a code cell: amounts stand right of the names, never left of them (bench/fuzz.py
    9025:9829, 9027:4253: read as an amount column, it turned the rows' codes into figures
    and the caption over the amounts into a group)."""
    known = [j for j in amount_cols if label_key(paths[j][-1])]
    limit = header.name_col if header.name_col is not None else min(known, default=None)
    if limit is None or not header.code_cols:
        return
    found = True
    while found:  # beside a code cell, on either side: 类 may be the garbled one
        found = False
        for j in list(amount_cols):
            beside = j - 1 in header.code_cols or j + 1 in header.code_cols
            if j < limit and beside and not label_key(paths[j][-1]):
                header.code_cols.append(j)
                amount_cols.remove(j)
                found = True
    header.code_cols.sort()


def _code_span(grid: list[list[str]], header: HeaderMap, amount_cols: list[int]) -> None:
    """A single header row prints "科目编码" once over its three code cells."""
    if len(header.code_cols) != 1:
        return
    j = header.code_cols[0]
    limit = header.name_col if header.name_col is not None else (min(amount_cols, default=j + 1))
    for k in range(j + 1, min(j + 3, limit)):
        if not any(row[k] for row in grid):
            header.code_cols.append(k)


def _captions(grid: list[list[str]], amount_cols: set[int]) -> set[str]:
    """Labels whose merged cell covers every amount column: a caption, not a group."""
    captions: set[str] = set()
    if len(amount_cols) < 2:
        return captions
    for row in grid[:-1]:
        for j, lab in enumerate(row):
            if not lab:
                continue
            end = j + 1
            while end < len(row) and not row[end]:
                end += 1
            if amount_cols <= set(range(j, end)):
                captions.add(lab)
    return captions


def _column_for(labels: list[str], j: int) -> Column:
    """The column key of one amount position from its labels, top to bottom.

    The lowest label names the column, read together with its group where that makes
    a known label ("财政拨款" + "小计" → fiscal_subtotal); a bare 合计 under a group is
    the group's own total ("公务用车购置及运行费" + "合计" → vehicle_total); sub-columns
    repeated under 财政拨款 / 非财政拨款 get the group as prefix (fiscal_personnel).
    An unknown label gets col_<n> and keeps its printed label.
    """
    leaf = labels[-1]
    parents = labels[:-1]
    key = None
    if parents:
        key = label_key(parents[-1] + leaf)
        if key == "total":
            key = None
    if key is None:
        key = label_key(leaf)
        if key == "total" and parents:
            key = label_key(parents[-1]) or key
        prefix = GROUP_PREFIX.get(parents[0]) if parents else None
        if key and prefix and not key.startswith(prefix):
            key = f"{prefix}_{'subtotal' if key == 'total' else key}"
    label = parents[0] + leaf if parents and parents[0] in GROUP_PREFIX else leaf
    if key is None:
        return Column(f"col_{j + 1}", leaf)
    return Column(key, label)


def _conflicts(grid: list[list[str]], amount_cols: list[int]) -> list[str]:
    """Positions that two header rows label with two different leaf columns (the
    header rows are shifted against each other, as at a page break)."""
    found = []
    if len(grid) < 2:
        return found
    for j in amount_cols:
        # Only labels confined to this one position: a wider merged cell is a group.
        labels = [row[j] for row in grid if row[j] and (j + 1 >= len(row) or row[j + 1])
                  or row is grid[-1] and row[j]]
        keys = {label_key(lab) for lab in labels} - {None, "total"}
        if len(keys) > 1:
            found.append(f"第 {j + 1} 列既标「{labels[0]}」又标「{labels[-1]}」")
    return found
