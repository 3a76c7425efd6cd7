"""Everything the pages need, read from the database in one query per table.

A province has thousands of department-years, so pages are never rendered from
per-page queries: each database table is read once, ordered, and grouped by `doc_id`
in Python. Amounts stay `Decimal`; `printed` keeps the text as printed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import db
from ..slugs import SlugRegistry

Record = dict[str, Any]


@dataclass
class Cell:
    """One amount: the exact value, its printed text and the source line."""

    amount: Decimal | None
    printed: str | None
    line: int | None
    inferred: bool = False


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

    def body_rows(self) -> list[Record]:
        return [r for r in self.rows if not r["is_total"]]

    def total(self, key: str = "total") -> Record | None:
        for r in self.rows:
            if r["is_total"] and r["total_key"] == key:
                return r
        return None

    @property
    def has_units(self) -> bool:
        return any(r["unit"] for r in self.rows)

    @property
    def has_projects(self) -> bool:
        return any(r["project"] for r in self.rows) or self.key == "projects"

    @property
    def has_sides(self) -> bool:
        return any(r["side"] for r in self.rows)


@dataclass
class DocData:
    """One department-year, with everything its page, downloads and charts show."""

    info: Record
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
    region_slug: str = ""

    @property
    def doc_id(self) -> str:
        return self.info["doc_id"]

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


# Rows that tie on the ORDER BY of a query (two stated changes on one line) come back in
# any order from DuckDB's parallel sort: every query ends with `rowid` (load order), so two
# builds of the same input render the same page.


def _grouped(con, sql: str) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for row in db.query(con, sql):
        groups[row["doc_id"]].append(row)
    return groups


def load_site(con) -> SiteData:
    """Read every table once and assemble one `DocData` per document."""
    infos = db.query(con, "SELECT * FROM documents ORDER BY department, year, doc_id")
    docs = {i["doc_id"]: DocData(info=i) for i in infos}
    for s in db.query(con, "SELECT * FROM staffing"):
        if s["doc_id"] in docs:
            docs[s["doc_id"]].staffing = s
    for d in db.query(con, "SELECT * FROM divisions ORDER BY doc_id, kind, position"):
        if d["doc_id"] in docs:
            target = docs[d["doc_id"]].divisions if d["kind"] == "division" else docs[d["doc_id"]].sub_units
            target.append(d["name"])
    _load_tables(con, docs)
    simple = {
        "projects": "SELECT * FROM projects ORDER BY doc_id, project_no",
        "sections": "SELECT * FROM sections ORDER BY doc_id, position",
        "figures": "SELECT * FROM stated_figures ORDER BY doc_id, line, rowid",
        "changes": "SELECT * FROM stated_changes ORDER BY doc_id, line, rowid",
        "glossary": "SELECT * FROM glossary ORDER BY doc_id, position",
        "issues": "SELECT * FROM issues WHERE doc_id IS NOT NULL ORDER BY doc_id, line NULLS FIRST, rowid",
        "checks": "SELECT * FROM checks ORDER BY doc_id, CASE status WHEN 'fail' THEN 0 "
                  "WHEN 'rounding' THEN 1 ELSE 2 END, line NULLS FIRST, rowid",
    }
    for attr, sql in simple.items():
        for doc_id, rows in _grouped(con, sql).items():
            if doc_id in docs:
                setattr(docs[doc_id], attr, rows)
    indicators = _grouped(con, "SELECT * FROM indicators ORDER BY doc_id, target_no, position")
    for doc_id, rows in _grouped(con, "SELECT * FROM performance_targets ORDER BY doc_id, target_no").items():
        if doc_id not in docs:
            continue
        by_target: dict[int, list[Record]] = defaultdict(list)
        for ind in indicators.get(doc_id, []):
            by_target[ind["target_no"]].append(ind)
        for t in rows:
            t["indicators"] = by_target.get(t["target_no"], [])
        docs[doc_id].targets = rows
    _assign_slugs(list(docs.values()))
    names = {r["table_key"]: r["title"] for r in db.query(con, "SELECT * FROM table_names")}
    orphans = db.query(con, "SELECT * FROM issues WHERE doc_id IS NULL ORDER BY path, line, rowid")
    return SiteData(docs=list(docs.values()), table_names=names, orphan_issues=orphans)


def _load_tables(con, docs: dict[str, DocData]) -> None:
    values: dict[tuple[str, str, int], dict[str, Cell]] = defaultdict(dict)
    cur = con.execute("SELECT doc_id, table_key, row_no, column_key, amount, printed, line, inferred "
                      "FROM table_values")
    for doc_id, key, row_no, col, amount, printed, line, inferred in cur.fetchall():
        values[(doc_id, key, row_no)][col] = Cell(amount, printed, line, bool(inferred))
    for t in db.query(con, "SELECT * FROM source_tables ORDER BY doc_id, line NULLS LAST, rowid"):
        if t["doc_id"] in docs:
            docs[t["doc_id"]].tables[t["table_key"]] = TableData(
                key=t["table_key"], title=t["title"], line=t["line"], empty=bool(t["empty"]),
                note=t["note"], columns=list(t["columns"] or []), labels=list(t["column_labels"] or []))
    for r in db.query(con, "SELECT * FROM table_rows ORDER BY doc_id, table_key, row_no"):
        doc = docs.get(r["doc_id"])
        table = doc.tables.get(r["table_key"]) if doc else None
        if table is None:
            continue
        r["values"] = values.get((r["doc_id"], r["table_key"], r["row_no"]), {})
        table.rows.append(r)
    for doc in docs.values():
        for table in doc.tables.values():
            # Totals are stored after the body rows; show them in printed (line) order.
            table.rows.sort(key=lambda r: (r["line"] is None, r["line"] or 0, r["row_no"]))


def _assign_slugs(docs: list[DocData]) -> None:
    """Department slugs exactly as `build.assign_ids` hands them out (same order, same registry)."""
    departments = SlugRegistry()
    regions = SlugRegistry()
    for d in sorted(docs, key=lambda d: (d.info["department"] or "", d.info["year"] or 0, d.info["path"])):
        name = d.info["department"] or d.info["file_name"].rsplit(".", 1)[0]
        d.dept_slug = departments.slug(name)
        d.region_slug = regions.slug(d.info["region"]) if d.info["region"] else ""
