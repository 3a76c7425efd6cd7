"""Recognising the standard table titles, whatever numbering a layout prints.

Titles come as "表一：" + "部门（单位）收支总体情况表", "表 1" + "部门收支总体情况表", or
with no number at all; the 目录 (table of contents) lists the same names, so callers
must skip the 目录 themselves (a title line there is followed by no table).
"""

from __future__ import annotations

import re

from ..numbers import squash

# Ordered: the first pattern that matches a squashed title line decides its key (财政拨款
# 收支 before 收支). Each name comes in the local templates' long form (部门收支总体情况表,
# 一般公共预算支出情况表) and the central template's short one (收支总表, 一般公共预算支出表),
# with or without 部门（单位）, 预算 and a year or department in front.
_DEPT = r"(部门(（单位）)?|单位)?"
_TITLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fiscal", re.compile(r"财政拨款收支(预算)?总(体情况)?表$")),
    ("summary", re.compile(_DEPT + r"收支(预算)?总(体情况)?表$")),
    ("income", re.compile(_DEPT + r"收入(预算)?总(体情况)?表$")),
    ("expense", re.compile(_DEPT + r"支出(预算)?总(体情况)?表$")),
    ("basic", re.compile(r"一般公共预算基本支出(预算)?(情况)?表$")),
    ("projects", re.compile(r"一般公共预算项目支出(预算)?(情况)?表$")),
    ("general_public", re.compile(r"一般公共预算(当年拨款)?(财政拨款)?支出(预算)?(情况)?表$")),
    ("three_public", re.compile(r"[“\"]?三公[”\"]?经费支出(预算)?(情况)?表$")),
    ("gov_fund", re.compile(r"政府性基金(预算)?支出(预算)?(情况)?表$")),
    ("state_capital", re.compile(r"国有资本经营(预算)?支出(预算)?(情况)?表$")),
    ("carryover", re.compile(r"上年结转结余情况(明细)?表$")),
]

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
    for key, pattern in _TITLE_PATTERNS:
        if pattern.search(text):
            return key
    return None


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
