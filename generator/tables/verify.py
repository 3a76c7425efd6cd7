"""Checking figures placed without column positions (the default and -raw renderings of
pdftotext, single-space text): a figure is kept only where the table's identities confirm
its place, so an unreadable table yields missing figures, never wrong ones.

Sums may miss by a rounding step per term (0.01 万元, 1 元: documents print rounded parts
and drop decimals), never more: figures in the wrong column miss by far more.

- Coded tables: each row's figures must make up one of the catalogue's identities and keep
  them all (合计 = 基本支出 + 项目支出); else only its total stays (its first amount, when the
  first column is the total);
  the 类 rows must add up to the 合计 row.
- Two-sided tables: 收入 and 支出 totals must agree; each side's top lines (一、二、…) must
  add up to one of its total or subtotal lines (收入总计, 本年收入合计, 当年收入小计 …) or to
  the table's total, else the side's lines are not read.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import TO_WAN
from .by_sums import place_by_sums
from .catalogue import terms_of
from .place import identities_hold

TOP_LINE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
USE_LINES = ("基本支出", "项目支出", "单位预留机动经费")


def rounding_step(unit: str) -> Decimal:
    """One step of the last printed place, in 万元: 0.01 万元, or 1 元."""
    return Decimal("0.01") if unit == "万元" else Decimal(1).scaleb(TO_WAN.get(unit, 0))


def near(a: Decimal | None, b: Decimal | None, terms: int, step: Decimal) -> bool:
    """`a` and `b` agree within a rounding `step` per term of a sum."""
    return a is not None and b is not None and abs(a - b) <= step * terms


def verify_coded(table: Table, identities: tuple[str, ...], path: str, title: str,
                 in_order: bool = False) -> list[Issue]:
    """`in_order`: each row is one printed line, its amounts in column order (single-space
    text): a row printing every column is read as printed (its sums are the checks' to
    judge); only a row printing fewer amounts needs the identities."""
    dropped = 0
    step = rounding_step(table.unit)
    placed, inferred = place_by_sums(table, identities, step, path, title, in_order)  # fewer amounts
    width = len(table.columns)
    # without columns a row's only figure is a label's own ("人员经费合计 95.36"): a total
    first = table.columns[0].key if table.columns else "total"
    for row in [*table.rows, *table.totals.values()]:
        if in_order and len(row.values) == width:
            continue
        if row.values and id(row) not in placed and not _confirmed(row.values, identities, step):
            dropped += _keep_total(row, first)
    total = table.totals.get("total")
    classes = [r for r in table.rows if r.kind == "class" and r.get("total") is not None]
    if classes and not in_order and (total is None or not near(total.get("total"), sum(r.get("total") for r in classes),
                                               len(classes), step)):
        for row in table.rows:
            if row.code is not None:
                dropped += _clear(row)
    return inferred + _issue(dropped, table, path, title)


def _confirmed(values: dict, identities: tuple[str, ...], step: Decimal) -> bool:
    """A row's figures are confirmed by an identity over them all that holds."""
    checked = [i for i in identities if set(terms_of(i)) <= values.keys()]
    return bool(checked) and identities_hold(values, identities, step)


def _keep_total(row: Row, first: str | None) -> int:
    """Unconfirmed figures go, but the total: a row's first amount when the first column
    is the total (a total is printed whenever one of its parts is)."""
    if first != "total" or "total" not in row.values:
        return _clear(row)
    dropped = len(row.values) - 1
    row.values = {"total": row.values["total"]}
    row.origins = {k: v for k, v in row.origins.items() if k in ("name", "total")}
    return dropped


def verify_two_sided(table: Table, path: str, title: str) -> list[Issue]:
    income, expense = table.totals.get("income"), table.totals.get("expense")
    totals = [t.get("amount") for t in (income, expense) if t is not None and t.get("amount") is not None]
    dropped = 0
    if len(totals) == 2 and totals[0] != totals[1]:
        for row in [*table.rows, *table.totals.values()]:
            dropped += _clear(row)
        return _issue(dropped, table, path, title)
    step = rounding_step(table.unit)
    for side in ("income", "expense"):
        lines = [r for r in table.rows if r.side == side]
        top = [r for r in lines if TOP_LINE.match(squash(r.name)) and not _is_use_line(r)]
        # what the top lines may add up to: a total or subtotal of the side, or the
        # table's total (收入 = 支出) when the side's own total lost its figure
        sums = [r.get("amount") for r in lines if _is_subtotal(r)] + totals
        top_sum = sum(r.get("amount") or 0 for r in top)
        if not top or not any(near(top_sum, s, len(top), step) for s in sums):
            for row in lines:
                dropped += _clear(row)
        own = table.totals.get(side)
        if own is not None and own.values and len(totals) < 2 and not (
                top and near(top_sum, own.get("amount"), len(top), step)):
            dropped += _clear(own)  # a lone total is kept only where its lines confirm it
        dropped += _verify_balances(lines, top, top_sum, totals, step)
    return _issue(dropped, table, path, title)


_SUB_LINE = re.compile(r"^(?:\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")


def _verify_balances(lines: list[Row], top: list[Row], top_sum: Decimal, totals: list, step: Decimal) -> int:
    """A side's lines below its 本年合计 (年初结转和结余, 使用非财政拨款结余, 年末结转和结余 …)
    are kept only where the table's total confirms them: 总计 = the top lines + these."""
    balances = [r for r in lines if r.get("amount") is not None and r not in top and not _is_subtotal(r)
                and not _SUB_LINE.match(squash(r.name)) and not _is_use_line(r)]
    if not balances or (totals and near(totals[0], top_sum + sum(r.get("amount") for r in balances),
                                         len(top) + len(balances), step)):
        return 0
    return sum(_clear(r) for r in balances)


def _is_use_line(row: Row) -> bool:
    return TOP_LINE.sub("", squash(row.name)) in USE_LINES


def _is_subtotal(row: Row) -> bool:
    return squash(row.name).endswith(("小计", "合计", "总计"))


def _clear(row: Row) -> int:
    count = len(row.values)
    row.values, row.origins = {}, {k: v for k, v in row.origins.items() if k == "name"}
    return count


def _issue(dropped: int, table: Table, path: str, title: str) -> list[Issue]:
    if not dropped:
        return []
    return [Issue("column-ambiguous", f"{title}（第 {table.line} 行）：{dropped} 个数字未读取："
                  "没有列位置，按现有位置放置会使表内恒等式不成立",
                  path, table.line, "warning", table=table.key or None)]
