"""What the pages show of the site: each department-year (`DocData`) with its tables
(`TableData`) and their amounts (`Cell`), and the site's documents together (`SiteData`).

`generator.render.load` reads them from the database; the page, download and chart
modules read them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..numbers import SITE_UNIT
from .records import Record


@dataclass(slots=True)
class Cell:
    """One amount: the exact value (万元), its text as printed (in its table's unit), the
    source line and, for a PDF, the page it is printed on."""

    amount: Decimal | None
    printed: str | None
    line: int | None
    inferred: bool = False
    page: int | None = None


@dataclass
class TableData:
    """One parsed table of one document (表一 … 表七, 三公 …) with its rows in order."""

    key: str
    title: str
    line: int | None
    empty: bool
    note: str | None
    columns: list[str]
    labels: list[str]
    rows: list[Record] = field(default_factory=list)
    unit: str = SITE_UNIT  # the unit its figures are printed in (`Cell.printed`)

    def rows_on(self, lines: frozenset[int]) -> list[Record]:
        """The rows printed on one of `lines` (a failed check's lines, flagged ⚠)."""
        return [r for r in self.rows if r["line"] in lines] if lines else []

    def body_rows(self) -> list[Record]:
        return [r for r in self.rows if not r["is_total"]]

    def total(self, key: str = "total") -> Record | None:
        for r in self.rows:
            if r["is_total"] and r["total_key"] == key:
                return r
        return None

    @property
    def headers(self) -> list[tuple[str, str]]:
        """(column key, label) of each amount column."""
        return list(zip(self.columns, self.labels))

    # The three below are asked several times a table (its page, its downloads), each a
    # pass over its rows: asked once, kept (the rows are complete once it is loaded).
    @cached_property
    def has_units(self) -> bool:
        return any(r["unit"] for r in self.rows)

    @cached_property
    def has_projects(self) -> bool:
        return any(r["project"] for r in self.rows) or self.key == "projects"

    @cached_property
    def has_sides(self) -> bool:
        return any(r["side"] for r in self.rows)


@dataclass
class DocData:
    """One department-year, with everything its page, downloads and charts show."""

    info: Record
    sources: list[Record] = field(default_factory=list)  # its files (`merge`): path, first_line …
    staffing: Record | None = None
    divisions: list[str] = field(default_factory=list)
    sub_units: list[str] = field(default_factory=list)
    tables: dict[str, TableData] = field(default_factory=dict)
    projects: list[Record] = field(default_factory=list)
    targets: list[Record] = field(default_factory=list)
    sections: list[Record] = field(default_factory=list)
    figures: list[Record] = field(default_factory=list)
    changes: list[Record] = field(default_factory=list)
    glossary: list[Record] = field(default_factory=list)
    issues: list[Record] = field(default_factory=list)
    checks: list[Record] = field(default_factory=list)
    dept_slug: str = ""
    dept_name: str = ""  # the department's name across its years (`group_departments`)
    region_slug: str = ""
    failed_count: int = 0  # checks failed, known before `checks` itself is loaded

    @property
    def doc_id(self) -> str:
        return self.info["doc_id"]

    @property
    def kind_label(self) -> str:
        """部门预算, 单位预算, 部门决算 or 单位决算: what the file is."""
        scope = "单位" if self.info.get("scope") == "unit" else "部门"
        return scope + ("决算" if self.info.get("kind") == "final_accounts" else "预算")

    def table(self, key: str) -> TableData | None:
        return self.tables.get(key)

    @property
    def failed_checks(self) -> list[Record]:
        return [c for c in self.checks if c["status"] == "fail"]


@dataclass
class SiteData:
    docs: list[DocData]
    table_names: dict[str, str]
    orphan_issues: list[Record]

    def by(self, attr: str) -> dict[Any, list[DocData]]:
        groups: dict[Any, list[DocData]] = defaultdict(list)
        for d in self.docs:
            groups[getattr(d, attr) if hasattr(d, attr) else d.info[attr]].append(d)
        return groups
