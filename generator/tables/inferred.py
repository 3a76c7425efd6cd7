"""A table printed without its header (lost in conversion, or the title's rows run straight
into figures): its columns from the catalogue's leaf columns (`header`), when every row
with amounts prints as many; every row read so is flagged by whether it still adds up
(its 合计 = the identity's parts, or = the other columns) — `column-inferred` — or not —
`column-ambiguous`, its figures kept by position.

Which column holds the 项目名称 in such a table is told by its rows: the coded rows all print
two labels (科目名称, 项目名称) in the same two cells.
"""

from __future__ import annotations

from decimal import Decimal

from ..grid import GridRow
from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import has_amount, is_amount_cell
from .catalogue import identity_terms
from .codes import read_code
from .header import Column as HeaderColumn
from .ruled import Line
from .segment import Segment


def inferred_columns(header: list[GridRow], body: list[GridRow],
                     fixed: tuple[tuple[str, str], ...]) -> list[HeaderColumn]:
    """The catalogue's leaf columns for a table with no header rows whose every row with
    amounts prints one amount per column after its code; else none."""
    if header or not fixed:
        return []
    counts = {sum(is_amount_cell(c) for c in r.cells[read_code(r.cells)[2]:]) for r in body if has_amount(r)}
    if counts != {len(fixed)}:
        return []
    return [HeaderColumn(key, label, None, None) for key, label in fixed]


def spelled_columns(header: list[GridRow], fixed: tuple[tuple[str, str], ...]) -> list[HeaderColumn]:
    """The catalogue's leaf columns for a header printed without positions whose labels
    wrap into fragments ("工资福" / "利支出"): when its text, white space out, spells every
    leaf label in order; else none."""
    if not fixed or any(c.x0 is not None or c.col is not None for r in header for c in r.cells):
        return []
    text, at = squash("".join(c.text for r in header for c in r.cells)), 0
    for _key, label in fixed:
        at = text.find(squash(label), at)
        if at < 0:
            return []
        at += len(squash(label))
    return [HeaderColumn(key, label, None, None) for key, label in fixed]


def project_column_of_body(lines: list[Line]) -> int | None:
    """Without a header: the column of the second label of the coded rows with amounts,
    when each prints exactly two labels and all in the same column."""
    found = {tuple(c.col for c in labels) for grid_row, code, _raw, labels, amounts in lines
             if code and amounts and grid_row.ruled}
    if len(found) != 1:
        return None
    cols = found.pop()
    return cols[1] if len(cols) == 2 and None not in cols else None


def inferred_rows(table: Table, seg: Segment, path: str) -> list[Issue]:
    """Each row read under the catalogue's columns, flagged (see the module docstring)."""
    keys = tuple(c.key for c in table.columns)
    labels = "、".join(c.label or c.key for c in table.columns)
    identities = seg.kind.applicable_identities(keys) or (f"{keys[0]} = {' + '.join(keys[1:])}",)
    issues = []
    for row in sorted([*table.rows, *table.totals.values()], key=lambda r: r.line):
        row.inferred = keys
        holds, detail = _adds_up(row, identities)
        where = f"{seg.title} 第 {row.line} 行（{row.code_raw or row.name or ''}）"
        if holds:
            issues.append(Issue("column-inferred", f"{where}：未印表头；金额按列 {labels} 读取（{detail}）",
                                path, row.line, "warning", table=table.key or None))
        else:
            issues.append(Issue("column-ambiguous", f"{where}：未印表头，金额也不合标准的列（{detail}）；"
                                "按位置保留", path, row.line, "warning", table=table.key or None))
    return issues


def _adds_up(row: Row, identities: tuple[str, ...]) -> tuple[bool, str]:
    total, parts = identity_terms(identities[0])
    if row.values.get(total) is None:
        return False, "没有合计"
    found = sum((row.values.get(p) or Decimal(0) for p in parts), Decimal(0))
    printed = row.values[total]
    return found == printed, f"合计 {printed} {'=' if found == printed else '≠'} 其余各列之和 {found}"
