"""What a query can see of a built search index, for tests that compare an incremental
build's index with a clean build's.

After an edit the index holds the term files of the build that last computed them and a
delta beside them (`generator/search/update.py`, `DELTA_DIR`; issue 17: an edit writes a
few files, not a third of the term files), so its bytes differ from a clean build's while
every query sees the same postings: these tests compare the decoded postings (each term's
term file entry with its delta applied, as search.js merges them), the unit files and
`filters.json` by bytes, and `meta.json` but for the delta's and term files' counts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.search.index import term_hash
from generator.search.update import DELTA_DIR, merged

POSTINGS = ("t/", DELTA_DIR + "/")


def index_view(index: Path) -> dict:
    """{"meta": meta.json but its counts, "files": every other file but the term and
    delta files by content hash, "postings": each term's postings as a query reads them}.
    Each term is checked to be in the file its hash names."""
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    gone = meta.pop("gone", [])
    counts = {"t": meta.pop("buckets"), DELTA_DIR: meta.pop("delta", 0)}
    entries: dict[str, dict[str, str]] = {"t": {}, DELTA_DIR: {}}
    for folder, count in counts.items():
        for path in sorted((index / folder).glob("*.json")) if count else []:
            terms = json.loads(path.read_text(encoding="utf-8"))
            assert all(f"{term_hash(t) & (count - 1):x}.json" == path.name for t in terms), path
            entries[folder].update(terms)
    files = {p.relative_to(index).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(index.rglob("*")) if p.is_file()}
    read = {term: merged(entries["t"].get(term, ""), entries[DELTA_DIR].get(term, ""), gone)
            for term in entries["t"].keys() | entries[DELTA_DIR].keys()}
    return {"meta": meta,
            "files": {k: v for k, v in files.items()
                      if not k.startswith(POSTINGS) and k not in ("meta.json", "meta.js")},
            "postings": {term: text for term, text in read.items() if text}}


def postings_of(index: Path, term: str) -> str:
    """A term's postings as a query reads them (its term file's entry, its delta applied)."""
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    texts = []
    for folder, count in (("t", meta["buckets"]), (DELTA_DIR, meta.get("delta", 0))):
        path = index / folder / f"{term_hash(term) & (count - 1):x}.json"
        texts.append(json.loads(path.read_text(encoding="utf-8")).get(term, "") if count else "")
    return merged(texts[0], texts[1], meta.get("gone", []))
