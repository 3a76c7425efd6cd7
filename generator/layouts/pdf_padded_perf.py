"""绩效目标表 of the pdf-padded layout: 项目支出绩效目标表 and 部门整体绩效目标表.

Their cells wrap mid-token over many lines ("=219." / "59 万" / "元"), so labelled
fields (项目名称, 年度预算总额, 其中：财政拨款, 其他资金) are read from the squashed text
of the table rather than cell by cell. Indicators are read where a line holds a whole
indicator row (三级指标, 指标值 and its 标准 basis on one line); wrapped indicator rows
are left out rather than half read.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Document, Indicator, Issue, PerformanceTarget
from ..numbers import parse_amount, squash
from ..parse.titles import table_key_for_title
from .pdf_padded_cells import normalize_name
from .pdf_padded_doubts import MAX_ROW_CHARS

PERF_TITLE_RE = re.compile(r"^\s*(项目支出绩效目标表|部门整体(支出)?绩效目标表)\s*$")
_STOP_RE = re.compile(r"^\s*(第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]+[)）]|"
                      r"[一二三四五六七八九十]+、)")
_AMT = r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
# An amount glued to more digits ("0.00" + a repeated "5.30" squash to "0.005.30").
_GLUED_RE = re.compile(r"[\d.,]")
_PROJECT_NAME_RE = re.compile(r"^项目名称(.*?)(?:项目负责人.*)?$")
_TOTAL_RE = re.compile(r"年度预算总额" + _AMT)
_FISCAL_RE = re.compile(r"其中：?财政拨款" + _AMT)
_OTHER_RE = re.compile(r"其他资金" + _AMT)
_UNIT_RE = re.compile(r"^(?:预算单位|部门名称(?:（盖章）)?)(.+)$")
_FUND_SOURCES = ("上级安排", "本级安排", "其他资金")
_GOAL_START = ("项目总体目标", "年度绩效目标", "年度总体目标")
_INDICATOR_HEAD = "一级"
_HEADER_ENDS = ("佐证资料", "权重", "备注", "指标值")
_LEVEL1 = ("产出指标", "效益指标", "成本指标", "满意度指标", "履职效能", "管理效率",
           "服务对象满意度", "社会效应")
_LEVEL2_RE = re.compile(r"^(数量|质量|时效|经济成本|社会成本|生态环境成本|社会效益|经济效益|"
                        r"生态效益|可持续影响|服务对象满意度|满意度)指标$")
# Longest first, so "经济成本指标" is not read as "成本指标".
_LEVEL_NAMES = sorted(set(_LEVEL1) | {f"{p}指标" for p in (
    "数量", "质量", "时效", "经济成本", "社会成本", "生态环境成本", "社会效益", "经济效益",
    "生态效益", "可持续影响", "服务对象满意度", "满意度")}, key=len, reverse=True)
_INDICATOR_ROW_RE = re.compile(r"^(?P<name>\S+) (?P<value>\S.*?) (?P<basis>计划标准|历史标准|"
                               r"行业标准|其他标准) ")


def read_performance(lines: list[str], starts: list[int], doc: Document) -> None:
    """Append one `PerformanceTarget` per 绩效目标表 title line in `starts` (1-based)."""
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(lines)
        body = [(no, lines[no - 1]) for no in range(start + 1, end + 1)]
        body = _until_stop(body)
        kind = "project" if "项目支出" in lines[start - 1] else "department"
        doubts = [f"line {no} ({len(t)} characters) is no table line; not read"
                  for no, t in body if len(t) > MAX_ROW_CHARS]
        body = [(no, t) for no, t in body if len(t) <= MAX_ROW_CHARS]
        target = _read_target(kind, start, body, doubts)
        if target is not None:
            doc.performance.append(target)
            for doubt in doubts:
                doc.issues.append(Issue("performance-doubtful", f"{lines[start - 1].strip()} "
                                        f"{target.name}: {doubt}", doc.path, start, "warning"))


def _until_stop(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    for i, (_, text) in enumerate(body):
        if _STOP_RE.match(text) or (text.rstrip().endswith("表") and table_key_for_title(text)):
            return body[:i]
    return body


def _read_target(kind: str, line: int, body: list[tuple[int, str]],
                 doubts: list[str]) -> PerformanceTarget | None:
    """One 绩效目标表; `doubts` collects why its amounts may not be the printed ones."""
    target = PerformanceTarget(kind=kind, name="", line=line)
    # The amounts stand above the goal text, which may name them again in prose.
    head = next((i for i, (_, t) in enumerate(body)
                 if squash(t).startswith((*_GOAL_START, _INDICATOR_HEAD))), len(body))
    flat = squash("".join(t for _, t in body[:head]))
    for _, text in body:
        s = squash(text)
        if kind == "project" and not target.name and _PROJECT_NAME_RE.match(s):
            target.name = normalize_name(_between(text, "项目名称", "项目负责人"))
        m = _UNIT_RE.match(s)
        if m and target.unit is None:
            target.unit = normalize_name(m.group(1))
    if kind == "project":
        target.amount = _first(_TOTAL_RE, flat, doubts)
        target.fiscal_amount = _first(_FISCAL_RE, flat, doubts)
        target.other_funds = _first(_OTHER_RE, flat, doubts)
        parts = [v for v in (target.fiscal_amount, target.other_funds) if v is not None]
        if target.amount is not None and parts and sum(parts) != target.amount:
            doubts.append(f"年度预算总额 {target.amount} ≠ 财政拨款 + 其他资金 {sum(parts)}")
    else:
        target.name = target.unit or ""
        _department_funds(body, target, doubts)
    target.goal = _goal(body)
    target.indicators = _indicators(body)
    if not any(squash(t).startswith(_INDICATOR_HEAD) for _, t in body):
        # Every 绩效目标表 ends with its indicators: without them the table was cut
        # short, perhaps inside an amount.
        doubts.append("no indicator header (一级指标 …): the table is cut short")
    return target if target.name else None


def _between(text: str, start: str, stop: str) -> str:
    flat = text.strip()
    i = flat.find(start)
    rest = flat[i + len(start):] if i >= 0 else flat
    j = rest.find(stop)
    return rest[:j] if j >= 0 else rest


def _first(pattern: re.Pattern[str], flat: str, doubts: list[str]) -> Decimal | None:
    """The amount after a label; a label printed twice or an amount running on into
    more digits is a doubt."""
    matches = list(pattern.finditer(flat))
    if not matches:
        return None
    m = matches[0]
    label = m.group(0)[:m.start(1) - m.start(0)]
    if len(matches) > 1:
        doubts.append(f"{label} printed {len(matches)} times")
    if _GLUED_RE.match(flat, m.end(1)):
        doubts.append(f"{label} {flat[m.start(1):m.end(1) + 8]!r}: the amount runs on into "
                      "more digits")
    return parse_amount(m.group(1))


def _department_funds(body: list[tuple[int, str]], target: PerformanceTarget,
                      doubts: list[str]) -> None:
    """部门整体: 财政资金 lines (上级安排, 本级安排 …) and 其他资金, between 资金来源 and
    the indicator header."""
    fiscal, other, in_funds, in_other = Decimal(0), None, False, False
    sources: list[str] = []  # as printed, in order
    for _, text in body:
        s = squash(text)
        if s.startswith(_INDICATOR_HEAD):
            break
        if s.startswith("资金来源"):
            in_funds = True
            continue
        if not in_funds:
            continue
        in_other = in_other or s.startswith("其他资金")
        m = re.search(_AMT + r"$", s)
        if not m:
            continue
        sources.append(s[:m.start(1)])
        amount = parse_amount(m.group(1))
        if in_other:
            other = (other or Decimal(0)) + amount
        else:
            fiscal += amount
    if in_funds and not sources:
        # 资金来源 with no amount under it: its lines are lost, not zero (bench/fuzz.py
        # 9033:4031 dropped 上级安排 … 其他资金 and read 资金总额 as 0).
        doubts.append("资金来源 prints no amounts: its lines are lost")
        in_funds = False
    target.fiscal_amount = fiscal if in_funds else None
    target.other_funds = other
    if in_funds:
        target.amount = fiscal + (other or Decimal(0))
    # The template prints 上级安排, 本级安排 and 其他资金 in this order, each with its
    # amount: one missing, repeated or moved, or another line with an amount among them,
    # is a line lost or moved, and the sums are off.
    printed = [next((n for n in _FUND_SOURCES if s.startswith(n)), s) for s in sources]
    if set(printed) & set(_FUND_SOURCES) and printed != list(_FUND_SOURCES):
        doubts.append(f"fund sources {'、'.join(printed)} where the template prints "
                      f"{'、'.join(_FUND_SOURCES)}: a line lost, repeated or moved")


def _goal(body: list[tuple[int, str]]) -> str | None:
    parts, on = [], False
    for _, text in body:
        s = squash(text)
        if s.startswith(_GOAL_START):
            on = True
            rest = s[next(len(g) for g in _GOAL_START if s.startswith(g)):]
            if rest:
                parts.append(rest)
            continue
        if on and (s.startswith((_INDICATOR_HEAD, "年度预算", "资金来源"))):
            break
        if on and s:
            parts.append(text.strip())
    return "".join(parts) or None


def _indicators(body: list[tuple[int, str]]) -> list[Indicator]:
    """Whole indicator rows; wrapped 一级/二级 names are joined from their fragments."""
    out: list[Indicator] = []
    level1 = level2 = None
    buffer, header, started = "", False, False
    for no, text in body:
        s = squash(text)
        if not started:
            header = header or s.startswith(_INDICATOR_HEAD)
            started = header and s.endswith(_HEADER_ENDS)
            continue
        if not s:
            continue
        m = _INDICATOR_ROW_RE.match(text.strip() + " ")
        if m:
            out.append(Indicator(level1, level2, normalize_name(m.group("name")),
                                 normalize_name(m.group("value")), no))
            buffer = ""
            continue
        buffer += s
        level = next((n for n in _LEVEL_NAMES if buffer.endswith(n)), None)
        if level is None:
            buffer = buffer[-12:]
            continue
        buffer = ""
        if level in _LEVEL1 and (level != level1 or not _LEVEL2_RE.match(level)):
            level1, level2 = level, None
        else:
            level2 = level
    return out
