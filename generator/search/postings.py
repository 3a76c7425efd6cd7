"""The term files of every page at once: the analyzer's rules and the postings as arrays.

A province repeats its texts (a 科目 row reads the same on a thousand pages), so each
distinct unit text is analysed once, and the postings are its terms spread over the units
that hold it. Everything per character, term or posting is numpy array arithmetic; Python
loops only over distinct texts (to normalize them and find their ASCII words) and over
distinct terms (to name and hash them):

1. `analyse_texts`: the distinct texts' characters as one array of code points. A Han
   character is a term whose code is its code point, two Han characters side by side a
   bigram coded `first << 16 | second`, an ASCII word a number above `WORDS`. Each
   (text, term) pair is kept once, with the best field (pages.DEFINED, NAME, TITLE, BODY) the term
   occurs in — `analyzer.index_terms` by field, as `index` documents.
2. `term_files`: one hash group of terms at a time (a province's tens of millions of
   postings never stand in memory at once), the postings of the group's terms as (term,
   page, code) arrays in page and unit order, sorted by term with a stable sort (pages
   and codes stay ascending), numbered as `index` describes them (page delta, n, code
   delta × n) and written as varints into one byte array, cut per term.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from .analyzer import HAN, WHITE, normalize, simple_mapping

WORD = re.compile(r"[0-9a-z]+")
WORDS = 1 << 32  # a word's code: WORDS + its number (Han codes are below)
FIELD_END = "\x00"  # between the fields of the texts: neither Han nor a word
# Han ranges of analyzer.HAN, as code points
HAN_RANGES = tuple((ord(first), ord(last)) for first, last in re.findall("(.)-(.)", HAN))
WHITE_POINTS = np.array([ord(c) for c in WHITE], dtype=np.int64)
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
    parts: tuple[list, list, list] = ([], [], [])  # texts, codes, kinds of each batch

    def add(ranked: np.ndarray) -> None:  # (split at once: the keys are twice the size)
        parts[0].append((ranked >> (TEXT_SHIFT + 2)).astype(np.int32))
        parts[1].append((ranked >> 2) & ((1 << TEXT_SHIFT) - 1))
        parts[2].append((ranked & 3).astype(np.int8))

    add((renumbered[known.terms.texts[reused]] << TEXT_SHIFT | known.terms.codes[reused])
        << 2 | known.terms.kinds[reused])
    new_keys = [keys[i] for i in fresh.tolist()]
    word_codes = {word: code for code, word in enumerate(known.terms.words)}
    start, size = 0, 0
    for end, key in enumerate(new_keys, 1):
        size += len(key)
        if size >= BATCH_CHARS or end == len(new_keys):
            add(_analyse_batch(new_keys, start, end, word_codes, int(kept.sum())))
            start, size = end, 0
    joined = []
    for part in parts:  # one array at a time, its batches let go
        joined.append(np.concatenate(part))
        part.clear()
    terms = TextTerms(*joined, list(word_codes))
    return Analysed([k for k, keep in zip(known.keys, kept.tolist()) if keep] + new_keys,
                    terms), number


BATCH_CHARS = 1 << 20


def _analyse_batch(keys: list[str], start: int, end: int, word_codes: dict[str, int],
                   offset: int) -> np.ndarray:
    """The (text, term) entries of texts `start` to `end` (numbered from `offset`), as
    sorted keys: text << TEXT_SHIFT | term code, shifted 2 more for the best field the
    term is in. The keys are read as one array of code points (each field: its kind
    digit, its text, `FIELD_END`), normalized character by character where that is
    rule 1 (`analyzer.simple_mapping`); a key holding any other character is normalized
    whole first, field by field (FIELD_END and the kind digit neither change nor combine
    with their neighbours then)."""
    batch = keys[start:end]
    points = _code_points(FIELD_END.join(batch) + FIELD_END)
    present = np.flatnonzero(np.bincount(points))
    table = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
    table[present] = simple_mapping(present)
    mapped = table[points]
    if (mapped < 0).any():  # rare: those keys normalized whole, mapped as they are
        ends = np.flatnonzero(points == 0)
        key_ends = ends[np.cumsum([key.count(FIELD_END) + 1 for key in batch]) - 1]
        odd = np.unique(np.searchsorted(key_ends, np.flatnonzero(mapped < 0)))
        for k in odd.tolist():
            batch[k] = FIELD_END.join(field[:1] + normalize(field[1:])
                                      for field in batch[k].split(FIELD_END))
        points = _code_points(FIELD_END.join(batch) + FIELD_END)
        ends = np.flatnonzero(points == 0)
        key_ends = ends[np.cumsum([key.count(FIELD_END) + 1 for key in batch]) - 1]
        whole = np.zeros(len(batch), dtype=bool)
        whole[odd] = True
        owner = np.searchsorted(key_ends, np.arange(len(points)))
        present = np.flatnonzero(np.bincount(points))
        table = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
        table[present] = simple_mapping(present)
        mapped = np.where(whole[owner], points, table[points])
    else:
        owner = None
    points = mapped
    ends = np.flatnonzero(points == 0)
    starts = np.append(0, ends[:-1] + 1)
    kind = np.where(starts < ends, points[starts] - ord("0"), 0)  # an empty key: BODY
    field = np.cumsum(points == 0) - (points == 0)  # each character's field
    points[starts] = 0  # the kind digit: no part of a word
    if owner is None:
        owner = np.repeat(np.arange(len(batch)),
                          [key.count(FIELD_END) + 1 for key in batch])[field]
    char_text = owner + offset + start
    char_kind = kind[field]
    han = np.zeros(len(points), dtype=bool)
    for low, high in HAN_RANGES:
        han |= (points >= low) & (points <= high)
    pair = np.flatnonzero(han[:-1] & han[1:])
    gap = np.flatnonzero(points[1:-1] <= ord(" "))  # Han, one white space, Han: a bigram
    gap = gap[np.isin(points[gap + 1], WHITE_POINTS) & han[gap] & han[gap + 2]]  # (rule 2)
    alnum = ((points >= ord("0")) & (points <= ord("9"))) | ((points >= ord("a"))
                                                            & (points <= ord("z")))
    word_starts = np.flatnonzero(alnum & ~np.append(False, alnum[:-1]))
    words = WORD.findall(points.astype(np.uint32).tobytes().decode("utf-32-le"))
    word_code = np.array([word_codes.setdefault(w, len(word_codes)) for w in words],
                         dtype=np.int64) + WORDS
    texts = np.concatenate([char_text[k] for k in (han, pair, gap, word_starts)])
    codes = np.concatenate([points[han], points[pair] << 16 | points[pair + 1],
                            points[gap] << 16 | points[gap + 2], word_code])
    kinds_ = np.concatenate([char_kind[k] for k in (han, pair, gap, word_starts)])
    # one entry per (text, term), of the best field: sorted by key then field, the last
    ranked = np.sort((texts << TEXT_SHIFT | codes) << 2 | kinds_)
    key = ranked >> 2
    return ranked[np.append(key[1:] != key[:-1], True)] if len(key) else ranked


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


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
               term_hash, workers: int = 1) -> tuple[int, dict[int, str], int]:
    """The term files: how many, each one's JSON text by number ({term: "page delta,
    n, code delta × n, …" as varints}, terms in string order) and the postings' size. A
    term file holds the terms whose `term_hash` ends in its number's bits; there are as
    many as `bucket_count` gives for that size.

    Nothing sorts the whole vocabulary: each entry's term is given a number in string
    order (`_order_keys`) and its hash (`_hashes`, FNV-1a over the UTF-8 bytes of a Han
    term computed on the arrays) at once, and each hash group sorts its own terms: the
    groups are computed in `workers` forked processes, which see the arrays as they are
    (nothing is copied to them) and send back each group's terms and postings."""
    word_order = sorted(range(len(terms.words)), key=terms.words.__getitem__)
    words = [terms.words[i] for i in word_order]  # string order
    word_rank = np.empty(len(words), dtype=np.int64)
    word_rank[word_order] = np.arange(len(words))
    word_hashes = np.array([term_hash(w) for w in words], dtype=np.uint32)
    entry_group = np.empty(len(terms.codes), dtype=np.uint8)
    for start in range(0, len(terms.codes), 1 << 20):  # (the arrays per entry stay small)
        part = slice(start, start + (1 << 20))
        entry_group[part] = _hashes(_order_keys(terms.codes[part], word_rank),
                                    word_hashes) & (groups - 1)
    found = _in_processes(_group_terms, (terms, units, entry_group, word_rank, words,
                                         word_hashes), range(groups), workers)
    size = sum(len(name) * 3 + len(text) + 6 for names, _, texts in found
               for name, text in zip(names, texts))
    buckets = bucket_count(size, groups, bucket_bytes)
    files: dict[int, list[str]] = {n: [] for n in range(buckets)}
    for names, hashes, texts in found:  # a file's terms come from one group
        for name, h, text in zip(names, hashes, texts):
            files[h & (buckets - 1)].append(f'"{name}":"{text}"')
    return buckets, {n: "{" + ",".join(parts) + "}" for n, parts in files.items()}, size


Group = tuple[list[str], list[int], list[str]]  # its terms' names, hashes and postings


def _group_terms(shared: tuple, group: int) -> Group:
    """The terms of one hash group, in string order: names, hashes, postings texts."""
    terms, units, entry_group, word_rank, words, word_hashes = shared
    chosen = np.flatnonzero(entry_group == group)  # texts stay in order
    present, texts = _group_postings(terms.texts[chosen],
                                     _order_keys(terms.codes[chosen], word_rank),
                                     terms.kinds[chosen], units)
    return _names(present, words), _hashes(present, word_hashes).tolist(), texts


_SHARED: tuple | None = None  # what forked workers of `_in_processes` read


def _in_processes(work, shared: tuple, items: range, workers: int) -> list[Group]:
    """`work(shared, item)` for each of `items`, in order; in `workers` forked processes
    (they inherit `shared` at the fork) when there are more than one."""
    global _SHARED
    if workers <= 1 or len(items) < 2:
        return [work(shared, item) for item in items]
    _SHARED = shared
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(items)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_shared_work, [work] * len(items), items))
    finally:
        _SHARED = None


def _shared_work(work, item: int) -> Group:
    return work(_SHARED, item)


HAN_KEYS = 0x3400 << 17  # order keys from here on are Han terms', below words'


def _order_keys(codes: np.ndarray, word_rank: np.ndarray) -> np.ndarray:
    """Numbers ordered as the terms of `codes` are as strings: a word (below any Han
    character) by its rank among the words; a Han character c as c << 17, a bigram of c
    and d as c << 17 | 1 << 16 | d (after c alone and before any bigram of a later c)."""
    words = codes >= WORDS
    keys = np.where(codes < 1 << 16, codes << 17, (codes >> 16) << 17 | 1 << 16 | codes & 0xFFFF)
    keys[words] = word_rank[codes[words] - WORDS]
    return keys


def _names(keys: np.ndarray, words: list[str]) -> list[str]:
    """The terms of order keys (`_order_keys`; `words` in string order)."""
    return [words[k] if k < HAN_KEYS else
            chr(k >> 17) + chr(k & 0xFFFF) if k & 1 << 16 else chr(k >> 17)
            for k in keys.tolist()]


FNV_OFFSET, FNV_PRIME = np.uint32(0x811C9DC5), np.uint32(0x01000193)


def _hashes(keys: np.ndarray, word_hashes: np.ndarray) -> np.ndarray:
    """`index.term_hash` of the terms of order keys: FNV-1a over the three UTF-8 bytes of
    each Han character (every one is in U+0800…U+FFFF), a word's from `word_hashes`."""
    first, second = (keys >> 17).astype(np.uint32), (keys & 0xFFFF).astype(np.uint32)
    h = np.full(len(keys), FNV_OFFSET, dtype=np.uint32)
    for char, shown in ((first, None), (second, (keys & 1 << 16) != 0)):
        for byte in (0xE0 | char >> 12, 0x80 | (char >> 6) & 63, 0x80 | char & 63):
            step = (h ^ byte) * FNV_PRIME
            h = step if shown is None else np.where(shown, step, h)
    words = keys < HAN_KEYS
    h[words] = word_hashes[keys[words]]
    return h


def bucket_count(size: int, groups: int, bucket_bytes: int) -> int:
    """How many term files hold postings of `size` (a term's: 3 × its characters + its
    postings' + 6): a power of two, at least `groups`, near `bucket_bytes` on average."""
    buckets = groups
    while size / buckets > bucket_bytes:
        buckets *= 2
    return buckets


def _group_postings(texts: np.ndarray, keys: np.ndarray, kinds: np.ndarray,
                    units: Units) -> tuple[np.ndarray, list[str]]:
    """The terms of one group (its entries of `TextTerms`, their terms' order keys), in
    order, and the postings text of each.

    Each unit holds the group's entries of its text: the postings are those (unit,
    entry) pairs, made in unit order (pages and codes ascending) and ordered by term
    with one stable radix sort of 16-bit term numbers; indexes are 32-bit."""
    per_text = np.bincount(texts, minlength=int(units.texts.max(initial=-1)) + 1)
    first = (np.cumsum(per_text) - per_text).astype(np.int32)
    spread = per_text[units.texts].astype(np.int32)  # the group's terms of each unit
    total = int(spread.sum(dtype=np.int64))
    if total == 0:
        return keys[:0], []
    present = distinct(keys)  # every term of a text is some unit's
    local = np.searchsorted(present, keys).astype(np.uint16 if len(present) <= 1 << 16
                                                  else np.int32)
    holder = np.repeat(np.arange(len(spread), dtype=np.int32), spread)  # each posting's unit
    entry = np.arange(total, dtype=np.int32)
    entry += np.repeat(first[units.texts] - (np.cumsum(spread) - spread), spread)
    order = np.argsort(local[entry], kind="stable")  # radix; units stay in page, id order
    entry, holder = entry[order], holder[order]
    del order
    term = local[entry]
    page = units.pages[holder].astype(np.int32)
    code = units.ids[holder].astype(np.int32) * 4 + kinds[entry]
    del entry, holder
    numbers, term_starts = _numbers(term, page, code)
    text, offsets = _varints(numbers)
    starts = offsets[term_starts]
    ends = np.append(starts[1:], len(text))
    return present, [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]


def _numbers(term: np.ndarray, page: np.ndarray, code: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Postings sorted by (term, page, code) as `index` numbers them: per term, per page,
    the page's difference from the term's page before, how many codes, the first code and
    each next one's difference. Also where each term's numbers start."""
    new_term = np.ones(len(term), dtype=bool)
    new_term[1:] = term[1:] != term[:-1]
    new_page = new_term.copy()
    new_page[1:] |= page[1:] != page[:-1]
    heads = np.flatnonzero(new_page)
    # each posting's number (its code's difference), and two before it where a page starts
    at = np.arange(len(term), dtype=np.int64) + 2 * np.cumsum(new_page)
    numbers = np.empty(len(term) + 2 * len(heads), dtype=np.int64)
    code_delta = np.empty(len(term), dtype=np.int64)
    code_delta[0] = code[0]
    np.subtract(code[1:], code[:-1], out=code_delta[1:])
    code_delta[heads] = code[heads]
    numbers[at] = code_delta
    page_delta = page[heads].astype(np.int64)
    continued = ~new_term[heads]
    page_delta[continued] -= page[heads[continued] - 1]
    numbers[at[heads] - 2] = page_delta
    numbers[at[heads] - 1] = np.diff(np.append(heads, len(term)))
    return numbers, at[new_term] - 2


# The digits of `index.varint`: 64 characters a JSON string holds as they are.
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
DIGIT_BYTES = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)


def _varints(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """`numbers` as `index.varint` digits, one after the other, and where each starts:
    the last digit of every number written at once, then the digit before it of those
    that have one, and so on (most numbers have one or two)."""
    length = np.ones(len(numbers), dtype=np.int64)
    for power in range(5, 35, 5):
        length += numbers >= 1 << power
    at = np.cumsum(length) - length
    out = np.empty(int(length.sum()), dtype=np.uint8)
    out[at + length - 1] = DIGIT_BYTES[32 + (numbers & 31)]
    longer = np.flatnonzero(length > 1)
    place = 1
    while len(longer):
        out[at[longer] + length[longer] - 1 - place] = DIGIT_BYTES[
            (numbers[longer] >> 5 * place) & 31]
        place += 1
        longer = longer[length[longer] > place]
    return out.tobytes().decode("ascii"), at


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (`np.unique` hashes, several times slower here)."""
    ordered = np.sort(values)
    return ordered[np.append(True, ordered[1:] != ordered[:-1])] if len(ordered) else ordered
