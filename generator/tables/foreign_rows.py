"""Rows that do not belong where they stand in a coded table, told by their code, dropped
(each with an issue naming its line and the table) once the interpreter has read the table.

Converted text loses or moves lines: a row of 表六 lands among the rows of 表五, a table's
title is lost and its rows run on under the table before it. Nothing in such a row says
which table it belongs to but its code:
- a row whose code is of the other classification than the table's (功能分类 2xx, 经济分类
  3xx/5xx; the catalogue's `classification`, unless most of the table's coded rows print
  the other one: a template that breaks the table down otherwise);
- a named row without a code that no coded row follows (no sub-unit's own total).
"""

from __future__ import annotations

from ..model import Document, Issue, Row, Table
from ..numbers import squash
from .catalogue import load_catalogue

_FUNCTION, _ECONOMIC = frozenset("2"), frozenset("35")  # the codes' first digits
_NAMES = {_FUNCTION: "功能分类 (2xx)", _ECONOMIC: "经济分类 (3xx/5xx)"}


def refuse_foreign_rows(table: Table, doc: Document, label: str) -> None:
    """Drop the rows of another classification (`row-misplaced`) and the named rows
    without a code that no coded row follows (`row-uncoded`); `label` names the table."""
    family = _family(table)
    other = _ECONOMIC if family is _FUNCTION else _FUNCTION
    dropped = set()
    for row in table.rows:
        if _first_digit(row) in other:
            dropped.add(id(row))
            doc.issues.append(Issue("row-misplaced", f"{label} 第 {row.line} 行：编码 {row.code_raw or row.code} "
                                    f"不属本表所用的{_NAMES[family]}分类（另一张表的行？）；未读",
                                    doc.path, row.line, "warning", table.key))
    table.rows = [r for r in table.rows if id(r) not in dropped]
    rows = table.rows
    for i, row in enumerate(rows):
        if row.kind == "unit" and (i + 1 == len(rows) or rows[i + 1].kind == "unit"):
            dropped.add(id(row))
            doc.issues.append(Issue("row-uncoded", f"{label} 第 {row.line} 行：「{row.name}」既无编码，其下也无"
                                    "带编码的行（不是下属单位的合计；另一张表的行？）；未读",
                                    doc.path, row.line, "warning", table.key))
    table.rows = [r for r in rows if id(r) not in dropped]


def _family(table: Table) -> frozenset[str]:
    kind = load_catalogue().kind_of_table(table.key)
    expected = _ECONOMIC if kind is not None and kind.classification == "economic" else _FUNCTION
    other = _ECONOMIC if expected is _FUNCTION else _FUNCTION
    firsts = [d for d in map(_first_digit, table.rows) if d in expected or d in other]
    return other if firsts and sum(d in other for d in firsts) * 2 > len(firsts) else expected


def _first_digit(row: Row) -> str:
    printed = squash(row.code_raw or row.code)
    return printed[:1] if printed[:1].isdigit() else ""
