"""Everything the pages need, read from the database in one query per table.

A province has thousands of department-years, so pages are never rendered from
per-page queries: each database table is read once, ordered, and grouped by `doc_id`
in Python. Amounts stay `Decimal`; `printed` keeps the text as printed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from .. import db
from ..heap import long_lived
from ..numbers import SITE_UNIT, trim_places
from ..slugs import unique_slugs
from .data import Cell, DocData, SiteData, TableData
from .records import Record, record_maker, slotted_type

# Rows that tie on the ORDER BY of a query (two stated changes on one line) come back in
# any order from DuckDB's parallel sort: every query ends with `rowid` (load order), so two
# builds of the same input render the same page.


class _Reader:
    """Reads database tables as records (dicts, like `db.query`), cheaply.

    DECIMAL columns are fetched as text and made `Decimal` here, once per distinct value:
    DuckDB's own conversion to `Decimal` is several times slower. The six places the
    column pads every amount to are trimmed to those exactness needs, at least two
    ('17.000000' → '17.00' as the 万元 templates print it; '15621.112300' → '15621.1123'). Equal strings (a document's id and
    path on each of its rows, slugs, statuses, kinds, names) are one shared object: they
    are immutable, so nothing can tell, and a province's records take half the memory —
    which the forked workers would otherwise copy page by page as they touch them.
    """

    def __init__(self, con) -> None:
        self.con = con
        self.strings: dict[str, str] = {}
        self.amounts: dict[str, Decimal] = {}

    def text(self, column: Sequence[str | None]) -> list[str | None]:
        return list(map(self.strings.setdefault, column, column))

    def decimal(self, column: Sequence[str | None]) -> list[Decimal | None]:
        amounts = self.amounts
        for value in set(column).difference(amounts):
            if value is not None:
                amounts[value] = Decimal(trim_places(value))
        return list(map(amounts.get, column))  # None stays None

    def columns(self, sql: str, kinds: Sequence[str | None], params: list | None = None
                ) -> list[list[Any]]:
        """The result of `sql` by column; a column of kind 'text' or 'decimal' is shared or
        converted as above."""
        rows = self.con.execute(sql, params).fetchall()
        if not rows:
            return [[] for _ in kinds]
        out: list[list[Any]] = []
        for kind, column in zip(kinds, zip(*rows)):
            out.append(self.text(column) if kind == "text" else
                       self.decimal(column) if kind == "decimal" else list(column))
        return out

    def query(self, table: str, tail: str = "", params: list | None = None,
              added: Sequence[str] | None = None) -> list[Record]:
        """`SELECT * FROM <table> <tail>` as records; no ORDER BY in `tail` may name a
        DECIMAL column (it is selected as text). With `added` (the names of fields set
        later), `SlottedRecord`s instead of dicts."""
        described = self.con.execute(f"DESCRIBE {table}").fetchall()
        names = [r[0] for r in described]
        kinds = ["decimal" if r[1].startswith("DECIMAL") else "text" if r[1] == "VARCHAR" else None
                 for r in described]
        select = ", ".join(f'CAST("{n}" AS VARCHAR) AS "{n}"' if k == "decimal" else f'"{n}"'
                           for n, k in zip(names, kinds))
        columns = self.columns(f"SELECT {select} FROM {table} {tail}", kinds, params)
        if added is None:
            return [dict(zip(names, row)) for row in zip(*columns)]
        record = slotted_type(f"{table}_record", names + [n for n in added if n not in names])
        return list(map(record_maker(record, names), *columns))

    def grouped(self, table: str, tail: str = "", params: list | None = None,
                added: Sequence[str] | None = None) -> dict[str, list[Record]]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for row in self.query(table, tail, params, added):
            groups[row["doc_id"]].append(row)
        return groups


def load_site(con, details: bool = True, bodies: bool = True) -> SiteData:
    """Read every table once and assemble one `DocData` per document.

    `bodies=False` reads what every page needs of each document alone (its `info`,
    sources, staffing, failed checks and slugs): an incremental build loads the bodies of
    the documents it renders the pages of (`load_bodies`) and keeps the rest of what the
    site's pages show of them between builds (`facts`). `details=False` leaves out each document's sections, issues and checks (`DETAILS`):
    they are most of a province's data (about 700 MB as Python objects at 2,000
    documents) and only its own page shows them, so the renderer loads them a batch of
    documents at a time (`load_details`) and lets them go once the pages are written.

    Millions of records are made and none becomes garbage meanwhile: the cyclic garbage
    collector, which would walk the growing heap again and again, is paused (a 4× cost).
    The new records are then handed to its oldest generation directly (`freeze` then
    `unfreeze`), rather than as survivors of young collections: these would count towards
    a full collection, a walk of the whole heap (a second or more for a province) that
    finds nothing to free — the records live until the site is rendered.
    """
    with long_lived():
        return _load_site(con, details, bodies)


# A document's parts that only its own page shows, and the bulk of the data:
# attribute → (table, ORDER BY of its query; no DECIMAL column named, they are read as text).
DETAILS = {
    "sections": ("sections", "doc_id, position"),
    "issues": ("issues", "doc_id, line NULLS FIRST, rowid"),
    "checks": ("checks", "doc_id, CASE status WHEN 'fail' THEN 0 WHEN 'rounding' THEN 1 ELSE 2 END, "
                         "line NULLS FIRST, rowid"),
}


def load_details(con, docs: Sequence[DocData]) -> None:
    """Fill in the `DETAILS` of `docs`, one query per table."""
    by_id = {d.doc_id: d for d in docs}
    read = _Reader(con)
    for attr, (table, order) in DETAILS.items():
        for doc in docs:
            setattr(doc, attr, [])
        rows = read.grouped(table, f"WHERE doc_id IN (SELECT unnest(?)) ORDER BY {order}",
                            [list(by_id)])
        for doc_id, found in rows.items():
            setattr(by_id[doc_id], attr, found)


def drop_documents(docs: Sequence[DocData]) -> None:
    """Let go of everything of `docs` but their `info` and slugs (their pages are written)."""
    for doc in docs:
        doc.tables, doc.projects, doc.targets, doc.figures = {}, [], [], []
        doc.changes, doc.glossary, doc.divisions, doc.sub_units = [], [], [], []
    drop_details(docs)


def drop_details(docs: Sequence[DocData]) -> None:
    """Let the `DETAILS` of `docs` go (their pages are written)."""
    for doc in docs:
        for attr in DETAILS:
            setattr(doc, attr, [])


class Details:
    """Where the renderer gets documents' `DETAILS`, a batch at a time (`loaded`): the
    database file at `path`, opened read-only once by each process that renders (forked
    workers cannot share a connection). `bodiless`: the doc_ids of documents loaded
    without their bodies (`load_site(bodies=False)`), loaded with their details too."""

    def __init__(self, path: str, bodiless: set[str] | None = None):
        self.path = path
        self.bodiless = bodiless or set()
        self._con: tuple[int, Any] | None = None  # (pid, connection)

    @contextmanager
    def loaded(self, docs: Sequence[DocData]) -> Iterator[None]:
        if not docs:  # a batch of pages linked from the last build
            yield
            return
        if self._con is None or self._con[0] != os.getpid():
            from .. import db

            self._con = (os.getpid(), db.open_read_only(self.path))
        bodies = [d for d in docs if d.doc_id in self.bodiless]
        load_bodies(self._con[1], bodies)
        load_details(self._con[1], docs)
        try:
            yield
        finally:
            drop_details(docs)
            drop_documents(bodies)

    def close(self) -> None:
        """Close this process's connection (workers' end with them)."""
        if self._con is not None and self._con[0] == os.getpid():
            self._con[1].close()
        self._con = None


def _load_site(con, details: bool, bodies: bool) -> SiteData:
    read = _Reader(con)
    infos = db.query(con, "SELECT * FROM documents ORDER BY department, year, doc_id")
    docs = {i["doc_id"]: DocData(info=i) for i in infos}
    for s in db.query(con, "SELECT * FROM staffing"):
        if s["doc_id"] in docs:
            docs[s["doc_id"]].staffing = s
    for doc_id, rows in read.grouped("document_sources", "ORDER BY doc_id, position").items():
        if doc_id in docs:
            docs[doc_id].sources = rows
    for doc_id, failed in con.execute("SELECT doc_id, count(*) FROM checks WHERE status = 'fail' "
                                      "GROUP BY doc_id").fetchall():
        if doc_id in docs:
            docs[doc_id].failed_count = failed
    if bodies:
        _load_bodies(read, docs, "")
    if details:
        for attr, (table, order) in DETAILS.items():
            for doc_id, rows in read.grouped(table, f"WHERE doc_id IS NOT NULL ORDER BY {order}").items():
                if doc_id in docs:
                    setattr(docs[doc_id], attr, rows)
    _assign_slugs(list(docs.values()))
    names = {r["table_key"]: r["title"] for r in db.query(con, "SELECT * FROM table_names")}
    orphans = db.query(con, "SELECT * FROM issues WHERE doc_id IS NULL ORDER BY path, line, rowid")
    return SiteData(docs=list(docs.values()), table_names=names, orphan_issues=orphans)


def load_bodies(con, docs: Sequence[DocData]) -> None:
    """Fill in the bodies of `docs` (loaded with `bodies=False`): one query per table."""
    if docs:
        _load_bodies(_Reader(con), {d.doc_id: d for d in docs},
                     "WHERE doc_id IN (SELECT unnest(?))", [[d.doc_id for d in docs]])


def _load_bodies(read: _Reader, docs: dict[str, DocData], where: str,
                 params: list | None = None) -> None:
    """A document's body: what its own page and downloads show and the site's other
    pages do not (their part of it is kept between builds: `facts`), details aside."""
    con = read.con
    for d in db.query(con, f"SELECT * FROM divisions {where} ORDER BY doc_id, kind, position",
                      params):
        if d["doc_id"] in docs:
            target = docs[d["doc_id"]].divisions if d["kind"] == "division" else docs[d["doc_id"]].sub_units
            target.append(d["name"])
    _load_tables(read, docs, where, params)
    # (table, ORDER BY of its query); no ORDER BY names a DECIMAL column (read as text).
    simple = {
        "projects": ("projects", "doc_id, project_no"),
        "figures": ("stated_figures", "doc_id, line, rowid"),
        "changes": ("stated_changes", "doc_id, line, rowid"),
        "glossary": ("glossary", "doc_id, position"),
    }
    for attr, (table, order) in simple.items():
        for doc_id, rows in read.grouped(table, f"{where} ORDER BY {order}", params).items():
            if doc_id in docs:
                setattr(docs[doc_id], attr, rows)
    indicators = read.grouped("indicators", f"{where} ORDER BY doc_id, target_no, position",
                              params, added=())
    for doc_id, rows in read.grouped("performance_targets", f"{where} ORDER BY doc_id, target_no",
                                     params).items():
        if doc_id not in docs:
            continue
        by_target: dict[int, list[Record]] = defaultdict(list)
        for ind in indicators.get(doc_id, []):
            by_target[ind["target_no"]].append(ind)
        for t in rows:
            t["indicators"] = by_target.get(t["target_no"], [])
        docs[doc_id].targets = rows


def load_changes(con, docs: Sequence[DocData]) -> None:
    """The stated changes of `docs` alone (a department page shows those of its years)."""
    if not docs:  # (every department page of a cold build: no query, 2–3 ms CPU each)
        return
    by_id = {d.doc_id: d for d in docs}
    found = _Reader(con).grouped("stated_changes", "WHERE doc_id IN (SELECT unnest(?)) "
                                 "ORDER BY doc_id, line, rowid", [list(by_id)])
    for doc_id, doc in by_id.items():
        doc.changes = found.get(doc_id, [])


def load_table_keys(con) -> dict[str, list[str]]:
    """Per document, the keys of its tables in page order (each once)."""
    keys: dict[str, dict[str, None]] = defaultdict(dict)
    for doc_id, key in con.execute("SELECT doc_id, table_key FROM source_tables "
                                   "ORDER BY doc_id, line NULLS LAST, rowid").fetchall():
        keys[doc_id][key] = None
    return {doc_id: list(found) for doc_id, found in keys.items()}


def _load_tables(read: _Reader, docs: dict[str, DocData], where: str = "",
                 params: list | None = None) -> None:
    # Most stored cells are empty (no amount, nothing printed): every reader treats a missing
    # cell and an empty one alike (an empty `<td>`, an empty CSV cell, null in JSON, no
    # figure), so they are not read.
    values: dict[tuple[str, str, int], dict[str, Cell]] = defaultdict(dict)
    columns = read.columns(
        "SELECT doc_id, table_key, row_no, column_key, CAST(amount AS VARCHAR), printed, line, "
        "coalesce(inferred, false), page FROM table_values "
        f"{where or 'WHERE true'} AND (amount IS NOT NULL OR printed IS NOT NULL)",
        ["text", "text", None, "text", "decimal", "text", None, None, None], params)
    for doc_id, key, row_no, col, amount, printed, line, inferred, page in zip(*columns):
        values[(doc_id, key, row_no)][col] = Cell(amount, printed, line, inferred, page)
    del columns
    for t in read.query("source_tables", f"{where} ORDER BY doc_id, line NULLS LAST, rowid", params):
        if t["doc_id"] in docs:
            docs[t["doc_id"]].tables[t["table_key"]] = TableData(
                key=t["table_key"], title=t["title"], line=t["line"], empty=bool(t["empty"]),
                note=t["note"], columns=list(t["columns"] or []), labels=list(t["column_labels"] or []),
                unit=t["printed_unit"] or SITE_UNIT)
    for r in read.query("table_rows", f"{where} ORDER BY doc_id, table_key, row_no", params,
                        added=["values"]):
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
    """Department and region slugs, as `build.assign_ids` makes them (`slugs.unique_slugs`)."""
    names = {id(d): d.info["department"] or d.info["file_name"].rsplit(".", 1)[0] for d in docs}
    departments = unique_slugs(names.values())
    regions = unique_slugs(d.info["region"] for d in docs if d.info["region"])
    for d in docs:
        d.dept_slug = departments[names[id(d)]]
        d.region_slug = regions[d.info["region"]] if d.info["region"] else ""
