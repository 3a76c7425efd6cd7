"""Layout word-cells: text saved from a Word document, one table cell per line.

Every table cell prints on its own line behind a tab, rows end with a blank line, empty
cells print as a bare tab or a tab and an ideographic space (U+3000), and amounts often
carry U+3000 before or after them. Titles may be plain lines ("表一：" + "部门收支总体情况表")
or cells of their own. `readers.word_cells` splits the text into cells and rows once and
makes it a cell grid; the shared segmenter and interpreters read every table but 表一/表四
(`word_cells_shared`) and the 绩效目标表; the two-sided 表一/表四 are still read here
(`word_cells_sides`), from the regions the text is cut into at titles and part headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Document, Issue
from ..parse.titles import is_toc_entry, table_key_for_title
from ..readers.word_cells import (
    CellText,
    Group,
    Loose,
    cell_line_stats,
    clean_text,
    grid_of_cells,
    is_part_heading,
    performance_kind,
    split_cells,
)
from ..sources import SourceText

# Not specific to PDF text; shared until a common home for layout helpers exists.
from .common import check_cut_number, check_garbled_lines, without_form_feeds
from .word_cells_header import split_header, table_label
from .word_cells_shared import SHARED, read_shared, read_targets, shared_segments
from .word_cells_sides import read_three_public, read_two_sided

# Fewer one-cell tab lines than this is not a Word table export.
_MIN_CELL_LINES = 40
_NOTE_PREFIXES = ("备注", "注：", "注:", "说明：")


@dataclass
class _Region:
    """The text between one title (or part heading) and the next."""

    kind: str  # "table", "performance" or "other"
    key: str | None
    title: str
    line: int
    groups: list[Group] = field(default_factory=list)
    loose: list[Loose] = field(default_factory=list)


class WordCellsLayout:
    name = "word-cells"
    description = "Word table text: one tab-prefixed cell per line, rows separated by blank lines"

    def detect(self, source: SourceText) -> float:
        """Share of tabbed lines that hold exactly one cell, damped for short files.

        Tab-separated text has several cells on a line; Word's export has one."""
        single, tabbed = cell_line_stats(source.lines)
        if single < _MIN_CELL_LINES or not tabbed:
            return 0.0
        return round(single / tabbed * min(1.0, single / (2 * _MIN_CELL_LINES)), 3)

    def read(self, source: SourceText, doc: Document) -> None:
        check_cut_number(source, doc)
        check_garbled_lines(source, doc)
        lines = without_form_feeds(source.lines)
        cells = split_cells(lines)
        shared, targets = shared_segments(grid_of_cells(doc.path, lines, cells), doc)
        for region in _merge_repeats(_regions(cells)):
            if region.kind == "table" and region.key in SHARED:
                if region.key in shared:
                    doc.tables[region.key] = read_shared(shared[region.key], region.title, doc)
                else:
                    doc.issues.append(Issue("table-unreadable", f"{table_label(region.key)}：标题下没有"
                                            "表格的行（文件不全？）", doc.path, region.line, "error",
                                            region.key))
            elif region.kind == "table" and region.key:
                _read_table(region, doc)
        read_targets(targets, doc)


def _merge_repeats(regions: list[_Region]) -> list[_Region]:
    """A table title printed again (page-break repeat) continues the first table."""
    first: dict[str, _Region] = {}
    out: list[_Region] = []
    for region in regions:
        if region.kind == "table" and region.key in first:
            earlier = first[region.key]
            earlier.groups += region.groups
            earlier.loose += region.loose
            continue
        if region.kind == "table" and region.key:
            first[region.key] = region
        out.append(region)
    return out


def _read_table(region: _Region, doc: Document) -> None:
    key = region.key
    assert key is not None
    layout = split_header(region.groups)
    if not layout.data:
        doc.issues.append(Issue("table-unreadable", f"{table_label(key)}：标题下没有表格的行"
                                "（文件不全？）", doc.path, region.line, "error", key))
        return
    reader = _READERS[key]
    table = reader(key, region.title, region.line, layout, doc)
    if table is not None:
        table.note = _note(region.loose)
        doc.tables[key] = table


_READERS = {"summary": read_two_sided, "fiscal": read_two_sided,
            "three_public": read_three_public}


def _note(loose: list[Loose]) -> str | None:
    """备注 printed under a table (e.g. "…本表为空表。")."""
    notes = [clean_text(x.text) for x in loose if clean_text(x.text).startswith(_NOTE_PREFIXES)
             or "空表" in x.text]
    return " ".join(notes) or None


def _title_of(text: str) -> tuple[str, str] | None:
    """("table", key) or ("performance", kind) when `text` is a title line."""
    text = clean_text(text)
    # Every title ends with 表; most lines do not, and skip the patterns.
    if not text.endswith("表") or is_toc_entry(text):
        return None
    kind = performance_kind(text)
    if kind:
        return "performance", kind
    key = table_key_for_title(text)
    return ("table", key) if key else None


def _regions(cells: CellText) -> list[_Region]:
    """Cut the document at titles and part headings; each row and line goes to its region."""
    items: list[tuple[int, Group | Loose]] = [(g.line, g) for g in cells.groups]
    items += [(x.line, x) for x in cells.loose]
    items.sort(key=lambda item: item[0])
    regions: list[_Region] = []
    current: _Region | None = None
    for line, item in items:
        if isinstance(item, Loose):
            title = _title_of(item.text)
            if title or is_part_heading(item.text):
                kind, key = title or ("other", None)
                current = _Region(kind, key, clean_text(item.text), line)
                regions.append(current)
            elif current is not None:
                current.loose.append(item)
            continue
        texts = [t for t in item.texts() if t]
        title = _title_of(texts[0]) if len(texts) == 1 else None
        if title:
            current = _Region(title[0], title[1], texts[0], line)
            regions.append(current)
        elif current is not None:
            current.groups.append(item)
    # A title with no table under it (a 目录 line, a sentence) is not a table.
    return [r for r in regions if r.groups]
