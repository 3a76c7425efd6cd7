"""Table numbers and 目录 entries around the standard titles, for the legacy layouts
(generator/layouts) and the narrative-only test. Which table a title names is the
catalogue's to say (`Catalogue.match_title`, tables/catalogue.toml), whatever numbering
and department name come before it.

Titles come as "表一：" + "部门（单位）收支总体情况表", "表 1" + "部门收支总体情况表", or
with no number at all; the 目录 (table of contents) lists the same names, so callers
must skip the 目录 themselves (a title line there is followed by no table).
"""

from __future__ import annotations

import re

from ..numbers import squash
from ..tables.catalogue import load_catalogue

# "表一：", "表 1", "表十一", "表1-1" at the start of a line.
TABLE_NUMBER_RE = re.compile(r"^表\s*([一二三四五六七八九十]+|\d+)(?:\s*[-－]\s*\d+)?\s*[：:]?")
# How a title line ends: "…表", or "…表（续）" (cheap pre-filters test this first).
ENDS_LIKE_TITLE = re.compile(r"表\s*(?:[（(]\s*续表?\s*[）)])?\s*$")
# A 目录 entry or a 说明 sentence that merely names a table.
_TOC_PREFIX = re.compile(r"^[-•·]?\s*[一二三四五六七八九十]+、")


def table_key_for_title(line: str) -> str | None:
    """The table key a title line names ("表一：部门（单位）收支总体情况表" → "summary"), or
    None: a sentence that mentions a table ("…情况表为空表。") is no title."""
    found = load_catalogue().match_title(line)
    return (found[0].key or None) if found else None


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
