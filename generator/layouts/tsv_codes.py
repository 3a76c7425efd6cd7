"""Classification codes printed over separate cells (类 / 款 / 项), and broken ones.

"201 | 03 | 01" → "2010301". A 类 cell left empty under its class row takes the class
from the row above. A code whose parts have the wrong length ("20 | 03 | 01", "2 | 0 | 0")
is broken: it is read after all tables, from the row name printed with a whole code
elsewhere in the document, or from the one known code it is a prefix of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document, Issue, Row
from ..numbers import normalize_cell, squash
from .tsv_blocks import table_label

# "201 一般公共服务支出", "201 03 01 行政运行"; not "2024 年…" (a year starts a name).
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s+\d{2}){0,2}|\d{5}|\d{7})(?:\s+|(?=[^\d\s.．、]))(.*)$")
# Printed length of each part: 类 3 digits, 款 and 项 2.
_PART_LENGTHS = (3, 2, 2)
_FUNCTION_KINDS = {3: "class", 5: "section", 7: "item"}


@dataclass
class CodeState:
    """The last class and section seen, for rows that leave the 类 (or 款) cell empty."""

    cls: str | None = None
    section: str | None = None


@dataclass
class CodeCells:
    code: str | None
    raw: str | None
    broken: bool = False
    parts: tuple[str, ...] = ()


def read_code_cells(parts: list[str], state: CodeState) -> CodeCells:
    """The code printed in the 类/款/项 cells of a row (parts in position order)."""
    filled = [(i, normalize_cell(p).replace(" ", "")) for i, p in enumerate(parts) if p]
    if not filled or not all(p.isdigit() for _, p in filled):
        return CodeCells(None, None)
    raw = " ".join(p for _, p in filled)
    first = filled[0][0]
    if any(i >= len(_PART_LENGTHS) or len(p) != _PART_LENGTHS[i] for i, p in filled) \
            or [i for i, _ in filled] != list(range(first, first + len(filled))):
        return CodeCells(None, raw, True, tuple(p for _, p in filled))
    prefix = ""
    if first == 1:
        prefix = state.cls or ""
    elif first == 2:
        prefix = state.section or ""
    if first and not prefix:
        return CodeCells(None, raw, True, tuple(p for _, p in filled))
    code = prefix + "".join(p for _, p in filled)
    if len(code) == 3:
        state.cls, state.section = code, None
    elif len(code) == 5:
        state.cls, state.section = code[:3], code
    return CodeCells(code, raw)


def split_code_name(cell: str | None) -> tuple[str | None, str | None, str | None]:
    """"201 一般公共服务支出" → ("201", "201", "一般公共服务支出"): code, printed code, name."""
    if not cell:
        return None, None, cell
    m = _CODE_AND_NAME.match(normalize_cell(cell))
    if not m:
        return None, None, cell
    raw = m.group(1)
    return raw.replace(" ", ""), raw, m.group(2).strip() or None


def kind_for_code(code: str | None) -> str | None:
    """类 → "class", 款 → "section", 项 → "item" (economic 301 / 30101: class / section)."""
    return _FUNCTION_KINDS.get(len(code)) if code else None


def repair_broken_codes(doc: Document, broken: list[tuple[str, Row, tuple[str, ...]]]) -> None:
    """Read every broken code from the rest of the document (see module doc).

    `broken` lists (table key, row, printed parts). A code that cannot be decided stays
    None with a `code-unresolved` issue; a repaired one gets a `code-repaired` issue.
    """
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
    for key, row, parts in broken:
        fits = {c for c in known if _fits(parts, c)}
        named = by_name.get(squash(row.name), set()) & fits if row.name else set()
        found = named if len(named) == 1 else (fits if len(fits) == 1 else set())
        label = table_label(key)
        if len(found) == 1:
            how = "据其名称" if len(named) == 1 else "据唯一相符的已知编码"
            row.code = next(iter(found))
            row.kind = row.kind or kind_for_code(row.code)
            doc.issues.append(Issue(
                "code-repaired", f"{label}「{row.code_raw}」行：残缺的编码读作 {row.code}"
                f"（{how}）", doc.path, row.line, "warning", key))
        else:
            doc.issues.append(Issue(
                "code-unresolved", f"{label}「{row.code_raw}」行：编码残缺，"
                f"有 {len(fits)} 个已知编码与之相符；该行保留，不带编码",
                doc.path, row.line, "warning", key))


def _fits(parts: tuple[str, ...], code: str) -> bool:
    """"20 03 01" fits 2010301: each printed part starts its part of the code."""
    whole = (code[:3], code[3:5], code[5:7])
    if len(parts) != len([w for w in whole if w]):
        return False
    return all(w.startswith(p) for p, w in zip(parts, whole))

