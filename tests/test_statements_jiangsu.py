"""Key figures from prose alone: the Jiangsu 省委办公厅 narrative-only budgets (their tables
were published as a separate PDF) state every key figure in 第三部分 部门预算情况说明. Read
from their `pdftotext -layout` renderings, the stated figures equal the answer key."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.model import Document
from generator.parse import profile
from generator.parse.statements import _section_kind
from generator.sources import read_source

REAL = Path(__file__).parent / "real"
KEY = json.loads((REAL / "KEY.json").read_text(encoding="utf-8"))
STEMS = [f"jiangsu_cpcoffice_dept_budget_text_{year}" for year in (2017, 2018, 2019)]

# stated-figure key → where KEY.json keeps the figure
KEY_FIELDS = {
    "income_total": ("summary", "income_total"),
    "expense_total": ("summary", "expense_total"),
    "fiscal_income_total": ("fiscal", "income_total"),
    "fiscal_expense_total": ("fiscal", "expense_total"),
    "fiscal_total": ("fiscal", "expense_total"),
    "general_public_total": ("general_public", "total"),
    "basic_total": ("basic_economic", "total"),
    "basic_personnel": ("basic_economic", "personnel"),
    "basic_public": ("basic_economic", "public"),
    "three_public_total": ("three_public", "total"),
    "three_public_overseas": ("three_public", "overseas"),
    "three_public_vehicle_total": ("three_public", "vehicle_total"),
    "three_public_vehicle_purchase": ("three_public", "vehicle_purchase"),
    "three_public_vehicle_operation": ("three_public", "vehicle_operation"),
    "three_public_reception": ("three_public", "reception"),
    "gov_fund_total": ("government_fund", "total"),
}


def _stated(stem: str) -> tuple[Document, dict]:
    source, issues = read_source(REAL / "text" / f"{stem}.layout.txt", f"content/{stem}.txt")
    assert source is not None, issues
    doc = Document(path=source.path, layout="pdftotext-layout", sha256="", encoding="utf-8",
                   line_count=len(source.lines))
    profile.read_profile(source, doc)
    return doc, {f.key: f for f in doc.figures}


def _expected(stem: str, key: str) -> Decimal | None:
    group, field = KEY_FIELDS[key]
    value = (KEY[stem].get(group) or {}).get(field)
    return None if value is None else Decimal(value)


@pytest.mark.parametrize("stem", STEMS)
def test_prose_figures_equal_the_answer_key(stem):
    _doc, figures = _stated(stem)
    got = {key: figures[key].amount if key in figures else None for key in KEY_FIELDS}
    expected = {key: _expected(stem, key) for key in KEY_FIELDS}
    assert got == expected
    assert sum(v is not None for v in got.values()) >= 13


@pytest.mark.parametrize("stem", STEMS)
def test_each_figure_points_at_the_line_that_prints_it(stem):
    doc, figures = _stated(stem)
    lines = (REAL / "text" / f"{stem}.layout.txt").read_text(encoding="utf-8").split("\n")
    for key in KEY_FIELDS:
        if key in figures:
            figure = figures[key]
            start = lines[figure.line - 1]
            # the amount may wrap onto the next line ("…支出预算" / "20702.25 万元")
            nearby = "".join(lines[figure.line - 1:figure.line + 1]).replace(" ", "")
            assert str(figure.amount) in nearby, (key, figure.line, start)


def test_extra_figures_of_the_key():
    """机关运行经费 and 政府采购 totals, stated the Jiangsu way (预算支出, 支出预算总额)."""
    for stem in STEMS:
        _doc, figures = _stated(stem)
        extra = KEY[stem]["extra"]
        assert figures["operating_costs"].amount == Decimal(extra["running_cost"])
        assert figures["procurement_total"].amount == Decimal(extra["procurement_total"])


@pytest.mark.parametrize("title, kind", [
    ("六、财政拨款基本支出预算情况说明", "basic"),
    ("五、财政拨款支出预算表情况说明", "fiscal_expense"),
    ("七、一般公共预算支出预算情况说明", "general_public"),
    ("十一、一般公共预算机关运行经费支出预算情况说明", "operating"),
    ("十、政府性基金预算支出预算情况说明", "gov_fund"),
    ("三、支出预算情况说明", "expense"),
    ("一、收支预算总表情况说明", "overview"),
    # the department's name before the year is not the section's subject
    ("三、关于喀什地区政府采购中心2021年支出预算情况说明", "expense"),
    ("三、支出预算情况说明（2021年）", "expense"),
])
def test_section_kinds(title, kind):
    assert _section_kind(title) == kind
