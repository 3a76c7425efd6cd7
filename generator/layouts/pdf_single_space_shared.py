"""pdf-single-space: the tables read by the shared pipeline (issue 15, one shape at a time):
a table's lines as a cell grid (`readers.single_space`, every amount unplaced) → the shared
segmenter → the shape's interpreter, which places the amounts by the catalogue's
identities. The printed title stays the title, as in this layout's other tables."""

from __future__ import annotations

from decimal import Decimal

from ..grid import Cell, Grid, GridRow
from ..model import COLUMN_LABELS, TABLE_KEYS, Column, Document, Issue, Origin, Table
from ..readers.single_space import single_space_rows
from ..tables.amounts import has_amount
from ..tables.catalogue import load_catalogue
from ..tables.codes import code_chain_doubts
from ..tables.cross_table import name_project_rows, names_by_code
from ..tables.items import read_items
from ..tables.pipeline import INTERPRETERS
from ..tables.rejoin import cut_after_total, rejoin_wrapped_rows
from ..tables.segment import find_tables
from ..tables.two_sided import read_two_sided
from ..tables.verify import verify_coded
from .common import code_doubts
from .pdf_single_space_lines import Region, note_text

# Tables of the shapes the shared interpreters read for this layout.
SHARED = {"income", "projects", "three_public", "gov_fund", "state_capital", "expense", "general_public", "basic",
          "carryover"}


def read_shared(region: Region, doc: Document) -> Table:
    """The region's table by the shared segmenter and its shape's interpreter."""
    catalogue = load_catalogue()
    # the standard title, which the catalogue knows, stands for the printed one (this
    # layout found the table; a title after a long department name matches no pattern)
    title_row = GridRow([Cell(TABLE_KEYS[region.key], Origin(line=region.line))], region.line)
    grid = Grid(path=doc.path, format="pdf-single-space", text="",
                rows=[title_row, *single_space_rows(region.lines())])
    segments, issues = find_tables(grid, catalogue)
    doc.issues.extend(issues)
    seg = next((s for s in segments if s.kind.key == region.key), None)
    if seg is None:
        return Table(key=region.key, title=region.title, line=region.line, empty=True)
    seg.title = region.title  # messages name the table as printed
    unit = seg.unit or doc.unit or "万元"
    if seg.kind.shape == "two_sided":  # each side's values are its own columns'
        table, found = read_two_sided(seg, catalogue, unit, doc.path, unplaced=True)
        doc.issues.extend(found)
        table.title, table.note = region.title, None
        return table
    if seg.kind.shape == "items":
        table, found = read_items(seg, catalogue, unit, doc.path, _stated(doc, seg.kind.columns))
    else:
        rejoin_wrapped_rows(seg, grid)  # "208 05 05 name" / name pieces / the amounts line
        doc.issues.extend(cut_after_total(seg, doc.path))
        table, found = INTERPRETERS[seg.kind.shape](seg, catalogue, unit, doc.path)
        if region.key == "projects":  # (named first: a code repeated by its projects is no doubt)
            found += _name_projects(table, seg, doc)
        found += code_chain_doubts(table.rows, region.title, doc.path)  # before any figure is dropped
        if not seg.kind.sources_from:  # (else another table's sources place them: tables.cross_table)
            found += verify_coded(table, seg.kind.identities_over(table.column_keys() or None), doc.path,
                                  seg.title, in_order=True)
        if table.rows and not table.columns:
            found.append(Issue("header-missing", f"{region.title}（标题在第 {region.line} 行）：各行之前"
                               "没有列标题，金额未读取（标题放错了位置？）", doc.path, None, "warning",
                               table.key))
    doc.issues.extend(found)
    table.title, table.note = region.title, None
    if not table.rows:
        _empty_or_unreadable(table, region, doc)
    elif seg.kind.shape == "coded" or any(r.code for r in table.rows):  # (表二 收入 is "named")
        _unfinished(table, region.title, doc)
        for row, doubt in code_doubts(table.key, table.rows):
            doc.issues.append(Issue("row-misplaced", f"{region.title}「{row.code_raw or row.code}」行：{doubt}",
                                    doc.path, row.line, "warning", table.key))
    elif seg.kind.shape == "items":
        table.columns = _named_columns(seg, catalogue, table)
    said = {i.line for i in found}
    for row in table.rows:  # this layout lists every column, and says what it placed (coded: by_sums)
        printed = sum(v is not None for v in row.values.values())
        row.values = {c.key: row.values.get(c.key) for c in table.columns} | row.values
        if printed and printed < len(table.columns) and row.line not in said and seg.kind.shape == "items":
            row.inferred = tuple(k for k, v in row.values.items() if v is not None)
            shown = "，".join(f"{c.label} {row.values[c.key]}" for c in table.columns
                             if row.values.get(c.key) is not None)
            doc.issues.append(Issue("column-inferred", f"{region.title} 第 {row.line} 行：{printed} 个"
                                    f"金额对应 {len(table.columns)} 列（没有列位置），按恒等式读作 {shown}",
                                    doc.path, row.line, "warning", table.key))
    for row in table.totals.values():  # (the rows: above)
        row.values = {c.key: row.values.get(c.key) for c in table.columns} | row.values
    return table


def _name_projects(table: Table, seg, doc: Document) -> list[Issue]:
    """表七's rows named by the 科目名称 表三, 表五 and 表二 print (`name_project_rows`), and a
    doubt on each name split by the print alone."""
    keys = ("expense", "general_public", "income")
    found, names = name_project_rows(table, seg, doc, keys, "表七"), names_by_code(doc, keys)
    for row in (r for r in table.rows if r.kind == "project"):
        if row.project and row.code_raw and names.get(row.code or "") != row.name:
            found.append(Issue("project-name-uncertain", f"表七「{row.code_raw}」行：其他表中没有印出这个科目名称，"
                               f"按行内排版读作「{row.name}」/「{row.project}」", doc.path, row.line, "warning", table.key))
    return found


def _named_columns(seg, catalogue, table: Table) -> list[Column]:
    """The columns the header names or an amount went to, in the catalogue's order: a
    header printed without positions tells no column order, its labels may wrap
    ("因公出国" / "（境）费")."""
    named = {catalogue.column_key(c.text) for r in seg.rows if not has_amount(r) for c in r.cells}
    placed = {k for row in table.rows for k, v in row.values.items() if v is not None}
    return [Column(k, COLUMN_LABELS.get(k, k)) for k in seg.kind.columns if k in named | placed]


def _unfinished(table: Table, title: str, doc: Document) -> None:
    """A coded table without its 合计 row, or whose last row printed no amounts: the text
    ends inside it (a truncated copy)."""
    last = table.rows[-1]
    if last.code and not any(v is not None for v in last.values.values()):
        doc.issues.append(Issue("row-unfinished", f"{title} 第 {last.line} 行：{last.code_raw} {last.name or ''}"
                                "没有金额（表格不完整？）", doc.path, last.line, "warning", table.key))
    if "total" not in table.totals:
        doc.issues.append(Issue("total-missing", f"{title}：{len(table.rows)} 行之后没有合计行（表格不完整？）",
                                doc.path, last.line, "warning", table.key))


def _empty_or_unreadable(table: Table, region: Region, doc: Document) -> None:
    """A table without amounts: empty as its note says (…为空表), else unreadable."""
    note = note_text(region.lines())
    table.empty, table.note = note is not None, note[1] if note else None
    if note is None:
        doc.issues.append(Issue("table-unreadable", f"{region.title}：没有找到金额", doc.path,
                                region.line, "error", table.key))


def _stated(doc: Document, columns: tuple[str, ...]) -> dict[str, Decimal]:
    """The 三公 figures the 说明 text states, by column key (they confirm a placement)."""
    stated: dict[str, Decimal] = {}
    for figure in doc.figures:
        column = figure.key.removeprefix("three_public_")
        if column in columns and figure.amount is not None:
            stated.setdefault(column, figure.amount)
    return stated
