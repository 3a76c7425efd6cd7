"""The steps the legacy text layouts share (`*_tables.py`): page-number lines and form
feeds, the source checks every layout runs (`generator.layouts.Layout.read`), the title
as printed, where a table's lines end and the order to read the tables in, and each table
as its interpreter read it finished as every layout finishes it (`finish_table`). They depend on what a disclosure is, not on how its text is laid out."""

from __future__ import annotations

import re

from ..model import Document, Issue, Row, Table, table_label
from ..numbers import squash
from ..parse.prose import PAGE_MARKER
from ..readers.text import PART_HEADING_RE
from ..sources import SourceText
from .catalogue import load_catalogue, numbered_title
from .cross_table import NAMES_FROM
from .row_doubts import row_doubts
from .segment import PERFORMANCE_TITLE_RE, Segment


def replace_page_markers(lines: list[str], by: str) -> list[str]:
    """The lines with each page's number line ("第 6 页", "- 6 -": `PAGE_MARKER`) replaced
    by `by` (a blank line, or a form feed where a reader marks page breaks), keeping the
    line numbers: text extracted from a PDF prints it wherever a page ends, in the middle
    of a table or of a wrapped row. `lines` itself when there is none."""
    out = lines
    for n, text in enumerate(lines):
        first = text.lstrip()[:1]
        if first and first in "第共-－—–" and PAGE_MARKER.match(text):  # cheap test first
            if out is lines:
                out = list(lines)
            out[n] = by
    return out


def without_form_feeds(lines: list[str]) -> list[str]:
    """The lines without form feeds: pdftotext ends each page with one, so the next page's
    first line starts with it ("\f表三 …", "\f\t208 …"), where a reader that splits cells
    at spaces or tabs would take it for part of the first cell. `lines` itself when there
    is none. (pdf-single-space keeps them: they mark its page breaks.)"""
    if not any("\f" in line for line in lines):
        return lines
    return [line.replace("\f", "") if "\f" in line else line for line in lines]


# No table row prints more than a few dozen cells (表二: a dozen amounts and its labels): a
# line of more is a run of cells pasted onto one line. Read as a row, it would pass its
# code to the rows after it and its amounts would stand as figures of the table.
MAX_ROW_CELLS = 100


def table_lines(lines: list[str], page_break: str, separator: str | None = None
                ) -> tuple[list[str], dict[int, int]]:
    """The lines to read the tables from, keeping the line numbers: each page's number line
    replaced by `page_break` (`replace_page_markers`), each printing more than MAX_ROW_CELLS
    cells (split at `separator`, else at white space) left blank; and the cells of those,
    by line, for `report_wide_lines`."""
    lines = replace_page_markers(lines, page_break)
    out, wide = lines, {}
    for n, text in enumerate(lines, 1):
        if len(text) <= MAX_ROW_CELLS:
            continue  # (most lines: too short to print that many cells)
        cells = text.count(separator) + 1 if separator else len(text.split())
        if cells > MAX_ROW_CELLS:
            out = list(lines) if out is lines else out
            out[n - 1], wide[n] = "", cells
    return out, wide


def report_wide_lines(wide: dict[int, int], segments: list[Segment], doc: Document) -> None:
    """A `row-too-wide` error for each line `table_lines` left blank, naming the table it
    stands in: between its title and its last row (after that, it may be the last row)."""
    for n, cells in wide.items():
        seg = next((s for s in reversed(segments) if s.rows and s.line < n <= s.rows[-1].line), None)
        key = (seg.kind.key or "performance") if seg else None
        where = f"（在{table_label(seg.kind.key) if seg.kind.key else '绩效目标表'}内）" if seg else ""
        doc.issues.append(Issue("row-too-wide", f"第 {n} 行{where}：{cells} 个单元格，远多于表格所印"
                                f"（至多 {MAX_ROW_CELLS} 个）；未读", doc.path, n, "error", key))


def check_cut_number(source: SourceText, doc: Document) -> None:
    """A file that stops in the middle of its last line may have cut a number short
    ("5005.17" → "5005"): that line's figures are in doubt."""
    last = source.lines[-1] if source.lines else ""
    if last.rstrip()[-1:].isdigit():  # (a complete file ends with a line break: its last line is empty)
        doc.issues.append(Issue("file-cut", f"文件在第 {len(source.lines)} 行中途结束，最后的数字可能不完整",
                                doc.path, len(source.lines), "warning"))


# More lines with U+FFFD than this is a damaged file, not a few damaged labels.
_MAX_GARBLED_LINES = 100


def check_garbled_lines(source: SourceText, doc: Document) -> None:
    """U+FFFD (the replacement character) in the text: bytes an earlier conversion could
    not decode were lost there. A label or number on such a line may be cut ("支出总\ufffd计"
    no longer reads as a 总计), so every figure on it is in doubt."""
    if source.text and "\ufffd" not in source.text:  # (one search of the whole text: the usual case)
        return
    garbled = [n for n, line in enumerate(source.lines, 1) if "\ufffd" in line]
    if len(garbled) > _MAX_GARBLED_LINES:
        doc.issues.append(Issue("source-garbled", f"{len(garbled)} 行含有替换字符（U+FFFD）："
                                "之前的格式转换丢失了文字，"
                                "数字不可靠", doc.path, None, "error"))
        return
    for n in garbled:
        doc.issues.append(Issue("source-garbled", f"第 {n} 行含有替换字符（U+FFFD）："
                                "之前的格式转换在这里丢失了文字，"
                                "这一行的名称和数字不可靠", doc.path, n, "warning"))


def printed_title(lines: list[str], line: int) -> str:
    """The title printed on `line`, with the table's number printed on the line of text
    before it, a few lines up at most and no table row (`catalogue.numbered_title`)."""
    before = next((lines[n - 1] for n in range(line - 1, max(0, line - 4), -1) if lines[n - 1].strip()), None)
    return numbered_title(lines[line - 1], before if before is None or "\t" not in before else None)


# Lines that end a table before the next title: the next part of the document (第三部分 …)
# or a 绩效目标表.
_ENDS_TABLE = re.compile(f"{PART_HEADING_RE.pattern}|{PERFORMANCE_TITLE_RE.pattern}")


def table_body(lines: list[str], seg: Segment, segments: list[Segment]) -> list[tuple[int, str]]:
    """The numbered lines under the title of `seg` (where its notes stand: 为空表), up to the
    next table's title, or to a part heading or a 绩效目标表 line before it."""
    following = min((s.line for s in segments if s.line > seg.line), default=len(lines) + 1)
    body = []
    for n in range(seg.line + 1, following):
        text = lines[n - 1]
        if ("部分" in text or "绩" in text) and _ENDS_TABLE.search(squash(text)):
            break
        body.append((n, text))
    return body


def tables_to_read(lines: list[str], segments: list[Segment], doc: Document
                   ) -> list[tuple[Segment, list[tuple[int, str]]]]:
    """The segments of the catalogue's tables (not the 绩效目标表s) with their `table_body`,
    each given its place in `doc.tables` in print order, in the order to read them: 表一/表四
    first (the sources of income they print place 表二's amounts, `cross_table`), then in
    print order, 表七 after the tables that name its rows (`NAMES_FROM`)."""
    tables = [s for s in segments if s.kind.key and s.kind.shape != "key_value"]
    names = max((s.line for s in tables if s.kind.key in NAMES_FROM), default=0)
    for seg in tables:
        doc.tables[seg.kind.key] = Table(seg.kind.key, seg.title, seg.line)  # (its place in the order)

    def place(seg: Segment) -> tuple[bool, int, bool]:
        line = max(seg.line, names) if seg.kind.key == "projects" else seg.line
        return seg.kind.shape != "two_sided", line, seg.kind.key == "projects"
    return [(s, table_body(lines, s, segments)) for s in sorted(tables, key=place)]


def finish_table(table: Table, seg: Segment, doc: Document,
                 body: list[tuple[int, str]] | None = None, ascending: bool = False, placed: bool = True) -> Table:
    """`table` as the interpreter read `seg`, with its title as printed and the notes printed
    under it; every column listed in every row, labels and the 合计 as printed without spaces;
    a table without a figure or a row is empty (or, given its `body` lines, as its notes say:
    `empty_as_noted`); in a coded or named table, the rows of another classification are
    dropped (`refuse_foreign_rows`), then a missing 合计 and the doubts on its codes (`ascending`
    where the text is extracted from a PDF) and sums (`row_doubts`; not `placed`: its amounts
    wait for another table's, `cross_table`) are said, naming the table as printed (as the
    interpreters do)."""
    label = seg.title
    table.title, table.note = seg.title, "\n".join(seg.notes) or None
    for column in table.columns:
        column.label = squash(column.label)
    if seg.kind.shape != "two_sided":  # (each side lists its own columns)
        for row in [*table.rows, *table.totals.values()]:  # None where nothing is printed
            row.values = {c.key: row.values.get(c.key) for c in table.columns} | row.values
    if table.totals.get("total") and table.totals["total"].name:
        table.totals["total"].name = squash(table.totals["total"].name)
    if body is not None:
        empty_as_noted(table, body, doc, label)
    elif not _prints_figure(table):
        table.empty, table.rows, table.totals = True, [], {}
        return table
    else:
        table.empty = not table.rows  # (a 合计 of 0 under a note saying so: empty all the same)
    if seg.kind.shape in ("coded", "named"):
        refuse_foreign_rows(table, doc, label)
        check_total(table, label, doc)
    row_doubts(table, doc, label, ascending, placed)
    return table


# A note saying the table is empty: "本表为空表", "无数据", "本单位无此项支出".
EMPTY_NOTE_RE = re.compile(r"为空表|无(数据|此项)")


def empty_as_noted(table: Table, lines: list[tuple[int, str]], doc: Document, label: str) -> None:
    """A table whose `lines` (numbered) note it empty is empty when it prints no figure, else
    the note and the figures disagree; a table without a row and without such a note could
    not be read."""
    note = next((n for n, text in lines if EMPTY_NOTE_RE.search(text)), None)
    if note is not None and not _prints_figure(table):
        table.empty, table.rows, table.totals = True, [], {}
    elif note is not None:
        doc.issues.append(Issue("empty-table-has-amounts", f"{label}：注明为空表（第 {note} 行），却印有金额",
                                doc.path, table.line, "warning", table.key))
    elif not table.rows:
        doc.issues.append(Issue("table-unreadable", f"{label}：没有找到金额", doc.path, table.line, "error",
                                table.key))


def _prints_figure(table: Table) -> bool:
    """Whether any row or total of `table` prints an amount."""
    return any(v is not None for r in [*table.rows, *table.totals.values()] for v in r.values.values())


def check_total(table: Table, label: str, doc: Document) -> None:
    """A table of coded or named rows without its 合计 row, or whose last coded row printed no
    amounts (its amounts line never came): the text ends inside it (a truncated copy), or
    the 合计 line was lost."""
    last = table.rows[-1] if table.rows else None
    if last is not None and last.code and not any(v is not None for v in last.values.values()):
        doc.issues.append(Issue("row-unfinished", f"{label} 第 {last.line} 行：{last.code_raw} {last.name or ''}"
                                "没有金额（表格不完整？）", doc.path, last.line, "warning", table.key))
    if last is not None and "total" not in table.totals:
        doc.issues.append(Issue("total-missing", f"{label}：{len(table.rows)} 行之后没有合计行（表格不完整？）",
                                doc.path, last.line, "warning", table.key))


_FUNCTION, _ECONOMIC = frozenset("2"), frozenset("35")  # the codes' first digits
_NAMES = {_FUNCTION: "功能分类 (2xx)", _ECONOMIC: "经济分类 (3xx/5xx)"}


def refuse_foreign_rows(table: Table, doc: Document, label: str) -> None:
    """Drop the rows whose code is of the other classification than the table's (`row-misplaced`:
    功能分类 2xx, 经济分类 3xx/5xx; the catalogue's `classification`, unless most of the coded
    rows print the other one: a template that breaks the table down otherwise) and the named
    rows without a code that no coded row follows (`row-uncoded`: no sub-unit's own total);
    `label` names the table. Converted text loses or moves lines (a row of 表六 among 表五's,
    a lost title's rows under the table before it): only its code tells where a row belongs."""
    family = _family(table)
    other = _ECONOMIC if family is _FUNCTION else _FUNCTION
    dropped = set()
    for row in table.rows:
        if _first_digit(row) in other:
            dropped.add(id(row))
            doc.issues.append(Issue("row-misplaced", f"{label} 第 {row.line} 行：编码 {row.code_raw or row.code} "
                                    f"不属本表所用的{_NAMES[family]}分类（另一张表的行？）；未读",
                                    doc.path, row.line, "warning", table.key))
    table.rows = [r for r in table.rows if id(r) not in dropped]
    rows = table.rows
    for i, row in enumerate(rows):
        if row.kind == "unit" and (i + 1 == len(rows) or rows[i + 1].kind == "unit"):
            dropped.add(id(row))
            doc.issues.append(Issue("row-uncoded", f"{label} 第 {row.line} 行：「{row.name}」既无编码，其下也无"
                                    "带编码的行（不是下属单位的合计；另一张表的行？）；未读",
                                    doc.path, row.line, "warning", table.key))
    table.rows = [r for r in rows if id(r) not in dropped]


def _family(table: Table) -> frozenset[str]:
    kind = load_catalogue().kind_of_table(table.key)
    expected = _ECONOMIC if kind is not None and kind.classification == "economic" else _FUNCTION
    other = _ECONOMIC if expected is _FUNCTION else _FUNCTION
    firsts = [d for d in map(_first_digit, table.rows) if d in expected or d in other]
    return other if firsts and sum(d in other for d in firsts) * 2 > len(firsts) else expected


def _first_digit(row: Row) -> str:
    printed = squash(row.code_raw or row.code)
    return printed[:1] if printed[:1].isdigit() else ""
