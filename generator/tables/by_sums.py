"""Placing the amounts of a coded table's rows printed without column positions and with
their blank cells dropped (single-space text): "行政运行 1928 1928" under 合计 / 基本支出 /
项目支出 keeps 合计 = 基本 + 项目 whether 1928 is 基本 or 项目. The table's hierarchy decides:
a parent row (合计 → sub-unit → 类 → 款 → 项) is the sum of its children, column by column.

Each row's candidates are the choices of blank columns that keep the catalogue's identities
(the amounts in print order, a blank 0); a family (a parent and its children) keeps the
candidates that take part in some choice for the whole family whose sums hold, until
nothing changes. A row left with one candidate is placed; the others are left to the
identities' check (`verify.verify_coded`: only the total stays).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from itertools import combinations, product
from math import comb, prod

from ..grid import GridRow
from ..model import Issue, Row, Table
from .catalogue import terms_of
from .codes import read_code

# Choices tried for one family at most (a family of 12 rows each open between two).
MAX_FAMILY_CHOICES = 4096
# Blank-column choices tried for one row at most.
MAX_ROW_CHOICES = 500

Candidate = tuple[Decimal | None, ...]


def unit_lines(rows: list[GridRow]) -> set[int]:
    """Lines of a positionless table's uncoded rows that head a 类 row: sub-units' own
    totals (二级预算单位), as `ruled.sub_units` reads them in a table whose cells know their
    columns."""
    codes = [read_code(r.cells)[0] for r in rows]
    return {row.line for row, code, following in zip(rows, codes, codes[1:])
            if code is None and following is not None and len(following) == 3 and row.cells
            and row.cells[0].col is None and row.cells[0].x0 is None}


def place_by_sums(table: Table, identities: tuple[str, ...], step: Decimal, path: str,
                  title: str, in_order: bool = False) -> tuple[set[int], list[Issue]]:
    """Place the rows printing fewer amounts than columns where the sums decide: the ids
    of the rows placed (their figures are confirmed), and a `column-inferred` issue each.
    `in_order` (`verify.verify_coded`): a row printing every column is as printed."""
    keys = [c.key for c in table.columns]
    if len(keys) < 2 or not identities:
        return set(), []
    nodes = [r for r in (table.totals.get("total"),) if r is not None] + table.rows
    amounts = [_printed(r, keys) for r in nodes]
    if all(a is None or len(a) == len(keys) for a in amounts):
        return set(), []
    candidates = [_candidates(a, keys, identities, step, in_order) for a in amounts]
    families = _families(nodes, root="total" in table.totals)
    signed = any(v < 0 for a in amounts if a for v in a)
    open_families = [f for f in families if _open(f, candidates)]
    while open_families:
        changed = False
        for family in open_families:
            changed |= _narrow(family, candidates, step * (len(family) - 1), signed)
        open_families = [f for f in open_families if changed and _open(f, candidates)]
    placed, issues = set(), []
    labels = {c.key: c.label for c in table.columns}
    for row, printed, found in zip(nodes, amounts, candidates):
        if printed and len(printed) < len(keys) and found is not None and len(found) > 1:
            options = "或".join("、".join(labels[k] for k, v in zip(keys, c) if v is not None) for c in found)
            issues.append(Issue("column-ambiguous", f"{title} 第 {row.line} 行：金额 {' '.join(map(str, printed))} "
                                f"可读作 {options}，上级与同级科目之和也分不清，只保留第一个数（合计）",
                                path, row.line, "warning", table=table.key or None))
        if printed and len(printed) < len(keys) and found is not None and len(found) == 1:
            _write(row, keys, found[0])
            placed.add(id(row))
            shown = "，".join(f"{labels[k]} {v}" for k, v in row.values.items())
            blank = "、".join(labels[k] for k in keys if k not in row.values)
            issues.append(Issue("column-inferred", f"{title} 第 {row.line} 行：{len(printed)} 个金额对应 "
                                f"{len(keys)} 列（没有列位置），按上级与同级科目之和读作 {shown}（{blank}为空）",
                                path, row.line, "warning", table=table.key or None))
    return placed, issues


def _printed(row: Row, keys: list[str]) -> list[Decimal] | None:
    """The row's amounts in print order: they went to the first columns, in order (None:
    placed otherwise, not this module's)."""
    values = [row.values.get(k) for k in keys]
    count = sum(v is not None for v in values)
    if any(v is None for v in values[:count]) or len(row.values) > count:
        return None
    return [v for v in values[:count] if v is not None]


def _candidates(amounts: list[Decimal] | None, keys: list[str], identities: tuple[str, ...],
                step: Decimal, in_order: bool) -> list[Candidate] | None:
    """Values by column for each choice of blank columns that keeps the identities (a row
    printing nothing adds nothing: zeros); None for a row no choice explains (its figures
    take part in no sum)."""
    if amounts is None:
        return None
    if not amounts:
        return [(None,) * len(keys)]
    if in_order and len(amounts) == len(keys):
        return [tuple(amounts)]  # every column printed, in order: as printed
    return blank_choices(tuple(amounts), tuple(keys), identities, step)


@lru_cache(maxsize=4096)  # 表三 and 表五 print many rows alike
def blank_choices(amounts: tuple[Decimal, ...], columns: tuple[str, ...], identities: tuple[str, ...],
                  slack: Decimal, limit: int = MAX_ROW_CHOICES) -> list[Candidate] | None:
    """Values by column (None: blank) for each choice of blank columns whose amounts, in
    print order, keep the identities over these columns within `slack` a term (a blank
    counts 0); None where no choice does, no identity is over the columns, there are more
    amounts than columns or more than `limit` choices."""
    rules = _compiled(columns, identities)
    blanks = len(columns) - len(amounts)
    if blanks < 0 or not rules or comb(len(columns), blanks) > limit:
        return None
    found = []
    for blank in combinations(range(len(columns)), blanks):
        values = list(amounts)
        for i in blank:  # ascending: each blank goes in at its own index
            values.insert(i, None)
        if all(_holds(values, left, right, slack) for left, right in rules):
            found.append(tuple(values))
    return found or None


@lru_cache(maxsize=64)
def _compiled(keys: tuple[str, ...], identities: tuple[str, ...]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The identities whose terms are all columns, as (left column, right columns) indices."""
    out = []
    for identity in identities:
        terms = terms_of(identity)
        if set(terms) <= set(keys):
            out.append((keys.index(terms[0]), tuple(keys.index(t) for t in terms[1:])))
    return tuple(out)


def _holds(values: list[Decimal | None], left: int, right: tuple[int, ...], step: Decimal) -> bool:
    parts = _ZERO
    for i in right:
        if values[i] is not None:
            parts += values[i]
    return abs((values[left] or _ZERO) - parts) <= step * len(right)


_ZERO = Decimal(0)


def _families(nodes: list[Row], root: bool) -> list[list[int]]:
    """Each parent's index with its children's: 合计 → sub-units (or 类) → 类 → 款 → 项 (a
    项 under its 类 where its 款 is not printed)."""
    children: dict[int, list[int]] = {}
    unit = 0 if root else None
    by_code: dict[str, int] = {}
    for i in range(1 if root else 0, len(nodes)):
        row = nodes[i]
        if row.kind == "unit":
            parent, unit, by_code = (0 if root else None), i, {}
        elif row.code and row.kind in ("class", "section", "item"):
            code = row.code
            parent = by_code.get(code[:5]) if len(code) > 5 else None
            if parent is None:
                parent = by_code.get(code[:3], unit) if len(code) > 3 else unit
            by_code[code] = i
        else:
            continue
        if parent is not None:
            children.setdefault(parent, []).append(i)
    return [[parent, *kids] for parent, kids in children.items()]


def _open(family: list[int], candidates: list[list[Candidate] | None]) -> bool:
    """Whether a family can narrow anything: every member explained, one still open."""
    options = [candidates[i] for i in family]
    return all(o is not None for o in options) and any(len(o) > 1 for o in options if o is not None)


def _narrow(family: list[int], candidates: list[list[Candidate] | None], slack: Decimal, signed: bool) -> bool:
    """Keep each member's candidates that some choice for the whole family, its sums
    holding, takes; whether any went. A member no choice explains, a family with too many
    choices or with none whose sums hold (a row misread) decides nothing."""
    options = [candidates[i] for i in family]
    if any(o is None for o in options) or all(len(o) == 1 for o in options):
        return False
    if not signed and _blank_in_parent(family, candidates):
        return True
    if prod(len(o) for o in options) > MAX_FAMILY_CHOICES:
        return False
    # only the columns in doubt are summed: a total printed alike in every choice decides
    # nothing (and a document's parent row off by more than rounding must not undo the rest)
    doubtful = [k for k in range(len(options[0][0])) if any(c[k] != o[0][k] for o in options for c in o[1:])]
    kept: list[set[int]] = [set() for _ in family]
    for choice in product(*(range(len(o)) for o in options)):
        parent, *children = (o[c] for o, c in zip(options, choice))
        if all(abs((parent[k] or 0) - sum((c[k] or 0) for c in children)) <= slack for k in doubtful):
            for taken, c in zip(kept, choice):
                taken.add(c)
    if not kept[0]:
        return False
    changed = False
    for i, option, taken in zip(family, options, kept):
        if len(taken) < len(option):
            candidates[i] = [option[c] for c in sorted(taken)]
            changed = True
    return changed


def _blank_in_parent(family: list[int], candidates: list[list[Candidate] | None]) -> bool:
    """A column the parent leaves blank (or 0) is blank in each child too (the table prints
    no negative amount): drop the children's candidates that fill it (whatever the sums,
    which rounding may put off by more than a step per row); whether any went."""
    parent = candidates[family[0]]
    if parent is None or len(parent) != 1:
        return False
    empty = [k for k, v in enumerate(parent[0]) if not v]
    changed = False
    for i in family[1:]:
        option = candidates[i] or []
        kept = [c for c in option if not any(c[k] for k in empty)]
        if kept and len(kept) < len(option):
            candidates[i], changed = kept, True
    return changed


def _write(row: Row, keys: list[str], values: Candidate) -> None:
    """The row's amounts in the columns of its candidate (a blank column printed nothing)."""
    origins = [row.origins.get(k) for k in keys if row.values.get(k) is not None]
    row.values = {k: v for k, v in zip(keys, values) if v is not None}
    row.inferred = tuple(k for k in row.values if k != keys[0])  # the first amount is the total
    other = {k: o for k, o in row.origins.items() if k not in keys}
    row.origins = other | {k: o for k, o in zip(row.values, origins) if o is not None}
