"""Totals of tables the default mode of pdftotext prints cell by cell, without column
positions: a ruled table's cells come column by column in places (a run of codes, a run
of names, each amount column), labels apart from their amounts ("156,211,123" /
"一、一般公共服务支出"), so most rows cannot be put together again. Two things survive
and are read here, each only where an identity confirms it (missing, never wrong):

- a coded table's 合计 row: the largest amount of the table, printed with its parts
  right after it ("99,706,020 / 88,537,451 / 11,168,569": 合计 = 人员经费 + 公用经费, the
  parts in the identity's order, which is the header's);
- a two-sided table's 收入总计 and 支出总计: equal, the largest amount of the table
  (printed at least twice), and printed next to each of the two labels (or, -raw, twice
  on the one line of the totals' row);
- a classified table's 类 rows: a class is known by its standard name (classes.toml,
  功能分类 or 经济分类), its total is the amount printed right after the name, and
  the classes' totals must add up to the table's 合计 (one class whose amount did not
  follow its name: the difference, where the table prints it; more: the rows printed
  between their neighbours that make it up); where the names do not tell, a table whose
  fused codes print as a column, its rows' amounts after them: the rows in code order
  (`code_order`).

Figures these leave out stay missing, with the `rendering-columns-lost` issue.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..grid import Cell
from ..model import Issue, Row, Table
from ..numbers import squash
from .amounts import to_wan
from .catalogue import Catalogue, identity_terms
from .code_order import (
    _CODE_LIKE,
    _adds_up,
    _is_plain_amount,
    _lost_between,
    _run_after,
    rows_in_code_order,
)
from .segment import Segment
from .verify import rounding_step

# how many cells away from a total's label its amount may print
NEAR_LABEL = 3


def _cells(seg: Segment) -> list[Cell]:
    return [c for r in seg.rows for c in r.cells if c.text.strip()]


def _amounts(cells: list[Cell], unit: str) -> list[tuple[int, Decimal, Cell]]:
    """The amounts among the cells, in print order (not the codes: "2040401", "05", "201")."""
    return [(i, v, c) for i, c in enumerate(cells) if _is_plain_amount(c.text)
            and (v := to_wan(c.text, unit)) is not None]


def coded_total(table: Table, seg: Segment, identities: tuple[str, ...], unit: str, path: str) -> list[Issue]:
    """The 合计 row of a coded table whose rows were lost, from its largest amount and
    the parts printed after it (the first identity over `total`)."""
    if table.totals.get("total") is not None and table.totals["total"].values:
        return []
    identity = next((i for i in identities if identity_terms(i)[0] == "total"), None)
    amounts = _amounts(_cells(seg), unit)
    if identity is None or not amounts:
        return []
    parts = identity_terms(identity)[1]
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
    row = _total_row(largest, cell, seg)
    if all([v for v, _ in a] == [v for v, _ in after] for _, a in found):
        for key, (value, part) in zip(parts, after):
            row.values[key], row.origins[key] = value, part.origin
    table.totals["total"] = row
    return [_lost(seg, path, table, "合计按金额推定")]


def _total_row(amount: Decimal, cell: Cell, seg: Segment) -> Row:
    return Row(line=cell.origin.line or seg.line, name="合计", kind="total",
               values={"total": amount}, origins={"total": cell.origin})


CLASSES_PATH = Path(__file__).with_name("classes.toml")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[、.．])")


@cache
def class_codes(classification: str = "function") -> dict[str, str]:
    """Standard 类 name → its code, of the 功能分类 ("function") or 经济分类 ("economic")."""
    data = tomllib.loads(CLASSES_PATH.read_text(encoding="utf-8"))
    return {name: code for code, names in data[classification].items() for name in names}


def coded_classes(table: Table, seg: Segment, unit: str, path: str, classification: str,
                  headings: frozenset[str]) -> list[Issue]:
    """The 类 rows of a classified table whose codes the rendering lost: by their names,
    else (codes printed as a column, fused) by the rows' code order."""
    if any(r.kind == "class" and r.get("total") is not None for r in table.rows):
        return []
    cells = _cells(seg)
    amounts = _amounts(cells, unit)
    total_row = table.totals.get("total")
    if total_row is None or total_row.get("total") is None:
        if not amounts:
            return []
        # no 合计 read: the largest amount, where the classes add up to it
        _, largest, cell = max(amounts, key=lambda a: a[1])
        total_row = _total_row(largest, cell, seg)
    step = rounding_step(unit)
    found, how = _by_names(cells, amounts, total_row, classification, unit, step, headings), "各类行按名称读取"
    if found is None:
        found, how = _by_code_order(cells, total_row, classification, unit, step), "各类行按编码顺序读取"
    if found is None:
        return []
    table.totals["total"] = total_row
    printed = {r.code: r for r in table.rows if r.kind == "class" and r.code}
    for code in sorted(found):
        name, cell = found[code]
        row = printed.get(code)  # a class row read without its amount takes it
        if row is None:
            row = Row(line=cell.origin.line or seg.line, name=name, code=code, kind="class")
            table.rows.append(row)
        row.name = name  # as the rendering printed it whole (a rejoined name may have taken more)
        row.values["total"], row.origins["total"] = to_wan(cell.text, unit), cell.origin
    return [_lost(seg, path, table, how)]


def _by_names(cells: list[Cell], amounts: list, total_row: Row, classification: str, unit: str,
              step: Decimal, headings: frozenset[str]) -> dict[str, tuple[str, Cell]] | None:
    """Class code → (name, the cell of its total), each class known by its name, its amount
    the one printed after it (see `_class_names`), the classes adding up to the 合计."""
    found = _class_names(cells, class_codes(classification), unit, step, headings)
    if not found:
        return None
    values = {code: to_wan(c.text, unit) for code, (_, c) in found.items() if c is not None}
    lost = [code for code, (_, c) in found.items() if c is None]
    rest = total_row.get("total") - sum(values.values(), Decimal(0))
    if len(lost) == 1:
        printed = [c for _, v, c in amounts if v == rest]
        if not printed:
            return None
        found[lost[0]] = (found[lost[0]][0], printed[0])
    elif lost:
        between = _lost_between(cells, found, lost, rest, unit, step)
        if between is None:
            return None
        found.update({code: (found[code][0], cell) for code, cell in between.items()})
    elif abs(rest) > step * len(values):
        return None
    return found


def _by_code_order(cells: list[Cell], total_row: Row, classification: str, unit: str,
                   step: Decimal) -> dict[str, tuple[str, Cell]] | None:
    """Class code → (name, the cell of its total) from `code_order.rows_in_code_order`,
    each class named as printed (whole or wrapped), else by its standard name."""
    rows = rows_in_code_order(cells, unit, step, total_row.get("total"), total_row.origins.get("total"))
    if rows is None:
        return None
    codes = class_codes(classification)
    printed = {codes[name]: name for _, name in _names(cells, codes)}
    standard = {code: name for name, code in reversed(codes.items())}
    return {code: (printed.get(code) or standard.get(code, code), cell) for code, cell in rows.items()
            if len(code) == 3}


def _class_names(cells: list[Cell], codes: dict[str, str], unit: str, step: Decimal,
                 headings: frozenset[str]) -> dict[str, tuple[str, Cell | None]]:
    """Class code → (its name as printed, the cell of its total or None). A name may print
    more than once (in a header printed column by column, then in its row): the occurrence
    whose amounts after it add up as a row's do (合计 = 基本支出 + 项目支出, or 合计 and one
    part where the other is blank) wins, else the first one followed by an amount. A class
    whose name prints only in the header (the first row of a page): the first run of
    amounts after a code or a column heading (`headings`: 合计, 项 …) that follows its
    name, before the next class."""
    found: dict[str, tuple[str, Cell | None]] = {}
    first: dict[str, int] = {}
    whole: set[str] = set()
    for i, name in _names(cells, codes):
        code = codes[name]
        if code in whole:
            continue
        first.setdefault(code, i)
        after = _run_after(cells, i, unit)
        if after and _adds_up(after, step):
            found[code] = (name, cells[i + 1])
            whole.add(code)
        elif code not in found or (found[code][1] is None and after):
            found[code] = (name, cells[i + 1] if after else None)
    index = {id(c): i for i, c in enumerate(cells)}
    bounds = sorted({*first.values(), *(index[id(c)] for _, c in found.values() if c is not None)})
    for code, (name, cell) in list(found.items()):
        if cell is None:
            end = next((b for b in bounds if b > first[code]), len(cells))
            cell = _headless_run(cells, first[code], end, unit, step, headings)
            found[code] = (name, cell or _sum_of_children(cells, code, unit))
    return found


def _sum_of_children(cells: list[Cell], code: str, unit: str) -> Cell | None:
    """A class's amount printed apart from its name: the amount its 款 rows add up to
    (each printed "30201 办公费 489.30", code, name, amount), where the table prints it."""
    children: list[Decimal] = []
    for i, cell in enumerate(cells):
        text = cell.text.strip()
        if len(text) == len(code) + 2 and text.startswith(code) and text.isdigit():
            after = cells[i + 2].text if i + 2 < len(cells) else ""
            if not _is_plain_amount(after):
                return None  # a child whose amount printed elsewhere: no sum to trust
            children.append(to_wan(after, unit))
    if not children:
        return None
    total = sum(children, Decimal(0))
    return next((c for _, v, c in _amounts(cells, unit) if v == total), None)


# how many cells a class name wrapped over may take ("社会保障和就" / "业支出")
NAME_PIECES = 3


def _names(cells: list[Cell], codes: dict[str, str]):
    """(index of its last cell, name) of every standard class name printed, whole or
    wrapped over the next cells."""
    starts = {name[:2] for name in codes}
    for i, cell in enumerate(cells):
        if _ORDINAL.sub("", squash(cell.text))[:2] not in starts:
            continue
        name = ""
        for j in range(i, min(i + NAME_PIECES, len(cells))):
            if _is_plain_amount(cells[j].text):
                break
            name += squash(cells[j].text) if j > i else _ORDINAL.sub("", squash(cell.text))
            if name in codes:
                yield j, name
                break


def _headless_run(cells: list[Cell], start: int, end: int, unit: str, step: Decimal,
                  headings: frozenset[str]) -> Cell | None:
    """The first run of amounts between `start` and `end` printed after a code or a column
    heading (not after a name: that is another row's), whose amounts add up as a row's."""
    for j in range(start + 1, end):
        before = squash(cells[j - 1].text)
        if _is_plain_amount(cells[j].text) and (_CODE_LIKE.match(before) or before in headings):
            run = _run_after(cells, j - 1, unit)
            return cells[j] if _adds_up(run, step) else None
    return None


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
    labels = _total_labels(cells, catalogue)
    for side, i in labels:
        close = [c for j, v, c in amounts if 0 < abs(j - i) <= NEAR_LABEL and v == largest]
        if close and side not in near:
            near[side] = (cells[i].text, close[0])
    if sum(1 for _, v, _ in amounts if v == largest) < 2:
        return []  # each side prints its total
    if len(near) == 1 and (line_totals := _on_the_total_line(cells, labels, largest, unit)):
        # (a total read with its label and amount is kept as read)
        near = {s: t for s, t in line_totals.items() if not (table.totals.get(s) and table.totals[s].values)}
    elif len(near) < 2:
        return []
    for side, (label, cell) in near.items():
        table.totals[side] = Row(line=cell.origin.line or seg.line, name=label, kind="total", side=side,
                                 values={"amount": largest}, origins={"amount": cell.origin})
    return [_lost(seg, path, table, "收入总计和支出总计按金额推定")]


def _on_the_total_line(cells: list[Cell], labels: list[tuple[str, int]], largest: Decimal,
                       unit: str) -> dict[str, tuple[str, Cell]]:
    """Both totals where -raw prints the totals' row as one line ("收入合计 24,458.43
    24,458.43") and the other side's label apart, alone on its line ("支出合计", after the
    title): a total label followed on its line by the largest amount twice and nothing
    else, the other side's label alone on its line; the first amount is the label's, the
    second the other side's. `labels`: the cells' `_total_labels`."""
    lines: dict[int | None, list[Cell]] = {}
    for cell in cells:
        lines.setdefault(cell.origin.line, []).append(cell)
    alone = {side: [cells[i] for s, i in labels if s == side and lines[cells[i].origin.line] == [cells[i]]]
             for side in ("income", "expense")}
    for side, i in labels:
        row = lines[cells[i].origin.line]
        other = "expense" if side == "income" else "income"
        if cells[i].origin.line is not None and len(row) == 3 and row[0] is cells[i] and len(alone[other]) == 1 \
                and all(_is_plain_amount(c.text) and to_wan(c.text, unit) == largest for c in row[1:]):
            return {side: (cells[i].text, row[1]), other: (alone[other][0].text, row[2])}
    return {}


# the labelled total lines a coded table may print ("人员经费合计 95.36  公用经费合计 10.23")
# and the 说明 text's figure for each
LABELLED_TOTALS = {"人员经费合计": "basic_personnel", "公用经费合计": "basic_public"}


def stated_lines(table: Table, seg: Segment, stated: dict[str, Decimal], unit: str, path: str) -> list[Issue]:
    """A labelled total line (人员经费合计 …) whose amount the rendering printed elsewhere:
    the amount the 说明 text states for it, where the table prints that amount too."""
    cells = _cells(seg)
    printed = {v for _, v, _ in _amounts(cells, unit)}
    labels = {squash(c.text) for c in cells}
    key = table.columns[0].key if table.columns else "total"
    read = []
    for label, figure in LABELLED_TOTALS.items():
        value = stated.get(figure)
        if label not in labels or value is None or value not in printed or any(
                squash(r.name).startswith(label) and r.values for r in table.rows):
            continue
        cell = next(c for _, v, c in _amounts(cells, unit) if v == value)
        table.rows.append(Row(line=cell.origin.line or seg.line, name=label, kind="line",
                              values={key: value}, origins={key: cell.origin}))
        read.append(label)
    if not read:
        return []
    return [Issue("column-inferred", f"{seg.title}（第 {seg.line} 行）：本文本丢失了列位置，"
                  f"{'、'.join(read)} 取说明中所述且表中印有的金额", path, seg.line, "warning",
                  table=table.key or None)]


def _total_labels(cells: list[Cell], catalogue: Catalogue) -> list[tuple[str, int]]:
    """(side, cell index) of the total labels: 收入总计 / 支出总计 by their words, a bare
    总计 by its order (the default mode prints the 收入 side first: the first is 收入's,
    the next 支出's)."""
    named = {side: {squash(label) for label in catalogue.labels[f"{side}_total"]} for side in ("income", "expense")}
    found, bare = [], 0
    for i, cell in enumerate(cells):
        text = squash(cell.text)
        side = next((s for s, labels in named.items() if text in labels), None)
        if side is None and text == "总计" and bare < 2:
            side, bare = ("income", "expense")[bare], bare + 1
        if side is not None:
            found.append((side, i))
    return found


def _lost(seg: Segment, path: str, table: Table, what: str) -> Issue:
    return Issue("rendering-columns-lost", f"{seg.title}（第 {seg.line} 行）：文本版本逐列印出表格单元，"
                 f"没有位置信息；{what}，其余各行未读取",
                 path, seg.line, "warning", table=table.key or None)
