"""The search index files: postings of the analyzer's terms, split by term hash.

Written to `search/index/` in the site (JSON, keys sorted, so two builds of the same pages
give the same bytes):

- `meta.json`: {"version", "buckets": N, "chunk": the most units a unit file holds,
  "filters": the filter names; after an edit "delta" and "gone", `update.DELTA_DIR`}: all
  a query needs before its term files, some 100 bytes. `meta.js` sets it as
  `window.searchMeta`: the search page loads it as a script in its <head>, which runs as
  soon as it arrives, before the page is laid out, so a query's term files are asked for
  at once (a fetch of meta.json was read only once the main thread was free of the
  page: some 50 ms later at 2,000 documents on a loaded machine).
- `filters.json`: {"values": per filter, its values, "pages": for each page, the index of
  its value of each filter (-1: none), flat}: fetched only once results are on screen, to
  offer the filters (a province's 900 department names weigh some 70 kB).
  A page's number is its place in "pages" (`page_numbers`); a number no page holds has -1s.
- `t/<bucket>.json`: the postings of every term whose hash (`term_hash`, FNV-1a over its
  UTF-8 bytes) falls in the bucket (hash mod N, N a power of two): {term: "numbers"}, the
  numbers written as `varint`s (page delta, n, code delta × n, page delta, …), pages
  ascending. A code is unit id × 4 + the best field the term occurs in within the unit
  (pages.DEFINED, NAME, TITLE or BODY), the codes of a page ascending and each given as its
  difference from the one before. A query fetches only its own terms' buckets.
- `u/<page>-<file>.bin`: {"page": [url, title, facts: its filters' values in `FILTERS`
  order, those it has and its title does not show], "strings": the anchors and labels of
  its units, "units": [[anchor, label (both as places in "strings"), text], …]}: a page's
  units, cut into files of about `UNIT_FILE_BYTES` of JSON, at most `CHUNK` units each,
  the JSON compressed (zlib's deflate, `UNIT_FILE_LEVEL`; search.js inflates it with the
  browser's DecompressionStream, or assets/inflate.js where there is none): some 3 kB a file, as the 3 kB of plain JSON they
  replace, for a quarter of the files. A unit's id is its file × `CHUNK` + its place
  there, so a result fetches the small files of the units it shows and nothing else.

Each page is analysed on its own (`analyse_page`): its unit files already written as JSON
text, and each unit's id and fields (`postings.field_key`); the whole is kept in the cache
by the page's bytes (`store`), so a rebuild reads only the pages that changed. The term
files are computed for all pages at once (`index_files`, `postings`: the distinct unit
texts analysed once, the postings as numpy arrays), and `store` links from the last build
each file whose bytes did not change.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from functools import lru_cache
from json.encoder import encode_basestring

import numpy as np

from . import postings
from .pages import PageUnits
from .store import TextsFile

INDEX_DIR = "search/index"
VERSION = 6  # 6: unit files of four times the units, compressed (`u/<page>-<n>.bin`)
FILTERS = ["类型", "地区", "年度", "部门"]
CHUNK = 256  # the most units a unit file holds: a unit id is file × CHUNK + place
# about how large a unit file's JSON grows before it is compressed: a result shown loads 1
# or 2. Each file is one the search stage creates (a province's department-year page has
# some 300 units): 1.5 kB of plain JSON gave 78,000 unit files at 2,000 documents, 3 kB
# 38,400; 12 kB compressed (a row's 科目 names and labels recur) is some 3 kB, 10,600 files.
UNIT_FILE_BYTES = 12288
UNIT_FILE_LEVEL = 1  # zlib's level: 6 writes a tenth less (2.85 kB a file, not 3.1) for 40 % more CPU
GROUPS = 16  # terms computed together, by term hash (a power of two, at most the buckets)
BUCKET_BYTES = 8192  # about how large a term file is on average: a term's neighbours
DIGITS = postings.DIGITS


@lru_cache(maxsize=1 << 20)  # a province has some 100 k distinct terms, met on every page
def term_hash(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


@lru_cache(maxsize=1 << 16)  # small numbers recur: deltas, counts
def varint(number: int) -> str:
    """A number ≥ 0 as digits of 5 bits, most significant first: the last from the upper
    half of `DIGITS`, the others from the lower half (search.js reads them back)."""
    digits = DIGITS[32 + (number & 31)]
    number >>= 5
    while number:
        digits = DIGITS[number & 31] + digits
        number >>= 5
    return digits


def analyse_page(url: str, page: PageUnits) -> dict:
    """A page as the index stores it: {"meta": [url, title, filters], "files": [bytes
    of each unit file], "ids": each unit's id, "texts": each unit's fields
    (`postings.field_key`)}; `index_files` makes the term files of all pages from them."""
    meta = [url, page.title, {k: page.filters[k] for k in FILTERS if k in page.filters}]
    units = [[unit.anchor, unit.label, " ".join(unit.text().split())] for unit in page.units]
    files, ids = unit_files(_page_head(meta), units)
    return {"meta": meta, "files": files, "ids": ids,
            "texts": [postings.field_key(unit.fields) for unit in page.units]}


def unit_files(head: list, units: list[list[str]]) -> tuple[list[bytes], list[int]]:
    """`units` ([anchor, label, text]) cut, in order, into unit files of about
    `UNIT_FILE_BYTES` of JSON (at most `CHUNK` units): their bytes (compressed JSON,
    `read_unit_file` reads them back), and each unit's id. Each text is encoded as JSON
    once: its size and its place in the file are those bytes."""
    files: list[bytes] = []
    ids: list[int] = []
    batch: list[tuple[str, str, bytes]] = []
    strings: set[str] = set()  # the anchors and labels the file has so far
    measured: dict[str, int] = {}  # their sizes: each of a page's few measured once
    size = 0
    head_json = _json(head).encode("utf-8")
    for anchor, label, text in units:
        encoded = encode_basestring(text).encode("utf-8")
        own = len(encoded) + 8
        if anchor not in measured:
            measured[anchor] = _size(anchor)
        if label not in measured:
            measured[label] = _size(label)
        both = measured[anchor] + (measured[label] if label != anchor else 0)
        added = ((measured[anchor] if anchor not in strings else 0)
                 + (measured[label] if label != anchor and label not in strings else 0))
        if batch and (len(batch) == CHUNK or size + own + added > UNIT_FILE_BYTES):
            files.append(_unit_file(head_json, batch))
            batch, strings, size, added = [], set(), 0, both
        ids.append(len(files) * CHUNK + len(batch))
        batch.append((anchor, label, encoded))
        strings.add(anchor)
        strings.add(label)
        size += own + added
    if batch or not files:
        files.append(_unit_file(head_json, batch))
    return files, ids


def _size(text: str) -> int:
    return len(encode_basestring(text).encode("utf-8"))


def _unit_file(head: bytes, units: list[tuple[str, str, bytes]]) -> bytes:
    """A unit file's bytes: its JSON (`head` and the units' texts as JSON already; the
    anchors and labels its units repeat written once), compressed."""
    strings: dict[str, int] = {}
    for anchor, label, _ in units:
        strings.setdefault(anchor, len(strings))
        strings.setdefault(label, len(strings))
    rows = b",".join(b"[%d,%d,%s]" % (strings[a], strings[b], text) for a, b, text in units)
    text = b'{"page":%s,"strings":%s,"units":[%s]}' % (
        head, _json(list(strings)).encode("utf-8"), rows)
    return zlib.compress(text, UNIT_FILE_LEVEL)


def read_unit_file(data: bytes) -> dict:
    """A unit file's content (`unit_files`) from its bytes."""
    return json.loads(zlib.decompress(data).decode("utf-8"))


def index_files(pages: list[dict], remembered: TextsFile | None = None,
                numbers: list[int] | None = None, workers: int = 1
                ) -> tuple[dict[str, str], int]:
    """The index files but the unit files, by name in the index folder (JSON text), for
    `pages` (analysed) under `numbers` (`page_numbers`; 0, 1, 2, … without): the term
    files, `meta.json` and `filters.json`; and the size of the postings
    (`postings.bucket_count`). `remembered` keeps the analysis of the distinct texts for
    the next build; `workers` processes compute the term files' hash groups."""
    numbers = list(range(len(pages))) if numbers is None else numbers
    distinct: dict[str, int] = {}
    unit_pages, unit_ids, unit_texts = [], [], []
    for number, page in sorted(zip(numbers, pages), key=lambda pair: pair[0]):
        unit_pages += [number] * len(page["ids"])
        unit_ids += page["ids"]
        for text in page["texts"]:  # identical texts are analysed once
            unit_texts.append(distinct.setdefault(text, len(distinct)))
    analysed, renumbered = postings.analyse_texts(
        list(distinct), remembered.load() if remembered else None)
    if remembered:
        remembered.save(analysed)
    units = postings.Units(np.array(unit_pages, dtype=np.int64),
                           np.array(unit_ids, dtype=np.int64),
                           renumbered[np.array(unit_texts, dtype=np.int64)])
    buckets, terms, size = postings.term_files(analysed.terms, units, GROUPS, BUCKET_BYTES,
                                               term_hash, workers)
    files = {f"t/{n:x}.json": text for n, text in terms.items()}
    files.update(head_files(buckets, by_number(numbers, [page["meta"] for page in pages])))
    return files, size


# Each kind of page (the URL's first folder) is numbered in a range of its own, in this order,
# the kinds added to most often last: a range that grows moves the numbers after it.
KINDS = ("classifications", "regions", "departments", "budgets")
MIN_SLOTS = 8


def page_numbers(pages: list[str]) -> list[int]:
    """Each page's number: a function of the set of pages alone, so that a clean build and
    a rebuild give the same, and one that a page added or removed leaves alone for almost
    every other page (a rebuild patches the postings of the pages whose number or bytes
    changed, `update`). Pages of a kind (`KINDS`) take slots in a range of twice their
    count or more (a power of two), each page from the slot its path hashes to
    (`_home_slot`), the next free one when taken, in the order of (that slot, path), from
    the range's start again past its end (linear probing, its result independent of the
    order pages came in). A page added or removed moves the few pages after it in its run
    of taken slots; only a kind's count crossing a power of two renumbers the range
    (and those after it)."""
    by_kind: dict[str, list[str]] = {}
    for page in pages:
        by_kind.setdefault(page.split("/")[0], []).append(page)
    numbers: dict[str, int] = {}
    offset = 0
    for kind in sorted(by_kind, key=lambda k: (KINDS.index(k) if k in KINDS else -1, k)):
        names = by_kind[kind]
        slots = MIN_SLOTS
        while slots < 2 * len(names):
            slots *= 2
        for page, slot in _slots(names, slots):
            numbers[page] = offset + slot
        offset += slots
    return [numbers[page] for page in pages]


def _slots(names: list[str], slots: int) -> list[tuple[str, int]]:
    """Linear probing of `names` into `slots` (see `page_numbers`): by (home slot, name),
    each at its home or the slot after the one before; those past the end wrap to the
    start, where they come first, and the others are placed again after them."""
    placed = sorted((_home_slot(name, slots), name) for name in names)
    wrapped = 0
    while True:
        at, out = wrapped - 1, []
        for home, name in placed:
            at = max(home, at + 1)
            out.append((name, at))
        over = sum(1 for _, slot in out if slot >= slots)
        if over == wrapped:  # at most half the slots taken: this ends
            return [(name, slot % slots) for name, slot in out]
        wrapped = over


def _home_slot(name: str, slots: int) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & (slots - 1)


def by_number(numbers: list[int], metas: list[list]) -> list[list | None]:
    """The pages' `metas` at their `numbers`, None at a number no page holds."""
    out: list[list | None] = [None] * (max(numbers, default=-1) + 1)
    for number, meta in zip(numbers, metas):
        out[number] = meta
    return out


def head_files(buckets: int, metas: list[list | None],
               delta: tuple[int, list[int]] | None = None) -> dict[str, str]:
    """`meta.json` and `filters.json` for `buckets` term files and the pages' `metas` by
    number (`by_number`); `delta`: the delta files' count and the pages emptied
    (`update.DELTA_DIR`), when a rebuild wrote them."""
    meta = {"version": VERSION, "buckets": buckets, "chunk": CHUNK, "filters": FILTERS}
    if delta is not None:
        meta.update(delta=delta[0], gone=delta[1])
    return {"meta.json": _json(meta), "meta.js": f"window.searchMeta={_json(meta)};\n",
            "filters.json": _json(_filters(metas))}


def bucket_count(size: int) -> int:
    """How many term files postings of `size` take (`postings.bucket_count`)."""
    return postings.bucket_count(size, GROUPS, BUCKET_BYTES)


def _page_head(meta: list) -> list:
    """A unit file's "page": url, title and the page's filter values its title does not
    show already (shown under it)."""
    return [meta[0], meta[1], [meta[2][f] for f in FILTERS if f in meta[2]
                               and meta[2][f] not in meta[1]]]


def _filters(metas: list[list | None]) -> dict:
    facts = [m[2] if m is not None else {} for m in metas]
    values: list[list[str]] = [sorted({m[f] for m in facts if f in m}) for f in FILTERS]
    where = [{v: i for i, v in enumerate(vs)} for vs in values]
    pages = [where[i].get(m.get(f), -1) for m in facts for i, f in enumerate(FILTERS)]
    return {"values": values, "pages": pages}


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
