"""Two-sided tables printed as text whose labels have no column: each label takes the
amounts after it.

Padded PDF text counts the amounts' columns from the line end (`readers.padded` gives an
amount's `col` as -1 for the last column): an expense line's amounts go to the table's
expense columns (表四: 合计 一般公共预算 政府性基金预算 国有资本经营预算, the catalogue's
`header` after the income side's column) by where they stand from the line end; other
lines' amounts by their order. A code printed before its name ("204" "公共安全支出") is
part of the label, not an amount: the code reader reads it, and a code that follows an
income label without an amount (where it could be that label's amount) is one where it
stands in the column the table's other codes stand in. What does not fit is reported:
amounts without a label, amounts whose columns the line does not tell, a row whose
amounts print different decimals (a number split by a space).

Single-space text prints no empty cells and no column positions (" 财政拨款（补助） 5005.17
201 一般公共服务支出 4564.64 4564.64"): the amounts of 表四's expense lines stay in print
order and are then placed (`place_unplaced`) as 表二's are onto its sources
(`cross_table.place_by_sources`): after the 合计, in order, on the fund types the income
side gives an amount (一般公共预算 5005.17); a row printing fewer where the identities tell;
what no identity tells stays in the 合计 alone, reported `column-ambiguous`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from ..grid import Cell, GridRow
from ..model import Column, Issue, Origin, Row, Table
from ..numbers import squash
from ..readers.text import is_amount
from .amounts import LABEL_START, has_amount, label_text, mixed_decimals, to_wan
from .codes import read_code, split_fused
from .cross_table import income_sources, place_by_sources
from .segment import Segment, table_issue

_NOWHERE = Origin(line=0)


@lru_cache(maxsize=4096)  # (every two-sided line's label is asked, some twice)
def function_class(label: str) -> tuple[str | None, str | None, str]:
    """(code, code as printed, name) of a label that starts with a classification code
    followed by words ("201 一般公共服务支出", "201一般公共服务支出"); else (None, None, label)."""
    if not label[:1].isdigit():
        return None, None, label  # most labels: no code to read
    parts = label.split()
    code, raw, used = read_code([Cell(p, _NOWHERE) for p in parts])
    name = " ".join(parts[used:])
    if code is None:
        code, name = split_fused(label)
        raw = code
    if code is None or not name or name[0].isdigit() or name[0] in ".．,，":
        return None, None, label
    return code, raw, name


def read_counted(seg: Segment, body: list[GridRow], table: Table, unit: str, path: str,
                 is_expense: Callable[[str], bool], printed: str | None, unplaced: bool) -> list[Issue]:
    """Read `body` into `table`; `is_expense(name)` tells a line's side (by its label);
    `printed` is the amount columns' heading the header prints (预算数), if any;
    `unplaced`: no cell has a column (single-space text), so a code before a name is one
    wherever it stands, and the amounts stay in print order (`place_unplaced`)."""
    # the expense side's columns: the catalogue header's after the income side's; else one
    expense = [Column(key, label) for key, label in seg.kind.header[1:]] or [Column("amount", printed or "金额")]
    table.columns = [Column("amount", seg.kind.header[0][1] if seg.kind.header else printed or "金额"),
                     *(c for c in expense if c.key != "amount")]
    issues: list[Issue] = []
    code_cols = {None} if unplaced else _code_columns(body)  # (unplaced: no cell has a column)
    for grid_row in body:
        parts = _pieces(grid_row.cells, code_cols)
        found = _row_doubts(grid_row, parts, seg, path)
        issues += found
        for index, (labels, amounts) in enumerate(parts):
            name = label_text(labels)
            if not name:
                continue
            keys = [c.key for c in expense] if is_expense(name) else ["amount"]
            row = Row(line=grid_row.line, name=name, kind="line", values=dict.fromkeys(keys),
                      origins={"name": labels[0].origin})
            placed = _placed(amounts, keys, last=index == len(parts) - 1)
            if placed is None:
                placed = list(zip(keys, amounts))
                if len(keys) > 1 and amounts and not found and not unplaced:
                    issues.append(table_issue(seg, path, "column-ambiguous", grid_row.line, "看不出各金额所在的列"
                                              "（行尾被截断，还是一个数字被空格隔开？）：金额按从左到右的顺序保留"))
            if len(amounts) > len(keys):
                extra = " ".join(a.text for a in amounts[len(keys):])
                issues.append(Issue("column-ambiguous", f"{seg.title}「{name}」行：金额个数多于列数（{extra} 未放入"
                                    "任何列）", path, grid_row.line, "warning", table.key))
            for key, cell in placed:
                row.values[key] = to_wan(cell.text, unit)
                row.origins[key] = cell.origin
            table.rows.append(row)
    return issues


def _placed(amounts: list[Cell], keys: list[str], last: bool) -> list[tuple[str, Cell]] | None:
    """A line's last amounts by their columns counted from the line end; None where the
    line does not tell them (its end trimmed, or more cells than columns)."""
    if len(keys) == 1:
        return [(keys[0], amounts[0])] if amounts else []
    if not amounts:
        return []
    if not last or not all(a.col is not None and -len(keys) <= a.col < 0 for a in amounts):
        return None
    return [(keys[len(keys) + a.col], a) for a in amounts]


def _is_code(cell: Cell) -> bool:
    """A cell the code reader reads as a whole code (3, 5 or 7 digits alone)."""
    return cell.text.isdigit() and read_code([cell])[2] == 1


def _code_columns(body: list[GridRow]) -> set[int]:
    """The columns of the codes no amount could stand for: a code first on its line, or
    after an amount, and before its name."""
    found = set()
    for row in body:
        for i, cell in enumerate(row.cells[:-1]):
            if (_is_code(cell) and cell.col is not None and not is_amount(row.cells[i + 1].text)
                    and (i == 0 or is_amount(row.cells[i - 1].text))):
                found.add(cell.col)
    return found


def _pieces(cells: list[Cell], code_cols: set[int]) -> list[tuple[list[Cell], list[Cell]]]:
    """The row as (label cells, amount cells) pairs: a label takes the amounts after it;
    a code and its name are one label, which starts a piece of its own (the other side's);
    letter-spaced words ("收 入 总 计") are one label."""
    out: list[tuple[list[Cell], list[Cell]]] = []
    skip = False
    for i, cell in enumerate(cells):
        if skip:
            skip = False
            continue
        after = cells[i + 1] if i + 1 < len(cells) else None
        if (after is not None and not is_amount(after.text) and _is_code(cell)
                and (not out or out[-1][1] or cell.col in code_cols)):
            out.append(([Cell(f"{cell.text} {after.text}", cell.origin)], []))
            skip = True
        elif is_amount(cell.text):
            if not out:
                out.append(([], []))
            out[-1][1].append(cell)
        elif out and not out[-1][1] and not LABEL_START.match(cell.text) and not function_class(cell.text)[0]:
            out[-1][0].append(cell)
        else:
            out.append(([cell], []))
    return out


def _row_doubts(row: GridRow, parts: list[tuple[list[Cell], list[Cell]]], seg: Segment, path: str) -> list[Issue]:
    """Amounts with no label before them; amounts printing different decimals (a number
    split by a space: "28.3 9")."""
    amounts = [a for _, piece in parts for a in piece]
    found = []
    if parts and not parts[0][0] and parts[0][1]:
        found.append(table_issue(seg, path, "row-unlabelled", row.line, f"金额 {parts[0][1][0].text} "
                                 "前没有名称（名称所在行丢失或移位？）；未读"))
    if mixed_decimals(amounts):
        found.append(table_issue(seg, path, "amount-doubtful", row.line, "金额的小数位数不一致（一个数字被空格隔开？）"))
    return found


# 表四's fund types (its expense columns after the 合计)
FUNDS = ("general_public", "gov_fund", "state_capital")
# A 款 or 项 code first on a line ("03 政府办公厅…", "201 03 01 行政运行"): two-sided
# tables print 类 codes only; and the "类 款 项" header of a one-sided table.
_OTHER_CODE = re.compile(r"^(\d{3}\s+)?\d{2}(\s+\d{2})?\s+\D")
_OTHER_HEADER = ("类款", "类款项")


def cut_at_other_table(seg: Segment, path: str) -> list[Issue]:
    """Before its 总计 line, a "类 款 项" header or a line with a 款/项 code means another
    table began, its title lost: the rows from there are not this table's, and without
    the 总计 line the rows before it may not be either (an error on the table)."""
    first = next((i for i, r in enumerate(seg.rows) if has_amount(r)), len(seg.rows))
    for index in range(first, len(seg.rows)):
        cells = seg.rows[index].cells
        flat = "".join(c.text for c in cells)  # (a cell holds no space)
        if "总计" in flat and has_amount(seg.rows[index]):
            return []  # the table's end is its 总计 line (`two_sided._cut_after_totals`)
        why = ("出现了类 款 项表头（单栏表格）" if flat.endswith(_OTHER_HEADER)
               else "出现了款/项科目编码" if flat[:1].isdigit() and _OTHER_CODE.match(" ".join(c.text for c in cells[:4]))
               else None)
        if why:
            rest, seg.rows = seg.rows[index:], seg.rows[:index]
            return [Issue("table-cut", f"{seg.title}在第 {rest[0].line} 行结束：{why}（另一张表，其标题丢失？），"
                          f"从这里起 {sum(map(has_amount, rest))} 行带金额的内容未读取；没有收入总计/支出总计行，"
                          "之前的行也可能属于另一张表", path, None, "error", seg.kind.key)]
    return []


def place_unplaced(table: Table, path: str, title: str) -> list[Issue]:
    """A 小计 line printed alone prints no side: read as the income side's, said so; then
    the expense side's amounts onto the fund types the income side gives an amount
    (`cross_table.place_by_sources`, as 表二's onto its sources)."""
    issues = []
    for row in table.rows:
        if row.side == "income" and squash(row.name) == "小计" and row.values.get("amount") is not None:
            row.inferred = ("amount",)
            issues.append(Issue("column-inferred", f"{title}「小计」行：{row.values['amount']} 按收入方的小计读取"
                                "（没有印出属于哪一方）", path, row.line, "warning", table.key))
    funds = [c.key for c in table.columns if c.key in FUNDS]
    if not funds:
        return issues
    expense = replace(table, title=title, columns=[c for c in table.columns if c.key in ("total", *funds)],
                      rows=[r for r in table.rows if r.side == "expense"],
                      totals={s: r for s, r in table.totals.items() if s == "expense"})
    return issues + place_by_sources(expense, income_sources(table), "收入方", path)
