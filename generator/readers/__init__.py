"""Readers: one per input format, each turning a file into a `Grid` (see `generator.grid`).

A reader knows no table kinds. Each is imported only when a file of its format is read,
so a site of text files never loads PDFium.

| suffix | reader |
|---|---|
| .pdf | `pdf.read_pdf` (pypdfium2: characters with their boxes, ruling lines) |
| .xlsx .xlsm .xls | `workbook.read_workbook` (each sheet a block of cells) |
| .docx | `word.read_docx` (Word tables and paragraphs) |
| .txt | `text.read_text` (`pdftotext` renderings: -layout, default, -raw), for text no
  legacy layout in `generator/layouts/` claims |
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

# suffix → (module, function); the function takes (path: Path, display_path: str) and
# returns a Grid (whose `issues` say what went wrong; an unreadable file has no rows).
READERS: dict[str, tuple[str, str]] = {
    ".pdf": ("pdf", "read_pdf"),
    ".xlsx": ("workbook", "read_workbook"),
    ".xlsm": ("workbook", "read_workbook"),
    ".xls": ("workbook", "read_workbook"),
    ".docx": ("word", "read_docx"),
}

BINARY_SUFFIXES = frozenset(READERS)


def reader_for(path: Path):
    """The reader function for `path`'s format, or None (text: the legacy layouts first)."""
    entry = READERS.get(path.suffix.lower())
    if entry is None:
        return None
    module, function = entry
    return getattr(import_module(f"{__name__}.{module}"), function)
