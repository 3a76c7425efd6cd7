"""One department-year from two files: the narrative and the tables published apart.

江苏 publishes a department-year as a `_text_` PDF (情况说明, 名词解释 …) and a `_tables_`
PDF (表一 … 表七), e.g. jiangsu_cpcoffice_dept_budget_text_2018.pdf and
jiangsu_cpcoffice_dept_budget_tables_2018.pdf. The rule (`companions`): two parsed
documents of the same department and year, one with tables and one without, are one
department-year. The tables document takes the other's sections, stated figures and
changes, staffing, divisions and glossary (`merge`); both files are its sources, each
with the lines it holds in the document's source view. Any other pair (two with tables:
a duplicate; two without) is left as it is.

Lines: the source view shows the tables file first, as it is (its figures keep their
lines, so checks and table rows point where they did), then a heading line naming the
second file, then the text file, whose items move down by the lines above it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .model import Document, Issue, Staffing

T = TypeVar("T")


@dataclass(frozen=True)
class SourceFile:
    """One file a department-year is read from, and the lines `first_line` ..
    `first_line + line_count - 1` it holds in the department-year's source view."""

    path: str
    sha256: str
    first_line: int
    line_count: int


def sources_of(doc: Document) -> list[SourceFile]:
    """The one source of a document read from a single file."""
    return [SourceFile(doc.path, doc.sha256, 1, doc.line_count)]


def companions(items: Iterable[T], department: Callable[[T], str | None],
               year: Callable[[T], int | None], has_tables: Callable[[T], bool]
               ) -> list[tuple[T, T]]:
    """(tables document, text document) for every department and year that has exactly
    two documents, one with tables and one without."""
    groups: dict[tuple[str, int], list[T]] = defaultdict(list)
    for item in items:
        if department(item) and year(item) is not None:
            groups[(department(item), year(item))].append(item)
    pairs = []
    for group in groups.values():
        with_tables = [i for i in group if has_tables(i)]
        if len(group) == 2 and len(with_tables) == 1:
            pairs.append((with_tables[0], next(i for i in group if not has_tables(i))))
    return pairs


def heading(position: int, count: int, path: str) -> str:
    """The source view's line before the lines of a department-year's second file."""
    return f"======== 文件 {position}/{count}：{path.rsplit('/', 1)[-1]} ========"


# Issues that the other file answers: the text file has no tables, the tables file
# states no staffing.
ANSWERED = {"text": {"tables-none", "table-missing"}, "tables": {"staffing-missing"}}


def merge(tables: Document, text: Document) -> tuple[Document, list[SourceFile]]:
    """The department-year read from `tables` and `text` (see the module docstring), and
    its two sources. `tables` is changed in place and returned."""
    offset = tables.line_count + 1  # the heading line before the text file's lines
    moved = shift_lines(text, offset)
    has_staffing = tables.staffing.authorized is not None
    tables.issues = [i for i in tables.issues
                     if not (i.slug in ANSWERED["tables"] and moved.staffing.authorized is not None)]
    tables.issues += [i for i in moved.issues if i.slug not in ANSWERED["text"]]
    tables.sections = moved.sections + tables.sections  # the narrative first, as printed
    tables.figures += moved.figures
    tables.changes += moved.changes
    tables.performance += moved.performance
    tables.glossary += moved.glossary
    if not has_staffing:
        tables.staffing = moved.staffing
    for name in ("divisions", "sub_units", "functions"):
        have = getattr(tables, name)
        have += [n for n in getattr(moved, name) if n not in have]
    for name in ("region", "division_count"):
        if getattr(tables, name) is None:
            setattr(tables, name, getattr(moved, name))
    sources = [SourceFile(tables.path, tables.sha256, 1, tables.line_count),
               SourceFile(text.path, text.sha256, offset + 1, text.line_count)]
    tables.line_count = offset + text.line_count
    return tables, sources


def shift_lines(doc: Document, offset: int) -> Document:
    """A copy of `doc`'s text items (sections, stated figures and changes, 绩效目标,
    glossary, staffing, issues) with every line moved down by `offset`."""
    def moved(item):
        return dataclasses.replace(item, line=item.line + offset) if item.line else item

    performance = [dataclasses.replace(moved(p), indicators=[moved(i) for i in p.indicators])
                   for p in doc.performance]
    staffing: Staffing = moved(doc.staffing)
    issues: list[Issue] = [moved(i) for i in doc.issues]
    return dataclasses.replace(
        doc, sections=[moved(s) for s in doc.sections], figures=[moved(f) for f in doc.figures],
        changes=[moved(c) for c in doc.changes], performance=performance, staffing=staffing,
        glossary=[(term, body, line + offset) for term, body, line in doc.glossary],
        issues=issues, department_line=doc.department_line and doc.department_line + offset)
