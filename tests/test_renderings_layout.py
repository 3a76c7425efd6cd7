"""Renderings with column positions that other tools or options give (`pdftotext -fixed`,
`-enc GBK`): where the header's labels stand apart from the amounts under them, a
placement by position that leaves an amount out or breaks an identity is not kept; the
identities place the amounts, or they stay missing with an issue (never guessed)."""

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
