"""Full-text search: the Pagefind index over the finished site, and the search page.

Pagefind's *extended* build (`pagefind[extended]`, pinned in pyproject.toml) segments
Chinese into words; the standard build does not and finds nothing, so the extended
binary is required rather than merely preferred. The index is built at the end of a
build, over the finished staging folder: each Pagefind process indexes a whole folder
in one request (page by page, the service would answer every 0.1 s), and a big site is
split into shards, one process each, so that memory stays bounded (`search_bundles`).

What gets indexed is decided in the templates, where a site can override it:
`data-pagefind-body` marks the pages a citizen searches for (department-year,
department, classification, region); every other page (source views, the data
dictionary, indexes) has no body and stays out. `data-pagefind-filter` gives the
filters 类型 / 地区 / 年度 / 部门, `data-pagefind-ignore` drops charts, check results and
navigation, and each named project is an `<h3 id="project-N">`, so Pagefind returns it
as a sub-result that links to the project's entry. Cells rendered in Python
(`render/tablehtml.py`) carry no attributes, so the amounts, line links and raw codes
there are excluded by selector (`search_pages`): numbers would bloat the index without
helping anyone find a page.

Chinese words and what the browser makes of a query: the Pagefind binary cuts Chinese
into words with its own dictionary (jieba), but the browser cuts the *query* with
`Intl.Segmenter` (ICU), and the two disagree — ICU reads 住房公积金 as 住房|公|积|金, 差旅费
as 差|旅费, while the index holds 住房公积金 and 差旅费 — so the very 科目 pages named after
a term were not found. Each query word matches the start of an indexed word, so every
indexed page gets the *tails* of its words (公积金 积金 金, 旅费 费) in an element weighted
down, and any piece ICU may cut from a word still matches it.

The binary's own words come from the binary: the distinct runs of Han characters on the
indexed pages (`page_runs`) are sent to it once as plain records and read back from the
fragments it writes, where U+200B marks its word breaks (`segment_runs`). A run's tails
are kept in a cache by the run itself (`RunCache`), so a rebuild sends only runs it has not
seen — none at all, usually, since 科目 names and boilerplate recur in every document —
and the site itself is indexed once. Runs are read from the indexed part of the page's
HTML with regular expressions, without honouring every `data-pagefind-ignore`: a stray
tail can only add a weighted-down match, never lose one. A tail that begins a longer
tail of the same page is left out (`page_tails`). The pages on disk are not changed:
the index is built from copies in a scratch folder, prepared by worker processes
(`search_pages`: without the elements search skips anyway, which Pagefind would still
parse, and with tables as lines of text; then the tails added). Only the pages the
search needs are read at all (`INDEXED_GLOBS`), and a rebuild prepares only the pages of
the shards it must index again: what each page was prepared into (its weight and the hash
of its copy, which plan the shards and key the bundles) is kept by the page's own bytes
(`PageCache`).

The bundle is written to `pagefind/` at the site root, with a big site's shards under it
(listed in `pagefind/shards.json`); the search page loads them with relative URLs
(`templates/search.html`, `assets/search.js`), nothing from another host.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import search_stable
from .search_bundles import (
    DEFAULT_SHARD_SIZE,
    BundleCache,
    bundle_key,
    index_folders,
    install_bundles,
    plan_shards,
    run_pagefind,
)
from .search_pages import BODY_END, BODY_START, EXCLUDE_SELECTORS, search_copy
from .search_stable import stabilize_bundle

BUNDLE_DIR = "pagefind"
SEARCH_PAGE = "search/"
LANGUAGE = "zh-cn"
# The pages a citizen searches for (department-year, department, classification, region):
# only these are read at all. Reading every page and letting Pagefind skip those without a
# body costs three times as long (the source views alone are most of the site's HTML).
INDEXED_GLOBS = ("budgets/*/index.html", "departments/*/index.html", "regions/*/index.html",
                 "classifications/*/*/index.html")


HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class SearchIndexError(RuntimeError):
    """The search index could not be built (Pagefind missing or failing)."""


def render_search_page(writer: Any) -> None:
    """`search/index.html`: Pagefind's UI; the header's search box submits here (`?q=`)."""
    writer.write("search.html", SEARCH_PAGE, in_sitemap=False)


def pagefind_binary() -> Path:
    """The extended Pagefind binary from the `pagefind_bin_extended` wheel (never a download)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise SearchIndexError(
            "search needs Pagefind's extended build (it segments Chinese): "
            "pip install 'pagefind[extended]==1.5.2', or set build.search = false") from exc
    return get_executable()


@dataclass(frozen=True)
class SearchIndexed:
    """What a search index build did: pages indexed, bundles (1 + shards), bundles that
    had to be indexed (the others came from the cache), and of those, any that could not
    be made byte-stable."""
    pages: int
    bundles: int
    indexed: int
    unstable: int = 0  # bundles left as Pagefind wrote them (`search_stable`)

    def summary(self) -> str:
        text = f"search: {self.pages} pages in {self.bundles} bundle(s), {self.indexed} indexed"
        if self.unstable:
            text += (f"; {self.unstable} bundle(s) not made byte-stable (a Pagefind version "
                     "whose files search_stable does not know)")
        return text


def build_search_index(site: Path, cache_dir: Path | None = None,
                       shard_size: int = DEFAULT_SHARD_SIZE, jobs: int = 0,
                       reuse: bool = True, pagefind_jobs: int = 0) -> SearchIndexed:
    """Index every page of `site` that has a `data-pagefind-body`.

    Writes the bundle (index, fragments, WebAssembly, UI script and styles) to
    `site/pagefind/`, with the shards of a big site under it (`search_bundles`). With a
    `cache_dir`, the word tails of every Han run seen before and every bundle built before
    are taken from there, so only new runs are segmented and only changed shards indexed.
    `jobs` processes prepare the pages and run Pagefind (0: one per core); `pagefind_jobs`,
    if set, is how many Pagefind processes run at once instead (each holds a shard in
    memory). `reuse=False`
    (a clean build) takes nothing from the cache, and refreshes it.
    """
    # pagefind's service takes $PAGEFIND_BINARY_PATH first, then this wheel's binary; check
    # the wheel is there so a standard `pagefind` on PATH is never used by accident.
    if "PAGEFIND_BINARY_PATH" not in os.environ:
        pagefind_binary()
    site = Path(site).resolve()
    workers = jobs or os.cpu_count() or 1
    try:
        with tempfile.TemporaryDirectory(prefix="pagefind-") as scratch:
            return _index_site(site, Path(scratch), cache_dir, shard_size, workers, reuse,
                               pagefind_jobs or workers)
    except SearchIndexError:
        raise
    except Exception as exc:  # the service reports its failures as plain exceptions
        raise SearchIndexError(f"{site}: Pagefind failed: {exc}") from exc


def _index_site(site: Path, scratch: Path, cache_dir: Path | None, shard_size: int,
                workers: int, reuse: bool, pagefind_workers: int) -> SearchIndexed:
    bundles = BundleCache(cache_dir, read=reuse)
    located: dict[str, Path | None] = {}

    def cached(key: str) -> bool:
        located[key] = bundles.get(key)
        return located[key] is not None

    folders, keys = write_shards(site, scratch, cache_dir, shard_size, workers, reuse, cached)
    missing = [(folder, scratch / "bundles" / key) for folder, key in zip(folders, keys)
               if located.get(key) is None]
    asyncio.run(index_folders(missing, _config, pagefind_workers))
    unstable = 0
    for _, bundle in missing:
        unstable += not stabilize_bundle(bundle)
        located[bundle.name] = bundles.put(bundle.name, bundle)
    install_bundles([located[key] for key in keys], site / BUNDLE_DIR)
    bundles.prune(set(keys))
    return SearchIndexed(sum(1 for _ in (site / BUNDLE_DIR).rglob("fragment/*.pf_fragment")),
                         len(keys), len(missing), unstable)


def write_shards(site: Path, scratch: Path, cache_dir: Path | None, shard_size: int,
                 workers: int, reuse: bool = True,
                 cached: Callable[[str], bool] = lambda key: False) -> tuple[list[Path], list[str]]:
    """Plan the shards of the indexed pages of `site` and prepare, with their tails, the
    pages of every shard that `cached` (bundle key → is that bundle at hand?) does not
    have, one folder per shard under `scratch`; returns the folders and the bundle keys.

    A page is prepared only when its shard must be indexed: what a prepared page weighs
    and hashes to is kept by the page's own bytes (`PageCache`), so a rebuild reads every
    page once (to hash it) and prepares only the changed pages and the shards they fall
    in. (A province's runs and tails, over 100 MB at 2,000 documents, are let go when this
    returns, before Pagefind runs.)
    """
    pages = indexed_pages(site)
    prepared = scratch / "prepared"
    runs_cache = RunCache(cache_dir, read=reuse)
    records = PageCache(cache_dir, read=reuse)
    known = records.known(site, pages, workers)
    done = prepare_and_finish(site, [p for p in pages if p not in known], prepared, runs_cache,
                              workers)
    current = {**known, **done}  # every page's record: as stored, or as just prepared
    plan = plan_shards({page: current[page].weight for page in pages}, shard_size)
    todo = [page for shard in plan if not cached(_shard_key(shard, current))
            for page in shard if page not in done]
    done.update(prepare_and_finish(site, todo, prepared, runs_cache, workers))
    current.update(done)
    # Every page prepared: the runs no page has are dropped; else only added (bounded by the
    # next build that prepares every page, e.g. `build --clean`).
    runs_cache.save(None if len(done) < len(pages) else
                    set().union(*(record.runs for record in done.values())))
    records.save(current)
    folders = [scratch / "shards" / str(n) for n in range(len(plan))]
    keys = [_shard_key(shard, current) for shard in plan]
    for folder, shard in zip(folders, plan):
        for page in shard:
            if page in done:
                (folder / page).parent.mkdir(parents=True, exist_ok=True)
                os.replace(prepared / page, folder / page)
    return folders, keys


def _shard_key(shard: list[str], records: dict[str, PageRecord]) -> str:
    return bundle_key(_bundle_salt(), {page: records[page].digest for page in shard})


@lru_cache(maxsize=1)
def _bundle_salt() -> str:
    # a bundle is cached as stabilized: a change to that code is a change of key too
    stable = hashlib.sha256(Path(search_stable.__file__).read_bytes()).hexdigest()
    return json.dumps([_tails_salt(), stable, LANGUAGE, EXCLUDE_SELECTORS])


@dataclass(frozen=True)
class PageRecord:
    """A page as prepared for Pagefind: the SHA-256 of its HTML, its weight (Han
    characters of its runs and tails, for `plan_shards`), the SHA-256 of the copy Pagefind
    reads (for `bundle_key`) and its Han runs (only while this build runs: not stored)."""
    html_hash: bytes
    weight: int
    digest: bytes
    runs: tuple[str, ...] = ()


def prepare_and_finish(site: Path, pages: list[str], folder: Path, runs_cache: RunCache,
                       workers: int) -> dict[str, PageRecord]:
    """Prepare `pages` into `folder` (`prepare_pages`), segment the runs `runs_cache` does
    not have, and add each page's tails (`add_tails`)."""
    if not pages:
        return {}
    prepared = prepare_pages(site, pages, folder, workers)
    runs = {page: found for page, (_, found) in prepared.items()}
    unseen = sorted(set().union(*runs.values()) - runs_cache.entries.keys())
    if unseen:
        words = asyncio.run(segment_runs(unseen, folder.parent / "words"))
        runs_cache.entries.update((run, run_tails(words[run])) for run in unseen)
    finished = add_tails(folder, runs, runs_cache.entries, workers)
    return {page: PageRecord(prepared[page][0], weight, digest, tuple(runs[page]))
            for page, (weight, digest) in finished.items()}


def _config(**extra: Any) -> Any:
    from pagefind.index import IndexConfig

    return IndexConfig(force_language=LANGUAGE, exclude_selectors=EXCLUDE_SELECTORS, **extra)


def prepare_pages(site: Path, pages: list[str], folder: Path,
                  workers: int) -> dict[str, tuple[bytes, list[str]]]:
    """Write each page as Pagefind should read it to `folder` (`search_copy`), in `workers`
    processes; returns the SHA-256 of each page's HTML and its distinct Han runs
    (`page_runs`), sorted."""
    results = _in_workers(_prepare_share, [(site, folder, share) for share in _split(pages, workers)])
    same: dict[str, str] = {}  # one string per distinct run, however many pages have it
    return {page: (html, [same.setdefault(run, run) for run in runs])
            for result in results for page, html, runs in result}


def _prepare_share(task: tuple[Path, Path, list[str]]) -> list[tuple[str, bytes, list[str]]]:
    site, folder, pages = task
    out = []
    for page in pages:
        data = (site / page).read_bytes()
        text = search_copy(data.decode("utf-8"))
        target = folder / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        out.append((page, hashlib.sha256(data).digest(), sorted(page_runs(text))))
    return out


def _hash_share(task: tuple[Path, list[str]]) -> list[tuple[str, bytes]]:
    site, pages = task
    return [(page, hashlib.sha256((site / page).read_bytes()).digest()) for page in pages]


def add_tails(folder: Path, runs: dict[str, list[str]], tails_by_run: dict[str, list[str]],
              workers: int) -> dict[str, tuple[int, bytes]]:
    """Add to each prepared page in `folder` its tails (`page_tails`, `with_tails`), in
    `workers` processes (forked: they read `runs` and `tails_by_run` as they are); returns
    each page's weight (Han characters of its runs and tails, for `plan_shards`) and the
    SHA-256 of its bytes as written (for `bundle_key`)."""
    global _TAILS_INPUT
    _TAILS_INPUT = (folder, runs, tails_by_run)
    try:
        results = _in_workers(_tails_share, _split(sorted(runs), workers))
    finally:
        _TAILS_INPUT = None
    return {page: (weight, digest) for result in results for page, weight, digest in result}


_TAILS_INPUT: tuple[Path, dict[str, list[str]], dict[str, list[str]]] | None = None


def _tails_share(pages: list[str]) -> list[tuple[str, int, bytes]]:
    folder, runs, tails_by_run = _TAILS_INPUT
    out = []
    for page in pages:
        tails = page_tails(tails_by_run, runs[page])
        path = folder / page
        data = with_tails(path.read_text(encoding="utf-8"), tails).encode("utf-8")
        path.write_bytes(data)
        weight = sum(map(len, runs[page])) + sum(map(len, tails))
        out.append((page, weight, hashlib.sha256(data).digest()))
    return out


def _split(items: list, workers: int) -> list[list]:
    """`items` dealt to `workers` shares (one share for a small site: forking costs more)."""
    shares = [items[i::workers] for i in range(workers)] if len(items) >= 64 else [items]
    return [share for share in shares if share]


def _in_workers(fn, tasks: list) -> list:
    """`[fn(t) for t in tasks]`, each task in its own forked process when there are several."""
    if len(tasks) <= 1:
        return [fn(t) for t in tasks]
    with ProcessPoolExecutor(max_workers=len(tasks),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(fn, tasks))


def page_tails(tails_by_run: dict[str, list[str]], runs: list[str]) -> list[str]:
    """A page's word tails: those of its runs, less every tail that begins a longer one
    (a query word matches the start of an indexed word, so 积金 already stands for 积)."""
    tails = sorted(set().union(*(tails_by_run[run] for run in runs)))
    return [t for t, after in zip(tails, tails[1:] + [""]) if not after.startswith(t)]


def indexed_pages(site: Path) -> list[str]:
    """The pages the search may index (`INDEXED_GLOBS`), relative to the site, sorted."""
    return sorted({p.relative_to(site).as_posix() for pattern in INDEXED_GLOBS
                   for p in site.glob(pattern) if p.is_file()})


def page_runs(html: str) -> set[str]:
    """The runs of two or more Han characters in the indexed part of a page (`html`
    without its ignored elements); a page without `data-pagefind-body` has none."""
    start = BODY_START.search(html)
    if start is None:
        return set()
    end = BODY_END.search(html, start.end())
    body = html[start.start():end.start() if end else len(html)]
    return {run for run in HAN_WORD.findall(body) if len(run) > 1}


async def segment_runs(runs: list[str], scratch: Path) -> dict[str, list[str]]:
    """{run: the binary's words for it}, from one Pagefind pass over the runs as records.

    Runs are sent in records of a few thousand, separated by "。", and read back from the
    records' fragments in order. A run the fragment does not give back whole (which should
    not happen) counts as one word, so it still gets its tails.
    """
    chunks = [runs[i:i + RUNS_PER_RECORD] for i in range(0, len(runs), RUNS_PER_RECORD)]

    async def add(index: Any) -> None:
        for n, chunk in enumerate(chunks):
            await index.add_custom_record(url=f"/runs/{n}/", content=RUN_SEPARATOR.join(chunk),
                                          language=LANGUAGE, meta={"title": str(n)})
    await run_pagefind(_config(output_path=str(scratch)), scratch, add)
    words: dict[str, list[str]] = {}
    for fragment in read_fragments(scratch):
        n = int(fragment["url"].strip("/").split("/")[-1])
        found = _words_by_run(fragment["content"])
        for i, run in enumerate(chunks[n]):
            got = found[i] if i < len(found) else None
            words[run] = got if got is not None and "".join(got) == run else [run]
    return {run: words.get(run, [run]) for run in runs}


RUNS_PER_RECORD = 2000
RUN_BREAK = "。"  # not a Han character: the binary never joins two runs across it
RUN_SEPARATOR = RUN_BREAK + "\n"


def read_fragments(bundle: Path) -> list[dict]:
    """The fragments of a Pagefind bundle (one per page or record), as dicts."""
    out = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        out.append(json.loads(data[data.index(b"{"):]))
    return out


def _words_by_run(content: str) -> list[list[str]]:
    """A record's content with word breaks (U+200B) as the word list of each run, in order."""
    out: list[list[str]] = []
    current: list[str] = []
    for piece in content.split("\u200b"):
        for i, part in enumerate(piece.split(RUN_BREAK)):
            if i:
                out.append(current)
                current = []
            part = part.strip()
            if HAN_WORD.fullmatch(part):
                current.append(part)
    out.append(current)
    return out


def run_tails(words: list[str]) -> list[str]:
    """The tails of one run's words: a word of n Han characters gives its n-1 tails
    (公积金 → 积金, 金); two words side by side give the tails that start inside the first
    (差旅|费 → 旅费), since ICU may join what the binary split."""
    tails: set[str] = set()
    previous = ""
    for word in words:
        tails.update(word[i:] for i in range(1, len(word)))
        if previous:
            joined = previous + word
            tails.update(joined[i:] for i in range(1, len(previous)))
        previous = word
    return sorted(tails)


class PageCache:
    """What each indexed page was prepared into, by the page's own bytes:
    `<cache_dir>/pages.json`, {"salt": ..., "pages": {page: [html, weight, digest]}} (the
    hashes in hex). The salt is the bundles' (`_bundle_salt`): other tails or another
    binary prepare a page differently."""

    def __init__(self, folder: Path | None, read: bool = True):
        self.path = folder / "pages.json" if folder is not None else None
        self.salt = _bundle_salt()
        self.entries: dict[str, list] = _read_salted(self.path, self.salt, "pages") if read else {}

    def known(self, site: Path, pages: list[str], workers: int) -> dict[str, PageRecord]:
        """The records of the `pages` whose HTML is as it was when they were stored."""
        candidates = [page for page in pages if page in self.entries]
        if not candidates:
            return {}
        shares = [(site, share) for share in _split(candidates, workers)]
        found = {}
        for result in _in_workers(_hash_share, shares):
            for page, html in result:
                try:
                    stored, weight, digest = self.entries[page]
                    if bytes.fromhex(stored) == html:
                        found[page] = PageRecord(html, int(weight), bytes.fromhex(digest))
                except (TypeError, ValueError):
                    continue  # a damaged entry: the page is prepared again
        return found

    def save(self, records: dict[str, PageRecord]) -> None:
        """Write the records of this build's pages (those of pages gone are dropped)."""
        pages = {page: [r.html_hash.hex(), r.weight, r.digest.hex()] for page, r in sorted(records.items())}
        _write_salted(self.path, self.salt, "pages", pages)


class RunCache:
    """Word tails by Han run: `<cache_dir>/runs.json`, {"salt": ..., "runs": {run: tails}}.

    The salt covers the Pagefind binary's version and this module's code, so a new
    dictionary or rule never reuses old tails.
    """

    def __init__(self, folder: Path | None, read: bool = True):
        self.path = folder / "runs.json" if folder is not None else None
        self.salt = _tails_salt()
        self.entries: dict[str, list[str]] = _read_salted(self.path, self.salt, "runs") if read else {}

    def save(self, keep: set[str] | None) -> None:
        """Write the entries of the runs in `keep` (the others are dropped); None: all."""
        keep = set(self.entries) if keep is None else keep
        kept = {run: self.entries[run] for run in sorted(keep) if run in self.entries}
        _write_salted(self.path, self.salt, "runs", kept)


def _read_salted(path: Path | None, salt: str, field: str) -> dict:
    """`field` of a cache file {"salt": ..., field: {...}} written under the same salt, else
    nothing (no file, another salt, a damaged file)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data[field] if data.get("salt") == salt else {}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}


def _write_salted(path: Path | None, salt: str, field: str, entries: dict) -> None:
    """Write {"salt": salt, field: entries} to `path` atomically (nothing without a path)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"salt": salt, field: entries}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _tails_salt() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        binary = version("pagefind_bin_extended")
    except PackageNotFoundError:
        binary = "unknown"
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{binary}|{own}"


def with_tails(html: str, tails: list[str]) -> str:
    """The page with its word tails in a weighted-down element at the end of the body."""
    block = f'<p data-pagefind-weight="0.1">{" ".join(tails)}</p>' if tails else ""
    head, sep, rest = html.rpartition("</main>")
    return head + block + sep + rest if sep else html
