"""Prose as one searchable string, with every character mapped back to its source line.

PDF extraction wraps sentences at arbitrary points ("实有人" / "数 14 人"), inserts
blank lines and page numbers, and indents with U+3000. Regexes over the joined text
see the sentence whole; `line_at(offset)` says which source line a match starts on.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, compress

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
    """The cleaned lines of the last source seen, each cleaned once, when a JoinedText first
    asks for it: every JoinedText over one document slices the same list instead of
    re-cleaning its lines (a dozen times each), and the lines none asks for (the tables
    part, a third of a document) are never cleaned."""

    lines: list[str] | None = None
    cleaned: list[str | None] = []

    @classmethod
    def get(cls, lines: list[str], start: int, end: int) -> tuple[list[int], list[str]]:
        """The numbers and cleaned texts of lines `start`..`end` (1-based) with text."""
        if cls.lines is not lines:
            cls.lines, cls.cleaned = lines, [None] * len(lines)
        if end < start:
            return [], []
        cleaned = cls.cleaned
        part = cleaned[start - 1:end]
        if None in part:
            if part.count(None) == len(part):  # (the first ask of these lines: clean them at once)
                cleaned[start - 1:end] = map(_clean, lines[start - 1:end])
            else:
                for i in range(start - 1, end):
                    if cleaned[i] is None:
                        cleaned[i] = _clean(lines[i])
            part = cleaned[start - 1:end]
        return list(compress(range(start, end + 1), part)), list(filter(None, part))


class JoinedText:
    """Lines `start`..`end` (1-based, inclusive) joined (by default without separators).

    Blank lines and page numbers are dropped; leading markdown markers ("- ", "**")
    and outer white space are removed from each line.
    """

    def __init__(self, lines: list[str], start: int = 1, end: int | None = None,
                 separator: str = ""):
        end = len(lines) if end is None else min(end, len(lines))
        self._lines, parts = _CleanCache.get(lines, max(1, start), end)
        # where each part starts in the joined text
        self._offsets = list(accumulate([len(t) + len(separator) for t in parts[:-1]], initial=0)) \
            if parts else []
        self.text = separator.join(parts)

    def line_at(self, offset: int) -> int | None:
        if not self._offsets:
            return None
        i = bisect.bisect_right(self._offsets, offset) - 1
        return self._lines[max(i, 0)]
