"""The cross-table pass (tables/cross_table): 表二's positionless amounts onto the income
sources 表一 gives an amount, and 表二's wrapped header labels (tables/header.wrapped_columns)."""

from __future__ import annotations

from decimal import Decimal

from generator.grid import Cell, GridRow
from generator.model import Column, Document, Origin, Row, Table
from generator.tables.catalogue import load_catalogue
from generator.tables.cross_table import income_sources, place_by_sources, settle_across_tables
from generator.tables.header import wrapped_columns

KEYS = ("total", "general_public", "gov_fund", "business")


def _row(line: int, code: str | None, kind: str, *amounts: str) -> Row:
    """A row as the coded interpreter leaves it without positions: amounts in print order
    in the first columns."""
    return Row(line=line, code=code, kind=kind, name=code or "合计",
               values={k: Decimal(a) for k, a in zip(KEYS, amounts)})


def _income(*rows: Row) -> Table:
    return Table("income", "收入总体情况表", 1, columns=[Column(k, k) for k in KEYS], rows=list(rows))


def _summary(**sources: str) -> Table:
    labels = {"general_public": "一般公共预算", "gov_fund": "政府性基金预算", "business": "事业收入"}
    return Table("summary", "收支总体情况表", 1, rows=[
        Row(line=2, name=labels[k], side="income", values={"amount": Decimal(v)}) for k, v in sources.items()])


def test_amounts_go_to_the_sources_the_summary_has():
    """表一 has 政府性基金预算 only: "10 10" is 总计 10, 政府性基金 10, not 一般公共预算."""
    row = _row(3, "201", "class", "10", "10")
    doc = Document(path="x.txt", layout="pdf-single-space", sha256="", encoding="utf-8", tables={"summary": _summary(gov_fund="10"), "income": _income(row)})
    settle_across_tables(doc, ["income"])
    assert row.values == {"total": Decimal(10), "gov_fund": Decimal(10)}
    assert row.inferred == ("gov_fund",)
    assert [i.slug for i in doc.issues] == ["column-inferred"]


def test_fewer_amounts_than_sources_are_placed_by_the_sums():
    """Two sources: 201 prints both (10 = 4 + 6); its 款 print one each, which the 款's sum
    under 201 tells apart (4 is 一般公共预算, 6 政府性基金)."""
    parent = _row(2, "201", "class", "10", "4", "6")
    first, second = _row(3, "20101", "section", "4", "4"), _row(4, "20102", "section", "6", "6")
    issues = place_by_sources(_income(parent, first, second), ["general_public", "gov_fund"], "表一", "x.txt")
    assert first.values == {"total": Decimal(4), "general_public": Decimal(4)}
    assert second.values == {"total": Decimal(6), "gov_fund": Decimal(6)}
    assert sorted(i.slug for i in issues) == ["column-inferred"] * 3


def test_more_amounts_than_sources_keep_the_total_alone():
    row = _row(3, "201", "class", "10", "4", "6")
    issues = place_by_sources(_income(row), ["general_public"], "表一", "x.txt")
    assert row.values == {"total": Decimal(10)}
    assert [i.slug for i in issues] == ["column-ambiguous"]


def test_income_sources_are_lines_named_by_a_whole_catalogue_label():
    """"一、一般公共预算拨款", "上年结转" name sources; 本年收入合计 (with 合计 in it) and
    国有资本经营收入 (with 经营收入 in it) do not: a line is named by its whole label."""
    names = {"一、一般公共预算拨款": "5", "上年结转": "2", "本年收入合计": "7", "国有资本经营收入": "1",
             "事业收入": "0"}
    table = Table("summary", "收支总体情况表", 1, rows=[
        Row(line=2, name=n, side="income", values={"amount": Decimal(v)}) for n, v in names.items()])
    assert income_sources(table) == ["general_public", "carryover"]


def test_wrapped_header_labels_are_joined_into_columns():
    rows = [GridRow([Cell(t, Origin(line=n))], n) for n, t in enumerate(
        ["总计", "一般公", "共预算", "拨款", "事业收", "入"], 1)]
    rows.insert(0, GridRow([Cell("功能分类科目名称", Origin(line=0)), Cell("类", Origin(line=0))], 0))
    columns = wrapped_columns(rows, load_catalogue())
    assert [(c.key, c.label) for c in columns] == [
        ("total", "总计"), ("general_public", "一般公共预算拨款"), ("business", "事业收入")]
    # labels printed whole, none wrapped: not this reader's
    assert wrapped_columns([GridRow([Cell("合计", Origin(line=1)), Cell("基本支出", Origin(line=1))], 1)],
                           load_catalogue()) == []


def test_project_rows_a_unit_row_needs_a_class_row_under_it():
    """表七 (both PDF layouts, `name_project_rows`): an uncoded row followed by a 类 is a
    sub-unit; one followed by anything else is a project line printed without its code (it
    takes the 项 above), a second 合计 is a misplaced row, and a project amount without a
    name is reported."""
    from generator.tables.cross_table import name_project_rows, names_by_code
    from generator.tables.segment import Segment

    def row(line, name, code=None, kind="item", total="1"):
        return Row(line=line, name=name, code=code, code_raw=code, kind=kind, values={"total": Decimal(total)})
    rows = [row(2, "某局", kind="unit"), row(3, "一般公共服务支出", "201", "class"),
            row(4, "行政运行", "2010301"), row(5, "驻京办业务专项", kind="unit"), row(6, "合计", kind="unit")]
    table = Table("projects", "表七", 1, columns=[Column("total", "合计")], rows=rows)
    doc = Document(path="x.txt", layout="pdf-padded", sha256="", encoding="utf-8",
                   tables={"expense": Table("expense", "表三", 1, rows=[row(9, "行政运行", "2010301")])})
    seg = Segment(load_catalogue().kind_of_table("projects"), "表七", 1, None)
    found = {(i.slug, i.line) for i in name_project_rows(table, seg, doc, names_by_code(doc, ("expense",)), "表七")}
    assert [(r.kind, r.unit) for r in rows[:2]] == [("unit", "某局"), ("class", "某局")]
    assert (rows[3].kind, rows[3].code, rows[3].project, rows[3].unit) == ("project", "2010301", "驻京办业务专项", "某局")
    assert rows[4].kind == "line" and ("row-misplaced", 6) in found
    assert ("unnamed-project", 4) in found and ("row-misplaced", 5) not in found
