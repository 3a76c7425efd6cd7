"""pdf-single-space: which column each printed amount belongs to.

Empty cells print nothing, so "行政运行 1928 1928" under 合计 / 基本支出 / 项目支出
does not say whether 1928 is 基本 or 项目. The accounting identities decide:
合计 = 基本 + 项目, and a parent row (合计 → sub-unit → 类 → 款 → 项) is the sum of its
children, column by column. Income columns are decided by the income sources the
document has (表一). Whatever stays open is kept in 合计 only and named
`column-ambiguous`; every decided placement is named `column-inferred`.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from ..model import Column, Issue, Row
from .pdf_single_space_rows import Printed

CENT = Decimal("0.01")
MAX_UNKNOWN = 12  # children decided jointly by enumeration (2**12 cases at most)


def row_label(row: Row) -> str:
    return row.code_raw or row.code or row.project or row.unit or row.name or "?"


def place_direct(printed: Printed, columns: list[Column]) -> bool:
    """Every column printed: amounts go to columns in order."""
    if len(printed.amounts) != len(columns):
        return False
    printed.row.values = {c.key: a for c, a in zip(columns, printed.amounts)}
    return True


class SplitSolver:
    """Place rows of a table whose columns are 合计 = A + B (基本/项目, 人员/公用)."""

    def __init__(
        self,
        table_label: str,
        columns: list[Column],
        rows: list[Printed],
        total: Printed | None,
        path: str,
        issues: list[Issue],
    ):
        self.label = table_label
        self.total_key, self.a_key, self.b_key = (c.key for c in columns[:3])
        self.names = {c.key: c.label for c in columns}
        self.nodes = ([total] if total else []) + rows
        self.root = total
        self.path, self.issues = path, issues
        # side: "A", "B", "AB" (both printed), "-" (nothing), None (one value, column open)
        self.side: dict[int, str | None] = {}
        self.children: dict[int, list[int]] = {}

    def solve(self) -> None:
        for i, node in enumerate(self.nodes):
            self.side[i] = self._initial_side(node)
        self._link()
        changed = True
        while changed:
            changed = False
            for parent, kids in self.children.items():
                changed |= self._settle(parent, kids)
        self._write()

    def _initial_side(self, node: Printed) -> str | None:
        amounts = node.amounts
        if len(amounts) >= 3:
            return "AB"
        if not amounts or (len(amounts) == 1 and amounts[0] == 0):
            return "-"
        if len(amounts) == 2 and amounts[0] == amounts[1]:
            return None
        return "?"  # printed amounts that fit no reading

    def _link(self) -> None:
        """Parent of each row: 项 → 款 → 类 → sub-unit → 合计."""
        start = 1 if self.root else 0
        unit_index = 0 if self.root else None
        by_code: dict[str, int] = {}
        for i in range(start, len(self.nodes)):
            row = self.nodes[i].row
            parent = unit_index
            if row.code is None:
                parent = 0 if self.root else None
                unit_index, by_code = i, {}
            else:
                for length in (5, 3):
                    if len(row.code) > length and row.code[:length] in by_code:
                        parent = by_code[row.code[:length]]
                        break
                by_code[row.code] = i
            if parent is not None:
                self.children.setdefault(parent, []).append(i)

    def _values(self, i: int) -> tuple[Decimal, Decimal]:
        node, side = self.nodes[i], self.side[i]
        if side == "AB":
            return node.amounts[1], node.amounts[2]
        if side == "A":
            return node.amounts[0], Decimal(0)
        if side == "B":
            return Decimal(0), node.amounts[0]
        return Decimal(0), Decimal(0)

    def _settle(self, parent: int, kids: list[int]) -> bool:
        open_kids = [k for k in kids if self.side[k] is None]
        side = self.side[parent]
        if side is None:
            known = [self._values(k) for k in kids if self.side[k] in ("A", "B", "AB")]
            if any(a for a, _ in known) and not any(b for _, b in known):
                self.side[parent] = "A"
                return True
            if any(b for _, b in known) and not any(a for a, _ in known):
                self.side[parent] = "B"
                return True
            return False
        if not open_kids or side not in ("A", "B", "AB"):
            return False
        want_a, want_b = self._values(parent)
        if want_b == 0 or want_a == 0:
            for k in open_kids:
                self.side[k] = "A" if want_b == 0 else "B"
            return True
        if len(open_kids) > MAX_UNKNOWN:
            return False
        return self._enumerate(kids, open_kids, want_a, want_b)

    def _enumerate(
        self, kids: list[int], open_kids: list[int], want_a: Decimal, want_b: Decimal
    ) -> bool:
        base_a = sum((self._values(k)[0] for k in kids if k not in open_kids), Decimal(0))
        base_b = sum((self._values(k)[1] for k in kids if k not in open_kids), Decimal(0))
        scored = []
        for choice in product("AB", repeat=len(open_kids)):
            a = base_a + sum(
                (self.nodes[k].amounts[0] for k, c in zip(open_kids, choice) if c == "A"),
                Decimal(0),
            )
            b = base_b + sum(
                (self.nodes[k].amounts[0] for k, c in zip(open_kids, choice) if c == "B"),
                Decimal(0),
            )
            scored.append((abs(a - want_a) + abs(b - want_b), choice))
        scored.sort(key=lambda s: s[0])
        tolerance = CENT * len(kids)
        best_err, best = scored[0]
        if best_err > tolerance or (len(scored) > 1 and scored[1][0] <= tolerance):
            return False
        for k, c in zip(open_kids, best):
            self.side[k] = c
        return True

    def _write(self) -> None:
        for i, node in enumerate(self.nodes):
            row, side, amounts = node.row, self.side[i], node.amounts
            if side == "AB":
                row.values = {
                    self.total_key: amounts[0],
                    self.a_key: amounts[1],
                    self.b_key: amounts[2],
                }
                if len(amounts) > 3:
                    self._ambiguous(
                        row,
                        f"3 列印了 {len(amounts)} 个金额，"
                        f"多出的 {'、'.join(map(str, amounts[3:]))} 未放入任何列",
                    )
            elif side in ("A", "B"):
                key = self.a_key if side == "A" else self.b_key
                other = self.b_key if side == "A" else self.a_key
                row.values = {self.total_key: amounts[0], key: amounts[1], other: None}
                row.inferred = (key,)
                self.issues.append(
                    Issue(
                        "column-inferred",
                        f"{self.label}「{row_label(row)}」行："
                        f"{amounts[1]} 放在{self.names[key]}（按上级与"
                        f"同级科目之和推定；{self.names[other]}为空）",
                        self.path,
                        row.line,
                    )
                )
            elif side == "-":
                row.values = {
                    self.total_key: amounts[0] if amounts else None,
                    self.a_key: None,
                    self.b_key: None,
                }
            else:
                row.values = {self.total_key: amounts[0], self.a_key: None, self.b_key: None}
                shown = " ".join(map(str, amounts))
                self._ambiguous(
                    row,
                    f"金额 {shown}：分不清{self.names[self.a_key]}"
                    f"和{self.names[self.b_key]}，只保留在{self.names[self.total_key]}中",
                )

    def _ambiguous(self, row: Row, message: str) -> None:
        self.issues.append(
            Issue(
                "column-ambiguous",
                f"{self.label}「{row_label(row)}」行：{message}",
                self.path,
                row.line,
            )
        )


def place_by_sources(
    label: str,
    printed: Printed,
    columns: list[Column],
    active: list[str],
    path: str,
    issues: list[Issue],
) -> None:
    """Place a row whose first column is a total and whose other columns are income
    sources (表二) or fund types (表四): the printed amounts after the total go, in
    order, to the sources the document has."""
    row, amounts = printed.row, printed.amounts
    if place_direct(printed, columns):
        return
    parts = [c.key for c in columns[1:]]
    row.values = {c.key: None for c in columns}
    if not amounts:
        return
    row.values[columns[0].key] = amounts[0]
    rest = amounts[1:]
    targets = [k for k in parts if k in active]
    if len(rest) == len(targets) and targets:
        for key, value in zip(targets, rest):
            row.values[key] = value
        row.inferred = tuple(targets)
        return
    if rest:
        names = {c.key: c.label for c in columns}
        issues.append(
            Issue(
                "column-ambiguous",
                f"{label}「{row_label(row)}」行："
                f"{' '.join(map(str, rest))} 印在 {len(parts)} 列中"
                f"（有数的来源：{'、'.join(names[k] for k in targets) or '无已知来源'}），"
                f"只保留在{columns[0].label}中",
                path,
                printed.row.line,
            )
        )


def place_total_only(
    label: str, printed: Printed, columns: list[Column], path: str, issues: list[Issue]
) -> None:
    """表七 economic classes and other tables whose columns no identity can tell apart:
    the first amount is the total, further amounts are kept unplaced."""
    row, amounts = printed.row, printed.amounts
    if place_direct(printed, columns):
        return
    row.values = {c.key: None for c in columns}
    if not amounts:
        return
    row.values[columns[0].key] = amounts[0]
    for n, value in enumerate(amounts[1:], 1):
        row.values[f"unplaced_{n}"] = value
    if len(amounts) > 1:
        issues.append(
            Issue(
                "column-ambiguous",
                f"{label}「{row_label(row)}」行："
                f"{' '.join(map(str, amounts[1:]))} 印在 {len(columns) - 1} "
                "列中，无法确定所属列，保留为未归列数字（unplaced_1…）",
                path,
                row.line,
            )
        )
