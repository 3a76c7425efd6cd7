"""Named tables printing two levels of labels (Jiangsu's 收入预算总表, 公开02表): a group's
name (一般公共预算资金, 其他资金 …) in a left column, centred on its lines, and each line's
own name (小计, 公共财政拨款(补助)资金 …) right of it, in the column of the 小计 lines.

Every line of the right column is a row of its own (nothing there wraps), named by its
group and itself ("其他资金 其他收入", "其他资金 小计"). The groups are told apart by their
小计 lines: each group prints one, first in it (or last, where the first line after the
total is no 小计); a group's name is the left-column text printed within its span, which
may lie on any of its lines (centred: 2017 prints 一般公共预算资金 under its 小计).
"""

from __future__ import annotations

from collections.abc import Callable

from ..numbers import squash
from .amounts import label_text
from .ruled import Line

SUBTOTAL = "小计"
# how far apart (points, or characters of a text rendering) the 小计 labels may start
SAME_START = 2.0


def split_levels(lines: list[Line], is_total: Callable[[str], bool]) -> tuple[list[Line], dict[int, str]] | None:
    """For a table with two levels of labels: its lines with the right column's labels
    only, and the group name of each line (by index) that lies in a group; else None."""
    # the right column starts at the 小计 labels, two or more starting alike
    starts = [c.x0 for line in lines for c in line[3] if c.x0 is not None and squash(c.text) == SUBTOTAL]
    if len(starts) < 2 or max(starts) - min(starts) > SAME_START:
        return None
    column = min(starts)
    outer = [[c for c in line[3] if c.x1 is not None and c.x1 <= column] for line in lines]
    if not any(outer):
        return None
    inner = [(row, code, raw, [c for c in labels if c not in left], amounts)
             for (row, code, raw, labels, amounts), left in zip(lines, outer)]
    groups: dict[int, str] = {}
    for start, stop in _spans(inner, is_total):
        name = "".join(label_text(cells) for cells in outer[start:stop])
        groups.update({index: name for index in range(start, stop) if name})
    return inner, groups


def level_name(line: Line, group: str | None) -> str:
    """A right-column line's name, after its group's."""
    own = label_text(line[3])
    return f"{group} {own}" if group and own else own


def _spans(lines: list[Line], is_total: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The groups as [start, stop) ranges of line indices, cut at the 小计 lines."""
    marks = [index for index, line in enumerate(lines) if line[1] is None and squash(label_text(line[3])) == SUBTOTAL]
    if not marks:
        return []
    own = [index for index, line in enumerate(lines) if line[3] and not is_total(label_text(line[3]))]
    if own[0] == marks[0]:  # each group opens with its 小计
        return list(zip(marks, [*marks[1:], len(lines)]))
    return list(zip([0, *(m + 1 for m in marks[:-1])], [m + 1 for m in marks]))
