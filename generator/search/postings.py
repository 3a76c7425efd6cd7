"""The term files of every page at once: the analyzer's rules and the postings as arrays.

A province repeats its texts (a 科目 row reads the same on a thousand pages), so each
distinct unit text is analysed once, and the postings are its terms spread over the units
that hold it. Everything per character, term or posting is numpy array arithmetic; Python
loops only over distinct texts (to normalize them and find their ASCII words) and over
distinct terms (to name and hash them):

1. `analyse_texts`: the distinct texts' characters as one array of code points. A Han
   character is a term whose code is its code point, two Han characters side by side a
   bigram coded `first << 16 | second`, an ASCII word a number above `WORDS`. Each
   (text, term) pair is kept once, with the best field (pages.NAME, TITLE, BODY) the term
   occurs in — `analyzer.index_terms` by field, as `index` documents.
2. `term_files`: one hash group of terms at a time (a province's tens of millions of
   postings never stand in memory at once), the postings of the group's terms as (term,
   page, code) arrays in page and unit order, sorted by term with a stable sort (pages
   and codes stay ascending), numbered as `index` describes them (page delta, n, code
   delta × n) and written as varints into one byte array, cut per term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .analyzer import HAN, normalize

WORD = re.compile(r"[0-9a-z]+")
WORDS = 1 << 32  # a word's code: WORDS + its number (Han codes are below)
FIELD_END = "\x00"  # between the fields of the texts: neither Han nor a word
# Han ranges of analyzer.HAN, as code points
HAN_RANGES = tuple((ord(first), ord(last)) for first, last in re.findall("(.)-(.)", HAN))
TEXT_SHIFT = 36  # a (text, term) key: text << TEXT_SHIFT | term code


@dataclass
class TextTerms:
    """The terms of the distinct texts: entry i is term `codes[i]` of text `texts[i]`, in
    field `kinds[i]`; entries are ordered by text. `words` names the word codes."""
    texts: np.ndarray
    codes: np.ndarray
    kinds: np.ndarray
    words: list[str]


def field_key(fields: list[tuple[int, str]]) -> str:
    """A unit's fields as one string (kind digit + text, `FIELD_END` between): the key
    that tells identical unit texts apart and that `analyse_texts` reads."""
    return FIELD_END.join(f"{kind}{text.replace(FIELD_END, '')}" for kind, text in fields)


@dataclass
class Analysed:
    """Distinct texts analysed: their keys, numbered as `terms` numbers them."""
    keys: list[str]
    terms: TextTerms


def analyse_texts(keys: list[str], known: Analysed | None = None
                  ) -> tuple[Analysed, np.ndarray]:
    """The terms of each `field_key` in `keys`, a batch of about `BATCH_CHARS` characters
    at a time (the arrays per character stay small). The texts `known` has analysed (the
    last build's) are taken from it: they are numbered first, in its order, the new ones
    after them. Returns the analysis and, for each of `keys`, its number there."""
    known = known or Analysed([], TextTerms(*(np.zeros(0, dtype=np.int64),) * 3, []))
    before = {key: number for number, key in enumerate(known.keys)}
    was = np.fromiter((before.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))
    kept = np.zeros(len(known.keys), dtype=bool)
    kept[was[was >= 0]] = True
    renumbered = np.cumsum(kept) - 1  # a known text's number among those kept
    fresh = np.flatnonzero(was < 0)
    number = np.empty(len(keys), dtype=np.int64)
    number[was >= 0] = renumbered[was[was >= 0]]
    number[fresh] = int(kept.sum()) + np.arange(len(fresh))
    reused = kept[known.terms.texts]
    found = [(renumbered[known.terms.texts[reused]] << TEXT_SHIFT | known.terms.codes[reused])
             << 2 | known.terms.kinds[reused]]
    new_keys = [keys[i] for i in fresh.tolist()]
    word_codes = {word: code for code, word in enumerate(known.terms.words)}
    start, size = 0, 0
    for end, key in enumerate(new_keys, 1):
        size += len(key)
        if size >= BATCH_CHARS or end == len(new_keys):
            found.append(_analyse_batch(new_keys, start, end, word_codes, int(kept.sum())))
            start, size = end, 0
    ranked = np.concatenate(found)
    terms = TextTerms((ranked >> (TEXT_SHIFT + 2)).astype(np.int32),
                      (ranked >> 2) & ((1 << TEXT_SHIFT) - 1), (ranked & 3).astype(np.int8),
                      list(word_codes))
    return Analysed([k for k, keep in zip(known.keys, kept.tolist()) if keep] + new_keys,
                    terms), number


BATCH_CHARS = 1 << 20


def _analyse_batch(keys: list[str], start: int, end: int, word_codes: dict[str, int],
                   offset: int) -> np.ndarray:
    """The (text, term) entries of texts `start` to `end` (numbered from `offset`), as
    sorted keys: text << TEXT_SHIFT | term code, shifted 2 more for the best field the
    term is in."""
    kinds, owners, texts = [], [], []
    for number in range(start, end):
        for field in keys[number].split(FIELD_END):
            kinds.append(int(field[:1] or 0))
            owners.append(number + offset)
            texts.append(field[1:])
    # normalized at once: FIELD_END neither changes nor combines with its neighbours
    joined = normalize(FIELD_END.join(texts)) + FIELD_END
    parts = joined.split(FIELD_END)[:-1]
    lengths: list[int] = []
    words: list[int] = []  # text, word code, kind of each word, one after the other
    for text, kind, owner in zip(parts, kinds, owners):
        lengths.append(len(text) + 1)
        for word in set(WORD.findall(text)):
            words += (owner, WORDS + word_codes.setdefault(word, len(word_codes)), kind)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    han = np.zeros(len(points), dtype=bool)
    for low, high in HAN_RANGES:
        han |= (points >= low) & (points <= high)
    char_text = np.repeat(np.array(owners, dtype=np.int64), lengths)
    char_kind = np.repeat(np.array(kinds, dtype=np.int64), lengths)
    pair = np.flatnonzero(han[:-1] & han[1:])
    word = np.array(words, dtype=np.int64).reshape(-1, 3)  # (text, code, kind) rows
    texts = np.concatenate([char_text[han], char_text[pair], word[:, 0]])
    codes = np.concatenate([points[han], points[pair] << 16 | points[pair + 1], word[:, 1]])
    kinds_ = np.concatenate([char_kind[han], char_kind[pair], word[:, 2]])
    # one entry per (text, term), of the best field: sorted by key then field, the last
    ranked = np.sort((texts << TEXT_SHIFT | codes) << 2 | kinds_)
    key = ranked >> 2
    return ranked[np.append(key[1:] != key[:-1], True)] if len(key) else ranked


def term_name(code: int, words: list[str]) -> str:
    """The term a code stands for."""
    if code >= WORDS:
        return words[code - WORDS]
    return chr(code) if code < 1 << 16 else chr(code >> 16) + chr(code & 0xFFFF)


@dataclass
class Units:
    """Every unit of the indexed pages: its page's number, its id (`index.unit_files`)
    and the number of its distinct text."""
    pages: np.ndarray
    ids: np.ndarray
    texts: np.ndarray


def term_files(terms: TextTerms, units: Units, groups: int, bucket_bytes: int,
               term_hash) -> tuple[int, dict[int, str], int]:
    """The term files: how many, each one's JSON text by number ({term: "page delta,
    n, code delta × n, …" as varints}, terms in string order) and the postings' size. A
    term file holds the terms whose `term_hash` ends in its number's bits; there are as
    many as `bucket_count` gives for that size."""
    vocabulary = distinct(terms.codes)
    names = [term_name(int(code), terms.words) for code in vocabulary]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    names = [names[i] for i in order]  # by rank: string order
    hashes = np.array([term_hash(name) for name in names], dtype=np.int64)
    entry_rank = rank[np.searchsorted(vocabulary, terms.codes)]
    entry_group = (hashes[entry_rank] & (groups - 1)).astype(np.uint8)
    by_group = np.argsort(entry_group, kind="stable")  # radix; texts stay in order
    bounds = np.searchsorted(entry_group[by_group], np.arange(groups + 1))
    entries: list[tuple[int, str]] = []  # (rank, postings text), by group then rank
    for group in range(groups):
        chosen = by_group[bounds[group]:bounds[group + 1]]
        entries += _group_postings(terms.texts[chosen], entry_rank[chosen],
                                   terms.kinds[chosen], units)
    size = sum(len(names[r]) * 3 + len(text) + 6 for r, text in entries)
    buckets = bucket_count(size, groups, bucket_bytes)
    files: dict[int, list[str]] = {n: [] for n in range(buckets)}
    for r, text in entries:  # a file's terms come from one group, in string order
        files[int(hashes[r]) & (buckets - 1)].append(f'"{names[r]}":"{text}"')
    return buckets, {n: "{" + ",".join(parts) + "}" for n, parts in files.items()}, size


def bucket_count(size: int, groups: int, bucket_bytes: int) -> int:
    """How many term files hold postings of `size` (a term's: 3 × its characters + its
    postings' + 6): a power of two, at least `groups`, near `bucket_bytes` on average."""
    buckets = groups
    while size / buckets > bucket_bytes:
        buckets *= 2
    return buckets


def _group_postings(texts: np.ndarray, ranks: np.ndarray, kinds: np.ndarray,
                    units: Units) -> list[tuple[int, str]]:
    """The postings text of each term of one group (its entries of `TextTerms`), by rank."""
    per_text = np.bincount(texts, minlength=int(units.texts.max(initial=-1)) + 1)
    first = np.cumsum(per_text) - per_text
    spread = per_text[units.texts]  # the group's terms of each unit
    total = int(spread.sum())
    if total == 0:
        return []
    before = np.cumsum(spread) - spread
    entry = np.repeat(first[units.texts] - before, spread) + np.arange(total)
    present = distinct(ranks)  # every term of a text is some unit's
    local = np.searchsorted(present, ranks)[entry]
    order = np.argsort(local.astype(np.uint16) if len(present) <= 1 << 16 else local,
                       kind="stable")  # radix sort; units stay in page and id order
    term = local[order]
    page = np.repeat(units.pages, spread)[order]
    code = (np.repeat(units.ids * 4, spread) + kinds[entry])[order]
    numbers, term_starts = _numbers(term, page, code)
    text, offsets = _varints(numbers)
    starts = offsets[term_starts]
    ends = np.append(starts[1:], len(text))
    return [(int(r), text[a:b]) for r, a, b in zip(present, starts.tolist(), ends.tolist())]


def _numbers(term: np.ndarray, page: np.ndarray, code: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Postings sorted by (term, page, code) as `index` numbers them: per term, per page,
    the page's difference from the term's page before, how many codes, the first code and
    each next one's difference. Also where each term's numbers start."""
    new_term = np.ones(len(term), dtype=bool)
    new_term[1:] = term[1:] != term[:-1]
    new_page = new_term.copy()
    new_page[1:] |= page[1:] != page[:-1]
    page_delta = page - np.where(new_term, 0, np.append(0, page[:-1]))
    code_delta = code - np.where(new_page, 0, np.append(0, code[:-1]))
    heads = np.flatnonzero(new_page)
    counts = np.diff(np.append(heads, len(term)))
    width = 1 + 2 * new_page.astype(np.int64)
    at = np.cumsum(width) - width
    numbers = np.empty(int(width.sum()), dtype=np.int64)
    numbers[at[heads]] = page_delta[heads]
    numbers[at[heads] + 1] = counts
    numbers[at + width - 1] = code_delta
    return numbers, at[new_term]


# The digits of `index.varint`: 64 characters a JSON string holds as they are.
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
DIGIT_BYTES = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)


def _varints(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """`numbers` as `index.varint` digits, one after the other, and where each starts:
    each number's digits in a row of a matrix as wide as the longest, right-aligned, the
    rows read in order past each one's leading blanks."""
    length = np.ones(len(numbers), dtype=np.int64)
    for power in range(5, 35, 5):
        length += numbers >= 1 << power
    width = int(length.max(initial=1))
    places = 5 * np.arange(width - 1, -1, -1)
    digits = (numbers[:, None] >> places) & 31
    digits[:, -1] += 32
    shown = np.arange(width) >= width - length[:, None]
    at = np.cumsum(length) - length
    return DIGIT_BYTES[digits[shown]].tobytes().decode("ascii"), at


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (`np.unique` hashes, several times slower here)."""
    ordered = np.sort(values)
    return ordered[np.append(True, ordered[1:] != ordered[:-1])] if len(ordered) else ordered
