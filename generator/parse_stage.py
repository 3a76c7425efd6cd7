"""The parse stage of a build: every source parsed and checked in its own error boundary,
in worker processes under a time limit, its database rows packed into the parse cache and a
small summary handed back (`Parsed`); a narrative file and the tables file of one
department-year merged (`merge`). `build.py` calls `parse_and_check`; `check` and `parse`
call `parse_sources` for whole documents."""

from __future__ import annotations

import dataclasses
import gc
import os
from dataclasses import dataclass
from pathlib import Path

from . import cachefile, db, merge
from .checks import run_checks
from .config import Config
from .departments import DepartmentNames
from .incremental import ParseCache
from .layouts import all_layouts
from .model import Document, Issue
from .parse.document import ParseResult, lost_parse, lost_worker, parse_file
from .progress import progress
from .sources import discover
from .workers import map_in_workers


@dataclass(frozen=True)
class DocSummary:
    """What a build keeps of a parsed document: enough to give it its doc_id and to report
    on it. Its rows wait in the parse cache until the database is loaded."""

    path: str  # as shown in messages: relative to the site directory
    sha256: str
    layout: str
    department: str | None
    year: int | None
    region: str | None
    tables: int = 0                # tables read (0: a narrative file, see `merge`)
    kind: str = "budget"           # 预算 budget / 决算 final_accounts (`Document.kind`)
    scope: str = "department"      # 部门 department / 单位 unit
    companion: str | None = None   # the narrative file merged into it (`merge`), and
    companion_sha256: str = ""     # its hash: the rows depend on both files

    @property
    def cache_key(self) -> str:
        return ParseCache.key(self.path, self.sha256 + self.companion_sha256)


@dataclass(frozen=True)
class Parsed:
    """One source, parsed and checked: its summary (None: it could not be parsed) and issues."""

    path: str
    document: DocSummary | None
    issues: list[Issue]


# The parse cache holds a `Parsed` as plain data (`cachefile`).
cachefile.register(DocSummary, Parsed, Issue)



def _parse_and_pack(path: str, shown: str) -> tuple[Parsed, db.PackedRows | None]:
    result = parse_file(Path(path), shown)
    doc = result.document
    if doc is None:
        return Parsed(shown, None, result.issues), None
    return _check_and_pack(doc, result.issues)


def _check_and_pack(doc: Document, issues: list[Issue], sources: list | None = None,
                    companion: DocSummary | None = None) -> tuple[Parsed, db.PackedRows]:
    checks = run_checks(doc)
    rows = db.pack_document(doc, lambda doc_id: [c.as_row(doc_id) for c in checks], sources)
    summary = DocSummary(doc.path, doc.sha256, doc.layout, doc.department, doc.year, doc.region,
                         len(doc.tables), doc.kind, doc.scope, companion and companion.path,
                         companion.sha256 if companion else "")
    return Parsed(doc.path, summary, issues), rows


def _merge_and_pack(site_dir: Path, tables: DocSummary, text: DocSummary
                    ) -> tuple[Parsed, db.PackedRows]:
    """The department-year of a tables file and its narrative file (`merge`), checked and
    packed: both are parsed again (a few files of a site), as whole documents."""
    tables_doc, text_doc = (parse_file(site_dir / d.path, d.path).document for d in (tables, text))
    if tables_doc is None or text_doc is None or tables_doc.sha256 != tables.sha256 \
            or text_doc.sha256 != text.sha256:
        raise RuntimeError(f"{tables.path} 或 {text.path} 在生成过程中被修改：请重新生成")
    doc, sources = merge.merge(tables_doc, text_doc)
    return _check_and_pack(doc, list(doc.issues), sources, text)


def _department_year_key(names: DepartmentNames, doc: DocSummary) -> str | None:
    """Which department-year a file belongs to, whichever variant of the name it prints
    (江苏省委办公厅 in the narrative, 中共江苏省委办公厅 on the tables: `departments`)."""
    return doc.department and f"{names.key(doc.department)}|{doc.kind}|{doc.scope}"


def merge_companions(config: Config, cache: ParseCache, results: list[Parsed]
                     ) -> tuple[list[Parsed], set[str]]:
    """Each tables file and narrative file of one department-year as one document
    (`merge.companions`), from the parse cache where it was merged before; returns the
    results with the narrative files' gone and the merged ones' cache keys."""
    parsed = [p for p in results if p.document is not None]
    names = DepartmentNames(config.get("departments.aliases"))
    pairs = merge.companions(parsed, lambda p: _department_year_key(names, p.document),
                             lambda p: p.document.year, lambda p: p.document.tables > 0)
    replaced: dict[str, Parsed | None] = {}
    for tables, text in pairs:
        key = dataclasses.replace(tables.document, companion=text.document.path,
                                  companion_sha256=text.document.sha256).cache_key
        merged = cache.get(key)
        if merged is None:
            merged, rows = _merge_and_pack(config.site_dir, tables.document, text.document)
            cache.put(key, merged, rows)
            cache.remember(key, merged)
        replaced[tables.path], replaced[text.path] = merged, None
    out = [replaced.get(p.path, p) for p in results]
    return [p for p in out if p is not None], {p.document.cache_key for p in replaced.values() if p}


def _parse_one(task: tuple[str, str, str | None, str]) -> Parsed:
    """Parse, check and pack one source into the parse cache (in a worker process): only
    the summary goes back to the build process. A document is stored under the key of the
    bytes it was parsed from; a source that could not be parsed under `key` (if any)."""
    path, shown, key, folder = task
    parsed, rows = _parse_and_pack(path, shown)
    if parsed.document is not None:
        ParseCache(Path(folder)).put(parsed.document.cache_key, parsed, rows)
    elif key is not None:
        ParseCache(Path(folder)).put(key, parsed)
    return parsed


def _sources(config: Config) -> list[tuple[str, str]]:
    """(path, path shown in messages: relative to the site) of every source."""
    return [(str(p), p.relative_to(config.site_dir).as_posix())
            for p in discover(config.content_dir, config.inside)]


def _map(fn, tasks: list, jobs: int, label: str, limit: int, on_lost) -> list:
    """`[fn(t) for t in tasks]`, in worker processes where it pays, and always under a time
    limit (`limit` seconds a task; 0: none), which only a process can be held to: a task
    over it gets `on_lost(task, reason)` (`workers.map_in_workers`)."""
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(tasks) >= 16 or limit > 0:
        all_layouts()  # imports every reader once, here: forked workers inherit them
        return map_in_workers(fn, tasks, workers if len(tasks) >= 16 else 1, limit, on_lost,
                              label, start=_worker_start)
    return [fn(t) for t in progress(tasks, label)]


def _worker_start() -> None:
    """Garbage collection in a parse worker. A document's objects are freed by reference
    counting as soon as it is packed, so the collector finds nothing, yet its default
    threshold runs it every 700 allocations, and now and then over the whole heap: about
    5% of a worker's time. It runs rarely instead, and never over what the worker
    inherited from the build process (frozen)."""
    gc.freeze()
    gc.set_threshold(100_000)


def parse_and_check(config: Config, cache: ParseCache, hashes: dict[str, str],
                    jobs: int = 0) -> tuple[list[Parsed], int]:
    """Parse and check every source under content/disclosures, in parallel where it pays;
    returns one `Parsed` per source, in order, and how many were parsed (not cached).

    Sources whose content (`hashes`: shown path → sha256) is in the cache are not parsed
    again; the others are, and their rows go into the cache (`load_parsed` reads them).
    """
    work = _sources(config)
    keys = {shown: ParseCache.key(shown, hashes[shown]) for _, shown in work if shown in hashes}
    found = {shown: cache.get(key) for shown, key in keys.items()}
    todo = [(path, shown, keys.get(shown), str(cache.folder)) for path, shown in work
            if found.get(shown) is None]
    limit = config.get("build.parse_timeout")

    def lost(task: tuple, reason: str) -> Parsed:
        return Parsed(task[1], None, lost_parse(task[1], reason, limit).issues)

    for (_, shown, key, _), parsed in zip(todo, _map(_parse_one, todo, jobs, "parse", limit, lost)):
        found[shown] = parsed
        if parsed.document is not None:
            cache.remember(parsed.document.cache_key, parsed)
        elif key is not None and not lost_worker(parsed.issues):  # try again next build
            cache.remember(key, parsed)
    results = [found[shown] for _, shown in work]
    merged, merged_keys = merge_companions(config, cache, results)
    cache.keep({p.document.cache_key if p.document else keys.get(p.path) for p in results}
               | merged_keys)
    return merged, len(todo)


# From this many documents on, the database is loaded by a child process.

def _parse_whole(task: tuple[str, str]) -> ParseResult:
    return parse_file(Path(task[0]), task[1])


def parse_sources(config: Config, jobs: int = 0) -> list[ParseResult]:
    """Parse every source under content/disclosures into whole `Document`s (no cache, no
    checks), for tools and tests: a build keeps only summaries."""
    limit = config.get("build.parse_timeout")
    return _map(_parse_whole, _sources(config), jobs, "parse", limit,
                lambda task, reason: lost_parse(task[1], reason, limit))


def packed_rows(site_dir: Path, cache: ParseCache, doc: DocSummary) -> db.PackedRows:
    """A parsed document's database rows, from the parse cache (a source whose entry has
    gone meanwhile is parsed, or merged with its narrative file, again)."""
    packed = cache.rows(doc.cache_key)
    if packed is None and doc.companion is not None:
        text = DocSummary(doc.companion, doc.companion_sha256, "", None, None, None)
        parsed, packed = _merge_and_pack(site_dir, dataclasses.replace(
            doc, companion=None, companion_sha256=""), text)
        cache.put(doc.cache_key, parsed, packed)
    elif packed is None:
        parsed, packed = _parse_and_pack(str(site_dir / doc.path), doc.path)
        if parsed.document != doc or packed is None:
            raise RuntimeError(f"{doc.path} 在生成过程中被修改：请重新生成")
        cache.put(doc.cache_key, parsed, packed)
    return packed
