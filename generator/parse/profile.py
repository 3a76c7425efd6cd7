"""Prose readers shared by every layout: who, where, when, and the 概况 (overview).

Reads the department (编制部门), region, year, amount unit, 主要职能, 机构设置
(divisions, 二级预算单位) and staffing (编制数, 实有人数, 在职/退休/离休 and their changes),
then hands the text parts to `sections` and `statements`.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Document, Issue, Staffing
from ..sources import SourceText
from . import regions, sections, statements, units
from .prose import PAGE_NUMBER, JoinedText

_DEPT_LINE = re.compile(r"编制(?:部门|单位)(?:（单位）|\(单位\))?\s*[:：]\s*(.+)")
# Where 编制部门 is not printed: 预算主管部门：, 预算单位：, and a table's 部门： / 部门名称： line.
_OTHER_DEPT_LINE = re.compile(r"^\s*(?:预算主管部门|预算单位|部门名称|部\s*门|单位名称)\s*[:：]\s*(.+)")
_DEPT_END = re.compile(r"\s{2,}|\s*[（(]?\s*(?:金额)?单位\s*[:：]")
# (not the year a budget compares with: 比2023年预算, 2023年当年预算执行数)
_YEAR = re.compile(r"(?<![比较上于])(20\d{2})\s*年(?:度)?(?!\s*(?:当年)?预算执行)[^。，,\d]{0,14}?预算")
# "部门预算", "单位决算", "部门（单位）预算", "区级单位预算": what the title says the file is.
_KIND_SCOPE = re.compile(r"(部门|单位)\s*(?:[（(]\s*单位\s*[)）])?\s*(预算|决算)")
# The year as a title prints it: 2024年区级部门预算, 2024 年度部门决算, 2019年度部门预算公开;
# never 比2023年预算 (the year before, in a comparison).
_TITLE_YEAR = re.compile(r"(?<![比较上于])(20\d{2})\s*年度?\s*(?:区级|省级|市级|县级)?\s*(?:部门|单位)\s*[预决]算")
_DIVISIONS = re.compile(
    r"下设\s*(\d+)\s*个\s*([^，,：:。\d]{1,8}?)\s*[，,]?\s*(?:分别(?:是|为)|包括|具体为)\s*[:：]?(.+?)[。；;]")
_SUB_UNITS_INTRO = re.compile(r"二级预算单位(?:包括|有|分别是|为)\s*[:：]?")
_NUMBERED_ITEM = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.．、]\s*(.+?)\s*[；;。,，]?\s*$")


def read_profile(source: SourceText, doc: Document) -> None:
    """Fill the document's identity, 概况 and text sections from the prose."""
    parts = sections.find_parts(source.lines)
    doc.department, doc.department_line = _read_department(source, parts)
    head = JoinedText(source.lines, 1, 400).text  # (the kind and the year are read from it)
    doc.kind, doc.scope = read_kind_scope(source, head)
    doc.year = _read_year(head)
    doc.unit = _read_unit(source)
    if doc.department:
        doc.region = regions.region_of(doc.department)
    if doc.region is None:
        doc.issues.append(Issue("region-unknown", f"无法从部门名称「{doc.department or ''}」"
                                "判断所属地区", doc.path, doc.department_line, "warning"))
    overview = parts.get("overview")
    text = JoinedText(source.lines, *overview) if overview else None
    if text is not None:
        doc.staffing = _read_staffing(text)
        doc.division_count, doc.divisions = _read_divisions(text)
        doc.sub_units = _read_sub_units(source.lines, overview, text)
    for key, message in (("department", "未找到部门名称（编制部门）"),
                         ("year", "未找到预算年度")):
        if getattr(doc, key) is None:
            doc.issues.append(Issue(f"{key}-missing", message, doc.path, None, "error"))
    if doc.staffing.authorized is None:
        # A template that prints no staffing (上海, most of 江苏) is no problem of the file:
        # a warning only where the overview speaks of posts the reader could not read.
        spoken = text is not None and _STAFFING_WORDS.search(text.text)
        doc.issues.append(Issue("staffing-missing", "未找到人员编制（编制数/实有人数）"
                                if spoken else "文件未列出人员编制（编制数）",
                                doc.path, overview[0] if overview else None,
                                "warning" if spoken else "info"))
    statements.read_statements(source, sections.read_sections(source, parts, doc), doc)


def _read_department(source: SourceText, parts: dict[str, tuple[int, int]]) -> tuple[str | None, int | None]:
    """The department as printed in the 编制部门 lines (the most frequent spelling wins)."""
    found: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for number, raw in enumerate(source.lines, 1):
        m = _DEPT_LINE.search(raw) if "编制" in raw else None
        if not m:
            continue
        name = _DEPT_END.split(m.group(1).strip(" \u3000\t"))[0].strip(" \u3000\t")
        if 2 <= len(name) <= 60:
            found[name] += 1
            first_line.setdefault(name, number)
    if not found:
        _count_other_department_lines(source, found, first_line)
    if found:
        best = max(found, key=lambda n: (found[n], -first_line[n]))
        return best, first_line[best]
    return _department_from_title(source, parts)


def _count_other_department_lines(source: SourceText, found: Counter[str], first_line: dict[str, int]) -> None:
    for number, raw in enumerate(source.lines, 1):
        m = _OTHER_DEPT_LINE.match(raw) if "：" in raw or ":" in raw else None
        if not m:
            continue
        name = _DEPT_END.split(m.group(1).strip(" \u3000\t"))[0].strip(" \u3000\t")
        if 2 <= len(name) <= 60 and not re.search(r"[，。；]", name):
            found[name] += 1
            first_line.setdefault(name, number)


_TITLE_DEPT = re.compile(r"第一部分\s*(?:20\d{2}\s*年)?\s*(.+?)(?:部门)?(?:（单位）)?概况")


# The cover: "XX局 2024 年部门预算公开", before the 目录 or 第一部分 (often over two lines).
_COVER_DEPT = re.compile(r"^(.{2,60}?)\s*20\d{2}\s*年度?\s*(?:部门)?(?:（单位）)?(?:综合)?预算")
_COVER_END = re.compile(r"目\s*录|第一部分")
# What a heading may say where a name belongs: not a department.
_GENERIC_NAMES = {"部门", "单位", "本部门", "本单位", "部门（单位）"}


def _department_from_title(source: SourceText, parts: dict[str, tuple[int, int]]) -> tuple[str | None, int | None]:
    """The department named in the 第一部分 heading ("第一部分 XX局概况"), else on the cover."""
    start = parts.get("overview", (1, 1))[0]
    text = JoinedText(source.lines, max(1, start - 1), start + 3)
    m = _TITLE_DEPT.search(text.text)
    if m and len(m.group(1)) >= 2 and m.group(1).strip() not in _GENERIC_NAMES:
        return m.group(1).strip(), text.line_at(m.start(1))
    cover = JoinedText(source.lines, 1, 15)
    end = _COVER_END.search(cover.text)
    m = _COVER_DEPT.search(cover.text[:end.start() if end else len(cover.text)])
    if m and m.group(1).strip() not in _GENERIC_NAMES:
        return m.group(1).strip(), cover.line_at(m.start(1))
    return None, None


def read_kind_scope(source: SourceText, head: str | None = None) -> tuple[str, str]:
    """(kind, scope): "budget" (预算) or "final_accounts" (决算), "department" (部门) or
    "unit" (单位), as the cover or title says ("2024 年度部门决算", "2026年区级单位预算").

    The cover (first 15 lines) decides; without one, the most frequent phrase in the first
    400 lines (`head`: their joined text, if known). Nothing said: a department budget,
    what most files are.
    """
    for last in (15, 400):
        text = head if last == 400 and head is not None else JoinedText(source.lines, 1, last).text
        found = Counter(m.groups() for m in _KIND_SCOPE.finditer(text))
        if found:
            scope, kind = found.most_common(1)[0][0]
            return ("final_accounts" if kind == "决算" else "budget",
                    "unit" if scope == "单位" else "department")
    return "budget", "department"


def _read_year(head: str) -> int | None:
    """The year titles print (2024年区级部门预算), else the year most often before 预算, in
    the joined text of the first 400 lines."""
    titled = Counter(int(m.group(1)) for m in _TITLE_YEAR.finditer(head))
    if titled:
        return titled.most_common(1)[0][0]
    years = Counter(int(m.group(1)) for m in _YEAR.finditer(head))
    return years.most_common(1)[0][0] if years else None


def _read_unit(source: SourceText) -> str:
    printed = Counter(m.group(1) for line in source.lines if "单位" in line for m in units.UNIT.finditer(line))
    return printed.most_common(1)[0][0] if printed else units.SITE_UNIT


def _change(direction: str | None, amount: str | None) -> int | None:
    if amount is None:
        return None
    value = int(amount)
    return -value if direction == "减少" else value


_PERSON = r"\s*(\d+)\s*人?"
_CHANGE = r"(?:\s*[，,]?\s*(增加或减少|增加|减少|持平)\s*(\d+)?\s*人?)?"


# Where an overview speaks of its posts: 编制数, 编制 12 人, 实有人数.
_STAFFING_WORDS = re.compile(r"编制\s*(?:数|人数)|编制\s*[:：为]?\s*\d|实有人")
# Posts of a kind with their count, where no 编制数 is printed: 行政政法人员编制 496 人,
# 核定行政编制 30 名. Taken only when the overview prints one such count, not a change
# (新增…编制 9 人) — two kinds (行政编制 and 事业编制) have no printed total.
_POSTS_OF_A_KIND = re.compile(r"编制\s*[:：为]?\s*(\d+)\s*[人名]")
_POSTS_CHANGED = re.compile(r"(?:新增|增加|减少|核减|核增|划转|调入|调出|变动)[^，。；]{0,12}$")


def _authorized(text: JoinedText) -> tuple[int, int | None] | None:
    """编制数 and its line: 编制数 12 / 编制人数为 12 人, else the one count of posts of a kind."""
    m = re.search(r"编制(?:数|人数)\s*[:：为]?" + _PERSON, text.text)
    if m:
        return int(m.group(1)), text.line_at(m.start())
    counts = [m for m in _POSTS_OF_A_KIND.finditer(text.text)
              if not _POSTS_CHANGED.search(text.text[max(0, m.start() - 16):m.start()])]
    if len(counts) == 1:
        return int(counts[0].group(1)), text.line_at(counts[0].start())
    return None


def _read_staffing(text: JoinedText) -> Staffing:
    s = Staffing()
    t = text.text
    if found := _authorized(text):
        s.authorized, s.line = found
    m = re.search(r"实有(?:人数|人员)\s*[:：为]?" + _PERSON, t)
    if m:
        s.actual = int(m.group(1))
        s.line = s.line or text.line_at(m.start())
    for key, word in (("in_service", "在职"), ("retired", "(?<!离)退休"), ("lixiu", "离休")):
        m = re.search(word + r"(?:人员)?" + _PERSON + _CHANGE, t)
        if m:
            setattr(s, key, int(m.group(1)))
            direction = m.group(2)
            count = m.group(3) if m.group(3) is not None else ("0" if direction == "持平" else None)
            setattr(s, f"{key}_change", _change(direction, count))
    return s


def _read_divisions(text: JoinedText) -> tuple[int | None, list[str]]:
    m = _DIVISIONS.search(text.text)
    if not m:
        m2 = re.search(r"下设\s*(\d+)\s*个", text.text)
        return (int(m2.group(1)) if m2 else None), []
    names = [n.strip(" ，,") for n in re.split(r"[、，,]", m.group(3)) if n.strip(" ，,")]
    return int(m.group(1)), names


def _read_sub_units(lines: list[str], span: tuple[int, int], text: JoinedText) -> list[str]:
    """二级预算单位: the numbered list after "…二级预算单位包括：" (empty if 无下属预算单位)."""
    m = _SUB_UNITS_INTRO.search(text.text)
    if not m:
        return []
    start = text.line_at(m.start()) or span[0]
    names: list[str] = []
    for number in range(start + 1, span[1] + 1):
        raw = lines[number - 1]
        if not raw.strip() or PAGE_NUMBER.match(raw):  # a page break inside the list
            continue
        item = _NUMBERED_ITEM.match(raw)
        if not item:
            if names:
                break
            continue
        names.append(item.group(1).strip())
    return names
