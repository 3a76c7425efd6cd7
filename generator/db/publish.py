"""The download `data/budget.duckdb`: a copy of the working database whose bytes depend
only on its content, written by another process (`publish`, `publishing`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .load import DOC_ORDER_SQL
from .schema import _sql_path

# Run by `publish` in a fresh Python process: argv = handoff database, target file and,
# optionally, the folder of the Parquet exports.
_PUBLISH_SCRIPT = """
import sys
DOC_ORDER_SQL = DOC_ORDER_SQL_HERE
import duckdb
source, target, *parquet = (p.replace("'", "''") for p in sys.argv[1:])
con = duckdb.connect()
con.execute("SET threads = 1")
con.execute("SET memory_limit = '200MB'")  # 600 MB without, for a province; same bytes every run
con.execute("SET disabled_compression_methods = 'fsst'")
con.execute(f"ATTACH '{source}' AS source (READ_ONLY)")
con.execute(f"ATTACH '{target}' AS published (STORAGE_VERSION 'v1.0.0')")
con.execute("COPY FROM DATABASE source TO published (SCHEMA)")
tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'source' "
                     "ORDER BY table_name").fetchall()
# Rows loaded in doc_id order (a clean build's) are copied as they stand: no sort.
ordered = con.execute(DOC_ORDER_SQL.format(documents="source.documents")).fetchone()[0]
for (table,) in tables:
    columns = [r[0] for r in con.execute(f'DESCRIBE source."{table}"').fetchall()]
    order = "doc_id NULLS LAST, rowid" if "doc_id" in columns else "rowid"
    con.execute(f'INSERT INTO published."{table}" SELECT * FROM source."{table}"'
                + ("" if ordered else f" ORDER BY {order}"))
con.execute("DETACH published")
if parquet:
    con.execute(f"ATTACH '{target}' AS published (READ_ONLY)")
    for (table,) in tables:
        con.execute(f"COPY published.\\"{table}\\" TO '{parquet[0]}/{table}.parquet' (FORMAT parquet)")
""".replace("DOC_ORDER_SQL_HERE", repr(DOC_ORDER_SQL))


def _current(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    """The name of the database `con` uses and its file (None or '': in memory)."""
    return con.execute("SELECT database_name, path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()


def _remove_database_file(target: Path) -> None:
    """Delete the database file `target` and its write-ahead log, if there."""
    for old in (target, target.with_name(target.name + ".wal")):
        old.unlink(missing_ok=True)


def detachable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` works on a database file it can let go of (`detach`)."""
    path = _current(con)[1]
    return bool(path) and bool(con.execute(
        "SELECT count(*) FROM duckdb_databases() "
        "WHERE database_name = 'memory' AND path IS NULL").fetchone()[0])


def detach(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """Let go of the database file of `con` (opened with `connect(..., detachable=True)`),
    checkpointed, so that other processes can open it; returns what `reattach` needs, or
    None when `con` cannot let it go (its own file, or in memory)."""
    if not detachable(con):
        return None
    name, path = _current(con)
    con.execute("CHECKPOINT")
    con.execute("USE memory")
    con.execute(f'DETACH "{name}"')
    return name, path


def reattach(con: duckdb.DuckDBPyConnection, handle: tuple[str, str]) -> None:
    """Take back the database file `detach` let go of."""
    name, path = handle
    con.execute(f"ATTACH '{_sql_path(path)}' AS \"{name}\"")
    con.execute(f'USE "{name}"')


def publish(con: duckdb.DuckDBPyConnection, target: Path, parquet: Path | None = None) -> None:
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
    made first; what it writes does not depend on how its source is laid out: each table's
    rows are copied in doc_id order (the issues of unparsed files last), each document's
    in the order they were loaded, so a database whose changed documents were loaded
    again after the others (an incremental build's) publishes as a clean build's does.
    Rendering straight into `target` (tests do) only checkpoints it.

    With `parquet` (a folder), every table is also written there as `<table>.parquet`, read
    back from the published file: DuckDB's Parquet writer encodes a column as the table's
    storage hands it over (of a table some of whose rows an incremental build deleted,
    differently), and the published file's storage is the same for the same content. The
    publishing process does it by one thread within its memory limit, rather than the
    renderer holding a fresh copy of each table beside its own data.
    """
    with publishing(con, target, parquet):
        pass


@contextmanager
def publishing(con: duckdb.DuckDBPyConnection, target: Path,
               parquet: Path | None = None) -> Iterator[None]:
    """`publish(con, target, parquet)`, while the body of the `with` reads from `con`.

    When `con` can let its file go (`detachable`), the publishing process reads the file
    at the same time as `con`, which has it back read-only meanwhile (DuckDB lets several
    processes read a file, none write it); else the copy is made after the body. Either
    way the body must not write to `con`. A body that fails waits for the publishing
    process and leaves no half-written `target`.
    """
    target = Path(target)
    name, path = _current(con)
    if path and Path(path).resolve() == target.resolve():
        yield
        con.execute("CHECKPOINT")
        if parquet is not None:
            _write_parquet_here(con, parquet)
        return
    _remove_database_file(target)
    if not detachable(con):
        yield
        _publish_copy(con, name, target, parquet)
        return
    detach(con)
    process = None
    try:
        con.execute(f"ATTACH '{_sql_path(path)}' AS \"{name}\" (READ_ONLY)")
        con.execute(f'USE "{name}"')
        process = _start_publish(Path(path), target, parquet)
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


class Started:
    """A publishing process started ahead (`start_publishing`): it writes the download and
    the Parquet exports into a folder of its own, from a copy of the database."""

    def __init__(self, folder: Path, process: subprocess.Popen):
        self.folder, self.process = folder, process

    def finish(self, target: Path, parquet: Path) -> None:
        """Wait for it, then move what it wrote to `target` and into the folder `parquet`."""
        err = self.process.communicate()[1]
        try:
            _raise_if_failed(self.process, err, target)
            _remove_database_file(target)
            os.replace(self.folder / "budget.duckdb", target)
            parquet.mkdir(parents=True, exist_ok=True)
            for path in sorted((self.folder / "parquet").iterdir()):
                os.replace(path, parquet / path.name)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def cancel(self) -> None:
        """Not needed after all (or the build failed): stop it, delete what it wrote."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_publishing(con: duckdb.DuckDBPyConnection) -> Started | None:
    """Start publishing the database file of `con` (`publish`) now, into a new folder
    beside the file (its `budget.duckdb` and `parquet/`), from a checkpointed copy, so
    that `con` goes on as it is (rendering from it) while another process publishes;
    `Started.finish` puts the files in place. None when `con` has no file of its own to
    copy (in memory); then `publishing` does it."""
    if not detachable(con):
        return None
    path = _current(con)[1]
    con.execute("CHECKPOINT")
    folder = Path(tempfile.mkdtemp(prefix=".publish-", dir=Path(path).parent))
    (folder / "parquet").mkdir()
    shutil.copyfile(path, folder / "source.duckdb")
    return Started(folder, _start_publish(folder / "source.duckdb", folder / "budget.duckdb",
                                          folder / "parquet"))


def _write_parquet_here(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The Parquet exports of a database published as it is (its own file)."""
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                "current_database() ORDER BY table_name").fetchall():
        columns = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
        order = "doc_id NULLS LAST, rowid" if "doc_id" in columns else "rowid"
        con.execute(f'COPY (SELECT * FROM "{table}" ORDER BY {order}) '
                    f"TO '{_sql_path(folder / table)}.parquet' (FORMAT parquet)")


def _publish_copy(con: duckdb.DuckDBPyConnection, name: str, target: Path,
                  parquet: Path | None = None) -> None:
    """Publish a database `con` cannot let go of (its own file, or in memory) from a copy."""
    with tempfile.TemporaryDirectory(prefix=".publish-", dir=target.parent) as folder:
        handoff = Path(folder) / "handoff.duckdb"
        con.execute(f"ATTACH '{_sql_path(handoff)}' AS publish_handoff")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO publish_handoff')
        finally:
            con.execute("DETACH publish_handoff")
        process = _start_publish(handoff, target, parquet)
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


def _start_publish(source: Path, target: Path, parquet: Path | None) -> subprocess.Popen:
    from ..workers import die_with_parent  # a killed build must not leave it running

    args = [str(source), str(target)] + ([str(parquet)] if parquet is not None else [])
    return subprocess.Popen([sys.executable, "-c", _PUBLISH_SCRIPT, *args],
                            env=_publish_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=die_with_parent)
