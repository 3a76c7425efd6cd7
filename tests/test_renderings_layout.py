"""Renderings with column positions as other tools or options give them (`pdftotext
-layout` in UTF-8 or `-enc GBK`, `-fixed`): columns counted as the rendering counts them
(`readers.text.column_measure`); where the header's labels still stand apart from the
amounts under them, a placement by position that leaves an amount out or breaks an
identity is not kept: the identities place the amounts, or they stay missing with an
issue (never guessed)."""

from __future__ import annotations

import shutil
from decimal import Decimal as D

from generator.parse.document import parse_file

from .conftest import ROOT

RENDERINGS = ROOT / "tests" / "fixtures" / "renderings"


def _parsed(tmp_path, name: str):
    path = tmp_path / name
    shutil.copy(RENDERINGS / name, path)
    return parse_file(path)


def test_three_public_placed_by_identities_where_positions_leave_an_amount_out(tmp_path) -> None:
    # 上海 区级部门预算 2026, `pdftotext -fixed 3`: the labels print a character a column
    # where their glyphs take three, so 公务用车购置及运行费 no longer stands over its 小计
    row = _parsed(tmp_path, "three_public.fixed3.txt").document.tables["three_public"].rows[0]
    assert row.values == {"total": D("10.81"), "overseas": D("0"), "vehicle_total": D("9.98"),
                          "vehicle_purchase": D("0"), "vehicle_operation": D("9.98"),
                          "reception": D("0.83"), "operating_costs": D("217.83")}


def test_gbk_rendering_counts_a_han_character_two_columns(tmp_path) -> None:
    # 上海 区级部门预算 2024 经济分类 table, `pdftotext -layout -enc GBK`: columns counted in
    # bytes; 一般公共预算基本支出 is the heading over 合计 人员经费 公用经费 though it clears
    # two of their labels, and no column of its own
    table = _parsed(tmp_path, "basic.layout-gbk.txt").document.tables["basic"]
    assert [c.key for c in table.columns] == ["total", "personnel", "public"]
    assert table.totals["total"].values == {"total": D("9970.6020"), "personnel": D("8853.7451"),
                                            "public": D("1116.8569")}


def test_utf8_rendering_counts_a_han_character_one_column(tmp_path) -> None:
    # the same template's 收入预算总表 (2025), `pdftotext -layout`: a row's amounts end at the
    # same columns after a short or a long name only when each character counts one, and
    # then 事业单位经营收入 stands right of 事业收入 as printed, its row's 合计 a 合计
    table = _parsed(tmp_path, "income.layout.txt").document.tables["income"]
    assert [c.key for c in table.columns] == ["total", "fiscal_total", "business", "operating", "other"]
    row = next(r for r in table.rows if r.code == "2080505")
    assert row.values == {"total": D("174.832700"), "fiscal_total": D("174.832700")}
