"""DuckDB: the only package that imports duckdb. Documents in, tables for pages and downloads out.

Amounts are DECIMAL(28,6) in 万元: a figure printed in 元 with fen (31,214,205.80 元) is
3121.420580 万元, six decimal places, stored exactly (`numbers.to_site_unit`). Values are
stored in long form (one row per table cell) with their source line and, where the input
shows it, their page and box (PDF) or sheet and cell (workbook, Word); `printed` keeps the
figure as printed in its table's unit (`printed_unit`: "17.00" 万元, "156211123" 元), so
pages and downloads can show it exactly.

Loading is per document and all-or-nothing: a document's rows go in inside one
transaction, so a failure leaves nothing half-loaded. A build packs each document's rows
as CSV text in its parse worker (`pack_document`, kept in the parse cache), so the build
process only splices in the doc_id and hands the files to DuckDB (`load_packed`).

The database a build works in is not the download: `publish` copies it into a fresh file
whose bytes depend only on its content.

The package is split by what things are: `schema` (the tables), `rows` (a document's rows,
packed as CSV by the parse workers), `load` (rows into the database), `publish` (the
reproducible download); `connect` and `query` are here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ..model import TABLE_KEYS
from .load import (
    bulk_insert,
    delete_documents,
    load_document,
    load_documents,
    load_packed,
    load_source_issues,
    rows_in_doc_order,
)
from .publish import Started, detach, detachable, publish, publishing, reattach, start_publishing
from .rows import (
    CSV_TABLES,
    PackedRows,
    _csv_text,
    document_rows,
    issue_row,
    pack_document,
)
from .schema import COLUMNS, DOC_TABLES, SCHEMA, _sql_path

__all__ = ["COLUMNS", "CSV_TABLES", "DOC_TABLES", "SCHEMA", "PackedRows", "Started", "_csv_text",
           "bulk_insert", "connect", "delete_documents", "detach", "detachable", "document_rows", "issue_row",
           "load_document", "load_documents", "load_packed", "load_source_issues",
           "open_read_only", "pack_document", "publish", "publishing", "query", "reattach", "rows_in_doc_order", "start_publishing", "ENGINE_VERSION"]


# DuckDB's version: the bytes of its exports may change with it (`render.bulk` keys its parts on it).
ENGINE_VERSION = duckdb.__version__


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """The database file at `path` opened for reading only (a published copy, whose bytes
    must stay those of the download: no schema is run on it)."""
    return duckdb.connect(str(path), read_only=True)


def connect(path: Path | str = ":memory:", detachable: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the database at `path`, with our tables. `detachable`: the file is
    attached to an in-memory database and used, rather than opened as the connection's
    own, so that `publish` can let it go while another process reads it."""
    if detachable and str(path) != ":memory:":
        con = duckdb.connect()
        con.execute(f"ATTACH '{_sql_path(path)}' AS working")
        con.execute("USE working")
    else:
        con = duckdb.connect(str(path))
    # Memory DuckDB's allocator no longer needs goes back to the system within a second or
    # so, rather than staying with the process (hundreds of MB after a province's loading
    # or exports, while the render workers or `publish` run beside it).
    con.execute("SET allocator_flush_threshold = '16MB'")
    con.execute("SET allocator_background_threads = true")
    con.execute(SCHEMA)
    if not con.execute("SELECT count(*) FROM table_names").fetchone()[0]:
        con.executemany("INSERT INTO table_names VALUES (?, ?)", list(TABLE_KEYS.items()))
    return con


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts (DECIMAL stays Decimal)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
