"""The search index files: postings of the analyzer's terms, split by term hash.

Written to `search/index/` in the site (JSON, keys sorted, so two builds of the same pages
give the same bytes):

- `meta.json`: {"version", "buckets": N, "chunk": units per unit file, "filters": the
  filter names, "values": per filter, its values, "pages": for each page, the index of
  its value of each filter (-1: none), flat}: what every query needs, a few bytes a page.
  Pages are numbered in the order of their URLs.
- `t/<bucket>.json`: the postings of every term whose hash (`term_hash`, FNV-1a over its
  UTF-8 bytes) falls in the bucket (hash mod N, N a power of two): {term: [page delta, n,
  code delta × n, page delta, …]}, pages ascending; a code is unit × 4 + the best field
  the term occurs in within the unit (pages.NAME, TITLE or BODY), the codes of a page
  ascending and each given as its difference from the one before. A query fetches only its
  own terms' buckets.
- `u/<page>-<chunk>.json`: {"page": [url, title], "units": [[anchor, label, text], …]}, a
  page's units `CHUNK` at a time; fetched only for the results shown.

Each page is analysed on its own (`analyse_page`), its postings already cut into `GROUPS`
JSON texts by term hash, and kept in the cache by the page's bytes, so a rebuild analyses
only the pages that changed. The merge (`write_index`) reads the pages in order, writes
their unit files as it goes, then merges one group at a time: a group's terms fill the
buckets whose number ends in the group's bits, and memory holds the pages' postings as
text plus one group's worth of lists. It gives the same bytes as a clean build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .analyzer import index_terms
from .pages import PageUnits

INDEX_DIR = "search/index"
VERSION = 2
FILTERS = ["类型", "地区", "年度", "部门"]
CHUNK = 32  # units per unit file: a result loads one or two
GROUPS = 16  # postings of a page, cut by term hash (a power of two, at most the buckets)
BUCKET_CODES = 6_000  # about how many codes a term file should hold (some 25 kB of JSON)


@lru_cache(maxsize=1 << 20)  # a province has some 100 k distinct terms, met on every page
def term_hash(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def analyse_page(url: str, page: PageUnits) -> dict:
    """A page as the index stores it: {"meta": [url, title, filters], "units": [[anchor,
    label, text], …], "codes": how many, "groups": [JSON text of {term: [code delta, …]}
    per hash group]}."""
    postings: dict[str, list[int]] = {}
    units = []
    for number, unit in enumerate(page.units):
        seen: set[str] = set()
        for kind, text in sorted(unit.fields, key=lambda f: -f[0]):
            terms = index_terms(text) - seen
            seen |= terms
            code = number * 4 + kind
            for term in terms:
                entry = postings.get(term)
                if entry is None:
                    postings[term] = [code]
                else:
                    entry.append(code)
        units.append([unit.anchor, unit.label, " ".join(unit.text().split())])
    groups: list[dict[str, list[int]]] = [{} for _ in range(GROUPS)]
    for term in sorted(postings):
        codes = postings[term]  # ascending: units are read in order, a term once per unit
        groups[term_hash(term) & (GROUPS - 1)][term] = [b - a for a, b in zip([0] + codes, codes)]
    return {"meta": [url, page.title, {k: page.filters[k] for k in FILTERS if k in page.filters}],
            "units": units, "codes": sum(map(len, postings.values())),
            "groups": [_json(g) for g in groups]}


def write_index(site: Path, pages: Iterable[dict]) -> int:
    """Write the index of `pages` (analysed, in URL order) into `site`; returns the number
    of files written."""
    folder = site / INDEX_DIR
    (folder / "t").mkdir(parents=True, exist_ok=True)
    (folder / "u").mkdir(parents=True, exist_ok=True)
    metas, groups, codes, written = [], [], 0, 0
    for number, page in enumerate(pages):
        metas.append(page["meta"])
        groups.append(page["groups"])
        codes += page["codes"]
        units = page["units"]
        for chunk in range(0, max(len(units), 1), CHUNK):
            _write(folder / "u" / f"{number}-{chunk // CHUNK}.json",
                   {"page": page["meta"][:2], "units": units[chunk:chunk + CHUNK]})
            written += 1
    buckets = GROUPS
    while codes / buckets > BUCKET_CODES:
        buckets *= 2
    for g in range(GROUPS):
        files = _merge_group([page_groups[g] for page_groups in groups], buckets, g)
        for n, content in files.items():
            _write(folder / "t" / f"{n:x}.json", content)
            written += 1
    _write(folder / "meta.json", _meta(metas, buckets))
    return written + 1


def _merge_group(texts: list[str], buckets: int, group: int) -> dict[int, dict[str, list[int]]]:
    """The bucket files of one hash group, from each page's postings of the group."""
    merged: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for number, text in enumerate(texts):
        for term, deltas in json.loads(text).items():
            entry = merged.get(term)
            if entry is None:
                entry = merged[term] = []
            entry += (number - last.get(term, 0), len(deltas))
            entry += deltas
            last[term] = number
    files: dict[int, dict[str, list[int]]] = {n: {} for n in range(group, buckets, GROUPS)}
    for term in sorted(merged):
        files[term_hash(term) & (buckets - 1)][term] = merged[term]
    return files


def _meta(metas: list[list], buckets: int) -> dict:
    values: list[list[str]] = [sorted({m[2][f] for m in metas if f in m[2]}) for f in FILTERS]
    where = [{v: i for i, v in enumerate(vs)} for vs in values]
    pages = [where[i].get(m[2].get(f), -1) for m in metas for i, f in enumerate(FILTERS)]
    return {"version": VERSION, "buckets": buckets, "chunk": CHUNK, "filters": FILTERS,
            "values": values, "pages": pages}


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, data) -> None:
    path.write_text(_json(data), encoding="utf-8")


class PageCache:
    """Analysed pages by the SHA-256 of their HTML and the index code: one JSON file each
    under `<cache_dir>/pages/`. `prune` keeps only the entries this build used."""

    def __init__(self, folder: Path | None, salt: str, read: bool = True):
        self.folder = folder / "pages" if folder is not None else None
        self.salt = salt
        self.read = read
        self.used: set[str] = set()

    def key(self, html: bytes) -> str:
        return hashlib.sha256(self.salt.encode() + html).hexdigest()

    def has(self, key: str) -> bool:
        self.used.add(key)
        return self.read and self.folder is not None and (self.folder / f"{key}.json").exists()

    def get(self, key: str) -> dict | None:
        try:
            return json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, analysed: dict | None) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(_json(analysed), encoding="utf-8")
        tmp.replace(self.folder / f"{key}.json")

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
