"""The build, top to bottom.

config → the output folder checked and locked, one build at a time (`output_guard`) →
input hashes (nothing changed: done) → parse and checks (each file in its own
error boundary, in parallel; unchanged files from the parse cache) → DuckDB → render (only
the outputs whose inputs changed, in worker processes forked once the data is loaded; the
rest is linked from the previous build) → search index → atomic swap into build/ → build
manifest (`incremental.py`).

Parsed documents stream: a parse worker checks its document, packs its database rows
(`db.pack_document`) into the parse cache and hands back only a small summary
(`Parsed`: path, department, year, issues), so the build process never holds the
documents of a province. The rows are read back one document at a time while the database
is loaded. The database is worked on outside the output (`staging/.work/`); the download
`data/budget.duckdb` is published from it (`db.publish`) so that its bytes are reproducible.

The order matters: checks run before loading so their results are stored with the
document in one transaction; rendering reads only the database, so pages and downloads
show exactly what an analyst gets in the DuckDB file; the search index is built once
over the finished staging folder; and nothing reaches `build/` until everything above
has succeeded, so a failed or killed build leaves the previous site intact.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import cachefile, db, incremental, merge, output_guard
from .checks import run_checks
from .config import Config, load_config
from .departments import DepartmentNames
from .incremental import ParseCache
from .layouts import all_layouts
from .model import Document, Issue
from .parse.document import ParseResult, parse_file
from .progress import progress
from .render.mdpages import read_markdown_pages
from .slugs import doc_ids
from .sources import discover, links_out_of_site

D = TypeVar("D")


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


@dataclass
class BuildReport:
    output: Path
    documents: list[DocSummary] = field(default_factory=list)  # their rows are in the database
    failed: list[ParseResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    page_issues: list[Issue] = field(default_factory=list)  # Markdown pages refused or cut
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    up_to_date: bool = False  # nothing changed since the last build: build/ was left as it was
    parsed: int = 0           # sources parsed (the others came from the parse cache)
    rendered: int = 0         # output units rendered (the others were linked from the last build)
    reused: int = 0
    search: Any = None        # search.SearchIndexed, when the search index was built
    in_site: int = 0          # documents in the site (also when it was up to date)
    skipped: list[Issue] = field(default_factory=list)  # links out of the site, not followed

    def summary(self) -> str:
        timings = ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        if self.up_to_date:
            return f"{self.output} is up to date ({timings})"
        return (f"built {len(self.documents)} document(s), {self.pages} page(s) into "
                f"{self.output} ({timings}); {self.parsed} source(s) parsed, {self.rendered} "
                f"output(s) rendered, {self.reused} reused; {len(self.failed)} file(s) could "
                "not be parsed" + (f"; {self.search.summary()}" if self.search else ""))


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
        raise RuntimeError(f"{tables.path} or {text.path} changed during the build: build again")
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


def _map(fn, tasks: list, jobs: int, label: str) -> list:
    """`[fn(t) for t in tasks]`, in worker processes where it pays."""
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(tasks) >= 16:
        all_layouts()  # imports every reader once, here: forked workers inherit them
        # Chunks of up to 8 tasks: few round trips, yet each worker gets a dozen chunks or
        # more, so neither waits long for the other at the end.
        chunk = max(1, min(8, len(tasks) // (12 * workers)))
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_start) as pool:
            return list(progress(pool.map(fn, tasks, chunksize=chunk), label, len(tasks)))
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
    for (_, shown, key, _), parsed in zip(todo, _map(_parse_one, todo, jobs, "parse")):
        found[shown] = parsed
        if parsed.document is not None:
            cache.remember(parsed.document.cache_key, parsed)
        elif key is not None:
            cache.remember(key, parsed)
    results = [found[shown] for _, shown in work]
    merged, merged_keys = merge_companions(config, cache, results)
    cache.keep({p.document.cache_key if p.document else keys.get(p.path) for p in results}
               | merged_keys)
    return merged, len(todo)


# From this many documents on, the database is loaded by a child process.
LOAD_IN_CHILD = 64


def load_database(path: Path, site_dir: Path, cache: ParseCache, documents: list[DocSummary],
                  failed: list[ParseResult], scratch: Path) -> None:
    """Load the parsed documents, under their doc_ids, and the issues of the sources that
    could not be parsed into the new database at `path`.

    A province is loaded by a child process: what loading takes (the rows read back, and
    DuckDB's memory, which its allocator keeps) then never weighs on the build process,
    whose render workers are forked from it.
    """
    args = (path, site_dir, cache.folder, documents, [f.issues for f in failed], scratch)
    if len(documents) < LOAD_IN_CHILD:
        _load_database(*args)
        return
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(_load_database, *args).result()


def render_database(path: Path, config: Config, staging: Path, previous, previous_dir: Path,
                    manifest, jobs: int | None, in_child: bool) -> tuple[int, int]:
    """Render the site from the database at `path` into `staging`; fills `manifest` with
    this build's inputs and outputs; returns (pages, outputs linked from the last build).

    A province is rendered by a forked child process: the site's data, read whole into
    Python objects to render from (over 1 GB at 2,000 documents), is then given back to the
    system when the child ends, instead of staying in the build process, where the
    search stage would come on top of it.
    """
    args = (path, config, staging, previous, previous_dir, manifest, jobs)
    if not in_child:
        return _render_database(*args)[:2]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pages, reused, inputs, outputs = pool.submit(_render_database, *args).result()
    manifest.inputs, manifest.outputs = inputs, outputs
    return pages, reused


def _render_database(path, config, staging, previous, previous_dir, manifest, jobs) -> tuple:
    from .render import render_site

    con = db.connect(path, detachable=True)  # for db.publish
    try:
        pages = render_site(con, config, staging, previous, previous_dir, record=manifest,
                            jobs=jobs)
    finally:
        con.close()
    # A linked unit keeps the very record of the previous manifest.
    reused = sum(unit is previous.outputs.get(name) for name, unit
                 in manifest.outputs.items()) if previous else 0
    return pages, reused, manifest.inputs, manifest.outputs


def _load_database(path: Path, site_dir: Path, folder: Path, documents: list[DocSummary],
                   failed: list[list[Issue]], scratch: Path) -> None:
    con = db.connect(path)
    try:
        load_parsed(con, site_dir, ParseCache(folder), documents, scratch)
        for issues in failed:
            db.load_source_issues(con, issues)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def load_parsed(con, site_dir: Path, cache: ParseCache, documents: list[DocSummary],
                scratch: Path | None = None) -> None:
    """Load the parsed documents into the database, under their doc_ids, one at a time
    from the parse cache (a source whose entry has gone meanwhile is parsed again)."""
    def rows(doc: DocSummary) -> db.PackedRows:
        packed = cache.rows(doc.cache_key)
        if packed is None and doc.companion is not None:
            text = DocSummary(doc.companion, doc.companion_sha256, "", None, None, None)
            parsed, packed = _merge_and_pack(site_dir, dataclasses.replace(
                doc, companion=None, companion_sha256=""), text)
            cache.put(doc.cache_key, parsed, packed)
        elif packed is None:
            parsed, packed = _parse_and_pack(str(site_dir / doc.path), doc.path)
            if parsed.document != doc or packed is None:
                raise RuntimeError(f"{doc.path} changed during the build: build again")
            cache.put(doc.cache_key, parsed, packed)
        return packed

    db.load_packed(con, ((doc_id, rows(doc)) for doc_id, doc in assign_ids(documents).items()),
                   scratch)


def _parse_whole(task: tuple[str, str]) -> ParseResult:
    return parse_file(Path(task[0]), task[1])


def parse_sources(config: Config, jobs: int = 0) -> list[ParseResult]:
    """Parse every source under content/disclosures into whole `Document`s (no cache, no
    checks), for tools and tests: a build keeps only summaries."""
    work = _sources(config)
    return _map(_parse_whole, work, jobs, "parse")


def assign_ids(documents: list[D]) -> dict[str, D]:
    """doc_id = slug(department)-year (`slugs.doc_ids`), unique across the site; a
    document's doc_id depends on its own name, year and path, never on the order of files.

    `documents` are `Document`s or `DocSummary`s: only department, year and path count.
    """
    ordered = sorted(documents, key=lambda d: (d.department or "", d.year or 0, d.path))
    ids = doc_ids((d.department or Path(d.path).stem, d.year, d.path) for d in ordered)
    return dict(zip(ids, ordered))


def build(site_dir: Path, output: Path | None = None, jobs: int | None = None,
          config: Config | None = None, clean: bool = False,
          cache: ParseCache | None = None, background_cleanup: bool = False,
          wait: bool = True) -> BuildReport:
    """Build the site into `output` (default: the config's output_dir).

    Incremental: unchanged sources are not parsed again and outputs whose inputs did not
    change are linked from the previous build; when no input changed, nothing is done.
    `clean` ignores the caches and the previous build. `cache` lets a long-running caller
    (`serve`) keep parse results in memory between builds; `background_cleanup` returns
    before the replaced site is deleted (so `serve` can reload the browser sooner).
    One build at a time per output folder: another one waits, or with `wait=False` fails
    (`output_guard.OutputError`, as for an output folder that may not be replaced).
    """
    config = config or load_config(site_dir)
    output = (output or config.output_dir).resolve()
    output_guard.check_output(config, output)
    with output_guard.build_lock(output, wait):
        output_guard.recover_interrupted_swap(output)
        return _build(config, BuildReport(output, skipped=links_out_of_site(config)), jobs,
                      clean, cache, background_cleanup)


def _build(config: Config, report: BuildReport, jobs: int | None, clean: bool,
           cache: ParseCache | None, background_cleanup: bool) -> BuildReport:
    # Every input is hashed first: if none changed since the last build, build/ stays as it is.
    output = report.output
    clock = time.perf_counter()
    inputs = incremental.read_inputs(config)
    previous = None if clean else incremental.load_manifest(config, output)
    report.timings["hash"] = time.perf_counter() - clock
    if previous is not None and previous.fingerprint == inputs.fingerprint:
        report.up_to_date, report.in_site = True, previous.documents
        report.failed = [ParseResult(path, None, []) for path in previous.failed]
        return report
    if previous is not None and previous.settings != inputs.settings:
        previous = None  # another config or generator version: nothing can be reused
    manifest = incremental.Manifest(output=str(output), fingerprint=inputs.fingerprint,
                                    settings=inputs.settings)

    clock = time.perf_counter()
    if cache is None or clean:
        cache = ParseCache(incremental.cache_dir(config) / "parse", read=not clean)
    parsed, report.parsed = parse_and_check(
        config, cache, inputs.sources, jobs if jobs is not None else config.get("build.jobs"))
    report.timings["parse"] = time.perf_counter() - clock
    report.documents = [p.document for p in parsed if p.document is not None]
    report.failed = [ParseResult(p.path, None, p.issues) for p in parsed if p.document is None]
    for p in parsed:
        report.issues += p.issues
    del parsed
    report.page_issues = read_markdown_pages(config)[1]
    report.in_site = manifest.documents = len(report.documents)
    manifest.failed = [f.path for f in report.failed]

    staging = output_guard.make_staging(output)
    try:
        # The database is always loaded whole (it is fast, and its exports must list the
        # documents in the same order as a clean build); rendering is what is incremental.
        # It is worked on in staging/.work/ and published into data/ as a download.
        clock = time.perf_counter()
        (staging / "data").mkdir(parents=True)
        work = staging / ".work"
        work.mkdir()
        load_database(work / "budget.duckdb", config.site_dir, cache, report.documents,
                      report.failed, work)
        report.timings["load"] = time.perf_counter() - clock
        clock = time.perf_counter()
        report.pages, report.reused = render_database(
            work / "budget.duckdb", config, staging, previous, output, manifest, jobs,
            in_child=len(report.documents) >= LOAD_IN_CHILD)
        shutil.rmtree(work)
        report.rendered = len(manifest.outputs) - report.reused
        report.timings["render"] = time.perf_counter() - clock

        if config.get("build.search"):
            clock = time.perf_counter()
            from .search import build_search_index

            report.search = build_search_index(
                staging, incremental.cache_dir(config) / "search", config.get("build.jobs"),
                reuse=not clean)
            report.timings["search"] = time.perf_counter() - clock
        incremental.forget_manifest(config)
        cleanup = output_guard.swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    incremental.save_manifest(config, manifest)
    if cleanup is not None and not background_cleanup:
        cleanup.join()
    return report
