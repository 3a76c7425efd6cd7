"""What an incremental build keeps between builds: the parse cache and the build manifest.

Everything is keyed by content hashes, never by modification times, so a build is the
same whether a file was touched, copied or restored (a file's stat only spares reading
it again when it is unchanged: `statcache`):

- the parse cache (`<site>/.cache/parse/<key>.entry`) holds each source's summary and
  its database rows (checks included), keyed by the source's bytes, its path and the
  generator's version: an unchanged source is never parsed twice. Its entries are plain
  data checked when read (`cachefile`): a damaged one is parsed again, never published;
- the working database (`<site>/.cache/db/`, `DatabaseCache`): the last build's DuckDB
  file and which document (by parse-cache key) each doc_id holds, so that the next build
  replaces the rows of the changed documents only;
- the build manifest (`<site>/.cache/build-manifest.entry`, JSON in a verified entry)
  holds the fingerprint of every input of the last build (sources, templates, Markdown
  pages, config, generator version) and, per output, the inputs it depends on and the
  files it wrote (`render/outputs.py` uses it to re-render only what changed).

The manifest describes the `build/` folder in place: it is removed before a swap and
written after it, so a build killed in between leaves no manifest and the next build is
a full one rather than one that trusts a stale record.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cachefile import SUFFIX, dumps, generator_version, loads, read_entry, write_entry
from .config import BUILTIN_TEMPLATES, Config, template_dirs
from .heap import long_lived
from .sources import discover
from .statcache import StatCache

if TYPE_CHECKING:
    from .db import PackedRows

MANIFEST_NAME = "build-manifest.entry"
SPARE_MANIFEST_NAME = "spare-manifest.entry"  # of the site before last (`hand_manifest_to_spare`)
MANIFEST_FORMAT = 3
# What a no-change rebuild reads of the manifest: the first part of its entry.
MANIFEST_HEAD = ("output", "fingerprint", "settings", "documents", "failed")
# A dependency no input ever has: a unit linked from the last build although its inputs
# changed (`build(defer=...)`) names it, so that the next build renders it.
DEFERRED = "deferred"
# Keys that do not change what is built: where it is served, how many workers build it.
UNBUILT_KEYS = ("serve.", "build.jobs")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def config_key(config: Config) -> str:
    values = {k: v for k, v in config.values.items() if not k.startswith(UNBUILT_KEYS)}
    return digest(json.dumps(values, sort_keys=True, ensure_ascii=False, default=str))


def settings_key(config: Config) -> str:
    """What every cached result depends on besides its inputs: generator version and config."""
    return digest(generator_version(), config_key(config))


def cache_dir(config: Config) -> Path:
    return config.site_dir / ".cache"


@dataclass
class SiteInputs:
    """The content hash of every file a build reads, and one fingerprint over all of them."""

    sources: dict[str, str]  # path relative to the site → sha256 of the bytes
    others: dict[str, str]   # templates, assets and Markdown pages → sha256
    settings: str            # config and generator version: nothing is reused when this changes

    @property
    def fingerprint(self) -> str:
        return digest(self.settings, json.dumps([self.sources, self.others], sort_keys=True))


def read_inputs(config: Config, clean: bool = False) -> SiteInputs:
    """The hash of every input; a file's bytes are read only when its stat changed since
    the last build (`statcache`), or, `clean`, always."""
    stats = StatCache(cache_dir(config), read=not clean)
    sources = {p.relative_to(config.site_dir).as_posix(): stats.sha256(p)
               for p in discover(config.content_dir, config.inside)}
    others: dict[str, str] = {}
    for folder in template_dirs(config) + [config.content_dir / "pages"]:
        if folder.is_dir():
            others.update((p.as_posix(), stats.sha256(p)) for p in sorted(
                p for p in folder.rglob("*") if p.is_file()
                and (folder == BUILTIN_TEMPLATES or config.inside(p))))
    stats.save()
    return SiteInputs(sources, others, settings_key(config))


class ParseCache:
    """Parse results by content: `<site>/.cache/parse/<key>.entry`.

    An entry (`cachefile`) has two parts: what a build keeps of a source while it runs (a
    small summary: path, department, year, issues; `get`) and the source's rows packed for
    the database (`rows`), read only while the database is loaded. Each part is verified
    when it is read; one that fails reads as missing (the source is parsed again). The parse workers write the
    entries (`put`). The key covers the source bytes, the path shown in messages and the
    generator version. A long-running `serve` also keeps the summaries in memory between
    rebuilds.
    """

    def __init__(self, folder: Path, read: bool = True):
        self.folder = folder
        self.read = read  # False for `build --clean`: parse everything, refresh the cache
        self.memory: dict[str, Any] = {}

    @staticmethod
    def key(shown_path: str, source_sha256: str) -> str:
        return digest(source_sha256, shown_path, generator_version())

    def get(self, key: str) -> Any | None:
        """The summary stored under `key` (None: not cached, or `read` is off)."""
        if not self.read:
            return None
        if key in self.memory:
            return self.memory[key]
        value = self._load(key, 0)
        if value is not None:
            self.memory[key] = value
        return value

    def rows(self, key: str) -> Any | None:
        """The packed rows stored under `key`, whatever `read` says (they were just written)."""
        path = self.folder / f"{key}{SUFFIX}"
        parts = read_entry(path, 1)
        if not parts:
            return None
        try:
            return _unpack_rows(parts)
        except ValueError:  # verified, yet not what this version writes: parse again
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, summary: Any, rows: Any = None) -> None:
        parts = [dumps(summary)] + (_pack_rows(rows) if rows is not None else [])
        write_entry(self.folder / f"{key}{SUFFIX}", parts)
        self.memory[key] = summary

    def remember(self, key: str, summary: Any) -> None:
        """A summary a parse worker has just stored."""
        self.memory[key] = summary

    def keep(self, keys: set[str]) -> None:
        """Forget every entry but those of `keys` (this build's sources): in memory (a long
        `serve` session) and on disk, where each edit of a source and each new generator
        version would otherwise leave one more entry (over 100 kB a document) for good.
        A temporary file is removed once it is an hour old (a killed build's; a running
        build writes its own in seconds)."""
        self.memory = {k: v for k, v in self.memory.items() if k in keys}
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        stale_before = time.time() - 3600
        for path in entries:
            try:
                if path.suffix == ".pickle" or path.suffix == SUFFIX and path.stem not in keys or \
                        path.suffix == ".tmp" and path.stat().st_mtime < stale_before:
                    path.unlink()
            except OSError:
                pass  # gone already, or not ours to delete: a later build tries again

    def _load(self, key: str, part: int) -> Any | None:
        path = self.folder / f"{key}{SUFFIX}"
        parts = read_entry(path, part, part + 1)
        if parts is None:
            return None
        try:
            return loads(parts[0])
        except ValueError:  # verified, yet not what this version writes: parse again
            path.unlink(missing_ok=True)
            return None


def _pack_rows(rows: PackedRows) -> list[bytes]:
    """Packed rows as entry parts: their mark, list-column rows and table names as JSON,
    then each table's CSV bytes as a part of its own (as JSON strings they took three
    times as long to read back as the rest of the entry)."""
    meta = {"mark": rows.mark, "listed": rows.listed, "tables": list(rows.csv)}
    return [dumps(meta), *rows.csv.values()]


def _unpack_rows(parts: list[bytes]) -> PackedRows:
    from .db import PackedRows

    meta = loads(parts[0])
    if not isinstance(meta, dict) or len(meta.get("tables", ())) != len(parts) - 1:
        raise ValueError("not packed rows")
    return PackedRows(meta["mark"], dict(zip(meta["tables"], parts[1:])), meta["listed"])


@dataclass
class Manifest:
    """The last build: what it read (`fingerprint`, `settings`, `inputs`) and, per output
    unit, the inputs it depends on and the files it wrote (`outputs`)."""

    output: str = ""
    fingerprint: str = ""
    settings: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    documents: int = 0                             # in the site
    failed: list[str] = field(default_factory=list)  # sources that could not be parsed


def manifest_path(config: Config) -> Path:
    return cache_dir(config) / MANIFEST_NAME


def load_manifest(config: Config, output: Path, whole: bool = True) -> Manifest | None:
    """The manifest of the build now in `output`, or None (no build, another folder,
    unreadable). With `whole=False`, its head alone (`MANIFEST_HEAD`: enough to tell
    that nothing changed): the entry is verified whole (a damaged one is never trusted),
    but its per-output record, megabytes of JSON for a province, is not decoded."""
    return _manifest(read_entry(manifest_path(config)) or [], output, whole)


def _manifest(parts: list[bytes], output: Path, whole: bool = True) -> Manifest | None:
    try:
        with long_lived():  # (a province's manifest: megabytes of JSON)
            data = [json.loads(part) for part in parts[:None if whole else 1]]
    except ValueError:
        data = []
    if not data or not all(isinstance(d, dict) for d in data) or data[0].get("format") != MANIFEST_FORMAT \
            or data[0].get("output") != str(output) or not output.is_dir():
        return None
    try:
        return Manifest(**{k: v for d in data for k, v in d.items() if k != "format"})
    except TypeError:  # verified, yet not a manifest of this version
        return None


def forget_manifest(config: Config) -> None:
    """Called just before a swap: until the new manifest is written, none is trusted."""
    manifest_path(config).unlink(missing_ok=True)


def spare_manifest_path(config: Config) -> Path:
    return cache_dir(config) / SPARE_MANIFEST_NAME


def hand_manifest_to_spare(config: Config, output: Path) -> None:
    """Called just before a swap that keeps the replaced site as the spare
    (`output_guard.swap_into_place(keep=True)`): the manifest of the site in `output`
    becomes the spare's, with the identity (device, inode) of its folder, which a rename
    keeps; until the new manifest is written, none is trusted."""
    parts = read_entry(manifest_path(config))
    spare = spare_manifest_path(config)
    if parts:
        stat = output.stat()
        write_entry(spare, [json.dumps([stat.st_dev, stat.st_ino]).encode("ascii"), *parts])
    else:
        spare.unlink(missing_ok=True)
    forget_manifest(config)


def take_spare_manifest(config: Config, spare: Path, output: Path, settings: str) -> Manifest | None:
    """The manifest of the site kept in the folder `spare`, when it is that folder's (its
    identity) and was built with `settings`; None otherwise. It is deleted either way:
    the build that takes the spare changes it."""
    path = spare_manifest_path(config)
    parts = read_entry(path) or []
    path.unlink(missing_ok=True)
    try:
        stat = spare.stat()
        if not parts or json.loads(parts[0]) != [stat.st_dev, stat.st_ino]:
            return None
    except (OSError, ValueError):
        return None
    manifest = _manifest(parts[1:], output)
    return manifest if manifest is not None and manifest.settings == settings else None


def save_manifest(config: Config, manifest: Manifest) -> None:
    """Written as two parts: the head (`MANIFEST_HEAD`), then the inputs and outputs."""
    head = {k: v for k, v in manifest.__dict__.items() if k in MANIFEST_HEAD}
    rest = {k: v for k, v in manifest.__dict__.items() if k not in MANIFEST_HEAD}
    write_entry(manifest_path(config), [
        json.dumps({"format": MANIFEST_FORMAT, **part}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        for part in (head, rest)])


class DatabaseCache:
    """The working database of the last build: `<site>/.cache/db/budget.duckdb`, and its
    state (`state.entry`: the settings it was built with and, per doc_id, the parse-cache
    key of the document whose rows it holds).

    A build takes the database (`take`: it is moved into the build's own work folder, and
    the state is deleted first, so a build killed while it changes the rows leaves no
    state and the next one loads everything), replaces the rows of the documents whose key
    differs, renders from it, and gives it back (`keep`). Two builds at once: one of them
    takes it, the other loads a database of its own.
    """

    NAME = "budget.duckdb"
    STATE = "state.entry"
    STALE_WORK = 3600  # seconds: a work folder this old is a killed build's

    def __init__(self, config: Config):
        self.folder = cache_dir(config) / "db"

    def work_folder(self) -> Path:
        """A new folder to work on a database in (next to the cache, so that `take` and
        `keep` are renames); those of killed builds are removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stale_before = time.time() - self.STALE_WORK
        for old in self.folder.glob("work-*"):
            try:
                if old.stat().st_mtime < stale_before:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        return Path(tempfile.mkdtemp(prefix="work-", dir=self.folder))

    def take(self, settings: str, path: Path) -> dict[str, str] | None:
        """Move the cached database to `path`; returns its doc_id → key, or None when there
        is none built with `settings` (then nothing is moved)."""
        parts = read_entry(self.folder / self.STATE)
        try:
            state = loads(parts[0]) if parts else None
        except ValueError:
            state = None
        (self.folder / self.STATE).unlink(missing_ok=True)
        if not isinstance(state, dict) or state.get("settings") != settings \
                or not isinstance(state.get("documents"), dict) \
                or state.get("file") != _file_stamp(self.folder / self.NAME):
            return None  # none, another configuration, or the file changed since
        try:
            os.rename(self.folder / self.NAME, path)
            wal = self.folder / (self.NAME + ".wal")
            if wal.exists():
                os.rename(wal, path.with_name(path.name + ".wal"))
        except OSError:
            path.unlink(missing_ok=True)
            return None
        return state["documents"]

    def keep(self, path: Path, settings: str, documents: dict[str, str]) -> None:
        """Make the database at `path` (closed; it holds `documents`: doc_id → key) the
        cached one."""
        wal = path.with_name(path.name + ".wal")
        if wal.exists():  # not checkpointed: it is part of the database
            os.replace(wal, self.folder / (self.NAME + ".wal"))
        else:
            (self.folder / (self.NAME + ".wal")).unlink(missing_ok=True)
        os.replace(path, self.folder / self.NAME)
        write_entry(self.folder / self.STATE, [dumps({
            "settings": settings, "documents": documents,
            "file": _file_stamp(self.folder / self.NAME)})])


def _file_stamp(path: Path) -> list[int] | None:
    """Size and modification time of the database file (and its write-ahead log): a
    file written since the state was (opened and changed by hand) is not trusted."""
    try:
        stats = [path.stat()]
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            stats.append(wal.stat())
    except OSError:
        return None
    return [n for st in stats for n in (st.st_size, st.st_mtime_ns)]
