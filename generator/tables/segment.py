"""The segmenter: one cell grid → the tables in it, each with its kind, title, unit, body
rows and notes, whatever reader made the grid.

It knows the page furniture every template prints around a table: the title (matched
against the catalogue), a （续） title or the same title again on the next page (one table),
the 编制部门 / 部门名称 line, the unit line (单位：元), `公开 01 表` / `表四：` labels, page-number lines,
notes under the table (注：…), and the 目录, whose entries look like titles but head no
rows (the entry of a kind with the most figures wins). A body ends at the next title, at
a part heading (第三部分 …) or at the first line of prose; a key-value table (绩效目标表,
printed once per project, its goal in sentences) at the next title or section heading.
In text whose table rows are ruled (tab-separated), a table ends at its first line of
text, and the rows under no title are handed back (`find_tables(..., untitled)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..grid import Cell, Grid, GridRow
from ..model import Issue, table_label
from ..numbers import squash
from ..readers.text import PART_HEADING_RE, is_amount
from .catalogue import Catalogue, TableKind

# A section heading of the text ends a key-value table (绩效目标表), whose goal is prose:
# 第三部分 …, （五） …, 五、…
_SECTION_HEADING = re.compile(PART_HEADING_RE.pattern + r"|^(?:[（(][一二三四五六七八九十]+[)）]|"
                              r"[一二三四五六七八九十]+、)")
# A 绩效目标表's title, without its number.
PERFORMANCE_TITLE_RE = re.compile(r"(?:项目支出|部门整体(?:支出)?)绩效目标表")
UNIT_RE = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
_HEADING_LINE = re.compile(r"^(?:编制(?:部门|单位)(?:[（(]单位[)）])?|预算(?:主管部门|单位)|部门(?:名称)?|单位名称)\s*[:：]")
_TABLE_LABEL = re.compile(r"^(?:公开\d+表|表(?:[一二三四五六七八九十]+|\d+))[：:]?$")  # 公开01表, 表四：
_PAGE_NUMBER = re.compile(r"^(?:[-—－–]*\d{1,3}[-—－–]*|第\d+页(?:共\d+页)?)$")
_NOTE = re.compile(r"^(?:备?注[:：]|[:：]“|说明[:：]|本表|此表)")
# The first characters those lines (page number, heading, label, note, part heading) may
# start with, besides a digit (\d: str.isdecimal).
_FURNITURE_STARTS = frozenset("-—－–第编预部单公表备注:：说本此")
# A line of prose: long, one piece of text, sentence punctuation, no figures of a table.
PROSE_MIN_CHARS = 30


@dataclass
class Segment:
    """One table as printed: its catalogue kind, the title as printed and where, the
    unit its own unit line gives (None: the document's), the body rows and the notes."""

    kind: TableKind
    title: str
    line: int
    page: int | None
    unit: str | None = None
    rows: list[GridRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 1

    def amount_cells(self) -> int:
        """The figures of the body; a row's 序号 (1, 2 … before a name) is none."""
        return sum(is_amount(c.text) and not (i == 0 and _is_serial(r.cells))
                   for r in self.rows for i, c in enumerate(r.cells))


def table_issue(seg: Segment, path: str, slug: str, line: int | None, text: str,
                severity: str = "warning") -> Issue:
    """An issue on the table's row: "<title> 第 <line> 行：<text>" ("<title>：<text>" without a line)."""
    where = f"{seg.title} 第 {line} 行：" if line is not None else f"{seg.title}："
    return Issue(slug, where + text, path, line, severity, table=seg.kind.key or None)


def _is_serial(cells: list[Cell]) -> bool:
    return len(cells) > 1 and cells[0].text.isdigit() and len(cells[0].text) <= 2 \
        and not is_amount(cells[1].text)


def find_tables(grid: Grid, catalogue: Catalogue, untitled: list[list[GridRow]] | None = None
                ) -> tuple[list[Segment], list[Issue]]:
    """The tables of `grid`, in print order, one per kind; issues for what was dropped.

    `untitled` (a list) reads the grid as text with tables of ruled rows between lines of
    text (tab-separated text): a table ends at its first line of text that is no furniture
    (a note ends it for good; its title printed again resumes it), and the runs of ruled
    rows under no title are added to `untitled`, for the caller to tell by their shape.

    Otherwise a table's number ("表七：") printed after a table's rows opens a table whose
    title was lost: its rows with amounts up to the next title are reported, not read (nor
    read as the rows of the table before it)."""
    segments: list[Segment] = []
    text = _TextTables(untitled) if untitled is not None else None
    current: Segment | None = None
    skip, lost, found = None, None, []  # lost: the indexes of the rows after such a number
    rows, texts, titles = _titles_first(grid.rows, catalogue)
    edges = _page_edges(rows)
    for index, row in enumerate(rows):
        if row is skip:
            continue
        match = titles[index]
        if match is None and index + 1 < len(rows) and len(rows[index + 1].cells) <= 3 \
                and title_tail(texts[index + 1]):
            match = catalogue.match_title(texts[index] + texts[index + 1])
            skip = rows[index + 1] if match else None  # a title wrapped: "…支出预" / "算表"
        if lost is not None and (match is not None or PART_HEADING_RE.match(squash(texts[index]))):
            current, lost = _untitled(current, lost, rows, edges, row.line - 1, grid.path, found), None
        if match is not None:
            kind, continued = match
            current = text.resumed(current) if text else current
            same = current is not None and current.kind.kind == kind.kind and current.rows
            if same and (continued or kind.shape != "key_value"):
                current.pages += 1  # (续), or the title again on the next page: one table
                continue
            current = Segment(kind, texts[index], row.line, row.page)
            segments.append(current)
            continue
        if lost is not None or text is None and current is not None and "表" in texts[index] \
                and current.kind.shape != "key_value" and _TABLE_LABEL.match(squash(texts[index])) \
                and any(map(_ends_in_amount, current.rows)):
            lost = [] if lost is None else lost
            lost.append(index)  # (appended: a lost title may run to the file's end)
        elif text is not None and (not row.ruled or current is None):
            current = text.take(current, row, texts[index])
        elif current is not None and not _take_row(current, row, index in edges, texts[index]):
            current = text.close(current) if text else None
    if lost is not None:
        _untitled(current, lost, rows, edges, rows[-1].line, grid.path, found)
    segments, repeated = _one_per_kind(segments, grid.path)
    return segments, found + repeated


def _untitled(current: Segment, lost: list[int], rows: list[GridRow], edges: set[int], last: int,
              path: str, found: list[Issue]) -> Segment | None:
    """`lost`: the rows from a table's number printed after the rows of `current` up to
    line `last`: a table whose title was lost when a row ends in an amount (a page's number
    is none; reported, and `current` ends), else `current`'s rows."""
    amounts = sum(_ends_in_amount(rows[i]) and not _PAGE_NUMBER.match(squash(rows[i].text())) for i in lost[1:])
    if amounts:
        number = rows[lost[0]]
        found.append(Issue("table-title-missing", f"第 {number.line}–{last} 行：编号为「{squash(number.text())}」"
                           f"的表格没有标题，其中 {amounts} 行带金额的内容未读取（也不作为"
                           f"{table_label(current.kind.key)}的行）", path, number.line, "warning",
                           current.kind.key))
        return None
    return current if all(_take_row(current, rows[i], i in edges) for i in lost) else None


def _ends_in_amount(row: GridRow) -> bool:
    return is_amount(row.cells[-1].text)


# Lines of text a title may have before its first row (a 编制部门 line broken over two).
MAX_TEXT_BEFORE_ROWS = 4
_YEAR_LINE = re.compile(r"^[（(]\d{4}年度?[)）]$")  # （2024年度） under a title


class _TextTables:
    """`find_tables` over text with tables of ruled rows (see there): where a table ends,
    and the runs of ruled rows under no title."""

    def __init__(self, untitled: list[list[GridRow]]):
        self.untitled = untitled
        self.run: list[GridRow] | None = None  # the run of rows under no title being read
        self.ended: Segment | None = None  # the table a line of text ended, if resumable
        self.before = 0  # lines of text since the title, before the first row

    def resumed(self, current: Segment | None) -> Segment | None:
        """At a title: the table it may continue (the one ended by a line of text)."""
        self.run, self.before = None, 0
        current, self.ended = current or self.ended, None
        return current

    def close(self, segment: Segment) -> None:
        self.ended = segment if segment.rows and not segment.notes else None
        return None

    def take(self, current: Segment | None, row: GridRow, row_text: str) -> Segment | None:
        """A line of text, or a ruled row under no title: the table open after it."""
        if current is None and self.run is None and not row.ruled:
            return None  # (prose between tables: most lines)
        text = squash(row_text)
        furniture = _is_text_furniture(text)
        if current is None:
            if row.ruled and not furniture:
                if self.run is None:
                    self.run, self.ended = [], None
                    self.untitled.append(self.run)
                self.run.append(row)
            elif not furniture:
                self.run = None
            return None
        if _NOTE.match(text):
            current.notes.append(row.text())
            self.ended = None  # a note ends its table for good
            return None
        if furniture and not (current.rows and _TABLE_LABEL.match(text)):
            unit = not current.rows and "单位" in text and UNIT_RE.search(text)  # (above its rows)
            current.unit = current.unit or (unit.group(1) if unit else None)
            return current  # (a table's number after its rows opens the next table)
        if not current.rows and self.before < MAX_TEXT_BEFORE_ROWS:
            self.before += 1
            return current
        return self.close(current)


def _is_text_furniture(text: str) -> bool:
    """编制部门, 单位, 表 N, a page's number, （2024年度）: lines printed around a table."""
    if "单位" in text and UNIT_RE.search(text):
        return True
    first = text[:1]  # (most lines start otherwise: none of the patterns can match them)
    return (first in _FURNITURE_STARTS or first.isdecimal() or first in "（(") and bool(
        _HEADING_LINE.match(text) or _TABLE_LABEL.match(text) or _PAGE_NUMBER.match(text)
        or _YEAR_LINE.match(text))


def _titles_first(rows: list[GridRow], catalogue: Catalogue
                  ) -> tuple[list[GridRow], list[str], list[tuple[TableKind, bool] | None]]:
    """Rows in reading order, with their texts and the title each is (`match_title`, once
    a row: a grid has thousands), except a page whose title comes after its
    table (`-raw` of a PDF that draws the title last): the page starts with its 部门 / 单位
    line, has figures before its only title and none after. Such a page is read title
    first, then the lines after the title (the header), then the body."""
    texts = [row.text() for row in rows]
    titles = [catalogue.match_title(t) if "表" in t else None for t in texts]  # (a title holds 表)
    order: list[int] | None = None  # the rows' new order, where a page moves
    start = 0
    for end in [*(i for i in range(1, len(rows)) if rows[i].page != rows[i - 1].page), len(rows)]:
        page, start = range(start, end), end
        if not any(UNIT_RE.search(squash(texts[i])) or _HEADING_LINE.match(squash(texts[i])) for i in page[:2]):
            continue  # (most pages: not opened by a 部门 / 单位 line)
        found = [i for i in page if titles[i]]
        if len(found) == 1 and found[0] > page.start:
            t = found[0]
            if any(_has_amount(rows[i]) for i in page[:t - page.start]) and \
                    not any(_has_amount(rows[i]) for i in range(t + 1, page.stop)):
                order = order if order is not None else list(range(len(rows)))
                order[page.start:page.stop] = [t, *range(t + 1, page.stop), *range(page.start, t)]
    if order is None:  # (most grids)
        return rows, texts, titles
    return [rows[i] for i in order], [texts[i] for i in order], [titles[i] for i in order]


def _has_amount(row: GridRow) -> bool:
    return any(is_amount(c.text) for c in row.cells)


def title_tail(text: str) -> bool:
    """The end of a title wrapped over two lines ("…支出预" / "算表"): a few characters,
    ending in 表."""
    if "表" not in text:
        return False
    flat = squash(text)
    return len(flat) <= 6 and flat.endswith(("表", "表（续）", "表(续)"))


def _page_edges(rows: list[GridRow]) -> set[int]:
    """The indexes of rows where a page-number line may stand: the first and last rows of
    each page, and every row of a grid with column positions (-layout, where the number
    may sit beside the table's last line). In the default mode of pdftotext a lone small
    integer inside a page is a table's cell ("80", "237"), printed on its own line; it is
    kept in a one-row table (三公), where every amount counts (a coded table without
    positions is read by its totals only)."""
    for row in rows:  # (loops: a generator over every cell of a grid is twice as slow)
        for c in row.cells:
            if c.x0 is not None or c.col is not None:
                return set(range(len(rows)))
    edges: set[int] = set()
    for i, row in enumerate(rows):
        if i == 0 or rows[i - 1].page != row.page:
            edges.update((i, i - 1))
    return edges | {len(rows) - 1}


def _take_row(segment: Segment, row: GridRow, page_edge: bool = True,
              row_text: str | None = None) -> bool:
    """Add `row` to the segment's body, or to its unit or notes; False at prose (the end).
    `page_edge`: the row may be the page's number; `row_text`: its text, if known."""
    text = squash(row.text() if row_text is None else row_text)
    if segment.kind.shape == "key_value":
        return _take_key_value_row(segment, row, text)
    unit = "单位" in text and UNIT_RE.search(text)
    if unit:
        segment.unit = segment.unit or unit.group(1)
        rest = [c for c in row.cells if not UNIT_RE.search(squash(c.text)) and c.text not in ("单位:", "单位：")]
        if not rest or _HEADING_LINE.match(squash(rest[0].text)):
            return True
        row = GridRow(cells=rest, line=row.line, page=row.page, ruled=row.ruled, width=row.width)
        text = squash(row.text())
    furniture = text[:1] in _FURNITURE_STARTS or text[:1].isdecimal()
    if furniture:  # (most rows start otherwise: none of these patterns can match them)
        # inside a page of a grid without pages (a layout's region, its page numbers gone)
        # a lone integer is a cell: 表七's "19" closing a wrapped row
        number = _PAGE_NUMBER.match(text) and (page_edge or segment.kind.shape != "items" and row.page is not None)
        if _HEADING_LINE.match(text) or _TABLE_LABEL.match(text) or number:
            return True
        if _NOTE.match(text):
            segment.notes.append(row.text())
            return True
    if _is_prose(row, text) or furniture and PART_HEADING_RE.match(text):
        return False
    segment.rows.append(row)
    return True


def _take_key_value_row(segment: Segment, row: GridRow, text: str) -> bool:
    """A key-value table's rows are its labels and values (预算单位：…, a goal in
    sentences): it ends at a section heading only; page numbers are left out."""
    if _SECTION_HEADING.match(text):
        return False
    if not _PAGE_NUMBER.match(text):
        segment.rows.append(row)
    return True


def _is_prose(row: GridRow, text: str) -> bool:
    if len(text) < PROSE_MIN_CHARS:
        return False  # (every case below needs a long line)
    if "年" not in text and "，" not in text and "。" not in text and "；" not in text:
        return False  # (most table rows: no year, no sentence's punctuation)
    cells = row.cells
    years = [_is_year(c, cells[i + 1] if i + 1 < len(cells) else None) for i, c in enumerate(cells)]
    if any(is_amount(c.text) and not year for c, year in zip(cells, years)):
        return False
    if any(years):  # "…管理局 2024 年没有使用…的支" (a sentence cut by the line end)
        return len(text) >= PROSE_MIN_CHARS
    return len(text) >= PROSE_MIN_CHARS and any(p in text for p in "，。；")


def _is_year(cell: Cell, after: Cell | None) -> bool:
    """"2024 年没有使用…" in a sentence: a year, no amount."""
    return after is not None and after.text.startswith("年") and len(cell.text.strip()) == 4


def _one_per_kind(segments: list[Segment], path: str) -> tuple[list[Segment], list[Issue]]:
    """Keep one segment per kind: the one with the most figures (a 目录 entry heads none)."""
    best: dict[str, Segment] = {}
    issues: list[Issue] = []
    for seg in (s for s in segments if s.kind.shape != "key_value" and (s.rows or s.notes)):
        kept = best.get(seg.kind.kind)
        if kept is None or seg.amount_cells() > kept.amount_cells() or _notes_decide(seg, kept):
            if kept is not None and kept.amount_cells():
                issues.append(_repeated(kept, seg, path))
            best[seg.kind.kind] = seg
        elif seg.amount_cells():
            issues.append(_repeated(seg, kept, path))
    # A title followed by nothing of its own (no row, no note) is a 目录 entry or a title
    # cut off by the end of the file: it heads no table.
    # A key-value table (绩效目标表) is printed once per project: every one is kept.
    return [s for s in segments if (s.rows or s.notes) and (
        best.get(s.kind.kind) is s or s.kind.shape == "key_value")], issues


def _notes_decide(seg: Segment, kept: Segment) -> bool:
    """With as many figures (none: an empty table, or a 目录 entry over a list of units),
    the one printing the table's notes (注：…, 说明：本表无数据) is the table."""
    return seg.amount_cells() == kept.amount_cells() and bool(seg.notes) and not kept.notes


def _repeated(dropped: Segment, kept: Segment, path: str) -> Issue:
    return Issue("table-repeated", f"第 {dropped.line} 行：{dropped.title}在第 {kept.line} 行"
                 "带数字重复印出，读取数字较多的那一份",
                 path, dropped.line, "warning", table=kept.kind.key or None)
