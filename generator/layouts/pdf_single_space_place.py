"""pdf-single-space: which column each printed amount of 表七 belongs to.

Empty cells print nothing, so a row's amounts do not say their columns: 表七 keeps its
total only, the rest named `column-ambiguous`. (The coded tables 表二/三/五/六 are placed
by the shared pipeline: `tables.by_sums`, `tables.cross_table`.)
"""

from __future__ import annotations

from ..model import Column, Issue, Row
from .pdf_single_space_rows import Printed


def row_label(row: Row) -> str:
    return row.code_raw or row.code or row.project or row.unit or row.name or "?"


def place_direct(printed: Printed, columns: list[Column]) -> bool:
    """Every column printed: amounts go to columns in order."""
    if len(printed.amounts) != len(columns):
        return False
    printed.row.values = {c.key: a for c, a in zip(columns, printed.amounts)}
    return True


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
