"""Coded classification tables (功能分类 / 经济分类, with sub-units) and named-row tables:
one row per printed line with a code (类 款 项) or a name, amounts in the header's columns.
The header is every line above the first line with an amount; its leaf columns come from
`header.read_columns` (with x-extents) or, for a rendering without them, the labels in
print order. A name wrapped around its amounts is joined to its row. The 合计 row is the
table's total; a line such as 人员经费合计 is a row of kind "line"."""

from __future__ import annotations

from collections.abc import Callable

from ..grid import Cell, GridRow
from ..model import Column, Issue, Row, Table
from ..numbers import is_total_label, squash, unwrap
from ..readers.text import is_amount
from .amounts import (
    has_amount,
    is_amount_cell,
    is_index_row,
    label_text,
    mixed_decimals,
    pieces,
    to_wan,
)
from .by_sums import unit_lines
from .catalogue import Catalogue
from .codes import (
    BareSections,
    CodeCarry,
    code_columns,
    code_columns_of_body,
    code_columns_of_span,
    is_repeated_digit_section,
    read_code,
    row_kind,
    split_fused,
)
from .column_fit import (
    dropped_number_runs,
    fit_to_columns,
    is_column_grid,
    unlabelled_rows,
    without_number_runs,
)
from .header import VARIANTS, read_columns, wrapped_columns
from .header import Column as HeaderColumn
from .inferred import inferred_columns, inferred_rows, project_column_of_body, spelled_columns
from .label_levels import level_name, split_levels
from .place import calibrate, place
from .projects import project_column, project_rows, split_projects, units_and_projects
from .rejoin import body_below_levels, starts_row
from .ruled import Line, cell_doubts, column_order, garbled_labels, sub_units, unknown_columns
from .segment import Segment, table_issue
from .side_by_side import unfold_side_by_side


def read_coded(seg: Segment, catalogue: Catalogue, unit: str, path: str) -> tuple[Table, list[Issue]]:
    header_rows, body = unfold_side_by_side(*_split_header(seg.rows))
    header_rows, runs = without_number_runs(header_rows)
    inferred = inferred_columns(header_rows, body, seg.kind.header)
    columns = inferred or _fixed_columns(header_rows, seg.kind.header) or spelled_columns(header_rows, seg.kind.header) \
        or _columns(header_rows, catalogue)
    columns, issues = unknown_columns(header_rows, columns, catalogue, seg, path)
    issues += column_order(columns, seg.kind.identities, seg, path) + garbled_labels(columns, seg, path)
    issues += dropped_number_runs(seg, runs, path)
    table = Table(key=seg.kind.key, title=seg.kind.key, line=seg.line, unit=unit, note=seg.title,
                  columns=[Column(c.key, c.label) for c in columns])
    header_words = {squash(c.text) for r in header_rows for c in r.cells}
    body = _cut_at_next_header(seg, body, header_words, path, issues)
    if is_column_grid(header_rows, from_left=True):  # a sheet, tab-separated text: cells in their columns
        body, columns = fit_to_columns(seg, header_rows, body, columns, catalogue, path, issues)
        table.columns = [Column(c.key, c.label) for c in columns]
    reader = _LineReader(seg, header_rows, body, path, issues)
    lines = [line for line in (reader.read(r) for r in body
                               if has_amount(r) or not all(squash(c.text) in header_words for c in r.cells))]
    lines = cell_doubts(lines, columns, seg, path, issues)
    project_col = project_column(header_rows) if header_rows else project_column_of_body(lines)
    lines, project_cells = split_projects(lines, project_col)
    is_total = _total_labels(seg.kind.key, catalogue)
    levels = split_levels(lines, is_total)  # 收入预算总表: 其他资金 | 小计 / 事业收入 …
    if levels:
        lines = levels[0]
    edges = calibrate([line[4] for line in lines], columns)
    # Padded text (columns counted from the line end, no cell structure): its rows' doubts
    # are reported here
    placed = [(line[0].ruled, c) for line in lines for c in line[4] if c.col is not None]  # (none: single-space)
    counted = any(c.col < 0 and not ruled for ruled, c in placed)
    if counted:
        issues += _header_doubts(seg, header_rows, len(columns), path)
    for index, (grid_row, code, code_raw, labels, amounts) in enumerate(lines):
        if code is None and len(amounts) > 1 and _labelled_lines(grid_row.line, [c for c in grid_row.cells if c in labels or c in amounts],
                                            columns, unit, table, catalogue):
            continue  # "人员经费合计 4884.09  公用经费合计 480.66"
        if not amounts and code is None:
            continue  # a wrapped name's half: joined to its row by _wrapped_name
        if code is None and _is_placeholder(labels, amounts):
            continue  # "无 0 0 0": the placeholder row of an empty table
        name = (level_name(lines[index], levels[1].get(index)) if levels else _wrapped_name(lines, index)) or None
        named = labels[0] if levels and labels else grid_row.cells[0]
        # a code printed in parts of the wrong length (code None, code_raw set) is broken:
        # its kind stays None for the caller to settle once the code is known
        kind = row_kind(code) or (_label_kind(name, catalogue) if code_raw is None else None)
        row = Row(line=grid_row.line, name=name, code=code, code_raw=code_raw, kind=kind,
                  origins={"name": named.origin})
        for column, cell in place(amounts, columns, edges):
            key = column.key if column.variant in (None, "final") else f"{column.key}_{column.variant}"
            row.values[key] = to_wan(cell.text, unit)
            row.origins[key] = cell.origin
        if len(amounts) > len(columns):
            issues.append(table_issue(seg, path, "row-misaligned", grid_row.line,
                                      f"{len(amounts)} 个金额，但只有 {len(columns)} 列"))
        if code_raw and " " in code_raw and is_repeated_digit_section(code_raw.split()[:1], code_raw.split()[1]):
            at = grid_row.cells[0].origin.line
            issues.append(table_issue(seg, path, "code-repaired", at, f"款“{code_raw.split()[1]}”印作"
                                      f"三位（重复了类的末位），读作 {code}", "info"))
        if counted:
            issues += _row_doubts(seg, grid_row.line, row, amounts, len(columns), path)
        if code is None and is_total(row.name) and "total" not in table.totals:
            row.kind = "total"
            table.totals["total"] = row
        else:
            table.rows.append(row)
    if any(c.col >= 0 and c.x0 is None for _, c in placed):  # columns, no extents
        issues += unlabelled_rows(seg, table, path)
    if project_col is not None:
        issues += project_rows(table, project_cells, seg, path)
    if inferred:
        issues += inferred_rows(table, seg, path)
    if seg.kind.units:
        units_and_projects(table.rows)
    elif seg.kind.shape == "coded" or any(r.code for r in table.rows):  # 表二 收入 by function class
        issues += sub_units(table, seg, {r.line for r in body if r.ruled} | unit_lines(body), path)
    _lone_row_is_total(table)
    return table, issues


def _total_labels(key: str, catalogue: Catalogue) -> Callable[[str | None], bool]:
    """Whether a label names the table's total: 合计 / 总计, or its side's (收入总计 in a
    收入 table: Jiangsu's 收入预算总表)."""
    own = frozenset(catalogue.labels.get(f"{key}_total", ()))
    return lambda label: catalogue.is_total(label) or squash(label) in own


def _label_kind(name: str | None, catalogue: Catalogue) -> str:
    """A row without a code: a 小计 or a part's total (人员经费合计, 公用经费合计: the 决算
    基本支出 table's) is a subtotal, not a line of its own (it counts nothing twice)."""
    flat = squash(name)
    return "subtotal" if flat.endswith(("小计", "合计")) and not catalogue.is_total(flat) else "line"


def _lone_row_is_total(table: Table) -> None:
    """A table printing one row of amounts with neither code nor name under its header is
    the department's total (Jiangsu's 支出预算总表: 合计 基本支出 项目支出 … and one row)."""
    if "total" not in table.totals and len(table.rows) == 1:
        row = table.rows[0]
        if row.code is None and not row.name and row.values:
            row.kind = "total"
            table.totals["total"] = table.rows.pop()


def _cut_at_next_header(seg: Segment, body: list[GridRow], header_words: set[str], path: str,
                        issues: list[Issue]) -> list[GridRow]:
    """A column-number row (※ 1 2 3) under the first amounts: under the table's own header
    printed again (a page break), header and number row are left out; under another
    header, it is another table's (its title lost): the table ends before that header."""
    kept: list[GridRow] = []
    for row in body:
        if not is_index_row(row):
            kept.append(row)
            continue
        start = len(kept)
        while start > 0 and not has_amount(kept[start - 1]):
            start -= 1
        if all(squash(c.text) in header_words for r in kept[start:] for c in r.cells):
            del kept[start:]
            continue
        issues.append(Issue("table-cut", f"{seg.title}：第 {row.line} 行是另一张表的表头"
                            "（其标题丢失？），从那里起的各行未读取", path,
                            row.line, "warning", table=seg.kind.key or None))
        return kept[:start]
    return kept


def _header_doubts(seg: Segment, header: list[GridRow], columns: int, path: str) -> list[Issue]:
    """Where columns are counted from the line end, the header's column-number row must
    number them: missing, the columns are the labels' (header-missing); numbering others,
    it is no header row (row-unread)."""
    numbered = [r for r in header if is_index_row(r)]
    if not numbered:
        return [Issue("header-missing", f"{seg.title}：表头下没有列序号行（※ 1 2 3），"
                      "按表头文字确定各列", path, seg.line, "warning",
                      table=seg.kind.key or None)]
    count = sum(c.text.isdigit() for c in numbered[-1].cells)
    if count == columns:
        return []
    return [table_issue(seg, path, "row-unread", numbered[-1].line,
                        f"列序号行编了 {count} 列，表头有 {columns} 列，不作为表头读取")]


def _row_doubts(seg: Segment, line: int, row: Row, amounts: list[Cell], columns: int,
                path: str) -> list[Issue]:
    """What makes a row's figures doubtful, where the other rows tell their columns by
    counting from the line end: amounts and no label; a row that does not tell them (its
    end trimmed, or more cells than the table has columns: a number split by a space); an
    amount printed with other decimals than the rest of its row ("0.2 5")."""
    found = []

    def add(slug: str, why: str) -> None:
        found.append(table_issue(seg, path, slug, line, why))
    if amounts and not row.name and not row.code:
        add("row-unlabelled", "有金额但没有编码或名称（名称所在行丢失或移位？）")
    if amounts and len(amounts) < columns and not all(
            (a.col is not None or a.x0 is not None) and (a.col is None or a.col >= -columns) for a in amounts):
        add("column-ambiguous", "这一行看不出各金额所在的列（行尾被截断，"
            "还是一个数字被空格隔开？）：金额按从左到右的顺序保留")
    if mixed_decimals(amounts):
        add("amount-doubtful", "金额的小数位数不一致（一个数字被空格隔开？）")
    return found


def _fixed_columns(header: list[GridRow], fixed: tuple[tuple[str, str], ...]) -> list[HeaderColumn]:
    """The catalogue's leaf columns, for a header without positions whose column-number
    row numbers as many (a multi-level header cannot be told apart without them)."""
    if not fixed or any(c.x0 is not None for r in header for c in r.cells):
        return []
    numbered = [r for r in header if is_index_row(r)]
    if not numbered or sum(c.text.isdigit() for c in numbered[-1].cells) != len(fixed):
        return []
    return [HeaderColumn(key, label, None, None) for key, label in fixed]


class _LineReader:
    """Body lines in order: codes by their 类/款/项 columns where the header shows them
    (merged cells filled from the rows above, `codes.CodeCarry`), else as printed."""

    def __init__(self, seg: Segment, header: list[GridRow], body: list[GridRow], path: str,
                 issues: list[Issue]):
        self.seg, self.path, self.issues = seg, path, issues
        self.levels = code_columns(header) or code_columns_of_span(header) or \
            code_columns_of_body([r for r in body if r.ruled])
        self.carry, self.bare = CodeCarry(), BareSections()

    def read(self, grid_row: GridRow) -> Line:
        if not (self.levels and grid_row.ruled):
            return _read_line(grid_row, *self.bare.read(grid_row.cells))
        code, code_raw, used, slug, note = self.carry.read(grid_row, self.levels)
        if slug:
            at = grid_row.line if slug == "code-missing" else grid_row.cells[0].origin.line
            self.issues.append(table_issue(self.seg, self.path, slug, at, note,
                                           "warning" if slug == "code-missing" else "info"))
        return _read_line(grid_row, code, code_raw, used)


def _read_line(grid_row: GridRow, code: str | None, code_raw: str | None, used: int) -> Line:
    """A body line: its code (read from its first `used` cells), its label cells and its
    amount cells."""
    rest = grid_row.cells[used:]
    if code is None and rest:
        fused, name = split_fused(rest[0].text)
        if fused:  # "310资本性支出"
            code, code_raw = fused, fused
            rest = [Cell(name, rest[0].origin, rest[0].col, rest[0].x0, rest[0].x1), *rest[1:]]
    labels: list[Cell] = []
    amounts: list[Cell] = []
    for cell in rest:
        (amounts if is_amount(cell.text) or cell.col is not None and is_amount_cell(cell) else labels).append(cell)
    return grid_row, code, code_raw, labels, amounts


def _is_piece(line: Line) -> bool:
    return not line[4] and line[1] is None


def _wrapped_name(lines: list[Line], index: int) -> str:
    """A row's name with the halves of it printed on the lines around it: a line of text
    alone above the row is its first half when the row above took none (or took its own
    second half already) or this row prints no name of its own; a line of text alone
    below is its second half when it took a first half, or prints no name."""
    name = label_text(lines[index][3])
    head = ""
    above = index - 1
    while above >= 0 and _is_piece(lines[above]) and not _tail_of_previous(lines, above):
        head = label_text(lines[above][3]) + head
        above -= 1
        if name or not _under_total(lines, above):
            break  # one half above; but a unit's row of amounts under 总计 (表七) takes
            # every piece of its name ("新疆…和" / "公共资源管理局")
    tail = ""
    if index + 1 < len(lines) and _is_piece(lines[index + 1]) and _tail_of_previous(lines, index + 1):
        tail = label_text(lines[index + 1][3])
    return head + name + tail


def _under_total(lines: list[Line], index: int) -> bool:
    """Whether the lines up to `index` are text pieces under a total row (总计, no code)."""
    while index >= 0 and _is_piece(lines[index]):
        index -= 1
    # pieces from the body's top: the first row's name (表七's unit) takes them all
    return index < 0 or lines[index][1] is None and starts_row(label_text(lines[index][3])) \
        and not label_text(lines[index][3])[:1].isdigit()


def _tail_of_previous(lines: list[Line], piece: int) -> bool:
    """Whether the text line `piece` ends the name of the row above it (else it begins the
    row below)."""
    if piece == 0 or _is_piece(lines[piece - 1]) or starts_row(label_text(lines[piece][3])):
        return False
    if _under_total(lines, piece - 1):
        return False  # 总计 takes no second half: the text begins the (unit's) row below
    row = piece - 1
    had_head = row > 0 and _is_piece(lines[row - 1]) and not _tail_of_previous(lines, row - 1)
    if had_head or not lines[row][3]:
        return True
    following = lines[piece + 1] if piece + 1 < len(lines) else None
    return following is None or _is_piece(following) or bool(following[3])


def _labelled_lines(line: int, cells: list[Cell], columns: list[HeaderColumn], unit: str,
                    table: Table, catalogue: Catalogue) -> bool:
    """Two or more label-and-amount pairs on one line without a code: one row each, the
    amount in the first column."""
    pairs = pieces(cells)
    if len(pairs) < 2 or not all(labels and len(figures) == 1 for labels, figures in pairs):
        return False
    key = columns[0].key if columns else "total"
    for labels, figures in pairs:
        table.rows.append(Row(line=line, name=label_text(labels), kind=_label_kind(label_text(labels), catalogue),
                              values={key: to_wan(figures[0].text, unit)},
                              origins={"name": labels[0].origin, key: figures[0].origin}))
    return True


# What an empty table prints in its one row ("无 0 0 0").
PLACEHOLDERS = frozenset({"无", "空", "无数据"})


def _is_placeholder(labels: list[Cell], amounts: list[Cell]) -> bool:
    return label_text(labels) in PLACEHOLDERS and not any(to_wan(a.text, "万元") for a in amounts)


def _split_header(rows: list[GridRow]) -> tuple[list[GridRow], list[GridRow]]:
    """Header rows above the first row with amounts; in a table without amounts, above its
    合计 row (an empty table prints its total row blank)."""
    last = next((i for i in range(len(rows) - 1, -1, -1) if has_amount(rows[i])), -1)  # once
    for index, row in enumerate(rows):
        if index > last and row.cells and is_total_label(row.cells[0].text):
            return rows[:index], rows[index:]
        if has_amount(row) and not _only_code(row):
            start = index
            # a code line's name may wrap above it: those label lines belong to the body
            while start > 0 and not has_amount(rows[start - 1]) and _is_name_piece(rows[start - 1]):
                start -= 1
            start = min(start, body_below_levels(rows, index))
            return rows[:start], rows[start:]
    # no figures (an empty table): its 合计 row, if any, is no header label
    empty_total = next((i for i, row in enumerate(rows) if _empty_total_row(row)), len(rows))
    return rows[:empty_total], rows[empty_total:]


def _empty_total_row(row: GridRow) -> bool:
    """A 合计 row printed without figures (an empty table), in a table whose cells know their
    columns: a body row, not a header label."""
    return row.ruled and len(row.cells) == 1 and is_total_label(row.cells[0].text)


def _only_code(row: GridRow) -> bool:
    _code, _raw, used = read_code(row.cells)
    return used > 0 and not any(is_amount(c.text) for c in row.cells[used:])


def _is_name_piece(row: GridRow) -> bool:
    """A lone piece of text under the header, left of the amounts: a wrapped name's half."""
    return len(row.cells) == 1 and len(squash(row.cells[0].text)) >= 4 and not any(
        word in row.cells[0].text for word in ("科目", "项目", "编码", "名称"))


def _columns(header: list[GridRow], catalogue: Catalogue) -> list[HeaderColumn]:
    """Leaf columns with a key. Without x-extents: the keyed labels of the header line
    that has the most of them and of the lines after it, in print order (the lines
    above hold the headings over them: 一般公共预算基本支出 over 合计 人员经费 公用经费)."""
    if any(c.x0 is not None or c.col is not None and c.col >= 0 for r in header for c in r.cells):
        leaves = read_columns(header, catalogue)  # (new columns: changed in place)
        for leaf in leaves:
            leaf.label = unwrap(leaf.label)
        return [c for c in leaves if c.key]  # (a label no key names: `ruled.unknown_columns`)
    keyed = [[HeaderColumn(key, c.text, None, None, pieces=[c]) for c in row.cells
              if (key := catalogue.column_key(c.text)) and squash(c.text) not in VARIANTS]
             for row in header]  # 预算数 / 决算数 pairs cannot be told apart without positions
    wrapped = wrapped_columns(header, catalogue)  # labels a few characters a line (表二)
    if not any(keyed):
        return wrapped
    widest = max(range(len(keyed)), key=lambda i: (len(keyed[i]), -i))
    found = [column for line in keyed[widest:] for column in line]
    return wrapped if len({c.key for c in wrapped}) > len({c.key for c in found}) else found
