"""The four parts of a disclosure and the text sections inside them.

第一部分 概况 (主要职能, 机构设置及人员情况), 第二部分 the tables, 第三部分 说明, 第四部分
名词解释. A 目录 (table of contents) repeats the part headings first, so each part starts
at the *last* line that heads it. A template without parts (上海's 预算: 部门主要职能,
部门机构设置, 名词解释, 部门预算编制说明, the tables, 其他相关情况说明, 项目经费情况说明)
has its sections found by its 目录 instead (`contents_headings`).
"""

from __future__ import annotations

import re

from ..model import Document, Section
from ..numbers import squash
from ..sources import SourceText
from ..tables.catalogue import load_catalogue

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


def read_sections(source: SourceText, parts: dict[str, tuple[int, int]],
                  doc: Document) -> list[tuple[Section, int]]:
    """The document's text sections into `doc.sections` (主要职能 → `doc.functions`,
    名词解释 → `doc.glossary`); returns each 说明 section with the last line its stated
    figures are read to (`statements`)."""
    wrapped = doc.layout.startswith("pdf")
    lines = source.lines
    explained: list[tuple[Section, int]] = []
    if parts:
        for part in ("overview", "explanation"):
            if part not in parts:
                continue
            start, end = parts[part]
            cut = _cut_at_performance(lines, start, end)
            heads = _headings(lines, start, cut)
            for i, (number, title) in enumerate(heads):
                stop = heads[i + 1][0] - 1 if i + 1 < len(heads) else cut
                section = Section(part, title, _paragraphs(lines, number + 1, stop, wrapped), number)
                doc.sections.append(section)
                if part == "explanation":
                    explained.append((section, heads[i + 1][0] - 1 if i + 1 < len(heads) else end))
        if "glossary" in parts:
            start, end = parts["glossary"]
            text = _paragraphs(lines, start + 1, end, wrapped)
            doc.sections.append(Section("glossary", "名词解释", text, start))
            doc.glossary = _glossary(lines, start, end, text)
    else:
        for number, stop, title, part in contents_headings(lines):
            stop = _cut_at_performance(lines, number, stop)
            text = _paragraphs(lines, number + 1, stop, wrapped)
            doc.sections.append(Section(part, title, text, number))
            if part == "explanation":
                explained.append((doc.sections[-1], stop))
            elif part == "glossary" and not doc.glossary:
                doc.glossary = _glossary(lines, number, stop, text)
    for section in doc.sections:
        if "主要职能" in section.title:
            doc.functions = _function_items(section.text)
    return explained


# A 目录 line's dot leader (…… ．．． ...... ···), and the numbering before its entry.
_LEADER = re.compile(r"…|\.{3}|．{3}|·{3}")
_ENTRY_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)])")
# What a body heading may print before the entry's words: the year, the department's name
# (上海市普陀区司法局主要职能 for 部门主要职能), "2026年部门预算编制说明".
_ENTRY_PREFIX = re.compile(r"^(?:20\d{2}年度?)?(?:部门|单位)?")
_AMOUNT = re.compile(r"\d[.,]\d")  # (a table's row, not a 目录 entry)
_OVERVIEW_WORDS = re.compile(r"职能|机构|概况|人员")


def _contents_line(flat_lines: list[str]) -> int | None:
    """The line of the 目录 heading ("目 录"; in `pdftotext` without -layout, 目 and 录 on
    lines of their own: the line of 录), among the first 300 (lines without white space)."""
    pending = False
    for number, flat in enumerate(flat_lines[:300], 1):
        if flat == "目录" or pending and flat == "录":
            return number
        if flat:
            pending = flat == "目"
    return None


def contents_headings(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """The text sections of a document without 第X部分 parts, by its 目录 (its lines with a
    dot leader or a number, 一、 1. （一）): each entry that is no table is looked for, in
    order, as a short line after the 目录 ending in the entry's words; a section runs to the
    next such heading or table title. (line, last line, title, part) each; [] without a 目录."""
    flat_lines = [squash(line) for line in lines]  # once: each entry looks through the body
    start = _contents_line(flat_lines)
    if start is None:
        return []
    entries: list[str] = []
    last = start
    for number in range(start + 1, min(len(lines), start + 80) + 1):
        flat = flat_lines[number - 1]
        if not flat:
            continue
        leader = _LEADER.search(flat)
        numbered = _ENTRY_NUMBER.match(flat)
        if leader is None and not (numbered and len(flat) <= 40 and "。" not in flat
                                   and not _AMOUNT.search(flat, numbered.end())):
            break  # the first line of the body (a 目录 printed without its dots ends here)
        words = _ENTRY_PREFIX.sub("", _ENTRY_NUMBER.sub("", flat[:leader.start()] if leader else flat))
        if len(words) >= 4 and not words.endswith("表"):
            entries.append(words)  # (a table's entry: its title is found by the catalogue)
        last = number
    catalogue = load_catalogue()
    heads: list[tuple[int, str]] = []
    position = last
    for words in entries:
        for number in range(position + 1, len(lines) + 1):
            flat = flat_lines[number - 1]
            if flat.endswith(words) and len(flat) <= len(words) + 30 and not _LEADER.search(flat):
                heads.append((number, flat))
                position = number
                break
    if not heads:
        return []
    stops = [n for n in range(heads[0][0], len(lines) + 1) if catalogue.match_title(lines[n - 1])]
    found = []
    for i, (number, title) in enumerate(heads):
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else len(lines)
        end = min([end] + [stop - 1 for stop in stops if number < stop <= end])
        part = ("glossary" if "名词解释" in title
                else "overview" if _OVERVIEW_WORDS.search(title) else "explanation")
        if not title.endswith("绩效目标"):  # the 绩效 tables' heading: no text section
            found.append((number, end, title, part))
    return found


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


_TERM = re.compile(r"^\s*(?:(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[）)][、.．]?)"
                   r"\s*([^：:]{1,40})[：:]\s*(.+)$")


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
