"""Layout word-cells: text saved from a Word document, one table cell per line.

Every table cell prints on its own line behind a tab, rows end with a blank line, empty
cells print as a bare tab or a tab and an ideographic space (U+3000), and amounts often
carry U+3000 before or after them. Titles may be plain lines ("表一：" + "部门收支总体情况表")
or cells of their own. `readers.word_cells` splits the text into cells and rows once and
makes it a cell grid; the shared segmenter and interpreters read every table
(`word_cells_shared`), the 绩效目标表 by the key-value interpreter.
"""

from __future__ import annotations

from ..model import Document, Issue, table_label
from ..parse.titles import is_toc_entry, table_key_for_title
from ..readers.word_cells import CellText, cell_line_stats, clean_text, grid_of_cells, split_cells
from ..sources import SourceText

# Not specific to PDF text; shared until a common home for layout helpers exists.
from .common import check_cut_number, check_garbled_lines, without_form_feeds
from .word_cells_shared import read_shared, read_targets, shared_segments

# Fewer one-cell tab lines than this is not a Word table export.
_MIN_CELL_LINES = 40


class WordCellsLayout:
    name = "word-cells"
    description = "Word table text: one tab-prefixed cell per line, rows separated by blank lines"

    def detect(self, source: SourceText) -> float:
        """Share of tabbed lines that hold exactly one cell, damped for short files.

        Tab-separated text has several cells on a line; Word's export has one."""
        single, tabbed = cell_line_stats(source.lines)
        if single < _MIN_CELL_LINES or not tabbed:
            return 0.0
        return round(single / tabbed * min(1.0, single / (2 * _MIN_CELL_LINES)), 3)

    def read(self, source: SourceText, doc: Document) -> None:
        check_cut_number(source, doc)
        check_garbled_lines(source, doc)
        lines = without_form_feeds(source.lines)
        cells = split_cells(lines)
        shared, targets = shared_segments(grid_of_cells(doc.path, lines, cells), doc)
        for key, seg in shared.items():
            doc.tables[key] = read_shared(seg, seg.title, doc)
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
        key = table_key_for_title(text) if text.endswith("表") and line < last and not is_toc_entry(text) else None
        if key and key not in found:
            found.add(key)
            doc.issues.append(Issue("table-unreadable", f"{table_label(key)}：标题下没有表格的行（文件不全？）",
                                    doc.path, line, "error", key))
