"""pdf-single-space: from text lines to table regions (a title and its lines, the pages
that print the title again merged), read by the shared pipeline (`single_space_tables`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numbers import parse_amount, squash
from ..parse.titles import TABLE_NUMBER_RE, is_toc_entry, table_key_for_title

# Lines that end a table region: the next part of the document or a 绩效目标表.
REGION_STOP_RE = re.compile(
    r"^第[一二三四五六七八九十]+部分|项目支出绩效目标表|部门整体(支出)?绩效目标表"
)


@dataclass
class Region:
    """The lines of one table (page-break repeats merged): title line and body parts."""

    key: str
    title: str
    line: int
    parts: list[list[tuple[int, str]]] = field(default_factory=list)
    # Lines after a table-number line ("表二：") that no title follows: another table whose
    # title was lost, not read (first line, last line, how many lines carry amounts).
    untitled: tuple[int, int, int] | None = None

    def lines(self) -> list[tuple[int, str]]:
        return [item for part in self.parts for item in part]


def find_regions(lines: list[str]) -> list[Region]:
    """Every table title and its lines, with a repeated title (page break) merged into
    the table before it."""
    titles: list[tuple[int, str, str]] = []
    stops: set[int] = set()
    for number, text in enumerate(lines, 1):
        # Every title and stop line holds 表 or 部分: skip the rest cheaply.
        if "表" not in text and "部分" not in text:
            continue
        flat = squash(text)
        if REGION_STOP_RE.search(flat):
            stops.add(number)
        if is_toc_entry(text.strip()):
            continue
        key = table_key_for_title(flat)
        if key:
            titles.append((number, key, flat))
    regions: list[Region] = []
    for index, (number, key, title) in enumerate(titles):
        end = titles[index + 1][0] - 1 if index + 1 < len(titles) else len(lines)
        body: list[tuple[int, str]] = []
        untitled, has_rows = None, False
        for n in range(number + 1, end + 1):
            if n in stops:
                break
            if has_rows and _is_number_line(lines[n - 1]):
                # "表二：" after this table's rows starts the next table, whose title is
                # not printed (a title would have ended this region): not this table's rows.
                untitled = _untitled(lines, n, end, stops)
                break
            has_rows = has_rows or _ends_in_amount(lines[n - 1])
            body.append((n, lines[n - 1]))
        if regions and regions[-1].key == key:
            regions[-1].parts.append(body)
            regions[-1].untitled = regions[-1].untitled or untitled
        else:
            regions.append(Region(key, title, number, [body], untitled))
    return regions


def _is_number_line(text: str) -> bool:
    stripped = text.strip()
    return stripped[:1] == "表" and TABLE_NUMBER_RE.sub("", squash(stripped)) == ""


def _ends_in_amount(text: str) -> bool:
    tail = text.rsplit(None, 1)
    return bool(tail) and parse_amount(tail[-1]) is not None


def _untitled(
    lines: list[str], start: int, end: int, stops: set[int]
) -> tuple[int, int, int] | None:
    """(first line, last line, lines ending in an amount) from a table-number line to the
    next title or stop, when some line there ends in an amount."""
    with_amounts, last = 0, start
    for n in range(start + 1, end + 1):
        if n in stops:
            break
        last = n
        with_amounts += _ends_in_amount(lines[n - 1])
    return (start, last, with_amounts) if with_amounts else None
