"""The bulk exports `data/csv/<table>.csv` and `data/json/<table>.json`, assembled from
parts by group of documents ("chunks") that are kept between builds.

A table's rows stand in doc_id order (the issues of unparsed files last), so its export is
the concatenation of each chunk's rows between a head and a tail. A chunk is a run of
doc_ids in that order; a doc_id begins a new one when its hash says so (about one in
`PART_DOCS`), so adding or removing a document changes its own chunk (and the one
before, if it begins one), never where the others begin. A part is keyed on the export format, the generator version and config
(`incremental.SiteInputs.settings`), and the doc_ids of its chunk with each one's input key
(its sources' bytes and path: a document's rows in the database depend on nothing else).
A build exports only the chunks whose part is not kept (all of them in a clean build,
which writes but never reads the kept parts) and copies the rest: a one-document change
rewrites one part of each table plus the copies, with the same bytes as a clean build.

Each part is a small query (the rows of some dozens of documents, sorted there), so DuckDB
never holds a whole table's export in memory, and its memory is capped meanwhile
(`EXPORT_MEMORY`): the blocks of the database it has read are let go again.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import db
from ..cachefile import generator_version
from ..config import Config
from ..incremental import config_key, digest

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


def settings_key(config: Config) -> str:
    """What the rows of every document depend on beside its sources: the generator's version
    and the config (`incremental.SiteInputs.settings`)."""
    return digest(generator_version(), config_key(config))


def starts_chunk(doc_id: str) -> bool:
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:4], "big") % PART_DOCS == 0


def chunks(doc_keys: dict[str, str], settings: str) -> list[Chunk]:
    """The chunks of the documents `doc_keys` (doc_id → input key), in doc_id order (as
    DuckDB orders text: by its UTF-8 bytes), then the rows without a doc_id."""
    groups: list[list[str]] = []
    for doc_id in sorted(doc_keys, key=lambda d: d.encode("utf-8")):
        if not groups or starts_chunk(doc_id):
            groups.append([])
        groups[-1].append(doc_id)
    out = []
    for n, group in enumerate(groups):
        following = groups[n + 1][0] if n + 1 < len(groups) else None
        key = digest(PART_FORMAT, settings, db.ENGINE_VERSION, *(f"{d}\t{doc_keys[d]}" for d in group))
        out.append(Chunk(key, group[0] if n else None, following))
    out.append(Chunk(None, nulls=True))
    return out


class PartStore:
    """Kept parts: `<folder>/<key>.part`, each written whole under a temporary name first
    (a killed build leaves none half-written). `reuse=False` (a clean build) writes parts
    but reads none. `prune` removes those this build did not use."""

    def __init__(self, folder: Path, reuse: bool):
        self.folder = folder
        self.reuse = reuse
        self.used: set[str] = set()
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.part"

    def kept(self, key: str) -> Path | None:
        self.used.add(key)
        path = self.path(key)
        return path if self.reuse and path.is_file() else None

    @contextmanager
    def writing(self, key: str) -> Iterator[Path]:
        self.used.add(key)
        scratch = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            yield scratch
            os.replace(scratch, self.path(key))
        finally:
            scratch.unlink(missing_ok=True)

    def prune(self) -> None:
        for path in self.folder.iterdir():
            if path.suffix == ".part" and path.stem not in self.used:
                path.unlink(missing_ok=True)


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


def write_parted(con, select: str, order: str, copy_options: str, target: Path, head: bytes,
                 tail: bytes, parts: list[Chunk] | None, store: PartStore | None, kind: str,
                 deflate: list[Deflated] | None = None, framing: Framing | None = None) -> None:
    """`target` = `head` + the rows of `select` (`SELECT … FROM <table>`, to which each
    part's WHERE and then `order` are added) as DuckDB's COPY writes them with
    `copy_options` + `tail`; with `framing`, of each part only what lies inside its frame,
    the parts' rows joined by the frame's separator. One part per chunk of
    `parts` (kept by `store`, under keys that name `kind`), or, `parts` None, the table
    whole (nothing kept). With `deflate` (and no `framing`), the pieces of
    `target` deflated (`deflated`: the kept parts' are kept too) are put in that list, in
    order: the zip member of `target` is made of them (`zipreuse.add_deflated`)."""
    files = []
    scratch = target.with_name(f".{target.name}.rows")
    if deflate is not None:
        assert framing is None
        deflate.append(deflated(head))
    try:
        for n, chunk in enumerate(parts or [None]):
            if chunk is None or chunk.key is None:  # the table whole, or no key: not kept
                files.append(scratch.with_name(f"{scratch.name}{n}"))
                where = chunk.where() if chunk else ""
                _copy_rows(con, f"{select} {where} {order}", copy_options, files[-1])
                if deflate is not None:
                    deflate.append(deflated(files[-1].read_bytes()))
                continue
            key = digest(chunk.key, kind)
            kept = store.kept(key)
            if kept is None:
                with store.writing(key) as part:
                    _copy_rows(con, f"{select} {chunk.where()} {order}", copy_options, part)
                kept = store.path(key)
            files.append(kept)
            if deflate is not None:
                deflate.append(_kept_deflated(store, key, kept))
        assemble(target, head, files, tail, framing)
    finally:
        for path in files:
            if path.name.startswith(scratch.name):
                path.unlink(missing_ok=True)


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


@dataclass(frozen=True)
class Deflated:
    """A piece of a file deflated on its own (`deflated`): the CRC-32 and the length of
    the bytes it stands for, and its deflated bytes, or the kept file (`_kept_deflated`)
    holding them after its header (`KEPT_HEADER`: the CRC and the length), so that the zip
    member made of such pieces is written without reading the file it stands for."""

    crc: int
    size: int
    data: bytes | Path

    @property
    def compressed_size(self) -> int:
        if isinstance(self.data, bytes):
            return len(self.data)
        return self.data.stat().st_size - KEPT_HEADER.size


KEPT_HEADER = struct.Struct("<LQ")


def deflated(data: bytes) -> Deflated:
    """`data` deflated (level 1) on its own, ending on a byte boundary with nothing
    pending: such pieces follow one another in one deflate stream (none refers back into
    another), which `DEFLATE_END` ends."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(data), len(data),
                    compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH))


DEFLATE_END = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty final block


def _kept_deflated(store: PartStore, key: str, part: Path) -> Deflated:
    """The kept part `part` (under `key`) deflated, kept beside it (its CRC and length first)."""
    key = digest(key, "deflated", "crc")
    kept = store.kept(key)
    if kept is None:
        piece = deflated(part.read_bytes())
        with store.writing(key) as path:
            path.write_bytes(KEPT_HEADER.pack(piece.crc, piece.size) + piece.data)
        return piece
    with kept.open("rb") as f:
        crc, size = KEPT_HEADER.unpack(f.read(KEPT_HEADER.size))
    return Deflated(crc, size, kept)


def _copy_rows(con, query: str, copy_options: str, path: Path) -> None:
    con.execute(f"COPY ({query}) TO '{_sql_path(path)}' ({copy_options})")


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def assemble(target: Path, head: bytes, files: list[Path], tail: bytes,
             framing: Framing | None = None) -> None:
    """`target` = `head` + the `files` one after the other (with `framing`, the rows
    inside each one's frame, joined by its separator) + `tail`; the kernel copies the
    files (`copy_file_range`)."""
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        _write_all(out, head)
        first = True
        for path in files:
            src = os.open(path, os.O_RDONLY)
            try:
                start, size = 0, os.fstat(src).st_size
                if framing is not None:
                    if size <= len(framing.empty) and os.pread(src, size, 0) == framing.empty:
                        continue
                    start, size = framing.lead, size - framing.lead - framing.trail
                    if not first:
                        _write_all(out, framing.separator)
                first = False
                _copy(src, out, start, size)
            finally:
                os.close(src)
        _write_all(out, tail)
    finally:
        os.close(out)


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
