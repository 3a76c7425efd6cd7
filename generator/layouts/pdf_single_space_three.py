"""pdf-single-space: the 三公经费表, one row of up to six amounts placed by its identities."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from ..model import COLUMN_LABELS, Column, Issue, Row, Table
from .pdf_single_space_lines import Region, clean_body, note_text
from .pdf_single_space_sided import amount_tail

THREE_PUBLIC = [
    "total",
    "overseas",
    "vehicle_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
]


def read_three_public(region: Region, basic: Table | None, path: str, issues: list[Issue]) -> Table:
    """三公经费表: one row of up to six amounts; placement by its identities
    (合计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行)."""
    table = Table(
        region.key,
        region.title,
        region.line,
        columns=[Column(k, COLUMN_LABELS[k]) for k in THREE_PUBLIC],
    )
    body = [item for part in region.parts for item in clean_body(part)]
    data = next(((n, t) for n, t in body if t.split() and amount_tail(t.split())[0] == ""), None)
    if data is None:
        note = note_text(body)
        table.empty = note is not None
        table.note = note[1] if note else None
        if note is None:
            issues.append(
                Issue(
                    "table-unreadable",
                    "三公经费表：没有找到金额",
                    path,
                    region.line,
                    "error",
                    region.key,
                )
            )
        return table
    number, text = data
    amounts = amount_tail(text.split())[1]
    row = Row(number, name="三公经费", kind="line")
    table.rows.append(row)
    _place_three_public(row, amounts, basic, path, issues)
    return table


def _three_public_ok(v: dict[str, Decimal]) -> bool:
    total = v["overseas"] + v["vehicle_total"] + v["reception"]
    return (
        v["total"] == total and v["vehicle_total"] == v["vehicle_purchase"] + v["vehicle_operation"]
    )


def _place_three_public(
    row: Row, amounts: list[Decimal], basic: Table | None, path: str, issues: list[Issue]
) -> None:
    if len(amounts) == len(THREE_PUBLIC):
        row.values = dict(zip(THREE_PUBLIC, amounts))
        return
    candidates = []
    for keys in combinations(THREE_PUBLIC, len(amounts)):
        values = {k: Decimal(0) for k in THREE_PUBLIC}
        values.update(zip(keys, amounts))
        if _three_public_ok(values):
            candidates.append(keys)
    if len(candidates) > 1:
        candidates = _prefer_by_basic(candidates, amounts, basic) or candidates
    row.values = {k: None for k in THREE_PUBLIC}
    if len(candidates) == 1:
        row.values.update(zip(candidates[0], amounts))
        row.inferred = candidates[0]
        shown = "，".join(f"{COLUMN_LABELS[k]} {a}" for k, a in zip(candidates[0], amounts))
        issues.append(
            Issue(
                "column-inferred",
                f"三公经费表的行：{len(amounts)} 个金额对应 6 列，按恒等式读作 {shown}",
                path,
                row.line,
            )
        )
        return
    common = set(THREE_PUBLIC)
    for keys in candidates:
        common &= {k for k, a in zip(keys, amounts)}
    for keys in candidates[:1]:
        row.values.update({k: a for k, a in zip(keys, amounts) if k in common})
    issues.append(
        Issue(
            "column-ambiguous",
            f"三公经费表的行：金额 {' '.join(map(str, amounts))} 有 "
            f"{len(candidates)} 种读法，只保留"
            f"{'、'.join(COLUMN_LABELS[k] for k in sorted(common)) or '空（都不保留）'}",
            path,
            row.line,
        )
    )


# 表六 economic codes that carry a 三公 component: 30231 公务用车运行维护费, 30217 公务接待费.
_BASIC_CODES = {"vehicle_operation": "30231", "reception": "30217"}


def _prefer_by_basic(
    candidates: list[tuple[str, ...]], amounts: list[Decimal], basic: Table | None
) -> list[tuple[str, ...]]:
    """Tie-break between readings with 表六: a reading that puts in 运行费 / 接待费 the
    amount 表六 prints for that economic code is preferred."""
    if basic is None:
        return []
    printed = {r.code: r.values.get("total") for r in basic.rows if r.code}
    kept = []
    for keys in candidates:
        placed = dict(zip(keys, amounts))
        if any(
            placed.get(key) is not None and placed.get(key) == printed.get(code)
            for key, code in _BASIC_CODES.items()
        ):
            kept.append(keys)
    return kept
