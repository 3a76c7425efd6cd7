"""PDF files read directly with PDFium (pypdfium2): characters with their boxes and the
ruling lines, into a `Grid` (see `generator.grid`), one page at a time.

Where a table is ruled, its cells come from the rulings (`Cell.col`, `GridRow.ruled`);
elsewhere from the gaps between characters (`x0`/`x1` in points). Characters are read as
the usual Han forms (fonts that map 一 to the Kangxi radical ⼀), and a character drawn
twice for bold is read once. A page of images without text is named in a `pdf-no-text`
issue: there is no OCR. Bad input (encrypted, corrupt, no text) is an issue, never an
exception.

Debug view: `python -m generator.readers.pdf FILE [--page N]` prints the grid.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..grid import Cell, Grid, GridRow
from ..model import Issue, Origin
from ..sources import normalize_characters
from .pdf_layout import LaidLine, find_tables, group_lines, merge_wrapped, split_cells
from .pdf_page import PageContent, read_page_content
from .text import display_width

# The rendition places a cell at (its x0 in points / POINTS_PER_COLUMN) columns, a Han
# character counting two columns, the way `pdftotext -layout` spaces a page.
POINTS_PER_COLUMN = 4.5
# Cells of one row are at least this many spaces apart in the rendition, so a reader of the
# text can tell two cells from one cell with a space in it.
MIN_CELL_SPACING = 2
# A page whose text is more than this share of undecodable characters (U+FFFD, private
# use, controls: a font without a Unicode map) has a text layer that says nothing.
GARBLED_SHARE = 0.2


def read_pdf(path: Path, display_path: str) -> Grid:
    """The grid of the PDF at `path` (`display_path` names it in issues)."""
    grid = Grid(display_path, "pdf", "")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        grid.issues.append(_open_issue(exc, display_path))
        return grid
    except OSError as exc:
        grid.issues.append(Issue("pdf-unreadable", f"无法读取 PDF：{exc.strerror}", display_path, None, "error"))
        return grid
    try:
        _read_pages(document, grid)
    finally:
        document.close()
    return grid


def _open_issue(exc: pdfium.PdfiumError, display_path: str) -> Issue:
    if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
        return Issue("pdf-encrypted", "PDF 已加密（需要密码）：未读取", display_path, None, "error")
    if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
        return Issue("pdf-encrypted", "PDF 使用了不支持的加密方式：未读取", display_path, None, "error")
    return Issue("pdf-unreadable", f"PDF 已损坏或不完整：未读取（{exc}）", display_path, None, "error")


def _read_pages(document: pdfium.PdfDocument, grid: Grid) -> None:
    """Each page in turn (opened, read, closed: a 500-page file never holds two pages),
    its rows appended to the grid and its lines to the rendition."""
    lines: list[str] = []
    scanned: list[int] = []
    normalized = 0
    first_normalized_page = None
    grid.pages = len(document)
    for number in range(1, grid.pages + 1):
        content, problem = _page_content(document, number)
        page_issues = _page_issues(content, problem, number, grid.path, len(lines) + 1)
        scanned += [number for i in page_issues if i.slug == "pdf-no-text"]
        grid.issues += page_issues
        page_lines, changed = _page_rows(content, number, len(lines), grid.rows)
        if changed and first_normalized_page is None:
            first_normalized_page = number
        normalized += changed
        if number > 1:  # a form feed between pages, as pdftotext writes them
            page_lines[0] = "\f" + page_lines[0]
        lines += page_lines
    grid.text = "\n".join(lines) + "\n"
    if not grid.rows:
        grid.issues = [i for i in grid.issues if i.slug != "pdf-no-text"] + [_no_text_issue(grid, scanned)]
    elif normalized:
        grid.issues.append(Issue(
            "source-characters", f"{normalized} 个字符按常用写法读取"
            f"（康熙部首、全角数字、特殊空格），首次出现在第 {first_normalized_page} 页",
            grid.path, None, "info"))


def _page_issues(content: PageContent | None, problem: str | None, number: int, path: str,
                 line: int) -> list[Issue]:
    """What is wrong with page `number` (its text view starts on `line`)."""
    if content is None:
        return [Issue("pdf-unreadable", f"第 {number} 页：{problem}", path, line, "error")]
    if not content.chars and content.has_images:
        return [Issue("pdf-no-text", f"第 {number} 页没有文字层（扫描件？），未做 OCR", path, line, "warning")]
    garbled = sum(1 for c in content.chars if c[0] == "\ufffd" or "\ue000" <= c[0] <= "\uf8ff" or c[0] < " ")
    if content.chars and garbled / len(content.chars) > GARBLED_SHARE:
        return [Issue("pdf-garbled-text", f"第 {number} 页的文字无法解码（字体没有 Unicode 映射）："
                      "其中的名称和数字不可靠", path, line, "warning")]
    return []


def _no_text_issue(grid: Grid, scanned: list[int]) -> Issue:
    if scanned and len(scanned) == grid.pages:
        message = "没有文字层（扫描件？），未做 OCR：每一页都是图片，没有读到任何内容"
    else:
        message = "PDF 中完全没有文字：没有读到任何内容"
    return Issue("pdf-no-text", message, grid.path, None, "error")


def _page_content(document: pdfium.PdfDocument, number: int) -> tuple[PageContent | None, str | None]:
    try:
        page = document[number - 1]
    except pdfium.PdfiumError as exc:
        return None, f"无法读取此页（{exc}）"
    try:
        return read_page_content(page), None
    except pdfium.PdfiumError as exc:
        return None, f"无法读取此页（{exc}）"
    finally:
        page.close()


def _page_rows(content: PageContent | None, page: int, lines_before: int,
               rows: list[GridRow]) -> tuple[list[str], int]:
    """Append the page's rows to `rows`; return the page's rendition lines and how many
    characters were normalised."""
    if content is None or not content.chars:
        return [""], 0
    chars, changed = _normalized(content.chars)
    tables = find_tables(content.horizontal, content.vertical)
    laid = merge_wrapped([split_cells(line, tables) for line in group_lines(chars)])
    page_lines = []
    for line in laid:
        number = lines_before + len(page_lines) + 1
        rows.append(_grid_row(line, page, number))
        page_lines.append(_rendition(line))
    return page_lines or [""], changed


def _normalized(chars: list) -> tuple[list, int]:
    """The characters with Kangxi radicals, full-width digits and odd spaces read as the
    usual ones (one call for the page's text), and how many changed."""
    text = "".join(c[0] for c in chars)
    plain, note = normalize_characters(text)
    if note is None:
        return chars, 0
    if len(plain) != len(text):  # a zero-width character went: normalise one by one
        out = [(normalize_characters(c[0])[0],) + c[1:] for c in chars]
        out = [c for c in out if c[0].strip()]
        return out, sum(1 for c in chars if normalize_characters(c[0])[1])
    changed = sum(a != b for a, b in zip(text, plain))
    return [(p,) + c[1:] for p, c in zip(plain, chars)], changed


def _grid_row(line: LaidLine, page: int, number: int) -> GridRow:
    cells = [Cell(c.text, Origin(number, page, tuple(round(v, 2) for v in c.box)),
                  c.col, round(c.box[0], 2), round(c.box[2], 2))
             for c in line.cells]
    return GridRow(cells, number, page, line.ruled)


def _rendition(line: LaidLine) -> str:
    """The line as text: each cell at a column proportional to its x0."""
    out = ""
    width = 0
    for cell in line.cells:
        target = round(cell.box[0] / POINTS_PER_COLUMN)
        gap = max(target - width, MIN_CELL_SPACING if out else 0)
        out += " " * gap + cell.text
        width += gap + display_width(cell.text)
    return out


def _print_grid(grid: Grid, page: int | None) -> None:
    for issue in grid.issues:
        print(issue)
    for row in grid.rows:
        if page is not None and row.page != page:
            continue
        cells = " | ".join(
            (f"[{c.col}]" if c.col is not None else f"[{c.x0:.0f}-{c.x1:.0f}]") + c.text
            for c in row.cells)
        print(f"{row.line:5d} p{row.page}{' R' if row.ruled else '  '} {cells}")


def _main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m generator.readers.pdf FILE [--page N]")
        return 2
    page = int(argv[argv.index("--page") + 1]) if "--page" in argv else None
    try:
        _print_grid(read_pdf(Path(argv[0]), argv[0]), page)
    except BrokenPipeError:  # piped into head
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
