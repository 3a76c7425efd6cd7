"""The four parts of a disclosure and the text sections inside them.

第一部分 概况 (主要职能, 机构设置及人员情况), 第二部分 the tables, 第三部分 说明, 第四部分
名词解释. A 目录 (table of contents) repeats the part headings first, so each part starts
at the *last* line that heads it.
"""

from __future__ import annotations

import re

from ..model import Document, Section
from ..sources import SourceText

# Leading markers as one character class: nested `\s*[-*#]*\s*` backtracks quadratically
# on a long line of spaces.
_PART = re.compile(r"^[\s\-*#]*第\s*([一二三四五六])\s*部分")
_PART_KEYS = {"一": "overview", "二": "tables", "三": "explanation", "四": "glossary"}
_HEADING = re.compile(r"^[\s\-*#]*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(\S.*?)\s*$")
_ITEM_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[、.．]|[一二三四五六七八九十]{1,3}、)")
# How a paragraph's last line ends (white space after it aside).
_PARAGRAPH_ENDS = frozenset("。：:；;！!？?")
_PERFORMANCE_TITLE = re.compile(r"绩效目标(?:表|申报表)\s*$")
_FUNCTION_ITEM = re.compile(r"[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]|(?:^|(?<=[。；;]))\s*\d{1,2}\s*[、.．]")


def find_parts(lines: list[str]) -> dict[str, tuple[int, int]]:
    """part key → (first line, last line), 1-based, body only (not the 目录)."""
    starts: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        m = _PART.match(raw) if "部分" in raw else None
        if m and m.group(1) in _PART_KEYS:
            starts[_PART_KEYS[m.group(1)]] = number
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    spans: dict[str, tuple[int, int]] = {}
    for i, (key, start) in enumerate(ordered):
        end = ordered[i + 1][1] - 1 if i + 1 < len(ordered) else len(lines)
        spans[key] = (start, end)
    return spans


def _paragraphs(lines: list[str], start: int, end: int, wrapped: bool) -> str:
    """Text of lines start..end with paragraphs rebuilt: PDF layouts wrap lines mid-sentence."""
    paragraphs: list[str] = []
    current: list[str] = []  # the lines of the paragraph being read, joined once it ends
    for number in range(start, end + 1):
        raw = lines[number - 1]
        text = raw.replace("\t", " ").strip(" \u3000\ufeff-*#")
        if not text or len(text) <= 3 and text.isdecimal():  # (a page's number)
            continue
        if not wrapped or not current or _ITEM_START.match(text):
            if current:
                paragraphs.append("".join(current))
            current = [text]
        else:
            current.append(text)
        if wrapped and text.rstrip()[-1:] in _PARAGRAPH_ENDS:
            paragraphs.append("".join(current))
            current = []
    if current:
        paragraphs.append("".join(current))
    return "\n".join(p.strip() for p in paragraphs)


def _headings(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    found = []
    for number in range(start + 1, end + 1):
        m = _HEADING.match(lines[number - 1])
        if m and len(m.group(2)) <= 80:
            title = f"{m.group(1)}、{m.group(2)}"
            if "关于" in title and not re.search(r"说明|情况$", title):
                for nxt in range(number + 1, min(number + 4, end + 1)):
                    extra = lines[nxt - 1].strip()
                    if extra:
                        title += extra
                        break
            found.append((number, re.sub(r"\s+", "", title)))
    return found


def read_sections(source: SourceText, parts: dict[str, tuple[int, int]], doc: Document) -> None:
    wrapped = doc.layout.startswith("pdf")
    lines = source.lines
    for part in ("overview", "explanation"):
        if part not in parts:
            continue
        start, end = parts[part]
        end = _cut_at_performance(lines, start, end)
        heads = _headings(lines, start, end)
        for i, (number, title) in enumerate(heads):
            stop = heads[i + 1][0] - 1 if i + 1 < len(heads) else end
            doc.sections.append(Section(part, title, _paragraphs(lines, number + 1, stop, wrapped), number))
    for section in doc.sections:
        if "主要职能" in section.title:
            doc.functions = _function_items(section.text)
    if "glossary" in parts:
        start, end = parts["glossary"]
        text = _paragraphs(lines, start + 1, end, wrapped)
        doc.sections.append(Section("glossary", "名词解释", text, start))
        doc.glossary = _glossary(lines, start, end, text)


def _cut_at_performance(lines: list[str], start: int, end: int) -> int:
    for number in range(start, end + 1):
        if "绩效" in lines[number - 1] and _PERFORMANCE_TITLE.search(lines[number - 1].strip()):
            return number - 1
    return end


def _function_items(text: str) -> list[str]:
    flat = text.replace("\n", "")
    cuts = [m.start() for m in _FUNCTION_ITEM.finditer(flat)]
    if not cuts:
        return [p for p in text.split("\n") if p]
    items = [flat[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(flat)])]
    return [i for i in items if len(i) > 3]


_TERM = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．]\s*([^：:]{1,40})[：:]\s*(.+)$")


def _glossary(lines: list[str], start: int, end: int, text: str) -> list[tuple[str, str, int]]:
    """The terms of the 名词解释 part (lines `start`..`end`), from its paragraphs `text`."""
    entries: list[tuple[str, list[str], int]] = []
    line_of = {}
    for number in range(start + 1, end + 1):
        key = re.sub(r"\s+", "", lines[number - 1])[:12]
        if key:
            line_of.setdefault(key, number)
    for paragraph in text.split("\n"):
        m = _TERM.match(paragraph)
        if m:
            number = line_of.get(re.sub(r"\s+", "", paragraph)[:12], start)
            entries.append((m.group(1).strip(), [m.group(2).strip()], number))
        elif entries and not paragraph.startswith(("名词解释", "第四部分")):
            entries[-1][1].append(paragraph)  # joined once at the end: linear in the text
    return [(term, "".join(body), number) for term, body, number in entries]
