"""Tables whose rows carry a classification code: 表二 收入, 表三 支出, 表五 一般公共预算,
表六 基本支出, 表七 项目支出, 政府性基金, 国有资本经营 — and the 上年结转结余 table,
whose rows carry a project name instead.

Each header group (a table's header, or its repeat after a page break) decides the
positions of the rows under it, so a table whose columns shift from page to page is
still read column by column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import TABLE_KEYS, Column, Document, Issue, Row, Table
from ..numbers import is_total_label, squash
from .common import report_unbalanced_rows
from .tsv_blocks import Block, TsvRow, clean_text, table_label
from .tsv_codes import CodeState, kind_for_code, read_code_cells, split_code_name
from .tsv_guards import (
    foreign_header,
    header_keys,
    misaligned,
    refuse_foreign_codes,
    refuse_lone_unit_rows,
)
from .tsv_header import HeaderMap, build_header, is_header_row
from .tsv_infer import check_inferred_rows, infer_header

_PLACEHOLDER = {"无", "空", "无数据"}
# Tables broken down by sub-unit (二级预算单位) print a named row without a code per unit.
_UNIT_TABLES = {"income", "expense", "general_public", "projects"}


@dataclass
class ReadContext:
    """What the table readers share: the document and the codes to repair later."""

    doc: Document
    broken: list[tuple[str, Row, tuple[str, ...]]] = field(default_factory=list)

    def issue(self, slug: str, message: str, line: int | None, key: str | None,
              severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity, key))


def read_coded_table(block: Block, key: str, ctx: ReadContext) -> Table:
    """One coded table (see module doc) from its block of rows."""
    table = Table(key, block.title or TABLE_KEYS.get(key, key), block.line, note=block.note)
    header: HeaderMap | None = None
    pending: list[TsvRow] = []
    state = CodeState()
    unit: str | None = None
    unlabelled: list[Row] = []
    headers: list[HeaderMap] = []
    first_keys: set[str] | None = None
    foreign = False  # under the header of another table: rows not read
    inferred: set[int] = set()  # ids of the rows read under an inferred header
    for row in block.rows:
        if is_header_row(row, before_data=header is None):
            if pending and row.after_text:
                _stray_header_rows(pending, key, ctx)
                pending = []
            pending.append(row)
            continue
        if pending:
            built = build_header(pending, key)
            pending = []
            if first_keys is None:
                first_keys = header_keys(built)
            foreign = foreign_header(built, first_keys)
            if foreign:
                ctx.issue("header-foreign", f"{table_label(key)}：第 {built.line} 行的表头"
                          "是另一张表的列（其表名丢失？）；其下的行"
                          "未读", built.line, key, "error")
                continue
            header = _use_header(built, table, ctx)
            headers.append(header)
        if foreign:
            continue
        if header is None:
            header = infer_header(row, key)
            if header is None:
                ctx.issue("table-unreadable", f"{table_label(key)}：没有表头，行的"
                          "表形也认不出；整表未读", row.line, key, "error")
                return table
            _merge_columns(table, header)
        why = misaligned(row, header)
        if why:
            ctx.issue("row-misaligned", f"{table_label(key)}第 {row.line} 行：{why}（另一张表的"
                      "行，或单元格错位？）；未读", row.line, key)
            continue
        out = _read_row(row, header, key, state, ctx)
        if out is None:
            continue
        if header.inferred:
            inferred.add(id(out))
        elif header.doubt:
            ctx.issue("column-ambiguous", f"{table_label(key)}第 {row.line} 行：第 "
                      f"{header.line} 行的表头有{header.doubt}（表头行丢失或错乱？）；"
                      "金额按位置保留", row.line, key)
        if out.kind == "total":
            _set_total(table, out, ctx, key)
        elif out.kind == "unlabelled":
            unlabelled.append(out)
        elif out.kind == "unit":
            unit = out.unit
            table.rows.append(out)
        else:
            out.unit = unit
            table.rows.append(out)
    _order_columns(table, headers)
    _settle_unlabelled(table, unlabelled, ctx, key)
    refuse_foreign_codes(table, ctx, ctx.broken)
    refuse_lone_unit_rows(table, ctx)
    if key == "projects":
        _settle_project_rows(table, ctx)
    report_unbalanced_rows(table, ctx.doc, table_label(key))
    if inferred:
        check_inferred_rows(table, ctx, inferred)
    table.empty = not table.rows
    return table


def _stray_header_rows(rows: list[TsvRow], key: str, ctx: ReadContext) -> None:
    """Header rows with text between them and the header below: not this table's header
    (a row moved here from another table), so not used."""
    lines = ", ".join(str(r.line) for r in rows)
    ctx.issue("header-stray", f"{table_label(key)}：第 {lines} 行的表头行与其下的"
              "表头不相连；未用", rows[0].line, key)


def _use_header(header: HeaderMap, table: Table, ctx: ReadContext) -> HeaderMap:
    """Take a (possibly repeated) header group into the table; report what it lacks."""
    key = table.key
    # An unknown label keeps the key it got on the first page, wherever it stands now.
    seen = {c.label: c.key for c in table.columns if c.key.startswith("col_")}
    header.amounts = [(j, Column(seen[c.label], c.label) if c.label in seen else c)
                      for j, c in header.amounts]
    for column in header.unknown:
        if column.label not in seen:
            ctx.issue("column-unknown", f"{table_label(key)}：列名「{column.label}」"
                      f"不是已知的列；按 {column.key} 保留", header.line, key)
    if header.dropped:
        ctx.issue("header-cell-dropped", f"{table_label(key)}表头：{len(header.dropped)} "
                  f"个数字单元格（「{header.dropped[0]}」…）不是列名；略去",
                  header.line, key, "info")
    for text in header.conflicts:
        ctx.issue("header-misaligned", f"{table_label(key)}表头：{text}；以下面一行"
                  "表头为准", header.line, key, "info")
    if key == "projects":
        # 项目支出合计 is the project row's total.
        header.amounts = [(j, Column("total", c.label) if c.key == "project" else c)
                          for j, c in header.amounts]
    _merge_columns(table, header)
    return header


def _merge_columns(table: Table, header: HeaderMap) -> None:
    """Add the header's columns the table lacks, each after its left neighbour in the
    header (a later page may show a column the first page's header left out).

    One pass over each list (a header may be as wide as MAX_CELLS)."""
    known = set(table.column_keys())
    after: dict[str | None, list[Column]] = {}
    anchor: str | None = None
    for _, column in header.amounts:
        if column.key in known:
            anchor = column.key
            continue
        after.setdefault(anchor, []).append(column)
    if not after:
        return
    merged = list(after.get(None, []))
    for column in table.columns:
        merged.append(column)
        merged.extend(after.get(column.key, []))
    table.columns = merged


def _order_columns(table: Table, headers: list[HeaderMap]) -> None:
    """Columns in the order of the fullest header (the last of equals: page headers
    that drift are usually set right by a later page)."""
    if len(headers) < 2:
        return
    best = max(reversed(headers), key=lambda h: len(h.amounts))
    rank = {c.key: i for i, (_, c) in enumerate(best.amounts)}
    placed = sorted((c for c in table.columns if c.key in rank), key=lambda c: rank[c.key])
    rest = iter(placed)
    table.columns = [next(rest) if c.key in rank else c for c in table.columns]


def _read_row(row: TsvRow, header: HeaderMap, key: str, state: CodeState,
              ctx: ReadContext) -> Row | None:
    """One data row under `header`, as a Row whose kind says what it is ("total",
    "unlabelled" and "unit" are settled by the caller)."""
    code = read_code_cells([row.cell(j) for j in header.code_cols], state)
    name = clean_text(row.cell(header.name_col))
    project = clean_text(row.cell(header.project_col))
    if not header.code_cols and key != "carryover" and code.code is None:
        # Code and name in one cell: "201 一般公共服务支出".
        split, raw, rest = split_code_name(name)
        if split:
            code.code, code.raw, name = split, raw, rest
    labels = [squash(c) for j, c in row.filled() if j in header.code_cols and code.raw is None]
    values, texts = _values(row, header, key, ctx)
    labels += [squash(t) for t in (name, project) if t] + texts
    out = Row(line=row.line, name=name, code=code.code, code_raw=code.raw, project=project,
              values=values)
    if code.code or code.broken:
        out.kind = "project" if project and key == "projects" else kind_for_code(code.code)
        if code.broken:
            ctx.broken.append((key, out, code.parts))
        return out
    total = next((lab for lab in labels if is_total_label(lab)), None)
    if total:
        out.kind, out.name = "total", total
        return out
    if not name and not project:
        if any(v is not None for v in values.values()):
            out.kind = "unlabelled"
            return out
        return None
    if (name in _PLACEHOLDER or project in _PLACEHOLDER) and not any(values.values()):
        return None  # "无 0 0 0": the placeholder row of an empty table
    if key == "carryover":
        out.kind, out.project = "line", project or name
        return out
    if key in _UNIT_TABLES:
        out.kind, out.unit = "unit", name  # a sub-unit's own total row
        return out
    out.kind = "line"
    return out


def _values(row: TsvRow, header: HeaderMap, key: str,
            ctx: ReadContext) -> tuple[dict[str, object], list[str]]:
    """Amounts by column key, and the texts found in amount positions (labels).

    Amounts under a column no known label names (col_<n>), or in cells no header
    labels, are doubtful: one issue on the row names them."""
    values: dict[str, object] = {}
    texts: list[str] = []
    unknown: list[str] = []
    mapped = {j for j, _ in header.amounts} | set(header.code_cols)
    mapped |= {j for j in (header.name_col, header.project_col) if j is not None}
    label = table_label(key)
    for j, column in header.amounts:
        text = row.cell(j)
        amount = row.amount(j)
        values[column.key] = amount
        if amount is not None and column.key.startswith("col_"):
            unknown.append(f"「{column.label}」下的 {amount}")
        if text and amount is None:
            texts.append(squash(text))
            if not is_total_label(text):
                ctx.issue("cell-unreadable", f"{label}第 {row.line} 行：「{column.label}」列的"
                          f"「{text}」不是金额", row.line, key)
    unplaced: list[str] = []
    for j, text in row.filled():
        if j in mapped:
            continue
        if row.amount(j) is not None:
            unplaced.append(f"第 {j + 1} 格的 {text}")
        else:
            texts.append(squash(text))
    if unknown:
        ctx.issue("column-unknown", f"{label}第 {row.line} 行：{'、'.join(unknown[:3])}"
                  f"{'…' if len(unknown) > 3 else ''}：列名不是已知的列；按"
                  "位置保留", row.line, key)
    if unplaced:
        ctx.issue("column-unknown", f"{label}第 {row.line} 行：{len(unplaced)} 个金额在"
                  f"没有表头的单元格里（{'、'.join(unplaced[:3])}"
                  f"{'…' if len(unplaced) > 3 else ''}）；未读", row.line, key)
    return values, texts


def _set_total(table: Table, row: Row, ctx: ReadContext, key: str) -> None:
    """The 合计/总计 row; an empty table's 合计 with no amounts is not kept."""
    if "total" in table.totals:
        ctx.issue("total-repeated", f"{table_label(key)}：第二个合计行；保留第一个",
                  row.line, key)
        return
    row.kind, row.project = None, None
    if any(v is not None for v in row.values.values()):
        table.totals["total"] = row


def _settle_unlabelled(table: Table, rows: list[Row], ctx: ReadContext, key: str) -> None:
    """A row with amounts but no code or label is the total (some templates print it
    with no 合计) when it comes last, or first and equal to the sum of the 类 rows."""
    classes = [r.values.get("total") for r in table.rows if r.kind == "class"]
    class_sum = sum((v for v in classes if v is not None), Decimal(0)) if classes else None
    for row in rows:
        last = not table.rows or row.line > table.rows[-1].line
        first = bool(table.rows) and row.line < table.rows[0].line
        fits = first and class_sum is not None and row.values.get("total") == class_sum
        if (last or fits) and "total" not in table.totals:
            row.kind, row.name = None, None
            table.totals["total"] = row
        else:
            ctx.issue("row-unlabelled", f"{table_label(key)}第 {row.line} 行：金额既无"
                      "编码也无名称；未读", row.line, key)


def _settle_project_rows(table: Table, ctx: ReadContext) -> None:
    """表七: a 项 row with no project name is the 项 subtotal when project rows with the
    same code follow it; otherwise it is a project whose name is not printed."""
    rows = table.rows
    for i, row in enumerate(rows):
        if row.kind != "item" or row.project:
            continue
        following = rows[i + 1] if i + 1 < len(rows) else None
        if following is not None and following.code == row.code and following.project:
            continue
        row.kind = "project"
        ctx.issue("unnamed-project", f"表七「{row.code_raw}」行：有金额 "
                  f"{row.values.get('total')} 而无项目名称", row.line, "projects")
