"""The indicator rows of a 绩效目标表 (一级指标 | 二级指标 | 三级指标 | 指标值 …), after the
header: cell by cell where the cells are the input's own (`GridRow.ruled`), else from text
without cell positions (see `tables.performance`'s docstring)."""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING

from ..grid import Cell, GridRow
from ..model import Indicator
from ..numbers import squash
from .amounts import name_text

if TYPE_CHECKING:
    from .performance import _Labels as Labels

_LEVEL_CELL = re.compile(r"^.{1,10}指标$")
_VALUE = re.compile(r"^[=≥≤<>＝＞＜]")  # a target value: "=1套", "≤24小时"


def cells_text(cells: list[Cell], ruled: bool) -> str:
    """The text of a value's cells as printed (wrap spaces dropped where no cell structure)."""
    return name_text([c.text for c in cells], ruled)


def read_indicators(rows: list[GridRow], labels: Labels) -> list[Indicator]:
    """The indicator rows after the header (which may wrap over several lines of text)."""
    ends = labels.words.get("header_ends", ())
    header = 1
    if not rows[0].ruled:
        header = next((i + 1 for i, r in enumerate(rows[:16])
                       if squash(r.text()).endswith(ends)), 1)
    if all(r.ruled for r in rows):
        return _ruled_indicators(rows[0], rows[header:], labels)
    last = squash(rows[header - 1].cells[-1].text) if rows[header - 1].cells else ""
    if last.startswith("指标值"):  # no column after the value: it ends each row
        return _value_last_indicators(rows[header:], labels)
    return _text_indicators(rows[header:], labels)


def _ruled_indicators(header: GridRow, rows: list[GridRow], labels: Labels) -> list[Indicator]:
    """Cells as the input prints them: leading "…指标" cells are the levels, then the
    三级指标 and its 指标值; rows shifted a column are read by what the cells say."""
    heads = labels.words.get("indicators", ())
    first = next((_col(c, i) for i, c in enumerate(header.cells) if squash(c.text) in heads), 0)
    out: list[Indicator] = []
    levels: list[str | None] = [None, None]
    for row in rows:
        cells = [(_col(c, i), c) for i, c in enumerate(row.cells) if c.text.strip()]
        if not cells or squash(cells[0][1].text) in heads:
            continue  # the header printed again after a page break
        start = cells[0][0]
        found: list[str] = []
        while cells and _is_level(cells, first, found):
            found.append(squash(cells.pop(0)[1].text))
        if len(found) >= 2:
            levels[0], levels[1] = found[-2], found[-1]
        elif found and not cells and start == first:
            levels[0], levels[1] = found[0], None  # a 一级 on its own row
        elif found:
            levels[1] = found[0]  # a lone "…指标" beside an indicator is its 二级
        if cells:
            value = cells[1][1].text.strip() if len(cells) > 1 else None
            out.append(Indicator(levels[0], levels[1], cells_text([cells[0][1]], True), value,
                                 cells[0][1].origin.line or row.line))
    return out


def _col(cell: Cell, index: int) -> int:
    return cell.col if cell.col is not None else index


def _is_level(cells: list[tuple[int, Cell]], first: int, found: list[str]) -> bool:
    text = squash(cells[0][1].text)
    if _LEVEL_CELL.match(text):
        return True
    # A 一级 that is not named "…指标" (部门整体: 履职效能), followed by its 二级.
    return (not found and cells[0][0] == first and len(cells) > 1
            and bool(_LEVEL_CELL.match(squash(cells[1][1].text))))


def _text_indicators(rows: list[GridRow], labels: Labels) -> list[Indicator]:
    """Rows of text without cell positions: a row is whole when a cell names its 标准
    basis (三级指标, 指标值…, basis, …); the 一级/二级 names wrap over the lines between
    ("产出" / "指标"), so they are gathered from the fragments' text."""
    basis = set(labels.words.get("basis", ()))
    level1, level2 = labels.words.get("level1", ()), labels.words.get("level2", ())
    names = tuple(sorted({*level1, *level2}, key=len, reverse=True))
    out: list[Indicator] = []
    levels: list[str | None] = [None, None]
    buffer = ""
    for row in rows:
        cells = [c for c in row.cells if c.text.strip()]
        at = next((i for i, c in enumerate(cells) if squash(c.text) in basis), None)
        while at is not None and at > 2 and squash(cells[0].text) in names:
            _set_level(levels, squash(cells.pop(0).text), level1, level2)
            at -= 1
        if at is not None and at >= 2:
            out.append(Indicator(levels[0], levels[1], cells_text(cells[:1], False),
                                 cells_text(cells[1:at], False), row.line))
            buffer = ""
            continue
        buffer += squash(row.text())
        level = next((n for n in names if buffer.endswith(n)), None) if buffer.endswith(names) else None
        if level is None:
            buffer = buffer[-12:]
            continue
        buffer = ""
        _set_level(levels, level, level1, level2)
    return out


def _value_last_indicators(rows: list[GridRow], labels: Labels) -> list[Indicator]:
    """Rows of text whose last cell is the 指标值 ("维护合格率 =100%"): leading level
    names set the 一级/二级 (a level name with an indicator after it is a 二级 when the
    template also uses it so: 成本指标), a lone piece of text is the start of a name
    that wraps before its value."""
    level1, level2 = labels.words.get("level1", ()), labels.words.get("level2", ())
    out: list[Indicator] = []
    levels: list[str | None] = [None, None]
    pending, pending_line = "", 0
    either = labels.words.get("level_either", ())
    texts = [[c.text.strip() for c in row.cells if c.text.strip()] for row in rows]
    for index, (row, cells) in enumerate(zip(rows, texts)):
        after = cells[1:] or next(filter(None, islice(texts, index + 1, None)), [""])
        if cells and cells[0] in either and not _LEVEL_CELL.match(after[0]):
            levels[1] = cells.pop(0)  # 成本指标 over indicators: a 二级 (2021 template)
        elif cells and cells[0] in level1 and (len(cells) == 1 or _LEVEL_CELL.match(cells[1])
                                               or cells[0] not in level2):
            _set_level(levels, cells.pop(0), level1, level2)
        # a "…指标" cell before a lone value is the 三级 itself ("评估营商环境主要指标 ≥8项")
        if cells and _LEVEL_CELL.match(cells[0]) and not pending \
                and not (len(cells) == 2 and _VALUE.match(cells[1])):
            levels[1] = cells.pop(0)
        if not cells:
            continue
        if len(cells) == 1 and not _VALUE.match(cells[0]):
            pending_line = pending_line if pending else row.line
            pending += cells[0]
            continue
        name = pending + name_text(cells[:-1], False)
        out.append(Indicator(levels[0], levels[1], name, cells[-1], pending_line if pending else row.line))
        pending = ""
    return out


def _set_level(levels: list[str | None], level: str, level1: tuple[str, ...],
               level2: tuple[str, ...]) -> None:
    """满意度指标 is both a 一级 and a 二级 name: the second in a row is the 二级."""
    if level in level1 and (level != levels[0] or level not in level2):
        levels[0], levels[1] = level, None
    else:
        levels[1] = level
