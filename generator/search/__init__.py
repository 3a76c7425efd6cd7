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
is not even read again) and links the others' unit files. A page's number follows from
the set of pages (`index.page_numbers`), the same for a clean build and a rebuild, and
stays the same for almost every page when one is added, removed or renamed: the term
files are linked from the last build and the postings of the numbers whose page changed
since they were computed are written beside them as a delta, spliced into them once it
grows large (`update`). When many numbers changed (a kind of page
crossing a power of two in count renumbers its range), the term files are computed for
all pages at once, each distinct unit text analysed once (`postings`, numpy arrays), and
every index file whose bytes did not change is linked from the last build.

The search page (`templates/search.html`, `assets/search.js`) matches the exact string
typed (the units holding all its terms, kept when their text holds the string), falls back
to "all terms" only when no unit holds them all (and says so), ranks name matches (a department, project or 科目) before
titles before body text, and groups results by page. Nothing is loaded from another host.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import analyzer, index, pages, postings, rows, store, texts, update
from .index import INDEX_DIR, analyse_page, head_files, index_files, page_numbers
from .store import (
    SPARE_FILE,
    IndexState,
    IndexWriter,
    PageCache,
    TextsFile,
    file_identity,
    folder_identity,
    unit_file_name,
    write_file,
)

SEARCH_PAGE = "search/"
# The pages a citizen searches for (department-year, department, classification, region,
# and the 名词解释 of the terms they read there).
INDEXED_GLOBS = ("budgets/*/index.html", "departments/*/index.html", "regions/*/index.html",
                 "classifications/*/*/index.html", "glossary/index.html")

__all__ = ["INDEX_DIR", "SEARCH_PAGE", "SearchIndexed", "build_search_index",
           "keep_search_index", "render_search_page", "indexed_pages"]


def render_search_page(writer: Any) -> None:
    """`search/index.html`: the search UI; the header's search box submits here (`?q=`)."""
    writer.write("search.html", SEARCH_PAGE, in_sitemap=False)


@dataclass(frozen=True)
class SearchIndexed:
    """What a search index build did: pages indexed, of those analysed anew (the others
    came from the cache), index files, of those linked from the last build, and the page
    numbers whose postings were patched in the last build's term files (None: the term
    files were computed for all pages)."""
    pages: int
    analysed: int
    files: int
    linked: int = 0
    patched: int | None = None

    def summary(self) -> str:
        return (f"搜索：已索引 {self.pages} 个页面（其中 {self.analysed} 个重新分析），"
                f"索引文件 {self.files} 个（其中 {self.linked} 个沿用上次构建）")


def build_search_index(site: Path, cache_dir: Path | None = None, jobs: int = 0,
                       reuse: bool = True, previous: Path | None = None,
                       spare: IndexState | None = None) -> SearchIndexed:
    """Index the pages of `site` (`INDEXED_GLOBS`) into `site/search/index/`.

    With a `cache_dir`, a page whose bytes were analysed before is taken from there, and
    with `previous` (the last build's site) every index file whose bytes are those it had
    there is linked from it (`store`); `reuse=False` (a clean build) reads every page
    and writes every file. `jobs` worker processes read the other pages (0: one per
    core), write their unit files and keep their analysis in the cache; the term files
    are then patched from the last build's (`_patch`) or computed for all pages at once.
    `spare`: the state of the index `site` holds already (`spare_index_state`), updated in
    place; an index there without one is deleted.
    """
    site = Path(site)
    with tempfile.TemporaryDirectory(prefix="search-") as scratch:
        folder = Path(cache_dir) if cache_dir is not None else Path(scratch)
        cache = PageCache(folder, _salt(), read=reuse)
        old = Path(previous) / INDEX_DIR if previous is not None and reuse else None
        state = IndexState.load(folder, old, cache.salt) if old is not None else None
        writer = IndexWriter(site / INDEX_DIR, old, state, _spare(site, spare if reuse else None))
        saved = IndexState(salt=cache.salt)
        todo = []
        found = indexed_pages(site)
        blank = cache.blank()  # then a page's key is worked out by the worker reading it
        for page, number in zip(found, page_numbers(found)):
            identity = file_identity(site / page)
            key = state.key(page, identity) if state else None
            if key is None and not blank:
                key = cache.key((site / page).read_bytes())
            saved.pages[page] = [key, identity, number,
                                 None if key is not None and cache.has(key) else 0]
        writer.clear_units({entry[2]: (page, entry[0]) for page, entry in saved.pages.items()
                            if entry[3] is None})
        for page, entry in saved.pages.items():
            entry[3] = writer.link_units(page, *entry[0:3:2]) if entry[3] is None else None
            if entry[3] is None:  # read again, its unit files written anew
                todo.append((page, entry[0], entry[2]))
        records = dict.fromkeys(saved.pages)
        done = set()
        workers = jobs or os.cpu_count() or 1
        for page, key, count, record in _analyse_all(site, todo, cache, writer.folder, workers):
            saved.pages[page][0], saved.pages[page][3], records[page] = key, count, record
            cache.used.add(key)
            writer.written += count
            done.add(page)
        patched = _patch(state, saved, records, cache, writer) if state is not None else None
        if patched is None:
            for page, entry in saved.pages.items():
                if page not in done:
                    records[page] = cache.get(entry[0])
            remembered = (TextsFile(folder, cache.salt, read=reuse)
                          if cache_dir is not None else None)
            analysed = [records[page] or _without_units(page) for page in saved.pages]
            numbers = [entry[2] for entry in saved.pages.values()]
            files, saved.size = index_files(analysed, remembered, numbers, workers)
            saved.hashes = writer.files(files)
            for page, record in zip(saved.pages, analysed):
                saved.pages[page].append(record["meta"])
        writer.finish(saved.hashes)
        if cache_dir is not None:
            saved.folder = folder_identity(site / INDEX_DIR)
            saved.save(folder)
            _keep_as_spare(folder, state)
        cache.prune()
    indexed = sum(1 for entry in saved.pages.values() if entry[3])  # a file or more
    return SearchIndexed(indexed, len(todo), writer.written + writer.linked, writer.linked,
                         patched)


def _patch(state: IndexState, saved: IndexState, records: dict[str, dict | None],
           cache: PageCache, writer: IndexWriter) -> int | None:
    """Write the changes of the pages since the term files were computed (the base: where
    a number's page changed, another page or its bytes: a page added, removed, renamed,
    edited, or moved by one of those, `index.page_numbers`) as a delta beside the last
    build's term files, or patched into them once the delta grows large (`update`), when
    those numbers are few and the cache still holds the analysis of the pages they held:
    how many numbers differ from the base; None (nothing written) otherwise."""
    before, after = state.base_numbered(), saved.numbered()  # the term files' pages: the base
    changed = [n for n in sorted(before.keys() | after.keys()) if before.get(n) != after.get(n)]
    if len(changed) > max(64, len(saved.pages) // 8):  # many: computing all is faster
        return None
    if not all(cache.stored(before[n][1]) for n in changed if n in before):
        return None
    cache.used.update(before[n][1] for n in changed if n in before)  # the delta's base
    new = {n: (records[after[n][0]] or cache.get(after[n][1])) if n in after else None
           for n in changed}
    codes = {n: update.changed_codes(cache.get(before[n][1]) if n in before else None, new[n])
             for n in changed}
    buckets = index.bucket_count(state.size)  # the base's count of term files
    patched = update.changed_files(writer.old, buckets, state.size, codes,
                                   {n for n in changed if not (new[n] or {}).get("ids")})
    if patched is None:
        return None
    files, size, delta = patched
    metas = {page: state.pages[page][4] if state.pages.get(page, [None])[0] == entry[0]
             else (records[page] or cache.get(entry[0]) or _without_units(page))["meta"]
             for page, entry in saved.pages.items()}  # (kept in the spare: not read again)
    files.update(head_files(buckets, index.by_number(
        [entry[2] for entry in saved.pages.values()], list(metas.values())), delta))
    saved.base = {str(n): before.get(n) for n in changed} if delta else {}
    try:
        hashes = writer.link_others(set(files) | update.delta_names(state.hashes))
    except OSError:
        return None
    saved.hashes = {**hashes, **writer.files(files)}
    saved.size = size
    for page, entry in saved.pages.items():
        entry.append(metas[page])
    return len(changed)


def _spare(site: Path, spare: IndexState | None) -> IndexState | None:
    """`spare`, the state of the index `site` holds already (the spare site's, from
    `spare_index_state`), to be updated in place; an index there that no state describes is
    deleted (the caller should have moved it aside: deleting a province's index file by file
    takes seconds)."""
    index = site / INDEX_DIR
    if not index.is_dir():
        return None
    if spare is None:
        shutil.rmtree(index)
    return spare


def spare_index_state(site: Path, cache_dir: Path) -> IndexState | None:
    """The state kept for the index in `site` (the spare's) if it describes that index, so
    that `build_search_index(spare=…)` updates it in place; else None."""
    index = Path(site) / INDEX_DIR
    return IndexState.load(Path(cache_dir), index, _salt(), SPARE_FILE)


def _keep_as_spare(cache_dir: Path, state: IndexState | None) -> None:
    """Keep the last build's state as that of the spare's index: the swap makes the last
    build's site the spare, which the next build updates in place."""
    if state is not None:
        state.save(cache_dir, SPARE_FILE)
    else:
        (cache_dir / SPARE_FILE).unlink(missing_ok=True)


def _without_units(page: str) -> dict:
    """The record of a page search finds nothing on (it keeps its number)."""
    return {"meta": [page_url(page), "", {}], "ids": [], "texts": []}


def keep_search_index(site: Path, cache_dir: Path, previous: Path) -> bool:
    """The last build's index (in the site `previous`) linked into `site` as it was, for
    `serve` to show an edit before the index is updated; its saved state is then that of
    the linked folder, so the next build updates it as it would the last build's. False
    (nothing linked): there is no index, or no state describing it, to keep."""
    old, new = Path(previous) / INDEX_DIR, Path(site) / INDEX_DIR
    state = IndexState.load(Path(cache_dir), old, _salt())
    if state is None:
        return False
    _keep_as_spare(Path(cache_dir), state)
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


Task = tuple[str, "str | None", int]  # page, key (None: to be worked out), number
# page, key, unit files written, record (`analyse_page`)
Analysed = tuple[str, str, int, "dict | None"]


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
        html = (site / page).read_bytes()
        key = key or cache.key(html)  # (a cold build's: hashed here, not in the parent)
        units = pages.read_page(html.decode("utf-8"),
                                rows.rows_reader(given.get(_document(page) or "")))
        record = analyse_page(page_url(page), units) if units else None
        files = record.pop("files") if record else []
        for k, text in enumerate(files):
            write_file(f"{folder}/{unit_file_name(number, k)}", text)
        cache.put(key, record)
        out.append((page, key, len(files), record))
    return out


def _document(page: str) -> str | None:
    """The doc_id of a department-year page (`budgets/<doc_id>/index.html`)."""
    parts = page.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "budgets" else None


@functools.cache  # the code this process runs: read once, however many builds it makes
def _salt() -> str:
    """The index code's own hash: another analyzer or format never reuses a cached page."""
    digest = hashlib.sha256()
    for module in (analyzer, index, pages, postings, rows, store, texts, update):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()
