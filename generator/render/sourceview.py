"""What a department-year's source view shows: the text its figures' lines count, and
the original files beside it.

A text source is shown as the parser decoded it. A PDF, workbook or Word file is shown as
its reader's rendition (`Grid.text`: the lines every `Origin.line` counts), each PDF page's
first line linking to that page of the original, which is published beside `source.txt`
(`original.pdf#page=3`). A department-year read from two files (`generator.merge`) shows
them one after the other, the second after a heading line.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import merge, readers
from ..sources import decode
from . import urls
from .data import DocData
from .formatting import mask_phones


@dataclass
class SourceView:
    text: str
    # line of the view → (page, href of the original at that page, relative to the view)
    page_marks: dict[int, tuple[int, str]] = field(default_factory=dict)
    # (path under the output folder, the original file) of every binary source
    originals: list[tuple[str, Path]] = field(default_factory=list)


@dataclass
class Rendition:
    text: str
    line_pages: dict[int, int] = field(default_factory=dict)  # first line of each PDF page


def rendition(path: Path, shown: str) -> Rendition | None:
    """The text of one source file as its figures' lines count (None: unreadable here)."""
    if path.suffix.lower() not in readers.BINARY_SUFFIXES:
        try:
            decoded = decode(path.read_bytes())
        except OSError:
            return None
        if decoded is None:
            return None
        return Rendition(decoded[0].replace("\r\n", "\n").replace("\r", "\n"))
    if not path.is_file():
        return None
    grid = readers.reader_for(path)(path, shown)
    if not grid.text:
        return None
    pages: dict[int, int] = {}
    for row in grid.rows:
        if row.page is not None and row.page not in pages.values():
            pages[row.line] = row.page
    return Rendition(grid.text, pages if path.suffix.lower() == ".pdf" else {})


def source_view(site_dir: Path, doc: DocData, mask: bool) -> SourceView | None:
    """The source view of `doc` (None when a file of it is not available)."""
    files = [s["path"] for s in doc.sources] or [doc.info["path"]]
    parts: list[str] = []
    view = SourceView("")
    first = 1
    for position, shown in enumerate(files):
        path = site_dir / shown
        found = rendition(path, shown)
        if found is None:
            return None
        if position:
            parts.append(merge.heading(position + 1, len(files), shown))
            first += 1
        if path.suffix.lower() in readers.BINARY_SUFFIXES:
            target = urls.original_file(doc.doc_id, position, path.suffix.lower())
            view.originals.append((target, path))
            for line, page in found.line_pages.items():
                view.page_marks[first + line - 1] = (page, f"../{Path(target).name}#page={page}")
        parts.append(found.text)
        first += len(found.text.split("\n"))
    text = "\n".join(parts)
    view.text = mask_phones(text) if mask else text
    return view


def publish_originals(out_dir: Path, view: SourceView) -> list[str]:
    """Copy the original binary files beside `source.txt`; returns their output paths."""
    for target, path in view.originals:
        (out_dir / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out_dir / target)
    return [target for target, _ in view.originals]
