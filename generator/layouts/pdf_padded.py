"""Layout pdf-padded: PDF text where every table cell is printed as its text plus one
space, so runs of spaces mark empty cells and column positions can be counted.

`readers/padded.py` makes the text a cell grid; the shared segmenter finds the tables in it
and the shape's interpreter reads each (表一/表四 by `tables/two_sided.py`, 表七's rows named
by `tables/projects.py`, the 绩效目标表 by `tables/performance.py`). What stays here is what
this layout's output has always said of a table: the title as printed with its number, 为空表,
and the doubts on codes, sub-unit rows and unnamed projects.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from operator import attrgetter

from ..grid import Grid as PaddedGrid
from ..model import Document, Issue, Table
from ..numbers import is_total_label, parse_amount, squash
from ..parse.titles import numbered_title
from ..readers.padded import padded_rows
from ..sources import SourceText
from ..tables.catalogue import load_catalogue
from ..tables.cross_table import names_by_code
from ..tables.performance import read_performance
from ..tables.pipeline import INTERPRETERS
from ..tables.projects import name_projects
from ..tables.rejoin import rejoin_wrapped_rows
from ..tables.row_doubts import report_unbalanced_rows
from ..tables.segment import Segment, find_tables
from .common import (
    check_garbled_lines,
    code_doubts,
    list_every_column,
    replace_page_markers,
    without_form_feeds,
)

PART_RE = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
# Read in this order: 表七 names its units and function names from earlier tables.
READ_ORDER = ["summary", "income", "expense", "fiscal", "general_public", "basic", "projects",
              "gov_fund", "state_capital", "carryover", "three_public"]


class PdfPaddedLayout:
    name = "pdf-padded"
    description = "PDF text, every cell followed by one space: runs of spaces are empty cells"

    def detect(self, source: SourceText) -> float:
        """Share of amount-bearing lines that end in a cell terminator (a space).

        Other PDF text trims line ends; Word and TSV text separate cells by tabs. A
        few stray lines with tabs weigh no more than their number.
        """
        amount_lines = terminated = tab_lines = 0
        for text in source.lines:
            if "\t" in text:
                tab_lines += 1
                continue
            if "." not in text:
                continue  # no token with a decimal point (most lines: no split needed)
            tokens = text.split()
            if len(tokens) < 2 or not any("." in t and parse_amount(t) is not None for t in tokens[-3:]):
                continue
            amount_lines += 1
            terminated += text.endswith(" ")
        if amount_lines < 10 or tab_lines * 10 > amount_lines:
            return 0.0
        return round(terminated / amount_lines, 3)

    def read(self, source: SourceText, doc: Document) -> None:
        check_garbled_lines(source, doc)
        lines = replace_page_markers(without_form_feeds(source.lines), "")
        rows, unread = padded_rows(enumerate(lines, 1), doc.path)
        grid = PaddedGrid(path=doc.path, format="pdf-padded", text="", rows=rows)
        catalogue = load_catalogue()
        segments, issues = find_tables(grid, catalogue)
        doc.issues.extend(issues)
        starts = [s.line for s in segments] + [len(lines) + 1]
        by_key = {s.kind.key: (s, _end_of(lines, s.line, starts)) for s in segments if s.kind.key in READ_ORDER}
        for issue in unread:  # (a long line under a 绩效目标表 puts its target in doubt)
            seg = next((s for s, end in by_key.values() if s.line < issue.line < end), None)
            if seg is not None:
                doc.issues.append(replace(issue, table=seg.kind.key))
        for key in (k for k in READ_ORDER if k in by_key):  # (表三/表五 before 表七, which takes their names)
            seg, end = by_key[key]
            title = numbered_title(lines[seg.line - 1], _line_before(lines, seg.line))
            doc.tables[key] = _read_shared(seg, title, end, grid, lines, doc)
        _read_performance(lines, [s for s in segments if s.kind.shape == "key_value"], unread, doc)


def _end_of(lines: list[str], line: int, starts: list[int]) -> int:
    """Where the table titled on `line` ends: the next title or part heading (第三部分)."""
    following = min(s for s in [*starts, len(lines) + 1] if s > line)
    part = next((n for n in range(line + 1, following) if PART_RE.match(lines[n - 1])), following)
    return part


def _line_before(lines: list[str], line: int) -> str | None:
    """The last line with text before `line` (a title's number: "表 1")."""
    return next((lines[n - 1] for n in range(line - 1, max(0, line - 4), -1) if lines[n - 1].strip()), None)


def _read_performance(lines: list[str], segments: list[Segment], unread: list[Issue], doc: Document) -> None:
    """The 绩效目标表 by the shared key-value interpreter (`tables.performance`). A line too
    long to be a table line is not read: the target it stands in is in doubt."""
    catalogue = load_catalogue()
    read = []
    for seg in segments:
        target, issues = read_performance(seg, catalogue, doc.path)
        doc.issues.extend(issues)
        if target is not None:
            read.append(target)
    for issue in unread:
        target = next((t for t in reversed(read) if t.line < issue.line), None)
        if target is not None:
            doc.issues.append(Issue("performance-doubtful", f"{squash(lines[target.line - 1])} "
                                    f"{target.name}：第 {issue.line} 行（{len(lines[issue.line - 1])} "
                                    "个字符）不是表格行，未读", doc.path, target.line, "warning",
                                    "performance"))
    doc.performance.extend(read)


def _known_units(doc: Document) -> set[str]:
    units = {squash(u) for u in doc.sub_units}
    if doc.department:
        units.add(squash(doc.department))
    for table in doc.tables.values():
        units.update(squash(r.unit) for r in table.rows if r.kind == "unit" and r.unit)
    return units


def _read_shared(seg: Segment, title: str, end: int, grid: PaddedGrid, lines: list[str],
                 doc: Document) -> Table:
    """One table the shared segmenter found, read by the interpreter of its shape; `title`
    as printed; it ends before line `end`, the next title (a 为空表 note stands there)."""
    catalogue = load_catalogue()
    key = seg.kind.key
    seg.title = title  # messages name the table as printed
    if seg.kind.shape in ("coded", "named"):  # "208 05 05" / name pieces / the amounts line
        line_of = attrgetter("line")  # (the grid's rows are in line order)
        rows = grid.rows[bisect_right(grid.rows, seg.line, key=line_of):bisect_left(grid.rows, end, key=line_of)]
        rejoin_wrapped_rows(seg, replace(grid, rows=rows))
    table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, seg.unit or doc.unit or "万元", doc.path)
    doc.issues.extend(found)
    table.title, table.note = title, None
    if key == "projects":
        name_projects(table, seg, names_by_code(doc, ("expense", "general_public")))
    last = table.rows[-1] if table.rows else None
    if last is not None and last.code and seg.kind.shape != "two_sided" and not any(
            v is not None for v in last.values.values()):
        # a wrapped row whose amounts line never came (the text ends inside it)
        table.rows.pop()
        doc.issues.append(Issue("row-unread", f"{title.split()[0] if title else key} 第 {last.line} 行："
                                f"{last.code_raw} {last.name or ''} 没有金额行（文本在此中断），未读",
                                doc.path, last.line, "warning", key))
    list_every_column(table, seg.kind.shape)
    stated_empty = any("为空表" in text for text in lines[seg.line:end - 1])
    if stated_empty and not any(v is not None for r in table.rows for v in r.values.values()):
        table.empty, table.rows, table.totals = True, [], {}
    elif stated_empty:
        doc.issues.append(Issue("empty-table-has-amounts", f"{table.title}：注明为空表，"
                                "却印有金额", doc.path, table.line,
                                "warning", table.key))
    short = title.split()[0] if title else key
    for row, doubt in code_doubts(key, table.rows):
        doc.issues.append(Issue("row-misplaced", f"{short}「{row.code_raw}」行：{doubt}", doc.path,
                                row.line, "warning", key))
    if key == "projects":
        _check_unit_rows(key, short, table, doc)
        for row in table.rows:
            if row.kind == "project" and row.project is None:
                doc.issues.append(Issue("unnamed-project", f"{short} 第 {row.line} 行 {row.code_raw}："
                                        "有金额而无项目名称", doc.path, row.line, "warning", key))
    report_unbalanced_rows(table, doc, short)
    return table


def _check_unit_rows(key: str, short: str, table: Table, doc: Document) -> None:
    """A coded table's row without a code is a sub-unit's total row — or the pieces of a
    row whose code line was lost, or a second 总计."""
    units = _known_units(doc)
    for row in table.rows:
        if row.kind != "unit" or squash(row.name or "") in units:
            continue
        why = ("第二个合计行" if is_total_label(row.name)
               else "没有编码，名称也不是已知单位（编码行丢失？）")
        doc.issues.append(Issue("row-misplaced", f"{short}「{row.name}」行：{why}", doc.path,
                                row.line, "warning", key))
