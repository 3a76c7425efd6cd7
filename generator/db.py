"""DuckDB: the only module that imports duckdb. Documents in, tables for pages and downloads out.

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
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import duckdb

from .merge import SourceFile, sources_of
from .model import TABLE_KEYS, Document, Issue
from .numbers import format_amount, in_printed_unit
from .tidy import key_figure_rows, line_item_rows

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
    kind          VARCHAR,              -- budget (预算) or final_accounts (决算)
    scope         VARCHAR,              -- department (部门) or unit (单位)
    unit          VARCHAR NOT NULL,     -- amount unit as printed (万元)
    line_count    INTEGER NOT NULL      -- lines in the source
);
CREATE TABLE IF NOT EXISTS document_sources (
    doc_id VARCHAR, position INTEGER, path VARCHAR, file_name VARCHAR, sha256 VARCHAR,
    first_line INTEGER, line_count INTEGER
);
CREATE TABLE IF NOT EXISTS staffing (
    doc_id VARCHAR, authorized INTEGER, actual INTEGER, in_service INTEGER,
    in_service_change INTEGER, retired INTEGER, retired_change INTEGER,
    lixiu INTEGER, lixiu_change INTEGER, line INTEGER
);
CREATE TABLE IF NOT EXISTS divisions (doc_id VARCHAR, position INTEGER, name VARCHAR, kind VARCHAR);
CREATE TABLE IF NOT EXISTS source_tables (
    doc_id VARCHAR, table_key VARCHAR, title VARCHAR, line INTEGER, empty BOOLEAN,
    note VARCHAR, columns VARCHAR[], column_labels VARCHAR[], row_count INTEGER,
    printed_unit VARCHAR
);
CREATE TABLE IF NOT EXISTS table_rows (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, line INTEGER, kind VARCHAR,
    side VARCHAR, unit VARCHAR, code VARCHAR, code_raw VARCHAR, name VARCHAR,
    project VARCHAR, is_total BOOLEAN, total_key VARCHAR, inferred VARCHAR
);
CREATE TABLE IF NOT EXISTS table_values (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, column_key VARCHAR,
    amount DECIMAL(28,6), printed VARCHAR, line INTEGER, inferred BOOLEAN,
    printed_unit VARCHAR, page INTEGER, box DOUBLE[], sheet VARCHAR, cell VARCHAR
);
CREATE TABLE IF NOT EXISTS projects (
    doc_id VARCHAR, project_no INTEGER, name VARCHAR, unit VARCHAR, code VARCHAR,
    amount DECIMAL(28,6), printed VARCHAR, line INTEGER, source VARCHAR, printed_unit VARCHAR
);
CREATE TABLE IF NOT EXISTS performance_targets (
    doc_id VARCHAR, target_no INTEGER, kind VARCHAR, name VARCHAR, unit VARCHAR,
    amount DECIMAL(28,6), fiscal_amount DECIMAL(28,6), other_funds DECIMAL(28,6),
    goal VARCHAR, line INTEGER, amount_label VARCHAR
);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id VARCHAR, target_no INTEGER, position INTEGER, level1 VARCHAR, level2 VARCHAR,
    name VARCHAR, value VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id VARCHAR, position INTEGER, part VARCHAR, title VARCHAR, text VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS stated_figures (
    doc_id VARCHAR, key VARCHAR, amount DECIMAL(28,6), percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS stated_changes (
    doc_id VARCHAR, subject VARCHAR, direction INTEGER, amount DECIMAL(28,6),
    percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS glossary (doc_id VARCHAR, position INTEGER, term VARCHAR, text VARCHAR, line INTEGER);
CREATE TABLE IF NOT EXISTS issues (
    doc_id VARCHAR, path VARCHAR, line INTEGER, slug VARCHAR, severity VARCHAR,
    table_key VARCHAR, message VARCHAR
);
CREATE TABLE IF NOT EXISTS checks (
    doc_id VARCHAR, slug VARCHAR, name VARCHAR, status VARCHAR, path VARCHAR, line INTEGER,
    expected DECIMAL(28,6), actual DECIMAL(28,6), difference DECIMAL(28,6), message VARCHAR,
    part_lines INTEGER[]  -- a check that did not pass: the lines of its summed table rows
);
CREATE TABLE IF NOT EXISTS table_names (table_key VARCHAR, title VARCHAR);
CREATE TABLE IF NOT EXISTS key_figures (
    doc_id VARCHAR, department VARCHAR, region VARCHAR, year INTEGER, kind VARCHAR,
    scope VARCHAR, measure VARCHAR, amount DECIMAL(28,6), unit VARCHAR, printed VARCHAR,
    printed_unit VARCHAR, line INTEGER, source VARCHAR
);
CREATE TABLE IF NOT EXISTS line_items (
    doc_id VARCHAR, department VARCHAR, year INTEGER, table_key VARCHAR, side VARCHAR,
    sub_unit VARCHAR, level VARCHAR, code VARCHAR, name VARCHAR, project VARCHAR,
    column_key VARCHAR, column_label VARCHAR, amount DECIMAL(28,6), unit VARCHAR,
    printed VARCHAR, printed_unit VARCHAR, is_total BOOLEAN, detail BOOLEAN, inferred BOOLEAN,
    line INTEGER, page INTEGER, source VARCHAR
);
"""



def _schema_columns() -> dict[str, list[tuple[str, str]]]:
    """(name, type) of every column of every table, read from SCHEMA: the parse workers
    format rows for loading without a database at hand."""
    tables = {}
    for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\);", SCHEMA, re.S):
        body = re.sub(r"--[^\n]*", "", body)
        columns = [c.split() for c in re.split(r",(?![^(]*\))", body) if c.strip()]
        tables[name] = [(c[0], c[1]) for c in columns]
    return tables


COLUMNS = _schema_columns()

DOC_TABLES = ("documents", "document_sources", "staffing", "divisions", "source_tables", "table_rows", "table_values",
              "projects", "performance_targets", "indicators", "sections", "stated_figures",
              "stated_changes", "glossary", "issues", "checks", "key_figures", "line_items")


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


def document_rows(doc_id: str, doc: Document, sources: list[SourceFile] | None = None
                  ) -> dict[str, list[tuple[Any, ...]]]:
    """Every row this document contributes, per database table; `sources`: the files it
    was read from, when more than its own (`merge`)."""
    out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in DOC_TABLES}
    p = Path(doc.path)
    out["documents"].append((doc_id, doc.path, p.name, doc.sha256, doc.encoding, doc.layout,
                             doc.department, doc.department_line, doc.region, doc.year, doc.kind,
                             doc.scope, doc.unit,
                             doc.line_count))
    out["document_sources"] += [(doc_id, i, f.path, Path(f.path).name, f.sha256, f.first_line,
                                 f.line_count) for i, f in enumerate(sources or sources_of(doc))]
    s = doc.staffing
    out["staffing"].append((doc_id, s.authorized, s.actual, s.in_service, s.in_service_change,
                            s.retired, s.retired_change, s.lixiu, s.lixiu_change, s.line))
    out["divisions"] += [(doc_id, i, n, "division") for i, n in enumerate(doc.divisions)]
    out["divisions"] += [(doc_id, i, n, "sub_unit") for i, n in enumerate(doc.sub_units)]
    for key, table in doc.tables.items():
        all_rows = [(r, False, None) for r in table.rows] + [(r, True, k) for k, r in table.totals.items()]
        out["source_tables"].append((doc_id, key, table.title, table.line, table.empty, table.note,
                                     [c.key for c in table.columns], [c.label for c in table.columns],
                                     len(table.rows), table.unit))
        for row_no, (row, is_total, total_key) in enumerate(all_rows):
            out["table_rows"].append((doc_id, key, row_no, row.line, row.kind, row.side, row.unit,
                                      row.code, row.code_raw, row.name, row.project, is_total,
                                      total_key, ",".join(row.inferred) or None))
            for col, amount in row.values.items():
                origin = row.origins.get(col)
                out["table_values"].append((
                    doc_id, key, row_no, col, amount, format_amount(in_printed_unit(amount, table.unit)),
                    origin.line if origin else row.line, col in row.inferred, table.unit,
                    *(_NO_PLACE if origin is None else
                      (origin.page, list(origin.box) if origin.box else None, origin.sheet, origin.cell))))
    projects = doc.table("projects")
    if projects:
        for i, row in enumerate(r for r in projects.rows if r.kind == "project"):
            total = row.values.get("total")
            out["projects"].append((doc_id, i, row.project, row.unit, row.code, total,
                                    format_amount(in_printed_unit(total, projects.unit)), row.line,
                                    "projects", projects.unit))
    for i, target in enumerate(doc.performance):
        out["performance_targets"].append((doc_id, i, target.kind, target.name, target.unit,
                                           target.amount, target.fiscal_amount, target.other_funds,
                                           target.goal, target.line, target.amount_label))
        out["indicators"] += [(doc_id, i, j, ind.level1, ind.level2, ind.name, ind.value, ind.line)
                              for j, ind in enumerate(target.indicators)]
    out["sections"] += [(doc_id, i, s.part, s.title, s.text, s.line) for i, s in enumerate(doc.sections)]
    out["stated_figures"] += [(doc_id, f.key, f.amount, f.percent, f.line, f.text) for f in doc.figures]
    out["stated_changes"] += [(doc_id, c.subject, c.direction, c.amount, c.percent, c.line, c.text)
                              for c in doc.changes]
    out["glossary"] += [(doc_id, i, t, x, ln) for i, (t, x, ln) in enumerate(doc.glossary)]
    out["issues"] += [issue_row(doc_id, i) for i in doc.issues]
    out["key_figures"] = key_figure_rows(doc_id, doc)
    out["line_items"] = line_item_rows(doc_id, doc)
    return out


_NO_PLACE = (None, None, None, None)  # page, box, sheet, cell of a figure without an Origin


@dataclass
class PackedRows:
    """One document's rows, ready to load under any doc_id: CSV text per table, where every
    row starts with the placeholder `mark` for its doc_id, and the rows of tables with list
    columns (no CSV for those) without their doc_id."""

    mark: bytes
    csv: dict[str, bytes]
    listed: dict[str, list[tuple[Any, ...]]]


# Tables loaded from CSV; the others have list columns and go through `bulk_insert`.
# (A list of numbers goes into CSV as "[1,2.5]", which COPY casts; lists of text do not.)
_NUMBER_LISTS = ("INTEGER[]", "DOUBLE[]")
CSV_TABLES = tuple(t for t in DOC_TABLES
                   if not any(k.endswith("[]") and k not in _NUMBER_LISTS for _, k in COLUMNS[t]))


def pack_document(doc: Document,
                  check_rows: Callable[[str], Iterable[tuple[Any, ...]]] = lambda _: (),
                  sources: list[SourceFile] | None = None) -> PackedRows:
    """`document_rows` and the check rows (`check_rows(doc_id)`) as `PackedRows`.

    The placeholder must not occur in the document's own text: each CSV must hold it exactly
    once per row, else the next candidate is tried.
    """
    for n in count():
        mark = f"{{doc_id-{n}}}" if n else "{doc_id}"
        rows = document_rows(mark, doc, sources)
        rows["checks"] = list(check_rows(mark))
        packed = PackedRows(mark.encode("utf-8"), {}, {})
        for name in DOC_TABLES:
            values = rows[name]
            if not values:
                continue
            if name not in CSV_TABLES:
                packed.listed[name] = [row[1:] for row in values]
                continue
            text = _csv_text(name, values)
            if text.count(packed.mark) != len(values):
                break
            packed.csv[name] = text
        else:
            return packed
    raise AssertionError("unreachable")


def _csv_text(table: str, rows: list[tuple[Any, ...]]) -> bytes:
    """Rows as CSV for `_copy_csv_file`: NULL as \\N, exact decimals, true/false.

    The bytes `csv.writer` writes (QUOTE_MINIMAL, \\r\\n), made column by column: every
    document of a build passes here, and csv.writer, which inspects each character of each
    field through a function call, took a tenth of a parse worker's time. A column is
    quoted field by field only where one of its fields needs it (rare: prose).
    """
    if not rows:
        return b""
    columns = list(zip(*rows))
    for i, kind in enumerate(_CSV_KINDS[table]):
        column = columns[i]
        if kind == "decimal":
            columns[i] = [_NULL if v is None else format(v, "f") for v in column]
        elif kind == "boolean":
            columns[i] = [_NULL if v is None else "true" if v else "false" for v in column]
        elif kind == "integers":
            columns[i] = [_NULL if v is None else '"[' + ",".join(map(str, v)) + ']"' for v in column]
        else:
            column = [v if type(v) is str else _NULL if v is None else str(v) for v in column]
            everything = "".join(column)
            if any(c in everything for c in _CSV_SPECIAL):
                column = [_csv_quoted(v) for v in column]
            columns[i] = column
    return ("\r\n".join(map(",".join, zip(*columns))) + "\r\n").encode("utf-8")


# The characters that make csv.writer quote a field: the delimiter, the quote character
# and those of the line terminator.
_CSV_SPECIAL = (",", '"', "\r", "\n")


def _csv_quoted(value: str) -> str:
    if any(c in value for c in _CSV_SPECIAL):
        return '"' + value.replace('"', '""') + '"'
    return value


# How `_csv_text` writes each column of each table.
_CSV_KINDS = {table: ["decimal" if kind.startswith("DECIMAL") else
                      "boolean" if kind == "BOOLEAN" else
                      "integers" if kind in _NUMBER_LISTS else "as-is" for _, kind in columns]
              for table, columns in COLUMNS.items()}


def issue_row(doc_id: str | None, issue: Issue) -> tuple[Any, ...]:
    return (doc_id, issue.path, issue.line, issue.slug, issue.severity, issue.table, issue.message)


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


_NULL = "\\N"


def _copy_csv_file(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    # csv.writer ends rows with \r\n; saying so keeps DuckDB from taking a \n inside a
    # quoted text (a 说明 paragraph) for the end of a row.
    con.execute(f"COPY {table} FROM '{_sql_path(path)}' (FORMAT csv, HEADER false, "
                f"NULLSTR '{_NULL}', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n', "
                "AUTO_DETECT false)")


def load_source_issues(con: duckdb.DuckDBPyConnection, issues: Iterable[Issue]) -> None:
    """Issues of files that could not be parsed at all (no document row)."""
    bulk_insert(con, "issues", [issue_row(None, i) for i in issues])


# Run by `publish` in a fresh Python process: argv = handoff database, target file.
_PUBLISH_SCRIPT = """
import sys
import duckdb
source, target = (p.replace("'", "''") for p in sys.argv[1:3])
con = duckdb.connect()
con.execute("SET threads = 1")
con.execute("SET memory_limit = '200MB'")  # 600 MB without, for a province; same bytes every run
con.execute("SET disabled_compression_methods = 'fsst'")
con.execute(f"ATTACH '{source}' AS source (READ_ONLY)")
con.execute(f"ATTACH '{target}' AS published (STORAGE_VERSION 'v1.0.0')")
con.execute("COPY FROM DATABASE source TO published")
con.execute("DETACH published")
"""


def detachable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` works on a database file it can let go of (`detach`)."""
    path = con.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()[0]
    return bool(path) and bool(con.execute(
        "SELECT count(*) FROM duckdb_databases() "
        "WHERE database_name = 'memory' AND path IS NULL").fetchone()[0])


def detach(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """Let go of the database file of `con` (opened with `connect(..., detachable=True)`),
    checkpointed, so that other processes can open it; returns what `reattach` needs, or
    None when `con` cannot let it go (its own file, or in memory)."""
    if not detachable(con):
        return None
    name, path = con.execute("SELECT database_name, path FROM duckdb_databases() "
                             "WHERE database_name = current_database()").fetchone()
    con.execute("CHECKPOINT")
    con.execute("USE memory")
    con.execute(f'DETACH "{name}"')
    return name, path


def reattach(con: duckdb.DuckDBPyConnection, handle: tuple[str, str]) -> None:
    """Take back the database file `detach` let go of."""
    name, path = handle
    con.execute(f"ATTACH '{_sql_path(path)}' AS \"{name}\"")
    con.execute(f'USE "{name}"')


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Write the database of `con` into a fresh file `target` (the download), whose bytes
    depend only on its content: two builds of the same input publish identical files.

    DuckDB leaves arbitrary bytes in the files it writes: a random identifier in the
    headers of a database in a storage format newer than v1.0.0, the random sample FSST
    compression trains its symbol table on, and whatever memory held before in the unused
    parts of blocks (string segments that are not compacted, the last pointer of a chain of
    long-string blocks). So the copy is written in the v1.0.0 storage format, without
    FSST, by one thread, in a fresh process whose allocators fill new memory with a fixed
    byte (jemalloc, which DuckDB bundles on Linux: junk:alloc; glibc's malloc: perturb,
    with its per-thread cache off, which perturb skips). That process reads the database
    file itself when `con` can let it go (`connect(..., detachable=True)`), else a copy
    made first; what it writes does not depend on how its source is laid out.
    Rendering straight into `target` (tests do) only checkpoints it.
    """
    with publishing(con, target):
        pass


@contextmanager
def publishing(con: duckdb.DuckDBPyConnection, target: Path) -> Iterator[None]:
    """`publish(con, target)`, while the body of the `with` reads from `con`.

    When `con` can let its file go (`detachable`), the publishing process reads the file
    at the same time as `con`, which has it back read-only meanwhile (DuckDB lets several
    processes read a file, none write it); else the copy is made after the body. Either
    way the body must not write to `con`. A body that fails waits for the publishing
    process and leaves no half-written `target`.
    """
    target = Path(target)
    name, path = con.execute("SELECT database_name, path FROM duckdb_databases() "
                             "WHERE database_name = current_database()").fetchone()
    if path and Path(path).resolve() == target.resolve():
        yield
        con.execute("CHECKPOINT")
        return
    for old in (target, target.with_name(target.name + ".wal")):
        old.unlink(missing_ok=True)
    if not detachable(con):
        yield
        _publish_copy(con, name, target)
        return
    detach(con)
    process = None
    try:
        con.execute(f"ATTACH '{_sql_path(path)}' AS \"{name}\" (READ_ONLY)")
        con.execute(f'USE "{name}"')
        process = _start_publish(Path(path), target)
        yield
    finally:
        err = process.communicate()[1] if process is not None else ""
        if process is None or process.returncode != 0:
            target.unlink(missing_ok=True)
        con.execute("USE memory")
        if con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?",
                       [name]).fetchone()[0]:
            con.execute(f'DETACH "{name}"')
        reattach(con, (name, path))
    _raise_if_failed(process, err, target)


def _publish_copy(con: duckdb.DuckDBPyConnection, name: str, target: Path) -> None:
    """Publish a database `con` cannot let go of (its own file, or in memory) from a copy."""
    with tempfile.TemporaryDirectory(prefix=".publish-", dir=target.parent) as folder:
        handoff = Path(folder) / "handoff.duckdb"
        con.execute(f"ATTACH '{_sql_path(handoff)}' AS publish_handoff")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO publish_handoff')
        finally:
            con.execute("DETACH publish_handoff")
        process = _start_publish(handoff, target)
        err = process.communicate()[1]
    if process.returncode != 0:
        target.unlink(missing_ok=True)
    _raise_if_failed(process, err, target)


def _raise_if_failed(process: subprocess.Popen, err: str, target: Path) -> None:
    if process.returncode != 0:
        raise RuntimeError(f"publishing {target.name} failed: {err.strip()[-2000:]}")


def _publish_env() -> dict[str, str]:
    return dict(os.environ, DUCKDB_JE_MALLOC_CONF="junk:alloc", MALLOC_PERTURB_="165",
                GLIBC_TUNABLES=":".join(filter(None, [os.environ.get("GLIBC_TUNABLES"),
                                                       "glibc.malloc.tcache_count=0"])))


def _start_publish(source: Path, target: Path) -> subprocess.Popen:
    from .workers import die_with_parent  # a killed build must not leave it running

    return subprocess.Popen([sys.executable, "-c", _PUBLISH_SCRIPT, str(source), str(target)],
                            env=_publish_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=die_with_parent)


def _sql_path(path: Path | str) -> str:
    return Path(path).as_posix().replace("'", "''")


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts (DECIMAL stays Decimal)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
