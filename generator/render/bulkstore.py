"""What the last build wrote of the whole-site downloads, so that the next build links the
parts it can use from there (`bulk.plan`) and brings `budget.duckdb` up to date
(`published`) instead of writing them again.

The build that writes them records, per file under `data/`, its identity (inode, size,
modification time) and what it holds (a part's key; the documents of `budget.duckdb`):
`.cache/bulk/layout.json`. The next build uses a file of the last build (the site being
served, only ever read or linked) only while it is still the very file recorded. It also
keeps the last build's record of the files named in `save` (`budget.duckdb`): once this
build is swapped in, the last build's site is the spare (`render/spare.py`), and the next
build may update the spare's file in place (`spare_record`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

LAYOUT = "layout.json"
LAYOUT_FORMAT = 2


def identity(path: Path) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


class PartStore:
    """The files of the last build's downloads (`previous_dir`: its output folder; None, a
    clean build: none), and what this build records of its own (`save`)."""

    def __init__(self, folder: Path, previous_dir: Path | None):
        self.file = folder / LAYOUT
        self.previous_dir = previous_dir
        data = self._read() if previous_dir is not None else {}
        self.before: dict[str, dict] = data.get("files", {})
        self.spare: dict[str, dict] = data.get("spare", {})  # the spare's files
        self.now: dict[str, dict] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if data.get("format") == LAYOUT_FORMAT else {}

    def file_record(self, rel: str) -> tuple[Path, dict] | None:
        """The last build's file `rel` and what it recorded of it (`record_file`), if that
        file is still the one recorded."""
        record = self.before.get(rel)
        if record is None or self.previous_dir is None:
            return None
        path = self.previous_dir / rel
        return (path, record) if identity(path) == record["file"] else None

    def keyed_files(self, folder: str) -> dict[str, Path]:
        """key → the last build's file of that key under `folder`, if still the file recorded."""
        out = {}
        for rel, record in self.before.items():
            if rel.startswith(f"{folder}/") and "key" in record:
                found = self.file_record(rel)
                if found is not None:
                    out[record["key"]] = found[0]
        return out

    def spare_record(self, rel: str, path: Path) -> dict | None:
        """What the build before last recorded of its file `rel`, if `path` (where the
        spare's file lies now) is still that very file and no other name links to it (not
        a file of the site being served: free to be changed)."""
        record = self.spare.get(rel)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if record is None or stat.st_nlink != 1 \
                or [stat.st_ino, stat.st_size, stat.st_mtime_ns] != record["file"]:
            return None
        return record

    def record_file(self, rel: str, target: Path, **fields) -> None:
        """The file `target` (at `rel` in the output), described by `fields`."""
        self.now[rel] = {"file": identity(target)} | fields

    def save(self, for_spare: tuple[str, ...] = ()) -> None:
        """Write down what this build recorded, and what the last build recorded of its
        files `for_spare` that are still the files recorded (the spare's, once this build
        is in place)."""
        spare = {rel: found[1] for rel in for_spare if (found := self.file_record(rel)) is not None}
        scratch = self.file.with_name(f".{LAYOUT}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps({"format": LAYOUT_FORMAT, "files": self.now, "spare": spare}),
                           encoding="utf-8")
        os.replace(scratch, self.file)
