"""Prose as one searchable string, with every character mapped back to its source line.

PDF extraction wraps sentences at arbitrary points ("实有人" / "数 14 人"), inserts
blank lines and page numbers, and indents with U+3000. Regexes over the joined text
see the sentence whole; `line_at(offset)` says which source line a match starts on.
"""

from __future__ import annotations

import bisect
import re

_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$|^\s*第\s*\d+\s*页.*$")
_MARKDOWN = re.compile(r"^\s*(?:[-*]\s+|#+\s+)|\*\*")


class JoinedText:
    """Lines `start`..`end` (1-based, inclusive) joined (by default without separators).

    Blank lines and page numbers are dropped; leading markdown markers ("- ", "**")
    and outer white space are removed from each line.
    """

    def __init__(self, lines: list[str], start: int = 1, end: int | None = None,
                 separator: str = ""):
        end = len(lines) if end is None else min(end, len(lines))
        parts: list[str] = []
        self._offsets: list[int] = []
        self._lines: list[int] = []
        offset = 0
        for number in range(max(1, start), end + 1):
            raw = lines[number - 1]
            if not raw.strip() or _PAGE_NUMBER.match(raw):
                continue
            text = _MARKDOWN.sub("", raw).replace("\t", " ").strip(" \u3000\ufeff")
            if not text:
                continue
            self._offsets.append(offset)
            self._lines.append(number)
            parts.append(text)
            offset += len(text) + len(separator)
        self.text = separator.join(parts)

    def line_at(self, offset: int) -> int | None:
        if not self._offsets:
            return None
        i = bisect.bisect_right(self._offsets, offset) - 1
        return self._lines[max(i, 0)]


def clean_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, stripped text) for every non-blank, non-page-number line."""
    out = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or _PAGE_NUMBER.match(raw):
            continue
        text = _MARKDOWN.sub("", raw).replace("\t", " ").strip(" \u3000\ufeff")
        if text:
            out.append((number, text))
    return out
