"""The code reader: classification codes (科目编码) however a template prints them.

"2010507", "201 05 07", three cells "201" "05" "07", "20105" then "07", a code fused to
its name ("310资本性支出"), and an economic code printed without its leading zero
("301 2" is 30102), or a 款 with its 类's last digit repeated ("301 103" is 30103). Function
codes have 3, 5 or 7 digits (类, 款, 项); economic codes 3 or 5 (类, 款: a 5-digit economic
code is a 款 'section' row, never an item).

Where the cells know their columns (a Word table, a sheet) and the template prints the
code over three columns headed 类 款 项, merged cells print a part once, on the first row
it heads: `CodeCarry` fills the parts not printed from the rows above and repairs misprints
from the 类 above, each with an issue saying what was read (a broken 类 "20" "03" "02"
under 201 → 2010302, code-repaired; an empty 款 between a printed 类 and 项, code-missing).
Parts that join to no code's length are no code: the code as printed is kept (code None,
code_raw set) for `repair_broken_codes` to read from the rest of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..grid import Cell, GridRow
from ..model import Document, Issue, Row, table_label
from ..numbers import squash

_FUSED = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?=[^\d\s.,])(.+)$")
ROW_KINDS = {3: "class", 5: "section", 7: "item"}


def read_code(cells: list[Cell]) -> tuple[str | None, str | None, int]:
    """The code at the start of a row: (joined code, code as printed, cells used).

    Parts: a first part of 3, 5 or 7 digits, then up to two parts of 1 or 2 digits
    (a 1-digit part lost its leading zero). A code fused to its name ("310资本性支出") is
    `split_fused`'s."""
    if not cells:
        return None, None, 0
    first = cells[0].text.strip()
    if not first.isdigit() or len(first) not in (3, 5, 7):
        return None, None, 0
    return _read_code(tuple([c.text for c in cells[:3]]))


@lru_cache(maxsize=4096)  # the interpreters ask it of the same rows several times
def _read_code(texts: tuple[str, ...]) -> tuple[str | None, str | None, int]:
    first = texts[0].strip()
    parts = [first]
    used = 1
    if len(first) < 7:
        for text in texts[1:3]:
            text = text.strip()
            if is_repeated_digit_section(parts, text):
                text = text[1:]
            if not (text.isdigit() and len(text) <= 2) or len("".join(parts)) >= 7:
                break
            parts.append(text.zfill(2))
            used += 1
    return "".join(parts), " ".join(t.strip() for t in texts[:used]), used


def is_repeated_digit_section(parts: list[str], text: str) -> bool:
    """A 款 printed with three digits, its 类's last digit repeated ("301" "103" is 30103, as
    Word-converted 表六 print it)."""
    return (len(parts) == 1 and len(parts[0]) == 3 and len(text) == 3 and text.isdigit()
            and text[0] == parts[0][-1])


def split_fused(text: str) -> tuple[str | None, str]:
    """"310资本性支出" → ("310", "资本性支出"); other text → (None, text)."""
    m = _FUSED.match(text.strip())
    return (m.group(1), m.group(2).strip()) if m else (None, text)


def row_kind(code: str | None) -> str | None:
    """The row kind a code's length gives: class (类), section (款), item (项)."""
    return ROW_KINDS.get(len(code)) if code else None


def repair_broken_codes(doc: Document) -> None:
    """Every broken code of the document's tables (code None, its parts as printed in
    `code_raw`: "20 03 01", "2 0 0", parts of no code's length) read from the rest of the
    document: the one function code printed elsewhere beside the row's name whose parts
    the printed ones begin, else the one known code they fit. A repaired code gets a
    `code-repaired` issue, one that cannot be decided stays None with `code-unresolved`."""
    broken = [(key, row) for key, table in doc.tables.items() for row in table.rows
              if row.code is None and row.code_raw and all(p.isdigit() for p in row.code_raw.split())]
    if not broken:
        return
    by_name: dict[str, set[str]] = {}
    known: set[str] = set()
    for table in doc.tables.values():
        for row in table.rows:
            if row.code and row.code.startswith("2") and len(row.code) in (3, 5, 7):
                known.add(row.code)
                if row.name:
                    by_name.setdefault(squash(row.name), set()).add(row.code)
    for key, row in broken:
        parts = tuple(row.code_raw.split())
        fits = {c for c in known if _fits(parts, c)}
        named = by_name.get(squash(row.name), set()) & fits if row.name else set()
        found = named if len(named) == 1 else (fits if len(fits) == 1 else set())
        label = table_label(key)
        if len(found) == 1:
            how = "据其名称" if len(named) == 1 else "据唯一相符的已知编码"
            row.code = next(iter(found))
            row.kind = row.kind or row_kind(row.code)
            doc.issues.append(Issue("code-repaired", f"{label}「{row.code_raw}」行：残缺的编码读作 {row.code}"
                                    f"（{how}）", doc.path, row.line, "warning", key))
        else:
            doc.issues.append(Issue("code-unresolved", f"{label}「{row.code_raw}」行：编码残缺，有 {len(fits)} "
                                    "个已知编码与之相符；该行保留，不带编码", doc.path, row.line, "warning", key))


def _fits(parts: tuple[str, ...], code: str) -> bool:
    """"20 03 01" fits 2010301: each printed part begins its part of the code."""
    whole = [w for w in (code[:3], code[3:5], code[5:7]) if w]
    return len(parts) == len(whole) and all(w.startswith(p) for p, w in zip(parts, whole))


class BareSections:
    """Codes of a rendering without code columns, row after row: a 款 printed alone under
    its 类 ("201 一般公共服务支出" / "03 政府办公厅…") takes that 类 (single-space text prints
    a merged 类 cell once, on the 类's own row)."""

    def __init__(self) -> None:
        self.last_class: str | None = None

    def read(self, cells: list[Cell]) -> tuple[str | None, str | None, int]:
        code, raw, used = read_code(cells)
        if code is not None:
            self.last_class = code[:3]
        elif self.last_class and len(cells) > 1 and is_bare_section(cells[0].text, cells[1].text):
            return self.last_class + cells[0].text.strip(), cells[0].text.strip(), 1
        return code, raw, used


def is_bare_section(first: str, second: str) -> bool:
    """"03" then a name (not a figure), or alone on its line (`second` empty): a 款 code."""
    first, second = first.strip(), second.strip()
    return len(first) == 2 and first.isdigit() and (not second or not second[:1].isdigit()
                                                   and second[:1] not in "-.(")


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
            section = section[1:]  # 301 103 → 30103 (is_repeated_digit_section)
        return first + (section or "") + parts.get(2, ""), slug, note


def code_chain_doubts(rows: list[Row], label: str, path: str) -> list[Issue]:
    """Doubts a row's code casts on the row before it, in a table printed without column
    positions (each row is what the text prints between two codes): a code printed twice in
    a row (not 表七 projects) puts the first in doubt as well — a repeated line took the
    amounts of the line after it; a 款 printed alone ("05") takes the 类 printed above it, so
    when the row after it is not under it, that 类's own line was lost or moved; a sub-unit
    row (no code) is followed by its first 类, a line without code stands nowhere else; and a coded row printing no amounts before
    the next code left its amounts to that row (lines moved), so both are in doubt."""
    issues: list[Issue] = []

    def doubt(row: Row, why: str) -> None:
        issues.append(Issue("row-misplaced", f"{label}「{row.code_raw or row.code}」行：{why}", path, row.line))
    for row, after in zip(rows, rows[1:]):
        following = after.code
        if row.code and following == row.code and after.kind != "project":
            doubt(row, f"下一行（第 {after.line} 行）又印了一次，不知道哪些金额属于它")
        if row.code is None and row.kind in ("unit", "line") and (following is None or len(following) != 3):
            issues.append(Issue("row-misplaced", f"{label} 第 {row.line} 行：「{row.name}」没有编码，后面也不是"
                                f"类级科目行（下一行：第 {after.line} 行）：是折行名称的一段放错了位置，而不是下属单位？",
                                path, row.line))
        if row.code and following and not any(v is not None for v in row.values.values()):
            issues.append(Issue("row-unfinished", f"{label} 第 {row.line} 行：「{row.code_raw} {row.name or ''}」"
                                "在下一个编码之前没有金额（行被移动或丢失？），这一行和下一行都存疑", path, row.line))
            issues.append(Issue("row-unfinished", f"{label} 第 {after.line} 行：上一行（第 {row.line} 行）"
                                "没有印出金额，这一行的金额可能属于上一行", path, after.line))
        if row.code and row.code_raw and len(row.code_raw) == 2 and not (following or "").startswith(row.code):
            doubt(row, f"按上面的类读作 {row.code}，但下一行是 {following or after.name or '无编码的行'}，"
                  f"不在它之下：类级科目行丢失或移动了？它的金额可能不属于 {row.code}")
    return issues
