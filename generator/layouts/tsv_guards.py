"""Rows that do not belong where they stand in a coded table, found by their code.

Converted text loses or moves lines: a row of 表六 lands among the rows of 表五, a table's
title is lost and its rows run on under the table before it. Nothing in a row says which
table it belongs to but its code, so once the shared interpreter has read a coded table,
these drop (each with an issue naming its line and the table):

- a row whose code is of another classification than the table's (功能分类 2xx for
  表二/三/五/七 and the fund tables, 经济分类 3xx/5xx for 表六);
- a named row without a code that no coded row follows (no sub-unit's own total).
"""

from __future__ import annotations

from ..model import Document, Issue, Row, Table, table_label
from ..numbers import squash

# The first digit of the classification each coded table uses: 支出功能分类 codes are
# 2xx; 部门/政府预算支出经济分类 codes are 3xx / 5xx.
_FUNCTION = frozenset("2")
_ECONOMIC = frozenset("35")
_FAMILY = {"basic": _ECONOMIC}
_FAMILY_NAMES = {_FUNCTION: "功能分类 (2xx)", _ECONOMIC: "经济分类 (3xx/5xx)"}


def table_family(key: str, rows: list[Row]) -> frozenset[str]:
    """The classification of a table's codes: the standard one for its key, unless most
    of its coded rows print the other one (a template that breaks it down otherwise)."""
    expected = _FAMILY.get(key, _FUNCTION)
    other = _ECONOMIC if expected is _FUNCTION else _FUNCTION
    firsts = [d for d in map(_first_digit, rows) if d in expected or d in other]
    if firsts and sum(d in other for d in firsts) * 2 > len(firsts):
        return other
    return expected


def refuse_foreign_codes(table: Table, doc: Document) -> None:
    """Drop the rows whose code is of another classification than the table's, each
    with a `row-misplaced` issue (a row moved here from another table)."""
    family = table_family(table.key, table.rows)
    other = _ECONOMIC if family is _FUNCTION else _FUNCTION
    foreign = [r for r in table.rows if _first_digit(r) in other]
    if not foreign:
        return
    label = table_label(table.key)
    for row in foreign:
        doc.issues.append(Issue("row-misplaced", f"{label}第 {row.line} 行：编码 {row.code_raw or row.code} "
                  f"不属本表所用的{_FAMILY_NAMES[family]}分类（另一张表"
                  "的行？）；未读", doc.path, row.line, "warning", table.key))
    dropped = {id(r) for r in foreign}
    table.rows = [r for r in table.rows if id(r) not in dropped]


def _first_digit(row: Row) -> str:
    printed = squash(row.code_raw or row.code)
    return printed[:1] if printed[:1].isdigit() else ""


def refuse_lone_unit_rows(table: Table, doc: Document) -> None:
    """A named row without a code is a sub-unit's own total only when coded rows follow
    it; one followed by another such row or by nothing is a row of another table."""
    rows = table.rows
    lone = [r for i, r in enumerate(rows) if r.kind == "unit"
            and (i + 1 == len(rows) or rows[i + 1].kind == "unit")]
    if not lone:
        return
    label = table_label(table.key)
    for row in lone:
        doc.issues.append(Issue("row-uncoded", f"{label}第 {row.line} 行：「{row.name}」既无编码，其下也无"
                  "带编码的行（不是下属单位的合计；另一张表的行？）；"
                  "未读", doc.path, row.line, "warning", table.key))
    dropped = {id(r) for r in lone}
    table.rows = [r for r in rows if id(r) not in dropped]
