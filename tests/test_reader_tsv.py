"""readers/tsv.py (tab-separated lines → cells with their columns) and what the shared
interpreters read from such cells: a header whose merged group labels name only their
first column, and a row-wise 三公 table with one amount column per fund source."""

from __future__ import annotations

from decimal import Decimal

from generator.grid import Cell, Grid, GridRow
from generator.model import Origin
from generator.readers.tsv import split_cells, tsv_row
from generator.tables.catalogue import load_catalogue
from generator.tables.header import read_columns
from generator.tables.items import read_items
from generator.tables.segment import find_tables


def _rows(lines: list[str], first: int = 2) -> list[GridRow]:
    return [tsv_row(n, split_cells(text)) for n, text in enumerate(lines, first)]


def _three_public(lines: list[str]):
    title = GridRow([Cell("一般公共预算“三公”经费支出情况表", Origin(line=1))], 1)
    catalogue = load_catalogue()
    segments, issues = find_tables(Grid("t.txt", "tsv", "", [title, *_rows(lines)]), catalogue)
    assert issues == [] and len(segments) == 1
    return read_items(segments[0], catalogue, "万元", "t.txt")


def test_a_tab_line_is_cells_with_their_columns() -> None:
    row = tsv_row(7, split_cells("201\t03\t\t\u3000行政运行 \t1.00"))
    assert [(c.text, c.col, c.origin.line) for c in row.cells] == [
        ("201", 0, 7), ("03", 1, 7), ("行政运行", 3, 7), ("1.00", 4, 7)]
    assert row.ruled and row.line == 7


def test_a_group_label_over_its_columns_gives_its_key_to_their_total() -> None:
    """合计 under 因公出国（境）费 is that item; 合 计 under the 公务用车 group is its 小计."""
    header = _rows(["合 计\t因公出国 (境)费\t公务用车购置及运行费\t\t\t公务接待费",
                    "\t合计\t合 计\t公务用车购 置费\t公务用车运行 费\t"])
    keys = [(c.key, c.pieces[0].col) for c in read_columns(header, load_catalogue())]
    assert keys == [("total", 0), ("overseas", 1), ("vehicle_total", 2), ("vehicle_purchase", 3),
                    ("vehicle_operation", 4), ("reception", 5)]


def test_three_public_by_columns_places_every_amount_by_its_column() -> None:
    table, issues = _three_public(["合 计\t因公出国 (境)费\t公务用车购置及运行费\t\t\t公务接待费",
                                   "\t合计\t合 计\t公务用车购 置费\t公务用车运行 费\t",
                                   "176.6\t1\t175.6\t0\t175.6\t0"])
    values = table.rows[0].values
    assert (values["overseas"], values["vehicle_total"], values["reception"]) == (
        Decimal("1"), Decimal("175.6"), Decimal("0"))
    assert table.columns[1].label == "因公出国（境）费" and issues == []


def test_three_public_by_rows_keeps_a_row_per_fund_source() -> None:
    table, _ = _three_public(["“三公”经费支出内容\t合计\t资金来源\t\t",
                              "\t\t一般公共预算\t政府性基金\t国有资本经营预算",
                              "合计\t52.10\t50.10\t2.00\t",
                              "因公出国（境）费\t50.00\t50.00\t\t",
                              "公务用车购置及运行费 （小计）\t2.10\t0.10\t2.00\t",
                              "其中：公务用车购置费\t\t\t\t"])
    assert [r.name for r in table.rows] == ["三公经费", "一般公共预算", "政府性基金", "国有资本经营预算"]
    assert table.rows[0].values == {"total": Decimal("52.10"), "overseas": Decimal("50.00"),
                                    "vehicle_total": Decimal("2.10")}
    assert table.rows[2].values == {"total": Decimal("2.00"), "vehicle_total": Decimal("2.00")}
    assert table.rows[3].values == {}
    assert [(c.key, c.label) for c in table.columns] == [
        ("total", "合计"), ("overseas", "因公出国（境）费"), ("vehicle_total", "公务用车购置及运行费"),
        ("vehicle_purchase", "公务用车购置费")]


def _coded(title: str, lines: list[str]):
    from generator.tables.coded import read_coded
    catalogue = load_catalogue()
    grid = Grid("t.txt", "tsv", "", [GridRow([Cell(title, Origin(line=1))], 1), *_rows(lines)])
    segments, _ = find_tables(grid, catalogue)
    return read_coded(segments[0], catalogue, "万元", "t.txt")


def test_an_empty_fund_table_reads_its_placeholder_and_blank_total_as_no_rows() -> None:
    """"无 0 0 0" is no row; a blank 合计 row under the header is no header row (it added a
    second 合计 column); letter-spaced labels lose their wrap spaces."""
    table, _ = _coded("政府性基金预算支出情况表", [
        "功能分类科目编码\t\t\t功能分类科目名称\t合 计\t基本支出\t项目支出", "类\t款\t项\t\t\t\t",
        "\t\t\t无\t0\t0\t0", "\t\t\t合 计\t0\t0\t0"])
    assert table.rows == [] and table.totals["total"].name == "合计"
    assert [(c.key, c.label) for c in table.columns] == [("total", "合计"), ("basic", "基本支出"),
                                                         ("project", "项目支出")]
    empty, _ = _coded("国有资本经营预算支出情况表", [
        "科 目\t\t\t国有资本经营预算支出\t\t\t", "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t\t项目支出",
        "类\t款\t项\t\t\t人员经费\t公用经费\t", "合计\t\t\t\t\t\t\t"])
    assert [c.key for c in empty.columns] == ["total", "personnel", "public", "project"]


_EXPENSE_HEADER = ["功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出", "类\t款\t项\t\t\t\t"]


def test_codes_in_their_columns_broken_codes_and_rows_that_do_not_fit() -> None:
    """The code is read from the 类/款/项 columns only (the 0 after 208 is an amount); a 类
    that lost a digit is read as the class above (code-repaired); a row whose 项
    cell holds a name, or whose name cell a bare number, is not read; the last row with
    amounts and no label is the total; "1. 26" in one cell is 1.26."""
    table, issues = _coded("部门支出总体情况表", [*_EXPENSE_HEADER,
                                           "208\t\t\t社会保障和就业支出\t0\t0\t",
                                           "20\t03\t01\t行政运行\t1. 26\t1.26\t",
                                           "302\t01\t办公费\t4.35\t\t\t",
                                           "201\t03\t\t01\t5.00\t5.00\t",
                                           "\t\t\t\t1.26\t1.26\t"])
    assert [(r.code, r.code_raw, r.kind) for r in table.rows] == [("208", "208", "class"),
                                                                 ("2080301", "20 03 01", "item")]
    assert table.rows[0].values == {"total": Decimal("0"), "basic": Decimal("0")}
    assert table.rows[1].values == {"total": Decimal("1.26"), "basic": Decimal("1.26")}
    assert table.totals["total"].values["total"] == Decimal("1.26") and table.totals["total"].line == 8
    assert sorted((i.slug, i.line) for i in issues) == [("code-repaired", 5), ("row-misaligned", 6),
                                                        ("row-misaligned", 7)]


def test_lone_section_codes_unknown_and_foreign_columns_sub_units_garbled_labels() -> None:
    """A 款 under an empty 类 cell takes the class above; a label no synonym names keeps its
    amounts as col_<n> (column-unknown); a label garbled to "��" beside 类 款 is the 项
    column; a named row without a code opens a sub-unit; another table's header (its title
    lost) ends the table (header-foreign); a run of numbers in a header cell is no label."""
    table, issues = _coded("部门支出总体情况表", [
        "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出\t\t1234.56 1234.56",
        "类\t款\t��\t\t\t\t\t预备列", "\t\t\t某某中心\t100.00\t60.00\t40.00\t",
        "201\t\t\t一般公共服务支出\t100.00\t60.00\t40.00\t5", "\t03\t\t政府办公厅\t100.00\t60.00\t40.00\t",
        "201\t03\t01\t行政运行\t60.00\t60.00\t\t",
        "功能分类科目编码\t\t\t功能分类科目名称\t项目名称\t合计\t工资福利支出\t商品和服务支出",
        "201\t03\t01\t行政运行\t某项目\t9.00\t1.00\t8.00"])
    assert [(r.code, r.kind, r.unit) for r in table.rows] == [
        (None, "unit", "某某中心"), ("201", "class", "某某中心"), ("20103", "section", "某某中心"),
        ("2010301", "item", "某某中心")]
    assert table.column_keys() == ["total", "basic", "project", "col_8"]
    assert table.rows[1].values["col_8"] == Decimal(5)
    assert {(i.slug, i.line) for i in issues} == {("column-unknown", 3), ("header-cell-dropped", 2),
                                                 ("header-foreign", 8)}


def test_a_label_in_an_amount_column_and_a_column_named_twice_are_not_read() -> None:
    """A row printing a label where the header has an amount column is another table's
    row; header rows upside down name one column twice (合计 over the caption): that
    column is not read, the others are."""
    table, issues = _coded("一般公共预算基本支出情况表", [
        "类\t款\t经济分类科目名称\t合计\t人员经费\t公用经费", "经济分类科目编码\t\t项目\t一般公共预算基本支出\t\t",
        "302\t01\t办公费\t4.35\t0.00\t4.35", "一般公共预算\t1834.83\t202 外交支出\t0\t0\t0"])
    assert table.column_keys() == ["personnel", "public"]
    assert [(r.code, r.values) for r in table.rows] == [("30201", {"personnel": Decimal("0.00"),
                                                                   "public": Decimal("4.35")})]
    assert ("column-ambiguous", 3) in {(i.slug, i.line) for i in issues}
    assert ("row-misaligned", 5) in {(i.slug, i.line) for i in issues}
