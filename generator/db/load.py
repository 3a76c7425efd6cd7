"""Rows into the database: packed documents by COPY, the rest by one INSERT per table."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from ..model import Document, Issue
from .rows import _NULL, PackedRows, issue_row, pack_document
from .schema import DOC_TABLES, _sql_path


def load_document(con: duckdb.DuckDBPyConnection, doc_id: str, doc: Document,
                  check_rows: Iterable[tuple[Any, ...]] = ()) -> None:
    """Insert (or replace) one document and its check results: all or nothing."""
    load_documents(con, [(doc_id, doc, check_rows)])


def load_documents(con: duckdb.DuckDBPyConnection,
                   items: Iterable[tuple[str, Document, Iterable[tuple[Any, ...]]]]) -> None:
    """Insert many documents at once (one statement per table), with their check rows."""
    def packed(doc_id: str, doc: Document, check_rows: Iterable[tuple[Any, ...]]) -> PackedRows:
        rows = list(check_rows)  # they carry doc_id; packing wants them with its placeholder
        return pack_document(doc, lambda mark: [(mark, *row[1:]) for row in rows])

    load_packed(con, ((doc_id, packed(doc_id, doc, checks)) for doc_id, doc, checks in items))


def load_packed(con: duckdb.DuckDBPyConnection, items: Iterable[tuple[str, PackedRows]],
                scratch: Path | None = None) -> None:
    """Insert many packed documents (`pack_document`) at once: the fast path for a build.

    Each document's CSV text goes, with its doc_id spliced in, into one temporary file per
    table (in `scratch`, default the system's temporary folder) as soon as it comes, so
    `items` can stream; each file is then loaded with one COPY. The loads run in one
    transaction, which first removes any earlier rows of those documents.
    """
    doc_ids: list[str] = []
    with tempfile.TemporaryDirectory(prefix="budget-load-", dir=scratch) as folder:
        files: dict[str, Any] = {}
        listed: dict[str, list[tuple[Any, ...]]] = {}
        try:
            for doc_id, packed in items:
                doc_ids.append(doc_id)
                field = _csv_field(doc_id)
                for name, text in packed.csv.items():
                    if name not in files:
                        files[name] = open(Path(folder) / f"{name}.csv", "wb")
                    files[name].write(text.replace(packed.mark, field))
                for name, rows in packed.listed.items():
                    listed.setdefault(name, []).extend((doc_id, *row) for row in rows)
        finally:
            for handle in files.values():
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


# Whether the documents were loaded in doc_id order (a clean build loads them so), as
# `rows_in_doc_order` asks it; the publishing process runs the same query.
DOC_ORDER_SQL = ("SELECT count(*) = 0 FROM (SELECT doc_id < lag(doc_id) OVER (ORDER BY rowid) "
                 "AS descends FROM {documents}) WHERE descends")


def rows_in_doc_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a plain scan of every table returns its rows in doc_id order (the rows of
    no document last), each document's in the order they were loaded: the order of the
    downloads, which then need no sort.

    So it is when the documents were loaded in doc_id order: every load appends each
    document's rows to every table at once (`load_packed`, one transaction), a delete
    leaves the others' order, the issues of unparsed files are loaded after the documents
    (`build._load_database`), and DuckDB returns the rows of a plain scan in the order of
    insertion (`preserve_insertion_order`, on by default, also with several threads). A
    clean build's database is so; an incremental build's is not once it has loaded a
    changed document after one with a greater doc_id (then the documents table, which
    has a row per document, shows it)."""
    if not con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]:
        return False
    return bool(con.execute(DOC_ORDER_SQL.format(documents="documents")).fetchone()[0])


def _csv_field(value: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([value])
    return buffer.getvalue().removesuffix("\r\n").encode("utf-8")


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
    go through CSV files and COPY in `load_packed`, which is faster still.)
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


def _copy_csv_file(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    # csv.writer ends rows with \r\n; saying so keeps DuckDB from taking a \n inside a
    # quoted text (a 说明 paragraph) for the end of a row.
    con.execute(f"COPY {table} FROM '{_sql_path(path)}' (FORMAT csv, HEADER false, "
                f"NULLSTR '{_NULL}', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n', "
                "AUTO_DETECT false)")


def load_source_issues(con: duckdb.DuckDBPyConnection, issues: Iterable[Issue]) -> None:
    """Issues of files that could not be parsed at all (no document row)."""
    bulk_insert(con, "issues", [issue_row(None, i) for i in issues])


def delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str],
                     source_issues: bool = False) -> None:
    """Remove the rows of `doc_ids` (and, `source_issues`, the issues of files that could
    not be parsed) from every table, in one transaction: an incremental build's database
    before its changed documents are loaded again."""
    doc_ids = list(doc_ids)
    con.execute("BEGIN TRANSACTION")
    try:
        for name in DOC_TABLES:
            if doc_ids:
                con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                            [doc_ids])
        if source_issues:
            con.execute("DELETE FROM issues WHERE doc_id IS NULL")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
