"""The build, top to bottom.

config → sources → parse (each file in its own error boundary, in parallel) → checks →
DuckDB → render (pages, charts, downloads) → search index → atomic swap into build/.

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
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import db
from .checks import run_checks
from .config import Config, load_config
from .model import Document, Issue
from .parse.document import ParseResult, parse_file
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


def _parse_one(args: tuple[str, str]) -> ParseResult:
    path, shown = args
    return parse_file(Path(path), shown)


def parse_sources(config: Config, jobs: int = 0) -> list[ParseResult]:
    """Parse every source under content/disclosures, in parallel where it pays."""
    paths = discover(config.content_dir)
    work = [(str(p), p.relative_to(config.site_dir).as_posix()) for p in paths]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) >= 16:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_parse_one, work, chunksize=8))
    return [_parse_one(w) for w in work]


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
          config: Config | None = None) -> BuildReport:
    """Build the whole site into `output` (default: the config's output_dir)."""
    config = config or load_config(site_dir)
    output = (output or config.output_dir).resolve()
    report = BuildReport(output=output)
    clock = time.perf_counter()

    results = parse_sources(config, jobs if jobs is not None else config.get("build.jobs"))
    report.timings["parse"] = time.perf_counter() - clock
    report.documents = [r.document for r in results if r.document is not None]
    report.failed = [r for r in results if r.document is None]
    for r in results:
        report.issues += r.issues

    output.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-staging-", dir=output.parent))
    try:
        clock = time.perf_counter()
        (staging / "data").mkdir(parents=True)
        con = db.connect(staging / "data" / "budget.duckdb")
        checks_by_doc = {}
        for doc_id, doc in assign_ids(report.documents).items():
            results_for_doc = run_checks(doc)
            checks_by_doc[doc_id] = results_for_doc
            db.load_document(con, doc_id, doc, [c.as_row(doc_id) for c in results_for_doc])
        for failed in report.failed:
            db.load_source_issues(con, failed.issues)
        report.timings["load+check"] = time.perf_counter() - clock

        clock = time.perf_counter()
        from .render import render_site

        report.pages = render_site(con, config, staging)
        con.close()
        report.timings["render"] = time.perf_counter() - clock

        if config.get("build.search"):
            clock = time.perf_counter()
            from .search import build_search_index

            build_search_index(staging)
            report.timings["search"] = time.perf_counter() - clock
        swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` with `staging` so that readers see the old or the new site, never a mix.

    On Linux the two folders are exchanged in one atomic step (renameat2 with
    RENAME_EXCHANGE), so there is no instant without a site. Elsewhere two renames are
    used: the old site moves aside, the new one moves in; a crash between them leaves
    the previous site in `.<name>-old-*`, which the next build puts back
    (`recover_interrupted_swap`).
    """
    if output.exists() and _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old-{os.getpid()}")
        os.rename(output, old)
    os.rename(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
