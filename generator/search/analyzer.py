"""The analyzer: how text becomes search terms, the same at index and at query time.

The rules (templates/assets/search.js implements them again, line for line, and
tests/test_search_index.py checks that the two agree on a set of strings):

1. The text is normalized with NFKC (full-width digits and letters become ASCII, Kangxi
   radicals become the ideographs they stand for) and lower-cased.
2. It is read as runs: a run of Han characters (`HAN`) or a run of ASCII letters and digits
   (`[0-9a-z]+`, a *word*); everything else (spaces, punctuation, other scripts) separates
   runs — except, at index time, one white-space character between two Han characters
   (`SPACED`): PDF text prints letter-spaced words (拟 购 买 服 务) and wraps lines inside
   them, and the reader reads them whole. Two or more separate runs (table cells).
3. A unit of text (a table row, a project, a section: `pages.py`) is indexed under every
   Han *bigram* of its Han runs (two characters side by side), every single Han character
   and every word. This is the CJK bigram analyzer of Lucene and Elasticsearch: no
   dictionary, so the index and the query can never cut a word differently.
4. A query's terms are the bigrams of its Han runs of two or more characters, its lone
   Han characters and its words. A unit is a candidate when it holds all of them; it
   *matches exactly* when its `squeezed` text (its Han characters and words, everything
   else dropped) contains the query's squeezed text: the string typed, spaces and
   punctuation aside. The search page checks that on the units it shows.

Han characters are the CJK Unified Ideographs with Extension A and the compatibility block;
rarer extensions are outside the Basic Multilingual Plane and no budget uses them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{HAN}]+|[0-9a-z]+")
WHITE = " \t\n\r"  # (after NFKC: the ideographic and no-break spaces are " ")
# One white-space character between two Han characters: not a break, at index time (rule 2).
SPACED = re.compile(rf"(?<=[{HAN}])[{WHITE}](?=[{HAN}])")


def normalize(text: str) -> str:
    """Rule 1: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@cache
def _composing() -> frozenset[int]:
    """The characters that compose with the one before them (the second of a canonical
    decomposition, Hangul vowels and trailing consonants) and the final-sigma Σ, whose
    lower case depends on what follows."""
    seconds = {0x3A3} | set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for c in range(0x10000):
        parts = unicodedata.decomposition(chr(c)).split()
        if parts and not parts[0].startswith("<"):
            seconds.update(int(p, 16) for p in parts[1:])
    return frozenset(seconds)


_SIMPLE: dict[int, int] = {}  # `simple_mapping`'s answers so far


def simple_mapping(code_points: np.ndarray) -> np.ndarray:
    """Rule 1 per character, for the characters where that is rule 1 of any text holding
    them: for each of the distinct `code_points`, the code point of `normalize(chr(c))`
    when c is in the Basic Multilingual Plane, its NFKC lower-cased is one character and
    neither composes with a neighbour nor reorders with one (its decompositions hold only
    starters, none of them `_composing`); -1 for the others. A text of such characters
    only is normalized by mapping each (NFKC and lower case change nothing else then); a
    text with any other (rare in budgets: …, ㎡, ligatures, combining marks, Ext. B) is
    normalized whole (`normalize`)."""
    seconds = _composing()
    combining, form = unicodedata.combining, unicodedata.normalize
    out = np.empty(len(code_points), dtype=np.int64)
    for i, c in enumerate(code_points.tolist()):
        mapped = _SIMPLE.get(c)
        if mapped is None:
            char = chr(c)
            target = form("NFKC", char).lower()
            parts = form("NFKD", char) + form("NFKD", target) + char + target
            simple = c < 0x10000 and len(target) == 1 and all(
                combining(d) == 0 and ord(d) not in seconds for d in parts)
            mapped = _SIMPLE[c] = ord(target) if simple else -1
        out[i] = mapped
    return out


def _is_han(run: str) -> bool:
    return not ("0" <= run[0] <= "9" or "a" <= run[0] <= "z")


def index_terms(text: str) -> set[str]:
    """Every term a unit of `text` is indexed under (rule 3)."""
    terms: set[str] = set()
    for run in RUN.findall(SPACED.sub("", normalize(text))):
        if _is_han(run):
            terms.update(run)
            terms.update(map(str.__add__, run, run[1:]))
        else:
            terms.add(run)
    return terms


def query_terms(text: str) -> list[str]:
    """The terms of a query (rule 4), distinct, in the order they first appear."""
    out: list[str] = []
    for run in RUN.findall(normalize(text)):
        pieces = [run] if not _is_han(run) or len(run) == 1 else map(str.__add__, run, run[1:])
        out += [p for p in pieces if p not in out]
    return out


def squeezed(text: str) -> str:
    """The runs of `text`, normalized, joined without what separated them (rule 4)."""
    return "".join(RUN.findall(normalize(text)))
