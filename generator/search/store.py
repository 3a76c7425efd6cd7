"""What the search stage keeps between builds (`.cache/search/`) and how it writes the index.

- `pages/<key>.json`: a page as `index.analyse_page` gives it (its units' ids and
  texts), without its unit files: those are linked from the last build's index, or the
  page is read again. The key is the SHA-256 of the index code and the page's HTML.
- `texts.pickle`: every distinct unit text of the last build and its terms
  (`postings.analyse_texts`), so that a rebuild analyses only new texts.
- `state.entry` (a checked `cachefile` entry): the index the last build wrote — the
  identity of its folder, each page's key, file identity, number and count of unit files,
  and the hash of every other index file. With it a rebuild reads no HTML of a page the
  render stage linked from the last build (same file, same key), and links from the last
  build every index file whose bytes it would write again: a one-document change reads
  its pages, writes their unit files and the term files whose postings changed.

The state is believed only for the folder it describes: the last build's index folder
(device and inode, kept when the staging folder is renamed into place). A build that
failed before its swap leaves a state that matches no folder, and the next build writes
everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from .. import cachefile
from ..links import link

STATE_FILE = "state.entry"
SPARE_FILE = "spare.entry"  # the state of the index in the spare site (the build before last)


def file_identity(path: Path) -> list[int]:
    """What tells a file apart from another without reading it: a hard link from the last
    build has the same device, inode, size and modification time."""
    stat = path.stat()
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def folder_identity(path: Path) -> list[int]:
    """The index folder's device and inode, and its `t/` and `u/` folders' inode and
    modification time: nothing changes these but writing into the index (a swap renames
    the folder itself), and a folder made anew where a deleted one was has other times."""
    stat = path.stat()
    identity = [stat.st_dev, stat.st_ino]
    for name in ("t", "u"):
        stat = (path / name).stat()
        identity += [stat.st_ino, stat.st_mtime_ns]
    return identity


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class IndexState:
    """The index a build wrote (`STATE_FILE`)."""
    folder: list[int] = field(default_factory=list)
    # page file → [key, file identity, page number, unit files, meta (`analyse_page`)]
    pages: dict[str, list] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # other index file → content hash
    salt: str = ""  # the index code's (`PageCache.salt`)
    size: int = 0  # the postings' size: the term files' count is `index.bucket_count` of it
    # the pages the term files hold where they are not `pages` (a delta beside them,
    # `update.DELTA_DIR`): number → [page, key], or None where no page was
    base: dict[str, list | None] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_folder: Path, index: Path, salt: str,
             name: str = STATE_FILE) -> IndexState | None:
        """The state saved (as `name`) for the index folder `index` by the same index
        code; None when there is none (or it describes another folder)."""
        parts = cachefile.read_entry(cache_folder / name)
        try:
            state = cls(**json.loads(parts[0])) if parts else None
            if (state is not None and state.salt == salt and index.is_dir()
                    and state.folder == folder_identity(index)):
                return state
        except (OSError, ValueError, TypeError):
            pass
        return None

    def save(self, cache_folder: Path, name: str = STATE_FILE) -> None:
        cachefile.write_entry(cache_folder / name, [json.dumps(vars(self)).encode()])  # no copy

    def numbered(self) -> dict[int, tuple[str, str]]:
        """Page number → (page, key): which page bytes each number held."""
        return {entry[2]: (page, entry[0]) for page, entry in self.pages.items()}

    def base_numbered(self) -> dict[int, tuple[str, str]]:
        """Page number → (page, key): which page bytes the term files hold at each number
        (`numbered`, but where a delta tells the last build's pages from the term files')."""
        numbered = self.numbered()
        for number, held in self.base.items():
            if held is None:
                numbered.pop(int(number), None)
            else:
                numbered[int(number)] = (held[0], held[1])
        return numbered

    def key(self, page: str, identity: list[int]) -> str | None:
        """The key of `page` when it is the very file the last build indexed."""
        known = self.pages.get(page)
        return known[0] if known is not None and known[1] == identity else None


class IndexWriter:
    """Writes index files into `folder`, linking from `old` (the last build's index) each
    file whose bytes are those it had there. With `spare` (the state of an index already
    in `folder`: the spare site's, the build before last), the files whose bytes are
    those it has there are kept and the others replaced, never written into (they may be
    links to the last build's): a rebuild touches only the files that differ from either
    of the two builds before, where it would link every one of some hundred thousand."""

    def __init__(self, folder: Path, old: Path | None, state: IndexState | None,
                 spare: IndexState | None = None):
        self.folder = folder
        self.old = old if state is not None else None
        self.state = state or IndexState()
        self.spare_units = {entry[2]: (page, entry[0], entry[3] or 0)
                            for page, entry in spare.pages.items()
                            } if spare else {}  # number → (page, key, unit files)
        self.spare_hashes = dict(spare.hashes) if spare else {}
        self.written = self.linked = 0
        (folder / "t").mkdir(parents=True, exist_ok=True)
        (folder / "u").mkdir(parents=True, exist_ok=True)

    def clear_units(self, kept: dict[int, tuple[str, str]]) -> None:
        """Delete the spare's unit files but those of the numbers `kept` holds with the
        same page and key (number → (page, key)), before any is linked or written."""
        for number, (page, key, count) in list(self.spare_units.items()):
            if kept.get(number) != (page, key):
                for k in range(count):
                    (self.folder / unit_file_name(number, k)).unlink(missing_ok=True)
                del self.spare_units[number]

    def link_units(self, page: str, key: str, number: int) -> int | None:
        """Link the unit files of the `number`th page from the last build, when it indexed
        the same page bytes (or keep the spare's, when it holds them); how many there
        are, or None when they are to be written."""
        spare = self.spare_units.get(number)
        if spare is not None and spare[:2] == (page, key):
            self.linked += spare[2]
            return spare[2]
        known = self.state.pages.get(page)
        if self.old is None or known is None or known[0] != key:
            return None
        old, new = f"{self.old}/", f"{self.folder}/"
        try:  # plain strings: a province links thousands of these
            for k in range(known[3]):
                link(old + unit_file_name(known[2], k), new + unit_file_name(number, k))
        except OSError:  # gone from the last build: written anew, never into a link
            for k in range(known[3]):
                (self.folder / unit_file_name(number, k)).unlink(missing_ok=True)
            return None
        self.linked += known[3]
        return known[3]

    def link_others(self, names: set[str]) -> dict[str, str]:
        """Link every index file but the unit files and `names` from the last build;
        returns their content hashes."""
        hashes, linked = {}, []
        try:
            for name, digest in self.state.hashes.items():
                if name not in names:
                    if self.spare_hashes.get(name) != digest:
                        self._make_room(name)
                        link(f"{self.old}/{name}", f"{self.folder}/{name}")
                        linked.append(name)
                    hashes[name] = digest
        except OSError:  # gone from the last build: none linked, all written
            for name in linked:
                (self.folder / name).unlink(missing_ok=True)
            raise
        self.linked += len(hashes)
        return hashes

    def files(self, files: dict[str, str]) -> dict[str, str]:
        """Write `files` (name in the index → JSON text); returns their content hashes."""
        hashes = {}
        for name, text in files.items():
            hashes[name] = digest = content_hash(text)
            if self.spare_hashes.get(name) == digest:
                self.linked += 1
                continue
            self._make_room(name)
            if name.startswith("d/"):  # the delta's folder, made once there is one
                (self.folder / "d").mkdir(exist_ok=True)
            if self.old is not None and self.state.hashes.get(name) == digest:
                try:
                    link(self.old / name, self.folder / name)
                    self.linked += 1
                    continue
                except OSError:
                    pass
            write_file(f"{self.folder}/{name}", text)
            self.written += 1
        return hashes

    def _make_room(self, name: str) -> None:
        """Delete the spare's file `name` (a link to the last build's, maybe), if any."""
        if self.spare_hashes.pop(name, None) is not None:
            (self.folder / name).unlink(missing_ok=True)

    def finish(self, hashes: dict[str, str]) -> None:
        """Delete the spare's files but the unit files that this index has not (`hashes`:
        the files it has)."""
        for name in [name for name in self.spare_hashes if name not in hashes]:
            self._make_room(name)


WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC


def write_file(path: Path | str, text: str | bytes) -> None:
    """`text` into the file `path` (UTF-8): three system calls, where `open` makes six
    (a province's index is some hundred thousand small files)."""
    fd = os.open(path, WRITE_FLAGS, 0o644)
    try:
        os.write(fd, text.encode("utf-8") if isinstance(text, str) else text)
    finally:
        os.close(fd)


UNIT_SUFFIX = ".bin"  # a unit file's (`index`): no suffix a server serves with an encoding


def unit_file_name(number: int, file: int) -> str:
    """The name in the index folder of the `file`th unit file of page `number`."""
    return f"u/{number}-{file}{UNIT_SUFFIX}"


class TextsFile:
    """The last build's analysis of the distinct unit texts (`postings.Analysed`), in
    `texts.pickle`: a rebuild analyses only the texts it has not seen. Believed only
    with the same index code (`salt`)."""

    def __init__(self, folder: Path, salt: str, read: bool = True):
        self.path = folder / "texts.pickle"
        self.salt = salt
        self.read = read

    def load(self):
        if not self.read:
            return None
        try:
            with open(self.path, "rb") as file:
                salt, analysed = pickle.load(file)
            return analysed if salt == self.salt else None
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
            return None

    def save(self, analysed) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as file:
            pickle.dump((self.salt, analysed), file, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


class PageCache:
    """Analysed pages by key (`pages/<key>.json`). `prune` keeps only
    the entries this build used."""

    def __init__(self, folder: Path | None, salt: str, read: bool = True):
        self.folder = folder / "pages" if folder is not None else None
        self.salt = salt
        self.read = read
        self.used: set[str] = set()

    def key(self, html: bytes) -> str:
        return hashlib.sha256(self.salt.encode() + html).hexdigest()

    def has(self, key: str) -> bool:
        """Whether the cache holds `key`, kept past this build (`prune`)."""
        self.used.add(key)
        return self.stored(key)

    def blank(self) -> bool:
        """Whether the cache can hold no page (a clean build's, or the first): then no
        page needs its key before it is read."""
        if not self.read or self.folder is None:
            return True
        try:
            with os.scandir(self.folder) as entries:
                return next(entries, None) is None
        except OSError:
            return True

    def stored(self, key: str) -> bool:
        """Whether the cache holds `key` (without keeping it past this build)."""
        return self.read and self.folder is not None and (self.folder / f"{key}.json").exists()

    def get(self, key: str) -> dict | None:
        """The page's analysis ({"meta", "ids", "texts"}); None for a page without units
        (or an entry gone)."""
        return self._read(f"{key}.json")

    def _read(self, name: str):
        try:
            return json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, analysed: dict | None) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write(f"{key}.json", analysed)

    def _write(self, name: str, value) -> None:
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")),
                       encoding="utf-8")
        tmp.replace(self.folder / name)

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            if path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)
