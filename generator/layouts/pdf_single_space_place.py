"""pdf-single-space: which column each printed amount of 表二 belongs to.

Empty cells print nothing, so a row's amounts do not say their columns. Income columns
are decided by the income sources the document has (表一). Whatever stays open is named
`column-ambiguous`; every decided placement is named `column-inferred`. (The coded
tables 表三/五/六/七 are placed by the shared pipeline's identities: `tables.by_sums`,
`tables.verify`.)
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


def place_by_sources(
    label: str,
    printed: Printed,
    columns: list[Column],
    active: list[str],
    path: str,
    issues: list[Issue],
) -> None:
    """Place a row whose first column is a total and whose other columns are income
    sources (表二): the printed amounts after the total go, in
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
