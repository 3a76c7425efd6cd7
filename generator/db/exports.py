"""Files the publishing process writes from the published database besides it (`publish`):
the Parquet parts, and in an incremental build the bulk CSV and JSON parts that changed.
Each function here is self-contained: its source is put into the publishing process's
script, which imports nothing of the generator."""

from __future__ import annotations

# One Parquet file to write: (table, WHERE clause or None for the table whole, file name
# under the Parquet folder, whether to leave it out when it would hold no row).
ParquetPart = tuple[str, str | None, str, bool]


def write_parquet_parts(con, database: str, folder: str, parts: list, in_order: bool) -> None:
    """Write each of `parts` (`ParquetPart`) of the tables of `database` into `folder`,
    its rows in doc_id order (`in_order`: a plain scan gives that order). Run by the
    publishing process too (its source is put into the script's text)."""
    import os

    keyed = {table for (table,) in con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE database_name = ? AND column_name = 'doc_id'",
        [database.strip('"')]).fetchall()}
    for table, where, name, optional in parts:
        source = f'{database}."{table}" {where or ""}'
        if optional and not con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]:
            continue
        order = "" if in_order else " ORDER BY " + (
            "doc_id NULLS LAST, rowid" if table in keyed else "rowid")
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        quoted_path = path.replace("'", "''")
        con.execute(f"COPY (SELECT * FROM {source}{order}) TO '{quoted_path}' (FORMAT parquet)")


# One file of the bulk CSV and JSON parts to write (`render.downloads`): [its path under
# the folder, the query of its rows, the COPY options, the text that opens it before the
# JSON array of its rows (None: a CSV, as COPY writes it), the query that counts its rows
# (None: written even when it holds none)].
Copy = list


def write_copies(con, folder: str, copies: list, claims: str | None = None,
                 backwards: bool = False) -> None:
    """Write each of `copies` (`Copy`) into `folder`, from the database `con` uses. Run by
    the publishing process too (its source is put into the script's text). `claims`: a
    folder where each copy is claimed first (a file named by its place in `copies`,
    made only if none is there): two processes share the work, each writes a copy the
    other has not claimed; `backwards`: from the last."""
    import os

    order = range(len(copies) - 1, -1, -1) if backwards else range(len(copies))
    for n in order:
        rel, query, options, head, count = copies[n]
        if claims is not None:
            try:
                os.close(os.open(os.path.join(claims, str(n)), os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
        if count is not None and not con.execute(count).fetchone()[0]:
            continue
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        into = path if head is None else os.path.join(os.path.dirname(path),
                                                        f".{os.path.basename(path)}.rows")
        if os.path.lexists(into):  # never written into: it may be a link to a served file
            os.unlink(into)
        try:
            con.execute(f"COPY ({query}) TO '{into.replace(chr(39), chr(39) * 2)}' ({options})")
            if head is not None:
                wrap_json_rows(into, path, head.encode("utf-8"))
        finally:
            if head is not None and os.path.exists(into):
                os.unlink(into)


# DuckDB's JSON array: `[\n\t{…},\n\t{…}\n]\n`; of no row, this.
EMPTY_ARRAY = b"[\n\t\n]\n"


def wrap_json_rows(rows_file: str, target: str, head: bytes) -> None:
    """The new file `target`: `head`, then the JSON array DuckDB wrote into `rows_file` (a
    line per row; `[]` for none), then the `}` that closes what `head` opens. The rows
    are copied by the kernel (`copy_file_range`), or, where it cannot, read and written."""
    import os

    def write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]

    size = os.stat(rows_file).st_size
    if os.path.lexists(target):
        os.unlink(target)
    with open(rows_file, "rb") as rows:
        empty = size <= len(EMPTY_ARRAY) and rows.read() == EMPTY_ARRAY
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            write_all(out, head + (b"[]}\n" if empty else b""))
            if empty:
                return
            done, src, size = 0, rows.fileno(), size - 2  # all but the array's closing "]\n"
            try:
                while done < size:
                    sent = os.copy_file_range(src, out, size - done, done)
                    if not sent:
                        raise OSError("copy_file_range copied nothing")
                    done += sent
            except OSError:
                while done < size and (chunk := os.pread(src, min(1 << 20, size - done), done)):
                    write_all(out, chunk)
                    done += len(chunk)
            write_all(out, b"]}\n")
        finally:
            os.close(out)
