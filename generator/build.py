"""The build, top to bottom.

config → the output folder checked and locked, one build at a time (`output_guard`) →
input hashes (nothing changed: done) → parse and checks (each file in its own
error boundary, in parallel; unchanged files from the parse cache) → DuckDB (the last
build's, the changed documents' rows replaced) → render (only
the outputs whose inputs changed, in worker processes forked once the data is loaded; the
rest is linked from the previous build, or, in the site before last kept as the spare and
updated in place, left where it is) → search index → atomic swap into build/ → build
manifest (`incremental.py`).

Parsed documents stream: a parse worker checks its document, packs its database rows
(`db.pack_document`) into the parse cache and hands back only a small summary
(`Parsed`: path, department, year, issues), so the build process never holds the
documents of a province. The rows are read back one document at a time while the database
is loaded. The database is the last build's, kept in the cache, where only the changed
documents' rows are replaced (`incremental.DatabaseCache`); the download
`data/budget.duckdb` is published from it (`db.publish`) so that its bytes are those of a
clean build.

The order matters: checks run before loading so their results are stored with the
document in one transaction; rendering reads only the database, so pages and downloads
show exactly what an analyst gets in the DuckDB file; the search index is built once
over the finished staging folder; and nothing reaches `build/` until everything above
has succeeded, so a failed or killed build leaves the previous site intact.
"""

from __future__ import annotations

import importlib
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import incremental, output_guard, workers  # noqa: F401 (workers: every forked child dies with the build)
from .config import Config, load_config
from .incremental import ParseCache
from .sources import links_out_of_site

if TYPE_CHECKING:
    from .model import Issue
    from .parse.document import ParseResult
    from .parse_stage import DocSummary

# The parse stage, imported when something changed (a rebuild with nothing changed needs
# neither it nor DuckDB, jinja2 or pypinyin, which took most of its time). Re-exported:
# the bench and tests use them, and patch `parse_and_check` here.
_PARSE_STAGE = ("DocSummary", "Parsed", "_parse_and_pack", "packed_rows", "parse_and_check",
                "parse_sources")


def __getattr__(name: str) -> Any:
    if name not in _PARSE_STAGE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".parse_stage", __package__), name)
    globals()[name] = value
    return value


def _parse_stage(name: str) -> Any:
    """`name` of the parse stage as bound here (the bench or a test may have replaced it)."""
    return globals()[name] if name in globals() else __getattr__(name)


D = TypeVar("D")


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
    deferred: list[str] = field(default_factory=list)  # units left as the last build had them

    def summary(self) -> str:
        timings = "，".join(f"{k} {v:.2f} 秒" for k, v in self.timings.items())
        if self.up_to_date:
            return f"{self.output} 已是最新，未重新生成（{timings}）"
        return (f"已生成 {len(self.documents)} 份文件、{self.pages} 个页面，输出到 {self.output}"
                f"（{timings}）；解析 {self.parsed} 个来源文件，渲染 {self.rendered} 个输出，"
                f"沿用上次 {self.reused} 个；{len(self.failed)} 个文件无法解析"
                + (f"；{self.search.summary()}" if self.search else ""))


LOAD_IN_CHILD = 64
SEARCH_INDEX = "search-index"  # in `build(defer=...)`: the last build's search index (`_search_index`)


def load_database(path: Path, site_dir: Path, cache: ParseCache, documents: list[DocSummary],
                  failed: list[ParseResult], scratch: Path,
                  loaded: dict[str, str] | None = None) -> tuple[dict[str, str], list[str] | None]:
    """Load the parsed documents, under their doc_ids, and the issues of the sources that
    could not be parsed into the database at `path`; returns its doc_id → parse-cache key,
    and the doc_ids loaded now (None: all of them, into a new database).

    `loaded`: the doc_id → key of the documents the database already holds (the last
    build's, `incremental.DatabaseCache`; None: a new database). Then only the documents
    whose key differs are loaded, those gone are removed and the issues of unparsed files
    replaced. Every reader of the database orders its rows by doc_id (`db.publish`, the
    bulk downloads, the pages), so the rows of a document loaded last read as in a clean
    build, which loads the documents in doc_id order.

    A province is loaded by a child process: what loading takes (the rows read back, and
    DuckDB's memory, which its allocator keeps) then never weighs on the build process,
    whose render workers are forked from it.
    """
    ids = assign_ids(documents)
    keys = {doc_id: doc.cache_key for doc_id, doc in ids.items()}
    changed = sorted(d for d in ids if loaded is None or loaded.get(d) != keys[d])
    gone = sorted(set(loaded or ()) - set(ids))
    args = (path, site_dir, cache.folder, [(d, ids[d]) for d in changed], gone,
            [f.issues for f in failed], scratch)
    try:
        _run_load(args, len(changed))
    except Exception:
        if loaded is None:
            raise
        # The kept database could not be read (damaged): load all into a new one.
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
        return load_database(path, site_dir, cache, documents, failed, scratch)
    return keys, None if loaded is None else changed


def _run_load(args: tuple, documents: int) -> None:
    if documents < LOAD_IN_CHILD:
        _load_database(*args)
    else:
        with ProcessPoolExecutor(max_workers=1) as pool:
            pool.submit(_load_database, *args).result()


def render_database(path: Path, config: Config, staging: Path, previous, previous_dir: Path,
                    manifest, jobs: int | None, in_child: bool,
                    deferred: frozenset[str] = frozenset(),
                    fresh: list[str] | None = None, spare=None) -> tuple[int, int]:
    """Render the site from the database at `path` into `staging`; fills `manifest` with
    this build's inputs and outputs; returns (pages, outputs linked from the last build).
    `fresh`: the documents loaded by this build (None: all); the others' rows were masked
    (`privacy`) by an earlier one. `spare`: the manifest of the site `staging` holds
    (the spare, updated in place: `render.spare`; None: `staging` is empty).

    A province is rendered by a forked child process: the site's data, read whole into
    Python objects to render from (over 1 GB at 2,000 documents), is then given back to the
    system when the child ends, instead of staying in the build process, where the
    search stage would come on top of it.
    """
    args = (path, config, staging, previous, previous_dir, manifest, jobs, deferred, fresh, spare)
    if not in_child:
        return _render_database(*args)[:2]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pages, reused, inputs, outputs = pool.submit(_render_database, *args).result()
    manifest.inputs, manifest.outputs = inputs, outputs
    return pages, reused


def _render_database(path, config, staging, previous, previous_dir, manifest, jobs,
                     deferred, fresh, spare) -> tuple:
    from . import db
    from .render import render_site

    con = db.connect(path, detachable=True)  # for db.publish
    try:
        pages = render_site(con, config, staging, previous, previous_dir, record=manifest,
                            jobs=jobs, deferred=deferred, fresh=fresh, spare=spare)
    finally:
        con.close()
    # A linked unit keeps the very record of the previous manifest.
    reused = sum(unit is previous.outputs.get(name) for name, unit
                 in manifest.outputs.items()) if previous else 0
    return pages, reused, manifest.inputs, manifest.outputs


def _load_database(path: Path, site_dir: Path, folder: Path, documents: list[tuple[str, DocSummary]],
                   gone: list[str], failed: list[list[Issue]], scratch: Path) -> None:
    from . import db

    con = db.connect(path)
    try:
        db.delete_documents(con, gone, source_issues=True)
        load_parsed(con, site_dir, ParseCache(folder), documents, scratch)
        for issues in failed:
            db.load_source_issues(con, issues)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def load_parsed(con, site_dir: Path, cache: ParseCache, documents: list[tuple[str, DocSummary]],
                scratch: Path | None = None) -> None:
    """Load the parsed `documents` (doc_id, summary) into the database, in that order, one
    at a time from the parse cache (a source whose entry has gone meanwhile is parsed
    again)."""
    from . import db

    packed_rows = _parse_stage("packed_rows")
    db.load_packed(con, ((doc_id, packed_rows(site_dir, cache, doc)) for doc_id, doc in documents),
                   scratch)


def _deferred(manifest) -> list[str]:
    """The units this build linked although their inputs changed; then the manifest's
    fingerprint is not that of the inputs, so that the next build is not skipped."""
    names = sorted(name for name, unit in manifest.outputs.items()
                   if incremental.DEFERRED in unit["deps"])
    if names:
        manifest.fingerprint = f"{incremental.DEFERRED}:{manifest.fingerprint}"
    return names


def _search_index(config: Config, staging: Path, output: Path, clean: bool,
                  defer: frozenset[str], manifest, report: BuildReport,
                  aside: list[Path | None]) -> Any:
    """The search index of the staging site. With `SEARCH_INDEX` in `defer` (`serve`), the
    last build's is linked as it was, to be updated by the next build, like a deferred unit."""
    from .search import INDEX_DIR, build_search_index, keep_search_index, spare_index_state

    cache = incremental.cache_dir(config) / "search"
    deferred = SEARCH_INDEX in defer and not clean
    spare = None if clean or deferred else spare_index_state(staging, cache)
    if spare is None:
        # The spare's index goes (deleted after the swap): the index is linked or written
        # anew; else the search stage updates it in place.
        aside.append(output_guard.put_aside(staging / INDEX_DIR, output))
    if deferred and keep_search_index(staging, cache, output):
        report.deferred.append(SEARCH_INDEX)
        if not manifest.fingerprint.startswith(f"{incremental.DEFERRED}:"):
            manifest.fingerprint = f"{incremental.DEFERRED}:{manifest.fingerprint}"
        return None
    return build_search_index(staging, cache, config.get("build.jobs"), reuse=not clean,
                              previous=output, spare=spare)


def _staging(config: Config, output: Path, previous, clean: bool) -> tuple[Path, Any]:
    """The folder to build in, and the manifest of the site it holds: the spare (the site
    before last: `output_guard.take_spare`), when its manifest is known and so is the
    last build's; else a new, empty folder (and None), the spare deleted."""
    spare_dir = output_guard.spare_folder(output)
    spare = None
    if previous is not None and not clean and spare_dir.is_dir():
        spare = incremental.take_spare_manifest(config, spare_dir, output, previous.settings)
    staging = output_guard.take_spare(output) if spare is not None else None
    if staging is None:
        output_guard.discard(spare_dir, output)
        return output_guard.make_staging(output), None
    return staging, spare


def assign_ids(documents: list[D]) -> dict[str, D]:
    """doc_id = slug(department)-year (`slugs.doc_ids`), unique across the site; a
    document's doc_id depends on its own name, year and path, never on the order of files.

    `documents` are `Document`s or `DocSummary`s: only department, year and path count.
    """
    from .slugs import doc_ids

    ordered = sorted(documents, key=lambda d: (d.department or "", d.year or 0, d.path))
    ids = doc_ids((d.department or Path(d.path).stem, d.year, d.path) for d in ordered)
    return dict(zip(ids, ordered))


def build(site_dir: Path, output: Path | None = None, jobs: int | None = None,
          config: Config | None = None, clean: bool = False,
          cache: ParseCache | None = None, background_cleanup: bool = False,
          wait: bool = True, defer: frozenset[str] = frozenset()) -> BuildReport:
    """Build the site into `output` (default: the config's output_dir).

    Incremental: unchanged sources are not parsed again and outputs whose inputs did not
    change are linked from the previous build; when no input changed, nothing is done.
    `clean` ignores the caches and the previous build. `cache` lets a long-running caller
    (`serve`) keep parse results in memory between builds; `background_cleanup` returns
    before the replaced site is deleted (so `serve` can reload the browser sooner, and
    the command line return; a process of its own deletes it: `output_guard`).
    `defer`: output units (`"data"`: the bulk downloads; `SEARCH_INDEX`: the search
    index) linked from the last build even when their inputs changed, so that `serve`
    shows an edit sooner; the build is then
    recorded as not up to date (`report.deferred`), and the next one renders them.
    One build at a time per output folder: another one waits, or with `wait=False` fails
    (`output_guard.OutputError`, as for an output folder that may not be replaced).
    """
    config = config or load_config(site_dir)
    output = (output or config.output_dir).resolve()
    output_guard.check_output(config, output)
    with output_guard.build_lock(output, wait):
        output_guard.recover_interrupted_swap(output, wait=not background_cleanup)
        return _build(config, BuildReport(output, skipped=links_out_of_site(config)), jobs,
                      clean, cache, background_cleanup, defer)


def _build(config: Config, report: BuildReport, jobs: int | None, clean: bool,
           cache: ParseCache | None, background_cleanup: bool,
           defer: frozenset[str] = frozenset()) -> BuildReport:
    # Every input is hashed first: if none changed since the last build, build/ stays as it is.
    output = report.output
    clock = time.perf_counter()
    inputs = incremental.read_inputs(config, clean)
    previous = None if clean else incremental.load_manifest(config, output, whole=False)
    report.timings["hash"] = time.perf_counter() - clock
    if previous is not None and previous.fingerprint == inputs.fingerprint:
        report.up_to_date, report.in_site = True, previous.documents
        if previous.failed:
            from .parse.document import ParseResult
            report.failed = [ParseResult(path, None, []) for path in previous.failed]
        return report
    if previous is not None and previous.settings == inputs.settings:
        previous = incremental.load_manifest(config, output)  # its record of every output
    else:
        previous = None  # another config or generator version: nothing can be reused
    from .parse.document import ParseResult
    from .render.mdpages import read_markdown_pages
    manifest = incremental.Manifest(output=str(output), fingerprint=inputs.fingerprint,
                                    settings=inputs.settings)

    clock = time.perf_counter()
    if cache is None or clean:
        cache = ParseCache(incremental.cache_dir(config) / "parse", read=not clean)
    parsed, report.parsed = _parse_stage("parse_and_check")(
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

    staging, spare = _staging(config, output, previous, clean)
    aside: list[Path | None] = []  # what the spare held that goes: deleted after the swap
    database = incremental.DatabaseCache(config)
    work = database.work_folder()
    try:
        # The last build's database, where only the changed documents' rows are replaced;
        # it is worked on outside the output and published into data/ as a download.
        clock = time.perf_counter()
        (staging / "data").mkdir(parents=True, exist_ok=True)
        path = work / database.NAME
        loaded = None if clean else database.take(inputs.settings, path)
        keys, fresh = load_database(path, config.site_dir, cache, report.documents,
                                    report.failed, work, loaded)
        report.timings["load"] = time.perf_counter() - clock
        clock = time.perf_counter()
        report.pages, report.reused = render_database(
            path, config, staging, previous, output, manifest, jobs,
            in_child=len(report.documents) >= LOAD_IN_CHILD, deferred=defer, fresh=fresh,
            spare=spare)
        if spare is not None:
            from .render.spare import TRASH

            aside.append(output_guard.put_aside(staging / TRASH, output))
        report.deferred = _deferred(manifest)
        database.keep(path, inputs.settings, keys)
        report.rendered = len(manifest.outputs) - report.reused
        report.timings["render"] = time.perf_counter() - clock

        if config.get("build.search"):
            clock = time.perf_counter()
            report.search = _search_index(config, staging, output, clean, defer, manifest,
                                          report, aside)
            report.timings["search"] = time.perf_counter() - clock
        # The replaced site is kept as the next build's spare when its manifest is known.
        if previous is not None:
            incremental.hand_manifest_to_spare(config, output)
        else:
            incremental.forget_manifest(config)
        clock = time.perf_counter()
        cleanup = output_guard.swap_into_place(staging, output, keep=previous is not None)
        report.timings["swap"] = time.perf_counter() - clock
        output_guard.remove_later([folder for folder in aside if folder is not None])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    clock = time.perf_counter()
    incremental.save_manifest(config, manifest)
    report.timings["manifest"] = time.perf_counter() - clock
    if cleanup is not None and not background_cleanup:
        clock = time.perf_counter()
        cleanup.wait()
        report.timings["cleanup"] = time.perf_counter() - clock
    return report
