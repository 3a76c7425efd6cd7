"""The build, top to bottom.

config → input hashes (nothing changed: done) → parse and checks (each file in its own
error boundary, in parallel; unchanged files from the parse cache) → DuckDB → render (only
the outputs whose inputs changed, in worker processes forked once the data is loaded; the
rest is linked from the previous build) → search index → atomic swap into build/ → build
manifest (`incremental.py`).

The order matters: checks run before loading so their results are stored with the
document in one transaction; rendering reads only the database, so pages and downloads
show exactly what an analyst gets in the DuckDB file; the search index is built once
over the finished staging folder; and nothing reaches `build/` until everything above
has succeeded, so a failed or killed build leaves the previous site intact.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import db, incremental
from .checks import run_checks
from .checks.base import CheckResult
from .config import Config, load_config
from .incremental import ParseCache
from .model import Document, Issue
from .parse.document import ParseResult, parse_file
from .progress import progress
from .slugs import SlugRegistry
from .sources import discover


@dataclass
class BuildReport:
    output: Path
    documents: list[Document] = field(default_factory=list)
    failed: list[ParseResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    up_to_date: bool = False  # nothing changed since the last build: build/ was left as it was
    parsed: int = 0           # sources parsed (the others came from the parse cache)
    rendered: int = 0         # output units rendered (the others were linked from the last build)
    reused: int = 0

    def summary(self) -> str:
        timings = ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        if self.up_to_date:
            return f"{self.output} is up to date ({timings})"
        return (f"built {len(self.documents)} document(s), {self.pages} page(s) into "
                f"{self.output} ({timings}); {self.parsed} source(s) parsed, {self.rendered} "
                f"output(s) rendered, {self.reused} reused; {len(self.failed)} file(s) could "
                "not be parsed")


Parsed = tuple[ParseResult, list[CheckResult]]


def _parse_one(args: tuple[str, str]) -> Parsed:
    path, shown = args
    result = parse_file(Path(path), shown)
    return result, run_checks(result.document) if result.document is not None else []


def parse_and_check(config: Config, jobs: int = 0, cache: ParseCache | None = None,
                    hashes: dict[str, str] | None = None) -> list[Parsed]:
    """Parse and check every source under content/disclosures, in parallel where it pays.

    With a cache (and the sources' content `hashes`), only sources not seen before are parsed.
    """
    paths = discover(config.content_dir)
    work = [(str(p), p.relative_to(config.site_dir).as_posix()) for p in paths]
    keys = {shown: ParseCache.key(shown, hashes[shown]) for _, shown in work
            if cache is not None and hashes and shown in hashes}
    found = {shown: cache.get(key) for shown, key in keys.items()} if cache is not None else {}
    todo = [w for w in work if found.get(w[1]) is None]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(todo) >= 16:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = list(progress(pool.map(_parse_one, todo, chunksize=8), "parse", len(todo)))
    else:
        done = [_parse_one(w) for w in progress(todo, "parse")]
    for (_, shown), parsed in zip(todo, done):
        found[shown] = parsed
        doc = parsed[0].document
        if shown in keys and (doc is None or doc.sha256 == hashes[shown]):  # not saved meanwhile
            cache.put(keys[shown], parsed)
    return [found[shown] for _, shown in work]


def parse_sources(config: Config, jobs: int = 0) -> list[ParseResult]:
    """Parse every source under content/disclosures (no cache, no checks)."""
    return [result for result, _ in parse_and_check(config, jobs)]


def assign_ids(documents: list[Document]) -> dict[str, Document]:
    """doc_id = slug(department)-year, unique across the site (stable for a given input)."""
    registry = SlugRegistry()
    ids: dict[str, Document] = {}
    for doc in sorted(documents, key=lambda d: (d.department or "", d.year or 0, d.path)):
        base = f"{registry.slug(doc.department or Path(doc.path).stem)}-{doc.year or 'unknown'}"
        doc_id, n = base, 2
        while doc_id in ids:
            doc_id, n = f"{base}-{n}", n + 1
        ids[doc_id] = doc
    return ids


def build(site_dir: Path, output: Path | None = None, jobs: int | None = None,
          config: Config | None = None, clean: bool = False,
          cache: ParseCache | None = None, background_cleanup: bool = False) -> BuildReport:
    """Build the site into `output` (default: the config's output_dir).

    Incremental: unchanged sources are not parsed again and outputs whose inputs did not
    change are linked from the previous build; when no input changed, nothing is done.
    `clean` ignores the caches and the previous build. `cache` lets a long-running caller
    (`serve`) keep parse results in memory between builds; `background_cleanup` returns
    before the replaced site is deleted (so `serve` can reload the browser sooner).
    """
    config = config or load_config(site_dir)
    output = (output or config.output_dir).resolve()
    report = BuildReport(output=output)
    output.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(output)

    # Every input is hashed first: if none changed since the last build, build/ stays as it is.
    clock = time.perf_counter()
    inputs = incremental.read_inputs(config)
    previous = None if clean else incremental.load_manifest(config, output)
    report.timings["hash"] = time.perf_counter() - clock
    if previous is not None and previous.fingerprint == inputs.fingerprint:
        report.up_to_date = True
        return report
    if previous is not None and previous.settings != inputs.settings:
        previous = None  # another config or generator version: nothing can be reused
    manifest = incremental.Manifest(output=str(output), fingerprint=inputs.fingerprint,
                                    settings=inputs.settings)

    clock = time.perf_counter()
    if cache is None or clean:
        cache = ParseCache(incremental.cache_dir(config) / "parse", read=not clean)
    stored = cache.stored
    parsed = parse_and_check(config, jobs if jobs is not None else config.get("build.jobs"),
                             cache, inputs.sources)
    report.parsed = cache.stored - stored
    report.timings["parse"] = time.perf_counter() - clock
    checks_of = {id(r.document): checks for r, checks in parsed if r.document is not None}
    report.documents = [r.document for r, _ in parsed if r.document is not None]
    report.failed = [r for r, _ in parsed if r.document is None]
    for r, _ in parsed:
        report.issues += r.issues

    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-staging-", dir=output.parent))
    try:
        # The database is always loaded whole (it is fast, and its exports must list the
        # documents in the same order as a clean build); rendering is what is incremental.
        clock = time.perf_counter()
        (staging / "data").mkdir(parents=True)
        con = db.connect(staging / "data" / "budget.duckdb")
        db.load_documents(con, ((doc_id, doc, (c.as_row(doc_id) for c in checks_of[id(doc)]))
                                for doc_id, doc in assign_ids(report.documents).items()))
        for failed in report.failed:
            db.load_source_issues(con, failed.issues)
        report.timings["load"] = time.perf_counter() - clock

        clock = time.perf_counter()
        from .render import render_site

        report.pages = render_site(con, config, staging, previous, output, record=manifest,
                                   jobs=jobs)
        con.close()
        # A linked unit keeps the very record of the previous manifest.
        report.reused = sum(unit is previous.outputs.get(name) for name, unit
                            in manifest.outputs.items()) if previous else 0
        report.rendered = len(manifest.outputs) - report.reused
        report.timings["render"] = time.perf_counter() - clock

        if config.get("build.search"):
            clock = time.perf_counter()
            from .search import build_search_index

            build_search_index(staging, incremental.cache_dir(config) / "search")
            report.timings["search"] = time.perf_counter() - clock
        incremental.forget_manifest(config)
        cleanup = swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    incremental.save_manifest(config, manifest)
    if cleanup is not None and not background_cleanup:
        cleanup.join()
    return report


def swap_into_place(staging: Path, output: Path) -> threading.Thread | None:
    """Replace `output` with `staging` so that readers see the old or the new site, never a mix.

    On Linux the two folders are exchanged in one atomic step (renameat2 with
    RENAME_EXCHANGE), so there is no instant without a site. Elsewhere two renames are
    used: the old site moves aside, the new one moves in; a crash between them leaves
    the previous site in `.<name>-old-*`, which the next build puts back
    (`recover_interrupted_swap`). Returns the thread deleting the replaced site, if any.
    """
    if output.exists() and _exchange(staging, output):
        return _remove_in_background(staging)  # now holds the previous site
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old-{os.getpid()}")
        os.rename(output, old)
    os.rename(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return None


def _remove_in_background(folder: Path) -> threading.Thread:
    """Delete a replaced site without making the caller (e.g. `serve` before its reload)
    wait: it is renamed to an `-old-` name first, which the next build also clears."""
    trash = folder.with_name(folder.name.replace("-staging-", "-old-", 1))
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    thread = threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True})
    thread.start()
    return thread


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def recover_interrupted_swap(output: Path) -> None:
    """Undo what a killed build left behind: put a moved-aside site back, drop stale staging."""
    parent = output.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{output.name}-old-*"), key=lambda p: p.stat().st_mtime)
    if not output.exists() and olds:
        os.rename(olds.pop(), output)
    for stale in olds + list(parent.glob(f".{output.name}-staging-*")):
        shutil.rmtree(stale, ignore_errors=True)
