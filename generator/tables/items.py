"""Item tables such as 三公 (因公出国（境）费, 公务用车购置及运行费, 公务接待费 …), in either
orientation: items as columns (a multi-level header over one row of amounts, the
Shanghai, Jiangsu and 决算 templates) or items as rows (one label and its amount per
line). The items are the catalogue entry's `columns`; labels map to them by the header
synonyms. In a 决算 table each item has a 预算数 and a 决算数: the 决算数 is the item,
the 预算数 goes under `<item>_budget`.

When the 三公 part has its own 小计 and the table adds other items (会议费, 培训费, Jiangsu),
the leftmost 合计 is `grand_total` and the 小计 is the 三公 `total`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..grid import GridRow
from ..model import COLUMN_LABELS, Column, Issue, Row, Table
from ..numbers import squash
from ..readers.text import is_amount
from .amounts import has_amount, label_text, pieces, to_wan
from .by_identities import place_by_identities, place_in_catalogue_order, place_in_print_orders
from .catalogue import Catalogue, identity_terms
from .coded import _columns
from .header import SUBTOTAL_LABELS, VARIANTS
from .header import Column as HeaderColumn
from .place import identities_hold, place
from .segment import Segment, table_issue
from .verify import rounding_step


def read_items(seg: Segment, catalogue: Catalogue, unit: str, path: str,
               stated: dict[str, Decimal] | None = None) -> tuple[Table, list[Issue]]:
    """`stated`: the figures the 说明 text states, by column key (in 万元), which confirm
    amounts placed without column positions."""
    table = Table(key=seg.kind.key, title=seg.kind.key, line=seg.line, unit=unit, note=seg.title)
    first = next((i for i, r in enumerate(seg.rows) if has_amount(r)), None)
    if first is None:
        table.empty = True
        return table, []
    gathered = _gathered(seg.rows)
    header, body = gathered or (seg.rows[:first], seg.rows[first:])
    leaves = _ruled_leaves(header, body, seg, catalogue)
    if leaves:
        return _read_ruled(table, leaves, body, seg, unit, path)
    # the items are the entry's columns; another keyed label (a fund source: 国有资本经营预算
    # over the 合计 of items printed as rows) is no item
    columns = [c for c in _columns(header, catalogue) if not seg.kind.columns or c.key in seg.kind.columns]
    _name_totals(columns)
    row = Row(line=body[0].line, name=seg.kind.row_name or seg.kind.kind, kind="line")
    amounts = [c for c in body[0].cells if c.text and is_amount(c.text)]
    if len(columns) >= 2 and len(pieces(body[0].cells)) <= 1:
        for column, cell in place(amounts, columns):
            key = column.key if column.variant in (None, "final") else f"{column.key}_{column.variant}"
            row.values.setdefault(key, to_wan(cell.text, unit))
            row.origins.setdefault(key, cell.origin)
        identities = (*seg.kind.identities, GRAND_TOTAL) if "grand_total" in row.values else seg.kind.identities
        by_position = amounts[0].x0 is not None
        if not by_position or len(row.values) < len(amounts) \
                or not identities_hold(row.values, identities, rounding_step(unit)):
            # without positions the header's print order need not be its column order; by
            # positions that leave an amount out or break an identity, a rendering
            # misplaced the header's labels (a wrong figure is worse than a missing one)
            _place_without_positions(row, header, amounts, seg, catalogue, unit, bool(gathered), stated)
            if len(row.values) < len(amounts):
                how = "按恒等式放置（列位置与表头不符）" if by_position else "按恒等式放置（没有列位置）"
                issues = [table_issue(seg, path, "column-ambiguous", row.line, f"{len(amounts)} 个金额中"
                                      f"有 {len(row.values)} 个{how}")]
                table.rows.append(row)
                return table, issues
    else:  # items as rows: "因公出国（境）费  12.00"
        sources = _source_rows(header, row)
        items: dict[str, str] = {}
        firsts: set[int | None] = set()  # the columns of each item's first amount
        for grid_row in body:
            for labels, figures in pieces(grid_row.cells):
                key = catalogue.column_key(label_text(labels))
                if not key or key in items:
                    continue
                items[key] = _ITEM_NOISE.sub("", squash(label_text(labels)))
                firsts.add(figures[0].col if figures else None)
                for cell in figures[:1] + [f for f in figures[1:] if f.col in sources]:
                    target = sources.get(cell.col, row) if cell is not figures[0] else row
                    target.values[key] = to_wan(cell.text, unit)
                    target.origins[key] = cell.origin
        # the items in the catalogue's order (the templates' column order), whatever their row order
        order = sorted(items, key=lambda k: seg.kind.columns.index(k) if k in seg.kind.columns else len(items))
        columns = [HeaderColumn(key, items[key], None, None) for key in order] or columns
        table.rows += [r for col, r in sources.items() if col not in firsts]
    table.columns = [Column(c.key, _item_label(c, catalogue)) for c in columns]
    table.rows.insert(0, row)
    issues = [] if row.values else [table_issue(seg, path, "row-misaligned", row.line, "没有金额能放进列中")]
    return table, issues


# What an item's label prints besides its name: "其中：公务用车购置费", "公务用车购置及运行费（小计）".
_ITEM_NOISE = re.compile(r"^其中[:：]|[（(]小计[)）]$")


def _item_label(column: HeaderColumn, catalogue: Catalogue) -> str:
    """A column's label without wrap spaces ("公务用车购 置费"); a group's 合计 or 小计 column
    (合计 under 因公出国（境）费) by the item's name in the catalogue."""
    label = squash(column.label)
    if label in SUBTOTAL_LABELS and column.key not in (None, "total", "grand_total"):
        return catalogue.columns[column.key][0]
    return label


def _source_rows(header: list[GridRow], first: Row) -> dict[int, Row]:
    """Items as rows with their columns known (a sheet, tab-separated text): a row of the
    items' amounts per column right of the first, named by the header's lowest label over
    it (a fund source: 一般公共预算, 政府性基金 …)."""
    labels: dict[int, str] = {}
    for grid_row in header:
        for cell in grid_row.cells:
            if cell.col is not None and cell.x0 is None and not is_amount(cell.text):
                labels[cell.col] = squash(cell.text)
    return {col: Row(line=first.line, name=label, kind="line") for col, label in sorted(labels.items())
            if col > min(labels)}


def _ruled_leaves(header: list, body: list, seg: Segment, catalogue: Catalogue) -> list[str]:
    """The leaf columns of a two-level header whose cells know their columns but print fewer
    cells than the rows (a merged cell prints once: Word table text), for rows whose figures
    count from their end: the first header line's keys, each group (公务用车购置及运行费)
    followed by the parts an identity gives it that a later line prints; [] unless they are
    as many as the first row's cells."""
    row = body[0]
    if not (row.ruled and row.width and header) or any(c.col is None or c.col >= 0 for c in row.cells):
        return []
    lines = [line for line in _keyed_lines(header, catalogue) if line]
    if not lines:
        return []
    later = {k for line in lines[1:] for k in line}
    leaves: list[str] = []
    for key in lines[0]:
        leaves.append(key)
        for identity in seg.kind.identities:
            left, parts = identity_terms(identity)
            if left == key and left != "total" and set(parts) <= later:
                leaves += parts
    return leaves if len(leaves) == row.width and len(set(leaves)) == len(leaves) else []


def _read_ruled(table: Table, leaves: list[str], body: list, seg: Segment, unit: str,
                path: str) -> tuple[Table, list[Issue]]:
    """Each row of figures by its cells' columns (from the row's end); the first is the
    table's row, a further one (a unit's?) is kept unnamed and reported."""
    table.columns = [Column(k, COLUMN_LABELS.get(k, k)) for k in leaves]
    issues: list[Issue] = []
    for grid_row in body:
        figures = [c for c in grid_row.cells if is_amount(c.text)]
        if not figures or grid_row.width != len(leaves) or len(figures) != len(grid_row.cells):
            if figures:
                issues.append(table_issue(seg, path, "row-width", grid_row.line, f"不是 {len(leaves)} 个数值单元格，未读"))
            continue
        row = Row(line=grid_row.line, name=None if table.rows else seg.kind.row_name or seg.kind.kind,
                  kind="line")
        for cell in figures:
            key = leaves[len(leaves) + cell.col]
            row.values[key], row.origins[key] = to_wan(cell.text, unit), cell.origin
        if table.rows:
            issues.append(table_issue(seg, path, "row-unlabelled", row.line, "数没有名称（表以第一行为准）"))
        table.rows.append(row)
    return table, issues


def _place_without_positions(row: Row, header: list, amounts: list, seg: Segment,
                             catalogue: Catalogue, unit: str, gathered: bool = False,
                             stated: dict[str, Decimal] | None = None) -> None:
    """The header's keyed labels line by line (a label split over two lines joined; a
    group label whose parts are all there stands for its 小计) → `place_by_identities`."""
    lines = _keyed_lines(header, catalogue)
    keys = {k for line in lines for k in line}
    for identity in seg.kind.identities:
        left, parts = identity_terms(identity)
        if left != "total" and left in keys and set(parts) <= keys and sum(line.count("total") for line in lines) >= 2:
            lines = [[k for k in line if k != left] for line in lines]  # the group heading
            later = [line for line in lines if "total" in line][-1]
            later[later.index("total")] = left  # its 小计
    if any(k in keys for k in ("meeting", "training")):
        first = next((line for line in lines if "total" in line), None)
        if first is not None and sum(line.count("total") for line in lines) >= 2:
            first[first.index("total")] = "grand_total"
    figures = [to_wan(a.text, unit) for a in amounts]
    if gathered and seg.kind.orders:
        values = _in_print_order(lines, header, figures, seg, unit, stated or {})
        values = _after_labels(values, lines, header, amounts, figures, seg, catalogue, unit, stated or {})
    else:
        values = {} if gathered else place_by_identities(lines, figures, seg.kind.identities, rounding_step(unit))
    if len(values) < len(amounts) and not (gathered and seg.kind.orders):
        ordered = _in_catalogue_order(lines, header, figures, seg, unit, pinned=gathered, stated=stated)
        values = ordered if len(ordered) > len(values) else values
    row.values = values
    row.origins = {k: amounts[figures.index(v)].origin for k, v in values.items()}


# The Jiangsu 合计 over the 三公 小计 and the other items it prints beside them.
GRAND_TOTAL = "grand_total = total + meeting + training"


def _in_print_order(lines: list[list[str]], header: list, figures: list, seg: Segment, unit: str,
                    stated: dict[str, Decimal]) -> dict:
    """The templates' column orders whose columns include every key the header names (the
    fewest others) → `place_in_print_orders`."""
    named = {k for line in lines for k in line}
    fitting = [order for order in seg.kind.orders if named <= set(order)]
    fewest = min((len(order) - len(named) for order in fitting), default=0)
    variants = tuple(dict.fromkeys(_printed_variants(header)))
    return place_in_print_orders([o for o in fitting if len(o) - len(named) == fewest], figures,
                                 (*seg.kind.identities, GRAND_TOTAL), rounding_step(unit), variants, stated)


def _after_labels(values: dict, lines: list[list[str]], header: list, amounts: list, figures: list,
                  seg: Segment, catalogue: Catalogue, unit: str, stated: dict[str, Decimal]) -> dict:
    """The print order's placement, with the items it left open because their amounts
    could trade places (因公出国 and 公务接待 add up alike) decided by the labels' order:
    the default mode prints a column's label before its amount (the label is above it),
    so a trade that would give an item an amount printed before its label, or give the
    other item this one's amount printed before the other's label, is ruled out. An item
    every placement gives one amount (not blank), with no trade left, is pinned, as a
    figure the text states would be, and the columns are placed again."""
    label_lines = _label_lines(header, catalogue)
    named = {k for line in lines for k in line}
    keys = dict.fromkeys(k for order in seg.kind.orders if named <= set(order) for k in order)
    open_labels = [label_lines[k] for k in keys if k in label_lines and k not in values]
    if not open_labels or min((c.origin.line or 0) for c in amounts) > max(open_labels):
        return values  # no open item's label prints after an amount: the order rules nothing out
    # (a column placed has its one amount in every placement)
    possible = {key: [values[key]] if key in values else _possible(key, lines, header, figures, seg, unit, stated)
                for key in keys}
    single = {key: found[0] for key, found in possible.items() if len(found) == 1}
    identities = (*seg.kind.identities, GRAND_TOTAL) if "grand_total" in possible else seg.kind.identities

    def printed_before(amount: Decimal, key: str) -> bool:
        return key in label_lines and all((c.origin.line or 0) < label_lines[key]
                                          for f, c in zip(figures, amounts) if f == amount)

    pins = dict(stated)
    for key, amount in single.items():
        if key in values or key in pins or key not in label_lines or amount == 0:
            continue
        # (an identity over a column of more than one possible amount is not checked: a trade)
        trades = [(other, theirs) for other, found in possible.items() if other != key for theirs in found
                  if theirs != amount and identities_hold({**single, key: theirs, other: amount}, identities,
                                                          rounding_step(unit))]
        if all(printed_before(theirs, key) or printed_before(amount, other) for other, theirs in trades):
            pins[key] = amount
    if len(pins) == len(stated):
        return values
    again = _in_print_order(lines, header, figures, seg, unit, pins)
    return again if set(values.items()) <= set(again.items()) else values


def _possible(key: str, lines: list[list[str]], header: list, figures: list, seg: Segment, unit: str,
              stated: dict[str, Decimal]) -> list[Decimal]:
    """The amounts some placement in print order gives the column (0: blank), each tried
    as a figure the text states: a placement giving it that amount survives."""
    found = []
    for amount in dict.fromkeys((Decimal(0), *figures)):
        placed = _in_print_order(lines, header, figures, seg, unit, {**stated, key: amount})
        if (key in placed) if amount else bool(placed):  # (a blank column is never placed)
            found.append(amount)
    return found


def _label_lines(header: list, catalogue: Catalogue) -> dict[str, int]:
    """Each item's label (printed once, not a 合计/小计) → the line its last piece prints on."""
    seen: dict[str, list[int]] = {}
    for row, keys in zip(header, _keyed_lines(header, catalogue)):
        for key in keys:
            seen.setdefault(key, []).append(row.line)
    return {key: found[0] for key, found in seen.items() if len(found) == 1 and key != "total"}


def _printed_variants(header: list) -> list[str]:
    """The variant under each column the header prints (预算数 → budget, 决算数 → final)."""
    return [VARIANTS[squash(c.text)] for r in header for c in r.cells if squash(c.text) in VARIANTS]


def _in_catalogue_order(lines: list[list[str]], header: list, figures: list, seg: Segment,
                        unit: str, pinned: bool = False, stated: dict[str, Decimal] | None = None) -> dict:
    """The header's keys in the catalogue's column order (-raw prints a multi-level
    header's labels in another order, and drops blank cells) → `place_in_catalogue_order`."""
    keys = list(dict.fromkeys(k for line in lines for k in line))
    order = {key: i for i, key in enumerate(seg.kind.columns)}
    if any(k not in order for k in keys):
        return {}  # a key the catalogue does not order: no order to assume
    if len(keys) != sum(len(line) for line in lines) or len(keys) < len(figures):
        keys = _template_columns(keys, seg.kind.columns)
    printed = _printed_variants(header)
    variants = tuple(dict.fromkeys(printed))
    if variants and len(printed) != len(keys) * len(variants):
        return {}
    identities = (*seg.kind.identities, GRAND_TOTAL) if "grand_total" in keys else seg.kind.identities
    return place_in_catalogue_order(sorted(keys, key=order.__getitem__), figures, identities,
                                    rounding_step(unit), variants, pinned, stated)


def _gathered(rows: list) -> tuple[list, list] | None:
    """A header and its one row of amounts that the default mode of pdftotext prints
    cell by cell, labels and amounts interleaved ("合计" / "小计" / "1,384.74" / "484.30" /
    "因公出国" …): the labels as the header, the amounts, in print order, as the row.
    None for any other table (an amount beside a label, positions known, one amounts line)."""
    figures = [r for r in rows if has_amount(r)]
    if len(figures) < 2 or any(c.x0 is not None or c.col is not None for r in rows for c in r.cells):
        return None
    if not all(is_amount(c.text) for r in figures for c in r.cells):
        return None
    merged = GridRow(cells=[c for r in figures for c in r.cells], line=figures[0].line, page=figures[0].page)
    return [r for r in rows if not has_amount(r)], [merged]


def _template_columns(found: list[str], columns: tuple[str, ...]) -> list[str]:
    """The template's columns up to the last one the header names, for a header whose
    labels print in pieces no line joins (-raw: "因公出" / "国（境）" / "费"): the
    catalogue lists them in the templates' order; 合计 over 小计 only beside 会议费/培训费."""
    last = max((columns.index(k) for k in found), default=-1)
    keys = list(columns[:last + 1])
    return keys if {"meeting", "training"} & set(keys) else [k for k in keys if k != "grand_total"]


def _keyed_lines(header: list, catalogue: Catalogue) -> list[list[str]]:
    lines: list[list[str]] = []
    carry = ""
    for grid_row in header:
        keys = []
        for cell in grid_row.cells:
            text = carry + cell.text
            heading = any(h in squash(text) for h in catalogue.labels["headings"])
            key = (catalogue.column_key(text) or ("total" if catalogue.is_total(cell.text) else None)) \
                if squash(cell.text) not in VARIANTS and not heading else None
            carry = "" if key or heading else (text if cell is grid_row.cells[-1] else "")
            if key:
                keys.append(key)
        lines.append(keys)
    return lines


def _name_totals(columns) -> None:
    """Two total columns (合计 and the 三公 小计): the leftmost is the grand total."""
    totals = [c for c in columns if c.key == "total" and c.variant in (None, "final")]
    if len(totals) >= 2 and any(c.key in ("meeting", "training") for c in columns):
        totals[0].key = "grand_total"
    elif len(totals) >= 2:
        for extra in totals[1:]:
            extra.key = "vehicle_total"
