"""Content hashes of input files, re-computed only for files whose stat changed.

A build decides whether anything changed by the sha256 of every input (sources,
templates, Markdown pages). Reading every byte of a province's sources for that took
most of a no-change rebuild, so, as make and git's index do, the hash is kept beside the
file's stat (size, mtime_ns, inode, ctime_ns) in `<site>/.cache/input-stats.entry` (a
verified `cachefile` entry, plain JSON) and believed only while the stat is the same.

An edit that keeps size and mtime (`touch -d` back to the old time) still changes the
ctime, and an editor that saves by renaming changes the inode. The one case the stat
cannot tell is git's "racily clean" file: one written again within the timestamp
granularity of when its stat was recorded has the same stat as before. So a record is
believed only for a file whose mtime and ctime are `RACY_NS` older than the moment the
record was taken; newer ones are hashed again each time until a later record is.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from .cachefile import read_entry, write_entry

NAME = "input-stats.entry"
FORMAT = 1
# Coarser than any file system's timestamps (FAT: 2 s; ext4 and others update them from a
# clock that ticks every few ms) and than the clock steps seen between a file server and here.
RACY_NS = 2_000_000_000


def file_sha256(path: Path) -> str:
    """The sha256 of the bytes of `path` (the only read of an input on this path)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


class StatCache:
    """Hashes of files by path, trusted while their stat is unchanged (`sha256`); `save`
    writes the record again only when a hash was computed."""

    def __init__(self, folder: Path, read: bool = True):
        self.path = folder / NAME
        self.taken_ns = time.time_ns()  # before any stat is taken: the record's moment
        self.records: dict[str, list] = {}  # path → [size, mtime_ns, inode, ctime_ns, sha256]
        self.old_taken_ns = 0  # when the record read was taken (`_read`)
        self.old = self._read() if read else {}  # not read: every file is hashed
        self.hashed = 0  # files whose bytes were read

    def _read(self) -> dict[str, list]:
        parts = read_entry(self.path)
        try:
            data = json.loads(parts[0]) if parts else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or not isinstance(data.get("taken_ns"), int) or not isinstance(data.get("files"), dict):
            return {}
        self.old_taken_ns = data["taken_ns"]
        return data["files"]

    def sha256(self, path: Path) -> str:
        """The sha256 of the file at `path`: from the record if its stat is the one
        recorded and not racily clean, else read and hashed."""
        name = path.as_posix()
        st = path.stat()
        stat = _stat_key(st)
        old = self.old.get(name)
        if isinstance(old, list) and old[:-1] == stat and old and isinstance(old[-1], str) \
                and max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS < self.old_taken_ns:
            self.records[name] = old
            return old[-1]
        digest = file_sha256(path)
        self.hashed += 1
        if _stat_key(path.stat()) == stat:  # not written while it was read
            self.records[name] = stat + [digest]
        return digest

    def save(self) -> None:
        """Write the record when a file was hashed or one is gone (nothing otherwise: a
        rebuild with nothing changed writes nothing)."""
        if self.hashed == 0 and set(self.records) == set(self.old):
            return
        data = {"format": FORMAT, "taken_ns": self.taken_ns, "files": self.records}
        write_entry(self.path, [json.dumps(data, ensure_ascii=False).encode("utf-8")])
