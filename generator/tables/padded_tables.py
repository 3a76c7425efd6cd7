"""pdf-padded through the shared pipeline: PDF text where every table cell is printed as its
text plus one space, so runs of spaces mark empty cells and column positions can be counted.

`readers/padded.py` makes the text a cell grid; the shared segmenter finds the tables in it
and the shape's interpreter reads each (表一/表四 by `tables/two_sided.py`, 表七's rows named
by `tables/projects.py`, the 绩效目标表 by `tables/performance.py`), and each is finished as
every layout's (`layout_steps.finish_table`: foreign rows, 合计, doubts on codes and sums).
What stays here is what only this layout needs: the title as printed with its number,
wrapped coded rows rejoined, 表七's sub-unit rows and unnamed projects, lines too long to
read.
"""

from __future__ import annotations

from dataclasses import replace

from ..grid import Grid as PaddedGrid
from ..model import Document, Issue, Table
from ..numbers import squash
from ..readers.padded import padded_rows
from ..sources import SourceText
from .catalogue import load_catalogue
from .cross_table import name_project_rows, names_by_code
from .layout_steps import (
    finish_table,
    printed_title,
    replace_page_markers,
    tables_to_read,
    without_form_feeds,
)
from .pipeline import interpret, read_target
from .rejoin import rejoin_wrapped_rows
from .segment import Segment, find_tables


def read_padded(source: SourceText, doc: Document) -> None:
    """The layout's tables and 绩效目标表 (see the module)."""
    lines = replace_page_markers(without_form_feeds(source.lines), "")
    rows, unread = padded_rows(enumerate(lines, 1), doc.path)
    grid = PaddedGrid(path=doc.path, format="pdf-padded", text="", rows=rows)
    catalogue = load_catalogue()
    segments, issues = find_tables(grid, catalogue)
    doc.issues.extend(issues)
    bodies = tables_to_read(lines, segments, doc)
    for issue in unread:  # (a long line under a 绩效目标表 puts its target in doubt)
        seg = next((s for s, body in bodies if body and s.line < issue.line <= body[-1][0]), None)
        if seg is not None:
            doc.issues.append(replace(issue, table=seg.kind.key))
    for seg, body in bodies:  # (表三/表五 before 表七, which takes their names)
        doc.tables[seg.kind.key] = _read_shared(seg, printed_title(lines, seg.line), body, grid, doc)
    _read_performance(lines, [s for s in segments if s.kind.shape == "key_value"], unread, doc)


def _read_performance(lines: list[str], segments: list[Segment], unread: list[Issue], doc: Document) -> None:
    """The 绩效目标表 by the shared key-value interpreter (`tables.performance`). A line too
    long to be a table line is not read: the target it stands in is in doubt."""
    read = [t for t in map(lambda seg: read_target(seg, doc), segments) if t is not None]
    for issue in unread:
        target = next((t for t in reversed(read) if t.line < issue.line), None)
        if target is not None:
            doc.issues.append(Issue("performance-doubtful", f"{squash(lines[target.line - 1])} "
                                    f"{target.name}：第 {issue.line} 行（{len(lines[issue.line - 1])} "
                                    "个字符）不是表格行，未读", doc.path, target.line, "warning",
                                    "performance"))


def _read_shared(seg: Segment, title: str, body: list[tuple[int, str]], grid: PaddedGrid,
                 doc: Document) -> Table:
    """One table the shared segmenter found, read by the interpreter of its shape and finished
    as every layout's (`layout_steps.finish_table`); `title` as printed; `body` its lines up
    to the next title (a 为空表 note stands there)."""
    seg.title = title  # messages name the table as printed
    if seg.kind.shape in ("coded", "named"):  # "208 05 05" / name pieces / the amounts line
        rejoin_wrapped_rows(seg, grid)
    table = interpret(seg, doc)
    if seg.kind.key == "projects":
        names = names_by_code(doc, ("expense", "general_public"))
        doc.issues.extend(name_project_rows(table, seg, doc, names, title))
    return finish_table(table, seg, doc, body, ascending=True)
