"""Two-sided summary tables (收支总表, 财政拨款收支总表): 收入 lines and 支出 lines printed
side by side (in Jiangsu a third side, 支出 by use), each line a label and its amount.

A line's side comes from its label, not its place: the catalogue's expense words (支出,
结转下年 …) put it on the expense side, the rest are income; of two 总计 on one row the
first is income's. The totals are the lines named 收入总计 / 支出总计 (or 总计 alone), else
收入合计 / 支出合计. A line of amounts without a label (the label wrapped around it) gives
its amounts to the labels without amounts on the line above, in order.
"""

from __future__ import annotations

from ..model import Column, Issue, Row, Table
from ..numbers import squash
from .amounts import label_text, pieces, to_wan
from .catalogue import Catalogue
from .segment import Segment


def read_two_sided(seg: Segment, catalogue: Catalogue, unit: str, path: str) -> tuple[Table, list[Issue]]:
    table = Table(key=seg.kind.key, title=seg.kind.key, line=seg.line, unit=unit, note=seg.title,
                  columns=[Column("amount", "金额")])
    issues: list[Issue] = []
    waiting: list[Row] = []  # labels of the line above that printed no amount
    for grid_row in seg.rows:
        lines = pieces(grid_row.cells)
        if lines and not lines[0][0] and waiting:
            for row, amount in zip(waiting, lines[0][1]):
                row.values["amount"] = to_wan(amount.text, unit)
                row.origins["amount"] = amount.origin
            lines = lines[1:]
        waiting = []
        totals_on_row = 0
        for labels, amounts in lines:
            name = label_text(labels)
            if not name:
                continue
            side = _side(name, catalogue, totals_on_row)
            totals_on_row += catalogue.is_total(name)
            row = Row(line=grid_row.line, name=name, side=side, kind="line",
                      origins={"name": labels[0].origin})
            if amounts:
                row.values["amount"] = to_wan(amounts[0].text, unit)
                row.origins["amount"] = amounts[0].origin
            else:
                waiting.append(row)
            table.rows.append(row)
    _find_totals(table, catalogue)
    if "income" not in table.totals:
        issues.append(Issue("total-missing", f"{seg.title} (line {seg.line}): no 收入总计 or 收入合计 line",
                            path, seg.line, "warning", table=table.key))
    return table, issues


def _side(name: str, catalogue: Catalogue, totals_before: int) -> str:
    flat = squash(name)
    if catalogue.is_total(flat):
        return "expense" if totals_before else "income"
    if any(word in flat for word in catalogue.labels["expense_words"]) and "收入" not in flat:
        return "expense"
    return "income"


def _find_totals(table: Table, catalogue: Catalogue) -> None:
    """收入总计 / 支出总计 (or 总计) first, else 收入合计 / 支出合计 (or 合计)."""
    for side in ("income", "expense"):
        named = catalogue.labels[f"{side}_total"]
        candidates = [r for r in table.rows if r.side == side and (squash(r.name) in named or catalogue.is_total(r.name))]
        grand = [r for r in candidates if "总计" in squash(r.name)]
        chosen = (grand or candidates)[-1:] 
        if chosen:
            chosen[0].kind = "total"
            table.totals[side] = chosen[0]
            table.rows.remove(chosen[0])
