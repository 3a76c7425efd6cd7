"""Layout pdf-single-space: golden tables of seed 000, detection, a modified and a
truncated copy."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator.golden import to_golden
from generator.layouts import layout_named
from generator.parse.document import parse_text
from generator.sources import SourceText

ROOT = Path(__file__).resolve().parents[1]
SEED = "000_ab55e0fe6b52661f"
SEED_PATH = ROOT / "content" / "disclosures" / f"{SEED}.txt"
KEY_PATH = ROOT / "tests" / "golden" / f"{SEED}.json"
TABLE_PARTS = (
    "summary",
    "expense",
    "general_public",
    "basic",
    "projects",
    "three_public",
    "performance",
)


def source_of(text: str, name: str = f"{SEED}.txt") -> SourceText:
    return SourceText(
        path=name,
        text=text,
        lines=text.split("\n"),
        encoding="utf-8",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def parse(text: str):
    result = parse_text(source_of(text))
    assert result.document is not None, result.issues
    return result.document


def table_parts(golden: dict) -> dict:
    return {k: golden[k] for k in TABLE_PARTS}


def normalized(node):
    """Key and output compare as compare.py does: amounts as decimals, names without blanks."""
    if isinstance(node, dict):
        return {k: normalized(v) for k, v in node.items()}
    if isinstance(node, list):
        return [normalized(v) for v in node]
    if isinstance(node, str):
        text = re.sub(r"\s+", "", node)
        return format(float(text), ".2f") if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
    return node


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_doc(seed_text):
    return parse(seed_text)


def test_golden_tables_exact(seed_doc):
    key = json.loads(KEY_PATH.read_text(encoding="utf-8"))
    assert normalized(table_parts(to_golden(seed_doc))) == normalized(table_parts(key))


def test_detects_only_its_layout():
    layout = layout_named("pdf-single-space")
    for path in sorted((ROOT / "content" / "disclosures").glob("*.txt")):
        score = layout.detect(source_of(path.read_text(encoding="utf-8"), path.name))
        if path.stem == SEED:
            assert score >= 0.5
        else:
            assert score < 0.5, path.name


def test_rows_carry_lines_kinds_and_units(seed_doc):
    expense = seed_doc.tables["expense"]
    first = expense.rows[0]
    assert (first.kind, first.code, first.unit, first.line) == ("unit", None, first.name, 380)
    section = expense.rows[2]
    assert (section.code, section.code_raw, section.kind) == ("20103", "03", "section")
    wrapped = expense.rows[3]
    # the row begins on its code line; its amounts stand on the name's tail line
    assert (wrapped.code, wrapped.line, wrapped.inferred) == ("2010301", 386, ("basic",))
    assert wrapped.origins["basic"].line == 387
    projects = seed_doc.tables["projects"]
    assert all(r.kind == "project" for r in projects.rows if r.code and len(r.code) == 7)
    unnamed = [r for r in projects.rows if r.kind == "project" and r.project is None]
    assert len(unnamed) == 6
    assert seed_doc.tables["gov_fund"].empty


def test_unread_tables_filled_from_the_notes(seed_doc):
    income = seed_doc.tables["income"]
    assert income.column_keys()[:2] == ["total", "general_public"]
    assert (
        len(income.rows) == 54 and str(income.totals["total"].values["general_public"]) == "5005.17"
    )
    fiscal = seed_doc.tables["fiscal"]
    total = fiscal.totals["expense"].values
    assert (str(total["total"]), str(total["general_public"]), total["gov_fund"]) == (
        "5005.17",
        "5005.17",
        None,
    )
    target = seed_doc.performance[0]
    assert (str(target.fiscal_amount), len(target.indicators)) == ("20", 9)


def test_issues_name_inferred_and_unnamed(seed_doc):
    slugs = {i.slug for i in seed_doc.issues}
    assert {"column-inferred", "unnamed-project", "column-ambiguous"} <= slugs
    assert sum(i.slug == "unnamed-project" for i in seed_doc.issues) == 6


def _modify(text: str) -> str:
    """Rename the region and raise one project (电子政务项目 40 → 45) in every table."""
    text = text.replace("喀什", "和田").replace("电子政务项目", "政务云运维项目")
    text = text.replace("政务云运维项目 40 40", "政务云运维项目 45 45")
    text = re.sub(
        r"(政务云运维项目\n项目资金（万元\n\n）  年度资金总额： )40( 其中：财政拨\n款 )40",
        r"\g<1>45\g<2>45",
        text,
    )
    for old, new in _RAISED.items():
        text = re.sub(rf"(?<![\d.]){re.escape(old)}(?![\d])", new, text)
    return text


# Every printed amount that contains the project, before → after (+5).
_RAISED = {
    "5005.17": "5010.17",
    "4564.64": "4569.64",
    "3802.15": "3807.15",
    "3533.48": "3538.48",
    "3273.48": "3278.48",
    "1345.48": "1350.48",
    "1605.48": "1610.48",
    "1662.5": "1667.5",
    "1073.76": "1078.76",
    "1333.76": "1338.76",
    "1380.02": "1385.02",
}


def test_modified_copy_reads_changed_figures(seed_text):
    doc = parse(_modify(seed_text))
    golden = to_golden(doc)
    rows = {(r["project"], r["total"]) for r in golden["projects"]["rows"]}
    assert ("政务云运维项目", "45") in rows
    assert golden["projects"]["total"] == "1667.5"
    assert golden["summary"]["income_total"] == "5010.17"
    assert {"code": "201", "amount": "4569.64"} in golden["summary"]["expense"]
    unit = "新疆维吾尔自治区和田地区行政公署办公室"
    row = next(r for r in golden["expense"]["rows"] if r["unit"] == unit and r["code"] == "2010302")
    assert (row["total"], row["basic"], row["project"]) == ("1350.48", None, "1350.48")
    assert {"name": "政务云运维项目", "amount": "45"} in golden["performance"]["projects"]
    key = json.loads(KEY_PATH.read_text(encoding="utf-8"))
    assert len(golden["projects"]["rows"]) == len(key["projects"]["rows"])


def test_truncated_copy_gives_issues_not_exceptions(seed_text):
    lines = seed_text.split("\n")
    cuts = {
        386: {"row-unfinished", "total-missing"},
        830: {"total-missing"},
        1090: {"table-unreadable"},
    }
    for cut, expected in cuts.items():
        result = parse_text(source_of("\n".join(lines[:cut])))
        assert expected <= {i.slug for i in result.issues}, cut
    for cut in (90, 200):  # too little text for this layout: the text pipeline reads what
        # there is of 表一 (the catalogue knows its title 部门（单位）收支总体情况表), and says
        # the core tables are missing
        result = parse_text(source_of("\n".join(lines[:cut])))
        assert result.document.layout != "pdf-single-space", cut
        assert "table-missing" in {i.slug for i in result.issues if i.severity == "error"}, cut


def test_odd_input_never_raises():
    for text in (
        "",
        "表一：\n部门（单位）收支总体情况表\n",
        "表三：\n部门（单位）支出总体情况表\n合计 1 2 3 4 5\n03\n",
    ):
        parse_text(source_of(text))


# --- mutated copies (bench/fuzz.py findings): every changed figure carries an issue ---------


def test_number_split_apart_does_not_hand_the_next_rows_amounts_to_its_row():
    """ "住房公积金 119.48 119 .48": the number split before its point is one amount again
    (".48" is no cell of its own); the next line (地区统计局 576.18 …) stays its own row."""
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[601].endswith("住房公积金 119.48 119.48")
    lines[601] = lines[601][:-3] + " " + lines[601][-3:]
    doc = parse("\n".join(lines))
    rows = doc.tables["general_public"].rows
    split = next(r for r in rows if r.line == 602)
    assert (split.name, str(split.values["total"]), str(split.values["basic"])) == ("住房公积金", "119.48", "119.48")
    assert not any(r.line == 604 and r.code == "2210201" for r in rows)
    assert any(r.line == 604 and r.kind == "unit" for r in rows)


def test_file_cut_inside_a_number_is_reported_on_its_line():
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert "一般公共预算 5005.17" in lines[504]  # 表四
    cut = "\n".join(lines[:504] + [lines[504][: lines[504].index("5005.17") + 4]])
    doc = parse(cut)
    assert "file-cut" in {i.slug for i in doc.issues if i.line == 505}
    assert doc.tables["fiscal"].rows[-1].values["amount"] == 5005  # kept, and reported


def test_digits_printed_after_other_funds_are_not_read_as_its_amount():
    """绩效目标表 "其他资金" at a line end, then a 100 kB run of cells: no amount."""
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[1761].endswith("其他资金")
    lines.insert(1762, "\t201\t03\t01\t7.00" * 7_000)
    doc = parse("\n".join(lines))
    target = next(p for p in doc.performance if p.line < 1762 < p.line + 40)
    assert target.other_funds is None and target.amount == 20


@pytest.mark.parametrize("header", ["2024年部门预算公开", "2024年度部门预算"])
def test_a_page_header_after_other_funds_is_not_its_amount(header):
    """A page's running header ("2024年部门预算公开") printed right after "其他资金" at a
    line end: its year is no amount (it stood as 其他资金 2024 万元)."""
    lines = _seed_lines()
    assert lines[1761].endswith("其他资金")
    lines.insert(1762, header)
    doc = parse("\n".join(lines))
    target = next(p for p in doc.performance if p.line < 1762 < p.line + 40)
    assert target.other_funds is None and target.amount == 20


def _seed_lines() -> list[str]:
    return SEED_PATH.read_text(encoding="utf-8").split("\n")


def _without(lines: list[str], first: int, last: int) -> list[str]:
    """The lines with file lines first..last (1-based, inclusive) dropped."""
    return lines[: first - 1] + lines[last:]


def _issues_at(doc, slug: str) -> list:
    return [i for i in doc.issues if i.slug == slug]


def test_two_sided_table_ends_before_the_rows_of_an_untitled_table():
    """表一 lost its 总计 line and 表二 its title: 表一 stops at 表二's 类 款 项 header and
    says so for the whole table; 表二's rows (1928, 1345.48 …) are not 表一 income lines."""
    lines = _seed_lines()
    assert lines[157].startswith("收") and "部门（单位）收入总体情况表" in lines[160]
    doc = parse("\n".join(_without(lines, 158, 162)))
    cut = _issues_at(doc, "table-cut")
    assert [(i.table, i.line, i.severity) for i in cut] == [("summary", None, "error")]
    summary = doc.tables["summary"]
    assert max(r.line for r in summary.rows) < 195  # the 类 款 项 line of 表二


def test_two_sided_table_ends_at_its_total_line():
    """表二's title and header lost: its rows after 表一's 总计 line are not read into 表一."""
    lines = _seed_lines()
    assert lines[199].strip() == "类 款 项" and lines[202].startswith("办公室 3802.15")
    doc = parse("\n".join(_without(lines, 159, 200)))
    cut = _issues_at(doc, "table-cut")
    # from 表二's first line (its unit's name, the amounts on line 161)
    assert [(i.line, i.table) for i in cut] == [(160, "summary")]
    assert all(r.line < 159 for r in doc.tables["summary"].rows)


def test_table_number_without_title_ends_the_table_before_it():
    """ "表七：" printed, its title lost: 表六 stops there; 表七's rows are reported, not read
    as 表六 rows."""
    lines = _seed_lines()
    assert lines[757].strip() == "表七：" and "项目支出情况表" in lines[759]
    doc = parse("\n".join(_without(lines, 760, 760)))
    missing = _issues_at(doc, "table-title-missing")
    assert [i.line for i in missing] == [758]
    assert max(r.line for r in doc.tables["basic"].rows) < 758


def test_one_sided_table_ends_at_a_second_header_or_after_its_total():
    lines = _seed_lines()
    assert lines[367].strip() == "表三：" and lines[377].strip() == "类 款 项"
    # 表三's number and title lost: 表二 stops at its 合计 (line 367), 表三's lines after it
    # (its header from line 369) are cut.
    doc = parse("\n".join(_without(lines, 368, 371)))
    assert [i.line for i in _issues_at(doc, "table-cut")] == [369]
    assert max(r.line for r in doc.tables["income"].rows) < 374
    # …and its header too: the rows after 表二's 合计 are not 表二's.
    doc = parse("\n".join(_without(lines, 368, 378)))
    assert [i.line for i in _issues_at(doc, "table-cut")] == [369]
    assert max(r.line for r in doc.tables["income"].rows) < 367


def test_lone_section_under_the_wrong_class_is_reported():
    """The 类 row 208 lost: the 款 "05" under it reads as 20105 (under 201), out of the
    ascending code order — reported on its line."""
    lines = _seed_lines()
    assert lines[219].startswith("208   社会保障和就业支出 149.19")
    doc = parse("\n".join(_without(lines, 220, 221)))
    row = next(r for r in doc.tables["income"].rows if r.line == 220)
    assert row.code == "20105"
    assert 220 in {i.line for i in _issues_at(doc, "row-misplaced")}


def test_project_line_without_a_project_code_above_is_reported():
    """表七: the 款 and 项 code lines lost, the 项's name and amount follow a 类 row; they
    are not a project of 类 201."""
    lines = _seed_lines()
    assert lines[983].startswith("05     统计信息事") and lines[986].strip() == "201 05 02"
    doc = parse("\n".join(_without(lines, 984, 988)))
    row = next(r for r in doc.tables["projects"].rows if r.line == 987)
    assert row.code is None
    assert 987 in {i.line for i in _issues_at(doc, "row-misplaced")}


def test_number_split_on_a_two_sided_line():
    """A number split at its point by the extraction is one amount again, after the point
    or before it (`readers.single_space`, as in this layout's other tables)."""
    lines = _seed_lines()
    assert lines[153].endswith("小    计 5005.17")
    for split in ("5005. 17", "5005 .17"):
        doc = parse("\n".join([*lines[:153], lines[153].replace("5005.17", split), *lines[154:]]))
        assert any(
            r.line == 154 and r.values["amount"] == Decimal("5005.17")
            for r in doc.tables["summary"].rows
        )


def test_label_with_no_amounts_before_the_next_code_puts_both_rows_in_doubt():
    """Two wrapped 项 lines swapped: 201 03 01 closes with no amounts and 201 03 02 takes
    its 1928; both rows are reported."""
    lines = _seed_lines()
    assert lines[210].endswith("1928 1928") and lines[212].startswith("201 03 02")
    lines[210], lines[212] = lines[212], lines[210]
    doc = parse("\n".join(lines))
    row = next(r for r in doc.tables["income"].rows if r.code == "2010302")
    assert row.line == 211 and row.values["total"] == 1928  # a row's line: its code's
    assert {210, 211} <= {i.line for i in _issues_at(doc, "row-unfinished")}


def test_code_printed_twice_puts_the_first_row_in_doubt():
    """A repeated wrapped line: the first 201 03 01 takes the 款's 3273.48."""
    lines = _seed_lines()
    doc = parse("\n".join(lines[:210] + lines[207:210] + lines[210:]))
    first = next(r for r in doc.tables["income"].rows if r.code == "2010301")
    assert (first.line, first.values["total"]) == (210, Decimal("3273.48"))
    assert 210 in {i.line for i in _issues_at(doc, "row-misplaced")}


def test_number_split_before_the_last_amounts_is_one_amount():
    """ "36.75 28 .1 8.65" in 表七: a number split before its point is one amount again
    (`readers.single_space`, as in 表三): the 款 row's 合计 is 36.75, not 8.65."""
    lines = _seed_lines()
    assert lines[1067] == "36.75 28.1 8.65"
    lines[1067] = "36.75 28 .1 8.65"
    doc = parse("\n".join(lines))
    row = next(r for r in doc.tables["projects"].rows if r.origins.get("total") and r.origins["total"].line == 1068)
    assert (row.code, row.values["total"]) == ("20103", Decimal("36.75"))


def test_project_line_printed_twice_is_no_subtotal():
    """ "201 03 08 信访事务 3" twice: the first is no 项 subtotal of the second."""
    lines = _seed_lines()
    assert lines[1078].endswith("信访事务 3")
    doc = parse("\n".join(lines[:1079] + lines[1078:]))
    rows = [r for r in doc.tables["projects"].rows if r.line in (1079, 1080)]
    assert [r.kind for r in rows] == ["project", "project"]
    assert {1079, 1080} <= {i.line for i in _issues_at(doc, "unnamed-project")}


def _swapped(lines: list[str], a: int, b: int) -> list[str]:
    """The lines with file lines a and b (1-based) swapped."""
    out = list(lines)
    out[a - 1], out[b - 1] = out[b - 1], out[a - 1]
    return out


def test_section_and_sub_unit_rows_out_of_place_are_reported():
    lines = _seed_lines()
    # 类 208 and its 款 05 swapped: "05" reads as 20105 under 类 201 and a 类 follows it.
    doc = parse("\n".join(_swapped(lines, 289, 291)))
    assert 289 in {i.line for i in _issues_at(doc, "row-misplaced")}
    # A wrapped label's last piece ("费支出 32.3") moved: no code, no 类 after it.
    doc = parse("\n".join(_swapped(lines, 231, 271)))
    row = next(r for r in doc.tables["income"].rows if r.line == 231)
    assert row.kind == "line" and row.code is None
    assert 231 in {i.line for i in _issues_at(doc, "row-misplaced")}


def test_title_printed_over_another_tables_rows_has_no_header():
    """表九's title moved into 表七: the rows under it have no column header."""
    doc = parse("\n".join(_swapped(_seed_lines(), 1059, 1099)))
    missing = _issues_at(doc, "header-missing")
    assert [(i.table, i.line) for i in missing] == [("gov_fund", None)]


def test_garbled_header_puts_the_columns_in_doubt():
    lines = _seed_lines()
    assert lines[696].endswith("人员经费 公用经费")
    lines[696] += "一般公共服务支出" * 100
    doc = parse("\n".join(lines))
    assert [i.table for i in _issues_at(doc, "header-unreadable")] == ["basic"]


def test_performance_funds_are_whole_tokens_and_a_cut_file_is_said():
    lines = _seed_lines()
    # A goal line moved under "其他资金": "1套，…" is no amount.
    target = parse("\n".join(_swapped(lines, 1959, 1961))).performance
    assert next(p for p in target if p.line < 1959 < p.line + 20).other_funds is None
    # The file stops inside "年度资金总额： 70.94": the target's line carries the doubt.
    cut = lines[:2311] + [lines[2311][: lines[2311].index("70.94") + 2]]
    doc = parse("\n".join(cut))
    target = doc.performance[-1]
    assert target.amount == 70
    assert target.line in {i.line for i in _issues_at(doc, "file-cut")}


def test_lone_section_before_a_sub_unit_is_reported():
    """bench/fuzz.py 230:345: 表二's 款 "99 其他一般公共服务支出 260 260" moved to the end of
    the sub-unit 地区统计局, after its 221 02 01: it reads as 22199 (the 类 above) and the
    next row is a sub-unit, not a 项 under it — reported, its figures as printed."""
    lines = _seed_lines()
    assert lines[215].startswith("99     其他一般公共服务支出 260") and not lines[255].strip()
    doc = parse("\n".join(_swapped(lines, 216, 256)))
    row = next(r for r in doc.tables["income"].rows if r.line == 256)
    assert (row.code, row.values["total"]) == ("22199", Decimal("260"))
    assert 256 in {i.line for i in _issues_at(doc, "row-misplaced")}


def test_line_of_a_hundred_kilobytes_of_cells_is_refused():
    """bench/fuzz.py 263:292: a 100 kB run of "201 03 01 7.00" cells inserted into 表七
    between the code line "201 05 02" and its wrapped name: read as a row, it passed its code
    2010301 to the name and 5.02 below it. The line is refused (row-too-wide) and the row
    around it reads as printed."""
    lines = _seed_lines()
    assert lines[986] == "201 05 02" and lines[991] == "5.02"
    mutated = lines[:987] + ["\t201\t03\t01\t7.00" * 5_000] + lines[987:]
    doc = parse("\n".join(mutated))
    assert 988 in {i.line for i in _issues_at(doc, "row-too-wide")}
    rows = [r for r in doc.tables["projects"].rows if r.values.get("total") == Decimal("5.02")]
    assert [(r.code, r.line, r.origins["total"].line) for r in rows] == [("2010502", 987, 993)]
    table = doc.tables["projects"]  # no figure of the refused line stands anywhere in 表七
    assert not any(o.line == 988 for r in table.rows for o in r.origins.values())
    assert all(set(r.values) <= {c.key for c in table.columns} for r in table.rows)


def test_reader_makes_unplaced_cells_of_single_space_lines():
    from generator.readers.single_space import single_space_rows

    rows = single_space_rows(enumerate("表头\n\n201 03 01 行政运行 1834. 83 1834.83\n合计 63".split("\n"), 1))
    assert [(r.line, [c.text for c in r.cells]) for r in rows] == [
        (1, ["表头"]),
        (3, ["201", "03", "01", "行政运行", "1834.83", "1834.83"]),
        (4, ["合计", "63"]),
    ]
    assert all(c.col is None and c.x0 is None for r in rows for c in r.cells)
    row = single_space_rows([(1, "合  计 类 款 项 项  目")])[0]
    assert [c.text for c in row.cells] == ["合计", "类", "款", "项", "项目"]


def test_three_public_amounts_placed_by_identities_and_the_stated_figures():
    """"63 63 63" under six columns: 合计 and 公务用车 are sure; 购置费 or 运行费 only the
    说明 text tells (公务用车运行费63.00万元), so what it states decides, and without it
    the figure stays unplaced."""
    lines = _seed_lines()
    assert lines[1095] == "63 63 63" and "公务用车运行费63.00万元" in lines[1669]

    def row(text_lines):
        doc = parse("\n".join(text_lines))
        return doc.tables["three_public"].rows[0], doc

    placed, doc = row(lines)
    assert (placed.get("total"), placed.get("vehicle_total"), placed.get("vehicle_operation"),
            placed.get("vehicle_purchase")) == (63, 63, 63, None)
    assert placed.origins["vehicle_operation"].line == 1096
    assert [i.line for i in _issues_at(doc, "column-inferred") if i.table == "three_public"] == [1096]
    swapped = list(lines)
    swapped[1669] = swapped[1669].replace("公务用车购置0万元，公务用车运行费63.00万元",
                                          "公务用车购置63.00万元，公务用车运行费0万元")
    placed, _ = row(swapped)
    assert (placed.get("vehicle_purchase"), placed.get("vehicle_operation")) == (63, None)
    unstated = [t.replace("公务用车", "") if 1660 < n < 1690 else t for n, t in enumerate(lines)]
    placed, doc = row(unstated)
    assert (placed.get("total"), placed.get("vehicle_total")) == (63, 63)
    assert placed.get("vehicle_purchase") is None and placed.get("vehicle_operation") is None
    assert [i.line for i in _issues_at(doc, "column-ambiguous") if i.table == "three_public"] == [1096]


def test_projects_header_wrapped_into_fragments_names_every_column():
    """表七's header prints its labels in fragments ("工资福" / "利支出", "项目" / "支出" / "合计"):
    read as the catalogue's leaf columns, in order; a blank line inside a wrapped label parts
    the 科目名称 from the 项目名称; a 项 row without a project name is an unnamed project."""
    lines = _seed_lines()
    doc = parse("\n".join(lines))
    table = doc.tables["projects"]
    assert [c.key for c in table.columns][:3] == ["total", "salaries", "goods_services"]
    assert len(table.columns) == 11
    row = next(r for r in table.rows if r.project == "驻京办业务专项")
    assert (row.code, row.name, row.values["total"]) == ("2010302", "一般行政管理事务（政府办公厅（室）及相关机构事务）",
                                                         Decimal("70.94"))
    # every 科目名称 is printed in 表三/表五 too: no split is left to the print alone
    assert not [i for i in doc.issues if i.slug == "project-name-uncertain"]
    assert [r.values["total"] for r in table.rows if r.kind == "project" and r.project is None] == [
        Decimal(v) for v in ("19", "173", "6.72", "5.02", "9.09", "3")]


def test_performance_tables_are_read_by_the_shared_interpreter():
    """绩效目标表: the 总额 label as printed is kept, as for every layout."""
    doc = parse("\n".join(_seed_lines()))
    assert len(doc.performance) == 16
    assert {p.amount_label for p in doc.performance} == {"年度资金总额"}
    assert all(p.indicators for p in doc.performance)
