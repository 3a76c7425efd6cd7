"""Prose as one searchable string, with every character mapped back to its source line.

PDF extraction wraps sentences at arbitrary points ("实有人" / "数 14 人"), inserts
blank lines and page numbers, and indents with U+3000. Regexes over the joined text
see the sentence whole; `line_at(offset)` says which source line a match starts on.
"""

from __future__ import annotations

import bisect
import re

# A line that can only be a page's number, in any part of a document, tables included:
# "第 6 页", "第6页 共20页", "共20页 第6页", "- 6 -", "— 6 —". (A bare "6" may be a cell.)
PAGE_MARKER = re.compile(r"^\s*(?:第\s*\d{1,4}\s*页(?:\s*[,，、/]?\s*共\s*\d{1,4}\s*页)?"
                         r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
                         r"|[-－—–]\s*\d{1,4}\s*[-－—–])\s*$")
# In prose, a bare number or a line starting "第 6 页" is a page's number too.
PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$|^\s*第\s*\d+\s*页.*$|"
                         + PAGE_MARKER.pattern)
_PAGE_NUMBER_STARTS = frozenset("-第共－—–")
_MARKDOWN = re.compile(r"^\s*(?:[-*]\s+|#+\s+)|\*\*")


def _clean(raw: str) -> str:
    stripped = raw.lstrip()
    if not stripped:
        return ""
    # a page number starts with a digit (any \d), a dash, 第 or 共: most lines need no regex
    if (stripped[0] in _PAGE_NUMBER_STARTS or stripped[0].isdecimal()) and PAGE_NUMBER.match(raw):
        return ""
    # Every line of a document passes here: the substitution only runs where a marker can be.
    if stripped[0] in "-*#" or "**" in raw:
        raw = _MARKDOWN.sub("", raw)
    return raw.replace("\t", " ").strip(" \u3000\ufeff\f")


class _CleanCache:
    """The cleaned non-blank lines of the last source seen: every JoinedText over one
    document slices the same list instead of re-cleaning its lines (a dozen times each)."""

    lines: list[str] | None = None
    numbers: list[int] = []
    texts: list[str] = []

    @classmethod
    def get(cls, lines: list[str]) -> tuple[list[int], list[str]]:
        if cls.lines is not lines:
            numbers, texts = [], []
            for number, raw in enumerate(lines, 1):
                text = _clean(raw)
                if text:
                    numbers.append(number)
                    texts.append(text)
            cls.lines, cls.numbers, cls.texts = lines, numbers, texts
        return cls.numbers, cls.texts


class JoinedText:
    """Lines `start`..`end` (1-based, inclusive) joined (by default without separators).

    Blank lines and page numbers are dropped; leading markdown markers ("- ", "**")
    and outer white space are removed from each line.
    """

    def __init__(self, lines: list[str], start: int = 1, end: int | None = None,
                 separator: str = ""):
        end = len(lines) if end is None else min(end, len(lines))
        numbers, texts = _CleanCache.get(lines)
        lo = bisect.bisect_left(numbers, max(1, start))
        hi = bisect.bisect_right(numbers, end)
        self._lines = numbers[lo:hi]
        parts = texts[lo:hi]
        self._offsets = []
        offset = 0
        for text in parts:
            self._offsets.append(offset)
            offset += len(text) + len(separator)
        self.text = separator.join(parts)

    def line_at(self, offset: int) -> int | None:
        if not self._offsets:
            return None
        i = bisect.bisect_right(self._offsets, offset) - 1
        return self._lines[max(i, 0)]
