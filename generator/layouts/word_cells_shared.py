"""word-cells tables read by the shared pipeline (issue 15: one shape at a time): the
document's cell grid (`readers.word_cells`) → the shared segmenter → the interpreter of the
table's shape; then what this layout's output has always said of a table: the printed
title, every column listed in every row, a 合计 printed as "合计", 为空表, and the doubts
on the codes' 类/款/项 nesting and on rows whose parts do not add up to their 合计
(`tables.row_doubts`).
"""

from __future__ import annotations

from ..grid import Grid
from ..model import TABLE_KEYS, Document, Issue, Table, table_label
from ..numbers import squash
from ..tables.catalogue import load_catalogue
from ..tables.performance import read_performance
from ..tables.pipeline import INTERPRETERS
from ..tables.row_doubts import row_doubts
from ..tables.segment import Segment, find_tables
from .common import list_every_column

# The tables read by the shared segmenter and interpreters: every table of the template.
SHARED = frozenset(TABLE_KEYS)


# Label/value pairs and indicator rows print a few cells; far more is a run of cells pasted in.
MAX_TARGET_ROW_CELLS = 40


def shared_segments(grid: Grid, doc: Document) -> tuple[dict[str, Segment], list[Segment]]:
    """The segments of the tables in SHARED, by table key; and the 绩效目标表's."""
    segments, issues = find_tables(grid, load_catalogue())
    found = {s.kind.key: s for s in segments if s.kind.key in SHARED}
    doc.issues.extend(i for i in issues if i.table in found)
    return found, [s for s in segments if s.kind.shape == "key_value"]


def read_targets(segments: list[Segment], doc: Document) -> None:
    """The 绩效目标表 by the shared key-value interpreter. Word prints one cell a line: a
    line printing several (a run of cells pasted in) leaves which cell follows a label such
    as 年度资金总额 unknown, so the target's figures are in doubt."""
    catalogue = load_catalogue()
    for seg in segments:
        crowded = next((r.line for r in seg.rows if len({c.origin.line for c in r.cells}) < len(r.cells)), None)
        seg.rows = [r for r in seg.rows if len(r.cells) <= MAX_TARGET_ROW_CELLS]  # no row of it
        target, issues = read_performance(seg, catalogue, doc.path)
        doc.issues.extend(issues)
        if target is None:
            continue
        if crowded is not None:
            doc.issues.append(Issue("performance-doubtful", f"绩效目标表 {target.name}：第 {crowded} 行印有"
                                    "多个单元格，单元格错位，其数存疑", doc.path, target.line, "warning",
                                    "performance"))
        doc.performance.append(target)


def read_shared(seg: Segment, title: str, doc: Document) -> Table:
    """One table of a shape the shared pipeline reads; `title` as printed."""
    catalogue = load_catalogue()
    seg.title = table_label(seg.kind.key)  # messages name the table as this layout's do: 表六
    table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, seg.unit or doc.unit or "万元", doc.path)
    doc.issues.extend(found)
    table.title, table.note = title, " ".join(seg.notes) or None
    for column in table.columns:
        column.label = squash(column.label)
    list_every_column(table, seg.kind.shape)
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
    row_doubts(table, doc, label)
    return table
