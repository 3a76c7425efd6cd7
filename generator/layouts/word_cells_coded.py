"""Coded one-sided tables of the word-cells layout: 表二/三/五/六/七, 政府性基金,
国有资本经营, 上年结转结余.

Each data row prints its classification code split over 类/款/项 cells (or in one
cell), then the 科目名称, then (表七) the 项目名称, then the value columns.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Column, Document, Issue, Row, Table
from ..numbers import is_total_label, split_code_and_name, squash
from ..parse.columns import PROJECT_ECONOMIC_COLUMNS
from ..readers.word_cells import Cell, Group
from .common import moved_values, report_unbalanced_rows, unit_opening_doubt
from .word_cells_codes import CodeContext
from .word_cells_header import (
    Layout,
    amount_of,
    has_amount,
    is_code_cell,
    is_text,
    lead_count,
    table_label,
    value_columns,
)

# Standard value columns when a table's header cannot be read.
_DEFAULT_COLUMNS: dict[str, list[str]] = {
    "expense": ["total", "basic", "project"],
    "general_public": ["total", "basic", "project"],
    "gov_fund": ["total", "basic", "project"],
    "state_capital": ["total", "basic", "project"],
    "basic": ["total", "personnel", "public"],
    "projects": ["total", *PROJECT_ECONOMIC_COLUMNS],
}
_SUBTOTAL_NAMES = {"小计"}
_KIND_BY_LENGTH = {3: "class", 5: "section", 7: "item"}
# 表六 economic classes and the side (人员经费 / 公用经费) their amounts belong to.
_ECONOMIC_SIDE = {"301": "personnel", "303": "personnel", "302": "public"}
# A row may print a few cells more than the others (a split name); far more is not a row.
_MAX_CELLS_OVER = 8
# An amount with two decimals standing alone in text (not "5.12地震", not a code).
_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])\d+\.\d{2}(?=\s|$)")


def read_coded_table(key: str, title: str, line: int, layout: Layout,
                     doc: Document) -> Table | None:
    """One coded table from its region's printed rows."""
    table = Table(key=key, title=title, line=line)
    table.columns = _columns(key, layout, doc, line)
    width = len(table.columns)
    if not width:
        doc.issues.append(Issue("table-unreadable", f"{table_label(key)}: no value columns found",
                                doc.path, line, "error", key))
        return None
    lead = _data_lead(layout.data, width)
    reader = _RowReader(key, table, doc, width, lead, _has_project_column(key, layout))
    for group in layout.data:
        reader.read(group)
    _drop_lone_units(table, doc)
    moved_value_doubts(table, doc)
    report_unbalanced_rows(table, doc, table_label(key))
    if not any(r.values.get(c.key) is not None for r in [*table.rows, *table.totals.values()]
               for c in table.columns):
        table.empty = True
        table.rows = []
    elif "total" not in table.totals:
        doc.issues.append(Issue("total-missing", f"{table_label(key)}: no 合计 row found "
                                "(table cut short?)", doc.path, line, "warning", key))
    return table


def _drop_lone_units(table: Table, doc: Document) -> None:
    """An uncoded named row with amounts is read as a sub-unit's total, which heads the
    unit's coded rows; one followed by another such row or by nothing (a header row
    carrying a figure, a row of another table) is not a sub-unit: reported, not read."""
    rows = table.rows
    lone = [r for i, r in enumerate(rows) if r.kind == "unit"
            and (i + 1 == len(rows) or rows[i + 1].kind == "unit")]
    for row in lone:
        doc.issues.append(Issue("row-uncoded", f"{table_label(table.key)} row at line {row.line}: "
                                f"{(row.name or '')[:40]!r} has no code and no coded rows under "
                                "it (not a sub-unit's total; a row of another table?); not read",
                                doc.path, row.line, "warning", table.key))
    dropped = {id(r) for r in lone}
    table.rows = [r for r in rows if id(r) not in dropped]


def _hierarchy(table: Table) -> list[tuple[Row, list[Row]]]:
    """(parent, children) for every sum the table prints: 合计 over its top rows (sub-units,
    表七 projects, or 类), a sub-unit over its 类, a 类 over its 款, a 款 over its 项."""
    rows = table.rows
    units = [r for r in rows if r.kind == "unit"]
    if units:
        top = units
    elif table.key == "projects":
        top = [r for r in rows if r.kind == "project"]
    else:
        coded = [r for r in rows if r.code]
        shortest = min((len(r.code) for r in coded), default=0)
        top = [r for r in coded if len(r.code) == shortest]
    out = [(table.totals["total"], top)] if "total" in table.totals and top else []
    if table.key == "projects":
        return out
    for unit in units:
        out.append((unit, [r for r in rows if r.unit == unit.unit and r.code and len(r.code) == 3]))
    for i, parent in enumerate(rows):
        if not parent.code or parent.kind == "project":
            continue
        kids = []
        for row in rows[i + 1:]:
            if row.unit != parent.unit or not row.code or not row.code.startswith(parent.code):
                break
            if len(row.code) == len(parent.code) + 2:
                kids.append(row)
        if kids:
            out.append((parent, kids))
    return out


def moved_value_doubts(table: Table, doc: Document) -> None:
    """Rows whose figure stands one column over, told by the breakdown of the row above
    them (see `moved_values`): their columns are reported as uncertain."""
    columns = [c.key for c in table.columns if not c.key.startswith("col_")]
    flagged: set[int] = set()
    for parent, kids in _hierarchy(table):
        for row in moved_values(parent, kids, columns):
            if id(row) in flagged:
                continue
            flagged.add(id(row))
            label = row.code_raw or row.name or row.project or "?"
            doc.issues.append(Issue("column-ambiguous", f"{table_label(table.key)} row {label} "
                                    f"(line {row.line}): its parts do not add up column by column "
                                    f"to the row above it (line {parent.line}), though the 合计 do; "
                                    "a figure may stand in the wrong column", doc.path, row.line,
                                    "warning", table.key))


def _columns(key: str, layout: Layout, doc: Document, line: int) -> list[Column]:
    if layout.leaf:
        labels = layout.leaf[lead_count(layout.leaf):]
        if labels:
            return value_columns(labels, key, doc, layout.leaf_line or line,
                                 first_is_total=key == "projects")
    defaults = _DEFAULT_COLUMNS.get(key)
    if not defaults:
        return []
    doc.issues.append(Issue("header-missing", f"{table_label(key)}: column header not found; "
                            "reading the standard columns " + ", ".join(defaults),
                            doc.path, line, "warning", key))
    return [Column(k, k) for k in defaults]


def _has_project_column(key: str, layout: Layout) -> bool:
    return key == "projects" or any(squash(t) == "项目名称" for t in layout.leaf)


def _data_lead(groups: list[Group], width: int) -> int:
    """Cells before the value columns in most data rows (类/款/项 + names)."""
    leads = Counter(len(g.cells) - width for g in groups if has_amount(g) and len(g.cells) > width)
    return leads.most_common(1)[0][0] if leads else 1


class _RowReader:
    """Turns printed rows into `Row`s, carrying the 类 and sub-unit context along."""

    def __init__(self, key: str, table: Table, doc: Document, width: int, lead: int,
                 has_project: bool):
        self.key, self.table, self.doc = key, table, doc
        self.width, self.lead, self.has_project = width, lead, has_project
        self.codes = CodeContext(table_label(key), doc, key)
        self.unit: str | None = None

    def read(self, group: Group) -> None:
        if group.is_empty():
            return  # filler row
        cells = group.cells
        if len(cells) <= self.width:
            self._issue("row-width", f"row at line {group.line} has {len(cells)} cells, "
                        f"fewer than the {self.width} value columns + names; skipped",
                        group.line, "error" if has_amount(group) else "warning")
            return
        if len(cells) > _MAX_CELLS_OVER + self.lead + self.width:
            # Thousands of cells are not a table row (a run of tabs, merged rows): refused
            # rather than read column by column.
            self._issue("row-width", f"row at line {group.line} has {len(cells)} cells where "
                        f"other rows have {self.lead + self.width}; skipped", group.line, "error")
            return
        split = len(cells) - self.width
        text_at = [i for i, c in enumerate(cells) if is_text(c)]
        shifted = bool(text_at) and text_at[-1] >= split
        if shifted:
            # A name among the value cells: this row lacks cells, so the values after the
            # name cannot be placed by position.
            split = text_at[-1] + 1
        row = Row(line=cells[min(split, len(cells) - 1)].line)
        self._read_lead(cells[:split], row)
        columns = self.table.columns[self.width - (len(cells) - split):]
        row.values = {c.key: None for c in self.table.columns}
        row.values.update({c.key: amount_of(cell) for c, cell in zip(columns, cells[split:])})
        # An amount left of the value columns, alone in its cell or run into a code or
        # name cell ("2011234.56 1234.56 …").
        stray = [c for c in cells[:split] if c.amount is not None and "." in c.number_text
                 or c.amount is None and _AMOUNT_IN_TEXT.search(c.number_text)]
        if shifted and _any_amount(row):
            self._issue("column-ambiguous", f"{self._row_label(row)}: {len(cells) - split} value "
                        f"cell(s) for {self.width} columns; placed from the right, columns "
                        "uncertain", row.line)
        elif stray:
            # An amount left of the value columns: the header names fewer columns than
            # the row prints, or the row has a cell too many.
            self._issue("column-ambiguous", f"{self._row_label(row)}: amount {stray[0].clean} "
                        f"printed left of the {self.width} value columns; columns uncertain",
                        row.line)
        elif split > self.lead and has_amount(group):
            # More cells than other rows may mean a shifted value.
            self._issue("row-width", f"{self._row_label(row)}: {len(cells)} cells where other rows "
                        f"have {self.lead + self.width}; values read from the right", row.line)
        elif split < self.lead and has_amount(group) and not self._is_total(row):
            # Fewer cells is a merged 合计 cell; elsewhere a lost code cell reads as another
            # code (201 03 99 without 99 is 款 20103) or as an uncoded sub-unit row.
            self._issue("row-width", f"{self._row_label(row)}: {len(cells)} cells where other rows "
                        f"have {self.lead + self.width}; a code or name cell may be missing",
                        row.line)
        elif row.values.get("total") is None and _any_amount(row) and "total" in row.values:
            # Parts printed with an empty 合计: a value cell moved within the row.
            self._issue("column-ambiguous", f"{self._row_label(row)}: 合计 empty while other "
                        "columns print amounts; columns uncertain", row.line)
        self._check_economic_side(row)
        self._place(row)

    def _check_economic_side(self, row: Row) -> None:
        """表六: 工资福利 (301) and 对个人和家庭的补助 (303) are 人员经费, 商品和服务 (302)
        公用经费; an amount on the other side is a value cell moved within the row."""
        side = _ECONOMIC_SIDE.get((row.code or "")[:3]) if self.key == "basic" else None
        other = {"personnel": "public", "public": "personnel"}.get(side or "")
        if other and row.values.get(other) is not None:
            self._issue("column-ambiguous", f"{self._row_label(row)}: amount under "
                        f"{other} where 经济分类 {row.code[:3]} is {side}; columns uncertain",
                        row.line)

    def _read_lead(self, lead: list[Cell], row: Row) -> None:
        """Code cells (类/款/项, empty where merged with the row above), 科目名称 and
        (表七) 项目名称 from the cells left of the values."""
        cells = list(lead)
        if self.has_project and len(cells) >= 2:
            row.project = cells[-1].clean or None
            cells = cells[:-1]
        slots: list[str] = []
        names: list[str] = []
        code_line = row.line
        for cell in cells:
            if not names and (not cell.clean or is_code_cell(cell.number_text)):
                if cell.clean and not any(slots):
                    code_line = cell.line
                slots.append(cell.number_text if cell.clean else "")
            elif cell.clean:
                code, name = split_code_and_name(cell.clean)
                # "201 一般公共服务支出" in one cell; "2021年…" is a name, not a code.
                if code and not names and not any(slots) and _is_name(name):
                    slots, code_line = cell.clean[: len(cell.clean) - len(name)].split(), cell.line
                    names.append(name)
                else:
                    names.append(cell.clean)
        row.name = " ".join(names) or None
        if any(slots):
            row.code, row.code_raw = self.codes.join(slots, code_line, row.line)

    @staticmethod
    def _is_total(row: Row) -> bool:
        labels = {squash(row.name), squash(row.project)}
        return not row.code and (bool(labels & _SUBTOTAL_NAMES) or any(map(is_total_label, labels)))

    def _place(self, row: Row) -> None:
        labels = {squash(row.name), squash(row.project)}
        if any(map(is_total_label, labels)) and not row.code:
            row.kind = "line"
            self.table.totals["total"] = row
            row.name, row.project = squash(row.name or row.project), None
            return
        if labels & _SUBTOTAL_NAMES and not row.code:
            row.kind = "subtotal"
            self.table.totals["subtotal"] = row
            return
        if row.code:
            self.codes.check_order(row.code, row.line, bool(self.has_project and row.project))
            self._check_unit_opening(row)
            row.unit = self.unit
            row.kind = _KIND_BY_LENGTH.get(len(row.code), "item")
            if self.has_project and row.project:
                row.kind = "project"
                if len(row.code) != 7:
                    # Projects are budgeted under a 项: one under a 类 or 款 is a row whose
                    # cells moved (its 科目名称 in the 项目名称 cell) or lost a code cell.
                    self._issue("code-unusual", f"{self._row_label(row)}: project "
                                f"{row.project!r} under the {len(row.code)}-digit code "
                                f"{row.code}, not a 项; a code or name cell may be lost or moved",
                                row.line)
            elif self.key == "projects" and row.kind == "item" and _any_amount(row):
                row.kind = "project"
                self._issue("unnamed-project", f"{self._row_label(row)}: amount "
                            f"{row.values.get('total')} has no project name", row.line)
        elif self.has_project and row.project:
            row.kind = "project"
            row.unit = self.unit
            row.code = self.codes.last_item
            if row.code:
                self._issue("code-inherited", f"{table_label(self.key)} project {row.project!r}: "
                            f"no code printed; taken from the row above ({row.code})", row.line,
                            "info")
            else:
                self._issue("code-missing", f"{table_label(self.key)} project {row.project!r}: "
                            "no function code printed", row.line)
        elif row.name and _any_amount(row):
            # An uncoded named row with amounts is a sub-unit's own total (二级预算单位).
            # Sub-units head their rows; one after coded rows of no sub-unit is more likely
            # a row that lost its code or a garbled 合计.
            if self.unit is None and self.codes.seen:
                self._issue("row-unit-late", f"{self._row_label(row)}: uncoded row with amounts "
                            "after coded rows of no sub-unit; read as a sub-unit, doubtful",
                            row.line)
            row.kind = "unit"
            row.unit = self.unit = row.name
            self.codes.new_unit()
        else:
            return  # a label row without amounts or code: nothing to keep
        self.table.rows.append(row)

    def _check_unit_opening(self, row: Row) -> None:
        """A sub-unit followed by a 款 or 项 rather than a 类 (`unit_opening_doubt`)."""
        previous = self.table.rows[-1] if self.table.rows else None
        if (previous is None or previous.kind != "unit" or len(row.code) <= 3
                or (self.has_project and row.project)):
            return
        self._issue("row-unit-doubtful", f"{table_label(self.key)}: "
                    f"{unit_opening_doubt(previous, row.code)}", previous.line)

    def _row_label(self, row: Row) -> str:
        return f"{table_label(self.key)} row {row.code_raw or row.name or row.project or '?'}"

    def _issue(self, slug: str, message: str, line: int, severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity, self.key))


def _is_name(text: str) -> bool:
    """The text after a code is a name ("一般公共服务支出"), not the rest of a number."""
    return bool(text) and not text[0].isdigit() and text[0] not in ".．,，"


def _any_amount(row: Row) -> bool:
    return any(v is not None for v in row.values.values())
