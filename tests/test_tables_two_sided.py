"""The shared two-sided interpreter (表一/表四) on the grids the text readers make: cells
that know their columns (tab-separated text) and padded text, whose amounts alone know
theirs, counted from the line end."""

from __future__ import annotations

from decimal import Decimal

from generator.grid import Grid
from generator.readers.padded import padded_rows
from generator.readers.tsv import split_cells, tsv_row
from generator.tables.catalogue import load_catalogue
from generator.tables.segment import find_tables
from generator.tables.two_sided import read_two_sided

FISCAL_TSV = [
    "财政拨款收支预算总体情况表",
    "单位：万元",
    "财政拨款收入\t\t财政拨款支出\t\t\t\t",
    "项 目\t合 计\t功 能 分 类\t合 计\t一般公 共预算\t政府性基 金预算\t国有资本 经营预算",
    "一、财政拨款（补助）\t100.00\t201 一般公共服务支出\t90.00\t90.00\t\t",
    "一般公共预算\t100.00\t227 预备费\t10.00\t\t10.00\t",
    "\t\t229 其他支出\t5.00\t\t\t",
    "302\t01\t办公费\t4.35",
    "收 入 总 计\t100.00\t支 出 总 计\t100.00\t90.00\t10.00\t",
]


def _read(grid: Grid, key: str):
    catalogue = load_catalogue()
    seg = next(s for s in find_tables(grid, catalogue)[0] if s.kind.key == key)
    return read_two_sided(seg, catalogue, "万元", grid.path)


def test_cells_in_columns_are_read_by_the_header_sides() -> None:
    rows = [tsv_row(n, split_cells(text)) for n, text in enumerate(FISCAL_TSV, 1)]
    table, issues = _read(Grid("x.txt", "tsv", "", rows), "fiscal")
    assert table.column_keys() == ["amount", "total", "general_public", "gov_fund", "state_capital"]
    expense = {r.code: r for r in table.rows if r.side == "expense"}
    assert expense["201"].name == "一般公共服务支出" and expense["201"].kind == "class"
    # 预备费 has no expense word: its column and its code put it on the expense side
    assert expense["227"].values == {"total": Decimal("10.00"), "general_public": None,
                                     "gov_fund": Decimal("10.00"), "state_capital": None}
    assert table.totals["expense"].values["general_public"] == Decimal("90.00")
    assert table.totals["income"].values == {"amount": Decimal("100.00")}
    # another table's row (a code where a label stands) is reported and not read
    found = {(i.slug, i.line) for i in issues}
    assert ("row-misplaced", 8) in found
    assert not [r for r in table.rows if r.line == 8]
    # a 合计 printed with every part empty: a figure moved within the row
    assert ("column-ambiguous", 7) in found and ("column-ambiguous", 5) not in found


SUMMARY_PADDED = [
    "部门收支总体情况表 ",
    "单位：万元 ",
    "项目 预算数 支出功能分类 预算数 ",
    "一、本年收入 1,904.25 201 一般公共服务支出 1,841.54 ",
    "上级一般公共预算安排转移支付  204 公共安全支出  ",
    "  232 债务付息支出 62.71 ",
    "收 入 总 计 1,904.25 支 出 总 计 1,904.25 ",
    "一般公共服务支出 100.00 ",
]


def test_padded_codes_are_codes_and_rows_after_the_totals_are_cut() -> None:
    rows, _ = padded_rows(list(enumerate(SUMMARY_PADDED, 1)), "x.txt")
    table, issues = _read(Grid("x.txt", "pdf-padded", "", rows), "summary")
    income = {r.name: r.values["amount"] for r in table.rows if r.side == "income"}
    expense = {r.code: r.values["amount"] for r in table.rows if r.side == "expense"}
    # "204" follows a label without an amount, in the column where the other codes stand
    assert income == {"一、本年收入": Decimal("1904.25"), "上级一般公共预算安排转移支付": None}
    assert expense == {"201": Decimal("1841.54"), "204": None, "232": Decimal("62.71")}
    assert table.totals["income"].values["amount"] == Decimal("1904.25")
    assert table.totals["expense"].name == "支出总计"
    assert ("table-cut", 8) in {(i.slug, i.line) for i in issues}
