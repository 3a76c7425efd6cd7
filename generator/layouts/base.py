"""The one small interface every source layout implements.

A layout knows how one kind of extracted text prints its tables: PDF text with
single-space cells, Word table text with one cell per line, tab-separated rows, PDF
text with padded cells. It reads the tables and the 绩效目标表 into a `Document`;
everything that is plain prose (department, staffing, 说明 text) is read by
`generator.parse.profile`, the same for every layout.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from ..model import Document
from ..sources import SourceText


class Layout(Protocol):
    #: Stable kebab-case name, stored with each document (e.g. "tsv").
    name: str
    #: One line a maintainer can read in `check` output.
    description: str

    def detect(self, source: SourceText) -> float:
        """How sure this layout is that it can read `source`: 0 (not at all) to 1."""
        ...

    def read(self, source: SourceText, doc: Document) -> Collection[str] | None:
        """Fill `doc.tables` and `doc.performance`; append `Issue`s to `doc.issues`
        for anything that could not be read or had to be inferred. Must not raise on
        bad input: a problem is an issue, not an exception. Returns the keys of the tables
        whose amounts wait for another table (`tables.cross_table`), if any."""
        ...
