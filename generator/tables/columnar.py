"""Totals of tables the default mode of pdftotext prints cell by cell, without column
positions: a ruled table's cells come column by column in places (a run of codes, a run
of names, each amount column), labels apart from their amounts ("156,211,123" /
"一、一般公共服务支出"), so most rows cannot be put together again. Two things survive
and are read here, each only where an identity confirms it (missing, never wrong):

- a coded table's 合计 row: the largest amount of the table, printed with its parts
  right after it ("99,706,020 / 88,537,451 / 11,168,569": 合计 = 人员经费 + 公用经费, the
  parts in the identity's order, which is the header's);
- a two-sided table's 收入总计 and 支出总计: equal, the largest amount of the table, and
  the amount printed next to each of the two labels.

Figures these leave out stay missing, with the `rendering-columns-lost` issue.
"""

from __future__ import annotations

from decimal import Decimal

from ..grid import Cell
from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import to_wan
from .catalogue import Catalogue
from .segment import Segment
from .verify import rounding_step

# how many cells away from a total's label its amount may print
NEAR_LABEL = 2


def _cells(seg: Segment) -> list[Cell]:
    return [c for r in seg.rows for c in r.cells if c.text.strip()]


def _amounts(cells: list[Cell], unit: str) -> list[tuple[int, Decimal, Cell]]:
    from ..readers.text import is_amount
    return [(i, v, c) for i, c in enumerate(cells) if is_amount(c.text)
            and (v := to_wan(c.text, unit)) is not None]


def coded_total(table: Table, seg: Segment, identities: tuple[str, ...], unit: str, path: str) -> list[Issue]:
    """The 合计 row of a coded table whose rows were lost, from its largest amount and
    the parts printed after it (the first identity over `total`)."""
    if table.totals.get("total") is not None and table.totals["total"].values:
        return []
    identity = next((i for i in identities if i.split("=")[0].strip() == "total"), None)
    amounts = _amounts(_cells(seg), unit)
    if identity is None or not amounts:
        return []
    parts = [t.strip() for t in identity.split("=")[1].split("+")]
    largest = max(v for _, v, _ in amounts)
    step = rounding_step(unit)
    found: list[tuple[Cell, list[tuple[Decimal, Cell]]]] = []
    for n, (_, value, cell) in enumerate(amounts):
        after = [(v, c) for _, v, c in amounts[n + 1:n + 1 + len(parts)]]
        if value == largest and len(after) == len(parts) and \
                abs(sum(v for v, _ in after) - value) <= step * len(parts):
            found.append((cell, after))
    if not found:
        return []
    cell, after = found[0]
    row = Row(line=cell.origin.line or seg.line, name="合计", kind="total",
              values={"total": largest}, origins={"total": cell.origin})
    if all([v for v, _ in a] == [v for v, _ in after] for _, a in found):
        for key, (value, part) in zip(parts, after):
            row.values[key], row.origins[key] = value, part.origin
    table.totals["total"] = row
    return [_lost(seg, path, table, "合计 read from its amounts")]


def two_sided_totals(table: Table, seg: Segment, catalogue: Catalogue, unit: str, path: str) -> list[Issue]:
    """收入总计 = 支出总计 = the table's largest amount, printed next to both labels."""
    if all(table.totals.get(s) is not None and table.totals[s].values for s in ("income", "expense")):
        return []
    cells = _cells(seg)
    amounts = _amounts(cells, unit)
    if not amounts:
        return []
    largest = max(v for _, v, _ in amounts)
    near: dict[str, tuple[str, Cell]] = {}
    for side in ("income", "expense"):
        labels = {squash(label) for label in catalogue.labels[f"{side}_total"]}
        for i, cell in enumerate(cells):
            if squash(cell.text) in labels:
                close = [(abs(j - i), c) for j, v, c in amounts if 0 < abs(j - i) <= NEAR_LABEL]
                if close and all(to_wan(c.text, unit) == largest for _, c in close):
                    near[side] = (cell.text, min(close, key=lambda pair: pair[0])[1])
                    break
    if len(near) < 2:
        return []
    for side, (label, cell) in near.items():
        table.totals[side] = Row(line=cell.origin.line or seg.line, name=label, kind="total", side=side,
                                 values={"amount": largest}, origins={"amount": cell.origin})
    return [_lost(seg, path, table, "收入总计 and 支出总计 read from their amounts")]


def _lost(seg: Segment, path: str, table: Table, what: str) -> Issue:
    return Issue("rendering-columns-lost", f"{seg.title} (line {seg.line}): the rendering prints the "
                 f"table's cells column by column, without positions; {what}, its other rows not read",
                 path, seg.line, "warning", table=table.key or None)
