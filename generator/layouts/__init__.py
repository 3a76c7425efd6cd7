"""The legacy Xinjiang text layouts: how each one's text looks (layout detection), and which
step of the shared pipeline reads it (`tables/*_tables.py`: the layout's reader makes its
lines a cell grid, the shared segmenter and interpreters read the tables).

| layout | what the text looks like | read by |
|---|---|---|
| pdf-single-space | pdftotext, cells separated by single spaces, empty cells omitted | `tables.single_space_tables` |
| word-cells | Word table text, one tab-prefixed cell per line | `tables.word_cells_tables` |
| tsv | tab-separated rows, one table row per line | `tables.tsv_tables` |
| pdf-padded | PDF text, every cell followed by one space: runs of spaces are empty cells | `tables.padded_tables` |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache

from ..model import Document
from ..numbers import parse_amount
from ..sources import SourceText

#: Below this confidence no layout claims a file and it is reported as unknown.
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Layout:
    #: Stable kebab-case name, stored with each document (e.g. "tsv").
    name: str
    #: How sure this layout is that it can read a source: 0 (not at all) to 1.
    detect: Callable[[SourceText], float]
    #: The layout's step of the shared pipeline (`tables/*_tables.py`).
    read_tables: Callable[[SourceText, Document], Collection[str] | None]

    def read(self, source: SourceText, doc: Document) -> Collection[str] | None:
        """Fill `doc.tables`, `doc.performance` and `doc.issues`, never raising on bad input;
        the keys of the tables whose amounts wait for another table (`tables.cross_table`),
        if any. Whatever the layout, a file cut inside its last number or with characters
        lost in an earlier conversion puts figures in doubt (`tables.layout_steps`)."""
        from ..tables.layout_steps import check_cut_number, check_garbled_lines

        check_cut_number(source, doc)
        check_garbled_lines(source, doc)
        return self.read_tables(source, doc)


# pdf-single-space: a table line ends with an amount right after a single space.
_AMOUNT_END = re.compile(r"\S \S+$")
_ASCII_DIGIT = re.compile(r"[0-9]")


def single_space_score(source: SourceText) -> float:
    """Share of amount-ending lines that are single-space separated: not padded with
    trailing blanks (pdf-padded) and without tabs (tsv / word-cells)."""
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


def padded_score(source: SourceText) -> float:
    """Share of amount-bearing lines that end in a cell terminator (a space). Other PDF
    text trims line ends; Word and TSV text separate cells by tabs. A few stray lines with
    tabs weigh no more than their number."""
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


# tsv: rows with at least this many filled cells on enough lines make a tab-separated table.
_MIN_TABLE_ROWS = 20


def tsv_score(source: SourceText) -> float:
    """Share of tab lines that hold a whole row (two or more filled cells). Word text with
    one tab-prefixed cell per line (word-cells) has many tab lines but almost none with two
    filled cells."""
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


# word-cells: fewer one-cell tab lines than this is not a Word table export.
_MIN_CELL_LINES = 40


def word_cells_score(source: SourceText) -> float:
    """Share of tabbed lines that hold exactly one cell, damped for short files.
    Tab-separated text has several cells on a line; Word's export has one."""
    from ..readers.word_cells import cell_line_stats

    single, tabbed = cell_line_stats(source.lines)
    if single < _MIN_CELL_LINES or not tabbed:
        return 0.0
    return round(single / tabbed * min(1.0, single / (2 * _MIN_CELL_LINES)), 3)


@cache
def all_layouts() -> tuple[Layout, ...]:
    """Every layout, in the order they are asked (importing every layout's reader once)."""
    from ..tables.padded_tables import read_padded
    from ..tables.single_space_tables import read_single_space
    from ..tables.tsv_tables import read_tsv_tables
    from ..tables.word_cells_tables import read_word_cells

    return (Layout("pdf-single-space", single_space_score, read_single_space),
            Layout("word-cells", word_cells_score, read_word_cells),
            Layout("tsv", tsv_score, read_tsv_tables),
            Layout("pdf-padded", padded_score, read_padded))


def layout_named(name: str) -> Layout:
    return next(layout for layout in all_layouts() if layout.name == name)


def detect_layout(source: SourceText) -> tuple[Layout | None, dict[str, float]]:
    """The best layout for `source` (None if none is confident), and the scores asked."""
    layouts = all_layouts()
    scores: dict[str, float] = {}
    for layout in layouts:
        scores[layout.name] = layout.detect(source)
        if scores[layout.name] >= 1.0:  # certain: no later layout scores higher (the first best wins)
            return layout, scores
    best = max(layouts, key=lambda layout: scores[layout.name])
    if scores[best.name] < MIN_CONFIDENCE:
        return None, scores
    return best, scores
