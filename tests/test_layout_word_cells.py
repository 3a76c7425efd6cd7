"""Layout word-cells: Word table text, one tab-prefixed cell per line (sample 001)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from generator.golden import to_golden
from generator.layouts import layout_named
from generator.model import Document
from generator.parse.document import parse_text
from generator.sources import SourceText, read_source

from .conftest import GOLDEN, SAMPLES, sample_paths

SEED = SAMPLES / "001_39ebdcf812bae707.txt"
TABLE_PARTS = ("summary", "expense", "general_public", "basic", "projects", "three_public",
               "performance")


def _source(text: str, path: str = "word.txt") -> SourceText:
    return SourceText(path, text, text.split("\n"), "utf-8", "0" * 64)


def _seed_text() -> str:
    source, _ = read_source(SEED)
    assert source is not None
    return source.text


def _parse(text: str) -> Document:
    result = parse_text(_source(text))
    assert result.document is not None, result.issues
    assert result.document.layout == "word-cells"
    return result.document


def _read_only(lines: list[str]) -> Document:
    """The layout alone (no prose reader), for small synthetic documents."""
    doc = Document(path="s.txt", layout="word-cells", sha256="0", encoding="utf-8")
    layout_named("word-cells").read(_source("\n".join(lines), "s.txt"), doc)
    return doc


def _cells(*rows: list[str]) -> list[str]:
    """Rows of cells printed the way Word saves them: a tab per cell, a blank line per row."""
    lines: list[str] = []
    for row in rows:
        lines += ["\t" + cell for cell in row]
        lines.append("")
    return lines


def _function_table(*rows: list[str]) -> Document:
    """表五 (类/款/项, 科目名称, 合计/基本支出/项目支出) with these rows, read by the layout alone."""
    return _read_only(["表五：", "一般公共预算支出情况表"]
                      + _cells(["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"], *rows))


# --- the seed ------------------------------------------------------------------------------

def test_seed_table_parts_match_the_key():
    key = json.loads((GOLDEN / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    got = to_golden(_parse(_seed_text()))
    for part in TABLE_PARTS:
        assert got[part] == key[part], part


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_detect_claims_only_the_word_sample(path):
    source, _ = read_source(path)
    score = layout_named("word-cells").detect(source)
    assert (score >= 0.5) == (path == SEED), score


def test_seed_unscored_tables_are_read_in_full():
    doc = _parse(_seed_text())
    income = doc.tables["income"]
    assert [c.label for c in income.columns][6] == "上级补助收入"  # vertical header joined
    assert income.totals["total"].values["superior_subsidy"] == Decimal("17.00")
    assert [r.code for r in income.rows] == ["201", "20103", "2010301", "2010399"]
    fiscal = doc.tables["fiscal"]
    assert fiscal.totals["expense"].values == {"total": Decimal("1406.62"),
                                               "general_public": Decimal("1406.62"),
                                               "gov_fund": None, "state_capital": None}
    assert [r.name for r in fiscal.rows if r.side == "income"][:2] == ["一、财政拨款（补助）",
                                                                       "一般公共预算"]
    gov_fund = doc.tables["gov_fund"]
    assert gov_fund.empty and not gov_fund.rows and "空表" in gov_fund.note
    assert len(doc.tables["three_public"].rows) == 3


def test_seed_rows_carry_lines_codes_and_kinds():
    doc = _parse(_seed_text())
    basic = doc.tables["basic"]
    first = basic.rows[0]
    assert (first.code, first.code_raw, first.kind, first.line) == (
        "30103", "301 103", "section", 1136)
    assert basic.line == 1110
    projects = doc.tables["projects"]
    assert [r.kind for r in projects.rows] == ["class", "section", "project"]
    assert projects.rows[-1].values["goods_services"] == Decimal("174.00")
    slugs = {i.slug for i in doc.issues}
    assert {"code-repaired", "row-unlabelled"} <= slugs


def test_seed_performance_targets():
    doc = _parse(_seed_text())
    first = doc.performance[0]
    assert (first.name, first.amount, first.fiscal_amount, first.unit, first.line) == (
        "公务接待费", Decimal(40), Decimal(40), "克州人民政府办公室", 1768)  # its title's line
    assert len(first.indicators) == 12
    assert first.indicators[0].level1 == "项目完成" and first.indicators[0].value == "≤330团队"
    assert doc.performance[-1].amount is None and doc.performance[-1].unit is None


# --- modified copies -----------------------------------------------------------------------

def test_modified_copy_reads_the_changed_figures():
    """Department renamed, one project renamed and its amount raised in every table."""
    text = _seed_text()
    text = text.replace("克州人民政府办公室", "阿图什市人民政府办公室")
    text = text.replace("克州政府办公室", "阿图什市政府办公室")
    text = text.replace("群众工作经费", "便民服务经费")
    for old, new in (("174.00", "180.00"), ("1423.62", "1429.62"), ("1249.92", "1255.92")):
        text = text.replace(old, new)
    got = to_golden(_parse(text))
    assert got["projects"]["rows"] == [{"unit": None, "code": "2010399", "project": "便民服务经费",
                                        "total": "180.00"}]
    assert got["projects"]["total"] == "180.00"
    assert got["expense"]["total"] == {"total": "1429.62", "basic": "1249.62", "project": "180.00"}
    assert got["summary"]["income_total"] == "1429.62"
    assert "便民服务经费" in [p["name"] for p in got["performance"]["projects"]]


@pytest.mark.parametrize("cut", [40, 300, 505, 1000, 1300])
def test_truncated_copy_gives_issues_not_exceptions(cut):
    lines = _seed_text().split("\n")[:cut]
    result = parse_text(_source("\n".join(lines)))
    if result.document is None:
        assert result.issues
        return
    slugs = {i.slug for i in result.document.issues}
    assert slugs & {"table-missing", "total-missing", "table-unreadable"}, slugs


def test_cells_missing_inside_a_row_are_not_misplaced():
    lines = _seed_text().split("\n")
    # 表三 row 201 03 99 loses its last two cells (lines 511-512): only 174.00 is left.
    del lines[510:512]
    doc = _read_only(lines)
    row = next(r for r in doc.tables["expense"].rows if r.code == "2010399")
    assert row.values["total"] is None and row.values["project"] == Decimal("174.00")
    assert any(i.slug == "column-ambiguous" and i.line == 510 for i in doc.issues)


# --- synthetic documents: structures the seed does not print -------------------------------

def test_sub_units_single_cell_codes_and_lone_section():
    lines = ["表三：", "部门支出总体情况表", "编制部门：某局                单位：万元"]
    lines += _cells(
        ["项    目", "支出预算"],
        ["功能分类科目编码", "功能分类科目名称", "合  计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
        ["", "", "", "某局", "100.00\u3000", "60.00", "40.00"],
        ["201", "", "", "一般公共服务支出", "100.00", "60.00", "40.00"],
        ["", "03", "", "政府办公厅（室）及相关机构事务", "100.00", "60.00", "40.00"],
        ["", "", "02", "一般行政管理事务", "40.00", "", "40.00"],
        ["", "", "", "某局下属中心", "10.00", "10.00", ""],
        ["2010350", "", "", "事业运行", "\u300010.00", "10.00", "\u3000"],
        ["", "", "", "合  计", "110.00", "70.00", "40.00"],
    )
    table = _read_only(lines).tables["expense"]
    assert [(r.kind, r.unit, r.code) for r in table.rows] == [
        ("unit", "某局", None), ("class", "某局", "201"), ("section", "某局", "20103"),
        ("item", "某局", "2010302"), ("unit", "某局下属中心", None),
        ("item", "某局下属中心", "2010350")]
    assert table.totals["total"].values["total"] == Decimal("110.00")


def test_projects_inherit_code_and_unnamed_project_is_reported():
    lines = ["表七：", "一般公共预算项目支出情况表"]
    lines += _cells(
        ["科目编码", "科目名称", "项目名称", "金额"],
        ["2010302", "一般行政管理事务", "项目甲", "30.00"],
        ["", "", "项目乙", "5.00"],
        ["2010399", "其他", "", "5.00"],
        ["", "", "合计", "40.00"],
    )
    doc = _read_only(lines)
    rows = doc.tables["projects"].rows
    assert [(r.code, r.project, r.kind) for r in rows] == [
        ("2010302", "项目甲", "project"), ("2010302", "项目乙", "project"),
        ("2010399", None, "project")]
    assert {i.slug for i in doc.issues} >= {"unnamed-project", "code-inherited"}


def test_page_break_repeat_merges_into_one_table():
    header = [["经济分类科目编码", "经济分类科目名称", "合计", "人员经费", "公用经费"]]
    lines = ["表六：", "一般公共预算基本支出情况表"]
    lines += _cells(*header, ["301", "01", "基本工资", "10.00", "10.00", ""])
    lines += ["表六（续）：", "一般公共预算基本支出情况表"]
    lines += _cells(*header, ["302", "01", "办公费", "2.00", "", "2.00"],
                    ["", "", "合计", "12.00", "10.00", "2.00"])
    table = _read_only(lines).tables["basic"]
    assert [r.code for r in table.rows] == ["30101", "30201"]
    assert table.totals["total"].values["public"] == Decimal("2.00")


def test_inline_code_header_and_numbering_row():
    """类/款/项 labels in the leaf header row itself, and a 栏次 row (1 2 3 …) under it."""
    lines = ["表五：", "一般公共预算支出情况表", "单位：万元"]
    lines += _cells(
        ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"],
        ["1", "2", "3", "4", "5", "6", "7"],
        ["201", "03", "01", "行政运行", "8.00", "8.00", ""],
        ["20", "03", "02", "一般行政管理事务", "2.00", "", "2.00"],
        ["", "", "", "合计", "10.00", "8.00", "2.00"],
    )
    doc = _read_only(lines)
    table = doc.tables["general_public"]
    assert [c.key for c in table.columns] == ["total", "basic", "project"]
    assert [(r.code, r.code_raw, r.values["basic"]) for r in table.rows] == [
        ("2010301", "201 03 01", Decimal("8.00")), ("2010302", "20 03 02", None)]
    assert [i.slug for i in doc.issues] == ["code-repaired"]


def test_unknown_column_label_is_kept_and_reported():
    lines = ["表三：", "部门支出总体情况表"]
    lines += _cells(
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "某某新列"],
        ["2010301", "行政运行", "8.00", "8.00", "", "1.00"],
        ["", "合计", "8.00", "8.00", "", "1.00"],
    )
    doc = _read_only(lines)
    table = doc.tables["expense"]
    # col_N: the N-th column as printed, in every layout (科目编码 is the first)
    assert (table.columns[-1].key, table.columns[-1].label) == ("col_6", "某某新列")
    assert table.rows[0].values["col_6"] == Decimal("1.00")
    assert [i.slug for i in doc.issues] == ["column-unknown"]


def test_detect_rejects_tab_separated_rows():
    text = "\n".join("\t201\t一般公共服务支出\t100.00" for _ in range(100))
    assert layout_named("word-cells").detect(_source(text)) == 0.0


# --- mutated copies (bench/fuzz.py findings): every changed figure carries an issue ---------

def _mutated(edit) -> Document:
    """The seed read by the layout alone after `edit(lines)` (1-based line N is lines[N-1])."""
    lines = _seed_text().split("\n")
    edit(lines)
    return _read_only(lines)


def _issues_at(doc: Document, line: int) -> set[str]:
    return {i.slug for i in doc.issues if i.line == line}


def _table_issues(doc: Document, key: str) -> set[str]:
    return {i.slug for i in doc.issues if i.table == key and i.line is None}


def test_row_that_lost_its_code_cells_is_reported():
    """表三 row 201 03 99 without its 款/项 cells reads as 类 201 with total 174.00."""
    doc = _mutated(lambda lines: lines.__delitem__(slice(506, 508)))
    row = next(r for r in doc.tables["expense"].rows if r.values["total"] == Decimal("174.00"))
    assert row.code == "201"
    assert {"row-width", "code-order"} <= _issues_at(doc, row.line)


def test_swapped_code_cells_break_the_order():
    def swap(lines):
        lines[506], lines[507] = lines[507], lines[506]  # "99" before "03"
    doc = _mutated(swap)
    row = next(r for r in doc.tables["expense"].rows if r.line == 510)
    assert row.code == "2019903"
    assert "code-order" in _issues_at(doc, 510)


def test_class_printed_again_after_its_rows():
    doc = _function_table(
        ["201", "", "", "一般公共服务支出", "10.00", "10.00", ""],
        ["201", "03", "01", "行政运行", "10.00", "10.00", ""],
        ["201", "", "", "行政运行", "5.00", "5.00", ""],
        ["", "", "", "合计", "10.00", "10.00", ""],
    )
    assert [i.slug for i in doc.issues] == ["code-order"]


def test_row_that_lost_its_class_code_is_not_a_silent_sub_unit():
    doc = _mutated(lambda lines: lines.__delitem__(481))  # 表三 "201" of the first row
    row = doc.tables["expense"].rows[0]
    assert (row.kind, row.code) == ("unit", None)
    assert "row-width" in _issues_at(doc, row.line)


def test_swapped_header_labels_flag_the_table():
    def swap(lines):
        lines[470], lines[471] = lines[471], lines[470]  # 表三 基本支出 ↔ 项目支出
    doc = _mutated(swap)
    assert [c.key for c in doc.tables["expense"].columns] == ["total", "project", "basic"]
    assert "column-order" in _table_issues(doc, "expense")


def test_broken_vertical_header_label_flags_the_table():
    doc = _mutated(lambda lines: lines.__delitem__(207))  # 表二 "上/级/补助/收/入"
    assert "col_9" in doc.tables["income"].column_keys()  # (the 9th column as printed)
    assert ("column-unknown", 198) in {(i.slug, i.line) for i in doc.issues if i.table == "income"}  # (its header line)


def test_two_sided_header_that_lost_its_row_end_flags_the_table():
    doc = _mutated(lambda lines: lines.__delitem__(27))  # 表一: both header rows merge
    assert "header-width" in _table_issues(doc, "summary")


def test_two_sided_row_missing_cells_is_reported_on_its_figure_lines():
    doc = _mutated(lambda lines: lines.__delitem__(slice(34, 36)))  # 表一 1406.62 and its row end
    assert "row-width" in _issues_at(doc, 35)


def test_garbled_total_row_is_not_a_silent_sub_unit():
    def insert(lines):
        lines.insert(651, "1234.56 " * 12_500)  # a 100 kB line inside 表三's 合计 row
    doc = _mutated(insert)
    table = doc.tables["expense"]
    assert not [r for r in table.rows if r.kind == "unit"]
    garbled = next(r for r in table.rows if r.code is None)
    assert "column-ambiguous" in _issues_at(doc, garbled.line)  # figures left of the value columns
    assert "total-missing" in {i.slug for i in doc.issues if i.table == "expense"}


def test_three_public_row_ending_in_a_label_is_skipped_not_raised():
    lines = _seed_text().split("\n")
    lines[1479] += "\t201\t03\t01\t7.00" * 5_000  # 三公: 100 kB of cells in the last cell
    doc = _read_only(lines)
    assert "row-width" in {i.slug for i in doc.issues if i.table == "three_public"}


def test_basic_amount_moved_to_the_other_side_is_reported():
    def swap(lines):
        lines[1164], lines[1165] = lines[1165], lines[1164]  # 表六 303 309: 4.40 ↔ empty 公用经费
    doc = _mutated(swap)
    row = next(r for r in doc.tables["basic"].rows if r.code == "30309")
    assert row.values["public"] == Decimal("4.40")
    assert "column-ambiguous" in _issues_at(doc, row.line)


def test_cells_run_into_one_line_widen_the_row_which_is_not_read():
    """bench/fuzz.py 202:179: 100 kB of tab-separated cells appended to 表一's 收入总计
    cell. Each tab starts a cell, so the row prints thousands of cells: refused on every
    line with a figure, never read one cell over (收入总计 1423.62 stays unread, not 201)."""
    def append(lines):
        assert lines[188].strip() == "收  入  总  计"
        lines[188] += "\t201\t03\t01\t7.00" * 5_000
    doc = _mutated(append)
    summary = doc.tables["summary"]
    assert "income" not in summary.totals and "expense" not in summary.totals
    assert {189, 190, 192} <= {i.line for i in doc.issues if i.slug == "row-width"}
    first = next(r for r in summary.rows if r.side == "income")
    assert first.values["amount"] == Decimal("1406.62")  # the other rows as printed


def test_two_sided_labels_swapped_across_sides_are_reported():
    """bench/fuzz.py 203:422: 表四 "一、财政拨款（补助）" and "201 一般公共服务支出" swapped:
    a function class on the income side, an uncoded expense line with amounts."""
    def swap(lines):
        lines[674], lines[676] = lines[676], lines[674]
    doc = _mutated(swap)
    fiscal = doc.tables["fiscal"]
    expense = next(r for r in fiscal.rows if r.side == "expense" and r.line == 678)
    assert (expense.code, expense.values["total"]) == (None, Decimal("1406.62"))
    assert "row-uncoded" in _issues_at(doc, 678)
    income = next(r for r in fiscal.rows if r.side == "income" and r.line == 676)
    assert income.values["amount"] == Decimal("1406.62")
    assert "row-misplaced" in _issues_at(doc, 676)


def test_garbled_grand_total_label_is_no_silent_expense_line():
    """bench/fuzz.py 243:15: a 100 kB text line inside 表四's 支出总计 cell (an untabbed
    line continues the cell): the label no longer reads as 总计; the line is kept and
    reported, with its figures as printed."""
    doc = _mutated(lambda lines: lines.insert(925, "一般公共服务支出" * 4_200))
    row = next(r for r in doc.tables["fiscal"].rows if r.side == "expense" and r.line == 927)
    assert row.values["total"] == Decimal("1406.62")
    assert "row-uncoded" in _issues_at(doc, 927)
    assert "expense" not in doc.tables["fiscal"].totals


def test_fiscal_total_moved_away_from_its_parts_is_reported():
    """bench/fuzz.py 239:222: 表四 231's empty 合计 cell and 支出总计's 1406.62 swapped:
    231 prints a 合计 with every part empty, 支出总计 parts with an empty 合计."""
    def swap(lines):
        lines[885], lines[925] = lines[925], lines[885]
    doc = _mutated(swap)
    fiscal = doc.tables["fiscal"]
    row = next(r for r in fiscal.rows if r.code == "231")
    assert (row.line, row.values["total"]) == (886, Decimal("1406.62"))
    assert "column-ambiguous" in _issues_at(doc, 886)
    total = fiscal.totals["expense"]
    assert total.values["general_public"] == Decimal("1406.62")
    assert "column-ambiguous" in _issues_at(doc, total.line)


def test_header_row_carrying_a_figure_is_no_sub_unit():
    """bench/fuzz.py 202:265: a 79.84 from the 三公 table swapped into 表九's empty 类/款/项
    sub-header row: an uncoded "类 款 项" row with no coded rows under it is reported and
    not read as a sub-unit."""
    def swap(lines):
        lines[1471], lines[1511] = lines[1511], lines[1471]
    doc = _mutated(swap)
    gov_fund = doc.tables["gov_fund"]
    assert not [r for r in gov_fund.rows if r.kind == "unit"]
    assert "row-uncoded" in _issues_at(doc, 1512)


@pytest.mark.parametrize(("a", "b", "key", "line", "column"), [
    # bench/fuzz.py 234:160: 表七 群众工作经费's 174.00 one column over (商品和服务 → 债务利息)
    (1377, 1379, "projects", 1376, "debt_interest"),
    # bench/fuzz.py 236:505: 表二 201 03 99's 17.00 one column over, into 事业收入
    (278, 279, "income", 274, "business"),
])
def test_figure_moved_one_column_over_is_told_by_the_row_above(a, b, key, line, column):
    def swap(lines):
        lines[a], lines[b] = lines[b], lines[a]
    doc = _mutated(swap)
    row = next(r for r in doc.tables[key].rows if r.line == line)
    assert row.values[column] == Decimal("174.00" if key == "projects" else "17.00")
    assert "column-ambiguous" in _issues_at(doc, line)


def test_amount_run_into_a_code_cell_is_no_code():
    """bench/fuzz.py 260:92: "1234.56 …" appended to 表三's "201" cell: "2011234.56" is not
    code 2011234 and a name; the amounts left of the value columns are reported."""
    def append(lines):
        assert lines[481] == "\t201"
        lines[481] += "1234.56 " * 12_500
    doc = _mutated(append)
    row = next(r for r in doc.tables["expense"].rows if r.line == 486)
    assert row.code != "2011234"
    assert row.values["total"] == Decimal("1423.62")
    assert "column-ambiguous" in _issues_at(doc, 486)


def test_cells_run_into_a_performance_table_put_its_funds_in_doubt():
    """bench/fuzz.py 234:307 and 260:167: a 100 kB run of cells appended to a 绩效目标表's
    "年度资金总额：" cell (the amount is then the next cell, "201"), or to its 项目名称 row
    (thousands of cells: not read, rather than scanned cell by cell)."""
    def append(at):
        def edit(lines):
            lines[at] += "\t201\t03\t01\t7.00" * 5_000
        return edit
    doc = _mutated(append(2217))
    target = next(p for p in doc.performance if p.line == 2207)  # its title's line
    doubtful = [i for i in doc.issues if i.slug == "performance-doubtful"]
    assert [i.line for i in doubtful] == [2207]
    assert target.amount in (None, Decimal("201"))
    doc = _mutated(append(2210))  # 业务活动经费's name row
    assert 2207 not in {p.line for p in doc.performance}


@pytest.mark.parametrize(("a", "b", "key", "line"), [
    # bench/fuzz.py 273:334: 表三 201 03 99's "03" swapped with an empty filler cell
    (507, 547, "expense", 510),
    # bench/fuzz.py 275:88: the same in 表二
    (271, 231, "income", 274),
])
def test_empty_section_cell_between_class_and_item_is_reported(a, b, key, line):
    """The code cells read 201 / (empty) / 99: a printed 类 is no merged cell, so the empty
    款 is a lost cell, not 款 20199. The row is read under the 款 printed above it (20103),
    with a code-missing warning on its figures."""
    def swap(lines):
        assert lines[a - 1] == "\t03" and lines[b - 1] == "\t\u3000"
        lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]
    doc = _mutated(swap)
    row = next(r for r in doc.tables[key].rows if r.line == line)
    assert row.code == "2010399" and row.values["total"] == Decimal("174.00")
    assert "code-missing" in _issues_at(doc, line)
    assert not [r for r in doc.tables[key].rows if r.code == "20199"]


def test_empty_section_cell_without_a_section_above_keeps_the_code_reported():
    doc = _function_table(
        ["201", "", "", "一般公共服务支出", "10.00", "10.00", ""],
        ["201", "", "01", "行政运行", "10.00", "10.00", ""],
        ["", "", "", "合计", "10.00", "10.00", ""],
    )
    row = doc.tables["general_public"].rows[1]
    assert row.code == "20101"
    assert "code-missing" in _issues_at(doc, row.line)


def test_economic_code_in_a_function_table_is_reported():
    doc = _function_table(
        ["301", "", "", "工资福利支出", "10.00", "10.00", ""],
        ["", "", "", "合计", "10.00", "10.00", ""],
    )
    assert [i.slug for i in doc.issues] == ["row-misplaced"]  # (as `refuse_foreign_rows` says of a row of another table)


def test_project_row_whose_parts_exceed_its_total_is_reported():
    """bench/fuzz.py 267:533: 表七 201's 商品和服务 cell (174.00) swapped with an empty cell
    of 群众工作经费's row, which then prints 174.00 under 对企业补助 too: its economic
    classes (348.00) no longer add up to its 项目支出合计 174.00."""
    def swap(lines):
        assert lines[1343] == "\t\u3000174.00" and lines[1383] == "\t"
        lines[1343], lines[1383] = lines[1383], lines[1343]
    doc = _mutated(swap)
    row = next(r for r in doc.tables["projects"].rows if r.line == 1376)
    assert row.values["enterprise"] == Decimal("174.00")
    assert "column-ambiguous" in _issues_at(doc, 1376)


def test_project_under_a_class_code_is_reported():
    """bench/fuzz.py 290:91: 表七 201's 科目名称 swapped with the empty cell after it, so
    "一般公共服务支出" stands in the 项目名称 cell: a project under 类 201, not under a 项."""
    def swap(lines):
        assert lines[1339] == "\t一般公共服务支出" and lines[1340] == "\t"
        lines[1339], lines[1340] = lines[1340], lines[1339]
    doc = _mutated(swap)
    row = next(r for r in doc.tables["projects"].rows if r.line == 1342)
    assert (row.code, row.kind, row.project) == ("201", "project", "一般公共服务支出")
    assert "code-unusual" in _issues_at(doc, 1342)


def test_income_row_whose_sources_miss_its_total_is_reported():
    """bench/fuzz.py 307:426: 表二 20103's 合计 1423.62 swapped with 201 03 99's 上级补助收入
    17.00: neither row's sources add up to its 合计 any more."""
    def swap(lines):
        assert lines[239] == "\t1423.62\u3000" and lines[279] == "\t17.00"
        lines[239], lines[279] = lines[279], lines[239]
    doc = _mutated(swap)
    rows = {r.code: r for r in doc.tables["income"].rows}
    assert rows["2010399"].values["superior_subsidy"] == Decimal("1423.62")
    assert "column-ambiguous" in _issues_at(doc, rows["2010399"].line)
    assert "column-ambiguous" in _issues_at(doc, rows["20103"].line)


@pytest.mark.parametrize(("a", "b", "key", "line"), [
    # bench/fuzz.py 9021:13314: 表五 类 201's code cell swapped with an empty cell of 表一
    (919, 959, "general_public", 964),
    # bench/fuzz.py 9021:31796: the same in 表二
    (178, 218, "income", 223),
])
def test_class_row_that_lost_its_code_is_a_doubtful_sub_unit(a, b, key, line):
    """Without its code, 一般公共服务支出 with amounts reads as a sub-unit's total; a sub-unit's
    rows open with a 类, and the first coded row under this one is a 款: reported."""
    def swap(lines):
        lines[a], lines[b] = lines[b], lines[a]
    doc = _mutated(swap)
    row = next(r for r in doc.tables[key].rows if r.line == line)
    assert (row.kind, row.code, row.name) == ("unit", None, "一般公共服务支出")
    assert "row-unit-doubtful" in _issues_at(doc, line)


def test_a_file_cut_inside_a_performance_target_puts_the_target_in_doubt():
    """bench/fuzz.py 9022:9350: the file cut inside "其中：财政拨款：60" reads 6, a figure told
    by the target's first line, ten lines above the cut: that line is flagged too."""
    text = _seed_text()
    cut = text.index("其中：财政拨款：60") + len("其中：财政拨款：6")
    doc = _parse(text[:cut])
    target = max(doc.performance, key=lambda t: t.line)
    assert target.fiscal_amount == Decimal("6") and target.line < text[:cut].count("\n") + 1
    assert "file-cut" in _issues_at(doc, target.line)


def test_class_whose_code_cell_changed_is_in_doubt_with_the_rows_under_it():
    """表三's 类 cell "201" read as "203" (a swapped or misprinted code cell): its 款 20103
    is not under it, and the 类 row's own figures are in doubt too, not only the 款's."""
    def recode(lines):
        assert lines[481] == "\t201"
        lines[481] = "\t203"
    doc = _mutated(recode)
    rows = {r.code: r for r in doc.tables["expense"].rows}
    assert "203" in rows and "code-order" in _issues_at(doc, rows["20103"].line)
    assert "code-order" in _issues_at(doc, rows["203"].line)


def test_figures_glued_to_a_label_put_the_row_in_doubt():
    """bench/fuzz.py 9024:19147: a 100 kB run of amounts glued to 表一's 收入总计 label: the
    label no longer reads as 收入总计 and its 1423.62 became a plain income line. The row's
    name holds figures, so the row is reported on its figure's line (any layout: the
    document reader checks every table's names)."""
    lines = _seed_text().split("\n")
    assert lines[188].replace(" ", "").strip() == "收入总计" and lines[189].strip() == "1423.62"
    lines[188] += "1234.56 " * 12_500
    doc = _parse("\n".join(lines))
    row = next(r for r in doc.tables["summary"].rows if r.line == 190)
    assert row.values["amount"] == Decimal("1423.62")
    assert "row-name-doubtful" in _issues_at(doc, 190)
    assert not any(i.slug == "row-name-doubtful" for i in _parse(_seed_text()).issues)


# --- the reader's cell grid and what the shared interpreters read from it ----------------

def test_reader_grid_counts_columns_from_the_row_end():
    from generator.readers.word_cells import grid_of_cells, split_cells
    lines = ["表三：", "部门支出总体情况表"] + _cells(
        ["201", "", "", "一般公共服务支出", "7 4.25\u3000", "", "１.00"])
    grid = grid_of_cells("s.txt", lines, split_cells(lines))
    title, number, row = grid.rows
    assert (title.cells[0].text, title.cells[0].col, title.ruled) == ("表三：", None, False)
    assert number.cells[0].text == "部门支出总体情况表"
    assert [(c.text, c.col) for c in row.cells] == [
        ("201", -7), ("一般公共服务支出", -4), ("74.25", -3), ("1.00", -1)]
    # the row's line is its first figure cell's (line 7), not its first cell's (line 3)
    assert (row.line, row.width, row.ruled) == (7, 7, True)


def test_merged_code_cells_are_told_by_their_columns_in_any_ruled_grid():
    """tables/codes (CodeCarry): the 类/款/项 header row gives each code cell its level; a Word row
    that lost a cell at its end keeps its code cells (counted from the left by `width`)."""
    doc = _function_table(
        ["201", "", "", "一般公共服务支出", "10.00", "10.00", ""],
        ["", "03", "", "政府办公厅", "10.00", "10.00", ""],
        ["", "", "01", "行政运行", "10.00", "10.00"],  # the last cell lost
        ["", "", "", "合计", "10.00", "10.00", ""],
    )
    rows = doc.tables["general_public"].rows
    assert [r.code for r in rows] == ["201", "20103", "2010301"]
    # its figures are placed from the right, their columns in doubt: reported
    assert {i.slug for i in doc.issues if i.line == rows[2].line} == {"column-ambiguous"}


def test_title_lines_are_meta_lines_by_their_shape():
    """The reader tells a title line by its shape (it ends …表 or …表（续）, no sentence),
    not by which table it names: a title it does not know ends a cell's text too."""
    from generator.readers.word_cells import is_meta_line

    for line in ("部门（单位）收支总体情况表", "2024年项目支出绩效目标表", "一般公共预算支出情况表（续）",
                 "政府采购预算表", "表一："):
        assert is_meta_line(line), line
    for line in ("人员经费", "本表为空表。", "详见《部门收支总体情况表》", "公用经费表格说明"):
        assert not is_meta_line(line), line
