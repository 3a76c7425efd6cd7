"""Grid → Document: the segmenter finds the tables, the interpreter of each table's
shape reads it, the prose readers read the text; units exactly (a table's own unit line
wins over the document's; amounts converted to 万元 exactly, `Table.unit` as printed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from ..grid import Grid
from ..model import Document, Issue, PerformanceTarget, Table
from ..numbers import squash, unwrap
from ..parse.statements import stated_under_table
from ..sources import SourceText
from .catalogue import Catalogue, load_catalogue
from .coded import read_coded
from .columnar import coded_classes, coded_total, stated_lines, two_sided_totals
from .cross_table import settle_across_tables
from .glued import glued_side_lines
from .items import read_items
from .performance import read_performance
from .rejoin import reattach_glued_amounts, rejoin_wrapped_rows
from .segment import Segment, find_tables
from .two_sided import read_two_sided
from .verify import verify_coded, verify_two_sided

INTERPRETERS = {"two_sided": read_two_sided, "coded": read_coded, "named": read_coded,
                "items": read_items}


def interpret(seg: Segment, doc: Document) -> Table:
    """One table by the interpreter of its shape, its issues into `doc`; amounts in the unit
    of `table_unit`."""
    table, found = INTERPRETERS[seg.kind.shape](seg, load_catalogue(), table_unit(seg, doc), doc.path)
    doc.issues.extend(found)
    return table


def table_unit(seg: Segment, doc: Document) -> str:
    """The unit a table's amounts are printed in: its own unit line's, else the document's,
    else 万元 (the interpreters convert them to 万元 exactly)."""
    return seg.unit or doc.unit or "万元"


def read_target(seg: Segment, doc: Document) -> PerformanceTarget | None:
    """One 绩效目标表 by the key-value interpreter into `doc.performance` (its issues into `doc`)."""
    target, issues = read_performance(seg, load_catalogue(), doc.path)
    doc.issues.extend(issues)
    if target is not None:
        doc.performance.append(target)
    return target


def source_of(grid: Grid, sha256: str = "", encoding: str = "utf-8") -> SourceText:
    """The grid's text as a SourceText, for the prose readers."""
    return SourceText(path=grid.path, text=grid.text, lines=grid.lines, encoding=encoding, sha256=sha256)


def read_tables(grid: Grid, doc: Document, catalogue: Catalogue | None = None) -> None:
    """Put every table of the grid the catalogue knows into `doc.tables` (and issues)."""
    catalogue = catalogue or load_catalogue()
    segments, issues = find_tables(grid, catalogue)
    doc.issues.extend(grid.issues)
    doc.issues.extend(issues)
    printed = Counter(s.unit for s in segments if s.unit)
    document_unit = printed.most_common(1)[0][0] if printed else doc.unit
    summary = next((s for s in segments if s.kind.key == "summary" and s.unit), None)
    doc.unit = summary.unit if summary else document_unit
    for index, seg in enumerate(segments):
        interpreter = INTERPRETERS.get(seg.kind.shape)
        if interpreter is None or not seg.kind.key or not (seg.rows or seg.notes):
            continue  # a 目录 entry heads nothing
        unit = seg.unit or document_unit
        positioned = any(c.x0 is not None or c.col is not None for r in seg.rows for c in r.cells)
        printed = list(seg.rows)  # the rows as printed, before any rejoining
        if not positioned and seg.kind.shape == "coded":
            rejoin_wrapped_rows(seg, grid)
        if not positioned and seg.kind.shape == "two_sided":
            reattach_glued_amounts(seg)
        if seg.kind.shape == "items":
            following = segments[index + 1].line if index + 1 < len(segments) else len(grid.lines) + 1
            table, found = read_items(seg, catalogue, unit, grid.path, _stated_items(doc, seg, grid, following))
        else:
            table, found = interpreter(seg, catalogue, unit, grid.path)
        if not positioned:
            found += _verify(table, seg, grid.path) + _columnar(table, seg, printed, catalogue, unit, grid.path,
                                                                 {f.key: f.amount for f in doc.figures})
        # the title as printed (the standard name is the key); the note is what is printed under it
        table.title, table.note = unwrap(seg.title), "\n".join(seg.notes) or None
        table.empty = table.empty or not (table.rows or table.totals)
        doc.tables[seg.kind.key] = table
        doc.issues.extend(found)
    settle_across_tables(doc)
    if not segments:
        doc.issues.append(Issue("table-missing", "没有找到任何已知模板的表格",
                                grid.path, None, "error"))


# how many lines under a table its own 说明 may take
NOTE_LINES = 40


def _stated_items(doc: Document, seg, grid: Grid, following: int) -> dict[str, Decimal]:
    """The 三公 figures (`three_public_overseas` …, `operating_costs`) by column, in 万元,
    that the 说明 text states: the text printed under the table first, then the 说明 part."""
    last = max((c.origin.line or seg.line for r in seg.rows for c in r.cells), default=seg.line)
    stop = min(following - 1, last + NOTE_LINES, len(grid.lines))
    under = stated_under_table(grid.lines, last + 1, stop, seg.kind.key) if stop > last else {}
    return stated_figures([*under.items(), *((f.key, f.amount) for f in doc.figures)], seg.kind.columns)


def stated_figures(figures: list[tuple[str, Decimal | None]], columns: tuple[str, ...]) -> dict[str, Decimal]:
    """The first of the (key, amount) figures stated for each of `columns`, by column key
    (three_public_overseas → overseas): the 三公 figures the text states confirm a placement."""
    stated: dict[str, Decimal] = {}
    for key, amount in figures:
        column = key.removeprefix("three_public_")
        if column in columns and amount is not None:
            stated.setdefault(column, amount)
    return stated


def _verify(table, seg, path: str) -> list[Issue]:
    """Figures placed without positions: kept where the identities confirm them."""
    if seg.kind.shape == "two_sided":
        return verify_two_sided(table, path, seg.title)
    if seg.kind.shape in ("coded", "named"):
        return verify_coded(table, _identities(table, seg), path, seg.title)
    return []


def _identities(table, seg) -> tuple[str, ...]:
    """The kind's identities, with the optional parts the table's header prints."""
    return seg.kind.identities_over(table.column_keys() or None)


# the code columns' headings (功能分类科目编码 类 款 项)
CODE_LEVELS = ("类", "款", "项")


def _columnar(table, seg, printed, catalogue: Catalogue, unit: str, path: str,
              stated: dict[str, Decimal]) -> list[Issue]:
    """Totals of a table printed cell by cell (pdftotext's default mode), where confirmed."""
    seg = replace(seg, rows=printed)
    if seg.kind.shape == "two_sided":
        return two_sided_totals(table, seg, catalogue, unit, path) + \
            glued_side_lines(table, seg, catalogue, unit, path)
    if seg.kind.shape != "coded":
        return []
    found = coded_total(table, seg, _identities(table, seg), unit, path)
    if seg.kind.classification in ("function", "economic"):
        headings = frozenset({*(squash(s) for group in catalogue.columns.values() for s in group),
                              *catalogue.labels["total"], *CODE_LEVELS})
        found += coded_classes(table, seg, unit, path, seg.kind.classification, headings)
    if seg.kind.classification == "economic":
        found += stated_lines(table, seg, stated, unit, path)
    return found
