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
from bisect import bisect_left
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
    files = {}
    for bucket, terms in by_bucket.items():
        name = f"t/{bucket:x}.json"
        try:
            entries: dict[str, str] = json.loads((old / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        for term in terms:
            before = entries.pop(term, "")
            after = splice(before, changes[term])
            size += _entry_size(term, after) - _entry_size(term, before)
            if after:
                entries[term] = after
        files[name] = "{" + ",".join(f'"{t}":"{entries[t]}"' for t in sorted(entries)) + "}"
    if bucket_count(size) != buckets:
        return None
    return files, size


def _entry_size(term: str, text: str) -> int:
    """A term's share of `postings.term_files`' size (0 for a term no page holds)."""
    return len(term) * 3 + len(text) + 6 if text else 0


VALUE = np.zeros(128, dtype=np.int64)  # a digit's value (index.DIGITS), by its byte
VALUE[np.frombuffer(postings.DIGITS.encode("ascii"), dtype=np.uint8)] = np.arange(64)


def _parts(text: str) -> tuple[list[int], list[int], list[int], np.ndarray, list[int]]:
    """Where a term's postings `text` holds each page's part: the pages, where each part
    starts (its page delta) and where that delta ends; and the numbers read, and where
    each part's begin among them. All as arrays: the varints read at
    once, and the parts' first numbers found by pointer doubling (from each number, where
    the part would end that starts there; the parts are those reached from the first),
    some ten array steps however many pages the term is on."""
    raw = VALUE[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    last = raw >= 32  # the last digit of a number (the upper half of the digits)
    ends = np.flatnonzero(last)
    if not len(ends):
        return [], [], [], ends, []
    starts = np.append(0, ends[:-1] + 1)
    token = np.cumsum(last) - last  # the number each digit belongs to
    numbers = np.add.reduceat((raw & 31) << 5 * (ends[token] - np.arange(len(raw))), starts)
    count = len(numbers)
    jump = np.empty(count + 1, dtype=np.int64)  # past the end: `count`
    jump[:-1] = np.arange(2, count + 2) + np.append(numbers[1:], 0)
    jump = np.minimum(jump, count)
    jump[count] = count
    reached = np.zeros(count + 1, dtype=bool)
    reached[0] = True
    while True:
        reached[jump[reached]] = True
        if jump[0] >= count:
            break
        jump = jump[jump]
    heads = np.flatnonzero(reached[:count])
    return (np.cumsum(numbers[heads]).tolist(), starts[heads].tolist(),
            (ends[heads] + 1).tolist(), numbers, heads.tolist())


def splice(text: str, changes: dict[int, Change]) -> str:
    """A term's postings `text` with the part of each page of `changes` changed (removed
    when it has no codes left), the deltas of the pages after them written anew; the
    parts between are copied as they are."""
    pages, part_at, delta_end, numbers, heads = _parts(text)
    part_at.append(len(text))
    out: list[str] = []
    copied, last = 0, 0  # the parts copied so far, the page of the last part written

    def copy_to(k: int) -> None:
        nonlocal copied, last
        if copied < k:
            out.append(varint(pages[copied] - last) + text[delta_end[copied]:part_at[k]])
            copied, last = k, pages[k - 1]

    for page, (dropped, codes) in sorted(changes.items()):
        k = bisect_left(pages, page)
        copy_to(k)
        held = k < len(pages) and pages[k] == page
        if dropped is not None:  # the codes the page had, less those dropped, and those added
            had = (np.cumsum(numbers[heads[k] + 2:heads[k] + 2 + int(numbers[heads[k] + 1])])
                   .tolist() if held else [])
            codes = sorted(set(had).difference(dropped).union(codes))
        if codes:
            deltas = [codes[0]] + [b - a for a, b in zip(codes, codes[1:])]
            out.append(varint(page - last) + varint(len(codes)) + "".join(map(varint, deltas)))
            last = page
        copied = k + 1 if held else k
    copy_to(len(pages))
    return "".join(out)
