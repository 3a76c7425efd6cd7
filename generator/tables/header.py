"""The header interpreter: a table's header rows (one level or several) → its leaf
columns, each with a column key (from the catalogue's header synonyms) and where it
stands; and the placement of a row's amounts into those columns.

A header printed over several lines breaks its labels into pieces ("因公出" / "国（境）" /
"费"); pieces that stand over each other are one label. A label standing over others
("公务用车购置及运行费" over 小计 / 购置费 / 运行费) is a group: its 小计 or 合计 takes the
group's key; in a 预算数 / 决算数 pair under each label, each takes the label's key with
its variant. Placing a row's amounts into these columns is `place.py`'s. Labels wrapped
over lines with no column positions: `wrapped_columns`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..grid import Cell, GridRow
from ..numbers import TOTAL_LABELS, squash
from .catalogue import Catalogue

SUBTOTAL_LABELS = ("小计", "合计")
GROUP_REACH = 0.1
VARIANTS = {"预算数": "budget", "决算数": "final"}


@dataclass
class Column:
    """A leaf column: its key, its label as printed (pieces joined), its extent, the
    variant (budget / final) when labels come in 预算数 / 决算数 pairs."""

    key: str | None
    label: str
    x0: float | None
    x1: float | None
    variant: str | None = None
    pieces: list[Cell] = field(default_factory=list)

    @property
    def centre(self) -> float:
        """The centre of the label's narrowest piece: a label is centred over its column,
        and where a rendering squeezes a line against its neighbour's it is the long
        pieces that move ("公务用车运" over "行维护费")."""
        if self.pieces and all(p.x0 is not None for p in self.pieces):
            piece = min(self.pieces, key=lambda p: (p.x1 or 0) - (p.x0 or 0))
            return ((piece.x0 or 0) + (piece.x1 or 0)) / 2
        return ((self.x0 or 0) + (self.x1 or 0)) / 2


def read_columns(header: list[GridRow], catalogue: Catalogue) -> list[Column]:
    """The leaf columns of a header (cells with x-extents, or with columns: see
    `with_column_extents`), left to right."""
    whole = with_column_extents(header)
    if whole is not header:  # a cell of a sheet or a tab field is a whole label: nothing to stack
        stacks = [Column(None, c.text.strip(), c.x0, c.x1, pieces=[c]) for r in whole for c in r.cells]
    else:
        stacks = _stack_pieces(header, [s for synonyms in catalogue.columns.values() for s in synonyms])
    groups = _groups(stacks)
    grouped = set(map(id, groups))  # (by identity: a dataclass's == compares every field)
    leaves = sorted((s for s in stacks if id(s) not in grouped), key=lambda c: c.x0 or 0)
    for leaf in leaves:
        leaf.key = catalogue.column_key(leaf.label)
    if whole is not header:
        _prefix_groups(leaves, groups, whole, catalogue)
    variants = [leaf for leaf in leaves if squash(leaf.label) in VARIANTS]
    if len({squash(v.label) for v in variants}) == len(VARIANTS):
        return _variant_columns(stacks, variants, catalogue)
    _key_subtotals([leaf for leaf in leaves if leaf.key], groups, catalogue)
    return leaves


def with_column_extents(rows: list[GridRow]) -> list[GridRow]:
    """Rows whose cells give their column but no extent (a sheet, tab-separated text) with
    each cell standing over its own column, x0 = col, x1 = col + 1: a merged cell names the
    first of the columns it spans, so a group label stands over its first sub-column (the
    lower rows' labels under it make it a group, as in a ruled PDF table)."""
    if not any(c.x0 is None and c.col is not None for r in rows for c in r.cells):
        return rows
    return [GridRow([Cell(c.text, c.origin, c.col, c.col, c.col + 1) if c.x0 is None and c.col is not None
                     else c for c in r.cells], r.line, r.page, r.ruled) for r in rows]


def _prefix_groups(leaves: list[Column], groups: list[Column], rows: list[GridRow],
                   catalogue: Catalogue) -> None:
    """Leaves under a heading of `[column_groups]` (财政拨款 over 合计 人员经费 …) take its
    prefix: fiscal_total, fiscal_personnel. A merged cell names the first of its columns
    only, so a group reaches to the next label of its row."""
    prefixes = {squash(label): prefix for prefix, labels in catalogue.groups.items() for label in labels}
    for group in groups:
        prefix = prefixes.get(squash(group.label))
        if prefix is None:
            continue
        row = next(r for r in rows if group.pieces[0] in r.cells)
        end = min((c.x0 for c in row.cells if c.x0 is not None and c.x0 > (group.x0 or 0)), default=None)
        for leaf in leaves:
            inside = (leaf.x0 or 0) >= (group.x0 or 0) and (end is None or (leaf.x0 or 0) < end)
            if inside and leaf.key and not leaf.key.startswith(prefix):
                leaf.key = f"{prefix}_{leaf.key}"
                leaf.label = group.label + leaf.label


def _variant_columns(stacks: list[Column], variants: list[Column], catalogue: Catalogue) -> list[Column]:
    """A 决算 header: each label over a 预算数 / 决算数 pair. The labels are the lowest
    keyed labels (not groups of other labels), left to right, one per pair; a rendering
    that squeezes a label off its pair does not matter, their order does."""
    varied = set(map(id, variants))
    named = [s for s in stacks if id(s) not in varied]
    grouped = set(map(id, _groups(named)))
    groups = [s for s in named if id(s) in grouped]
    labels = sorted((s for s in named if id(s) not in grouped and catalogue.column_key(s.label)),
                    key=lambda c: c.centre)
    for label in labels:
        label.key = catalogue.column_key(label.label)
    _key_subtotals(labels, groups, catalogue)
    if len(variants) != 2 * len(labels):
        labels = [min(labels, key=lambda c, v=v: abs(c.centre - v.centre)) for v in variants[::2]] if labels else []
    for index, variant in enumerate(variants):
        variant.variant = VARIANTS[squash(variant.label)]
        variant.key = labels[index // 2].key if index // 2 < len(labels) else None
    return variants


def _key_subtotals(keyed: list[Column], groups: list[Column], catalogue: Catalogue) -> None:
    for leaf, after in zip(keyed, [*keyed[1:], None]):
        over = [g for g in groups if overlap(g, leaf) > 0]
        if after is not None:  # a heading centred over wide columns may clear its 小计's label
            over += [g for g in groups if overlap(g, after) > 0 and (g.x0 or 0) > (leaf.x0 or 0)]
        flat = squash(leaf.label)
        if flat in SUBTOTAL_LABELS and leaf is not keyed[0]:
            # the 小计 of a group ("公务用车购置及运行费" over 小计 购置费 运行费, or over the
            # columns after it); the first column's 合计 is the table's total, whatever
            # heading stands over it
            named = [g for g in over if catalogue.column_key(g.label) not in (None, "total")]
            if named:
                leaf.key = catalogue.column_key(_lowest(named).label)


def _lowest(groups: list[Column]) -> Column:
    return max(groups, key=lambda g: g.pieces[-1].origin.line)


def _stack_pieces(header: list[GridRow], labels: list[str]) -> list[Column]:
    """Pieces standing over each other on consecutive header lines → one label. Where
    pieces of two labels overlap (a squeezed line), a piece continues the label it
    spells a known header label with ("公务接" + "待费", not "公务接" + "公务用车运")."""
    header = [GridRow(cells=[p for c in row.cells for p in _split_squeezed(c, labels)], line=row.line,
                      page=row.page, ruled=row.ruled) for row in header]
    stacks: list[Column] = []
    open_stacks: list[tuple[Column, int]] = []  # stack, index of the header row it last grew in
    for index, row in enumerate(header):
        for cell in row.cells:
            if cell.x0 is None:
                continue
            below = [s for s, last in open_stacks if index - 2 <= last < index and not _is_label_complete(s.label)
                     and _narrow_match(s, cell) and _continues(s, cell, labels)]
            if below:
                stack = below[0]
                stack.label += cell.text.strip()
                stack.x0, stack.x1 = min(stack.x0, cell.x0), max(stack.x1, cell.x1)
                stack.pieces.append(cell)
                open_stacks = [(s, index if s is stack else last) for s, last in open_stacks]
                continue
            stack = Column(None, cell.text.strip(), cell.x0, cell.x1, pieces=[cell])
            stacks.append(stack)
            open_stacks.append((stack, index))
    return stacks


def _split_squeezed(cell: Cell, labels: list[str]) -> list[Cell]:
    """A header cell holding two labels one space apart ("公务用车购 公务用车运行", where a
    rendering squeezed two columns' labels together) → two cells, when each part begins
    or holds a known label."""
    parts = cell.text.split()
    if len(parts) < 2 or cell.x0 is None or not all(
            any(k.startswith(p) or p.startswith(k) for k in labels) for p in parts):
        return [cell]
    from ..readers.text import display_width
    measure = display_width if display_width(cell.text) == (cell.x1 or 0) - cell.x0 else len
    out, x = [], cell.x0
    for part in parts:
        width = measure(part)
        out.append(Cell(part, cell.origin, cell.col, x, x + width))
        x += width + 1
    return out


def _continues(stack: Column, cell: Cell, labels: list[str]) -> bool:
    """Whether `cell` continues the label of `stack`: together they begin a known header
    label and stand close; or they overlap or touch (pdftotext keeps apart only what stands
    apart on the page; a narrow last piece drifts right with the columns it must clear)
    and the label holds a known one already or neither has anything to do with one."""
    label, piece = squash(stack.label), squash(cell.text)
    shared = overlap(stack, cell)
    if any(known.startswith(label + piece) for known in labels):
        # a known label's pieces: a squeezed line may push one aside by up to their widths
        return shared + _width(stack) + (cell.x1 or 0) - (cell.x0 or 0) > 0
    if shared < 0:
        return False
    if any(known in label for known in labels):
        return True
    return not any(known.startswith(label) or known.startswith(piece) for known in labels)


def _width(stack: Column) -> float:
    return (stack.x1 or 0) - (stack.x0 or 0)


def _is_label_complete(label: str) -> bool:
    flat = squash(label)
    return flat.endswith(("费", "计", "数", "支出", "金额")) and len(flat) >= 2


def _narrow_match(stack: Column, cell: Cell) -> bool:
    """A piece continues a label above it when it is no wider than the label plus a little."""
    width = (cell.x1 or 0) - (cell.x0 or 0)
    return width <= ((stack.x1 or 0) - (stack.x0 or 0)) * 1.5 + 2


def _groups(stacks: list[Column]) -> list[Column]:
    """The labels over a label on a lower line (two leaf columns never stand over each
    other; a heading centred over wide columns may overlap one of their labels only), over
    two where cells give their column too (a merged cell names its first column only), or
    over a ruled cell of their column (reaching a tenth of their width past their ends: a
    rendering may squeeze a label a character narrower than its columns). Each label's
    first line, column and extent are read once: every label is compared with every other."""
    spans = [(s.pieces[0].origin.line, s.pieces[0].col, s.x0 or 0, s.x1 or 0) for s in stacks]
    deepest: dict[int, int] = {}  # column → the lowest line a label starts on in it
    for first, col, _, _ in spans:
        if col is not None and (col not in deepest or deepest[col] < first):
            deepest[col] = first
    found = []
    for stack, (_, col, x0, x1) in zip(stacks, spans):
        if stack.pieces[0].x0 == col and squash(stack.label) in SUBTOTAL_LABELS:
            continue  # columns without extents: a 合计 cell heads no columns (header rows swapped?)
        line = stack.pieces[-1].origin.line
        if col is not None and deepest[col] > line:
            found.append(stack)  # a ruled cell over others: its col is the first of the columns it spans
            continue
        reach, under = GROUP_REACH * (x1 - x0), 2 if col is not None else 1
        for other, (first, _, a0, a1) in zip(stacks, spans):
            if first > line and other is not stack and min(x1, a1) - max(x0, a0) + reach > 0:
                under -= 1
                if not under:  # no need to count on
                    found.append(stack)
                    break
    return found


def overlap(a: Column | Cell, b: Column | Cell) -> float:
    """How far two extents overlap (negative: the gap between them)."""
    return min(a.x1 or 0, b.x1 or 0) - max(a.x0 or 0, b.x0 or 0)


# Header labels wrapped over lines in a rendering without column positions.
MAX_PIECES = 8
MAX_LABEL = 24  # no known column label is longer
_TOTAL_WORDS = sorted(TOTAL_LABELS, key=len, reverse=True)  # 总合计 before 合计


def wrapped_columns(header: list[GridRow], catalogue: Catalogue) -> list[Column]:
    """The columns the header's wrapped labels name, in print order, each key once.

    Header labels wrapped over lines in a rendering without column positions (single-space
    text): a narrow column prints its label a few characters a line ("一般公" / "共预算" /
    "拨款"), so a label is a run of consecutive pieces, each alone on its line. Left to right,
    the longest run (up to MAX_PIECES pieces and MAX_LABEL characters) that is exactly a label
    the catalogue knows is a column; a piece no such run starts at is no column (科目编码,
    类 款 项). A header none of whose labels wraps has none here (a multi-level header
    printed line by line names its columns in another order)."""
    exact = catalogue.exact_labels()
    pieces = [c for row in header for c in row.cells]
    texts = [squash(c.text) for c in pieces]
    alone = {id(row.cells[0]) for row in header if len(row.cells) == 1}
    columns: list[Column] = []
    start = 0
    while start < len(pieces):
        longest = start + 1  # the run of lone pieces from here
        while id(pieces[longest - 1]) in alone and longest < len(pieces) and id(pieces[longest]) in alone \
                and longest - start < MAX_PIECES:
            longest += 1
        for end in range(longest, start, -1):
            label = "".join(texts[start:end])
            key = exact.get(label) or exact.get(_as_heji(label)) if len(label) <= MAX_LABEL else None
            if key:
                if key not in {c.key for c in columns}:
                    columns.append(Column(key, label, None, None, pieces=pieces[start:end]))
                start = end
                break
        else:
            start += 1
    wraps = any(len(c.pieces) > 1 for c in columns)
    return columns if wraps else []


def _as_heji(label: str) -> str:
    """A label whose total word is printed otherwise (项目支出总计, 合计：) as the catalogue
    spells it (项目支出合计): `numbers.TOTAL_LABELS` are one word."""
    bare = label.rstrip("：:")
    for word in _TOTAL_WORDS:
        if bare.endswith(word):
            return bare[: -len(word)] + "合计"
    return label
