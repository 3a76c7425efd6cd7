"""Placing a positionless row's amounts by its parent's and siblings' sums (tables/by_sums)."""

from __future__ import annotations

from decimal import Decimal

from generator.model import Column, Row, Table
from generator.tables.by_sums import place_by_sums

IDENTITIES = ("total = basic + project",)
CENT = Decimal("0.01")


def _row(line: int, code: str | None, kind: str, *amounts: str) -> Row:
    keys = ("total", "basic", "project")
    return Row(line=line, code=code, kind=kind, name=code or "合计",
               values={k: Decimal(a) for k, a in zip(keys, amounts)})


def _table(*rows: Row, total: Row | None = None) -> Table:
    table = Table("expense", "表三", 1, columns=[Column("total", "合计"), Column("basic", "基本支出"),
                                                 Column("project", "项目支出")])
    table.rows = list(rows)
    if total is not None:
        table.totals["total"] = total
    return table


def test_children_placed_by_the_parents_columns():
    """201 prints all three; its 项 print two equal amounts each: which column each is in
    only the sum over the 项 tells (10 + 20 = 30, 基本 10, 项目 20)."""
    first, second = _row(3, "2010301", "item", "10", "10"), _row(4, "2010302", "item", "20", "20")
    table = _table(_row(2, "201", "class", "30", "10", "20"), first, second)
    placed, issues = place_by_sums(table, IDENTITIES, CENT, "x.txt", "表三", in_order=True)
    assert first.values == {"total": Decimal(10), "basic": Decimal(10)}
    assert second.values == {"total": Decimal(20), "project": Decimal(20)}
    assert (first.inferred, second.inferred) == (("basic",), ("project",))
    assert {id(first), id(second)} == placed
    assert [i.slug for i in issues] == ["column-inferred", "column-inferred"]


def test_a_column_the_parent_leaves_blank_is_blank_below():
    """The parent prints no 项目支出 (two amounts: 合计, 基本): its children print none
    either, even when rounding puts their sum off by more than a cent a row."""
    child = _row(3, "2080505", "item", "149.10", "149.10")
    parent = _row(2, "208", "class", "149.19", "149.19")
    sibling = _row(4, "2080506", "item", "0.05", "0.05")
    table = _table(parent, child, sibling, total=_row(9, None, "total", "149.19", "149.19", "0"))
    place_by_sums(table, IDENTITIES, CENT, "x.txt", "表三", in_order=True)
    assert child.values == {"total": Decimal("149.10"), "basic": Decimal("149.10")}


def test_rows_the_sums_cannot_tell_apart_stay_open_and_are_said():
    """Two children printing the same two amounts under a parent with 基本 = 项目: either
    could be either; neither is placed, each is reported."""
    first, second = _row(3, "2010301", "item", "5", "5"), _row(4, "2010302", "item", "5", "5")
    table = _table(_row(2, "201", "class", "10", "5", "5"), first, second)
    placed, issues = place_by_sums(table, IDENTITIES, CENT, "x.txt", "表三", in_order=True)
    assert not placed
    assert first.values == {"total": Decimal(5), "basic": Decimal(5)}  # as read, for the check to keep its total
    assert [(i.slug, i.line) for i in issues] == [("column-ambiguous", 3), ("column-ambiguous", 4)]
    assert "分不清" in issues[0].message
