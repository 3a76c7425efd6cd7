"""Layout pdf-single-space: pdftotext output with cells separated by single spaces.

Rows are separated by blank lines; long cells wrap onto the following lines with the
amounts on the last one; empty cells print nothing, so a row prints fewer amounts than
the table has columns and the columns are decided by the accounting identities
(the shared pipeline, `pdf_single_space_shared`: 表二 by 表一's income sources in the
cross-table pass, `tables.cross_table`). 表一/表四 are
two-sided on one line (`tables.two_sided`); 表二/三/五/七 may be broken down by sub-unit
(二级预算单位), each with its own total row.

A table ends at the next title, and earlier when a line shows that another table began
whose title was lost: a table-number line ("表二：") after its rows, a second "类 款 项"
header, rows after the 合计 (one-sided) or 收入总计/支出总计 line (two-sided). What follows
is reported and not read; a row that breaks the 类/款/项 order is reported on its line.
"""

from __future__ import annotations

import re

from ..grid import Grid
from ..model import Document, Issue, Table
from ..numbers import parse_amount, squash
from ..readers.single_space import single_space_rows
from ..sources import SourceText
from ..tables.catalogue import load_catalogue
from ..tables.performance import read_key_value_tables
from .common import check_cut_number, check_garbled_lines, replace_page_markers
from .pdf_single_space_lines import (
    Region,
    find_regions,
)
from .pdf_single_space_shared import read_shared

TABLE_LABELS = {
    "summary": "表一",
    "income": "表二",
    "expense": "表三",
    "fiscal": "表四",
    "general_public": "表五",
    "basic": "表六",
    "projects": "表七",
    "three_public": "三公",
    "gov_fund": "政府性基金表",
    "state_capital": "国有资本经营表",
    "carryover": "上年结转结余表",
}
# The widest table (表二, by income source) prints a dozen amounts a row: a line with
# this many numbers is not a row.
MAX_ROW_NUMBERS = 60

# Detection: a table line ends with an amount right after a single space.
_AMOUNT_END = re.compile(r"\S \S+$")
_ASCII_DIGIT = re.compile(r"[0-9]")
PERF_TITLE_RE = re.compile(r"^(项目支出|部门整体(支出)?)绩效目标表")


class PdfSingleSpaceLayout:
    name = "pdf-single-space"
    description = (
        "PDF text (pdftotext): cells separated by single spaces, wrapped cells, empty cells omitted"
    )

    def detect(self, source: SourceText) -> float:
        """Share of amount-ending lines that are single-space separated: not padded
        with trailing blanks (pdf-padded) and without tabs (tsv / word-cells)."""
        single = other = 0
        for text in source.lines:
            if "\t" in text:
                # an ASCII digit found by the regex engine, else any digit (① too) char by char
                other += bool(_ASCII_DIGIT.search(text)) or any(map(str.isdigit, text))
                continue
            if not text.rstrip()[-1:].isdecimal():
                continue  # an amount ends in a digit (most lines: no split needed)
            tokens = text.split()
            if len(tokens) < 2 or parse_amount(tokens[-1]) is None:
                continue
            if text != text.rstrip() or not _AMOUNT_END.search(text):
                other += 1
            else:
                single += 1
        if single + other == 0:
            return 0.0
        share = single / (single + other)
        return share * min(1.0, single / 20)

    def read(self, source: SourceText, doc: Document) -> list[str]:
        check_cut_number(source, doc)
        check_garbled_lines(source, doc)
        # A page's number line marks a page break, as a form feed does (`pages`).
        lines = replace_page_markers(_refuse_wide_lines(source.lines, doc), "\f")
        reader = _Reader(doc, lines)
        for region in find_regions(lines):
            reader.add(region)
        waiting = reader.finish()
        _read_performance(lines, doc)
        return waiting


def _read_performance(lines: list[str], doc: Document) -> None:
    """The 绩效目标表 from the first one's title on, by the shared segmenter and key-value
    interpreter (`tables.performance`), as pdf-padded's."""
    start = next((n for n, text in enumerate(lines, 1) if "绩" in text and PERF_TITLE_RE.match(squash(text))), None)
    if start is None:
        return
    rows = single_space_rows(enumerate(lines[start - 1:], start))
    grid = Grid(path=doc.path, format="pdf-single-space", text="", rows=rows)
    read, issues = read_key_value_tables(grid, load_catalogue())
    doc.issues.extend(issues)
    doc.performance.extend(read)


def _refuse_wide_lines(lines: list[str], doc: Document) -> list[str]:
    """The lines, with each line printing far more numbers than any table row (a run of
    cells pasted into one line) left blank and reported: read as a row, it would pass its
    code to the rows after it and its amounts would stand as unplaced figures."""
    out = lines
    long_lines = [n for n, text in enumerate(lines, 1) if len(text) > MAX_ROW_NUMBERS * 2]  # (few)
    for n in long_lines:
        text = lines[n - 1]
        count = sum(1 for token in text.split() if token[:1].isdigit())
        if count <= MAX_ROW_NUMBERS:
            continue
        if out is lines:
            out = list(lines)
        out[n - 1] = ""
        doc.issues.append(Issue("row-too-wide", f"第 {n} 行：一行有 {count} 个数字，远多于"
                                f"表格一行所印的数字（最多 {MAX_ROW_NUMBERS} 个），未读取",
                                doc.path, n, "error"))
    return out


class _Reader:
    """Reads the regions of one document in order, then settles what needs several
    tables (income sources)."""

    def __init__(self, doc: Document, lines: list[str]):
        self.doc, self.lines = doc, lines
        self.deferred: list[Region] = []

    def add(self, region: Region) -> None:
        key = region.key
        if region.untitled:
            first, last, count = region.untitled
            self._issue(
                "table-title-missing",
                f"第 {first}–{last} 行：编号为「{squash(self.lines[first - 1])}」的表格"
                f"没有标题，其中 {count} 行带金额的内容未读取（也不作为"
                f"{TABLE_LABELS[key]}的行）",
                first,
            )
        if key in self.doc.tables and self._has_rows(key):
            self._issue(
                "table-repeated",
                f"{TABLE_LABELS[key]}印了两次，保留第一份",
                region.line,
            )
            return
        if key in ("summary", "fiscal"):
            self.doc.tables[key] = read_shared(region, self.doc)
        else:  # every other table (SHARED), read after these two, as their issues come first
            self.deferred.append(region)
            self.doc.tables[key] = Table(key, region.title, region.line)

    def _has_rows(self, key: str) -> bool:
        table = self.doc.tables[key]
        return bool(table.rows or table.empty)

    def finish(self) -> list[str]:
        """Read the tables of the shared pipeline; the keys of the tables whose amounts may
        wait for the cross-table pass (`tables.cross_table`: 表二 by 表一's income sources)."""
        tables = self.doc.tables
        for region in self.deferred:
            tables[region.key] = read_shared(region, self.doc)
        return [region.key for region in self.deferred]

    def _issue(self, slug: str, message: str, line: int | None, severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity))
