"""The search index files: postings of the analyzer's terms, split by term hash.

Written to `search/index/` in the site (all JSON, keys sorted, so two builds of the same
pages give the same bytes):

- `meta.json`: {"version", "buckets": N, "chunk": units per unit file, "filters": the
  filter names, "values": per filter, its values, "pages": for each page, the index of
  its value of each filter (-1: none), flat}: what every query needs, a few bytes a page.
  Pages are numbered in the order of their URLs.
- `t/<bucket>.json`: the postings of every term whose hash (`term_hash`, FNV-1a over its
  UTF-8 bytes) falls in the bucket (hash mod N, N a power of two): {term: [page delta,
  n, unit, slot code, … n pairs, page delta, …]}, pages ascending, the slot code being
  slot × 4 + field (pages.NAME, TITLE or BODY). A query fetches only its own terms'
  buckets.
- `u/<page>-<chunk>.json`: a page's units, `chunk` at a time: {"page": [url, title],
  "units": [[anchor, label, text], …]}; fetched only for the results shown.

Each page is analysed on its own (`analyse_page`) and the result kept in the cache by the
page's bytes, so a rebuild analyses only the pages that changed and merges the rest from
the cache (`PageCache`); the merge gives the same bytes as a clean build.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .analyzer import index_terms
from .pages import PageUnits

INDEX_DIR = "search/index"
VERSION = 1
FILTERS = ["类型", "地区", "年度", "部门"]
CHUNK = 16  # units per unit file: a result loads one or two
BUCKET_BYTES = 24_000  # about what a term file should weigh (JSON, before compression)


def term_hash(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def analyse_page(url: str, page: PageUnits) -> dict:
    """A page as the index stores it: {"meta": [url, title, filters], "units": [[anchor,
    label, text], …], "postings": {term: [unit, slot code, …]}}. A unit's fields are read
    one after the other with a slot left between them, so a phrase never spans two."""
    postings: dict[str, list[int]] = {}
    units = []
    for number, unit in enumerate(page.units):
        slot = 0
        for kind, text in unit.fields:
            terms = index_terms(text, slot)
            for term, at in terms:
                postings.setdefault(term, []).extend((number, at * 4 + kind))
            slot = (terms[-1][1] + 2) if terms else slot
        units.append([unit.anchor, unit.label, " ".join(unit.text().split())])
    return {"meta": [url, page.title, {k: page.filters[k] for k in FILTERS if k in page.filters}],
            "units": units, "postings": dict(sorted(postings.items()))}


def write_index(site: Path, analysed: list[dict]) -> int:
    """Write the index of `analysed` pages (sorted here by URL) into `site`; returns the
    number of files written."""
    analysed = sorted(analysed, key=lambda a: a["meta"][0])
    folder = site / INDEX_DIR
    (folder / "t").mkdir(parents=True, exist_ok=True)
    (folder / "u").mkdir(parents=True, exist_ok=True)
    merged: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    size = 0
    for number, page in enumerate(analysed):
        for term, ints in page["postings"].items():
            entry = merged.get(term)
            if entry is None:
                entry = merged[term] = []
            entry.append(number - last.get(term, 0))
            entry.append(len(ints) // 2)
            entry.extend(ints)
            last[term] = number
            size += len(ints) * 4 + 8
    buckets = 1
    while size / buckets > BUCKET_BYTES:
        buckets *= 2
    files: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
    for term in sorted(merged):
        files[term_hash(term) & (buckets - 1)][term] = merged[term]
    written = 0
    for n, content in enumerate(files):
        _write_json(folder / "t" / f"{n:x}.json", content)
        written += 1
    for number, page in enumerate(analysed):
        units = page["units"]
        for chunk in range(0, max(len(units), 1), CHUNK):
            _write_json(folder / "u" / f"{number}-{chunk // CHUNK}.json",
                        {"page": page["meta"][:2], "units": units[chunk:chunk + CHUNK]})
            written += 1
    _write_json(folder / "meta.json", _meta(analysed, buckets))
    return written + 1


def _meta(analysed: list[dict], buckets: int) -> dict:
    values: list[list[str]] = [sorted({a["meta"][2][f] for a in analysed if f in a["meta"][2]})
                               for f in FILTERS]
    where = [{v: i for i, v in enumerate(vs)} for vs in values]
    pages = [where[i].get(filters.get(f), -1) for _, _, filters in (a["meta"] for a in analysed)
             for i, f in enumerate(FILTERS)]
    return {"version": VERSION, "buckets": buckets, "chunk": CHUNK, "filters": FILTERS,
            "values": values, "pages": pages}


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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

    def get(self, key: str) -> dict | None:
        self.used.add(key)
        if self.folder is None or not self.read:
            return None
        try:
            return json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, analysed: dict) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(analysed, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / f"{key}.json")

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
