"""表一's income side: 收入总计 = the sum of its top-level income lines.

The templates nest their income lines differently, and only the top level adds up to the
total:
- numbered (一、本年收入 / 二、上年结转结余, each with "1." and "其中：" lines under it): the
  lines that start with a Chinese ordinal;
- flat (财政拨款（补助） with 一般公共预算, 政府性基金预算 and 国有资本经营预算 under it, then
  事业收入, 其他收入 …): every line but those three under 财政拨款;
- a 小计 or 合计 line (本年收入合计, 当年收入小计) sums the lines above it, whatever their
  numbering: the total is then that line and the lines after it (年初结转和结余, 上年结余).
"""

from __future__ import annotations

import re

from ..model import Document, Row
from ..numbers import squash
from ..tables.catalogue import load_catalogue
from .base import CheckResult, compare, tables

ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
FISCAL_PARTS = {"一般公共预算", "政府性基金预算", "国有资本经营预算"}


def top_income_lines(rows: list[Row]) -> list[Row]:
    """The income lines whose sum is 收入总计 (see the module docstring)."""
    income = [r for r in rows if r.side == "income"]
    subtotals = [i for i, r in enumerate(income) if is_subtotal(r)]
    if subtotals:
        return income[subtotals[-1]:]
    numbered = [r for r in income if ORDINAL.match(squash(r.name or ""))]
    if numbered:
        return numbered
    top, under_fiscal = [], False
    for row in income:
        name = squash(row.name or "")
        if under_fiscal and name in FISCAL_PARTS:
            continue
        under_fiscal = name.startswith("财政拨款")
        top.append(row)
    return top


def is_subtotal(row: Row) -> bool:
    """A 小计 line, or the year's own total (本年收入合计, 当年收入小计: 总计 adds the
    carry-over, 年初结转和结余, to it)."""
    name = squash(row.name or "")
    labels = load_catalogue().labels
    totals = labels["total"] | labels["income_total"] | labels["expense_total"]
    return row.kind == "subtotal" or (name.endswith(("合计", "小计")) and name not in totals)


def check_summary_income_sum(doc: Document) -> list[CheckResult]:
    """表一 收入总计 = its top-level income lines."""
    out = []
    for table in tables(doc, "summary"):
        total = table.totals.get("income")
        top = top_income_lines(table.rows)
        if total is None or not top:
            continue
        result = compare(doc, "summary-income-sum", "表一 收入总计 = 各项收入之和", total.line,
                         total.get("amount"), [r.get("amount") for r in top],
                         "表一：收入总计 {expected} {op} 各项收入之和 {actual}",
                         part_lines=[r.line for r in top])
        if result:
            out.append(result)
    return out
