"""The cells of an .xlsx/.xlsm workbook, read from its XML parts.

Why not a library: the figure a disclosure prints is the cell's stored value (the `<v>`
text, which Excel and LibreOffice write as the shortest string that round-trips) through
its number format. python-calamine and openpyxl hand back floats, and openpyxl does not
say whether a formula had a cached value; the XML says both, and streaming it with
lxml's `iterparse` is faster than openpyxl (see bench/office.py). Namespaces are matched by local name, so Strict OOXML
(purl.oclc.org namespaces) reads too.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from xml.etree.ElementTree import Element, iterparse

from lxml.etree import iterparse as lxml_iterparse

from .numfmt import BUILTIN_FORMATS, display_number

_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_REL_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class SheetCells:
    """One sheet's non-empty cells: rows as (1-based row number, [(0-based column, text)]),
    in order; `uncached` the formula cells saved without a value ("C7")."""

    name: str
    rows: list[tuple[int, list[tuple[int, str]]]] = field(default_factory=list)
    uncached: list[str] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def column_index(letters: str) -> int:
    """0-based index of a column's letters: A → 0, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


@lru_cache(maxsize=1024)
def column_letters(index: int) -> str:
    """The letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_xlsx(path) -> list[SheetCells]:
    """Every sheet of the workbook at `path`, in the workbook's order. Raises
    zipfile.BadZipFile, KeyError or xml ParseError on a damaged file (the caller turns
    them into an issue)."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        strings = _shared_strings(archive, names)
        formats = _cell_formats(archive, names)
        return [_read_sheet(archive, name, part, strings, formats)
                for name, part in _sheet_parts(archive)]


def _parse(archive: zipfile.ZipFile, part: str) -> Element:
    with archive.open(part) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            root = element
        return root


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in the workbook's order."""
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    workbook = _parse(archive, "xl/workbook.xml")
    parts = []
    for sheets in _children(workbook, "sheets"):
        for sheet in _children(sheets, "sheet"):
            target = targets[sheet.get(_REL_ID) or sheet.get(_STRICT_REL_ID)]
            part = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
            parts.append((sheet.get("name", ""), part))
    return parts


def _text_of(item: Element) -> str:
    """A shared or inline string: its <t>, or its rich-text runs' <t>s (not the phonetic
    <rPh> guides, which repeat the reading)."""
    pieces = []
    for child in item:
        name = _local(child.tag)
        if name == "t":
            pieces.append(child.text or "")
        elif name == "r":
            pieces.extend(t.text or "" for t in _children(child, "t"))
    return "".join(pieces)


def _shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    return [_text_of(si) for si in _parse(archive, "xl/sharedStrings.xml")
            if _local(si.tag) == "si"]


def _cell_formats(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Format code per cell style index (the `s` attribute of a cell)."""
    if "xl/styles.xml" not in names:
        return []
    styles = _parse(archive, "xl/styles.xml")
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "General")
              for group in _children(styles, "numFmts") for f in _children(group, "numFmt")}
    codes = []
    for group in _children(styles, "cellXfs"):
        for xf in _children(group, "xf"):
            number_format = int(xf.get("numFmtId", "0"))
            codes.append(custom.get(number_format) or BUILTIN_FORMATS.get(number_format, "General"))
    return codes


def _read_sheet(archive, name: str, part: str, strings: list[str], formats: list[str]) -> SheetCells:
    sheet = SheetCells(name)
    merged_away: set[tuple[int, int]] = set()
    row_number = 0
    with archive.open(part) as stream:
        # lxml hands over only rows and merges, which is most of the speed
        for _event, element in lxml_iterparse(stream, events=("end",),
                                              tag=("{*}row", "{*}mergeCell")):
            if element.tag.endswith("}row"):
                row_number = int(element.get("r") or row_number + 1)
                cells = _row_cells(element, row_number, strings, formats, sheet.uncached)
                if cells:
                    sheet.rows.append((row_number, cells))
                element.clear(keep_tail=False)
                while element.getprevious() is not None:  # rows already read
                    del element.getparent()[0]
            else:
                merged_away |= _covered_cells(element.get("ref", ""))
    if merged_away:  # the value stays in the merge's first cell, the others read empty
        sheet.rows = [(r, kept) for r, cells in sheet.rows
                      if (kept := [(c, t) for c, t in cells if (r, c) not in merged_away])]
    return sheet


def _covered_cells(ref: str) -> set[tuple[int, int]]:
    """The cells of a merge range other than its first, as (row, column)."""
    corners = _CELL_REF.findall(ref)
    if len(corners) != 2:
        return set()
    (c0, r0), (c1, r1) = corners
    rows = range(int(r0), int(r1) + 1)
    cols = range(column_index(c0), column_index(c1) + 1)
    return {(r, c) for r in rows for c in cols} - {(int(r0), column_index(c0))}


def _row_cells(row: Element, row_number: int, strings, formats, uncached) -> list[tuple[int, str]]:
    cells = []
    col = -1
    for cell in row:
        if not cell.tag.endswith("}c"):
            continue
        ref = _CELL_REF.match(cell.get("r", ""))
        col = column_index(ref.group(1)) if ref else col + 1
        text = _cell_text(cell, strings, formats)
        if text is None:
            uncached.append(f"{column_letters(col)}{row_number}")
        elif text.strip():
            cells.append((col, text.strip()))
    return cells


def _cell_text(cell: Element, strings: list[str], formats: list[str]) -> str | None:
    """What the cell shows; None for a formula saved without its value."""
    value = formula = inline = None
    for child in cell:
        name = child.tag[child.tag.find("}") + 1:]
        if name == "v":
            value = child.text
        elif name == "f":
            formula = child
        elif name == "is":
            inline = child
    kind = cell.get("t", "n")
    if inline is not None:
        return _text_of(inline)
    if value is None or (value == "" and kind != "str"):
        return None if formula is not None else ""
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    if kind in ("str", "e", "d", "inlineStr"):
        return value
    style = int(cell.get("s", "0"))
    return display_number(value, formats[style] if style < len(formats) else None)
