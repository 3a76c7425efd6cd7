"""Reader for `pdftotext` renderings (.txt): `-layout`, the default mode and `-raw`.

Pages are split by form feeds (`GridRow.page`). In a `-layout` rendering cells are the
runs of text between two or more spaces, with `x0`/`x1` in columns as pdftotext counts
them in its output encoding: one per character in UTF-8 (a Han character too), one per
byte in GBK (two for a Han character or a “ quote); a file's count is the one under which
its amounts, right-aligned in their columns, line up (`column_measure`: an editor may
have re-encoded the file since). In the default and `-raw` renderings a column gap is a
single space, so every space splits a cell and x is unknown. In both, an amount printed
one space from a label ("156,211,123 一、一般公共服务支出", where two columns nearly
touch) is a cell of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache

from ..grid import Cell, Grid, GridRow, origin_at
from ..numbers import AMOUNT_RE, normalize_cell
from ..sources import SourceText

# "表一：", "表 1", "表十一", "表1-1" at the start of a line: a table's number.
TABLE_NUMBER_RE = re.compile(r"^表\s*([一二三四五六七八九十]+|\d+)(?:\s*[-－]\s*\d+)?\s*[：:]?")
# How a title line ends: "…表", or "…表（续）".
ENDS_LIKE_TITLE = re.compile(r"表\s*(?:[（(]\s*续表?\s*[）)])?\s*$")
# "第三部分 …情况说明": a part heading of the document (its tables are one part): the tables end.
PART_HEADING_RE = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
_RUN = re.compile(r"\S+(?: \S+)*")  # text between gaps of two spaces or more
_TOKEN = re.compile(r"\S+")
_GAP = re.compile(r"\S {2,}\S")
# A -layout rendering shows gaps of two spaces or more inside lines (table columns,
# centred titles) on this share of its lines, or this many; the default and -raw modes
# never print one.
LAYOUT_GAP_SHARE = 0.05
LAYOUT_GAP_LINES = 20


def read_text(source: SourceText) -> Grid:
    """A `pdftotext` rendering as a Grid: one GridRow per non-empty line."""
    layout = _is_layout(source.lines)
    grid = Grid(path=source.path, format="pdftotext-layout" if layout else "pdftotext-plain",
                text=source.text)
    width = column_measure(source.lines) if layout else display_width
    for number, line, page in paged_lines(source.lines, grid):
        cells = _layout_cells(line, number, page, width) if layout else _plain_cells(line, number, page)
        if cells:
            grid.rows.append(GridRow(cells=cells, line=number, page=page))
    return grid


def paged_lines(lines: Iterable[str], grid: Grid) -> Iterator[tuple[int, str, int]]:
    """(line number, text, page) of each line of an extracted text, pages told by the form
    feeds pdftotext ends each page with; `grid.pages` is set to the last page once read. A
    form feed opens the next page at its line; one inside a line ends that line's page."""
    page = 1
    for number, raw in enumerate(lines, 1):
        if "\f" not in raw:  # (most lines)
            yield number, raw, page
            continue
        pages_here = raw.count("\f")
        if pages_here and not raw.startswith("\f"):
            page_of_line, page = page, page + pages_here
        else:
            page += pages_here
            page_of_line = page
        yield number, raw.replace("\f", " "), page_of_line
    grid.pages = page


def _is_layout(lines: list[str]) -> bool:
    with_text = [line for line in lines if line.strip()]
    if not with_text:
        return False
    gapped = sum(1 for line in with_text if _GAP.search(line))
    return gapped >= min(LAYOUT_GAP_LINES, LAYOUT_GAP_SHARE * len(with_text))


def column_measure(lines: list[str], sample: int = 60) -> Callable[[str], int]:
    """How the rendering counts columns (see the module's docstring): characters, GBK bytes
    or display width (a wide character two, the tie's choice), whichever puts the right ends
    of the amounts that end lines with wide characters on the fewest columns (in up to
    `sample` such lines)."""
    measures = (display_width, len, _gbk_bytes)
    ends: list[set[int]] = [set() for _ in measures]
    for line in lines:
        if line.isascii() or not line[-1:].isdigit() or not is_amount(line.rsplit(None, 1)[-1]):
            continue
        for measure, found in zip(measures, ends):
            found.add(measure(line))
        sample -= 1
        if not sample:
            break
    return min(zip(measures, ends), key=lambda m: len(m[1]))[0]


def _gbk_bytes(text: str) -> int:
    return len(text.encode("gb18030", errors="replace"))


def display_width(text: str) -> int:
    """Columns `text` takes in a -layout rendering (wide characters count two)."""
    if text.isascii():
        return len(text)  # (no ASCII character is wide)
    if max(text) <= "\uffff":  # counted by one regex, not character by character
        return len(text) + len(_wide_characters().findall(text))
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@cache
def _wide_characters() -> re.Pattern[str]:
    """The wide (W) and full-width (F) characters of the Basic Multilingual Plane as one
    character class, from `unicodedata` (≈20 ms, once a process)."""
    ranges, start = [], None
    for code in range(0x10001):
        wide = code < 0x10000 and unicodedata.east_asian_width(chr(code)) in "WF"
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


@lru_cache(maxsize=1 << 16)
def is_amount(token: str) -> bool:
    """Whether a cell's text is an amount (cached: the interpreters ask it of the same cells
    several times, and a document repeats its figures)."""
    return bool(AMOUNT_RE.match(normalize_cell(token)))


def _layout_cells(line: str, number: int, page: int, width: Callable[[str], int]) -> list[Cell]:
    cells: list[Cell] = []
    origin = origin_at(number, page)
    end = x_end = 0  # where the last run ended, in characters and in columns
    for run in _RUN.finditer(line):
        x0 = x_end + width(line[end:run.start()])  # widths add up: measured once
        for text, offset in _split_amounts(run.group()):
            start = x0 + width(run.group()[:offset])
            cells.append(Cell(text, origin, x0=start, x1=start + width(text)))
        end, x_end = run.start(), x0
    return cells


def _plain_cells(line: str, number: int, page: int) -> list[Cell]:
    origin = origin_at(number, page)
    return [Cell(t, origin) for t in line.split()]  # (str.split cuts where re's \s does)


def _split_amounts(run: str) -> list[tuple[str, int]]:
    """A run's pieces with their offsets: amounts apart from the words next to them, the
    words between two amounts kept together ("1. 一般公共预算资金" stays one cell)."""
    tokens = [(t.group(), t.start()) for t in _TOKEN.finditer(run)]
    pieces: list[tuple[str, int]] = []
    for text, start in tokens:
        if pieces and not is_amount(text) and not is_amount(pieces[-1][0]):
            previous, offset = pieces[-1]
            pieces[-1] = (run[offset:start + len(text)], offset)
        else:
            pieces.append((text, start))
    return pieces
