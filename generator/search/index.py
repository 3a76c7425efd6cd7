"""The search index files: postings of the analyzer's terms, split by term hash.

Written to `search/index/` in the site (JSON, keys sorted, so two builds of the same pages
give the same bytes):

- `meta.json`: {"version", "buckets": N, "chunk": the most units a unit file holds,
  "filters": the filter names}: all a query needs before its term files, some 100 bytes
  (the search page preloads it).
- `filters.json`: {"values": per filter, its values, "pages": for each page, the index of
  its value of each filter (-1: none), flat}: fetched only once results are on screen, to
  offer the filters (a province's 900 department names weigh some 70 kB).
  Pages are numbered in the order of their URLs.
- `t/<bucket>.json`: the postings of every term whose hash (`term_hash`, FNV-1a over its
  UTF-8 bytes) falls in the bucket (hash mod N, N a power of two): {term: "numbers"}, the
  numbers written as `varint`s (page delta, n, code delta × n, page delta, …), pages
  ascending. A code is unit id × 4 + the best field the term occurs in within the unit
  (pages.NAME, TITLE or BODY), the codes of a page ascending and each given as its
  difference from the one before. A query fetches only its own terms' buckets.
- `u/<page>-<file>.json`: {"page": [url, title, facts: its filters' values in `FILTERS`
  order, those it has and its title does not show], "strings": the anchors and labels of its units, "units": [[anchor,
  label (both as places in "strings"), text], …]}: a page's units, cut into files of about
  `UNIT_FILE_BYTES`, at most `CHUNK` units each; a unit's id is its file × `CHUNK` + its
  place there, so a result fetches the small files of the units it shows and nothing else.

Each page is analysed on its own (`analyse_page`): its unit files already written as JSON
text, its postings cut into `GROUPS` JSON texts by term hash; the whole is kept in the
cache by the page's bytes (`store`), so a rebuild analyses only the pages that changed.
The merge (`index_files`) reads the pages' postings in order and merges one group at a
time: a group's terms fill the buckets whose number ends in the group's bits. It gives the
same bytes as a clean build; `store` links from the last build each file whose bytes did
not change.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from functools import lru_cache
from itertools import repeat
from json.encoder import encode_basestring

from .analyzer import index_terms
from .pages import PageUnits

INDEX_DIR = "search/index"
VERSION = 4
FILTERS = ["类型", "地区", "年度", "部门"]
CHUNK = 32  # the most units a unit file holds: a unit id is file × CHUNK + place
UNIT_FILE_BYTES = 1536  # about how large a unit file grows: a result shown loads 1 or 2
GROUPS = 16  # postings of a page, cut by term hash (a power of two, at most the buckets)
BUCKET_BYTES = 8192  # about how large a term file is on average: a term's neighbours
# The digits of `varint`: 64 characters a JSON string holds as they are.
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


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


VARINTS = [varint(n) for n in range(1 << 15)]  # the numbers postings hold nearly always


def varints(numbers: list[int]) -> str:
    """`numbers` as `varint`s, one after the other."""
    try:
        return "".join(map(VARINTS.__getitem__, numbers))
    except IndexError:
        return "".join(map(varint, numbers))


SHORT = 48  # a text this short (a row's name or code) is met again on other pages


@lru_cache(maxsize=1 << 16)
def _short_terms(text: str) -> frozenset[str]:
    return frozenset(index_terms(text))


def _terms(text: str) -> frozenset[str]:
    """`index_terms`, remembered for short texts only (a long one is seldom seen twice)."""
    return _short_terms(text) if len(text) <= SHORT else frozenset(index_terms(text))


def analyse_page(url: str, page: PageUnits) -> dict:
    """A page as the index stores it: {"meta": [url, title, filters], "files": [JSON text
    of each unit file], "groups": [JSON text of {term: "n, code delta × n" as varints} per
    hash group], "size": what its postings add to the term files, in characters}. The merge
    copies the postings' text into the term files, never decoding and encoding again."""
    meta = [url, page.title, {k: page.filters[k] for k in FILTERS if k in page.filters}]
    units = [[unit.anchor, unit.label, " ".join(unit.text().split())] for unit in page.units]
    files, ids = unit_files(_page_head(meta), units)
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, unit in enumerate(page.units):
        fields = tuple(unit.fields)
        coded = (_short_coded_terms(fields) if sum(len(t) for _, t in fields) <= SHORT
                 else _coded_terms(fields))
        for kind, terms in coded:
            # each term's list gets the code: list.append mapped, no Python loop per term
            deque(map(list.append, map(postings.__getitem__, terms),
                      repeat(ids[number] * 4 + kind)), maxlen=0)
    groups: list[dict[str, str]] = [{} for _ in range(GROUPS)]
    size = 0
    for term in sorted(postings):
        codes = postings[term]  # ascending: units are read in order, a term once per unit
        numbers = varints([len(codes), codes[0], *map(int.__sub__, codes[1:], codes)])
        groups[term_hash(term) & (GROUPS - 1)][term] = numbers
        size += len(numbers) + 1
    return {"meta": meta, "files": files, "groups": [_json(g) for g in groups], "size": size}


def _coded_terms(fields: tuple[tuple[int, str], ...]) -> list[tuple[int, frozenset[str]]]:
    """A unit's terms by the best field each occurs in (pages.NAME, TITLE, BODY), best
    field first."""
    if len(fields) == 1:
        return [(fields[0][0], _terms(fields[0][1]))]
    by_kind: dict[int, frozenset[str]] = {}
    for kind, text in fields:
        by_kind[kind] = by_kind[kind] | _terms(text) if kind in by_kind else _terms(text)
    coded, seen = [], frozenset()
    for kind in sorted(by_kind, reverse=True):
        coded.append((kind, by_kind[kind] - seen))
        seen = seen | by_kind[kind]
    return coded


_short_coded_terms = lru_cache(maxsize=1 << 16)(_coded_terms)  # a table row recurs


def unit_files(head: list, units: list[list[str]]) -> tuple[list[str], list[int]]:
    """`units` ([anchor, label, text]) cut, in order, into unit files of about
    `UNIT_FILE_BYTES` (at most `CHUNK` units): their JSON text, and each unit's id."""
    files: list[str] = []
    ids: list[int] = []
    batch: list[list[str]] = []
    strings: set[str] = set()
    size = 0
    for unit in units:
        cost = _size(unit[2]) + sum(_size(s) for s in set(unit[:2]) - strings) + 8
        if batch and (len(batch) == CHUNK or size + cost > UNIT_FILE_BYTES):
            files.append(_unit_file(head, batch))
            batch, strings, size = [], set(), 0
            cost = _size(unit[2]) + sum(_size(s) for s in set(unit[:2])) + 8
        ids.append(len(files) * CHUNK + len(batch))
        batch.append(unit)
        strings.update(unit[:2])
        size += cost
    if batch or not files:
        files.append(_unit_file(head, batch))
    return files, ids


def _size(text: str) -> int:
    return len(encode_basestring(text).encode("utf-8"))


def _unit_file(head: list, units: list[list[str]]) -> str:
    """A unit file's JSON text: the anchors and labels its units repeat, written once."""
    strings: dict[str, int] = {}
    for anchor, label, _ in units:
        strings.setdefault(anchor, len(strings))
        strings.setdefault(label, len(strings))
    return _json({"page": head, "strings": list(strings),
                  "units": [[strings[a], strings[b], text] for a, b, text in units]})


def bucket_count(pages: list[dict]) -> int:
    """How many term files `pages` fill (a power of two: about `BUCKET_BYTES` each)."""
    size = sum(page["size"] for page in pages)
    buckets = GROUPS
    while size / buckets > BUCKET_BYTES:
        buckets *= 2
    return buckets


def group_files(group: int, buckets: int) -> list[str]:
    """The names of the term files a hash group fills."""
    return [f"t/{n:x}.json" for n in range(group, buckets, GROUPS)]


def index_files(pages: list[dict], skip: set[int] = frozenset()) -> dict[str, str]:
    """The index files but the unit files, by name in the index folder (JSON text), for
    `pages` (analysed, in URL order): the term files (but those of the hash groups in
    `skip`), `meta.json` and `filters.json`."""
    buckets = bucket_count(pages)
    files = {}
    for g in sorted(set(range(GROUPS)) - set(skip)):
        merged = _merge_group([page["groups"][g] for page in pages], buckets, g)
        files.update((f"t/{n:x}.json", content) for n, content in merged.items())
    files["meta.json"] = _json({"version": VERSION, "buckets": buckets, "chunk": CHUNK,
                                "filters": FILTERS})
    files["filters.json"] = _json(_filters([page["meta"] for page in pages]))
    return files


def _merge_group(texts: list[str], buckets: int, group: int) -> dict[int, str]:
    """The bucket files of one hash group (their JSON text: {term: "page delta, n, code
    delta × n, …"}, keys sorted, as `_json` would write it), from each page's postings of
    the group."""
    merged: defaultdict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    deltas = VARINTS if len(texts) < len(VARINTS) else list(map(varint, range(len(texts))))
    for number, text in enumerate(texts):
        for term, numbers in json.loads(text).items():
            merged[term].append(deltas[number - last.get(term, 0)] + numbers)
            last[term] = number
    files: dict[int, list[str]] = {n: [] for n in range(group, buckets, GROUPS)}
    for term in sorted(merged):
        files[term_hash(term) & (buckets - 1)].append(f'{_json(term)}:"{"".join(merged[term])}"')
    return {n: "{" + ",".join(parts) + "}" for n, parts in files.items()}


def _page_head(meta: list) -> list:
    """A unit file's "page": url, title and the page's filter values its title does not
    show already (shown under it)."""
    return [meta[0], meta[1], [meta[2][f] for f in FILTERS if f in meta[2]
                               and meta[2][f] not in meta[1]]]


def _filters(metas: list[list]) -> dict:
    values: list[list[str]] = [sorted({m[2][f] for m in metas if f in m[2]}) for f in FILTERS]
    where = [{v: i for i, v in enumerate(vs)} for vs in values]
    pages = [where[i].get(m[2].get(f), -1) for m in metas for i, f in enumerate(FILTERS)]
    return {"values": values, "pages": pages}


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
