"""Layout pdf-padded: every cell printed as text + one space (seed 003)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.golden import to_golden
from generator.layouts import layout_named
from generator.parse.document import parse_text
from generator.sources import SourceText, read_source

ROOT = Path(__file__).resolve().parent.parent
SEED = "003_1a51fd34a15064aa"
SEED_PATH = ROOT / "content" / "disclosures" / f"{SEED}.txt"
TABLE_PARTS = ("summary", "expense", "general_public", "basic", "projects", "three_public",
               "performance")


def _source(text: str, path: str = "x.txt") -> SourceText:
    return SourceText(path, text, text.split("\n"), "utf-8", "0" * 64)


def _seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def _parse(text: str):
    result = parse_text(_source(text))
    assert result.document is not None, result.issues
    return result.document


@pytest.fixture(scope="module")
def seed_doc():
    return _parse(_seed_text())


def _norm(node):
    """Whitespace-free strings and decimal amounts, as compare.py compares them."""
    if isinstance(node, dict):
        return {k: _norm(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_norm(v) for v in node]
    if isinstance(node, str):
        s = "".join(node.split())
        try:
            return Decimal(s.replace(",", ""))
        except ArithmeticError:
            return s
    return node


def test_golden_tables_exact(seed_doc):
    key = json.loads((ROOT / "tests" / "golden" / f"{SEED}.json").read_text(encoding="utf-8"))
    got = to_golden(seed_doc)
    for part in TABLE_PARTS:
        assert _norm(got[part]) == _norm(key[part]), part


def test_detection_only_seed():
    layout = layout_named("pdf-padded")
    for path in sorted((ROOT / "content" / "disclosures").glob("*.txt")):
        source, _ = read_source(path)
        score = layout.detect(source)
        if path.stem == SEED:
            assert score >= 0.5
        else:
            assert score < 0.5, path.name


def test_unscored_tables_follow_notes(seed_doc):
    notes = json.loads((ROOT / "tests" / "golden" / "notes" / f"{SEED}.notes.json")
                       .read_text(encoding="utf-8"))
    income = seed_doc.tables["income"]
    keys = [c.key for c in income.columns]
    assert len(keys) == 12 and keys[10] == "carryover"
    got = [[None if r.values[k] is None else format(r.values[k], "f") for k in keys]
           for r in income.rows]
    assert got == [r["values"] for r in notes["t2_income"]["rows"]]
    fiscal = seed_doc.tables["fiscal"]
    assert fiscal.totals["expense"].values["general_public"] == Decimal("1904.25")
    assert [r.code for r in fiscal.rows if r.side == "expense" and r.values["total"]] == \
        ["201", "208", "210", "221"]
    carry = seed_doc.tables["carryover"]
    assert [r.kind for r in carry.rows] == ["unit", "project"]
    assert carry.totals["total"].values["fiscal_personnel"] == Decimal("0.25")
    projects = seed_doc.tables["projects"]
    window = next(r for r in projects.rows if r.project == "地区行政服务中心大厅综合窗口服务项目")
    assert window.values["goods_services"] == Decimal("206.10")
    assert window.values["capital"] == Decimal("27.00")
    assert window.values["capital_construction"] is None
    for key in ("gov_fund", "state_capital", "three_public"):
        assert seed_doc.tables[key].empty and not seed_doc.tables[key].rows


def test_rows_carry_lines_and_kinds(seed_doc):
    expense = seed_doc.tables["expense"]
    assert expense.line == 247
    first = expense.rows[0]
    assert (first.code, first.kind, first.line) == ("201", "class", 262)
    wrapped = next(r for r in seed_doc.tables["income"].rows if r.code == "2080505")
    assert wrapped.name == "机关事业单位基本养老保险缴费支出"
    # the row starts at its code's line; each amount keeps the line it is printed on
    assert (wrapped.line, wrapped.origins["total"].line) == (226, 230)
    summary = seed_doc.tables["summary"]
    assert summary.totals["income"].values["amount"] == Decimal("1904.49")
    assert all(r.kind == "project" for r in seed_doc.tables["projects"].rows
               if r.code == "2010302")


def test_modified_copy_reads_changed_figures():
    """Department renamed; one project renamed and its amount moved consistently."""
    text = _seed_text().replace("喀什地区", "和田地区")
    text = text.replace("档案数字化项目", "档案整理项目")
    # 1.50 → 2.50 and the totals above it grow by 1.00 in every table that prints them.
    for old, new in (("1.50  1.50 ", "2.50  2.50 "), ("年度预算总额 1.50", "年度预算总额 2.50")):
        assert old in text
        text = text.replace(old, new)
    doc = _parse(text)
    rows = [r for r in doc.tables["projects"].rows if r.kind == "project"]
    changed = next(r for r in rows if r.project == "档案整理项目")
    assert changed.values["total"] == Decimal("2.50")
    assert changed.values["goods_services"] == Decimal("2.50")
    assert changed.unit == "新疆维吾尔自治区和田地区政务服务和公共资源管理局"
    target = next(p for p in doc.performance if p.name == "档案整理项目")
    assert target.amount == Decimal("2.50")


def test_truncated_copy_gives_issues_not_exceptions():
    lines = _seed_text().split("\n")
    for cut in (300, 430, 560, 690):
        result = parse_text(_source("\n".join(lines[:cut])))
        assert result.document is not None or result.issues
    # Cut inside 表二 just after a code-only fragment: a wrapped row never completes. It
    # stays as printed, without amounts, and is in doubt (as in pdf-single-space).
    result = parse_text(_source("\n".join(lines[:228])))
    doc = result.document
    assert doc is not None
    assert "income" in doc.tables
    last = doc.tables["income"].rows[-1]
    assert last.code == "2080505" and not any(v is not None for v in last.values.values())
    assert ("row-unfinished", 226) in {(i.slug, i.line) for i in doc.issues if i.table == "income"}


def test_trimmed_line_ends_are_placed_by_identity():
    """Lines whose trailing spaces were stripped: columns inferred, with issues."""
    text = "\n".join(line.rstrip() if line.strip() else line for line in _seed_text().split("\n"))
    result = parse_text(_source(text))
    doc = result.document
    assert doc is not None
    slugs = {i.slug for i in doc.issues}
    assert "column-inferred" in slugs or "column-ambiguous" in slugs
    row = next(r for r in doc.tables["expense"].rows if r.code == "2010302")
    # 1,584.39  1,584.39 keeps its inner empty cell: 基本支出 stays empty.
    assert row.values["basic"] is None and row.values["project"] == Decimal("1584.39")


# ---------------------------------------------------------------- mutated copies (issue #6)
# Every figure read from a damaged copy either equals the printed one or carries an issue
# on its line or table; nothing raises. Built from the seed with one damage each.


def _seed_lines() -> list[str]:
    return _seed_text().split("\n")


def _index(lines: list[str], needle: str, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if needle in lines[i])


def _issues_at(doc, line: int) -> set[str]:
    return {i.slug for i in doc.issues if i.line == line}


def test_the_seed_itself_has_no_issues(seed_doc):
    assert seed_doc.issues == []


@pytest.mark.parametrize("split", ["28. 39", "28.3 9", "28 .39", "2 8.39"])
def test_split_number_in_fiscal_table_is_an_issue(split):
    lines = _seed_lines()
    at = _index(lines, "208 社会保障和就业支出 28.39 28.39", _index(lines, "财政拨款收支预算总体情况表"))
    lines[at] = lines[at].replace("28.39", split, 1)
    doc = _parse("\n".join(lines))
    assert _issues_at(doc, at + 1) & {"amount-doubtful", "row-unread"}
    rows = [r for r in doc.tables["fiscal"].rows if r.code == "208"]
    assert all(r.values["total"] == Decimal("28.39") for r in rows if not _issues_at(doc, r.line))


@pytest.mark.parametrize("split", ["0. 66", "0.6 6", "0 .66"])
def test_split_number_in_one_sided_table_is_an_issue(split):
    lines = _seed_lines()
    at = _index(lines, "其他交通费用 0.66  0.66")
    lines[at] = lines[at].replace("0.66", split, 1)
    doc = _parse("\n".join(lines))
    assert _issues_at(doc, at + 1) & {"amount-doubtful", "column-ambiguous", "row-unread"}
    # The broken row is never glued to the next one: 302 99 keeps its own amount.
    after = next(r for r in doc.tables["basic"].rows if r.code == "30299")
    assert after.values["total"] == Decimal("7.80") and after.line == at + 3


def test_split_number_in_two_sided_income_label_is_an_issue():
    lines = _seed_lines()
    at = _index(lines, "一、本年收入 1,904.25")
    lines[at] = lines[at].replace("1,904.25", "1,904. 25", 1)
    doc = _parse("\n".join(lines))
    assert "amount-doubtful" in _issues_at(doc, at + 1)


def test_extra_empty_cells_at_line_ends_put_two_sided_figures_in_doubt(seed_doc):
    """Every line with two more empty cells at its end. Read from the right, a two-sided
    row took the expense amount as the income's (1,841.54 as 本年收入); read label by label
    it keeps its figures, and 表四's expense amounts, which no longer stand in its last
    four columns, are kept in their order with an issue. No figure changes silently."""
    doc = _parse("\n".join(line + "  " for line in _seed_lines()))
    for key in ("summary", "fiscal"):
        before = {(r.side, r.name): r.values for r in seed_doc.tables[key].rows}
        changed = [r for r in doc.tables[key].rows if before.get((r.side, r.name)) != r.values]
        assert all(_issues_at(doc, r.line) for r in changed)
    first = next(r for r in doc.tables["summary"].rows if r.code == "201")
    assert first.values["amount"] == Decimal("1841.54")
    row = next(r for r in doc.tables["fiscal"].rows if r.code == "201")
    assert row.values["general_public"] == Decimal("1841.29")
    assert "column-ambiguous" in _issues_at(doc, row.line)


@pytest.mark.parametrize("mode", ["append", "insert"])
def test_a_100_kb_line_is_refused_with_an_issue(mode):
    lines = _seed_lines()
    at = _index(lines, "302 01   办公费")
    long = "1234.56 " * 12_500
    if mode == "append":
        lines[at] += long
    else:
        lines.insert(at, long)
    doc = _parse("\n".join(lines))
    assert "row-unread" in _issues_at(doc, at + 1)
    assert max(len(t.columns) for t in doc.tables.values()) <= 12


@pytest.mark.parametrize("cells", [100, 5000])
def test_a_column_number_row_of_far_too_many_cells_is_no_header(cells):
    lines = _seed_lines()
    at = next(i for i, text in enumerate(lines) if text.strip() == "※ ※ ※ 1 2 3")  # 表六
    lines[at] = "※ ※ ※ " + " ".join(str(n) for n in range(1, cells + 1)) + " "
    doc = _parse("\n".join(lines))
    assert len(doc.tables["basic"].columns) <= 12
    assert {"table-unread", "row-unread"} & {i.slug for i in doc.issues if i.table == "basic"}


def test_a_line_with_a_tab_does_not_unmake_the_layout():
    lines = _seed_lines()
    lines.insert(10, "\t201\t03\t01\t7.00")
    assert layout_named("pdf-padded").detect(_source("\n".join(lines))) >= 0.5


def test_a_row_moved_in_from_another_table_is_an_issue():
    """A 表五 (function) row swapped into 表六 (economic codes)."""
    lines = _seed_lines()
    src = _index(lines, "210 11 01     行政单位医疗 10.49", _index(lines, "一般公共预算支出情况表"))
    dst = _index(lines, "302 07   邮电费")
    lines[src], lines[dst] = lines[dst], lines[src]
    doc = _parse("\n".join(lines))
    assert "row-misplaced" in _issues_at(doc, dst + 1)
    assert "row-misplaced" in _issues_at(doc, src + 1)  # 302 07 among function codes
    # neither is read as a row of the table it landed in (`refuse_foreign_rows`, as every layout)
    assert not [r for r in doc.tables["basic"].rows if r.line == dst + 1]
    assert not [r for r in doc.tables["general_public"].rows if r.line == src + 1]


def test_an_amount_on_the_wrong_side_of_table_six_is_an_issue():
    """表六's 邮电费 (302: 公用经费) printed under 人员经费: its column is in doubt."""
    lines = _seed_lines()
    at = _index(lines, "302 07   邮电费 0.50  0.50 ")
    lines[at] = "302 07   邮电费 0.50 0.50  "
    doc = _parse("\n".join(lines))
    assert [i for i in doc.issues if i.line == at + 1 and i.slug == "column-ambiguous" and "人员经费" in i.message]


def test_rows_out_of_code_order_are_an_issue():
    lines = _seed_lines()
    a = _index(lines, "301 02   津贴补贴")
    b = _index(lines, "301 13   住房公积金")
    lines[a], lines[b] = lines[b], lines[a]
    doc = _parse("\n".join(lines))
    assert "code-order" in _issues_at(doc, a + 3)  # 301 03 after 301 13
    # either code may be the wrong one: 301 13, now above 301 03, is in doubt too
    assert "code-order" in _issues_at(doc, a + 1)


def test_a_lost_title_does_not_merge_two_tables_silently():
    """表六's title gone: its rows would continue 表五; its number ("表6") printed after 表五's
    rows ends 表五 instead, and the rows up to the next title are reported (`segment`)."""
    lines = _seed_lines()
    at = _index(lines, "一般公共预算基本支出情况表")
    del lines[at]
    doc = _parse("\n".join(lines))
    general = doc.tables["general_public"]
    assert all(r.code is None or r.code.startswith("2") for r in general.rows)
    lost = [i for i in doc.issues if i.slug == "table-title-missing" and i.table == "general_public"]
    assert len(lost) == 1 and "「表6」" in lost[0].message


def test_rows_after_the_totals_of_a_two_sided_table_are_refused():
    """表二's title and number gone: its rows follow 表一's 总计 line."""
    lines = _seed_lines()
    at = _index(lines, "部门收入总体情况表")
    del lines[at - 2:at + 1]
    doc = _parse("\n".join(lines))
    summary = doc.tables["summary"]
    total_line = summary.totals["expense"].line
    assert all(r.line <= total_line for r in summary.rows)
    assert any(i.slug == "table-cut" and i.table == "summary" for i in doc.issues)


def test_a_lost_code_header_reads_codes_from_the_rows():
    lines = _seed_lines()
    start = _index(lines, "部门支出总体情况表")
    star = _index(lines, "※ ※ ※ ※ 1 2 3", start)
    del lines[star - 2:star + 1]  # "类 款 项", blank, "※ …"
    doc = _parse("\n".join(lines))
    row = next(r for r in doc.tables["expense"].rows if r.code == "2010302")
    assert row.values["project"] == Decimal("1584.39")
    assert any(i.slug == "header-missing" and i.table == "expense" for i in doc.issues)


def test_a_code_line_swapped_away_is_not_glued_to_the_next_row():
    """A wrapped row's code line moved elsewhere: the next row keeps its own code."""
    lines = _seed_lines()
    a = _index(lines, "208 05 05 ")
    b = _index(lines, "201 03 01     行政运行 257.15 257.15  ")
    lines[a], lines[b] = lines[b], lines[a]
    doc = _parse("\n".join(lines))
    expense = doc.tables["expense"]
    row = next(r for r in expense.rows if r.line == b + 3)
    assert row.code == "2010302" and row.values["total"] == Decimal("1584.39")
    # In 表二 the name and amounts of the lost code line are a row without code: flagged.
    income_issues = {i.slug for i in doc.issues if i.table == "income"}
    assert income_issues & {"code-order", "row-unread"}


def test_a_repeated_performance_amount_line_is_an_issue():
    lines = _seed_lines()
    at = _index(lines, "5.30 其他资金 0.00")
    lines.insert(at + 1, lines[at])
    doc = _parse("\n".join(lines))
    target = next(p for p in doc.performance if p.name == "营商环境保障项目")
    assert "performance-doubtful" in _issues_at(doc, target.line)


def test_a_performance_table_cut_short_is_an_issue():
    lines = _seed_lines()
    at = _index(lines, "1.50 其他资金 0.00")
    text = "\n".join(lines[:at]) + "\n1."
    doc = _parse(text)
    target = next(p for p in doc.performance if p.name == "档案数字化项目")
    assert "performance-doubtful" in _issues_at(doc, target.line)


@pytest.mark.parametrize("damage", ["drop", "swap"])
def test_a_lost_or_moved_department_fund_line_is_an_issue(damage):
    lines = _seed_lines()
    own = _index(lines, "本级安排 ")
    if damage == "drop":
        del lines[own]
    else:
        other = _index(lines, "其他资金（万元）", own)
        lines[own], lines[other] = lines[other], lines[own]
    doc = _parse("\n".join(lines))
    target = next(p for p in doc.performance if p.kind == "department")
    assert "performance-doubtful" in _issues_at(doc, target.line)


def test_department_funds_with_every_line_lost_are_unknown_not_zero():
    """bench/fuzz.py 9033:4031: 上级安排, 本级安排 and 其他资金 all dropped: the target's
    资金总额 was read as 0; it is unknown, with an issue on the target's line."""
    lines = _seed_lines()
    first = _index(lines, "上级安排 ")
    last = _index(lines, "其他资金（万元）", first)
    del lines[first:last + 1]
    doc = _parse("\n".join(lines))
    target = next(p for p in doc.performance if p.kind == "department")
    assert target.amount is None and target.fiscal_amount is None
    assert "performance-doubtful" in _issues_at(doc, target.line)


def test_a_100_kb_line_in_a_performance_table_is_not_read():
    lines = _seed_lines()
    at = _index(lines, "本级安排 ")
    lines.insert(at, "\t201\t03\t01\t7.00" * 7000)
    doc = _parse("\n".join(lines))
    target = next(p for p in doc.performance if p.kind == "department")
    assert target.amount == Decimal("1904.50")
    assert "performance-doubtful" in _issues_at(doc, target.line)


def test_a_repeated_line_of_a_two_sided_table_is_an_issue():
    lines = _seed_lines()
    at = _index(lines, "208 社会保障和就业支出 28.39")
    lines.insert(at + 1, lines[at])
    doc = _parse("\n".join(lines))
    assert "code-order" in _issues_at(doc, at + 2)


def test_three_public_by_shared_interpreter():
    """The 三公 table goes through the shared segmenter and items interpreter: items as
    rows, the 合计 column is each item's amount, the ※ 1 2 3 4 row is the header's."""
    lines = _seed_text().split("\n")
    start = next(i for i, t in enumerate(lines) if t.startswith("财政拨款“三公”经费支出情况表"))
    printed = {"合计": "12.10", "因公出国（境）费": "2.00", "公务接待费": "4.10",
               "公务用车购置及运行费（小计）": "6.00", "其中：公务用车购置费": "1.00", "公务用车运行费": "5.00"}
    for i in range(start, start + 30):
        label = lines[i].strip()
        if label in printed:
            lines[i] = lines[i].rstrip() + f" {printed[label]} {printed[label]}   "
        elif "为空表" in lines[i] or "没有使用财政拨款" in lines[i]:
            lines[i] = ""
    doc = _parse("\n".join(lines))
    table = doc.tables["three_public"]
    assert not table.empty and len(table.rows) == 1
    row = table.rows[0]
    assert row.name == "三公经费"
    assert {k: str(v) for k, v in row.values.items()} == {
        "total": "12.10", "overseas": "2.00", "reception": "4.10", "vehicle_total": "6.00",
        "vehicle_purchase": "1.00", "vehicle_operation": "5.00"}
    assert row.origins["reception"].line == row.line + 4
    assert not [i for i in doc.issues if i.table == "three_public"]


def test_three_public_stated_empty_but_printing_amounts():
    text = _seed_text().replace("\n合计     \n", "\n合计 3.00 3.00    \n", 1)
    doc = _parse(text)
    assert any(i.slug == "empty-table-has-amounts" for i in doc.issues)
    assert doc.tables["three_public"].rows[0].values["total"] == Decimal("3.00")


def test_three_public_items_as_columns():
    """The standard orientation (one row, items as columns, 小计 under 公务用车): placed by
    the table's identities, each item in its column."""
    lines = _seed_text().split("\n")
    start = next(i for i, t in enumerate(lines) if t.startswith("财政拨款“三公”经费支出情况表"))
    end = next(i for i, t in enumerate(lines) if i > start and "为空表" in t)
    lines[start:end + 1] = ["财政拨款“三公”经费支出情况表 ", "", "编制部门：某局 单位：万元 ", "",
                            "合计 因公出国（境）费 公务用车购置及运行费 公务接待费 ", "",
                            "小计 公务用车购置费 公务用车运行费 ", "", "※ 1 2 3 4 5 6 ", "",
                            "12.10 2.00 6.00 1.00 5.00 4.10 ", ""]
    row = _parse("\n".join(lines)).tables["three_public"].rows[0]
    assert {k: str(v) for k, v in row.values.items()} == {
        "total": "12.10", "overseas": "2.00", "vehicle_total": "6.00", "vehicle_purchase": "1.00",
        "vehicle_operation": "5.00", "reception": "4.10"}


def _carryover_with(line_691: str):
    lines = _seed_text().split("\n")
    assert lines[690].startswith("工作队员生活补助项目")
    lines[690] = line_691
    return _parse("\n".join(lines))


def test_carryover_columns_counted_from_the_line_end():
    """上年结转结余 by the shared interpreter: the catalogue's two-level header; each amount's
    column counted from the line's end (empty cells are runs of spaces)."""
    doc = _carryover_with("工作队员生活补助项目（自治区） 0.25  0.25      0.25 ")
    row = next(r for r in doc.tables["carryover"].rows if r.kind == "project")
    assert row.unit == "新疆维吾尔自治区喀什地区政务服务和公共资源管理局"
    assert {k: str(v) for k, v in row.values.items() if v is not None} == {
        "total": "0.25", "fiscal_personnel": "0.25", "non_fiscal_project": "0.25"}
    assert row.origins["non_fiscal_project"].line == 691
    assert not [i for i in doc.issues if i.line == 691]


@pytest.mark.parametrize("line, slug", [
    ("工作队员生活补助项目（自治区） 0.25 0.25 0.25", "column-ambiguous"),  # end trimmed
    ("工作队员生活补助项目（自治区） 0.2 5 0.25 0.25       ", "amount-doubtful"),  # split number
    (" 0.25 0.25 0.25       ", "row-unlabelled"),
])
def test_carryover_doubtful_rows_flagged(line, slug):
    doc = _carryover_with(line)
    assert any(i.slug == slug and i.line == 691 and i.table == "carryover" for i in doc.issues)
