"""Layout pdf-padded: PDF text where every table cell is printed as its text plus one
space, so runs of spaces mark empty cells and column positions can be counted.

This module finds the tables (title lines) and cuts the text into one segment per table;
every table is read through the shared pipeline: `readers/padded.py` makes the segment's
lines a cell grid, the shared segmenter and the shape's interpreter read it (表一/表四 by
`tables/two_sided.py`, 表七's rows named by `tables/projects.py`), the 绩效目标表 by the
key-value interpreter (`tables/performance.py`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..grid import Cell, GridRow
from ..grid import Grid as PaddedGrid
from ..model import TABLE_KEYS, Document, Issue, Origin, Table
from ..numbers import is_total_label, parse_amount, squash
from ..parse.titles import ENDS_LIKE_TITLE, TABLE_NUMBER_RE, is_toc_entry, table_key_for_title
from ..readers.padded import padded_rows
from ..sources import SourceText
from ..tables.catalogue import load_catalogue
from ..tables.performance import read_key_value_tables
from ..tables.pipeline import INTERPRETERS
from ..tables.projects import name_projects
from ..tables.rejoin import rejoin_wrapped_rows
from ..tables.row_doubts import report_unbalanced_rows
from ..tables.segment import find_tables
from .common import (
    check_garbled_lines,
    code_doubts,
    list_every_column,
    replace_page_markers,
    without_form_feeds,
)

Lines = list[tuple[int, str]]
META_PREFIXES = ("编制部门", "编制单位", "单位：", "单位:")
PART_RE = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
PERF_TITLE_RE = re.compile(r"^\s*(项目支出绩效目标表|部门整体(支出)?绩效目标表)\s*$")


def _may_be_title(text: str) -> bool:
    """A cheap test before `table_key_for_title` (run on every line)."""
    return len(text) <= 130 and ENDS_LIKE_TITLE.search(text) is not None


# The header's column-number row: "※ ※ ※ ※ 1 2 3 …".
STAR_ROW_RE = re.compile(r"^\s*※(?: ※)*(?: \d+)*\s*$")
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
        segments, perf_starts = find_segments(lines)
        names_by_code: dict[str, str] = {}
        for key in READ_ORDER:
            if key not in segments:
                continue
            title_line, title, body = segments[key]
            table = _read_shared(key, title, title_line, body, doc, names_by_code)
            doc.tables[key] = table
            if key in ("expense", "general_public"):
                for row in table.rows:
                    if row.code and row.name:
                        names_by_code.setdefault(row.code, row.name)
        _read_performance(lines, perf_starts, doc)


def _read_performance(lines: list[str], starts: list[int], doc: Document) -> None:
    """The 绩效目标表 from the first one's title on, by the shared segmenter and key-value
    interpreter (`tables.performance`). A line too long to be a table line is not read:
    the target it stands in is in doubt."""
    if not starts:
        return
    catalogue = load_catalogue()
    rows, unread = padded_rows([(n, lines[n - 1]) for n in range(starts[0], len(lines) + 1)], doc.path)
    read, issues = read_key_value_tables(PaddedGrid(path=doc.path, format="pdf-padded", text="", rows=rows),
                                         catalogue)
    doc.issues.extend(issues)
    for issue in unread:
        target = next((t for t in reversed(read) if t.line < issue.line), None)
        if target is not None:
            doc.issues.append(Issue("performance-doubtful", f"{squash(lines[target.line - 1])} "
                                    f"{target.name}：第 {issue.line} 行（{len(lines[issue.line - 1])} "
                                    "个字符）不是表格行，未读", doc.path, target.line, "warning",
                                    "performance"))
    doc.performance.extend(read)


def find_segments(lines: list[str]) -> tuple[dict[str, tuple[int, str, Lines]], list[int]]:
    """Each table's title line, printed title and body lines; and the 绩效 title lines.

    A table ends at the next table title, 绩效目标表 title or part heading
    (第三部分 …). A title printed again after a page break continues its table.
    """
    starts: list[tuple[int, str | None, str]] = []  # (index, key or None for a stop, title)
    perf_starts: list[int] = []
    for i, text in enumerate(lines):
        if PART_RE.match(text):
            starts.append((i, None, ""))
            continue
        if PERF_TITLE_RE.match(text):
            perf_starts.append(i + 1)
            starts.append((i, None, ""))
            continue
        # Titles are short lines ending in 表: skip the title patterns for all others.
        key = table_key_for_title(text) if _may_be_title(text) else None
        if key and not is_toc_entry(text) and _table_follows(lines, i):
            starts.append((i, key, _numbered_title(lines, i)))
    segments: dict[str, tuple[int, str, Lines]] = {}
    for n, (i, key, title) in enumerate(starts):
        if key is None:
            continue
        end = _segment_end(lines, starts[n + 1][0] if n + 1 < len(starts) else len(lines))
        body = [(j + 1, lines[j]) for j in range(i + 1, end)]
        if key in segments:  # repeated after a page break: one table
            first_line, first_title, first_body = segments[key]
            segments[key] = (first_line, first_title, first_body + body)
        else:
            segments[key] = (i + 1, title, body)
    return segments, perf_starts


def _segment_end(lines: list[str], end: int) -> int:
    """Leave the next table's number line ("表 2") out of this table."""
    j = end - 1
    while j > 0 and not lines[j].strip():
        j -= 1
    return j if j > 0 and table_number_of(lines[j]) else end


def _table_follows(lines: list[str], index: int) -> bool:
    """A real title is followed by its 编制部门/单位 line or its numbered header row;
    a 目录 entry or a sentence naming a table is not."""
    seen = 0
    for text in lines[index + 1:index + 40]:
        if not text.strip():
            continue
        if is_meta_line(text) or STAR_ROW_RE.match(text) or "单位：万元" in squash(text):
            return True
        seen += 1
        if seen > 6:
            return False
    return False


def _numbered_title(lines: list[str], index: int) -> str:
    """"表1 部门收支总体情况表" when the number stands on the line before the title."""
    title = squash(lines[index])
    if TABLE_NUMBER_RE.match(title):
        return title
    for text in reversed(lines[max(0, index - 3):index]):
        if text.strip():
            number = table_number_of(text)
            if number:
                return f"表{number} {title}"
            break
    return title


def _known_units(doc: Document) -> set[str]:
    units = {squash(u) for u in doc.sub_units}
    if doc.department:
        units.add(squash(doc.department))
    for table in doc.tables.values():
        units.update(squash(r.unit) for r in table.rows if r.kind == "unit" and r.unit)
    return units


def _read_shared(key: str, title: str, title_line: int, body: Lines, doc: Document,
                 names_by_code: dict[str, str]) -> Table:
    """A table of a shape the shared pipeline reads: the title and body lines as a cell
    grid (`readers.padded`) → the shared segmenter → the shape's interpreter. The printed
    title stays the title, as in this layout's other tables."""
    catalogue = load_catalogue()
    # the standard title, which the catalogue knows, stands for the printed one (its table
    # was found by this layout: a title after a long department name matches no pattern)
    title_row = GridRow([Cell(TABLE_KEYS[key], Origin(line=title_line))], title_line)
    rows, unread = padded_rows(body, doc.path)
    doc.issues.extend(replace(i, table=key) for i in unread)
    grid = PaddedGrid(path=doc.path, format="pdf-padded", text="", rows=[title_row, *rows])
    segments, issues = find_tables(grid, catalogue)
    doc.issues.extend(issues)
    seg = next((s for s in segments if s.kind.key == key), None)
    if seg is None:
        return Table(key=key, title=title, line=title_line, empty=True)
    seg.title = title  # messages name the table as printed
    if seg.kind.shape in ("coded", "named"):
        rejoin_wrapped_rows(seg, grid)  # "208 05 05" / name pieces / the amounts line
    table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, seg.unit or doc.unit or "万元", doc.path)
    doc.issues.extend(found)
    table.title, table.note = title, None
    if key == "projects":
        name_projects(table, seg, names_by_code)
    last = table.rows[-1] if table.rows else None
    if last is not None and last.code and seg.kind.shape != "two_sided" and not any(
            v is not None for v in last.values.values()):
        # a wrapped row whose amounts line never came (the text ends inside it)
        table.rows.pop()
        doc.issues.append(Issue("row-unread", f"{title.split()[0] if title else key} 第 {last.line} 行："
                                f"{last.code_raw} {last.name or ''} 没有金额行（文本在此中断），未读",
                                doc.path, last.line, "warning", key))
    list_every_column(table, seg.kind.shape)
    stated_empty = any("为空表" in text for _, text in body)
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


def is_meta_line(text: str) -> bool:
    return squash(text).startswith(META_PREFIXES)


def table_number_of(text: str) -> str | None:
    """The number of a line that holds only a table number ("表 2", "表三："), else None."""
    number = squash(text)
    m = TABLE_NUMBER_RE.match(number)
    return m.group(1) if m and number == m.group(0).rstrip("：:") else None
