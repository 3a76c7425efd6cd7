"""Reading tables without column positions (pdftotext default mode and -raw): what the
identities confirm is placed, what they leave open stays missing."""

from __future__ import annotations

from decimal import Decimal as D

from generator.tables.by_identities import place_in_catalogue_order, place_in_print_orders
from generator.tables.columnar import class_codes

THREE_PUBLIC = ("total = overseas + vehicle_total + reception", "vehicle_total = vehicle_purchase + vehicle_operation")
KEYS = ["total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]


def test_blank_cells_dropped_by_the_rendering_are_found_by_the_identities() -> None:
    # 合计 10, 因公出国 2, 公务用车 5 (购置 blank, 运行 5), 接待 3: the blank cell is not printed
    placed = place_in_catalogue_order(KEYS, [D(10), D(2), D(5), D(5), D(3)], THREE_PUBLIC, D("0.01"))
    assert placed["total"] == 10 and placed["overseas"] == 2 and placed["vehicle_total"] == 5
    assert placed["reception"] == 3
    # 购置 or 运行: either blank keeps every identity, so neither is placed
    assert "vehicle_purchase" not in placed and "vehicle_operation" not in placed


def test_the_text_tells_which_cell_was_blank() -> None:
    # 购置 or 运行 blank: the 说明 text's 运行费 5 says which. A text that contradicts every
    # choice (it may state another scope's figure) decides nothing: what every choice agrees
    # on is placed, 购置 and 运行 are not
    amounts = [D(10), D(2), D(5), D(5), D(3)]
    placed = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"), stated={"vehicle_operation": D(5)})
    assert placed["vehicle_operation"] == 5 and "vehicle_purchase" not in placed
    wrong = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"), stated={"vehicle_operation": D(4)})
    assert wrong == {"total": 10, "overseas": 2, "vehicle_total": 5, "reception": 3}


def test_amounts_that_break_every_identity_are_not_placed() -> None:
    assert place_in_catalogue_order(KEYS, [D(10), D(2), D(9), D(5), D(3)], THREE_PUBLIC, D("0.01")) == {}


def test_untrusted_print_order_keeps_only_pinned_columns() -> None:
    amounts = [D(10), D(2), D(5), D(1), D(4), D(3)]
    trusted = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"))
    assert trusted["overseas"] == 2 and trusted["reception"] == 3
    pinned = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"), pinned=True)
    # 因公出国 and 接待 add up alike (and so do 购置 and 运行): only the sums are pinned
    assert pinned == {"total": D(10), "vehicle_total": D(5)}


SHANGHAI = ("total", "overseas", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation",
            "operating_costs")
JIANGSU = ("grand_total", "total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation",
           "reception", "meeting", "training")
WITH_GRAND = (*THREE_PUBLIC, "grand_total = total + meeting + training")


def test_print_order_places_the_sums_and_the_text_confirms_the_items() -> None:
    # 上海: 合计 47.91, 因公出国 0, 接待 1.35, 公务用车 46.56 (购置 25, 运行 21.56), 机关运行 443.18
    amounts = [D("47.91"), D(0), D("1.35"), D("46.56"), D(25), D("21.56"), D("443.18")]
    alone = place_in_print_orders([SHANGHAI], amounts, THREE_PUBLIC, D("0.01"))
    assert alone == {"total": D("47.91"), "vehicle_total": D("46.56"), "operating_costs": D("443.18")}
    stated = {"overseas": D(0), "reception": D("1.35"), "vehicle_purchase": D(25)}
    placed = place_in_print_orders([SHANGHAI], amounts, THREE_PUBLIC, D("0.01"), stated=stated)
    assert placed["reception"] == D("1.35") and placed["vehicle_operation"] == D("21.56")
    assert placed["overseas"] == 0
    # a text that contradicts every placement places nothing
    assert place_in_print_orders([SHANGHAI], amounts, THREE_PUBLIC, D("0.01"), stated={"reception": D(7)}) == {}


def test_an_amount_printed_after_its_place_is_moved_back() -> None:
    # 江苏: 公务接待 101.26 printed after 会议费 and 培训费 (its label wrapped); 购置 blank
    amounts = [D("1276.7"), D("418.26"), D(80), D(237), D(237), D("158.44"), D(700), D("101.26")]
    stated = {"overseas": D(80), "reception": D("101.26"), "vehicle_operation": D(237)}
    placed = place_in_print_orders([JIANGSU], amounts, WITH_GRAND, D("0.01"), stated=stated)
    assert placed["grand_total"] == D("1276.7") and placed["total"] == D("418.26")
    assert placed["reception"] == D("101.26") and placed["vehicle_operation"] == 237
    # 会议费 and 培训费 add up alike and the text does not state them; 购置 or 运行 blank
    assert not {"meeting", "training", "vehicle_purchase"} & set(placed)


def test_budget_and_final_variants_hold_their_identities_apart() -> None:
    keys = ["total", "overseas", "reception"]
    identities = ("total = overseas + reception",)
    amounts = [D(5), D(4), D(2), D(1), D(3), D(3)]  # 预算 决算 per column
    placed = place_in_catalogue_order(keys, amounts, identities, D("0.01"), ("budget", "final"))
    assert placed == {"total_budget": D(5), "total": D(4), "overseas_budget": D(2), "overseas": D(1),
                      "reception_budget": D(3), "reception": D(3)}


def test_standard_class_names_know_their_codes() -> None:
    assert class_codes()["住房保障支出"] == "221"
    assert class_codes()["医疗卫生与计划生育支出"] == "210"  # an older year's name
    assert class_codes("economic")["工资福利支出"] == "301"


# 江苏's 收支预算总表 as pdftotext's default mode prints it: each column on its own, an amount
# glued to the label right of it on its row ("17,981.68 二、外交支出": 收入 row 2).
SIDE_BY_SIDE = """收支预算总表
部门：江苏省某厅
单位：万元
收入
支出
功能分类
项目名称
一、财政拨款
1.一般公共预
算
金额
100.00 一、一般公共服务支出
一、基本支出
70.00
100.00 二、外交支出
二、项目支出
30.00
三、单位预留机动经费
三、国防支出
2.政府性基金预算
二、财政专户管理资金
四、公共安全支出
{public_safety}
三、其他资金
{other} 五、教育支出
八、社会保障和就业支出
40.00
5.00
当年收入小计
105.00
当年支出小计
收入合计
105.00
支出合计
105.00
"""


def _side_by_side(tmp_path, other: str, public_safety: str = "65.00") -> dict:
    from generator.parse.document import parse_file
    path = tmp_path / "jiangsu.plain.txt"
    path.write_text(SIDE_BY_SIDE.format(other=other, public_safety=public_safety), encoding="utf-8")
    summary = parse_file(path).document.tables["summary"]
    return {(r.side, r.name): r.get("amount") for r in summary.rows if r.get("amount") is not None}


def test_side_by_side_lines_by_the_label_an_amount_is_glued_to(tmp_path) -> None:
    lines = _side_by_side(tmp_path, other="5.00")
    assert lines[("income", "一、财政拨款")] == 100 and lines[("income", "1.一般公共预算")] == 100
    assert lines[("income", "三、其他资金")] == 5 and lines[("income", "当年收入小计")] == 105
    assert ("income", "2.政府性基金预算") not in lines and ("income", "二、财政专户管理资金") not in lines
    # below the use lines, a function line takes the amount after it; 四 + 八 = 105
    assert lines[("expense", "八、社会保障和就业支出")] == 40 and lines[("expense", "四、公共安全支出")] == 65
    assert ("expense", "一、一般公共服务支出") not in lines  # 70.00 after it is 基本支出's


def test_side_by_side_amount_printed_apart_from_its_label_leaves_the_side_unread(tmp_path) -> None:
    # 四's 65.00 printed after 三、其他资金, not after its label: no function line is read
    text = SIDE_BY_SIDE.replace("{public_safety}\n三、其他资金\n", "三、其他资金\n65.00\n")
    from generator.parse.document import parse_file
    path = tmp_path / "moved.plain.txt"
    path.write_text(text.format(other="5.00"), encoding="utf-8")
    summary = parse_file(path).document.tables["summary"]
    assert not [r for r in summary.rows if r.side == "expense" and r.name.startswith(("四", "八"))
                and r.get("amount") is not None]
    assert any(r.name == "三、其他资金" and r.get("amount") == 5 for r in summary.rows)


def test_side_by_side_lines_that_do_not_add_up_are_not_read(tmp_path) -> None:
    lines = _side_by_side(tmp_path, other="7.00")  # 100 + 7 ≠ 105: 收入 not confirmed
    assert not any(side == "income" and not name.endswith("计") for side, name in lines)
