"""绩效目标表 (项目支出 and 部门整体) printed as tab-separated rows.

The top of the table is label | value pairs (项目名称, 年度资金总额, 其中：财政拨款,
其他资金, 项目总体目标 …) in merged cells; then a header 一级指标 | 二级指标 | 三级指标 |
指标值 … and one row per indicator. Merged 一级/二级 cells are printed only on the first
row of their group, and some rows are shifted a column or two to the left or right,
so levels are read by what the cells say ("…指标") rather than by position alone.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..model import Indicator, PerformanceTarget
from ..numbers import squash
from .tsv_blocks import PERF_PROJECT, Block, TsvRow, clean_text
from .tsv_coded import ReadContext

_FIELDS: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"^项目名称$")),
    ("unit", re.compile(r"^(预算单位|部门名称(（盖章）)?|单位名称|实施单位)$")),
    ("amount", re.compile(r"^(年度)?(资金|预算)总额(（万元）)?$")),
    ("fiscal_amount", re.compile(r"^(其中)?财政拨款(（万元）)?$")),
    ("other_funds", re.compile(r"^其他资金(（万元）)?$")),
    ("goal", re.compile(r"^(项目)?(总体|年度(绩效)?)目标$")),
    # Personal data: the value is skipped, never stored.
    ("skip", re.compile(r"^(项目负责人|部门联系人|联系人|联系电话|主管部门)$")),
]
_LABEL_NOISE = re.compile(r"^其中[:：]?|[:：]$")
_MONEY = re.compile(r"^(-?\d[\d,]*(?:\.\d+)?)(万元|万|元)?$")
_LEVEL_TOKEN = re.compile(r"^.{1,10}指标$")


def read_performance(block: Block, ctx: ReadContext) -> PerformanceTarget:
    """One 绩效目标表: its name, amounts, goal and indicators."""
    kind = "project" if block.key == PERF_PROJECT else "department"
    target = PerformanceTarget(kind=kind, name="", line=block.line)
    header: dict[str, int] | None = None
    levels: list[str | None] = [None, None]
    for row in block.rows:
        if header is None:
            header = _indicator_header(row)
            if header is None:
                _read_fields(row, target)
            continue
        indicator = _read_indicator(row, header, levels)
        if indicator is not None:
            target.indicators.append(indicator)
    if kind == "department" and not target.name and target.unit:
        target.name = target.unit
    if not target.name:
        ctx.issue("performance-name-missing", f"绩效目标表 at line {block.line}: no 项目名称",
                  block.line, None)
    return target


def _field_of(cell: str) -> str | None:
    label = _LABEL_NOISE.sub("", squash(cell).replace("(", "（").replace(")", "）"))
    label = _LABEL_NOISE.sub("", label)
    return next((f for f, pattern in _FIELDS if pattern.match(label)), None)


def _read_fields(row: TsvRow, target: PerformanceTarget) -> None:
    cells = row.filled()
    for i, (_, text) in enumerate(cells):
        field = _field_of(text)
        if field is None:
            continue
        value = cells[i + 1][1] if i + 1 < len(cells) else None
        if value is not None and _field_of(value) is not None:
            value = None  # the next cell is another label: this one is empty
        if field == "skip" or value is None:
            continue
        if field in ("amount", "fiscal_amount", "other_funds"):
            if getattr(target, field) is None:
                setattr(target, field, _money(value))
        elif field == "name" and not target.name:
            target.name, target.line = clean_text(value) or "", row.line
        elif field == "unit" and target.unit is None:
            target.unit = value
        elif field == "goal" and target.goal is None:
            target.goal = value


def _money(text: str) -> Decimal | None:
    """"130万元", "100 万元", "15.6" → the amount in 万元 as printed."""
    m = _MONEY.match(squash(text))
    if not m:
        return None
    try:
        return Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern guards this
        return None


def _indicator_header(row: TsvRow) -> dict[str, int] | None:
    labels = {squash(c): j for j, c in row.filled()}
    if "一级指标" not in labels:
        return None
    return labels


def _read_indicator(row: TsvRow, header: dict[str, int],
                    levels: list[str | None]) -> Indicator | None:
    """One indicator row; `levels` carries 一级/二级 down from the rows above."""
    tokens = row.filled()
    if _indicator_header(row) is not None:
        return None  # the header repeated at a page break
    first = header.get("一级指标", 0)
    start = tokens[0][0] if tokens else first
    found: list[str] = []
    while tokens and _is_level(tokens, first, found):
        found.append(squash(tokens.pop(0)[1]))
    if len(found) >= 2:
        levels[0], levels[1] = found[-2], found[-1]
    elif found and not tokens and start == first:
        levels[0], levels[1] = found[0], None  # a 一级 on its own row
    elif found:
        levels[1] = found[0]  # a lone "…指标" beside an indicator is its 二级
    if not tokens:
        return None
    name = clean_text(tokens[0][1]) or ""
    value = tokens[1][1] if len(tokens) > 1 else None
    return Indicator(levels[0], levels[1], name, value, row.line)


def _is_level(tokens: list[tuple[int, str]], first: int, found: list[str]) -> bool:
    text = squash(tokens[0][1])
    if _LEVEL_TOKEN.match(text):
        return True
    # A 一级 that is not named "…指标" (部门整体: 履职效能), followed by its 二级.
    return not found and tokens[0][0] == first and len(tokens) > 1 \
        and bool(_LEVEL_TOKEN.match(squash(tokens[1][1])))
