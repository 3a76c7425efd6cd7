"""Rows of tables printed cell by cell without positions (pdftotext's default mode) whose
amounts print apart from their labels: read where the print order and the identities
leave one reading, else left missing (never guessed)."""

from __future__ import annotations

from decimal import Decimal as D

from generator.parse.document import parse_file

# A 功能分类 table as the default mode prints it (上海 区级部门预算 2023): 204 opens a page,
# so its amounts print before its code, its name and the repeated header; 208's amounts
# print before its 款's name, its own name after them.
CLASS_OPENS_A_PAGE = """部门一般公共预算支出功能分类预算表|编制部门：上海市普陀区某街道办事处|单位：元|项目|
一般公共预算支出|功能分类科目编码|功能分类科目名称|类|款|合计|基本支出|项目支出|项|201|一般公共服务支出|
3,000|0|3,000|事务|3,000|0|3,000|201|01|201|01|01|行政运行|3,000|0|3,000|5,000|0|5,000|204|02|02|
公共安全支出|项目|一般公共预算支出|功能分类科目编码|功能分类科目名称|类|款|204|02|合计|基本支出|项目支出|项|
司法|5,000|0|5,000|公共法律服务|5,000|0|5,000|科学技术支出|4,000|0|4,000|科学技术普及|4,000|0|4,000|
{moved}|行政事业单位养老支出|7,000|6,000|1,000|社会保障和就业支出|208|05|208|05|01|行政单位离退休|
7,000|6,000|1,000|19,000|6,000|13,000|合计"""


def _classes(tmp_path, moved: str) -> dict[str, D | None]:
    text = CLASS_OPENS_A_PAGE.format(moved=moved).replace("|\n", "|")
    path = tmp_path / "classes.plain.txt"
    path.write_text("\n\n".join(text.split("|")) + "\n", encoding="utf-8")
    table = parse_file(path).document.tables["general_public"]
    return {r.code: r.get("total") for r in table.rows if r.kind == "class" and r.get("total") is not None}


def test_classes_whose_amounts_print_before_their_names_are_read_between_their_neighbours(tmp_path) -> None:
    classes = _classes(tmp_path, moved="7,000|6,000|1,000")
    # 201 and 206 follow their names; 204 and 208 are the rows printed between them that
    # make up the rest of the 合计 (19,000 − 3,000 − 4,000 = 5,000 + 7,000), in 元, read in 万元
    assert classes == {"201": D("0.3"), "204": D("0.5"), "206": D("0.4"), "208": D("0.7")}


def test_two_readings_of_the_lost_classes_leave_them_missing(tmp_path) -> None:
    # a row 9,000 between 206 and 210 as well: 3,000 + 9,000 makes the same rest as 5,000 + 7,000
    classes = _classes(tmp_path, moved="9,000|8,000|1,000|7,000|6,000|1,000")
    assert not {"204", "208"} & set(classes)
