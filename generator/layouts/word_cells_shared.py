"""word-cells tables read by the shared pipeline (issue 15: one shape at a time): the
document's cell grid (`readers.word_cells`) → the shared segmenter → the interpreter of the
table's shape; then what this layout's output has always said of a table: the printed
title, every column listed in every row, a 合计 printed as "合计", 为空表, and the doubts
on the codes' 类/款/项 nesting and on rows whose parts do not add up to their 合计.
"""

from __future__ import annotations

from ..grid import Grid
from ..model import Document, Issue, Table
from ..numbers import squash
from ..tables.catalogue import load_catalogue
from ..tables.pipeline import INTERPRETERS
from ..tables.segment import Segment, find_tables
from .common import report_unbalanced_rows
from .word_cells_doubts import check_code_order, check_economic_side, moved_value_doubts
from .word_cells_header import table_label

# Tables read by the shared segmenter and interpreters; the others still by this layout's
# own code.
SHARED = {"income", "expense", "general_public", "basic", "projects", "three_public", "gov_fund", "state_capital", "carryover"}


def shared_segments(grid: Grid, doc: Document) -> dict[str, Segment]:
    """The segments of the tables in SHARED, by table key."""
    segments, issues = find_tables(grid, load_catalogue())
    found = {s.kind.key: s for s in segments if s.kind.key in SHARED}
    doc.issues.extend(i for i in issues if i.table in found)
    return found


def read_shared(seg: Segment, title: str, doc: Document) -> Table:
    """One table of a shape the shared pipeline reads; `title` as printed."""
    catalogue = load_catalogue()
    seg.title = table_label(seg.kind.key)  # messages name the table as this layout's do: 表六
    table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, seg.unit or doc.unit or "万元", doc.path)
    doc.issues.extend(found)
    table.title, table.note = title, " ".join(seg.notes) or None
    for column in table.columns:
        column.label = squash(column.label)
    for row in [*table.rows, *table.totals.values()]:  # this layout lists every column
        row.values = {c.key: row.values.get(c.key) for c in table.columns} | row.values
    total = table.totals.get("total")
    if total is not None:
        total.name = squash(total.name)
    label = table_label(table.key)
    if not any(v is not None for r in [*table.rows, *table.totals.values()] for v in r.values.values()):
        table.empty, table.rows, table.totals = True, [], {}
        return table
    if total is None and seg.kind.shape in ("coded", "named"):
        doc.issues.append(Issue("total-missing", f"{label}：未见合计行（表格不全？）", doc.path,
                                table.line, "warning", table.key))
    check_code_order(table, doc, label)
    moved_value_doubts(table, doc)
    if table.key == "basic":
        check_economic_side(table, doc, label)
    report_unbalanced_rows(table, doc, label)
    return table
