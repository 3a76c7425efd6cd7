"""Full-text search: an index of our own on Han character bigrams, and the search page.

The pipeline's last stage before the swap: every page a citizen searches for
(`INDEXED_GLOBS`: department-year, department, classification, region) is read from the
finished staging folder into units (`pages`: the page head, each table row, project,
绩效 target, text section; a department-year's table and indicator rows from the site's
database, `rows`), their text into terms (`analyzer`: Han bigrams, single Han
characters, ASCII words — the rules search.js applies to the query), and the terms'
postings are written in small files by term hash (`index`), so that a query fetches only
the postings of its own terms. Pages are read in worker processes, which write their unit
files, and each one's analysis is kept in `.cache/search/` by the page's bytes (`store`):
a rebuild reads only the changed pages (a page the render stage linked from the last build
is not even read again) and links the others' unit files. When the pages are those of the
last build, the term files the changed pages' postings touch are patched from the last
build's (`update`) and the others linked; otherwise they are computed for all pages at
once, each distinct unit text analysed once (`postings`, numpy arrays),
and every index file whose bytes did not change is linked from the last build.

The search page (`templates/search.html`, `assets/search.js`) matches the exact string
typed (the units holding all its terms, kept when their text holds the string), falls back
to "all terms" only when no unit holds them all (and says so), ranks name matches (a department, project or 科目) before
titles before body text, and groups results by page. Nothing is loaded from another host.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import analyzer, index, pages, postings, rows, store, texts, update
from .index import INDEX_DIR, analyse_page, head_files, sized_index_files
from .store import (
    IndexState,
    IndexWriter,
    PageCache,
    TextsFile,
    file_identity,
    folder_identity,
    write_file,
)

SEARCH_PAGE = "search/"
# The pages a citizen searches for (department-year, department, classification, region).
INDEXED_GLOBS = ("budgets/*/index.html", "departments/*/index.html", "regions/*/index.html",
                 "classifications/*/*/index.html")

__all__ = ["INDEX_DIR", "SEARCH_PAGE", "SearchIndexed", "build_search_index",
           "keep_search_index", "render_search_page", "indexed_pages"]


def render_search_page(writer: Any) -> None:
    """`search/index.html`: the search UI; the header's search box submits here (`?q=`)."""
    writer.write("search.html", SEARCH_PAGE, in_sitemap=False)


@dataclass(frozen=True)
class SearchIndexed:
    """What a search index build did: pages indexed, of those analysed anew (the others
    came from the cache), index files, of those linked from the last build."""
    pages: int
    analysed: int
    files: int
    linked: int = 0

    def summary(self) -> str:
        return (f"搜索：已索引 {self.pages} 个页面（其中 {self.analysed} 个重新分析），"
                f"索引文件 {self.files} 个（其中 {self.linked} 个沿用上次构建）")


def build_search_index(site: Path, cache_dir: Path | None = None, jobs: int = 0,
                       reuse: bool = True, previous: Path | None = None) -> SearchIndexed:
    """Index the pages of `site` (`INDEXED_GLOBS`) into `site/search/index/`.

    With a `cache_dir`, a page whose bytes were analysed before is taken from there, and
    with `previous` (the last build's site) every index file whose bytes are those it had
    there is linked from it (`store`); `reuse=False` (a clean build) reads every page
    and writes every file. `jobs` worker processes read the other pages (0: one per
    core), write their unit files and keep their analysis in the cache; the term files
    are then computed for all pages at once.
    """
    site = Path(site)
    with tempfile.TemporaryDirectory(prefix="search-") as scratch:
        folder = Path(cache_dir) if cache_dir is not None else Path(scratch)
        cache = PageCache(folder, _salt(), read=reuse)
        old = Path(previous) / INDEX_DIR if previous is not None and reuse else None
        state = (IndexState.load(folder, old, cache.salt)
                 if old is not None and old.is_dir() else None)
        writer = IndexWriter(site / INDEX_DIR, old, state)
        saved = IndexState(salt=cache.salt)
        todo = []
        for number, page in enumerate(indexed_pages(site)):
            identity = file_identity(site / page)
            key = ((state.key(page, identity) if state else None)
                   or cache.key((site / page).read_bytes()))
            count = writer.link_units(page, key, number) if cache.has(key) else None
            if count is None:  # read again, its unit files written anew
                todo.append((page, key, number))
            saved.pages[page] = [key, identity, number, count]
        records = dict.fromkeys(saved.pages)
        done = set()
        workers = jobs or os.cpu_count() or 1
        for page, count, record in _analyse_all(site, todo, cache, writer.folder, workers):
            saved.pages[page][3], records[page] = count, record
            writer.written += count
            done.add(page)
        if state is None or not _patch(state, saved, records, cache, writer):
            for page, entry in saved.pages.items():
                if page not in done:
                    records[page] = cache.get(entry[0])
            remembered = (TextsFile(folder, cache.salt, read=reuse)
                          if cache_dir is not None else None)
            analysed = [records[page] or _without_units(page) for page in saved.pages]
            files, saved.size = sized_index_files(analysed, remembered)
            saved.hashes = writer.files(files)
            for page, record in zip(saved.pages, analysed):
                saved.pages[page].append(record["meta"])
        if cache_dir is not None:
            saved.folder = folder_identity(site / INDEX_DIR)
            saved.save(folder)
        cache.prune()
    indexed = sum(1 for entry in saved.pages.values() if entry[3])  # a file or more
    return SearchIndexed(indexed, len(todo), writer.written + writer.linked, writer.linked)


def _patch(state: IndexState, saved: IndexState, records: dict[str, dict | None],
           cache: PageCache, writer: IndexWriter) -> bool:
    """Write the term files by patching the last build's (`update`), when the pages are
    the same under the same numbers and the cache still holds the changed ones' last
    analysis; False (nothing written) otherwise."""
    if list(saved.pages) != list(state.pages):
        return False
    changed = {}
    for page, entry in saved.pages.items():
        before = state.pages[page]
        if entry[0] != before[0]:
            if not cache.stored(before[0]):
                return False
            changed[page] = (update.page_postings(cache.get(before[0])),
                             update.page_postings(records[page]))
    buckets = index.bucket_count(state.size)  # the last build's count of term files
    patched = update.patched_files(writer.old, buckets, state.size,
                                   update.changed_terms({saved.pages[page][2]: codes
                                                         for page, codes in changed.items()}))
    if patched is None:
        return False
    files, size = patched
    metas = [(records[page] or _without_units(page))["meta"] if page in changed
             else state.pages[page][4] for page in saved.pages]
    files.update(head_files(buckets, metas))
    try:
        hashes = writer.link_others(set(files))
    except OSError:
        return False
    saved.hashes = {**hashes, **writer.files(files)}
    saved.size = size
    for entry, meta in zip(saved.pages.values(), metas):
        entry.append(meta)
    return True


def _without_units(page: str) -> dict:
    """The record of a page search finds nothing on (it keeps its number)."""
    return {"meta": [page_url(page), "", {}], "ids": [], "texts": []}


def keep_search_index(site: Path, cache_dir: Path, previous: Path) -> bool:
    """The last build's index (in the site `previous`) linked into `site` as it was, for
    `serve` to show an edit before the index is updated; its saved state is then that of
    the linked folder, so the next build updates it as it would the last build's. False
    (nothing linked): there is no index, or no state describing it, to keep."""
    old, new = Path(previous) / INDEX_DIR, Path(site) / INDEX_DIR
    state = IndexState.load(Path(cache_dir), old, _salt()) if old.is_dir() else None
    if state is None:
        return False
    for folder, _, names in os.walk(old):
        target = new / Path(folder).relative_to(old)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            store.link(f"{folder}/{name}", f"{target}/{name}")
    state.folder = folder_identity(new)
    state.save(Path(cache_dir))
    return True


def indexed_pages(site: Path) -> list[str]:
    """The pages the search indexes (`INDEXED_GLOBS`), relative to the site, sorted."""
    return sorted({p.relative_to(site).as_posix() for pattern in INDEXED_GLOBS
                   for p in site.glob(pattern) if p.is_file()})


def page_url(page: str) -> str:
    """The site path of an indexed page file: `budgets/x/index.html` → `budgets/x/`."""
    return page[:-len("index.html")] if page.endswith("index.html") else page


Task = tuple[str, str, int]  # page, key, number
Analysed = tuple[str, int, "dict | None"]  # page, unit files written, record (`analyse_page`)


def _analyse_all(site: Path, todo: list[Task], cache: PageCache, folder: Path,
                 workers: int) -> list[Analysed]:
    """Analyse the `todo` pages into `cache` and write their unit files into the index
    `folder`, in `workers` forked processes."""
    shares = [todo[i::workers] for i in range(workers)] if len(todo) >= 64 else [todo]
    tasks = [(site, cache, folder, share) for share in shares if share]
    if len(tasks) <= 1:
        return [done for task in tasks for done in _analyse_share(task)]
    with ProcessPoolExecutor(max_workers=len(tasks),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return [done for share in pool.map(_analyse_share, tasks) for done in share]


def _analyse_share(task: tuple[Path, PageCache, Path, list[Task]]) -> list[Analysed]:
    site, cache, folder, share = task
    # the table rows of the share's pages, from the site's database (`rows`): each worker
    # queries its own, at the same time
    given = rows.page_rows(site, [d for d in (_document(page) for page, _, _ in share) if d])
    out = []
    for page, key, number in share:
        units = pages.read_page((site / page).read_text(encoding="utf-8"),
                                rows.rows_reader(given.get(_document(page) or "")))
        record = analyse_page(page_url(page), units) if units else None
        files = record.pop("files") if record else []
        for k, text in enumerate(files):
            write_file(f"{folder}/u/{number}-{k}.json", text)
        cache.put(key, record)
        out.append((page, len(files), record))
    return out


def _document(page: str) -> str | None:
    """The doc_id of a department-year page (`budgets/<doc_id>/index.html`)."""
    parts = page.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "budgets" else None


def _salt() -> str:
    """The index code's own hash: another analyzer or format never reuses a cached page."""
    digest = hashlib.sha256()
    for module in (analyzer, index, pages, postings, rows, store, texts, update):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()
