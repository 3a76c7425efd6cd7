"""Identities on small hand-made tables: each check can pass, round, and fail."""

from __future__ import annotations

from decimal import Decimal as D

from generator.checks import run_checks
from generator.model import Column, Document, Row, StatedFigure, Table


def doc_with(*tables: Table, figures=()) -> Document:
    doc = Document(path="content/x.txt", layout="tsv", sha256="", encoding="utf-8")
    doc.tables = {t.key: t for t in tables}
    doc.figures = list(figures)
    return doc


def row(line, code=None, unit=None, kind=None, **values):
    return Row(line=line, code=code, unit=unit, kind=kind, values={k: D(v) if v is not None else None for k, v in values.items()})


def results(doc, slug):
    return [(r.status, r.line) for r in run_checks(doc) if r.slug == slug]


def test_row_basic_project_pass_round_and_fail():
    t = Table("expense", "表三", 1, rows=[
        row(10, "2010301", total="100", basic="60", project="40"),
        row(11, "2010302", total="10.01", basic="5", project="5"),
        row(12, "2010303", total="20", basic="5", project="5"),
    ])
    assert results(doc_with(t), "row-basic-project") == [("pass", 10), ("rounding", 11), ("fail", 12)]


def test_empty_parts_of_a_nonzero_total_fail():
    t = Table("basic", "表六", 1, rows=[row(5, "30211", total="54.60", personnel=None, public=None)])
    assert results(doc_with(t), "row-personnel-public") == [("fail", 5)]


def test_parent_is_sum_of_children_with_rounding_per_item():
    t = Table("general_public", "表五", 1, rows=[
        row(1, "201", total="30.02"), row(2, "20103", total="30.02"),
        row(3, "2010301", total="10"), row(4, "2010302", total="20"),
    ])
    statuses = results(doc_with(t), "parent-children")
    assert ("pass", 1) in statuses and ("rounding", 2) in statuses


def test_sub_units_sum_to_the_department():
    t = Table("expense", "表三", 1, rows=[
        row(1, None, unit="甲", kind="unit", total="10"), row(2, "201", unit="甲", total="10"),
        row(3, None, unit="乙", kind="unit", total="5"), row(4, "201", unit="乙", total="5"),
    ], totals={"total": row(9, total="16")})
    assert results(doc_with(t), "sub-units-sum") == [("fail", 9)]


def test_summary_balance_and_three_public():
    s = Table("summary", "表一", 1, totals={"income": row(7, amount="100"), "expense": row(7, amount="99")})
    three = Table("three_public", "三公", 1, rows=[row(3, total="63", overseas=None, vehicle_total="63",
                                                    vehicle_purchase=None, vehicle_operation="63", reception=None)])
    doc = doc_with(s, three)
    assert results(doc, "summary-balance") == [("fail", 7)]
    assert results(doc, "three-public-parts") == [("pass", 3), ("pass", 3)]


def test_text_figure_against_table():
    t = Table("general_public", "表五", 1, totals={"total": row(9, total="100", basic="60", project="40")})
    figures = [StatedFigure("general_public_basic", D("60"), 20, "基本支出60万元"),
               StatedFigure("general_public_project", D("41"), 21, "项目支出41万元")]
    assert results(doc_with(t, figures=figures), "text-vs-table") == [("pass", 20), ("fail", 21)]


def test_stated_income_and_fiscal_totals_against_their_tables():
    """说明's 收入预算 and 财政拨款收支总预算 totals against 表二 合计 and 表四 支出总计 (a
    sentence cut by lost lines can state another number: bench/fuzz.py 9021:13667)."""
    income = Table("income", "表二", 1, totals={"total": row(9, total="5005.17")})
    fiscal = Table("fiscal", "表四", 30, totals={"expense": row(39, total="5005.17")})
    figures = [StatedFigure("income_total", D("450.11"), 50, "收入预算450.11万元"),
               StatedFigure("fiscal_total", D("5005.17"), 60, "财政拨款收支总预算5005.17万元")]
    assert results(doc_with(income, fiscal, figures=figures), "text-vs-table") == [("fail", 50), ("pass", 60)]


def test_messages_name_file_line_and_figures():
    t = Table("expense", "表三", 1, rows=[row(41, "2010302", total="1345.48", basic="0", project="1345.40")])
    [result] = [r for r in run_checks(doc_with(t)) if r.slug == "row-basic-project"]
    text = str(result)
    assert text.startswith("content/x.txt:41: 表三「2010302」行：合计 1345.48 ≠ 基本 0 + 项目 1345.40")


def test_a_failed_sum_names_the_lines_of_its_parts():
    """A failing parent = children names each child's line too (bench/fuzz.py 9023:2066: a
    款 row that took a project's figure is only told by its parent's failing sum); the
    text-vs-table check names the table row; a passing sum names none (there is no doubt)."""
    t = Table("general_public", "表五", 1, rows=[
        row(1, "201", total="31"), row(2, "20101", total="19"), row(4, "20103", total="11"),
        row(6, "202", total="5"), row(7, "20201", total="5"),
    ], totals={"total": row(9, total="35", basic="35")})
    checks = [c for c in run_checks(doc_with(t, figures=[
        StatedFigure("general_public_basic", D("34"), 20, "基本支出34万元")]))]
    by = {(c.slug, c.line): c for c in checks}
    assert by[("parent-children", 1)].status == "fail"  # 31 ≠ 19 + 11
    assert by[("parent-children", 1)].part_lines == (2, 4)
    assert by[("parent-children", 6)].status == "pass" and by[("parent-children", 6)].part_lines == ()
    assert by[("text-vs-table", 20)].status == "fail" and by[("text-vs-table", 20)].part_lines == (9,)
    assert by[("text-vs-table", 20)].as_row("d")[-1] == [9]


def test_project_rows_add_up_by_economic_class():
    """表七 printed by economic class: 合计 = the classes, for each row that prints one (a
    header that swapped 项目支出合计 and 工资福利支出 moves every figure one column and keeps
    every other sum: bench/fuzz.py 9022:21176)."""
    columns = [Column(k, k) for k in ("total", "salaries", "goods_services", "households")]
    t = Table("projects", "表七", 1, columns=columns, rows=[
        row(2, "201", kind="class", total="174", salaries=None, goods_services="174", households=None),
        row(3, "20103", kind="section", total=None, salaries="174", goods_services="174"),
        row(4, "2010301", kind="project", total="10.01", salaries="5", goods_services="5"),
        row(5, "2010302", kind="project", total="8", salaries=None, goods_services=None),
    ], totals={"total": row(9, total="174", goods_services="174")})
    assert results(doc_with(t), "row-economic-sum") == [
        ("pass", 2), ("fail", 3), ("rounding", 4), ("pass", 9)]


def test_messages_name_economic_columns_in_chinese():
    columns = [Column(k, k) for k in ("total", "goods_services")]
    t = Table("projects", "表七", 1, columns=columns, rows=[
        row(2, "201", kind="class", total="10", goods_services="10"),
        row(3, "20103", kind="section", total="10", goods_services="9"),
    ])
    failed = [str(r) for r in run_checks(doc_with(t)) if r.slug == "parent-children" and r.status == "fail"]
    assert len(failed) == 1 and "商品和服务支出 10 ≠ 下级之和 9" in failed[0]


def test_income_total_adds_up_the_top_income_lines():
    """表一 收入总计 = its top-level income lines, however the template nests them: the
    three lines under 财政拨款（补助） are not added again; numbered templates add their
    一、/二、 lines; a 小计 stands for the lines above it (bench/fuzz.py 9035:9721: 表一's
    财政拨款 and 201 swapped, and only the expense side was checked)."""
    def summary(*rows, total):
        income = [Row(line=n, name=name, side="income", kind=kind, values={"amount": D(v) if v else None})
                  for n, name, v, kind in rows]
        return Table("summary", "表一", 1, rows=income, totals={"income": row(99, amount=total)})
    flat = summary((2, "财政拨款（补助）", "100", "line"), (3, "一般公共预算", "100", "line"),
                   (4, "政府性基金预算", None, "line"), (5, "事业收入", "17", "line"), total="117")
    assert results(doc_with(flat), "summary-income-sum") == [("pass", 99)]
    numbered = summary((2, "一、本年收入", "100", "line"), (3, "1. 一般公共预算拨款", "100", "line"),
                       (4, "其中：一般财力", "100", "line"), (5, "二、上年结转结余", "0.33", "line"),
                       total="100.33")
    assert results(doc_with(numbered), "summary-income-sum") == [("pass", 99)]
    subtotal = summary((2, "财政拨款（补助）", "50", "line"), (3, "事业收入", "10", "line"),
                       (4, "小计", "60", "subtotal"), (5, "上年结余", "5", "line"), total="65")
    assert results(doc_with(subtotal), "summary-income-sum") == [("pass", 99)]
    swapped = summary((2, "财政拨款（补助）", "117", "line"), (3, "一般公共预算", "100", "line"),
                      (5, "事业收入", "17", "line"), total="117")
    [check] = [c for c in run_checks(doc_with(swapped)) if c.slug == "summary-income-sum"]
    assert check.status == "fail" and check.part_lines == (2, 5)


def yuan_row(line, code=None, **printed):
    """A row of a table printed in 元, stored as 万元 the way the readers convert it."""
    return Row(line=line, code=code, values={k: D(v).scaleb(-4) for k, v in printed.items()})


def test_the_rounding_allowance_follows_the_printed_unit_and_places():
    """A table printed in 元 integers may be off by 1 元 (0.0001 万元) per summed item, not
    0.01 万元; one printed with fen may be off by 0.01 元; 万元 tables keep 0.01 万元."""
    t = Table("expense", "表三", 1, unit="元", rows=[
        yuan_row(10, "2010301", total="1000000", basic="600000", project="400000"),
        yuan_row(11, "2010302", total="1000001", basic="600000", project="400000"),
        yuan_row(12, "2010303", total="1000002", basic="600000", project="400000"),
        yuan_row(13, "2010304", total="1000000.01", basic="600000.00", project="400000.00"),
        yuan_row(14, "2010305", total="1000000.10", basic="600000.00", project="400000.00"),
    ])
    assert results(doc_with(t), "row-basic-project") == [
        ("pass", 10), ("rounding", 11), ("fail", 12), ("rounding", 13), ("fail", 14)]
    # The same gap of 100 元 (0.01 万元) is rounding in a 万元 table, a mismatch in 元.
    wan = Table("expense", "表三", 1, rows=[row(10, "2010301", total="100.01", basic="60", project="40")])
    assert results(doc_with(wan), "row-basic-project") == [("rounding", 10)]
    yuan = Table("expense", "表三", 1, unit="元", rows=[
        yuan_row(10, "2010301", total="1000100", basic="600000", project="400000")])
    assert results(doc_with(yuan), "row-basic-project") == [("fail", 10)]


def test_an_identity_applies_to_the_columns_a_table_prints():
    """Jiangsu prints 一般公共预算 and 基本支出 tables of one 金额 column: 合计 = 基本 + 项目 and
    合计 = 人员经费 + 公用经费 are not applicable there (no result, neither pass nor fail).
    Its 支出预算总表 prints 单位预留机动经费 as a third part, which the identity then counts;
    a template without that column keeps 合计 = 基本 + 项目."""
    amount_only = [Column("total", "金额")]
    general = Table("general_public", "表五", 1, columns=amount_only,
                    rows=[row(3, "201", total="20153.75")], totals={"total": row(2, total="24458.43")})
    basic = Table("basic", "表六", 1, columns=amount_only, rows=[row(5, "301", total="7308.27")])
    assert results(doc_with(general, basic), "row-basic-project") == []
    assert results(doc_with(general, basic), "row-personnel-public") == []
    three_parts = Table("expense", "表三", 1, columns=[Column(k, k) for k in (
        "total", "basic", "project", "reserve", "carry_forward")],
        totals={"total": row(7, total="24458.43", basic="10403.11", project="12081.46", reserve="1973.86")})
    [check] = [c for c in run_checks(doc_with(three_parts)) if c.slug == "row-basic-project"]
    assert check.status == "pass" and "+ 单位预留机动经费 1973.86 + 结转下年 空" in check.message
    no_reserve = Table("expense", "表三", 1, columns=[Column(k, k) for k in ("total", "basic", "project")],
                       totals={"total": row(7, total="24458.43", basic="10403.11", project="12081.46")})
    assert results(doc_with(no_reserve), "row-basic-project") == [("fail", 7)]


def test_a_two_sided_fiscal_table_balances_on_its_amounts():
    """表四 read as two sides of one 金额 column keeps 支出总计 as its amount (Shanghai,
    Jiangsu); Xinjiang's spreads it over 合计 / 一般公共预算 … columns."""
    one_column = Table("fiscal", "表四", 1, totals={"income": row(7, amount="3121.42"),
                                                  "expense": row(8, amount="3121.42")})
    spread = Table("fiscal", "表四", 1, totals={"income": row(7, amount="10"),
                                              "expense": row(8, total="9", general_public="9")})
    assert results(doc_with(one_column), "summary-balance") == [("pass", 7)]
    assert results(doc_with(spread), "summary-balance") == [("fail", 7)]


def test_the_year_total_of_a_final_accounts_summary_stands_for_its_lines():
    """决算 表一: 一、… 八、 add up to 本年收入合计, and 总计 = 本年收入合计 + 年初结转和结余;
    表二/表三 合计 list the year's own income and spending: against 本年收入合计 / 本年支出合计,
    not 总计 (上海 规划和自然资源局 2024: 9,746.50 + 112.88 = 9,859.38; 支出 9,759.38 + 100.00)."""
    def line(n, name, amount, side="income"):
        return Row(line=n, name=name, side=side, kind="line", values={"amount": D(amount) if amount else None})
    summary = Table("summary", "表一", 1, rows=[
        line(2, "一、一般公共预算财政拨款收入", "9746.50"), line(3, "二、政府性基金预算财政拨款收入", None),
        line(2, "一、一般公共服务支出", None, "expense"), line(4, "本年收入合计", "9746.50"),
        line(4, "本年支出合计", "9759.38", "expense"), line(5, "使用非财政拨款结余", None),
        line(6, "年初结转和结余", "112.88"), line(6, "年末结转和结余", "100.00", "expense")],
        totals={"income": row(7, amount="9859.38"), "expense": row(7, amount="9859.38")})
    income = Table("income", "表二", 10, totals={"total": row(11, total="9746.50")})
    expense = Table("expense", "表三", 20, totals={"total": row(21, total="9759.38")})
    doc = doc_with(summary, income, expense)
    assert results(doc, "summary-income-sum") == [("pass", 7)]
    assert results(doc, "income-vs-summary") == [("pass", 11)]
    [check] = [c for c in run_checks(doc) if c.slug == "expense-vs-summary"]
    assert check.status == "pass" and check.message == "表三 合计 9759.38 = 表一 本年支出合计 9759.38"
    without = Table("summary", "表一", 1, rows=[line(2, "一、财政拨款收入", "100")],
                    totals={"income": row(7, amount="100"), "expense": row(7, amount="100")})
    assert results(doc_with(without, Table("income", "表二", 10, totals={"total": row(11, total="90")})),
                   "income-vs-summary") == [("fail", 11)]
