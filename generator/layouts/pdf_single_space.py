"""Layout pdf-single-space: pdftotext output with cells separated by single spaces.

Rows are separated by blank lines; long cells wrap onto the following lines with the
amounts on the last one; empty cells print nothing, so a row prints fewer amounts than
the table has columns and the columns are decided by the accounting identities
(`pdf_single_space_place`). 表一/表四 are two-sided on one line
(`tables.two_sided`); 表二/三/五/七 may be broken down by sub-unit
(二级预算单位), each with its own total row.

A table ends at the next title, and earlier when a line shows that another table began
whose title was lost: a table-number line ("表二：") after its rows, a second "类 款 项"
header, rows after the 合计 (one-sided) or 收入总计/支出总计 line (two-sided). What follows
is reported and not read; a row that breaks the 类/款/项 order is reported on its line.
"""

from __future__ import annotations

import re

from ..grid import Grid
from ..model import COLUMN_LABELS, Column, Document, Issue, Table
from ..numbers import parse_amount, squash
from ..readers.single_space import single_space_rows
from ..sources import SourceText
from ..tables.catalogue import load_catalogue
from ..tables.performance import read_key_value_tables
from ..tables.two_sided_unplaced import income_sources
from .common import check_cut_number, check_garbled_lines, code_doubts, replace_page_markers
from .pdf_single_space_lines import (
    Region,
    assemble_rows,
    clean_body,
    cut_at_next_header,
    find_regions,
    header_columns,
    note_text,
    pages,
    split_header,
    unknown_labels,
)
from .pdf_single_space_place import place_by_sources
from .pdf_single_space_rows import (
    Printed,
    check_code_chain,
    interpret_rows,
)
from .pdf_single_space_shared import SHARED, read_shared

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
INCOME_KEYS = {
    "total",
    "fiscal_subtotal",
    "general_public",
    "general_public_transfer",
    "gov_fund",
    "gov_fund_transfer",
    "state_capital",
    "state_capital_transfer",
    "edu_fee",
    "business",
    "operating",
    "superior_subsidy",
    "subordinate",
    "unit_funds",
    "other",
    "carryover",
    "non_fiscal_carryover",
}
ALLOWED: dict[str, set[str] | None] = {"income": INCOME_KEYS}
DEFAULT_COLUMNS = {"income": ["total", "general_public"]}
# A header piece longer than this is no (wrapped) column label: the header is garbled.
MAX_HEADER_PIECE = 200
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

    def read(self, source: SourceText, doc: Document) -> None:
        check_cut_number(source, doc)
        check_garbled_lines(source, doc)
        # A page's number line marks a page break, as a form feed does (`pages`).
        lines = replace_page_markers(_refuse_wide_lines(source.lines, doc), "\f")
        reader = _Reader(doc, lines)
        for region in find_regions(lines):
            reader.add(region)
        reader.finish()
        _read_performance(lines, doc)


def _read_performance(lines: list[str], doc: Document) -> None:
    """The 绩效目标表 from the first one's title on, by the shared segmenter and key-value
    interpreter (`tables.performance`), as pdf-padded's."""
    start = next((n for n, text in enumerate(lines, 1) if "绩" in text and PERF_TITLE_RE.match(squash(text))), None)
    if start is None:
        return
    rows = single_space_rows([(n, lines[n - 1]) for n in range(start, len(lines) + 1)])
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
        self.printed: dict[str, list[Printed]] = {}
        self.totals: dict[str, Printed | None] = {}
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
        elif key in SHARED:
            self.deferred.append(region)  # read after the others, as their issues come first
            self.doc.tables[key] = Table(key, region.title, region.line)
        else:
            self.doc.tables[key] = self._one_sided(region)

    def _has_rows(self, key: str) -> bool:
        table = self.doc.tables[key]
        return bool(table.rows or table.empty)

    def _one_sided(self, region: Region) -> Table:
        key, label = region.key, TABLE_LABELS[region.key]
        table = Table(key, region.title, region.line)
        header: list[tuple[int, str]] = []
        body: list[tuple[int, str]] = []
        for page in (page for part in region.parts for page in pages(part)):
            # Repeated page headers go; a row cut by the page break joins up again.
            head, part_body = split_header(clean_body(page))
            header = header or head
            part_body, cut = cut_at_next_header(part_body)
            body.extend(part_body)
            if cut is not None:
                self._issue(
                    "table-cut",
                    f"{label}在第 {cut[0]} 行结束：各行之后又一个类 款 项表头"
                    f"开始了另一张表（其标题丢失？），从那里起 {cut[1]} 行带金额的内容"
                    "未读取",
                    cut[0],
                )
                break
        raws, leftover = assemble_rows(body)
        table.columns, named = self._columns(key, header, region.line)
        note = note_text(region.lines())
        if leftover and note is None:
            self._issue(
                "row-unfinished",
                f"{label}：名称「{leftover[0].text}」没有金额（表格不完整？）",
                leftover[0].line,
            )
        rows, total = interpret_rows(label, raws, self.doc.path, self.doc.issues)
        check_code_chain(label, rows, self.doc.path, self.doc.issues)
        for row, doubt in code_doubts(key, [p.row for p in rows]):
            self._issue(
                "row-misplaced", f"{label}「{row.code_raw or row.code}」行：{doubt}", row.line
            )
        if rows and not named:
            # No header names a column: every amount's column is assumed, and a title
            # printed straight over rows is likely a title moved away from its table.
            self.doc.issues.append(
                Issue(
                    "header-missing",
                    f"{label}（标题在第 {region.line} 行）：各行之前没有列标题，"
                    "按标准列读取（标题放错了位置？）",
                    self.doc.path,
                    None,
                    "warning",
                    key,
                )
            )
        if not rows and total is None:
            table.empty, table.note = note is not None, note[1] if note else None
            if note is None:
                self._issue("table-unreadable", f"{label}：没有找到任何行", region.line, "error")
        table.rows = [p.row for p in rows]
        if total is not None:
            table.totals["total"] = total.row
        elif rows:
            self._issue(
                "total-missing",
                f"{label}：{len(rows)} 行之后没有合计行（表格不完整？）",
                rows[-1].row.line,
            )
        self.printed[key], self.totals[key] = rows, total
        return table

    def _columns(
        self, key: str, header: list[tuple[int, str]], line: int
    ) -> tuple[list[Column], bool]:
        """The table's columns, and whether its header named any."""
        found, leftovers = header_columns(header, ALLOWED.get(key))
        columns: list[Column] = []
        for col_key, printed in found:
            if col_key not in {c.key for c in columns}:
                columns.append(Column(col_key, printed))
        garbled = [p for p in leftovers if len(p) > MAX_HEADER_PIECE]
        if garbled:
            self.doc.issues.append(
                Issue(
                    "header-unreadable",
                    f"{TABLE_LABELS[key]}（标题在第 {line} 行）：表头中一段"
                    f"{len(garbled[0])} 个字符的文字不是列名，各列不可靠",
                    self.doc.path,
                    None,
                    "warning",
                    key,
                )
            )
            leftovers = [p for p in leftovers if len(p) <= MAX_HEADER_PIECE]
        for n, printed in enumerate(unknown_labels(leftovers), len(columns) + 1):
            self._issue(
                "column-unknown",
                f"{TABLE_LABELS[key]}：列名「{printed}」无法识别，保留为第 {n} 列（col_{n}）",
                line,
                "info",
            )
        if not columns or columns[0].key != "total":
            default = DEFAULT_COLUMNS.get(key, ["total"])
            if columns:
                self._issue(
                    "column-unknown",
                    f"{TABLE_LABELS[key]}：表头无法识别，按标准列读取",
                    line,
                )
            columns = [Column(k, COLUMN_LABELS.get(k, k)) for k in default]
        return columns, bool(found)

    def finish(self) -> None:
        """Place amounts once every table is read: placement uses other tables."""
        tables = self.doc.tables
        active = income_sources(tables.get("summary")) or income_sources(tables.get("fiscal"))
        for key, rows in self.printed.items():  # 表二, the one table read here
            total = self.totals.get(key)
            self._place_income(TABLE_LABELS[key], tables[key], rows + ([total] if total else []), active)
        for region in self.deferred:
            tables[region.key] = read_shared(region, self.doc)

    def _place_income(
        self, label: str, table: Table, printed: list[Printed], active: list[str]
    ) -> None:
        for item in printed:
            place_by_sources(label, item, table.columns, active, self.doc.path, self.doc.issues)
        placed = [p for p in printed if p.row.inferred]
        if placed:
            names = "、".join(c.label for c in table.columns if c.key in placed[0].row.inferred)
            self._issue(
                "column-inferred",
                f"{label}：{len(placed)} 行的金额个数少于列数，"
                f"放在{table.columns[0].label} + {names}（按表一的收入来源）",
                placed[0].row.line,
            )

    def _issue(self, slug: str, message: str, line: int | None, severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity))
