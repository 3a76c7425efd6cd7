"""pdf-single-space 表一/表四 read by the shared two-sided interpreter: empty cells print
nothing, so 表四's fund amounts are placed by the income side's sources and 合计 = the
parts, and what cannot be told is reported."""

from __future__ import annotations

from decimal import Decimal

from .test_layout_pdf_single_space import _issues_at, _seed_lines, parse

FISCAL_TITLE = "财政拨款收支预算总体情况表"


def _fiscal_line(lines: list[str], start: str) -> int:
    """Index of 表四's line starting (stripped) with `start`."""
    title = next(i for i, text in enumerate(lines) if text.strip() == FISCAL_TITLE)
    return next(i for i in range(title, len(lines)) if lines[i].strip().startswith(start))


def test_fund_amounts_go_to_the_sources_the_income_side_has():
    """一般公共预算 empty and 政府性基金预算 printing the amount: an expense line's second
    amount is 政府性基金预算's."""
    lines = _seed_lines()
    general, fund = _fiscal_line(lines, "一般公共预算"), _fiscal_line(lines, "政府性基金预算")
    lines[general] = lines[general].replace("一般公共预算 5005.17", "一般公共预算")
    lines[fund] = lines[fund].replace("政府性基金预算", "政府性基金预算 5005.17")
    fiscal = parse("\n".join(lines)).tables["fiscal"]
    row = next(r for r in fiscal.rows if r.code == "201")
    assert row.values["total"] == row.values["gov_fund"] == Decimal("4564.64")
    assert row.values["general_public"] is None and row.inferred == ("gov_fund",)


def test_fund_amounts_no_identity_tells_stay_in_the_total():
    """Two amounts after the 合计 with one source, or a part that is not the 合计: only the
    合计 is kept, the line reported."""
    lines = _seed_lines()
    defence, security = _fiscal_line(lines, "政府性基金预算"), _fiscal_line(lines, "国有资本经营预算")
    lines[defence] += " 9 5 4"
    lines[security] += " 9 8"
    doc = parse("\n".join(lines))
    ambiguous = {i.line for i in _issues_at(doc, "column-ambiguous")}
    for index in (defence, security):
        row = next(r for r in doc.tables["fiscal"].rows if r.line == index + 1 and r.side == "expense")
        assert row.values["total"] == Decimal("9") and row.values["general_public"] is None
        assert index + 1 in ambiguous


def test_more_amounts_than_a_side_has_columns_are_reported():
    lines = _seed_lines()
    index = next(i for i, text in enumerate(lines) if text.strip().startswith("事业收入"))
    lines[index] = lines[index].replace("事业收入", "事业收入 7 8")
    doc = parse("\n".join(lines))
    row = next(r for r in doc.tables["summary"].rows if r.line == index + 1 and r.side == "income")
    assert row.values["amount"] == Decimal("7")
    assert any(i.line == index + 1 and "8 未放入" in i.message for i in _issues_at(doc, "column-ambiguous"))
