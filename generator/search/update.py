"""A rebuild's term files, patched from the last build's instead of computed for all pages.

A term's postings (`index`: page delta, n, code delta × n, …, pages ascending) change
where a changed page's part changes and nowhere else but in the page delta of the page
after it. So when the pages are those the last build indexed, under the same numbers,
each changed page's terms are compared with what the page held before (`page_postings`
of its last and its new analysis, both in the cache), and only the terms whose codes on
that page differ are patched in the last build's term files (`splice`): the postings of
the other pages are neither analysed nor read, and every term file no changed term falls
in is linked from the last build. A change of as few words as a one-document edit makes
rewrites some tens of files of thousands; the bytes are those the whole computation
writes (tests/test_search_index.py compares them with a clean build's).

The term files' count follows the total size of the postings (`postings.term_files`):
the state keeps that size, and a change that would give another count is computed whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from . import postings
from .index import bucket_count, term_hash, varint

Codes = dict[str, list[int]]  # term → the codes (unit id × 4 + field) of one page


def page_postings(record: dict | None) -> Codes:
    """Each term of an analysed page (`index.analyse_page`) and its codes, ascending."""
    if not record or not record["ids"]:
        return {}
    keys = list(dict.fromkeys(record["texts"]))
    analysed, _ = postings.analyse_texts(keys)
    terms = analysed.terms
    number = {key: n for n, key in enumerate(analysed.keys)}
    bounds = np.searchsorted(terms.texts, np.arange(len(keys) + 1)).tolist()
    codes, kinds = terms.codes.tolist(), terms.kinds.tolist()
    names: dict[int, str] = {}
    out: Codes = {}
    for unit, text in zip(record["ids"], record["texts"]):
        n = number[text]
        for entry in range(bounds[n], bounds[n + 1]):
            code = codes[entry]
            name = names.get(code)
            if name is None:
                name = names[code] = postings.term_name(code, terms.words)
            out.setdefault(name, []).append(unit * 4 + kinds[entry])
    return out


def changed_terms(pages: dict[int, tuple[Codes, Codes]]) -> dict[str, dict[int, list[int]]]:
    """For each term whose codes differ on some page (number → (before, after)): the
    new codes on each such page ([] where the page no longer holds it)."""
    out: dict[str, dict[int, list[int]]] = {}
    for page, (before, after) in pages.items():
        for term in before.keys() | after.keys():
            codes = after.get(term, [])
            if before.get(term) != codes:
                out.setdefault(term, {})[page] = codes
    return out


def patched_files(old: Path, buckets: int, size: int,
                  changes: dict[str, dict[int, list[int]]]) -> tuple[dict[str, str], int] | None:
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
            after = before
            for page, codes in sorted(changes[term].items()):
                after = splice(after, page, codes)
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


VARINT = re.compile(r"[0-9A-V]*[W-Za-z_-]")  # index.DIGITS: lower half, then one upper
VALUE = {digit: n for n, digit in enumerate(postings.DIGITS)}


def _value(token: str) -> int:
    number = 0
    for digit in token:
        number = number << 5 | (VALUE[digit] & 31)
    return number


def splice(text: str, page: int, codes: list[int]) -> str:
    """A term's postings `text` with the part of page `page` replaced by `codes` (removed
    when empty), the next page's delta written anew."""
    tokens = VARINT.findall(text)
    head, at, previous, current = 0, 0, 0, 0  # token, character, page before, its page
    while head < len(tokens):
        current = previous + _value(tokens[head])
        if current >= page:
            break
        skip = 2 + _value(tokens[head + 1])
        at += sum(map(len, tokens[head:head + skip]))
        head += skip
        previous = current
    part = ""
    if codes:
        deltas = [codes[0]] + [b - a for a, b in zip(codes, codes[1:])]
        part = varint(page - previous) + varint(len(codes)) + "".join(map(varint, deltas))
    if head == len(tokens):
        return text[:at] + part
    if current == page:  # the page had a part: the next page's delta follows it
        skip = 2 + _value(tokens[head + 1])
        rest = "".join(tokens[head:head + skip])
        at_next = at + len(rest)
        if head + skip == len(tokens):
            return text[:at] + part
        current += _value(tokens[head + skip])
        next_at = at_next + len(tokens[head + skip])
    else:
        next_at = at + len(tokens[head])
    base = page if codes else previous
    return text[:at] + part + varint(current - base) + text[next_at:]
