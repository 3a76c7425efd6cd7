"""Codes printed over 类 / 款 / 项 cells whose columns are known (a Word table, a sheet).

A template that prints the code in three columns headed 类 款 项 merges a cell with the
rows above where it repeats them: a 款 row prints only "03", a 项 row only "02" (or "",
"", "02" in a Word text export). With the columns known, each printed part is told by its
column, and the parts not printed come from the rows above. Misprints are repaired from the
类 above, each with an issue saying what was read:

* a broken 类 "20" "03" "02" under 类 201 → 2010302 (code-repaired);
* an empty 款 between a printed 类 and 项 ("201" "" "99"): a printed 类 is no merged cell,
  so the 款 was lost: read under the 款 above of the same 类 (2010399), else kept as printed
  (20199), with a code-missing warning either way;
* parts that join to no code's length ("20" "03" "01" under no 类) are no code: the code as
  printed is kept (code None, code_raw set) for the layout to repair from the rest of the
  document (tsv's `repair_broken_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grid import Cell, GridRow
from ..numbers import squash

LEVELS = {"类": 0, "款": 1, "项": 2}
# The lengths a printed part may have: a 类 of 3 digits (2: a broken one, repaired from the
# 类 above; 5 or 7: the whole code in its cell), a 款 of 2 (3: its 类's last digit repeated),
# a 项 of 2. Any other ("2" "0" "0") is no code: broken, for `repair_broken_codes`.
_PART_LENGTHS = {0: (2, 3, 5, 7), 1: (2, 3), 2: (2,)}


def column_from_left(cell: Cell, row: GridRow) -> int | None:
    """The cell's column counted from the left: its `col`, or where that counts from the
    row's end, the row's `width` plus it (a row that lost a cell at its end keeps its code
    cells where they are)."""
    if cell.col is not None and cell.col < 0 and row.width is not None:
        return row.width + cell.col
    return cell.col


def code_columns(header: list[GridRow]) -> dict[int, int]:
    """The column of each of 类 / 款 / 项 (column from the left → level), from a header row
    that heads them, when its cells know their columns; else {}."""
    for row in header:
        levels = {column_from_left(c, row): LEVELS[squash(c.text)] for c in row.cells
                  if c.col is not None and squash(c.text) in LEVELS}
        if len(levels) == 3:
            return levels
    return {}


def code_columns_of_span(header: list[GridRow]) -> dict[int, int]:
    """A header whose cells give their column and no extent, printing 科目编码 once over the
    three code cells (a merged cell: neither cell after it labelled by any header row): 类
    款 项 in it and the two after it; else {}."""
    labelled = {c.col for r in header for c in r.cells}
    for row in header:
        for cell in row.cells:
            if cell.x0 is None and cell.col is not None and cell.col >= 0 and "编码" in cell.text \
                    and cell.col + 1 not in labelled and cell.col + 2 not in labelled:
                return {cell.col: 0, cell.col + 1: 1, cell.col + 2: 2}
    return {}


def code_columns_of_body(rows: list[GridRow]) -> dict[int, int]:
    """Without a 类 款 项 header row: the 类/款/项 columns of the body's rows that print all
    three parts in three cells side by side ("201" "03" "01"), where they agree; else {}."""
    found: set[tuple[int | None, ...]] = set()
    for row in rows:
        parts = row.cells[:3]
        if (len(parts) == 3 and [len(c.text.strip()) for c in parts] == [3, 2, 2]
                and all(c.text.strip().isdigit() and c.col is not None for c in parts)):
            found.add(tuple(column_from_left(c, row) for c in parts))
    if len(found) != 1:
        return {}
    first, second, third = found.pop()
    return {first: 0, second: 1, third: 2} if second == first + 1 and third == first + 2 else {}


@dataclass
class CodeCarry:
    """The 类 and 款 printed or read on the rows above, for the merged cells below them."""

    last_class: str | None = None
    last_section: str | None = None

    def read(self, row: GridRow, columns: dict[int, int]) -> tuple[str | None, str | None, int, str | None, str | None]:
        """(code, code as printed, cells used, issue slug, issue text) for a row's leading
        code cells; no code when the row's first cell is no code part in a code column."""
        parts: dict[int, str] = {}
        used = 0
        for cell in row.cells:
            level = columns.get(column_from_left(cell, row))
            text = cell.text.strip()
            if level is None or not text.isdigit() or level in parts:
                break
            parts[level] = text
            used += 1
        if not parts:
            return None, None, 0, None, None
        raw = " ".join(parts[level] for level in sorted(parts))
        if any(len(text) not in _PART_LENGTHS[level] for level, text in parts.items()):
            return None, raw, used, None, None  # "2" "0" "0": parts of no code, broken
        code, slug, note = self._join(parts, raw)
        if len(code) not in (3, 5, 7):  # "20 03 01" under no class: broken, for the caller to repair
            return None, raw, used, None, None
        self.last_class = code[:3] if len(code) >= 3 else self.last_class
        self.last_section = code[:5] if len(code) >= 5 else self.last_section
        return code, raw, used, slug, note

    def _join(self, parts: dict[int, str], raw: str) -> tuple[str, str | None, str | None]:
        first = parts.get(0)
        slug = note = None
        if first is not None and len(first) == 2 and self.last_class and self.last_class.startswith(first):
            slug, note = "code-repaired", f"类“{first}”不全，读作上方的类 {self.last_class}"
            first = self.last_class
        section = parts.get(1)
        if first is None:  # merged with the rows above
            first = self.last_class or ""
            if section is None and 2 in parts:
                section = (self.last_section or "")[3:]
        elif section is None and 2 in parts:  # a printed 类, an empty 款: a lost cell
            above = self.last_section if self.last_section and self.last_section[:3] == first else None
            section = above[3:] if above else ""
            how = f"读作上方款 {above} 之下，存疑" if above else "代码照印保留，位置存疑"
            slug, note = "code-missing", f"类 {first} 与项 {parts[2]} 之间的款为空（印出的类不是合并单元格）；{how}"
        if section is not None and len(section) == 3 and section[0] == first[-1:]:
            section = section[1:]  # 301 103 → 30103 (codes.is_repeated_digit_section)
        return first + (section or "") + parts.get(2, ""), slug, note
