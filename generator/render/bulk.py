"""The whole-site exports of each table as folders of parts, `data/<format>/<table>/
part-NNNN.<ext>` (Parquet, CSV, JSON), and the documents' own table CSVs zipped by the same
parts, `data/tables-csv/part-NNNN.zip`.

A table's rows stand in doc_id order (the issues of unparsed files last). A part holds the
rows of a run of doc_ids in that order (a "chunk"), about `PART_DOCS` documents: a doc_id
begins a new chunk when its hash says so, so adding or removing a document changes its own
chunk (and the one before, if it begins one), never where the others begin; the rows of no
document are a last part, written when there are some. A table of fewer than
`PART_MIN_ROWS` rows (or without a doc_id) is one part, written every build. A chunk's key
names the generator version and config (`incremental.SiteInputs.settings`), DuckDB's
version, and the doc_ids of its documents with each one's input key (its sources' bytes
and path: a document's rows in the database depend on nothing else); a part's key adds its
format and table. A build writes the parts whose key the last build's files do not have
(`bulkstore`: all of them in a clean build) and hard-links the others from there, so a
one-document change writes one part of each table, with the bytes a clean build writes.

Each part is a small query (the rows of some hundreds of documents), so DuckDB never holds
a whole table's export in memory, and its memory is capped meanwhile (`EXPORT_MEMORY`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import db
from ..cachefile import generator_version
from ..config import Config
from ..incremental import cache_dir, config_key, digest
from ..links import link
from .bulkstore import PartStore

# Documents per part, on average (a chunk's size varies: at 2,000 documents from 2 to 174).
# An edit writes again its chunk's part of every table: at 2,000 documents, a chunk of 146
# documents costs 0.79 CPU-s of CSV and JSON exports, one of 24 0.34; parts of 256 documents
# average 300 documents for the document edited, of 64, 96. A clean build's Parquet costs
# more in smaller parts (2,000 documents: one file per table 1.70 CPU-s, parts of 256
# 1.98, of 64 3.1), an edit's less.
PART_DOCS = 64
# A table of fewer rows is one part, written every build (parts would cost more).
PART_MIN_ROWS = 10_000
PART_FORMAT = "3"  # change when a part's bytes change for the same rows
EXPORT_MEMORY = "300MB"


@dataclass
class Chunk:
    """The rows of doc_ids from `first` up to (not including) `next` (None: to the last);
    `first` None: from the smallest; `nulls`: the rows without a doc_id (the issues of
    sources that could not be parsed: no input key says what they are, so their part is
    written every time, `key` None). `docs`: its doc_ids."""

    key: str | None
    first: str | None = None
    next: str | None = None
    nulls: bool = False
    docs: list[str] = field(default_factory=list)

    def where(self) -> str:
        if self.nulls:
            return "WHERE doc_id IS NULL"
        bounds = ["doc_id IS NOT NULL"]
        if self.first is not None:
            bounds.append(f"doc_id >= {_literal(self.first)}")
        if self.next is not None:
            bounds.append(f"doc_id < {_literal(self.next)}")
        return "WHERE " + " AND ".join(bounds)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def cache_folder(config: Config) -> Path:
    """Where the build records the parts it wrote (`bulkstore`)."""
    return cache_dir(config) / "bulk"


def settings_key(config: Config) -> str:
    """What the rows of every document depend on beside its sources: the generator's version
    and the config (`incremental.SiteInputs.settings`)."""
    return digest(generator_version(), config_key(config))


def starts_chunk(doc_id: str, docs: int) -> bool:
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:4], "big") % docs == 0


def chunks(doc_keys: dict[str, str], settings: str, docs: int | None = None) -> list[Chunk]:
    """The chunks of the documents `doc_keys` (doc_id → input key), in doc_id order (as
    DuckDB orders text: by its UTF-8 bytes), about `docs` documents each (default
    `PART_DOCS`), then the rows without a doc_id."""
    docs = docs or PART_DOCS
    groups: list[list[str]] = []
    for doc_id in sorted(doc_keys, key=lambda d: d.encode("utf-8")):
        if not groups or starts_chunk(doc_id, docs):
            groups.append([])
        groups[-1].append(doc_id)
    out = []
    for n, group in enumerate(groups):
        following = groups[n + 1][0] if n + 1 < len(groups) else None
        key = digest(PART_FORMAT, settings, db.ENGINE_VERSION, *(f"{d}\t{doc_keys[d]}" for d in group))
        out.append(Chunk(key, group[0] if n else None, following, docs=group))
    out.append(Chunk(None, nulls=True))
    return out


@dataclass(frozen=True)
class Part:
    """One file of a table's export: `name` under the format's folder without its
    extension (`<table>/part-NNNN`), the WHERE clause of its rows (None: the table whole),
    whether it is left out when it holds no row (the rows of no document), and its chunk's
    key (None: written every build)."""

    table: str
    name: str
    where: str | None
    optional: bool
    key: str | None


def table_parts(con, doc_chunks: list[Chunk]) -> list[Part]:
    """The parts of every table of `con`, in table order then part order."""
    keyed = {table for (table,) in con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND column_name = 'doc_id'").fetchall()}
    out = []
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                "current_database() ORDER BY table_name").fetchall():
        if table not in keyed or con.execute(
                f'SELECT count(*) FROM "{table}"').fetchone()[0] < PART_MIN_ROWS:
            out.append(Part(table, f"{table}/part-0000", None, False, None))
            continue
        out += [Part(table, f"{table}/part-{n:04d}", chunk.where(), chunk.key is None, chunk.key)
                for n, chunk in enumerate(doc_chunks)]
    return out


@dataclass
class PartPlan:
    """The parts of one format under `folder` (`data/parquet`, …): those to write, those
    to link from the last build (file name under `folder`, the last build's file), and the
    key of each keyed part (file name → key)."""

    folder: str
    write: list[tuple[Part, str]] = field(default_factory=list)
    link: list[tuple[str, Path]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)

    def place(self, out_dir: Path, store: PartStore) -> None:
        """Link the unchanged parts under `out_dir` (the written ones are there) and record
        every keyed part in `store`."""
        link_files(out_dir / self.folder, self.link)
        for name, key in self.keys.items():
            store.record_file(f"{self.folder}/{name}", out_dir / self.folder / name, key=key)


def plan(parts: list[Part], folder: str, ext: str, store: PartStore) -> PartPlan:
    """Which of `parts` to write as `<name>.<ext>` under `folder` and which to link from
    the last build's (`store`)."""
    before = store.keyed_files(folder)
    out = PartPlan(folder)
    for part in parts:
        name = f"{part.name}.{ext}"
        if part.key is None:
            out.write.append((part, name))
            continue
        out.keys[name] = key = digest(part.key, ext, part.table)
        if key in before:
            out.link.append((name, before[key]))
        else:
            out.write.append((part, name))
    return out


def link_files(folder: Path, links: list[tuple[str, Path]]) -> None:
    """Hard-link each (name, file) as `folder / name` (`links.link`: a copy across file
    systems), in place of any file there."""
    made: set[str] = set()
    for name, previous in links:
        target = os.path.join(folder, name)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if os.path.lexists(target):  # never written into: it may be the served site's file
            os.unlink(target)
        link(previous, target)


@contextmanager
def capped_memory(con) -> Iterator[None]:
    """DuckDB's memory limited to `EXPORT_MEMORY` meanwhile: the table blocks it has read
    for one part are let go for the next instead of piling up (by default it keeps them
    up to most of the machine's memory)."""
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{EXPORT_MEMORY}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{before}'")


def copy_rows(con, query: str, copy_options: str, path: Path) -> None:
    """DuckDB's COPY of `query` into a new file `path` (a file there is replaced, never
    written into: it may be a link to the site being served)."""
    path.unlink(missing_ok=True)
    con.execute(f"COPY ({query}) TO '{_sql_path(path)}' ({copy_options})")


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")
