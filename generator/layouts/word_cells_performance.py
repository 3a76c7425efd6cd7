"""项目支出绩效目标表 / 部门整体绩效目标表 in the word-cells layout.

Each target table prints label/value pairs (项目名称, 预算单位, 项目资金 "年度资金总额：40",
"其中：财政拨款：40", "其他资金："), the 年度目标 text, then a header row
一级指标/二级指标/三级指标/指标值 and one row per indicator. The 一级/二级 cells are
merged downwards, so they print only on the first row of their block and are carried on.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..model import Document, Indicator, Issue, PerformanceTarget
from ..numbers import normalize_cell, parse_amount, squash
from ..readers.word_cells import Group, clean_text, performance_kind

_NAME_LABELS = {"项目名称", "部门名称", "单位名称"}
_UNIT_LABELS = {"预算单位", "实施单位", "主管部门", "项目单位", "预算部门"}
_GOAL_LABELS = {"年度目标", "总体目标", "年度绩效目标"}
_TOTAL_FUNDS = re.compile(r"(?:年度资金总额|资金总额|项目资金)[^：:]*[：:]\s*([-\d,.]*)")
_FISCAL_FUNDS = re.compile(r"财政拨款[：:]\s*([-\d,.]*)")
_OTHER_FUNDS = re.compile(r"其他资金[：:]\s*([-\d,.]*)")
_LEVEL1_HEADER = "一级指标"
# Label/value pairs and indicator rows print a few cells; far more is not a row.
_MAX_ROW_CELLS = 40


def _amount(match: re.Match[str] | None) -> Decimal | None:
    return parse_amount(match.group(1)) if match else None


class _TargetReader:
    """Reads the rows of one 绩效目标表 into a `PerformanceTarget`."""

    def __init__(self, kind: str, line: int):
        self.target = PerformanceTarget(kind=kind, name="", line=line)
        self.in_indicators = False
        self.want_goal = False
        self.level1: str | None = None
        self.level2: str | None = None

    def read(self, group: Group) -> None:
        texts = group.texts()
        if self.in_indicators:
            self._indicator(group)
            return
        squashed = [squash(t) for t in texts]
        if _LEVEL1_HEADER in squashed:
            self.in_indicators = True
            return
        if self.want_goal and any(texts):
            self.target.goal = next(t for t in reversed(texts) if t)
            self.want_goal = False
            return
        for i, s in enumerate(squashed):
            following = next((t for t in texts[i + 1:] if t), None)
            if s in _NAME_LABELS and not self.target.name:
                self.target.name = following or ""
                self.target.line = group.cells[i + 1].line if following else group.line
            elif s in _UNIT_LABELS:
                self.target.unit = texts[i + 1] or None if i + 1 < len(texts) else None
            elif s in _GOAL_LABELS:
                if following and squash(following) not in _GOAL_LABELS:
                    self.target.goal = following
                else:
                    self.want_goal = True
            self._funds(s, texts[i + 1] if i + 1 < len(texts) else "")

    def _funds(self, s: str, next_text: str) -> None:
        """年度资金总额 / 财政拨款 / 其他资金, the figure after the colon or in the next cell."""
        text = normalize_cell(s)
        for pattern, attr in ((_TOTAL_FUNDS, "amount"), (_FISCAL_FUNDS, "fiscal_amount"),
                              (_OTHER_FUNDS, "other_funds")):
            m = pattern.search(text)
            if not m:
                continue
            value = _amount(m) if m.group(1) else parse_amount(normalize_cell(next_text))
            if getattr(self.target, attr) is None:
                setattr(self.target, attr, value)

    def _indicator(self, group: Group) -> None:
        """One indicator row: the last four cells are 一级, 二级, 三级 and 指标值."""
        if len(group.cells) < 4:
            return
        cells = group.cells[-4:]
        level1, level2, name, value = (c.clean for c in cells)
        self.level1 = level1 or self.level1
        self.level2 = level2 or self.level2
        if name or value:
            self.target.indicators.append(Indicator(self.level1, self.level2, name,
                                                    value or None, cells[2].line))


def read_performance(kind: str, title: str, line: int, groups: list[Group],
                     doc: Document) -> PerformanceTarget | None:
    """One 绩效目标表 from the rows of its region."""
    reader = _TargetReader(kind, line)
    skipped: list[int] = []
    for group in groups:
        if len(group.cells) == 1 and performance_kind(group.cells[0].text):
            continue  # the title row itself
        if len(group.cells) > _MAX_ROW_CELLS:
            skipped.append(group.line)  # not a row of this table (a run of cells)
            continue
        reader.read(group)
    target = reader.target
    crowded = next((line for g in groups for line in _crowded_lines(g)), None)
    if target.name and (crowded is not None or skipped):
        # Several cells on one line (a run of cells pasted in): which cell follows a
        # label such as 年度资金总额 is no longer known.
        where = (f"line {crowded} prints several cells" if crowded is not None
                 else f"the row at line {skipped[0]} has far too many cells and is not read")
        doc.issues.append(Issue("performance-doubtful", f"绩效目标表 {target.name}: {where}; "
                                "cells out of place, its figures in doubt", doc.path,
                                target.line, "warning", "performance"))
    if not target.name:
        doc.issues.append(Issue("performance-unreadable", f"绩效目标表 at line {line} "
                                f"({clean_text(title)}): no 项目名称 found",
                                doc.path, line, "warning", "performance"))
        if kind == "project":
            return None
    return target


def _crowded_lines(group: Group) -> list[int]:
    """Lines of the row that print more than one cell (one cell a line is the layout)."""
    counts = Counter(c.line for c in group.cells)
    return sorted(n for n, count in counts.items() if count > 1)
