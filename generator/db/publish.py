"""The download `data/budget.duckdb`: a copy of the working database whose bytes depend
only on its content, written by another process (`publish`, `publishing`)."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .exports import (
    EMPTY_ARRAY,
    Copy,
    ParquetPart,
    wrap_json_rows,
    write_copies,
    write_parquet_parts,
)
from .load import DOC_ORDER_SQL
from .schema import _sql_path

# Run by `publish` in a fresh Python process: argv = a JSON object: `source` (handoff
# database), `target` (the download), optionally `parquet` (the folder of the Parquet
# exports), `base` (the last build's download, to update rather than write anew) and
# `replace` (the doc_ids whose rows `base` holds no longer, or holds as they were).
_PUBLISH_SCRIPT = """
import json, shutil, sys
DOC_ORDER_SQL = DOC_ORDER_SQL_HERE
import duckdb
spec = json.loads(sys.argv[1])
quoted = lambda p: p.replace("'", "''")
con = duckdb.connect()
con.execute("SET threads = 1")
con.execute("SET memory_limit = '200MB'")  # 600 MB without, for a province; same bytes every run
con.execute("SET disabled_compression_methods = 'fsst'")
con.execute(f"ATTACH '{quoted(spec['source'])}' AS source (READ_ONLY)")
tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'source' "
                     "ORDER BY table_name").fetchall()
columns = {t: [r[0] for r in con.execute(f'DESCRIBE source."{t}"').fetchall()] for (t,) in tables}
order = {t: "doc_id NULLS LAST, rowid" if "doc_id" in columns[t] else "rowid" for (t,) in tables}
if spec.get("base"):
    # An incremental build's: an earlier build's file (a copy, or the spare's own, moved
    # here), its replaced documents' rows deleted, their new ones (the handoff holds those
    # alone) inserted.
    if spec["base"] != spec["target"]:
        shutil.copyfile(spec["base"], spec["target"])
    con.execute(f"ATTACH '{quoted(spec['target'])}' AS published")
    con.execute("CREATE TEMP TABLE replaced AS SELECT unnest(?::VARCHAR[]) AS doc_id",
                [spec["replace"]])
    for (table,) in tables:
        where = (" WHERE doc_id IS NULL OR doc_id IN (SELECT doc_id FROM replaced)"
                 if "doc_id" in columns[table] else "")
        con.execute(f'DELETE FROM published."{table}"{where}')
        con.execute(f'INSERT INTO published."{table}" SELECT * FROM source."{table}"{where} '
                    f"ORDER BY {order[table]}")
    con.execute("CHECKPOINT published")
else:
    con.execute(f"ATTACH '{quoted(spec['target'])}' AS published (STORAGE_VERSION 'v1.0.0')")
    con.execute("COPY FROM DATABASE source TO published (SCHEMA)")
    # Rows loaded in doc_id order (a clean build's) are copied as they stand: no sort.
    ordered = con.execute(DOC_ORDER_SQL.format(documents="source.documents")).fetchone()[0]
    for (table,) in tables:
        con.execute(f'INSERT INTO published."{table}" SELECT * FROM source."{table}"'
                    + ("" if ordered else f" ORDER BY {order[table]}"))
con.execute("DETACH published")
if spec.get("parquet") or spec.get("exports"):
    con.execute(f"ATTACH '{quoted(spec['target'])}' AS published (READ_ONLY)")
if spec.get("parquet"):
    in_order = con.execute(DOC_ORDER_SQL.format(documents="published.documents")).fetchone()[0]
    write_parquet_parts(con, "published", spec["parquet"], spec["parts"], in_order)
if spec.get("exports"):
    # The copies to write come in a file, once the build has planned them: it closes this
    # process's input when the file is there (or when it wants none).
    sys.stdin.read()
    try:
        with open(spec["copies"], encoding="utf-8") as f:
            copies = json.load(f)
    except FileNotFoundError:
        copies = []
    con.execute("USE published")
    con.execute("SET threads = 2")  # (the render process is done with its pages, or nearly)
    write_copies(con, spec["exports"], copies, spec["claims"])
""".replace("DOC_ORDER_SQL_HERE", repr(DOC_ORDER_SQL))


_PUBLISH_SCRIPT = _PUBLISH_SCRIPT.replace("import duckdb\n", "import duckdb\n" + "\n".join(
    inspect.getsource(f) for f in (write_parquet_parts, write_copies, wrap_json_rows))
    + f"\nEMPTY_ARRAY = {EMPTY_ARRAY!r}\n", 1)


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


def publish(con: duckdb.DuckDBPyConnection, target: Path, parquet: Path | None = None,
            parts: list[ParquetPart] | None = None) -> None:
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

    With `parquet` (a folder), the `parts` (`ParquetPart`: a table, whole or the rows of
    some documents) are also written there, read back from the published file: DuckDB's
    Parquet writer encodes a column as the table's storage hands it over (of a table some
    of whose rows an incremental build deleted, differently), and the published file's
    storage is the same for the same content. The publishing process does it by one
    thread within its memory limit, rather than the renderer holding a fresh copy of each
    table beside its own data.
    """
    with publishing(con, target, parquet, parts):
        pass


@contextmanager
def publishing(con: duckdb.DuckDBPyConnection, target: Path, parquet: Path | None = None,
               parts: list[ParquetPart] | None = None) -> Iterator[None]:
    """`publish(con, target, parquet, parts)`, while the body of the `with` reads from `con`.

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
            write_parquet_parts(con, f'"{name}"', str(parquet), parts or [], False)
        return
    _remove_database_file(target)
    if not detachable(con):
        yield
        _publish_copy(con, name, target, parquet, parts)
        return
    detach(con)
    process = None
    try:
        con.execute(f"ATTACH '{_sql_path(path)}' AS \"{name}\" (READ_ONLY)")
        con.execute(f'USE "{name}"')
        process = _start_publish(_spec(Path(path), target, parquet, parts))
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
        self.copies: list[Copy] = []

    def finish(self, target: Path, parquet: Path, copies: Path | None = None) -> list[str]:
        """Wait for it, then move what it wrote to `target`, into the folder `parquet` and,
        if it was given `Copy`s to write, into the folder `copies`; returns the paths of
        those it wrote under `copies` (one of no row may have been left out)."""
        err = self.process.communicate()[1]
        moved: dict[str, list[str]] = {"parquet": [], "copies": []}
        try:
            _raise_if_failed(self.process, err, target)
            _remove_database_file(target)
            os.replace(self.folder / "budget.duckdb", target)
            for name, into in (("parquet", parquet), ("copies", copies)):
                written = self.folder / name
                for path in sorted(p for p in written.rglob("*") if p.is_file()):
                    rel = path.relative_to(written)
                    (into / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, into / rel)  # (a file there is replaced, never written into)
                    moved[name].append(rel.as_posix())
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return moved["copies"]

    def give_copies(self, copies: list[Copy]) -> None:
        """The `Copy`s for the process to write once it has published (it waits for them;
        none are written if this is not called before `finish`); those it has not begun
        by the time this process has time for them, this one may write (`help_copies`)."""
        self.copies = copies
        scratch = self.folder / "copies.json.tmp"
        scratch.write_text(json.dumps(copies, ensure_ascii=False), encoding="utf-8")
        os.replace(scratch, self.folder / "copies.json")
        self.process.stdin.close()
        self.process.stdin = None  # (for `communicate`, which would flush it)

    def help_copies(self, con: duckdb.DuckDBPyConnection, folder: Path) -> None:
        """Write into `folder`, from `con`, the copies given (`give_copies`) that the
        publishing process has not claimed, from the last (`write_copies`): the build's
        two processes share them, each on its core."""
        write_copies(con, str(folder), self.copies, str(self.folder / "claims"), backwards=True)

    def cancel(self) -> None:
        """Not needed after all (or the build failed): stop it, delete what it wrote."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_publishing(con: duckdb.DuckDBPyConnection, base: Path | None = None,
                     replace: list[str] | None = None,
                     parts: list[ParquetPart] | None = None, in_place: bool = False,
                     copies: bool = False) -> Started | None:
    """Start publishing the database file of `con` (`publish`) now, into a new folder
    beside the file (its `budget.duckdb` and `parquet/`), so that `con` goes on as it is
    (rendering from it) while another process publishes; `Started.finish` puts the files
    in place. None when `con` has no file of its own (in memory); then `publishing` does it.

    With `base` (the last build's download) and `replace` (the doc_ids whose rows differ
    between `base` and `con`: changed, added or gone), the process updates a copy of
    `base`: deletes the rows of those documents and of no document, inserts their rows
    now. That file holds the rows a clean build's holds, not its bytes (DuckDB appends the
    new rows, and a row group's deleted rows stay until it is rewritten). The process gets
    the rows to insert alone (a small handoff file), else a checkpointed copy of `con`'s
    file to publish anew. `in_place`: `base` is free to be changed (not served): it is
    moved into the folder and updated there, not copied (a failed build deletes it).
    `copies`: the process then writes files of other formats from its file (the bulk CSV
    and JSON parts that changed: `write_copies`), on the second core while `con` renders
    the pages; they are given to it once planned (`Started.give_copies`: it starts first)."""
    if not detachable(con):
        return None
    path = _current(con)[1]
    folder = Path(tempfile.mkdtemp(prefix=".publish-", dir=Path(path).parent))
    (folder / "parquet").mkdir()
    source = folder / "source.duckdb"
    spec = _spec(source, folder / "budget.duckdb", folder / "parquet", parts)
    if copies:
        (folder / "copies").mkdir()
        (folder / "claims").mkdir()
        spec.update(exports=str(folder / "copies"), copies=str(folder / "copies.json"),
                    claims=str(folder / "claims"))
    if base is not None and replace is not None:
        _hand_off(con, source, replace)
        if in_place and _moved(base, folder / "budget.duckdb"):
            base = folder / "budget.duckdb"
        spec.update(base=str(base), replace=sorted(replace))
    else:
        con.execute("CHECKPOINT")
        shutil.copyfile(path, source)
    return Started(folder, _start_publish(spec))


def _moved(path: Path, target: Path) -> bool:
    try:
        os.rename(path, target)
    except OSError:  # another file system: copied instead
        return False
    return True


def _hand_off(con: duckdb.DuckDBPyConnection, handoff: Path, doc_ids: list[str]) -> None:
    """Write into a new database file `handoff` the rows of the documents `doc_ids` and
    of no document, and the tables without a doc_id whole, each in the order of a clean
    build."""
    name = _current(con)[0]
    con.execute(f"ATTACH '{_sql_path(handoff)}' AS publish_handoff")
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO publish_handoff (SCHEMA)')
        con.execute("CREATE TEMP TABLE publish_replaced AS SELECT unnest(?::VARCHAR[]) AS doc_id",
                    [sorted(doc_ids)])
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                                    "ORDER BY table_name", [name]).fetchall():
            columns = [r[0] for r in con.execute(f'DESCRIBE "{name}"."{table}"').fetchall()]
            where, order = ((" WHERE doc_id IS NULL OR doc_id IN (SELECT doc_id FROM publish_replaced)",
                             "doc_id NULLS LAST, rowid") if "doc_id" in columns else ("", "rowid"))
            con.execute(f'INSERT INTO publish_handoff."{table}" SELECT * FROM "{name}"."{table}"'
                        f"{where} ORDER BY {order}")
    finally:
        con.execute("DROP TABLE IF EXISTS publish_replaced")
        con.execute("DETACH publish_handoff")


def _publish_copy(con: duckdb.DuckDBPyConnection, name: str, target: Path,
                  parquet: Path | None = None, parts: list[ParquetPart] | None = None) -> None:
    """Publish a database `con` cannot let go of (its own file, or in memory) from a copy."""
    with tempfile.TemporaryDirectory(prefix=".publish-", dir=target.parent) as folder:
        handoff = Path(folder) / "handoff.duckdb"
        con.execute(f"ATTACH '{_sql_path(handoff)}' AS publish_handoff")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO publish_handoff')
        finally:
            con.execute("DETACH publish_handoff")
        process = _start_publish(_spec(handoff, target, parquet, parts))
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


def _spec(source: Path, target: Path, parquet: Path | None,
          parts: list[ParquetPart] | None) -> dict:
    """What the publishing process is told to do: publish `source` anew."""
    return {"source": str(source), "target": str(target)} | (
        {"parquet": str(parquet), "parts": parts or []} if parquet is not None else {})


def _start_publish(spec: dict) -> subprocess.Popen:
    from ..workers import die_with_parent  # a killed build must not leave it running

    return subprocess.Popen([sys.executable, "-c", _PUBLISH_SCRIPT, json.dumps(spec)],
                            env=_publish_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if spec.get("exports") else subprocess.DEVNULL,
                            text=True, preexec_fn=die_with_parent)
