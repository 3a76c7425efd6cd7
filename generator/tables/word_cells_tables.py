"""word-cells (text saved from a Word document, one table cell per line) through the shared
pipeline: the document's cell grid (`readers.word_cells`) → the shared segmenter → the
interpreter of the table's shape, the 绩效目标表 by the key-value one; then what this
layout's output has always said of a table: the printed title, every column listed in
every row, a 合计 printed as "合计", 为空表, and the doubts on the codes' 类/款/项 nesting
and on rows whose parts do not add up to their 合计 (`row_doubts`).

Every table cell prints on its own line behind a tab, rows end with a blank line, empty
cells print as a bare tab or a tab and an ideographic space (U+3000), and amounts often
carry U+3000 before or after them. Titles may be plain lines ("表一：" + "部门收支总体情况表")
or cells of their own.
"""

from __future__ import annotations

from ..grid import Grid
from ..model import TABLE_KEYS, Document, Issue, table_label
from ..readers.word_cells import CellText, clean_text, grid_of_cells, split_cells
from ..sources import SourceText
from .catalogue import load_catalogue
from .layout_steps import finish_table, without_form_feeds
from .pipeline import interpret, read_target
from .segment import Segment, find_tables


def read_word_cells(source: SourceText, doc: Document) -> None:
    """The layout's tables and 绩效目标表 (see the module)."""
    lines = without_form_feeds(source.lines)
    cells = split_cells(lines)
    shared, targets = shared_segments(grid_of_cells(doc.path, lines, cells), doc)
    for key, seg in shared.items():
        doc.tables[key] = finish_table(interpret(seg, doc), seg, doc)
    _titles_without_table(cells, set(shared), doc)
    read_targets(targets, doc)


def _titles_without_table(cells: CellText, found: set[str], doc: Document) -> None:
    """A table's title with cells under it but no table (the text ends under the title:
    文件不全?). A 目录 entry is none."""
    last = max((g.line for g in cells.groups), default=0)
    lines = [(x.line, x.text) for x in cells.loose]
    lines += [(g.line, texts[0]) for g in cells.groups if len(texts := [t for t in g.texts() if t]) == 1]
    for line, raw in sorted(lines):
        text = clean_text(raw)
        key = load_catalogue().title_key(text) if text.endswith("表") and line < last else None
        if key and key not in found:
            found.add(key)
            doc.issues.append(Issue("table-unreadable", f"{table_label(key)}：标题下没有表格的行（文件不全？）",
                                    doc.path, line, "error", key))


# Label/value pairs and indicator rows print a few cells; far more is a run of cells pasted in.
MAX_TARGET_ROW_CELLS = 40


def shared_segments(grid: Grid, doc: Document) -> tuple[dict[str, Segment], list[Segment]]:
    """The segments of the template's tables (`TABLE_KEYS`), by table key; and the 绩效目标表's."""
    segments, issues = find_tables(grid, load_catalogue())
    found = {s.kind.key: s for s in segments if s.kind.key in TABLE_KEYS}
    doc.issues.extend(i for i in issues if i.table in found)
    return found, [s for s in segments if s.kind.shape == "key_value"]


def read_targets(segments: list[Segment], doc: Document) -> None:
    """The 绩效目标表 by the shared key-value interpreter. Word prints one cell a line: a
    line printing several (a run of cells pasted in) leaves which cell follows a label such
    as 年度资金总额 unknown, so the target's figures are in doubt."""
    for seg in segments:
        crowded = next((r.line for r in seg.rows if len({c.origin.line for c in r.cells}) < len(r.cells)), None)
        seg.rows = [r for r in seg.rows if len(r.cells) <= MAX_TARGET_ROW_CELLS]  # no row of it
        target = read_target(seg, doc)
        if target is not None and crowded is not None:
            doc.issues.append(Issue("performance-doubtful", f"绩效目标表 {target.name}：第 {crowded} 行印有"
                                    "多个单元格，单元格错位，其数存疑", doc.path, target.line, "warning",
                                    "performance"))
