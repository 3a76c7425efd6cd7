"""Project rows of a coded table whose header has a 项目名称 column (表七 一般公共预算项目
支出): where the cells know their columns, the label under 项目名称 is the row's project, not
part of its 科目名称. A project is budgeted under a 项 (7 digits): a row printing a project
is kind project; a 项 row of a project table with figures and no project name is an unnamed
project; a project printed without a code takes the 项 above it (code-inherited).
"""

from __future__ import annotations

from ..grid import Cell, GridRow
from ..model import Issue, Row, Table
from ..numbers import is_total_label, squash
from .ruled import Line
from .segment import Segment

PROJECT_LABEL = "项目名称"


def project_column(header: list[GridRow]) -> int | None:
    """The 项目名称 column, where the header's cells know their columns (as the rows count
    them: a merged 科目编码 cell over 类 款 项 prints once, so a Word header row's columns
    line up with its rows' from the right only)."""
    for row in header:
        for cell in row.cells:
            if squash(cell.text) == PROJECT_LABEL and cell.col is not None:
                return cell.col
    return None


def split_projects(lines: list[Line], column: int | None) -> tuple[list[Line], dict[int, Cell]]:
    """The lines without their project cells, and each line's project cell (by line)."""
    if column is None:
        return lines, {}
    out: list[Line] = []
    found: dict[int, Cell] = {}
    for grid_row, code, code_raw, labels, amounts in lines:
        cell = next((c for c in labels if grid_row.ruled and c.col == column
                     and not is_total_label(c.text)), None)
        if cell is not None:
            found[grid_row.line] = cell
            labels = [c for c in labels if c is not cell]
        out.append((grid_row, code, code_raw, labels, amounts))
    return out, found


def project_rows(table: Table, cells: dict[int, Cell], seg: Segment, path: str) -> list[Issue]:
    """Kinds, project names and inherited codes of a project table's rows (module docstring)."""
    issues: list[Issue] = []

    def add(slug: str, row: Row, text: str, severity: str = "warning") -> None:
        issues.append(Issue(slug, f"{seg.title} 第 {row.line} 行：{text}", path, row.line, severity,
                            table=table.key or None))
    last_item = None
    for row in table.rows:
        cell = cells.get(row.line)
        if cell is not None:
            row.project = squash(cell.text) if cell.text.strip() else None
            row.origins["project"] = cell.origin
        figures = any(v is not None for v in row.values.values())
        if row.code and len(row.code) == 7:
            last_item = row.code
        if row.project and row.code:
            row.kind = "project"
            if len(row.code) != 7:
                add("code-unusual", row, f"项目“{row.project}”列在 {len(row.code)} 位代码 {row.code} 下，"
                    "不是项：编码或名称单元格可能丢了或错位")
        elif row.project:
            row.kind, row.code = "project", last_item
            if last_item:
                add("code-inherited", row, f"项目“{row.project}”未印科目编码，取上一行的 {last_item}", "info")
            else:
                add("code-missing", row, f"项目“{row.project}”未印功能分类科目编码")
        elif row.kind == "item" and figures:
            row.kind = "project"
            add("unnamed-project", row, f"{row.code_raw} 的数 {row.values.get('total')} 没有项目名称")
    return issues
