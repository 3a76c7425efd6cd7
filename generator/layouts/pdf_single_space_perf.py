"""pdf-single-space: 项目支出绩效目标表 (project performance targets).

Each table prints: the title "项 目 支 出 绩 效 目 标 表", "预算单位 … 项目名称 …" (the
name may wrap), the funds block "项目资金（万元 / ） 年度资金总额： 20 其中：财政拨 / 款 20
其他资金" with labels and amounts interleaved, "项目总体目标 …", then one line per
indicator: [一级指标] [二级指标] 三级指标 指标值.
"""

from __future__ import annotations

import re

from ..model import Document, Indicator, Issue, PerformanceTarget
from ..numbers import parse_amount, squash

TITLE_RE = re.compile(r"^项目支出绩效目标表")
STOP_RE = re.compile(
    r"^(第[一二三四五六七八九十]+部分|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)"
)
# An amount never runs on into more digits (a run of cells printed after it is not part of
# it); see `_read_funds` for line breaks.
AMOUNT = r"(-?[\d,]+(?:\.\d+)?)(?![\d,.])"
# What may follow an amount in the (squashed) funds text: the next label or the end; "1套"
# (a goal sentence moved into the funds block) is no amount, nor "2024年…" (a page header).
AMOUNT_END = r"(?=$|其|财|年度资金|（|\()"
TOTAL_RE = re.compile(r"年度资金总额[：:]?" + AMOUNT + AMOUNT_END)
FISCAL_RE = re.compile(r"财政拨款[：:]?" + AMOUNT + AMOUNT_END)
OTHER_RE = re.compile(r"其他资金[：:]?" + AMOUNT + AMOUNT_END)
LEVEL1 = {"产出指标", "效益指标", "满意度指标"}
LEVEL2_RE = re.compile(r"^\S{2,7}指标$")
VALUE_RE = re.compile(r"^[=≥≤<>＝]")


def read_performance(lines: list[str], doc: Document) -> None:
    """Append every 项目支出绩效目标表 of the document to `doc.performance`."""
    starts = [n for n, text in enumerate(lines, 1) if "绩" in text and TITLE_RE.match(squash(text))]
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        target, funds_end = _read_target(lines, start, end)
        doc.performance.append(target)
        if funds_end == len(lines) and lines[-1].rstrip()[-1:].isdigit():
            # The file stops inside this table's funds line (see `check_cut_number`): the
            # figure stands on the table's line, so the doubt is said there too.
            doc.issues.append(
                Issue(
                    "file-cut",
                    f"项目支出绩效目标表「{target.name}」：文件在其资金行中途结束"
                    f"（第 {funds_end} 行），金额可能不完整",
                    doc.path,
                    target.line,
                )
            )


def _read_target(lines: list[str], start: int, end: int) -> tuple[PerformanceTarget, int]:
    """The table from its title line `start` to `end`, and its last funds line."""
    target = PerformanceTarget("project", "", start)
    section = "head"
    name_parts: list[str] = []
    funds: list[str] = []
    funds_end = 0  # the last funds line
    goal: list[str] = []
    state = _IndicatorState(target)
    for number in range(start + 1, end + 1):
        text = lines[number - 1].strip()
        flat = squash(text)
        if not text:  # a page's number line is a form feed by now, stripped away
            continue
        if section == "indicators" and STOP_RE.match(flat):
            break
        if flat.startswith("预算单位"):
            unit, _, name = text[len("预算单位") :].partition("项目名称")
            target.unit = squash(unit) or None
            name_parts = [name.strip()]
            section = "name"
        elif flat.startswith("项目资金"):
            section = "funds"
            funds.append(flat)
            funds_end = number
        elif flat.startswith("项目总体目标"):
            section = "goal"
            goal.append(text[len("项目总体目标") :].strip())
        elif flat.startswith("一级指标"):
            section = "indicators"
        elif section == "name":
            name_parts.append(text)
        elif section == "funds":
            funds.append(flat)
            funds_end = number
        elif section == "goal":
            goal.append(text)
        elif section == "indicators":
            state.line(number, text)
    target.name = "".join(squash(p) for p in name_parts)
    _read_funds(target, funds)
    target.goal = "".join(goal) or None
    return target, funds_end


def _read_funds(target: PerformanceTarget, lines: list[str]) -> None:
    """年度资金总额 / 财政拨款 / 其他资金 from the fund lines, joined (labels wrap: "财政拨"
    / "款 20"). An amount whose digits run over a line break is not read: the line after
    it is not known to continue it."""
    text = "".join(lines)
    breaks, at = set(), 0
    for line in lines[:-1]:
        at += len(line)
        breaks.add(at)
    for attr, pattern in (
        ("amount", TOTAL_RE),
        ("fiscal_amount", FISCAL_RE),
        ("other_funds", OTHER_RE),
    ):
        match = pattern.search(text)
        if match and not any(match.start(1) < b < match.end(1) for b in breaks):
            setattr(target, attr, parse_amount(match.group(1)))


class _IndicatorState:
    """Reads indicator lines, carrying 一级/二级指标 down and joining wrapped names."""

    def __init__(self, target: PerformanceTarget):
        self.target = target
        self.level1: str | None = None
        self.level2: str | None = None
        self.pending = ""
        self.pending_line = 0

    def line(self, number: int, text: str) -> None:
        tokens = text.split()
        if tokens and tokens[0] in LEVEL1:
            self.level1, self.level2 = tokens.pop(0), None
        # A 二级指标 leads the line unless what follows it is a lone value: then the
        # "…指标" token is the 三级指标 itself ("评估营商环境主要指标 ≥8项").
        if (
            tokens
            and LEVEL2_RE.match(tokens[0])
            and not self.pending
            and not (len(tokens) == 2 and VALUE_RE.match(tokens[1]))
        ):
            self.level2 = tokens.pop(0)
        if not tokens:
            return
        if len(tokens) == 1 and not VALUE_RE.match(tokens[0]):
            # an indicator name that wraps before its value
            self.pending_line = self.pending_line if self.pending else number
            self.pending += tokens[0]
            return
        name = self.pending + "".join(tokens[:-1])
        start = self.pending_line if self.pending else number
        self.pending = ""
        self.target.indicators.append(Indicator(self.level1, self.level2, name, tokens[-1], start))
