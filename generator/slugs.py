"""Stable, ASCII URL slugs (pinyin of Chinese names) that depend only on the name itself.

`ka-shi-di-qu-xing-zheng-gong-shu-ban-gong-shi-3c5e2a` for 喀什地区行政公署办公室: the
pinyin of the name (the province prefix dropped, at most 12 syllables) and a 6-character
hash of the full name. Two names read alike (市政局, 市正局) thus never share a URL, and
a name's URL does not depend on which other names the site has or on the order its files
are read: adding a document never moves another one's page. Should two names still get
the same slug (the same pinyin and hash prefix), both get longer hashes: the result is
the same for any order of the names.

Place names are read as places: pypinyin's default reading of a character outside the
phrases it knows is its most common one, which in a transliterated place name is often
wrong (阿图什 is a-tu-shi, not a-tu-shen). `_CHARACTER_READINGS` puts the place reading
first for such characters (pypinyin's phrases, 什么, 勒紧, keep theirs) and
`_PHRASE_READINGS` adds place names whose reading no single character decides.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict

_PROVINCE_PREFIXES = ("新疆维吾尔自治区",)
HASH_LENGTH = 6
K = TypeVar("K")
# Character → its readings, the one to use outside a known phrase first.
_CHARACTER_READINGS = {"什": "shí,shén", "勒": "lè,lēi"}
# Place names read otherwise than their characters alone say.
_PHRASE_READINGS = {"伽师": "jiā shī", "单县": "shàn xiàn", "洪洞": "hóng tóng"}

load_single_dict({ord(c): readings for c, readings in _CHARACTER_READINGS.items()})
load_phrases_dict({phrase: [[s] for s in reading.split()]
                   for phrase, reading in _PHRASE_READINGS.items()})


@lru_cache(maxsize=4096)
def slugify(name: str, max_words: int = 12) -> str:
    """ASCII words of `name` (no hash): pinyin syllables of Chinese runs, ASCII words
    kept, at most `max_words`, joined by '-'."""
    text = name
    for prefix in _PROVINCE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
    words: list[str] = []
    for piece in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [s]):
        words.extend(re.findall(r"[a-z0-9]+", piece.lower()))
    return "-".join(words[:max_words]) or "x"


def short_hash(text: str, length: int = HASH_LENGTH) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def name_slug(name: str, length: int = HASH_LENGTH) -> str:
    """The slug of one name: its pinyin and a hash of the full name."""
    return f"{slugify(name)}-{short_hash(name, length)}"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """`name_slug` of each distinct name; names whose slugs collide get longer hashes."""
    return _resolve(set(names), name_slug)


def doc_ids(documents: Iterable[tuple[str, int | None, str]]) -> list[str]:
    """doc_id of each (name, year, path), in order: `<name slug>-<year>` ('unknown'
    without a year).

    Documents with the same name and year (two files for one department-year) all get a
    hash of their own path appended, however many there are and whatever their order.
    """
    documents = list(documents)
    slugs = unique_slugs(name for name, _, _ in documents)
    base = [f"{slugs[name]}-{year if year is not None else 'unknown'}" for name, year, _ in documents]
    shared = Counter(base)
    # The text hashed for each: its path (the same path twice only in tests: numbered).
    seen: Counter[str] = Counter()
    hashed = []
    for _, _, path in documents:
        hashed.append(path if not seen[path] else f"{path}#{seen[path]}")
        seen[path] += 1

    def doc_id(i: int, length: int) -> str:
        if shared[base[i]] == 1 and length == HASH_LENGTH:
            return base[i]
        return f"{base[i]}-{short_hash(hashed[i], length)}"

    found = _resolve(set(range(len(documents))), doc_id)
    return [found[i] for i in range(len(documents))]


def _resolve(keys: set[K], slug: Callable[[K, int], str]) -> dict[K, str]:
    """`slug(key, length)` for each key, with longer hashes (length) for keys whose slugs
    collide, until none do. Depends only on the set of keys, never on their order."""
    length = dict.fromkeys(keys, HASH_LENGTH)
    while True:
        owners: dict[str, list[K]] = defaultdict(list)
        for key in keys:
            owners[slug(key, length[key])].append(key)
        clashing = [k for group in owners.values() if len(group) > 1 for k in group]
        if not clashing:
            return {key: value for value, (key,) in owners.items()}
        for key in clashing:
            if length[key] >= 40:
                raise ValueError(f"no unique slug for {key!r}")
            length[key] += 2
