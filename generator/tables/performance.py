"""Key-value tables (shape "key_value"): 项目支出绩效目标表 and 部门整体绩效目标表, whatever
reader made the grid.

A 绩效目标表 prints label | value pairs (项目名称, 预算单位, 年度资金总额, 其中：财政拨款,
其他资金 …), the goal in sentences, then a header 一级指标 | 二级指标 | 三级指标 | 指标值 …
and one row per indicator. The labels are the catalogue's `[key_value]` synonyms.

- Amounts are read from the text above the goal with white space removed: PDF text wraps
  labels and figures mid-word ("其中：财政拨" / "款 1,338.91"). The label as printed is
  kept (`amount_label`): the 总额 is 年度资金总额 in some templates, 年度预算总额 in others.
  部门整体 tables list their 资金来源 (上级安排, 本级安排, 其他资金) instead.
- Text values (项目名称, 预算单位, the goal) are read cell by cell: the cells after the
  label, up to the next label.
- Indicators: where the cells are the input's own (`GridRow.ruled`: a sheet, a Word table,
  tab-separated text) cell by cell, the 一级/二级 carried down from the rows above (merged
  cells print once); in text without cell positions only a row that reaches its 标准
  basis cell is whole (wrapped rows are left out rather than half read), and the level
  names are gathered from the wrapped fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from ..grid import Cell, GridRow
from ..model import Issue, PerformanceTarget
from ..numbers import parse_amount, squash
from .catalogue import Catalogue
from .indicators import cells_text, read_indicators
from .segment import Segment

AMOUNT_KEYS = ("amount", "fiscal_amount", "other_funds")
TEXT_KEYS = ("name", "unit", "goal", "funds", "private")
_AMOUNT = r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_AFTER_LABEL = r"(?:[（(]万元[)）])?[：:]?"
# An amount glued to more digits ("0.00" + a repeated "5.30" squash to "0.005.30").
_GLUED = re.compile(r"[\d.,]")


@dataclass
class _Labels:
    """The catalogue's [key_value] vocabulary, ready to match."""

    words: dict[str, tuple[str, ...]]
    by_length: list[tuple[str, str]] = field(default_factory=list)  # (synonym, key)
    amounts: dict[str, re.Pattern[str]] = field(default_factory=dict)
    starts: re.Pattern[str] | None = None  # any label, longest first, at a cell's start
    key: dict[str, str] = field(default_factory=dict)  # synonym → key
    firsts: frozenset[str] = frozenset()  # the characters a label (or 其中：) starts with

    def __post_init__(self) -> None:
        pairs = [(w, k) for k in (*AMOUNT_KEYS, *TEXT_KEYS) for w in self.words.get(k, ())]
        self.by_length = sorted(pairs, key=lambda p: -len(p[0]))
        self.key = {w: k for w, k in reversed(self.by_length)}
        self.firsts = frozenset({"其", *(w[:1] for w, _ in self.by_length)})
        self.starts = re.compile(r"\s*(?:其\s*中\s*[：:]?)?\s*(" + "|".join(
            r"\s*".join(map(re.escape, w)) for w, _ in self.by_length) + ")")
        for key in AMOUNT_KEYS:
            names = sorted(self.words.get(key, ()), key=len, reverse=True)
            self.amounts[key] = re.compile("(" + "|".join(map(re.escape, names)) + ")" + _AFTER_LABEL + _AMOUNT)

    def key_of(self, cell_text: str) -> tuple[str, str] | None:
        """(key, synonym) of the label a cell starts with ("其中：" taken off), else None."""
        if cell_text.lstrip()[:1] not in self.firsts:
            return None  # (most cells: no label's first character)
        m = self.starts.match(cell_text)
        if m is None:
            return None
        word = squash(m.group(1))
        return self.key[word], word


_LABELS: list[tuple[Catalogue, _Labels]] = []


def _labels_of(catalogue: Catalogue) -> _Labels:
    """The catalogue's labels, compiled once per catalogue (`load_catalogue` keeps one)."""
    found = next((labels for known, labels in _LABELS if known is catalogue), None)
    if found is None:
        found = _Labels(catalogue.key_values)
        _LABELS[:] = [*_LABELS[-3:], (catalogue, found)]
    return found


def read_performance(seg: Segment, catalogue: Catalogue, path: str
                     ) -> tuple[PerformanceTarget | None, list[Issue]]:
    """One 绩效目标表: its name, unit, amounts, goal and indicators; issues for what may not
    be the printed figures (`performance-doubtful`) and for a table without a name."""
    labels = _labels_of(catalogue)
    kind = "project" if "项目" in squash(seg.title) else "department"
    target = PerformanceTarget(kind=kind, name="", line=seg.line)
    start = _indicator_start(seg.rows, labels)
    head, body = seg.rows[:start], seg.rows[start:]
    doubts: list[str] = []
    goal_rows = _read_texts(head, labels, target)
    amount_rows = [r for r in head if id(r) not in goal_rows]
    if kind == "department" and any(_starts_with(r, labels, "资金来源") for r in head):
        _department_funds(amount_rows, labels, target, doubts)
    else:
        _read_amounts(amount_rows, labels, target, doubts)
    if kind == "department" and not target.name:
        target.name = target.unit or ""
    if body:
        target.indicators = read_indicators(body, labels)
    else:
        # Every 绩效目标表 ends with its indicators: without them it was cut short,
        # perhaps inside an amount.
        doubts.append("无指标表头（一级指标 …）：表格不全")
    title = squash(seg.title)
    if not target.name:  # nothing to show it under
        return None, [Issue(
            "performance-unreadable", f"{title}（第 {seg.line} 行）：未读到项目名称", path, seg.line,
            "warning", "performance")]
    return target, [Issue("performance-doubtful", f"{title} {target.name}：{d}", path, target.line,
                          "warning", "performance") for d in doubts]


def _starts_with(row: GridRow, labels: _Labels, word: str) -> bool:
    return any(squash(c.text).startswith(word) for c in [c for c in row.cells if c.text.strip()][:2])


def _indicator_start(rows: list[GridRow], labels: _Labels) -> int:
    heads = labels.words.get("indicators", ())
    for i, row in enumerate(rows):
        # its first cell, or its second after a row label merged over the indicators
        # (a Word table's 绩效指标 | 一级指标 | 二级指标 …)
        first = islice((c.text for c in row.cells if c.text.strip()), 2 if row.ruled else 1)
        if any(squash(text).startswith(heads) for text in first):
            return i
    return len(rows)


def _read_texts(head: list[GridRow], labels: _Labels, target: PerformanceTarget) -> set[int]:
    """项目名称, the unit and the goal, each from the cells after its label up to the next
    label (the goal also from the rows after, up to a row that starts with a label);
    returns the ids of the goal's rows (prose that may name amounts again)."""
    goal_rows: set[int] = set()
    unit_rank = len(labels.words.get("unit", ()))
    for index, row in enumerate(head):
        cells = [c for c in row.cells if c.text.strip()]
        for i, cell in enumerate(cells):
            found = labels.key_of(cell.text)
            if found is None or found[0] not in ("name", "unit", "goal"):
                continue
            key, word = found
            rest = squash(cell.text).removeprefix("其中").lstrip("：:")[len(word):].lstrip("：:")
            value = [Cell(rest, cell.origin)] if rest else []
            for after in cells[i + 1:]:
                if labels.key_of(after.text):
                    break
                value.append(after)
            if key == "name" and i + 1 + len(value) - bool(rest) >= len(cells):  # the name wraps on
                value += [c for row in _until_label(head[index + 1:], labels) for c in row.cells if c.text.strip()]
            text = cells_text(value, row.ruled)
            if key == "name" and text and not target.name:
                target.name = text
            elif key == "unit" and text:
                rank = labels.words["unit"].index(word)
                if rank < unit_rank:  # the most specific label printed wins
                    target.unit, unit_rank = text, rank
            elif key == "goal" and target.goal is None:
                target.goal, rows = _goal(text, head[index + 1:], labels)
                goal_rows |= {id(row), *map(id, rows)}
    return goal_rows


def _until_label(after: list[GridRow], labels: _Labels) -> list[GridRow]:
    """The rows printing something, up to one that starts with a label: where a value
    that ran to its row's end goes on (a name, or a goal: it wraps over lines of PDF text;
    a Word cell may hold it in the next row)."""
    rows = []
    for row in after:
        cells = [c for c in row.cells if c.text.strip()]
        if cells and labels.key_of(cells[0].text):
            break
        if cells:
            rows.append(row)
    return rows


def _goal(first: str, after: list[GridRow], labels: _Labels) -> tuple[str | None, list[GridRow]]:
    """The goal: the text after its label, and the rows after (`_until_label`)."""
    rows = _until_label(after, labels)
    parts = [first] if first else []
    parts += [" ".join(c.text.strip() for c in row.cells if c.text.strip()) for row in rows]
    return "".join(parts) or None, rows


def _read_amounts(rows: list[GridRow], labels: _Labels, target: PerformanceTarget,
                  doubts: list[str]) -> None:
    """年度资金总额 / 财政拨款 / 其他资金 from the rows' text with white space removed."""
    flat = "".join(squash(c.text) for r in rows for c in r.cells)
    ends = ("万", "元", "（", "(", "其中", *(w for w, _ in labels.by_length))
    for key, pattern in labels.amounts.items():
        # what follows an amount is the end, a unit, the next label, or digits glued to it
        # (a doubt below); "2024年…" (a page header) or "1套，…" (goal text) is no amount
        printed = list(pattern.finditer(flat))
        matches = [m for m in printed
                   if m.end(2) == len(flat) or flat.startswith(ends, m.end(2)) or _GLUED.match(flat, m.end(2))]
        if len(printed) > 1:
            doubts.append(f"{printed[0].group(1)} 印了 {len(printed)} 次")
        if not matches:
            continue
        m = matches[0]
        label = m.group(1)
        if _GLUED.match(flat, m.end(2)):
            doubts.append(f"{label} {flat[m.start(2):m.end(2) + 8]!r}：金额后还连着数字")
        setattr(target, key, parse_amount(m.group(2)))
        if key == "amount":
            target.amount_label = label
    parts = [v for v in (target.fiscal_amount, target.other_funds) if v is not None]
    if target.amount is not None and parts and sum(parts) != target.amount:
        doubts.append(f"{target.amount_label} {target.amount} ≠ 财政拨款 + 其他资金 {sum(parts)}")


def _department_funds(rows: list[GridRow], labels: _Labels, target: PerformanceTarget,
                      doubts: list[str]) -> None:
    """部门整体: the amounts under 资金来源, 财政资金 (上级安排, 本级安排 …) until 其他资金;
    the total is their sum (the template prints 资金总额 with no figure)."""
    expected = labels.words.get("fund_sources", ())
    fiscal, other, in_funds, in_other = Decimal(0), None, False, False
    sources: list[str] = []  # as printed, in order
    for row in rows:
        s = "".join(squash(c.text) for c in row.cells)
        if s.startswith("资金来源") or (not in_funds and "资金来源" in s):
            in_funds = True
            target.amount_label = next((w for w in labels.words.get("amount", ()) if w in s), None)
            continue
        if not in_funds:
            continue
        in_other = in_other or s.startswith("其他资金")
        m = re.search(_AMOUNT + r"$", s)
        if not m:
            continue
        sources.append(s[:m.start(1)])
        amount = parse_amount(m.group(1))
        if in_other:
            other = (other or Decimal(0)) + amount
        else:
            fiscal += amount
    if in_funds and not sources:
        # its lines are lost, not zero (bench/fuzz.py 9033:4031 read 资金总额 as 0)
        doubts.append("资金来源下没有金额：其行已丢失")
        in_funds = False
    target.fiscal_amount = fiscal if in_funds else None
    target.other_funds = other
    if in_funds:
        target.amount = fiscal + (other or Decimal(0))
    # One of the template's sources missing, repeated or moved, or another line with an
    # amount among them, is a line lost or moved: the sums are off.
    printed = [next((n for n in expected if n in s), s) for s in sources]  # 财政资金（万元）上级安排
    if set(printed) & set(expected) and printed != list(expected):
        doubts.append(f"资金来源 {'、'.join(printed)}，模板为 {'、'.join(expected)}：有行丢失、重复或移位")
