"""Where the parts of the last build's bulk files lie in them, so that the next build copies
the unchanged ones from there (`bulk.write_parted`) instead of exporting them again.

A bulk CSV or JSON file is a head, the rows of each chunk of documents (a part), and a
tail; the bulk CSV's zip member is made of the same parts, each deflated on its own. The
build that writes them records, per file, each part's key and where its bytes lie (in the
zip: its deflated bytes, with the CRC and length of what they stand for), and the file's
identity (inode, size, modification time): `.cache/bulk/layout.json`. The next build
reads the parts it can use from the last build's files (the site being served, only ever
read) when they are still the very files recorded. No copy of the parts is kept beside
them: a province's bulk files are some 2 GB.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

LAYOUT = "layout.json"
LAYOUT_FORMAT = 1


@dataclass(frozen=True)
class Span:
    """`length` bytes of the file `path` from `offset`."""

    path: Path
    offset: int
    length: int

    def read(self) -> bytes:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            return f.read(self.length)


@dataclass(frozen=True)
class Deflated:
    """A piece of a file deflated on its own (`bulk.deflated`): the CRC-32 and the length
    of the bytes it stands for, and its deflated bytes, or where they lie in the last
    build's zip, so that the member made of such pieces is written without reading the
    file it stands for."""

    crc: int
    size: int
    data: bytes | Span

    @property
    def compressed_size(self) -> int:
        return len(self.data) if isinstance(self.data, bytes) else self.data.length


def identity(path: Path) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


class PartStore:
    """The parts of the last build's bulk files (`previous_dir`: its output folder; None, a
    clean build: none), and what this build records of its own (`save`)."""

    def __init__(self, folder: Path, previous_dir: Path | None):
        self.file = folder / LAYOUT
        self.previous_dir = previous_dir
        self.before: dict[str, dict] = self._read() if previous_dir is not None else {}
        self.now: dict[str, dict] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data.get("files", {}) if data.get("format") == LAYOUT_FORMAT else {}

    def _unchanged(self, rel: str) -> tuple[Path, dict] | None:
        """The last build's file `rel` and its record, if that file is still the one recorded."""
        record = self.before.get(rel)
        if record is None or self.previous_dir is None:
            return None
        path = self.previous_dir / rel
        return (path, record) if identity(path) == record["file"] else None

    def spans(self, rel: str) -> dict[str, Span]:
        """The parts of the last build's file `rel` (key → where its bytes lie), if that
        file is still the one recorded."""
        found = self._unchanged(rel)
        if found is None:
            return {}
        path, record = found
        return {key: Span(path, offset, length) for key, offset, length in record["parts"]}

    def deflated(self, rel: str, member: str) -> dict[str, Deflated]:
        """The deflated parts of the last build's zip `rel` member `member`, if that zip is
        still the one recorded."""
        found = self._unchanged(rel)
        if found is None:
            return {}
        path, record = found
        return {key: Deflated(crc, size, Span(path, offset, length))
                for key, crc, size, offset, length in record["members"].get(member, [])}

    def file_record(self, rel: str) -> tuple[Path, dict] | None:
        """The last build's file `rel` and what this build recorded of it (`record_file`),
        if that file is still the one recorded."""
        return self._unchanged(rel)

    def record_file(self, rel: str, target: Path, **fields) -> None:
        """The file `target` (at `rel` in the output), described by `fields`."""
        self.now[rel] = {"file": identity(target)} | fields

    def record(self, rel: str, target: Path, parts: list[tuple[str, int, int]]) -> None:
        """The file `target` (at `rel` in the output) holds the parts (key, offset, length)."""
        self.now[rel] = {"file": identity(target), "parts": parts}

    def record_member(self, rel: str, member: str, parts: list[tuple[str, int, int, int, int]]) -> None:
        """The zip at `rel` holds in its member `member` the deflated parts (key, CRC,
        length, offset, deflated length)."""
        self.now.setdefault(rel, {"file": None, "members": {}})["members"][member] = parts

    def save(self, zip_path: Path, zip_rel: str) -> None:
        """Write down what this build recorded, once the zip `zip_path` (at `zip_rel`) is
        complete."""
        if zip_rel in self.now:
            self.now[zip_rel]["file"] = identity(zip_path)
        for old in self.file.parent.glob("*.part"):  # the parts earlier builds kept
            old.unlink(missing_ok=True)
        scratch = self.file.with_name(f".{LAYOUT}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps({"format": LAYOUT_FORMAT, "files": self.now}), encoding="utf-8")
        os.replace(scratch, self.file)
