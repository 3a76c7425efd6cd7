"""Project rows of coded tables (表七 一般公共预算项目支出情况表), two ways in:

- `name_projects` (Xinjiang 表七 in padded text): a coded table whose 项 rows name the
  功能分类科目名称 and then the 项目名称, under each unit's own row (a row without code).
  The coded interpreter reads the rows and amounts; this names them: a 项 row is a
  project (its unit the unit row above it), a row without code a unit, and a nameless 项
  row that the named projects of its code below add up to is that 项's subtotal.
- `project_column` / `split_projects` / `project_rows` (a header with a 项目名称 column whose
  cells know their columns: Word table text): the label under 项目名称 is the row's
  project, not part of its 科目名称. A project is budgeted under a 项 (7 digits): a row
  printing a project is kind project; a 项 row of a project table with figures and no
  project name is an unnamed project; a project printed without a code takes the 项 above
  it (code-inherited).
"""

from __future__ import annotations

from ..grid import Cell, GridRow
from ..model import Issue, Row, Table
from ..numbers import is_total_label, squash, unwrap
from .amounts import name_text
from .codes import read_code
from .ruled import Line
from .segment import Segment, table_issue

PROJECT_LABEL = "项目名称"


def name_projects(table: Table, seg: Segment, names_by_code: dict[str, str]) -> None:
    """Kinds, units and project names of a 表七 read by the coded interpreter.

    `names_by_code` are the 功能分类 names the document's other tables print (表三, 表五):
    where a row's name starts with its code's name, the rest is the project; otherwise
    the first label cell is the function's name."""
    cells_at = {r.line: r for r in seg.rows}
    unit: str | None = None
    for row in table.rows:
        if row.code is None and row.name and row.kind in ("line", "unit"):
            unit = row.name
            row.kind, row.unit = "unit", row.name
            continue
        row.unit = unit
        if row.code and len(row.code) == 7:
            row.kind = "project"
            row.name, row.project = _split(row, cells_at.get(row.line), names_by_code.get(row.code))
    _mark_item_subtotals(table.rows)


def _split(row: Row, printed: GridRow | None, known: str | None) -> tuple[str | None, str | None]:
    """(功能分类科目名称, 项目名称) of a project row, from its label cells as printed (the
    function's name is the cells that spell `known`, else the first); a name piece
    printed on another line (the interpreter joined it) ends the project's name."""
    from ..readers.text import is_amount
    name = row.name or ""
    labels = []
    if printed is not None:
        _code, _raw, used = read_code(printed.cells)
        labels = [c.text for c in printed.cells[used:] if not is_amount(c.text)]
    if not labels:
        return name or None, None
    cut = next((k for k in range(1, len(labels) + 1)
                if known and squash("".join(labels[:k])) == squash(known)), None)
    ruled = printed is not None and printed.ruled
    joined = squash("".join(labels))
    wrapped = squash(name)[len(joined):] if squash(name).startswith(joined) else ""
    if cut is None and known and joined.startswith(squash(known)):  # one cell: name and project run on
        return known, name_text([joined[len(squash(known)):], wrapped], ruled) or None
    cut = cut or 1
    project = name_text([*labels[cut:], wrapped], ruled)
    return name_text(labels[:cut], ruled), project or None


def _mark_item_subtotals(rows: list[Row]) -> None:
    """A nameless 项 row followed by named projects of the same code that add up to it
    is the 项's subtotal, not an unnamed project."""
    for i, row in enumerate(rows):
        if row.kind != "project" or row.project is not None:
            continue
        following = []
        for other in rows[i + 1:]:
            if other.code != row.code or other.project is None:
                break
            following.append(other.values.get("total") or 0)
        if following and sum(following) == row.values.get("total"):
            row.kind = "item"


def units_and_projects(rows: list[Row]) -> None:
    """Named rows (上年结转结余): a unit's own row, then its projects (a name saying 项目, or
    naming spending: …经费, …费; a unit's name never does)."""
    unit = None
    for row in rows:
        if row.kind != "line" or not row.name:
            continue
        if "项目" in row.name or squash(row.name).endswith("费"):
            row.kind, row.unit, row.project = "project", unit, row.name
        else:
            unit = row.name
            row.kind, row.unit = "unit", row.name


def project_column(header: list[GridRow]) -> int | None:
    """The 项目名称 column, where the header's cells know their columns (as the rows count
    them: a merged 科目编码 cell over 类 款 项 prints once, so a Word header row's columns
    line up with its rows' from the right only)."""
    columns = [c.col for r in header for c in r.cells if c.col is not None]
    for row in header:
        for cell in row.cells:
            # a 项目名称 heading over the first column names the rows themselves (江苏's
            # 收入预算总表: 项目名称 | 金额), not projects beside a 科目 or 单位
            if _is_project_label(squash(cell.text)) and cell.col is not None \
                    and any(col < cell.col for col in columns):
                return cell.col
    return None


def _is_project_label(flat: str) -> bool:
    """项目名称, also with text pasted inside it (项目…名称: a conversion glued a stray piece in)."""
    return flat == PROJECT_LABEL or flat.startswith("项目") and flat.endswith("名称") and len(flat) > len(PROJECT_LABEL)


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
        issues.append(table_issue(seg, path, slug, row.line, text, severity))
    last_item = None
    for row in table.rows:
        cell = cells.get(row.line)
        if cell is not None:
            row.project = unwrap(cell.text) or None
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
