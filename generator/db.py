"""DuckDB: the only module that imports duckdb. Documents in, tables for pages and downloads out.

Amounts are DECIMAL(18,2) — every printed budget figure has at most two decimal places
(万元 to the hundredth = 100 元). Values are stored in long form (one row per table
cell) with their source line; `printed` keeps the amount's text as printed
(e.g. "17.00"), so downloads can show it exactly.

Loading is per document and all-or-nothing: a document's rows go in inside one
transaction, so a failure leaves nothing half-loaded.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from .model import TABLE_KEYS, Document, Issue
from .numbers import format_amount

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR PRIMARY KEY,  -- stable id: slug of department + year (see slugs.py)
    path          VARCHAR NOT NULL,     -- source file, relative to the site directory
    file_name     VARCHAR NOT NULL,     -- source file name
    sha256        VARCHAR NOT NULL,     -- hash of the source bytes
    encoding      VARCHAR NOT NULL,     -- utf-8, utf-8-sig or gb18030
    layout        VARCHAR NOT NULL,     -- layout reader that parsed it
    department    VARCHAR,              -- 编制部门, in full
    department_line INTEGER,            -- source line of the department name
    region        VARCHAR,              -- full official region name
    year          INTEGER,              -- budget year
    unit          VARCHAR NOT NULL,     -- amount unit as printed (万元)
    line_count    INTEGER NOT NULL      -- lines in the source
);
CREATE TABLE IF NOT EXISTS staffing (
    doc_id VARCHAR, authorized INTEGER, actual INTEGER, in_service INTEGER,
    in_service_change INTEGER, retired INTEGER, retired_change INTEGER,
    lixiu INTEGER, lixiu_change INTEGER, line INTEGER
);
CREATE TABLE IF NOT EXISTS divisions (doc_id VARCHAR, position INTEGER, name VARCHAR, kind VARCHAR);
CREATE TABLE IF NOT EXISTS source_tables (
    doc_id VARCHAR, table_key VARCHAR, title VARCHAR, line INTEGER, empty BOOLEAN,
    note VARCHAR, columns VARCHAR[], column_labels VARCHAR[], row_count INTEGER
);
CREATE TABLE IF NOT EXISTS table_rows (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, line INTEGER, kind VARCHAR,
    side VARCHAR, unit VARCHAR, code VARCHAR, code_raw VARCHAR, name VARCHAR,
    project VARCHAR, is_total BOOLEAN, total_key VARCHAR, inferred VARCHAR
);
CREATE TABLE IF NOT EXISTS table_values (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, column_key VARCHAR,
    amount DECIMAL(18,2), printed VARCHAR, line INTEGER, inferred BOOLEAN
);
CREATE TABLE IF NOT EXISTS projects (
    doc_id VARCHAR, project_no INTEGER, name VARCHAR, unit VARCHAR, code VARCHAR,
    amount DECIMAL(18,2), printed VARCHAR, line INTEGER, source VARCHAR
);
CREATE TABLE IF NOT EXISTS performance_targets (
    doc_id VARCHAR, target_no INTEGER, kind VARCHAR, name VARCHAR, unit VARCHAR,
    amount DECIMAL(18,2), fiscal_amount DECIMAL(18,2), other_funds DECIMAL(18,2),
    goal VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id VARCHAR, target_no INTEGER, position INTEGER, level1 VARCHAR, level2 VARCHAR,
    name VARCHAR, value VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id VARCHAR, position INTEGER, part VARCHAR, title VARCHAR, text VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS stated_figures (
    doc_id VARCHAR, key VARCHAR, amount DECIMAL(18,2), percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS stated_changes (
    doc_id VARCHAR, subject VARCHAR, direction INTEGER, amount DECIMAL(18,2),
    percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS glossary (doc_id VARCHAR, position INTEGER, term VARCHAR, text VARCHAR, line INTEGER);
CREATE TABLE IF NOT EXISTS issues (
    doc_id VARCHAR, path VARCHAR, line INTEGER, slug VARCHAR, severity VARCHAR,
    table_key VARCHAR, message VARCHAR
);
CREATE TABLE IF NOT EXISTS checks (
    doc_id VARCHAR, slug VARCHAR, name VARCHAR, status VARCHAR, path VARCHAR, line INTEGER,
    expected DECIMAL(18,2), actual DECIMAL(18,2), difference DECIMAL(18,2), message VARCHAR
);
CREATE TABLE IF NOT EXISTS table_names (table_key VARCHAR, title VARCHAR);
"""

DOC_TABLES = ("documents", "staffing", "divisions", "source_tables", "table_rows", "table_values",
              "projects", "performance_targets", "indicators", "sections", "stated_figures",
              "stated_changes", "glossary", "issues", "checks")


def connect(path: Path | str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    if not con.execute("SELECT count(*) FROM table_names").fetchone()[0]:
        con.executemany("INSERT INTO table_names VALUES (?, ?)", list(TABLE_KEYS.items()))
    return con


def document_rows(doc_id: str, doc: Document) -> dict[str, list[tuple[Any, ...]]]:
    """Every row this document contributes, per database table."""
    out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in DOC_TABLES}
    p = Path(doc.path)
    out["documents"].append((doc_id, doc.path, p.name, doc.sha256, doc.encoding, doc.layout,
                             doc.department, doc.department_line, doc.region, doc.year, doc.unit,
                             doc.line_count))
    s = doc.staffing
    out["staffing"].append((doc_id, s.authorized, s.actual, s.in_service, s.in_service_change,
                            s.retired, s.retired_change, s.lixiu, s.lixiu_change, s.line))
    out["divisions"] += [(doc_id, i, n, "division") for i, n in enumerate(doc.divisions)]
    out["divisions"] += [(doc_id, i, n, "sub_unit") for i, n in enumerate(doc.sub_units)]
    for key, table in doc.tables.items():
        all_rows = [(r, False, None) for r in table.rows] + [(r, True, k) for k, r in table.totals.items()]
        out["source_tables"].append((doc_id, key, table.title, table.line, table.empty, table.note,
                                     [c.key for c in table.columns], [c.label for c in table.columns],
                                     len(table.rows)))
        for row_no, (row, is_total, total_key) in enumerate(all_rows):
            out["table_rows"].append((doc_id, key, row_no, row.line, row.kind, row.side, row.unit,
                                      row.code, row.code_raw, row.name, row.project, is_total,
                                      total_key, ",".join(row.inferred) or None))
            for col, amount in row.values.items():
                out["table_values"].append((doc_id, key, row_no, col, amount, format_amount(amount),
                                            row.line, col in row.inferred))
    projects = doc.table("projects")
    if projects:
        for i, row in enumerate(r for r in projects.rows if r.kind == "project"):
            total = row.values.get("total")
            out["projects"].append((doc_id, i, row.project, row.unit, row.code, total,
                                    format_amount(total), row.line, "projects"))
    for i, target in enumerate(doc.performance):
        out["performance_targets"].append((doc_id, i, target.kind, target.name, target.unit,
                                           target.amount, target.fiscal_amount, target.other_funds,
                                           target.goal, target.line))
        out["indicators"] += [(doc_id, i, j, ind.level1, ind.level2, ind.name, ind.value, ind.line)
                              for j, ind in enumerate(target.indicators)]
    out["sections"] += [(doc_id, i, s.part, s.title, s.text, s.line) for i, s in enumerate(doc.sections)]
    out["stated_figures"] += [(doc_id, f.key, f.amount, f.percent, f.line, f.text) for f in doc.figures]
    out["stated_changes"] += [(doc_id, c.subject, c.direction, c.amount, c.percent, c.line, c.text)
                              for c in doc.changes]
    out["glossary"] += [(doc_id, i, t, x, ln) for i, (t, x, ln) in enumerate(doc.glossary)]
    out["issues"] += [issue_row(doc_id, i) for i in doc.issues]
    return out


def issue_row(doc_id: str | None, issue: Issue) -> tuple[Any, ...]:
    return (doc_id, issue.path, issue.line, issue.slug, issue.severity, issue.table, issue.message)


def load_document(con: duckdb.DuckDBPyConnection, doc_id: str, doc: Document,
                  check_rows: Iterable[tuple[Any, ...]] = ()) -> None:
    """Insert (or replace) one document and its check results: all or nothing."""
    load_documents(con, [(doc_id, doc, check_rows)])


def load_documents(con: duckdb.DuckDBPyConnection,
                   items: Iterable[tuple[str, Document, Iterable[tuple[Any, ...]]]]) -> None:
    """Insert many documents at once (one statement per table): the fast path for a build.

    Each document's rows are written to one temporary CSV file per table as soon as they
    are made, so a province's rows are never all in memory at once (they are several times
    the size of the parsed documents); each file is then loaded with one COPY. A document
    whose rows cannot be built raises before anything is written to the database; the
    loads run in one transaction, which first removes any earlier rows of those documents.
    """
    doc_ids: list[str] = []
    with tempfile.TemporaryDirectory(prefix="budget-load-") as folder:
        files: dict[str, Any] = {}
        listed: dict[str, list[tuple[Any, ...]]] = {}  # tables with list columns: no CSV
        try:
            for doc_id, doc, check_rows in items:
                doc_ids.append(doc_id)
                rows = document_rows(doc_id, doc)
                rows["checks"] = list(check_rows)
                for name, values in rows.items():
                    if any(t.endswith("[]") for t in _column_types(con, name)):
                        listed.setdefault(name, []).extend(values)
                        continue
                    if name not in files:
                        handle = open(Path(folder) / f"{name}.csv", "w", newline="",
                                      encoding="utf-8")
                        files[name] = (handle, csv.writer(handle))
                    files[name][1].writerows([_csv_cell(v) for v in row] for row in values)
        finally:
            for handle, _ in files.values():
                handle.close()
        con.execute("BEGIN TRANSACTION")
        try:
            for name in DOC_TABLES:
                con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                            [doc_ids])
                if name in files:
                    _copy_csv_file(con, name, Path(folder) / f"{name}.csv")
                bulk_insert(con, name, listed.get(name, []))
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


_TYPES: dict[str, list[str]] = {}


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column types of one of our tables (every database has the same SCHEMA: asked once)."""
    if table not in _TYPES:
        _TYPES[table] = [r[0] for r in con.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall()]
    return _TYPES[table]


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows with one statement (row-by-row executemany is ~100× slower): each column
    travels as one list parameter and is unnested. Amounts travel as their exact decimal
    text and are cast to DECIMAL in the database, so no float is involved. (Large tables
    go through CSV files and COPY in `load_documents`, which is faster still.)
    """
    if not rows:
        return
    types = _column_types(con, table)
    columns = [list(c) for c in zip(*rows)]
    selects = []
    for i, kind in enumerate(types):
        if kind.startswith("DECIMAL"):
            columns[i] = [None if v is None else format(v, "f") for v in columns[i]]
        selects.append(f"CAST(unnest(${i + 1}) AS {kind})")
    con.execute(f"INSERT INTO {table} SELECT {', '.join(selects)}", columns)


_NULL = "\\N"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _copy_csv_file(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    # csv.writer ends rows with \r\n; saying so keeps DuckDB from taking a \n inside a
    # quoted text (a 说明 paragraph) for the end of a row.
    name = path.as_posix().replace("'", "''")
    con.execute(f"COPY {table} FROM '{name}' (FORMAT csv, HEADER false, NULLSTR '{_NULL}', "
                "QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n', AUTO_DETECT false)")


def load_source_issues(con: duckdb.DuckDBPyConnection, issues: Iterable[Issue]) -> None:
    """Issues of files that could not be parsed at all (no document row)."""
    bulk_insert(con, "issues", [issue_row(None, i) for i in issues])


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts (DECIMAL stays Decimal)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
