"""Recognising the standard table titles, whatever numbering a layout prints, for the
legacy layouts (generator/layouts) and the narrative-only test: the titles are the
catalogue's (tables/catalogue.toml), matched at the line's end after any text before them.

Titles come as "表一：" + "部门（单位）收支总体情况表", "表 1" + "部门收支总体情况表", or
with no number at all; the 目录 (table of contents) lists the same names, so callers
must skip the 目录 themselves (a title line there is followed by no table).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from ..numbers import squash
from ..tables.catalogue import load_catalogue

# The longest title line, squashed: a county department's full name and the year can come
# first ("新疆维吾尔自治区伊犁哈萨克自治州奎屯市人力资源和社会保障局2024年部门收支总体情况表", 43).
MAX_TITLE_LENGTH = 90

# "表一：", "表 1", "表十一", "表1-1" at the start of a line.
TABLE_NUMBER_RE = re.compile(r"^表\s*([一二三四五六七八九十]+|\d+)(?:\s*[-－]\s*\d+)?\s*[：:]?")
# A table's title printed again on the next page: "部门支出总体情况表（续）".
_CONTINUED = re.compile(r"[（(]续表?[）)]$")
# How a title line ends: "…表", or "…表（续）" (cheap pre-filters test this first).
ENDS_LIKE_TITLE = re.compile(r"表\s*(?:[（(]\s*续表?\s*[）)])?\s*$")
# A 目录 entry or a 说明 sentence that merely names a table.
_TOC_PREFIX = re.compile(r"^[-•·]?\s*[一二三四五六七八九十]+、")


def table_key_for_title(line: str) -> str | None:
    """The table key a title line names ("部门（单位）收支总体情况表" → "summary"), or None.

    Only a line that *is* a title matches (it must end with the table name), so a
    sentence that mentions a table ("…政府性基金预算支出情况表为空表。") does not.
    """
    if "表" not in line:  # cheap pre-filter: this runs on every line of every document
        return None
    text = squash(line)
    text = _CONTINUED.sub("", TABLE_NUMBER_RE.sub("", text))
    if not text or len(text) > MAX_TITLE_LENGTH:
        return None
    return _key_at_end(text)


@lru_cache(maxsize=4096)  # (the same few title lines in every document)
def _key_at_end(text: str) -> str | None:
    """The key of the catalogue's table kind whose title the text ends with, the longest
    such title deciding (一般公共预算财政拨款支出预算表 is 一般公共预算's, not
    财政拨款支出预算表's); None for a kind the site stores no table of."""
    best: tuple[int, str] | None = None
    for key, pattern in _titles_at_end():
        found = pattern.search(text)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), key)
    return (best[1] or None) if best else None


@cache
def _titles_at_end() -> list[tuple[str, re.Pattern[str]]]:
    """Each catalogue kind's key and its titles, anchored at the line's end."""
    return [(kind.key, re.compile("(?:" + "|".join(kind.titles) + ")$")) for kind in load_catalogue().kinds]


def numbered_title(title: str, before: str | None) -> str:
    """The title as printed, with the table number printed on the line before it:
    "表一：" + "部门（单位）收支总体情况表" → "表一 部门（单位）收支总体情况表"."""
    title = squash(title)
    flat = squash(before or "")
    number = TABLE_NUMBER_RE.fullmatch(flat)
    if number is None or TABLE_NUMBER_RE.match(title):
        return title
    return f"表{number.group(1)} {title}"


def is_toc_entry(line: str) -> bool:
    """A 目录 line such as "一、部门收支总体情况表" or "- 七、…"."""
    return bool(_TOC_PREFIX.match(line.strip()))
