"""The “三公”经费 table, printed either way round.

Column-wise (2021 template): one amount row under the header 合计 | 因公出国（境）费 |
公务用车购置及运行费 (合计 | 购置费 | 运行费) | 公务接待费. Row-wise (2025 template):
one row per item (合计, 因公出国（境）费, 公务接待费, 公务用车购置及运行费（小计）,
其中：公务用车购置费, 公务用车运行费) with the 合计 column first and one column per
fund source. Either way the result is one row with the six keys; a row-wise table
adds one row per fund source after it.
"""

from __future__ import annotations

import re

from ..model import TABLE_KEYS, Column, Row, Table
from ..numbers import squash
from .tsv_blocks import Block, TsvRow, clean_text, table_label
from .tsv_coded import ReadContext
from .tsv_header import build_header, is_header_row, label_key

KEYS = ("total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation",
        "reception")
_ITEM_NOISE = re.compile(r"^其中[:：]|[（(]小计[)）]$")


def read_three_public(block: Block, key: str, ctx: ReadContext) -> Table:
    table = Table(key, block.title or TABLE_KEYS[key], block.line, note=block.note)
    table.columns = [Column(k, _LABELS[k]) for k in KEYS]
    start = next((i for i, r in enumerate(block.rows) if r.has_amount()), len(block.rows))
    header, data = block.rows[:start], block.rows[start:]
    if not data:
        table.empty = True
        return table
    columns = _column_wise(header)
    if columns:
        _read_column_wise(data, columns, table, ctx)
    else:
        _read_row_wise(header, data, table, ctx)
    table.empty = not table.rows
    return table


_LABELS = {"total": "合计", "overseas": "因公出国（境）费", "vehicle_total": "公务用车购置及运行费",
           "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行费",
           "reception": "公务接待费"}


def _column_wise(header: list[TsvRow]) -> list[tuple[int, str]] | None:
    """Positions → keys when the items are columns (at least three item columns)."""
    rows = [r for r in header if is_header_row(r)]
    if not rows:
        return None
    found = [(j, c.key) for j, c in build_header(rows, "three_public").amounts if c.key in KEYS]
    return found if len([k for _, k in found if k != "total"]) >= 3 else None


def _read_column_wise(data: list[TsvRow], columns: list[tuple[int, str]], table: Table,
                      ctx: ReadContext) -> None:
    row = data[0]
    table.rows.append(Row(line=row.line, name="合计", kind="line",
                          values={k: row.amount(j) for j, k in columns}))
    for extra in data[1:]:
        ctx.issue("row-unexpected", f"{table_label('three_public')}: a second amount row "
                  f"(line {extra.line}); only the first is read", extra.line, table.key)


def _read_row_wise(header: list[TsvRow], data: list[TsvRow], table: Table,
                   ctx: ReadContext) -> None:
    sources = _source_columns(header, data)
    by_item: dict[str, TsvRow] = {}
    for row in data + [r for r in header if _item_key(r.cell(0))]:
        item = _item_key(row.cell(0))
        if item is None:
            if row.cell(0):
                ctx.issue("row-unexpected", f"三公 table: row {row.cell(0)!r} is not a known item",
                          row.line, table.key)
            continue
        by_item.setdefault(item, row)
    if not by_item:
        return
    first_line = min(r.line for r in by_item.values())
    for j, label in sources:
        values = {k: by_item[k].amount(j) if k in by_item else None for k in KEYS}
        table.rows.append(Row(line=first_line, name=label, kind="line", values=values))


def _source_columns(header: list[TsvRow], data: list[TsvRow]) -> list[tuple[int, str]]:
    """The amount columns: 合计 first, then one per fund source (labels as printed)."""
    width = max(len(r.cells) for r in header + data)
    out = []
    for j in range(1, width):
        label = next((squash(r.cell(j)) for r in reversed(header) if r.cell(j)), "")
        out.append((j, label or f"col_{j + 1}"))
    return out


def _item_key(cell: str) -> str | None:
    text = _ITEM_NOISE.sub("", squash(clean_text(cell) or ""))
    if not text:
        return None
    key = label_key(text)
    return key if key in KEYS else None
