"""The bulk exports `data/csv/<table>.csv` and `data/json/<table>.json`, assembled from
parts by group of documents ("chunks") that are kept between builds.

A table's rows stand in doc_id order (the issues of unparsed files last), so its export is
the concatenation of each chunk's rows between a head and a tail. A chunk is a run of
doc_ids in that order; a doc_id begins a new one when its hash says so (about one in
`PART_DOCS`), so adding or removing a document changes its own chunk (and the one
before, if it begins one), never where the others begin. A part is keyed on the export format, the generator version and config
(`incremental.SiteInputs.settings`), and the doc_ids of its chunk with each one's input key
(its sources' bytes and path: a document's rows in the database depend on nothing else).
A build exports only the chunks whose part the last build's file does not hold
(`bulkstore`: all of them in a clean build) and copies the rest from there: a
one-document change exports one part of each table, with the same bytes as a clean build.

Each part is a small query (the rows of some dozens of documents, sorted there), so DuckDB
never holds a whole table's export in memory, and its memory is capped meanwhile
(`EXPORT_MEMORY`): the blocks of the database it has read are let go again.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import db
from ..cachefile import generator_version
from ..config import Config
from ..incremental import cache_dir, config_key, digest
from .bulkstore import Deflated, PartStore, Span

# Documents per chunk, on average (the share of a table a one-document change exports again).
PART_DOCS = 64
# A table of fewer rows is exported whole every build (a part per chunk would cost more).
PART_MIN_ROWS = 10_000
PART_FORMAT = "2"  # change when a part's bytes change for the same rows
EXPORT_MEMORY = "300MB"
COPY_CHUNK = 1 << 20


@dataclass
class Chunk:
    """The rows of doc_ids from `first` up to (not including) `next` (None: to the last);
    `first` None: from the smallest; `nulls`: the rows without a doc_id (the issues of
    sources that could not be parsed: no input key says what they are, so their part is
    written every time, `key` None)."""

    key: str | None
    first: str | None = None
    next: str | None = None
    nulls: bool = False

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
    """Where the build records the layout of its bulk files (`bulkstore`)."""
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
        out.append(Chunk(key, group[0] if n else None, following))
    out.append(Chunk(None, nulls=True))
    return out


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


def write_parted(con, select: str, order: str, copy_options: str, target: Path, rel: str,
                 head: bytes, tail: bytes, parts: list[Chunk] | None, store: PartStore | None,
                 kind: str, deflate: list[tuple[str | None, Deflated]] | None = None,
                 framing: Framing | None = None) -> None:
    """`target` (at `rel` in the output) = `head` + the rows of `select` (`SELECT … FROM
    <table>`, to which each part's WHERE and then `order` are added) as DuckDB's COPY
    writes them with `copy_options` + `tail`; with `framing`, of each part only what lies
    inside its frame, the parts' rows joined by the frame's separator. One part per chunk
    of `parts` (those the last build's file holds, under keys that name `kind`, copied
    from there: `store`), or, `parts` None, the table whole. With `deflate` (and no
    `framing`), the pieces of `target` deflated (the last build's zip holds those of the
    parts copied) are put in that list with their keys, in order: the zip member of
    `target` is made of them (`zipreuse.add_deflated`)."""
    before = store.spans(rel) if store is not None and parts is not None else {}
    scratch = target.with_name(f".{target.name}.rows")
    pieces: list[tuple[str | None, Span]] = []
    exported: list[Path] = []  # deleted once assembled (only these: a province has ~1,200 parts)
    try:
        for n, chunk in enumerate(parts or [None]):
            key = digest(chunk.key, kind) if chunk is not None and chunk.key is not None else None
            span = before.get(key) if key is not None else None
            if span is None:
                path = scratch.with_name(f"{scratch.name}{n}")
                exported.append(path)
                _copy_rows(con, f"{select} {chunk.where() if chunk else ''} {order}", copy_options, path)
                span = _framed(path, framing)
            pieces.append((key, span))
        if deflate is not None:
            assert framing is None
            deflate += _deflated_pieces(store, rel, head, pieces)
        offsets = assemble(target, head, [span for _, span in pieces], tail, framing)
        if store is not None and parts is not None:
            store.record(rel, target, [(key, offset, span.length) for (key, span), offset
                                       in zip(pieces, offsets) if key is not None])
    finally:
        for path in exported:
            path.unlink(missing_ok=True)


def _framed(path: Path, framing: Framing | None) -> Span:
    """The rows of the part in the file `path`: all of it, or what lies inside its frame."""
    size = path.stat().st_size
    if framing is None:
        return Span(path, 0, size)
    if size <= len(framing.empty) and path.read_bytes() == framing.empty:
        return Span(path, 0, 0)
    return Span(path, framing.lead, size - framing.lead - framing.trail)


def _deflated_pieces(store: PartStore | None, rel: str, head: bytes,
                     pieces: list[tuple[str | None, Span]]) -> list[tuple[str | None, Deflated]]:
    """The head and each part deflated on its own: the last build's zip holds those of the
    parts it kept (`store`), the others are deflated here."""
    zipped = store.deflated(ZIP_REL, csv_member(rel)) if store is not None else {}
    out: list[tuple[str | None, Deflated]] = [(None, deflated(head))]
    for key, span in pieces:
        kept = zipped.get(key) if key is not None else None
        out.append((key, kept if kept is not None else deflated(span.read())))
    return out


ZIP_REL = "data/tables-csv.zip"


def csv_member(rel: str) -> str:
    """The zip member of the bulk CSV at `rel` (`data/csv/<table>.csv`)."""
    return f"database/{rel.rsplit('/', 1)[-1]}"


@dataclass(frozen=True)
class Framing:
    """What wraps the rows in each part as DuckDB writes it: `lead` bytes before them,
    `trail` after, `empty` the whole of a part without rows; the rows of consecutive parts
    are joined by `separator`. (DuckDB's JSON array: `[\n\t{…},\n\t{…}\n]\n`.)"""

    lead: int
    trail: int
    empty: bytes
    separator: bytes


JSON_ARRAY = Framing(lead=2, trail=3, empty=b"[\n\t\n]\n", separator=b",\n")


def deflated(data: bytes) -> Deflated:
    """`data` deflated (level 1) on its own, ending on a byte boundary with nothing
    pending: such pieces follow one another in one deflate stream (none refers back into
    another), which `DEFLATE_END` ends."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(data), len(data),
                    compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH))


DEFLATE_END = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty final block


def _copy_rows(con, query: str, copy_options: str, path: Path) -> None:
    con.execute(f"COPY ({query}) TO '{_sql_path(path)}' ({copy_options})")


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def assemble(target: Path, head: bytes, spans: list[Span], tail: bytes,
             framing: Framing | None = None) -> list[int]:
    """`target` = `head` + the `spans` one after the other (with `framing`, joined by its
    separator) + `tail`; the kernel copies them (`copy_file_range`). Returns where each
    span's bytes begin in `target`. A file there is replaced, never written into (it may be
    a link to the site being served)."""
    target.unlink(missing_ok=True)
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    offsets = []
    try:
        _write_all(out, head)
        position, first = len(head), True
        for span in spans:
            if span.length and framing is not None and not first:
                _write_all(out, framing.separator)
                position += len(framing.separator)
            first = first and not span.length
            offsets.append(position)
            if span.length:
                src = os.open(span.path, os.O_RDONLY)
                try:
                    _copy(src, out, span.offset, span.length)
                finally:
                    os.close(src)
                position += span.length
        _write_all(out, tail)
    finally:
        os.close(out)
    return offsets


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy(src: int, out: int, start: int, size: int) -> None:
    """`size` bytes of `src` from `start` appended to `out`."""
    left = size
    try:
        while left > 0:
            sent = os.copy_file_range(src, out, left, start + size - left)
            if not sent:
                raise OSError("copy_file_range copied nothing")
            left -= sent
    except OSError:  # a file system or kernel without it: read and write
        while left > 0 and (chunk := os.pread(src, min(COPY_CHUNK, left), start + size - left)):
            _write_all(out, chunk)
            left -= len(chunk)


def json_head(name: str, head: dict) -> str:
    return json.dumps({"table": name} | head, ensure_ascii=False)[:-1] + ', "rows": '
