"""Rows that do not belong where they stand in a coded table, found by their shape.

Converted text loses or moves lines: a row of 表六 lands among the rows of 表四, a table's
title is lost and its rows run on under the table before it, a row is printed above its
header. Nothing in a row says which table it belongs to, except its shape and its code,
so the coded-table reader asks these questions of every row and header:

- does each cell hold what its position holds in this table (digits in the 类/款/项
  cells, a label in the name cell, not a bare number)?
- is the code of the classification this table uses (功能分类 2xx for 表二/三/五/七 and
  the fund tables, 经济分类 3xx/5xx for 表六)?
- is a header repeated after a page break the header of this table, or of another one?

A row that fails is not read, with an issue naming its line and the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Row, Table
from ..numbers import is_total_label, parse_amount, squash
from .tsv_blocks import TsvRow, table_label
from .tsv_codes import split_code_name
from .tsv_header import HeaderMap

if TYPE_CHECKING:
    from .tsv_coded import ReadContext

# The first digit of the classification each coded table uses: 支出功能分类 codes are
# 2xx; 部门/政府预算支出经济分类 codes are 3xx / 5xx.
_FUNCTION = frozenset("2")
_ECONOMIC = frozenset("35")
_FAMILY = {"basic": _ECONOMIC}
_FAMILY_NAMES = {_FUNCTION: "功能分类 (2xx)", _ECONOMIC: "经济分类 (3xx/5xx)"}


def misaligned(row: TsvRow, header: HeaderMap) -> str | None:
    """Why `row` does not fit the positions of `header`, or None if it fits.

    A 类/款/项 cell holds digits (or the 合计 label); a name cell holds a label, not a
    bare number ("302 | 01 | 办公费 | 4.35" under a header whose name column is the
    second cell puts "01" there), nor a code the 类/款/项 cells leave out ("231 债务还本
    支出": the expense label of 表一/表四)."""
    for j in header.code_cols:
        text = squash(row.cell(j))
        if text and not text.isdigit() and not is_total_label(text):
            return f"类/款/项单元格里印着「{row.cell(j)[:30]}」"
    for j in (header.name_col, header.project_col):
        text = squash(row.cell(j))
        if text and (text.isdigit() or parse_amount(text) is not None):
            return f"名称单元格里印着数字「{text[:20]}」"
    if header.code_cols and not any(row.cell(j) for j in header.code_cols):
        name = row.cell(header.name_col)
        if split_code_name(name)[0]:
            return f"编码和名称「{name[:30]}」印在名称单元格里，类/款/项单元格为空"
    return None


def table_family(key: str, rows: list[Row]) -> frozenset[str]:
    """The classification of a table's codes: the standard one for its key, unless most
    of its coded rows print the other one (a template that breaks it down otherwise)."""
    expected = _FAMILY.get(key, _FUNCTION)
    other = _ECONOMIC if expected is _FUNCTION else _FUNCTION
    firsts = [d for d in map(_first_digit, rows) if d in expected or d in other]
    if firsts and sum(d in other for d in firsts) * 2 > len(firsts):
        return other
    return expected


def refuse_foreign_codes(table: Table, ctx: ReadContext,
                         broken: list[tuple[str, Row, tuple[str, ...]]]) -> None:
    """Drop the rows whose code is of another classification than the table's, each
    with a `row-misplaced` issue (a row moved here from another table)."""
    family = table_family(table.key, table.rows)
    other = _ECONOMIC if family is _FUNCTION else _FUNCTION
    foreign = [r for r in table.rows if _first_digit(r) in other]
    if not foreign:
        return
    label = table_label(table.key)
    for row in foreign:
        ctx.issue("row-misplaced", f"{label}第 {row.line} 行：编码 {row.code_raw or row.code} "
                  f"不属本表所用的{_FAMILY_NAMES[family]}分类（另一张表"
                  "的行？）；未读", row.line, table.key)
    dropped = {id(r) for r in foreign}
    table.rows = [r for r in table.rows if id(r) not in dropped]
    broken[:] = [b for b in broken if id(b[1]) not in dropped]


def _first_digit(row: Row) -> str:
    printed = squash(row.code_raw or row.code)
    return printed[:1] if printed[:1].isdigit() else ""


def header_keys(header: HeaderMap) -> set[str]:
    """The known column keys of a header group (not the col_<n> of unknown labels)."""
    return {c.key for _, c in header.amounts if not c.key.startswith("col_")}


def foreign_header(header: HeaderMap, first: set[str]) -> bool:
    """A repeated header that shares less than half its known columns with the table's
    first header is the header of another table whose title was lost."""
    keys = header_keys(header)
    return len(keys) >= 2 and bool(first) and len(keys & first) * 2 < len(keys)


def refuse_lone_unit_rows(table: Table, ctx: ReadContext) -> None:
    """A named row without a code is a sub-unit's own total only when coded rows follow
    it; one followed by another such row or by nothing is a row of another table."""
    rows = table.rows
    lone = [r for i, r in enumerate(rows) if r.kind == "unit"
            and (i + 1 == len(rows) or rows[i + 1].kind == "unit")]
    if not lone:
        return
    label = table_label(table.key)
    for row in lone:
        ctx.issue("row-uncoded", f"{label}第 {row.line} 行：「{row.name}」既无编码，其下也无"
                  "带编码的行（不是下属单位的合计；另一张表的行？）；"
                  "未读", row.line, table.key)
    dropped = {id(r) for r in lone}
    table.rows = [r for r in rows if id(r) not in dropped]
