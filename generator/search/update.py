"""A rebuild's term files, patched from the last build's instead of computed for all pages.

A term's postings (`index`: page delta, n, code delta × n, …, pages ascending) change
where a changed page's part changes and nowhere else but in the page delta of the page
after it. Page numbers are a function of the set of pages (`index.page_numbers`) that a
page added, removed or renamed leaves alone for almost every other page, so a rebuild
knows, number by number, where the page changed: another page holds the number (added,
removed, renamed, or moved by one of those) or the same page has other bytes. For each
such number the analyses of the page it held and of the page it holds (both in the
cache) are compared (`changed_codes`; when most of the page's units are those it had,
only the others are analysed, and a term's codes there are dropped and added), and only
the terms whose codes there differ are patched in the last build's term files (`splice`,
all of a term's changed numbers in one pass): the postings of the other pages are neither analysed nor read, and every term
file no changed term falls in is linked from the last build. A one-word edit rewrites
some tens of files of thousands, a renamed department the files of its pages' terms; the
bytes are those the whole computation writes (tests/test_search_index.py compares them
with a clean build's).

The term files' count follows the total size of the postings (`postings.term_files`):
the state keeps that size, and a change that would give another count is computed whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import postings
from .index import bucket_count, term_hash, varint

# A term's change on one page: (codes dropped, codes added) — dropped None: the page's
# codes are those added, whatever they were.
Change = tuple["list[int] | None", list[int]]
CODE_BITS = 28  # a posting as one number: term code << CODE_BITS | code


def changed_codes(before: dict | None, after: dict | None) -> dict[str, Change]:
    """The terms whose codes differ between two analyses of a page (`index.analyse_page`;
    None: no units), or of two pages under one number, and how (`Change`). When most
    units are those of `before` (same id, same text), only the others are analysed and
    the change is given as codes dropped and added (the unchanged units' codes are in the
    term files already); otherwise all, and the change is the term's codes in `after`
    ([] where it has none). Both sides are analysed at once (a word has one code in
    both) and their postings compared as sorted arrays: only the terms that differ are
    named, so a page of thousands of units of which one changed costs a millisecond."""
    old_units = dict(zip(before["ids"], before["texts"])) if before else {}
    new_units = dict(zip(after["ids"], after["texts"])) if after else {}
    differ = {i for i in old_units.keys() | new_units.keys() if old_units.get(i) != new_units.get(i)}
    partly = bool(old_units) and len(differ) * 2 < len(new_units)
    if partly:
        before, after = ({"ids": [i for i in units if i in differ],
                          "texts": [units[i] for i in units if i in differ]}
                         for units in (old_units, new_units))
    records = [r for r in (before, after) if r and r["ids"]]
    keys = list(dict.fromkeys(text for r in records for text in r["texts"]))
    analysed, _ = postings.analyse_texts(keys)
    number = {key: n for n, key in enumerate(analysed.keys)}
    old, new = (_postings(r, analysed.terms, number) for r in (before, after))
    differ_terms = postings.distinct(np.setxor1d(old, new, assume_unique=True) >> CODE_BITS)
    names = {code: postings.term_name(code, analysed.terms.words)
             for code in differ_terms.tolist()}
    out: dict[str, Change] = {name: ([] if partly else None, []) for name in names.values()}
    for side, found in ((1, new), (0, old if partly else new[:0])):
        kept = found[np.isin(found >> CODE_BITS, differ_terms)]
        for term, code in zip((kept >> CODE_BITS).tolist(),
                              (kept & ((1 << CODE_BITS) - 1)).tolist()):
            out[names[term]][side].append(code)
    return out


def _postings(record: dict | None, terms: postings.TextTerms, number: dict[str, int]
              ) -> np.ndarray:
    """A page's postings (term code << CODE_BITS | unit id × 4 + field), ascending."""
    if not record or not record["ids"]:
        return np.zeros(0, dtype=np.int64)
    texts = np.array([number[text] for text in record["texts"]], dtype=np.int64)
    bounds = np.searchsorted(terms.texts, np.arange(len(number) + 1))
    first, count = bounds[texts], bounds[texts + 1] - bounds[texts]
    total = int(count.sum())
    entry = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(total)
    codes = np.repeat(np.array(record["ids"], dtype=np.int64) * 4, count) + terms.kinds[entry]
    return np.sort(terms.codes[entry] << CODE_BITS | codes)


def changed_terms(pages: dict[int, dict[str, Change]]) -> dict[str, dict[int, Change]]:
    """`changed_codes` of each page number by term: for each term whose codes differ on
    some page, its change on each such page."""
    out: dict[str, dict[int, Change]] = {}
    for page, changed in pages.items():
        for term, codes in changed.items():
            out.setdefault(term, {})[page] = codes
    return out


def patched_files(old: Path, buckets: int, size: int,
                  changes: dict[str, dict[int, Change]]) -> tuple[dict[str, str], int] | None:
    """The term files that `changes` touch, patched from the last build's in `old`
    (name → JSON text), and the postings' new total size; None when that size calls for
    another count of term files (or a file cannot be read)."""
    by_bucket: dict[int, list[str]] = {}
    for term in sorted(changes):
        by_bucket.setdefault(term_hash(term) & (buckets - 1), []).append(term)
    read: dict[int, dict[str, str]] = {}
    for bucket in by_bucket:
        try:
            read[bucket] = json.loads((old / f"t/{bucket:x}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    terms = [(bucket, term) for bucket, names in by_bucket.items() for term in names]
    befores = [read[bucket].pop(term, "") for bucket, term in terms]
    afters = splice_all(befores, [changes[term] for _, term in terms])
    for (bucket, term), before, after in zip(terms, befores, afters):
        size += _entry_size(term, after) - _entry_size(term, before)
        if after:
            read[bucket][term] = after
    files = {f"t/{bucket:x}.json": "{" + ",".join(f'"{t}":"{entries[t]}"' for t in sorted(entries)) + "}"
             for bucket, entries in read.items()}
    if bucket_count(size) != buckets:
        return None
    return files, size


def _entry_size(term: str, text: str) -> int:
    """A term's share of `postings.term_files`' size (0 for a term no page holds)."""
    return len(term) * 3 + len(text) + 6 if text else 0


VALUE = np.zeros(128, dtype=np.uint8)  # a digit's value (index.DIGITS), by its byte
VALUE[np.frombuffer(postings.DIGITS.encode("ascii"), dtype=np.uint8)] = np.arange(64)
# Parts: where a term's postings text holds each page's part — the pages, where each part
# starts (its page delta), where that delta ends — and the numbers read, and where each
# part begins among them (`_chunk_parts`), as arrays.
Parts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
CHUNK_CHARS = 1 << 19  # postings read at once (`splice_all`): some 20 MB of arrays


def splice_all(texts: list[str], changes: list[dict[int, Change]]) -> list[str]:
    """`splice` of each of `texts` (terms' postings) with its `changes`, the texts' parts
    found a chunk of texts of like length at a time (`_chunk_parts`), whose arrays go
    before the next chunk's are made."""
    out = [""] * len(texts)
    chunk: list[int] = []
    size = 0
    for i in sorted(range(len(texts)), key=lambda i: len(texts[i])) + [None]:
        if i is None or (chunk and size + len(texts[i]) > CHUNK_CHARS):
            for k, parts in zip(chunk, _chunk_parts([texts[k] for k in chunk])):
                out[k] = splice(texts[k], changes[k], parts)
            chunk, size = [], 0
        if i is not None:
            chunk.append(i)
            size += len(texts[i])
    return out


def _varints(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The varints of `text` decoded at once (a number's last digit is from the upper half
    of the digits): where each number's last digit stands, its count of digits, its value."""
    raw = VALUE[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    ends = np.flatnonzero(raw >= 32)
    digits = np.diff(ends, prepend=-1)
    numbers = (raw[ends] & 31).astype(np.int64)
    longer = np.flatnonzero(digits > 1)
    for place in range(1, int(digits.max()) if len(digits) else 0):  # more significant digits
        numbers[longer] += (raw[ends[longer] - place] & 31).astype(np.int64) << 5 * place
        longer = longer[digits[longer] > place + 1]
    return ends, digits, numbers


def _chunk_parts(texts: list[str]) -> list[Parts]:
    """The `Parts` of texts read together: the varints of all of them decoded at once
    (`_varints`), then the part heads of
    every text followed in step, one part a step (a part is page delta, n, n codes: where
    the next begins is known only once the part's n is read), as many steps as the most
    pages a text holds."""
    ends, digits, numbers = _varints("".join(texts))
    char_at = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=char_at[1:])
    token_at = np.searchsorted(ends, char_at)  # each text's first number
    following = np.arange(2, len(ends) + 2)  # where a part's next begins, at its head
    following[:-1] += numbers[1:]
    steps_at, steps_of = [], []
    text_ids = np.flatnonzero(token_at[:-1] < token_at[1:])
    at = token_at[text_ids]
    while len(at):
        steps_at.append(at)
        steps_of.append(text_ids)
        at = following[at]
        going = at < token_at[text_ids + 1]
        at, text_ids = at[going], text_ids[going]
    heads = np.concatenate(steps_at) if steps_at else np.zeros(0, dtype=np.int64)
    owner = np.concatenate(steps_of) if steps_of else np.zeros(0, dtype=np.int64)
    by_text = np.argsort(owner, kind="stable")  # each text's heads ascending (step order)
    heads, owner = heads[by_text], owner[by_text]
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1)).tolist()
    pages = np.cumsum(numbers[heads])
    before = np.zeros(len(pages) + 1, dtype=np.int64)
    before[1:] = pages
    pages -= np.repeat(before[bounds[:-1]], np.diff(bounds))  # per text, from its own start
    char_of = char_at[owner]
    delta_end = ends[heads] + 1 - char_of
    part_at = delta_end - digits[heads]
    local = heads - token_at[owner]
    return [(pages[a:b], part_at[a:b], delta_end[a:b], numbers[token_at[i]:token_at[i + 1]],
             local[a:b]) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]


def splice(text: str, changes: dict[int, Change], parts: Parts) -> str:
    """A term's postings `text` with the part of each page of `changes` changed (removed
    when it has no codes left), the deltas of the pages after them written anew; the
    parts between are copied as they are. `parts`: the text's (`_chunk_parts`)."""
    pages, part_at, delta_end, numbers, heads = parts
    out: list[str] = []
    copied, last = 0, 0  # the parts copied so far, the page of the last part written

    def copy_to(k: int) -> None:
        nonlocal copied, last
        if copied < k:
            end = int(part_at[k]) if k < len(pages) else len(text)
            out.append(varint(int(pages[copied]) - last) + text[int(delta_end[copied]):end])
            copied, last = k, int(pages[k - 1])

    for page, (dropped, codes) in sorted(changes.items()):
        k = int(np.searchsorted(pages, page))
        copy_to(k)
        held = k < len(pages) and pages[k] == page
        if dropped is not None:  # the codes the page had, less those dropped, and those added
            head = int(heads[k]) if held else 0
            had = (np.cumsum(numbers[head + 2:head + 2 + int(numbers[head + 1])]).tolist()
                   if held else [])
            codes = sorted(set(had).difference(dropped).union(codes))
        if codes:
            deltas = [codes[0]] + [b - a for a, b in zip(codes, codes[1:])]
            out.append(varint(page - last) + varint(len(codes)) + "".join(map(varint, deltas)))
            last = page
        copied = k + 1 if held else k
    copy_to(len(pages))
    return "".join(out)


# The delta segment: a rebuild's changes to the term files, written beside them instead of
# into them. The term files stay those of the last build that wrote them (the base); the
# delta holds, for each term whose codes changed on some page since then, its change on
# each such page, in files of its own by term hash (`d/<bucket>.json`, {term: "page delta,
# m, dropped code delta × (m - 1), n, added code delta × n, …"}: m = 0 when the page's
# codes are those added, whatever they were); `meta.json` gives their count and the pages
# emptied since the base ("gone", their codes dropped from every term). search.js reads a
# term's postings from both (`merged` here is the same reading). An edit writes the delta
# files and `meta.json`, some tens of files whatever the site's size, where patching the
# term files rewrote those of every term a changed page holds (a third of them for a
# renamed department). Past `DELTA_LIMIT` the changes are spliced into the term files
# (`patched_files`) and the delta is empty again: the index is then byte for byte a clean
# build's, as it is whenever nothing changed since the base.
DELTA_DIR = "d"
DELTA_BYTES = 4096  # about how large a delta file is on average: a query fetches one a term
DELTA_LIMIT = 1 << 19  # the delta's size past which it is folded into the term files


def changed_files(old: Path, buckets: int, size: int, codes: dict[int, dict[str, Change]],
               emptied: set[int]) -> tuple[dict[str, str], int, tuple[int, list[int]] | None] | None:
    """The term files' side of a rebuild from the `codes` that changed since the base on
    each page number (`changed_codes`): the delta files (when they stay under
    `DELTA_LIMIT`), or else the base's term files in `old` patched (`patched_files`). Returns
    the files (name → JSON text), the postings' size of the term files, and the delta's
    count of files and emptied pages (None: no delta); None when the term files are to be
    computed whole."""
    changes = changed_terms(codes)
    gone = sorted(n for n in emptied if codes.get(n))  # pages that held terms, none now
    delta = {term: {n: change for n, change in pages.items() if n not in gone}
             for term, pages in changes.items()}
    entries = {term: _delta_entry(pages) for term, pages in delta.items() if pages}
    delta_size = sum(_entry_size(term, text) for term, text in entries.items())
    if delta_size <= DELTA_LIMIT:
        count = postings.bucket_count(delta_size, 1, DELTA_BYTES) if entries or gone else 0
        by_bucket: dict[int, list[str]] = {n: [] for n in range(count)}
        for term in sorted(entries):
            by_bucket[term_hash(term) & (count - 1)].append(f'"{term}":"{entries[term]}"')
        files = {f"{DELTA_DIR}/{n:x}.json": "{" + ",".join(parts) + "}"
                 for n, parts in by_bucket.items()}
        return files, size, (count, gone) if count else None
    patched = patched_files(old, buckets, size, changes)
    return None if patched is None else (*patched, None)


def _delta_entry(pages: dict[int, Change]) -> str:
    """A term's changes on its pages as the delta writes them (see `DELTA_DIR`)."""
    out, last = [], 0
    for page, (dropped, added) in sorted(pages.items()):
        out.append(varint(page - last) + _codes(None if dropped is None else sorted(dropped), 1)
                   + _codes(sorted(added), 0))
        last = page
    return "".join(out)


def _codes(codes: list[int] | None, shift: int) -> str:
    """A count (plus `shift`; 0 for None) and the codes' differences, as varints."""
    if codes is None:
        return varint(0)
    return varint(len(codes) + shift) + "".join(varint(b - a) for a, b in zip([0] + codes, codes))


def delta_names(hashes: dict[str, str]) -> set[str]:
    """The delta files among an index's files (by name)."""
    return {name for name in hashes if name.startswith(DELTA_DIR + "/")}


def read_delta(text: str) -> dict[int, Change]:
    """A delta entry (`_delta_entry`) read back: page → (codes dropped or None, added)."""
    numbers = _varints(text)[2].tolist()
    out: dict[int, Change] = {}
    at, page = 0, 0
    while at < len(numbers):
        page += numbers[at]
        dropped = None
        at += 1
        if numbers[at]:
            dropped = np.cumsum(numbers[at + 1:at + numbers[at]]).tolist()
            at += numbers[at]
        else:
            at += 1
        added = np.cumsum(numbers[at + 1:at + 1 + numbers[at]]).tolist()
        at += 1 + numbers[at]
        out[page] = (dropped, added)
    return out


def merged(text: str, delta: str, gone: list[int]) -> str:
    """A term's postings as a query sees them: its term file's `text` with its `delta`
    entry and the emptied pages `gone` applied (search.js's `merge` does the same)."""
    changes: dict[int, Change] = {page: (None, []) for page in gone}
    changes.update(read_delta(delta))
    if not changes:
        return text
    return splice(text, changes, _chunk_parts([text])[0])
