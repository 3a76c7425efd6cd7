"""Full-text search: the Pagefind index over the finished site, and the search page.

Pagefind's *extended* build (`pagefind[extended]`, pinned in pyproject.toml) segments
Chinese into words; the standard build does not and finds nothing, so the extended
binary is required rather than merely preferred. The index is built once, at the end of
a build, over the whole staging folder by one Pagefind process — indexing page by page
would start the service and rewrite the bundle for every page.

What gets indexed is decided in the templates, where a site can override it:
`data-pagefind-body` marks the pages a citizen searches for (department-year,
department, classification, region); every other page (source views, the data
dictionary, indexes) has no body and stays out. `data-pagefind-filter` gives the
filters 类型 / 地区 / 年度 / 部门, `data-pagefind-ignore` drops charts, check results and
navigation, and each named project is an `<h3 id="project-N">`, so Pagefind returns it
as a sub-result that links to the project's entry. Cells rendered in Python
(`render/tablehtml.py`) carry no attributes, so the amounts, line links and raw codes
there are excluded by selector below: numbers would bloat the index without helping
anyone find a page.

Why the site is indexed twice: the Pagefind binary cuts Chinese into words with its own
dictionary (jieba), but the browser cuts the *query* with `Intl.Segmenter` (ICU), and the
two disagree — ICU reads 住房公积金 as 住房|公|积|金, 差旅费 as 差|旅费, while the index holds
住房公积金 and 差旅费 — so the very 科目 pages named after a term were not found. Each query
word matches the start of an indexed word, so the first pass learns the binary's own words
for every page (from the fragments it writes) and the second pass indexes each page with
the tails of its words added (公积金 积金 金, 旅费 费) in an element weighted down, so any
piece ICU may cut from a word still matches it. The pages on disk are not changed: the
second pass indexes copies of the indexed pages, with the element added, from a
scratch folder. Only the pages the search needs are read at all (`INDEXED_GLOBS`), and
a page's tails are cached by the hash of its HTML (`TailsCache`), so the first pass
reads only pages it has not seen before.

The bundle is written to `pagefind/` at the site root; the search page loads it with
relative URLs (`templates/search.html`, `assets/search.js`), nothing from another host.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

BUNDLE_DIR = "pagefind"
SEARCH_PAGE = "search/"
LANGUAGE = "zh-cn"
# Parts of indexed pages that templates cannot mark: table cells built in Python and the
# source-line links ("L130") that follow nearly every figure.
EXCLUDE_SELECTORS = ["td.num", "td.line", "a.src", "span.raw"]
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


def build_search_index(site: Path, cache_dir: Path | None = None) -> int:
    """Index every page of `site` that has a `data-pagefind-body`; returns the page count.

    Writes the bundle (index, fragments, WebAssembly, UI script and styles) to
    `site/pagefind/`. With a `cache_dir`, the first pass (learning each page's words)
    reads only pages not seen before: a page's word tails are kept there by the hash of
    its HTML, so a rebuild after one changed document runs the first pass over that
    document's pages alone.
    """
    return asyncio.run(_index_site(Path(site).resolve(), cache_dir))


def _config(**extra: Any) -> Any:
    from pagefind.index import IndexConfig

    return IndexConfig(force_language=LANGUAGE, exclude_selectors=EXCLUDE_SELECTORS, **extra)


async def _index_site(site: Path, cache_dir: Path | None = None) -> int:
    from pagefind.index import PagefindIndex

    # pagefind's service takes $PAGEFIND_BINARY_PATH first, then this wheel's binary; check
    # the wheel is there so a standard `pagefind` on PATH is never used by accident.
    if "PAGEFIND_BINARY_PATH" not in os.environ:
        pagefind_binary()
    html = {page: (site / page).read_bytes() for page in indexed_pages(site)}
    cache = TailsCache(cache_dir)
    keys = {page: cache.key(data) for page, data in html.items()}
    tails: dict[str, list[str] | None] = {page: cache.get(key) for page, key in keys.items()}
    try:
        with tempfile.TemporaryDirectory(prefix="pagefind-") as scratch:
            unseen, words = Path(scratch) / "unseen", Path(scratch) / "words"
            pages = Path(scratch) / "pages"
            todo = [page for page, found in tails.items() if found is cache.MISSING]
            if todo:
                for page in todo:  # linked, not copied: the first pass only reads them
                    _link_or_copy(site / page, unseen / page)
                async with PagefindIndex(config=_config(output_path=str(words))) as first:
                    await first.add_directory(str(unseen))
                learned = word_tails(words)
                for page in todo:
                    # None: Pagefind did not index the page (no data-pagefind-body).
                    tails[page] = learned.get(page_url(page))
                    cache.put(keys[page], tails[page])
            cache.save(keys.values())
            # One directory for the second pass: one request to the service, not one per
            # page (its client reads a reply every 0.1 s).
            indexed = {page: extra for page, extra in tails.items() if extra is not None}
            for page, extra in indexed.items():
                target = pages / page
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(with_tails(html[page].decode("utf-8"), extra), encoding="utf-8")
            async with PagefindIndex(config=_config(output_path=str(site / BUNDLE_DIR))) as index:
                await index.add_directory(str(pages))
    except Exception as exc:  # the service reports its failures as plain exceptions
        raise SearchIndexError(f"{site}: Pagefind failed: {exc}") from exc
    return len(indexed)


def indexed_pages(site: Path) -> list[str]:
    """The pages the search may index (`INDEXED_GLOBS`), relative to the site, sorted."""
    return sorted({p.relative_to(site).as_posix() for pattern in INDEXED_GLOBS
                   for p in site.glob(pattern) if p.is_file()})


def page_url(page: str) -> str:
    """The URL Pagefind gives a page file: 'budgets/x/index.html' → '/budgets/x/'."""
    return "/" + page.removesuffix("index.html")


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class TailsCache:
    """Word tails by page content: `<cache_dir>/tails.json`, {hash of page HTML: tails or None}.

    The key covers the page's bytes, the Pagefind binary's version and how tails are
    made (this module's code), so a new dictionary or rule never reuses old tails.
    """

    MISSING = object()

    def __init__(self, folder: Path | None):
        self.path = folder / "tails.json" if folder is not None else None
        self.entries: dict[str, list[str] | None] = {}
        self.salt = _tails_salt()
        if self.path is not None:
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.salt + data).hexdigest()

    def get(self, key: str) -> Any:
        return self.entries.get(key, self.MISSING)

    def put(self, key: str, tails: list[str] | None) -> None:
        self.entries[key] = tails

    def save(self, keep: Any) -> None:
        """Write the entries of the pages in this build (older ones are dropped)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = {k: self.entries[k] for k in sorted(set(keep)) if k in self.entries}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def _tails_salt() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    try:
        binary = version("pagefind_bin_extended")
    except PackageNotFoundError:
        binary = "unknown"
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{binary}|{own}|".encode()


def word_tails(bundle: Path) -> dict[str, list[str]]:
    """{page URL: the tails of its Chinese words} from a bundle's fragments.

    A fragment holds the page's indexed text with the binary's word breaks marked by
    U+200B. A word of n Han characters gives its n-1 tails (公积金 → 积金, 金); two words
    side by side give the tails that start inside the first (差旅|费 → 旅费), since ICU may
    join what the binary split.
    """
    pages: dict[str, list[str]] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        tails: set[str] = set()
        previous = ""
        for piece in fragment["content"].split("\u200b"):
            word = piece if HAN_WORD.fullmatch(piece) else ""
            tails.update(word[i:] for i in range(1, len(word)))
            if previous and word:
                joined = previous + word
                tails.update(joined[i:] for i in range(1, len(previous)))
            previous = word
        pages[fragment["url"]] = sorted(tails)
    return pages


def with_tails(html: str, tails: list[str]) -> str:
    """The page with its word tails in a weighted-down element at the end of the body."""
    block = f'<p data-pagefind-weight="0.1">{" ".join(tails)}</p>' if tails else ""
    head, sep, rest = html.rpartition("</main>")
    return head + block + sep + rest if sep else html
