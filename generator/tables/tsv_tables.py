"""tsv through the shared pipeline: tab-separated rows, one printed table row per line.

Converted Word/PDF text where each table row is one line and its cells are separated by
tabs (empty cells as empty fields), between prose paragraphs. `readers.tsv` makes the text
a cell grid; the shared segmenter finds the tables in it (a table ends at its first line of
text) and hands back the runs of rows under no title, told here by their shape (表六, 表七);
each table is read by its shape's interpreter and finished as every layout's
(`layout_steps.finish_table`), the 绩效目标表 by the key-value interpreter.
What stays here is what this layout's output has always said of a table: rows printed
above the header or cut off from it, rows of another table (`layout_steps.refuse_foreign_rows`), a file
ending inside a table.
"""

from __future__ import annotations

import re

from ..grid import Cell, Grid, GridRow
from ..model import TABLE_KEYS, Document, Issue, Origin, table_label
from ..numbers import parse_amount
from ..readers.tsv import join_quoted_cells, read_tsv, split_cells
from ..sources import SourceText
from .amounts import has_amount
from .catalogue import load_catalogue
from .layout_steps import finish_table, printed_title, report_wide_lines, table_lines
from .pipeline import interpret, read_target
from .segment import Segment, find_tables

_NOTE = re.compile(r"^(备\s*注|注)\s*[:：]")  # a note under a table

_SHAPES = {"projects": "编码、功能科目名称、项目名称、金额",
           "basic": "类/款编码、名称、三列金额"}


def read_tsv_tables(source: SourceText, doc: Document) -> None:
    """The layout's tables and 绩效目标表 (see the module)."""
    lines, wide = table_lines(join_quoted_cells(source.lines), "", "\t")
    grid = read_tsv(doc.path, lines)
    catalogue = load_catalogue()
    untitled: list[list[GridRow]] = []
    segments, issues = find_tables(grid, catalogue, untitled)
    doc.issues.extend(issues)
    after_text = _after_text(grid, segments, untitled)
    report_wide_lines(wide, segments, doc)
    # Where each table's figures stand: its key and first line (a 绩效目标表's: its first row)
    read: list[tuple[list[GridRow], str, int]] = []
    runs = [(run[0].line, None, run) for run in untitled]
    for line, seg, run in sorted([*((s.line, s, s.rows) for s in segments), *runs], key=lambda t: t[0]):
        if seg is not None and seg.kind.shape == "key_value":
            target = read_target(seg, doc)
            read.append((run, "", target.line if target else line))
            continue
        key = seg.kind.key if seg is not None else _untitled_key(run, lines, doc)
        if key is None:
            continue
        read.append((run, key, line))
        if key in doc.tables:
            ctx_issue(doc, "table-repeated", f"{table_label(key)}在第 {line} 行再次印出；保留第一份",
                      line, key)
            continue
        title = printed_title(lines, line) if seg else TABLE_KEYS[key]
        seg = seg or _untitled_segment(key, run, lines, doc)
        seg.title, seg.rows = title, _without_strays(seg, after_text, doc)
        doc.tables[key] = finish_table(interpret(seg, doc), seg, doc)
    _ends_inside_table(lines, read, doc)


def _untitled_key(run: list[GridRow], lines: list[str], doc: Document) -> str | None:
    """Rows printed with no title: recognised by their shape, or left unread."""
    first, last = run[0].line, run[-1].line
    key = untitled_table_key(run, lines, set(doc.tables))
    if key is None:
        ctx_issue(doc, "rows-unplaced", f"第 {first}–{last} 行：制表符分隔的行既无表"
                  "名，也认不出表形；未读", first, None)
        return None
    ctx_issue(doc, "table-title-missing", f"第 {first}–{last} 行：这些行没有表名，按"
              f"表形（{_SHAPES[key]}）读作{table_label(key)}", first, key)
    return key


def untitled_table_key(run: list[GridRow], lines: list[str], have: set[str]) -> str | None:
    """Which standard table an untitled run of rows is, from the shape of its first coded
    row with amounts (code cells, then text cells, then amounts), or None. Only the shapes
    no other table has: 3 code cells + function name + project name + amounts is 表七; 2
    code cells + name + 3 amounts is 表六."""
    for row in filter(has_amount, run):
        cells = split_cells(lines[row.line - 1])  # every field, the empty ones after the last too
        code = 0
        while code < min(3, len(cells)) and (cells[code].isdigit() or not cells[code]):
            code += 1
        if not any(cells[:code]):
            continue
        first_amount = next((k for k in range(code, len(cells)) if parse_amount(cells[k]) is not None),
                            len(cells))
        texts = sum(1 for k in range(code, first_amount) if cells[k])
        amounts = len(cells) - first_amount
        if code == 3 and texts == 2 and "projects" not in have:
            return "projects"
        if code == 2 and texts == 1 and amounts == 3 and "basic" not in have:
            return "basic"
        return None
    return None


def _untitled_segment(key: str, run: list[GridRow], lines: list[str], doc: Document) -> Segment:
    """An untitled run of rows under the standard title of the table its shape says it is,
    with the note printed right under it, through the segmenter (its unit line, notes, page
    numbers), or an empty segment."""
    catalogue = load_catalogue()
    title_row = GridRow([Cell(TABLE_KEYS[key], Origin(line=run[0].line))], run[0].line)
    after = next((n for n in range(run[-1].line + 1, len(lines) + 1) if lines[n - 1].strip()), None)
    note = [GridRow([Cell(lines[after - 1].strip(), Origin(line=after))], after)] \
        if after and _NOTE.match(lines[after - 1].strip()) else []
    segments, _ = find_tables(Grid(doc.path, "tsv", "", [title_row, *run, *note]), catalogue)
    return next((s for s in segments if s.kind.key == key),
                Segment(catalogue.kind_of_table(key), TABLE_KEYS[key], run[0].line, None))


def _after_text(grid: Grid, segments: list[Segment], untitled: list[list[GridRow]]) -> set[int]:
    """The lines of the table rows that follow a line not read as a table row (text, a
    编制部门 line): a header row there is cut off from the rows above it."""
    taken = {r.line for s in segments for r in s.rows} | {r.line for run in untitled for r in run}
    out, previous = set(), None
    for row in grid.rows:
        if row.line in taken and previous not in taken:
            out.add(row.line)
        previous = row.line
    return out


def _ends_inside_table(lines: list[str], read: list[tuple[list[GridRow], str, int]], doc: Document) -> None:
    """A file whose last line is a table row was cut short: that row may have lost
    digits and the table its last rows. A 绩效目标表's amounts carry the line of its
    first row, so the issue goes there."""
    last = next((n for n in range(len(lines), 0, -1) if lines[n - 1].strip()), None)
    if last is None or "\t" not in lines[last - 1]:
        return
    for rows, key, first in read:
        if rows and rows[-1].line == last:
            ctx_issue(doc, "table-truncated", f"{table_label(key) if key else '绩效目标表'}：文件"
                      f"在第 {last} 行的表行处结束（文件不全？）；该行及"
                      "其后的行可能缺失", last if key else first, key or None, "error")
            return


def _without_strays(seg: Segment, after_text: set[int], doc: Document) -> list[GridRow]:
    """The table's rows but those moved here from another table: rows of figures above the
    header, and header rows with text between them and the header below."""
    rows, key = seg.rows, seg.kind.key
    above = 0  # rows of figures printed above the header (moved from another table)
    while above < len(rows) and has_amount(rows[above]) and not all(map(has_amount, rows[above + 1:above + 3])):
        above += 1
    for row in rows[:above]:
        ctx_issue(doc, "row-misaligned", f"{seg.title} 第 {row.line} 行：印在表头之上（另一张表的行？）；未读",
                  row.line, key)
    rows = rows[above:]
    first_data = next((i for i, r in enumerate(rows) if has_amount(r)), len(rows))
    cut = max((i for i in range(1, first_data) if rows[i].line in after_text), default=0)
    if cut:
        lines = "、".join(str(r.line) for r in rows[:cut])
        ctx_issue(doc, "header-stray", f"{seg.title}：第 {lines} 行的表头行与其下的表头不相连；未用",
                  rows[0].line, key)
    return rows[cut:]



def ctx_issue(doc: Document, slug: str, message: str, line: int | None, key: str | None,
              severity: str = "warning") -> None:
    doc.issues.append(Issue(slug, message, doc.path, line, severity, key))
