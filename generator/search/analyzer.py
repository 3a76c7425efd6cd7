"""The analyzer: how text becomes search terms, the same at index and at query time.

The rules (templates/assets/search.js implements them again, line for line, and
tests/test_search_analyzer.py checks that the two agree on a set of strings):

1. The text is normalized with NFKC (full-width digits and letters become ASCII, Kangxi
   radicals become the ideographs they stand for) and lower-cased.
2. It is read as a sequence of *slots*: each Han character is one slot, each run of ASCII
   letters and digits (`[0-9a-z]+`) is one slot; everything else (spaces, punctuation,
   other scripts) separates runs and takes no slot, so "PPP 项目" and "PPP项目" read alike.
3. The index holds, at the slot of its first character, every Han *bigram* (two Han
   characters side by side in the text), every single Han character, and every ASCII
   word. This is the CJK bigram analyzer of Lucene and Elasticsearch: no dictionary, so
   the index and the query can never cut a word differently.
4. A query is read the same way. A run of two or more Han characters becomes its bigrams,
   a lone Han character its unigram, an ASCII word itself; each term keeps its slot
   relative to the first. A text matches the query *exactly* when every term occurs at
   the same relative slots from one starting slot (a phrase): the string typed, spaces
   and punctuation aside.

Han characters are the CJK Unified Ideographs with Extension A and the compatibility block
(`HAN`); rarer extensions are outside the Basic Multilingual Plane and no budget uses them.
"""

from __future__ import annotations

import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A Han character, or a run of ASCII letters and digits: the slots of rule 2.
SLOT = re.compile(rf"[{HAN}]|[0-9a-z]+")
HAN_CHAR = re.compile(rf"[{HAN}]")


def normalize(text: str) -> str:
    """Rule 1: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def slots(text: str) -> list[tuple[str, int]]:
    """The slots of `text` (rule 2), each with the offset where it ends in the normalized
    text: a Han character directly after another at the previous offset belongs to the same
    run."""
    return [(m.group(), m.end()) for m in SLOT.finditer(normalize(text))]


def index_terms(text: str, start: int = 0) -> list[tuple[str, int]]:
    """Every (term, slot) of `text` for the index (rule 3), slots counted from `start`."""
    out: list[tuple[str, int]] = []
    found = slots(text)
    for i, (token, end) in enumerate(found):
        slot = start + i
        out.append((token, slot))
        if len(token) == 1 and HAN_CHAR.match(token) and i + 1 < len(found):
            following, following_end = found[i + 1]
            if following_end == end + 1 and HAN_CHAR.match(following):
                out.append((token + following, slot))
    return out


def query_terms(text: str) -> list[tuple[str, int]]:
    """The terms of a query with their slots relative to the first (rule 4)."""
    found = slots(text)
    out: list[tuple[str, int]] = []
    for i, (token, end) in enumerate(found):
        han = len(token) == 1 and HAN_CHAR.match(token)
        following = found[i + 1] if i + 1 < len(found) else None
        joined = (han and following is not None and following[1] == end + 1
                  and HAN_CHAR.match(following[0]))
        previous_joined = (han and i > 0 and found[i - 1][1] == end - 1
                           and HAN_CHAR.match(found[i - 1][0]))
        if joined:
            out.append((token + following[0], i))
        elif not han or not previous_joined:
            out.append((token, i))  # an ASCII word, or a lone Han character
    return out


def slot_count(text: str) -> int:
    """How many slots `text` takes."""
    return len(SLOT.findall(normalize(text)))
