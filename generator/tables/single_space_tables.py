"""pdf-single-space (pdftotext output with cells separated by single spaces) through the
shared pipeline: its lines one cell grid (`readers.single_space`, every amount unplaced) →
the shared segmenter, once → the shape's interpreter, which places the amounts by the
catalogue's identities (表二 by 表一's income sources in the cross-table pass, `cross_table`).

Rows are separated by blank lines; long cells wrap onto the following lines with the
amounts on the last one; empty cells print nothing, so a row prints fewer amounts than
the table has columns. 表一/表四 are two-sided on one line (`two_sided`); 表二/三/五/七 may
be broken down by sub-unit (二级预算单位), each with its own total row. A table ends at the
next title, a part heading or a 绩效目标表, and earlier when a line shows that another
table began whose title was lost: a table-number line ("表二：") after its rows (`segment`),
a second "类 款 项" header, rows after the
合计 (one-sided) or 收入总计/支出总计 line (two-sided). What follows is reported and not
read; a row that breaks the 类/款/项 order is reported on its line. The printed title stays
the title.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import chain, islice

from ..grid import Grid
from ..model import COLUMN_LABELS, Column, Document, Issue, Table
from ..numbers import squash
from ..readers.single_space import single_space_rows
from ..readers.text import PART_HEADING_RE
from ..sources import SourceText
from .amounts import has_amount
from .catalogue import load_catalogue
from .codes import code_chain_doubts
from .cross_table import name_project_table
from .items import read_items
from .layout_steps import finish_table, report_wide_lines, table_lines, tables_to_read
from .pipeline import interpret, read_target, stated_figures, table_unit
from .rejoin import cut_after_total, rejoin_wrapped_rows
from .segment import PERFORMANCE_TITLE_RE, UNIT_RE, Segment, find_tables, title_tail
from .two_sided import read_two_sided
from .verify import verify_coded


def read_single_space(source: SourceText, doc: Document) -> list[str]:
    """The layout's tables (see the module); the keys of the tables whose amounts wait for the
    cross-table pass."""
    # A page's number line marks a page break, as a form feed does (`pages`).
    lines, wide = table_lines(source.lines, "\f")
    catalogue = load_catalogue()
    marks = [n for n, text in enumerate(lines, 1) if "表" in text or "部分" in text]  # (few)
    heads = [n for n in marks if _is_part_heading(lines[n - 1], catalogue)]  # (第三部分 …)
    marks = [n for n in marks if "表" in lines[n - 1]]
    rows = single_space_rows(_table_lines(lines, heads, marks, catalogue))
    grid = Grid(path=doc.path, format="pdf-single-space", text="", rows=rows)
    segments, issues = find_tables(grid, catalogue)
    doc.issues.extend(issues)
    report_wide_lines(wide, segments, doc)
    tables = tables_to_read(lines, segments, doc)
    for seg, body in tables:
        doc.tables[seg.kind.key] = read_shared(seg, body, grid, doc)
    perf = next((n for n, text in enumerate(lines, 1) if "绩" in text and PERFORMANCE_TITLE_RE.match(squash(text))), None)
    for seg in segments if perf is not None else ():  # (a 目录 line naming one is no table)
        if seg.kind.shape == "key_value" and seg.line >= perf:
            read_target(seg, doc)
    return [seg.kind.key for seg, _ in tables]


def _table_lines(lines: list[str], heads: list[int], marks: list[int], catalogue) -> Iterable[tuple[int, str]]:
    """The numbered lines, without a part's prose (第三部分 …说明; `heads`: the part headings)
    up to the line before the next title (`marks`: the lines holding 表): a part heading ends
    every table (`segment`), so no line after it can be a table's before a title (kept: the
    line before it, a wrapped title's first half)."""
    if not heads:
        return enumerate(lines, 1)
    spans, start = [], 1
    second = next(islice((n for n, text in enumerate(lines, 1) if text.strip()), 1, None), 0)
    for head in heads:
        if head < start or head <= second:
            continue  # (the segmenter looks at a grid's first two rows)
        end = next((m for m in marks[bisect_right(marks, head):] if _may_be_title(lines, m, catalogue)),
                   len(lines) + 1)
        resume = next((n for n in range(end - 1, head, -1) if lines[n - 1].strip()), end)
        spans.append((start, head + 1))
        start = resume
    spans.append((start, len(lines) + 1))
    return chain.from_iterable(zip(range(a, b), lines[a - 1:b - 1]) for a, b in spans)


def _may_be_title(lines: list[str], number: int, catalogue) -> bool:
    """A title, or the end of one wrapped over two lines ("…支出预" / "算表")."""
    text = lines[number - 1]
    if catalogue.match_title(text) is not None:
        return True
    if not title_tail(text):
        return False
    before = next((lines[n - 1] for n in range(number - 1, 0, -1) if lines[n - 1].strip()), "")
    return catalogue.match_title(before + text) is not None


def _is_part_heading(text: str, catalogue) -> bool:
    return "部分" in text and bool(PART_HEADING_RE.match(squash(text))) and not UNIT_RE.search(text) \
        and catalogue.match_title(text) is None


def read_shared(seg: Segment, body: list[tuple[int, str]], grid: Grid, doc: Document) -> Table:
    """One table the shared segmenter found, read by its shape's interpreter and finished as
    every layout's (`layout_steps.finish_table`); `body` its lines after the title."""
    catalogue, key, title = load_catalogue(), seg.kind.key, squash(seg.title)
    seg.title = title  # messages name the table as printed
    unit = table_unit(seg, doc)
    if seg.kind.shape == "two_sided":  # each side's values are its own columns'
        table, found = read_two_sided(seg, catalogue, unit, doc.path, unplaced=True)
    elif seg.kind.shape == "items":
        stated = stated_figures([(f.key, f.amount) for f in doc.figures], seg.kind.columns)
        table, found = read_items(seg, catalogue, unit, doc.path, stated)
    else:
        rejoin_wrapped_rows(seg, grid)  # "208 05 05 name" / name pieces / the amounts line
        doc.issues.extend(cut_after_total(seg, doc.path))
        table, found = interpret(seg, doc), []
        if key == "projects":  # (named first: a code repeated by its projects is no doubt)
            found += name_project_table(table, seg, doc)
        found += code_chain_doubts(table.rows, title, doc.path)  # before any figure is dropped
        if not seg.kind.sources_from:  # (else another table's sources place them: tables.cross_table)
            found += verify_coded(table, seg.kind.identities_over(table.column_keys() or None), doc.path,
                                  seg.title, in_order=True)
        if table.rows and not table.columns:
            found.append(Issue("header-missing", f"{title}（标题在第 {seg.line} 行）：各行之前"
                               "没有列标题，金额未读取（标题放错了位置？）", doc.path, None, "warning",
                               table.key))
    doc.issues.extend(found)
    if table.rows and seg.kind.shape == "items":
        table.columns = _named_columns(seg, catalogue, table)
    finish_table(table, seg, doc, body, ascending=True, placed=not seg.kind.sources_from)
    said = {i.line for i in found}
    for row in table.rows if seg.kind.shape == "items" else ():  # what it placed (coded: by_sums says)
        printed = sum(v is not None for v in row.values.values())
        if printed and printed < len(table.columns) and row.line not in said:
            row.inferred = tuple(k for k, v in row.values.items() if v is not None)
            shown = "，".join(f"{c.label} {row.values[c.key]}" for c in table.columns
                             if row.values.get(c.key) is not None)
            doc.issues.append(Issue("column-inferred", f"{title} 第 {row.line} 行：{printed} 个"
                                    f"金额对应 {len(table.columns)} 列（没有列位置），按恒等式读作 {shown}",
                                    doc.path, row.line, "warning", table.key))
    return table


def _named_columns(seg, catalogue, table: Table) -> list[Column]:
    """The columns the header names or an amount went to, in the catalogue's order: a
    header printed without positions tells no column order, its labels may wrap
    ("因公出国" / "（境）费")."""
    named = {catalogue.column_key(c.text) for r in seg.rows if not has_amount(r) for c in r.cells}
    placed = {k for row in table.rows for k, v in row.values.items() if v is not None}
    return [Column(k, COLUMN_LABELS.get(k, k)) for k in seg.kind.columns if k in named | placed]
