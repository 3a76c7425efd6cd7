"""Reading tables without column positions (pdftotext default mode and -raw): what the
identities confirm is placed, what they leave open stays missing."""

from __future__ import annotations

from decimal import Decimal as D

from generator.tables.by_identities import place_in_catalogue_order
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


def test_amounts_that_break_every_identity_are_not_placed() -> None:
    assert place_in_catalogue_order(KEYS, [D(10), D(2), D(9), D(5), D(3)], THREE_PUBLIC, D("0.01")) == {}


def test_untrusted_print_order_keeps_only_pinned_columns() -> None:
    amounts = [D(10), D(2), D(5), D(1), D(4), D(3)]
    trusted = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"))
    assert trusted["overseas"] == 2 and trusted["reception"] == 3
    pinned = place_in_catalogue_order(KEYS, amounts, THREE_PUBLIC, D("0.01"), pinned=True)
    # 因公出国 and 接待 add up alike (and so do 购置 and 运行): only the sums are pinned
    assert pinned == {"total": D(10), "vehicle_total": D(5)}


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
