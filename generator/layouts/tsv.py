"""Layout tsv: tables as tab-separated rows, one printed table row per line.

Converted Word/PDF text where each table row is one line and its cells are separated by
tabs (empty cells as empty fields), between prose paragraphs. The text is split into
table blocks (`tsv_blocks`); each block's rows become a cell grid (`readers.tsv`) read by
the shared segmenter and the interpreter of its shape (`read_shared`: every coded, named
and two-sided table, 三公; `_read_performance`: 绩效目标表). Broken codes are repaired by
the shared code reader once the document is read (`tables.codes.repair_broken_codes`).
"""

from __future__ import annotations

from dataclasses import replace

from ..grid import Cell, Grid, GridRow
from ..model import TABLE_KEYS, Document, Origin, PerformanceTarget, Table, table_label
from ..readers.tsv import MAX_CELLS, join_quoted_cells, tsv_row
from ..sources import SourceText
from ..tables.catalogue import load_catalogue
from ..tables.performance import read_performance
from ..tables.pipeline import INTERPRETERS
from ..tables.row_doubts import row_doubts
from ..tables.segment import Segment, find_tables
from .common import check_garbled_lines, list_every_column
from .tsv_blocks import (
    PERF_DEPARTMENT,
    PERF_PROJECT,
    Block,
    ReadContext,
    RefusedLine,
    TsvRow,
    find_blocks,
)
from .tsv_guards import refuse_foreign_codes, refuse_lone_unit_rows

# Rows with at least this many filled cells on enough lines make a tab-separated table.
_MIN_TABLE_ROWS = 20

_SHAPES = {"projects": "编码、功能科目名称、项目名称、金额",
           "basic": "类/款编码、名称、三列金额"}



class TsvLayout:
    name = "tsv"
    description = "tables as tab-separated rows, one table row per line"

    def detect(self, source: SourceText) -> float:
        """Share of tab lines that hold a whole row (two or more filled cells).

        Word text with one tab-prefixed cell per line (the word-cells layout) has many
        tab lines but almost none with two filled cells.
        """
        rows = single = 0
        for raw in source.lines:
            if "\t" not in raw:
                continue
            filled = [cell for cell in raw.split("\t") if cell.strip(" \u3000")]
            if len(filled) >= 2:
                rows += 1
            else:
                single += 1
        if rows == 0:
            return 0.0
        share = rows / (rows + single)
        return round(share * min(1.0, rows / _MIN_TABLE_ROWS), 3)

    def read(self, source: SourceText, doc: Document) -> None:
        check_garbled_lines(source, doc)
        ctx = ReadContext(doc)
        refused: list[RefusedLine] = []
        blocks = find_blocks(join_quoted_cells(source.lines), refused)
        for line in refused:
            where = f"在{table_label(line.key)}内" if line.key else "不在任何表内"
            ctx.issue("row-too-wide", f"第 {line.line} 行（{where}）：{line.cells} 个制表符分隔的"
                      f"单元格，远多于表格所印（至多 {MAX_CELLS} 个）；未读",
                      line.line, line.key, "error")
        # Where each block's figures stand: the table key, or a 绩效目标表's first line.
        read: list[tuple[Block, str, int]] = []
        for block in blocks:
            key = block.key or self._untitled_key(block, doc, ctx)
            if key is None:
                continue
            if key in (PERF_PROJECT, PERF_DEPARTMENT):
                target = _read_performance(block, ctx)
                if target is not None:
                    doc.performance.append(target)
                read.append((block, key, target.line if target else block.line))
                continue
            read.append((block, key, block.line))
            if key in doc.tables:
                ctx.issue("table-repeated", f"{table_label(key)}在第 {block.line} 行"
                          "再次印出；保留第一份", block.line, key)
                continue
            doc.tables[key] = read_shared(block, key, ctx)
        _ends_inside_table(source.lines, read, ctx)

    @staticmethod
    def _untitled_key(block: Block, doc: Document, ctx: ReadContext) -> str | None:
        """Rows printed with no title: recognised by their shape, or left unread."""
        first, last = block.rows[0].line, block.rows[-1].line
        key = untitled_table_key(block, set(doc.tables))
        if key is None:
            ctx.issue("rows-unplaced", f"第 {first}–{last} 行：制表符分隔的行既无表"
                      "名，也认不出表形；未读", first, None)
            return None
        ctx.issue("table-title-missing", f"第 {first}–{last} 行：这些行没有表名，按"
                  f"表形（{_SHAPES[key]}）读作{table_label(key)}", first, key)
        return key


def untitled_table_key(block: Block, have: set[str]) -> str | None:
    """Which standard table an untitled run of rows is, from the shape of its first coded
    row with amounts (code cells, then text cells, then amounts), or None. Only the shapes
    no other table has: 3 code cells + function name + project name + amounts is 表七; 2
    code cells + name + 3 amounts is 表六."""
    for row in block.rows:
        if not row.has_amount():
            continue
        cells = row.cells
        code = 0
        while code < min(3, len(cells)) and (cells[code].isdigit() or not cells[code]):
            code += 1
        if not any(cells[:code]):
            continue
        first_amount = next((k for k in range(code, len(cells)) if row.amount(k) is not None), len(cells))
        texts = sum(1 for k in range(code, first_amount) if cells[k])
        amounts = len(cells) - first_amount
        if code == 3 and texts == 2 and "projects" not in have:
            return "projects"
        if code == 2 and texts == 1 and amounts == 3 and "basic" not in have:
            return "basic"
        return None
    return None


def _ends_inside_table(lines: list[str], read: list[tuple[Block, str, int]],
                       ctx: ReadContext) -> None:
    """A file whose last line is a table row was cut short: that row may have lost
    digits and the table its last rows. A 绩效目标表's amounts carry the line of its
    first row, so the issue goes there."""
    last = next((n for n in range(len(lines), 0, -1) if lines[n - 1].strip()), None)
    if last is None or "\t" not in lines[last - 1]:
        return
    for block, key, first in read:
        if block.rows and block.rows[-1].line == last:
            performance = key in (PERF_PROJECT, PERF_DEPARTMENT)
            table = None if performance else key
            ctx.issue("table-truncated", f"{table_label(table) if table else '绩效目标表'}：文件"
                      f"在第 {last} 行的表行处结束（文件不全？）；该行及"
                      "其后的行可能缺失", first if performance else last, table,
                      "error")
            return


def read_shared(block: Block, key: str, ctx: ReadContext) -> Table:
    """A table of a shape the shared pipeline reads: the block's rows as a cell grid
    (`readers.tsv`) under its title → the shared segmenter → the shape's interpreter. The
    amounts stay in the printed unit (`parse.units` converts the table afterwards)."""
    catalogue = load_catalogue()
    # the standard title, which the catalogue knows, stands for the printed one
    title_row = GridRow([Cell(TABLE_KEYS[key], Origin(line=block.line))], block.line)
    rows = [tsv_row(r.line, r.cells) for r in _without_strays(block, key, ctx)]
    segments, issues = find_tables(Grid(ctx.doc.path, "tsv", "", [title_row, *rows]), catalogue)
    title = block.title or TABLE_KEYS[key]
    ctx.doc.issues.extend(replace(i, table=key) for i in issues)
    seg = next((s for s in segments if s.kind.key == key), None)
    if seg is None:
        return Table(key, title, block.line, note=block.note, empty=True)
    seg.title = title  # messages name the table as printed
    table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, "万元", ctx.doc.path)
    ctx.doc.issues.extend(found)
    table.title, table.note = title, block.note
    list_every_column(table, seg.kind.shape)
    table.empty = not table.rows
    if seg.kind.shape in ("coded", "named"):
        refuse_foreign_codes(table, ctx)
        refuse_lone_unit_rows(table, ctx)
        row_doubts(table, ctx.doc, table_label(key))
    return table


def _without_strays(block: Block, key: str, ctx: ReadContext) -> list[TsvRow]:
    """The block's rows but those moved here from another table: rows of figures above the
    header, and header rows with text between them and the header below."""
    rows = block.rows
    above = 0  # rows of figures printed above the header (moved from another table)
    while above < len(rows) and rows[above].has_amount() and any(not r.has_amount() for r in rows[above + 1:above + 3]):
        above += 1
    for row in rows[:above]:
        ctx.issue("row-misaligned", f"{table_label(key)}第 {row.line} 行：印在表头之上（另一张表的行？）；未读",
                  row.line, key)
    rows = rows[above:]
    first_data = next((i for i, r in enumerate(rows) if r.has_amount()), len(rows))
    cut = max((i for i in range(1, first_data) if rows[i].after_text), default=0)
    if cut:
        lines = "、".join(str(r.line) for r in rows[:cut])
        ctx.issue("header-stray", f"{table_label(key)}：第 {lines} 行的表头行与其下的表头不相连；未用",
                  rows[0].line, key)
    return rows[cut:]


def _read_performance(block: Block, ctx: ReadContext) -> PerformanceTarget | None:
    """One 绩效目标表 by the shared key-value interpreter (`tables.performance`): its title
    line and its rows as a cell grid."""
    catalogue = load_catalogue()
    # the block is the table already (its title, its tab rows): no furniture to segment
    seg = Segment(catalogue.kind("performance"), block.title or "", block.line, None,
                  rows=[tsv_row(r.line, r.cells) for r in block.rows])
    target, issues = read_performance(seg, catalogue, ctx.doc.path)
    ctx.doc.issues.extend(issues)
    return target
