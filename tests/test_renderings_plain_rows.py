"""Rows of tables printed without positions (pdftotext's default mode, cell by cell, and
-raw, a row a line) whose amounts or labels print apart: read where the print order and
the identities leave one reading, else left missing (never guessed)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from generator.parse.document import parse_file


def _table(tmp_path, text: str, key: str, suffix: str = "plain"):
    """The table `key` of `text` saved as a rendering and parsed."""
    path = tmp_path / f"excerpt.{suffix}.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path).document.tables[key]


def _class_totals(tmp_path, text: str) -> dict:
    """The 功能分类 table's 类 rows read with a total: code → total."""
    table = _table(tmp_path, text, "general_public")
    return {r.code: r.get("total") for r in table.rows if r.kind == "class" and r.get("total") is not None}


def _expense_lines(tmp_path, text: str) -> dict:
    """The summary's 支出 lines read with an amount: name → amount."""
    table = _table(tmp_path, text, "summary")
    return {r.name: r.get("amount") for r in table.rows if r.side == "expense" and r.get("amount") is not None}


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
    return _class_totals(tmp_path, "\n\n".join(text.split("|")) + "\n")


def test_classes_whose_amounts_print_before_their_names_are_read_between_their_neighbours(tmp_path) -> None:
    classes = _classes(tmp_path, moved="7,000|6,000|1,000")
    # 201 and 206 follow their names; 204 and 208 are the rows printed between them that
    # make up the rest of the 合计 (19,000 − 3,000 − 4,000 = 5,000 + 7,000), in 元, read in 万元
    assert classes == {"201": D("0.3"), "204": D("0.5"), "206": D("0.4"), "208": D("0.7")}


def test_two_readings_of_the_lost_classes_leave_them_missing(tmp_path) -> None:
    # a row 9,000 between 206 and 210 as well: 3,000 + 9,000 makes the same rest as 5,000 + 7,000
    classes = _classes(tmp_path, moved="9,000|8,000|1,000|7,000|6,000|1,000")
    assert not {"204", "208"} & set(classes)


# -raw prints a row a line, and the 收支预算总表's title and its 支出 total labels after the
# body (江苏 省委办公厅 2018, cut): "收入合计 24,458.43 24,458.43" carries both totals.
TOTALS_LINE = """序号 报表名称
一、 收支预算总表
二、 收入预算总表
目 录
部门：中共江苏省委办公厅 单位：万元
功能科目名称 金额 项目名称 金额
一、财政拨款 24,458.43 一、一般公共服务支出 20,153.75 一、基本支出 10,403.11
1.一般公共预算 24,458.43 二、外交支出 二、项目支出 12,081.46
2.政府性基金预算 三、国防支出 三、单位预留机动经费 1,973.86
二、财政专户管理资金 四、公共安全支出
三、其他资金 五、教育支出
六、科学技术支出
七、文化体育与传媒支出
八、社会保障和就业支出 1,289.52
九、医疗卫生与计划生育支出
十八、住房保障支出 3,015.16
十九、粮油物资储备支出
二十、其他支出
当年收入小计 24,458.43 24,458.43
上年结转资金
收入合计 24,458.43 24,458.43
收支预算总表
收入 支出
当年支出小计
结转下年资金
支出合计
项目名称 金额
功能分类 支出用途
部门：中共江苏省委办公厅 单位：万元
"""


def test_raw_totals_line_carries_the_other_sides_total_whose_label_prints_apart(tmp_path) -> None:
    totals = _table(tmp_path, TOTALS_LINE, "summary", "raw").totals
    assert totals["income"].get("amount") == D("24458.43") and totals["income"].name == "收入合计"
    assert totals["expense"].get("amount") == D("24458.43") and totals["expense"].name == "支出合计"
    assert totals["expense"].origins["amount"].line == totals["income"].origins["amount"].line


def test_raw_totals_line_is_not_read_where_the_other_label_prints_an_amount(tmp_path) -> None:
    text = TOTALS_LINE.replace("支出合计\n", "支出合计 24,458.42\n")
    expense = _table(tmp_path, text, "summary", "raw").totals.get("expense")
    assert expense is None or expense.get("amount") != D("24458.43")


# -raw prints a wrapped label's tail after its row's line (江苏 省检察院 2017, cut):
# "1.一般公共预" / "17,981.68 二、外交支出 …" / "算".
WRAPPED_LABEL = """一、收支预算总表
部门： 江苏省人民检察院 单位：万元
收入 支出
功能分类 支出用途
项目名称 金额
功能科目名称 金额 项目名称 金额
一、财政拨款 17,981.68 一、一般公共服务支出 一、基本支出 12,323.48
1.一般公共预
17,981.68 二、外交支出 二、项目支出 5,533.00
算
2.政府性基金
三、国防支出
三、单位预留机
140.20
预算 动经费
二、财政专户管理
四、公共安全支出 13,656.34
资金
三、其他资金 15.00 五、教育支出
六、科学技术支出
七、文化体育与传媒支出
十九、粮油物资储备支出
二十、其他支出
当年收入小计 17,996.68 当年支出小计 17,996.68
上年结转资金 结转下年资金
收入合计 17,996.68 支出合计 17,996.68
"""


def test_raw_wrapped_label_takes_its_tail_printed_after_its_row(tmp_path) -> None:
    income = {r.name: r.get("amount") for r in _table(tmp_path, WRAPPED_LABEL, "summary", "raw").rows
              if r.side == "income"}
    assert income["1.一般公共预算"] == D("17981.68") and "1.一般公共预" not in income


# The 江苏 三公 table as the default mode prints it (省委办公厅 2018): labels and amounts
# interleaved, the amounts in column order; 因公出国 and 公务接待 add up alike.
THREE_PUBLIC = """“三公”经费、会议费、培训费支出预算表
部门：中共江苏省委办公厅

单位：万元

“三公”经费
公务用车购置及运行维护费

合计
小计

1,471.70

508.20

因公出国
（境）费

70.00

小计

411.20

会议费

公务用车购 公务用车运行
置费
维护费
411.20

培训费

公务接待费

27.00

933.50

30.00
"""


def _three_public(tmp_path, text: str) -> dict:
    return _table(tmp_path, text, "three_public").rows[0].values


def test_an_item_whose_trade_would_put_an_amount_before_its_label_is_placed(tmp_path) -> None:
    values = _three_public(tmp_path, THREE_PUBLIC)
    # 70.00 prints before 公务接待费's label: it is not 接待's, so 接待 27.00, 出国 70.00
    assert values["overseas"] == D("70.00") and values["reception"] == D("27.00")
    assert values["grand_total"] == D("1471.70") and values["total"] == D("508.20")
    # 会议费 and 培训费 both print their labels before both amounts; 购置 or 运行 blank
    assert not {"meeting", "training", "vehicle_purchase", "vehicle_operation"} & set(values)


def test_items_whose_labels_both_print_before_their_amounts_stay_open(tmp_path) -> None:
    # 公务接待费's label printed before 70.00 too: 出国 and 接待 may trade, neither is placed
    text = THREE_PUBLIC.replace("公务接待费\n", "").replace("因公出国\n", "公务接待费\n因公出国\n")
    values = _three_public(tmp_path, text)
    assert not {"overseas", "reception"} & set(values) and values["total"] == D("508.20")


# A 决算 一般公共预算财政拨款支出决算表 as the default mode prints it (上海 规划和自然资源局
# 2024, one page): fused codes as a column, the names in pieces, then each row's three
# amounts row after row; the 类 codes alone on their lines are left out as page numbers.
FINAL_ACCOUNTS = Path(__file__).parent / "fixtures" / "renderings" / "final_accounts_general_public.plain.txt"


def test_rows_printed_after_their_code_column_are_read_in_code_order(tmp_path) -> None:
    classes = _class_totals(tmp_path, FINAL_ACCOUNTS.read_text(encoding="utf-8"))
    # 24 codes (the 5 类 implied by their 款), 24 runs; every 类 and 款 the sum of its parts
    assert classes == {"208": D("754.75"), "210": D("236.64"), "212": D("3832.36"),
                       "220": D("4461.67"), "221": D("461.08")}


def test_runs_that_do_not_match_the_codes_read_nothing(tmp_path) -> None:
    # one 项 run dropped: 23 runs for 24 codes (and 2080501's 款 no longer adds up)
    text = FINAL_ACCOUNTS.read_text(encoding="utf-8").replace("54.53\n54.53\n0.00\n", "", 1)
    assert _class_totals(tmp_path, text) == {}


# A 决算 收入支出决算总表 as the default mode prints it (上海 规划和自然资源局 2024): each class
# line with its amount right after it, the last rows scrambled ("年初结转和结余 / 9759.38 /
# 结余分配 / 112.88"), 本年支出合计 printed apart from its amount.
FINAL_SUMMARY = Path(__file__).parent / "fixtures" / "renderings" / "final_accounts_summary.plain.txt"


def test_expense_lines_adding_up_to_the_printed_subtotal_are_read(tmp_path) -> None:
    lines = _expense_lines(tmp_path, FINAL_SUMMARY.read_text(encoding="utf-8"))
    assert lines == {"八、社会保障和就业支出": D("754.75"), "九、卫生健康支出": D("236.63"),
                     "十一、城乡社区支出": D("3845.25"), "十八、自然资源海洋气象等支出": D("4461.67"),
                     "十九、住房保障支出": D("461.08"), "本年支出合计": D("9759.38")}


def test_expense_lines_whose_sum_the_table_does_not_print_are_not_read(tmp_path) -> None:
    # 本年支出合计's 9759.38 printed as 9749.38: the lines' sum (within a rounding step a
    # line) is printed nowhere
    text = FINAL_SUMMARY.read_text(encoding="utf-8").replace("9759.38", "9749.38")
    assert _expense_lines(tmp_path, text) == {}
