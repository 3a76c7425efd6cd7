"""Two-sided tables whose cells know their columns (tab-separated text, Word table text, a
sheet): the header's label headings (项目 | 支出功能分类 …) start the sides, each side
taking the columns up to the next one's, keyed by their headings (表四's expense side:
合计 一般公共预算 政府性基金预算 国有资本经营预算; a side of one column: amount).

Each row is read in these columns, every column of a side listed (None where empty); what
does not fit them is reported: a number where a label stands (another table's row, not
read), amounts without a label (not read), text in an amount column, cells right of the
last column, a row printing more or fewer cells than the header.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..grid import Cell, GridRow
from ..model import COLUMN_LABELS, Column, Issue, Row, Table
from ..numbers import squash
from .amounts import is_amount_cell, label_text, to_wan
from .catalogue import Catalogue
from .codes import column_from_left
from .column_fit import is_bare_number
from .ruled import MAX_CELLS_OVER
from .segment import Segment, table_issue

# A side's label heading: 项目, 支出功能分类, 科目, 项目名称, or the side's own name (收入).
SIDE_HEADING_ENDS = ("项目", "科目", "分类", "名称")
SIDE_NAMES = {"income": "收入", "expense": "支出"}
_LABEL_KEYS = {label: key for key, label in COLUMN_LABELS.items() if key != "amount"}


@dataclass
class Side:
    """One side of the table: the column of its labels and its amount columns."""

    label_col: int
    columns: list[tuple[int, Column]]


def read_sides(seg: Segment, header: list[GridRow], body: list[GridRow], table: Table, catalogue: Catalogue,
               unit: str, path: str) -> list[Issue]:
    """Read `body` into `table` (rows with their side) by the header's sides."""
    issues: list[Issue] = []
    title = seg.title
    heading = next((r for r in reversed(header) if len(_headings(r)) >= 2), None)
    width = _width(heading, body)
    sides = _sides(heading, width, catalogue) if heading is not None else []
    if not sides:
        issues.append(Issue("table-unreadable", f"{title}：看不出收支两方的名称列；整表未读",
                            path, table.line, "error", table.key))
        return issues
    columns: dict[str, Column] = {}
    for side in sides:
        for _, column in side.columns:
            columns.setdefault(column.key, column)
    table.columns = list(columns.values())
    printed = heading.width if heading is not None else None
    data_widths = Counter(r.width for r in body if r.width is not None)
    if printed is not None and data_widths and data_widths.most_common(1)[0][0] != printed:
        issues.append(Issue("header-width", f"{title} 第 {heading.line} 行表头：{printed} 个单元格，而数据行印 "
                            f"{data_widths.most_common(1)[0][0]} 个；列存疑", path, None, "warning", table.key))
    for grid_row in body:
        if not _fits(grid_row, width, seg, path, issues):
            continue
        at = {column_from_left(c, grid_row): c for c in grid_row.cells if c.col is not None}
        bare = [at[s.label_col] for s in sides if s.label_col in at and is_bare_number(at[s.label_col].text)]
        if bare:
            issues.append(table_issue(seg, path, "row-misplaced", grid_row.line, f"「{bare[0].text}」印在印名称的"
                                      "位置（另一张表的行？）；该行未读"))
            continue
        for index, side in enumerate(sides):
            _read_side(grid_row, at, side, "income" if index == 0 else "expense", table, unit, seg, path, issues)
    return issues


def _headings(row: GridRow) -> list[Cell]:
    """The row's label headings (项目, 功能分类 …); else its side names (收入, 支出)."""
    cells = [(c, squash(c.text)) for c in row.cells if c.col is not None]
    labels = [c for c, flat in cells if flat.endswith(SIDE_HEADING_ENDS)]
    return labels if len(labels) >= 2 else [c for c, flat in cells if flat in SIDE_NAMES.values()]


def _width(heading: GridRow | None, body: list[GridRow]) -> int:
    """How many columns the table prints: the header's, or the usual row's (never the
    widest row's: one row with stray cells adds no column)."""
    def row_width(row: GridRow) -> int:
        return row.width or max((column_from_left(c, row) or 0) + 1 for c in row.cells) if row.cells else 0
    widths = [row_width(heading)] if heading is not None else []
    if body:
        widths.append(Counter(row_width(r) for r in body).most_common(1)[0][0])
    return max(widths, default=0)


def _sides(heading: GridRow, width: int, catalogue: Catalogue) -> list[Side]:
    labels = {column_from_left(c, heading): squash(c.text) for c in heading.cells if c.col is not None}
    starts = sorted(column_from_left(c, heading) for c in _headings(heading))
    sides = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else width
        spans = range(start + 1, end)
        if len(spans) == 1:
            sides.append(Side(start, [(start + 1, Column("amount", labels.get(start + 1) or "金额"))]))
            continue
        keyed = []
        for j in spans:
            label = labels.get(j, "")
            key = _LABEL_KEYS.get(label) or catalogue.column_key(label) if label else None
            if key is None or key in {c.key for _, c in keyed}:
                key = f"col_{j + 1}"
            keyed.append((j, Column(key, label or key)))
        sides.append(Side(start, keyed))
    return sides if len(sides) >= 2 and all(s.columns for s in sides) else []


def _fits(row: GridRow, width: int, seg: Segment, path: str, issues: list[Issue]) -> bool:
    """A row printing a different number of cells than the header is reported on each line
    with a figure (those are the figures whose column is in doubt); far more is not read.
    Cells right of the last column are reported, not read."""
    if row.width is not None and row.width != width:
        refused = row.width > width + MAX_CELLS_OVER
        lines = sorted({c.origin.line or row.line for c in row.cells if is_amount_cell(c)} | {row.line})
        for line in lines:
            issues.append(Issue("row-width", f"{seg.title} 第 {row.line} 行：{row.width} 个单元格，表头有 {width} 个"
                                + ("；未读" if refused else ""), path, line, "error" if refused else "warning",
                                seg.kind.key))
        return not refused
    extra = [c for c in row.cells if c.col is not None and (column_from_left(c, row) or 0) >= width]
    if extra:
        issues.append(table_issue(seg, path, "cell-unplaced", row.line, f"本表 {width} 列之外还有 {len(extra)} 个"
                                  f"有内容的单元格（第一个为「{extra[0].text[:20]}」）；未读"))
    return True


def _read_side(grid_row: GridRow, at: dict[int | None, Cell], side: Side, name: str, table: Table,
               unit: str, seg: Segment, path: str, issues: list[Issue]) -> None:
    label = at.get(side.label_col)
    values, origins = {}, {}
    for j, column in side.columns:
        cell = at.get(j)
        values[column.key] = to_wan(squash(cell.text), unit) if cell is not None else None
        if cell is None:
            continue
        origins[column.key] = cell.origin
        if values[column.key] is None:
            issues.append(table_issue(seg, path, "cell-unreadable", grid_row.line, f"「{cell.text}」不是金额"))
    text = label_text([label]) if label is not None else ""
    if not text:
        found = [str(v) for v in values.values() if v is not None]
        if found:
            issues.append(table_issue(seg, path, "row-unlabelled", grid_row.line, f"{SIDE_NAMES[name]}"
                                      f"方金额 {'、'.join(found[:3])} 没有名称；未读"))
        return
    # the row's line is its first figure's (a Word row prints a cell a line): messages
    # about a row point at its figures
    line = next((o.line for o in origins.values() if o.line), label.origin.line or grid_row.line)
    origins["name"] = label.origin
    table.rows.append(Row(line=line, name=text, side=name, values=values, kind="line", origins=origins))
