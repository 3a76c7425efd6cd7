"""The lines of a two-sided table once read, however it was printed: an expense line's
function class ("201 一般公共服务支出": the code as the code reader reads it, then the
name), each line's kind (类, 小计, line), and what puts a line's figures in doubt:

* a function class printed on the income side (a label moved across the sides);
* an expense line without a code where the other expense lines print one (a label moved
  from the other side or another row, a garbled 总计); lines the templates print without
  a code (结转下年, 年末结转和结余 …) are none;
* a 合计 printed with every part empty, or parts with an empty 合计 (表四's expense side:
  合计 = 一般公共预算 + 政府性基金 + 国有资本经营): a figure moved within the row.
"""

from __future__ import annotations

from functools import lru_cache

from ..grid import Cell
from ..model import Issue, Origin, Row, Table
from ..numbers import squash
from .codes import read_code, row_kind, split_fused

SIDE_NAMES = {"income": "收入", "expense": "支出"}
# Expense lines the templates print without a function code: carry-overs, and totals.
UNCODED_EXPENSE = ("结转", "结余")
TOTAL_ENDS = ("小计", "合计", "总计")
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


def line_doubts(table: Table, path: str, title: str) -> list[Issue]:
    """Codes and kinds of the table's lines, and the doubts on them (see the module)."""
    issues: list[Issue] = []
    for row in table.rows:
        code, raw, name = function_class(row.name or "")
        if code and row.side == "expense" and not row.code:
            row.code, row.code_raw, row.name = code, raw, name
        elif code and row.side == "income":
            issues.append(_doubt("row-misplaced", row, table, path, f"{title}收入方第 {row.line} 行：「{row.name}」"
                                 "是功能分类的类，却印在收入来源的位置；收支两方存疑"))
        flat = squash(row.name)
        row.kind = row_kind(row.code) or ("subtotal" if "小计" in flat else row.kind or "line")
    expense = [r for r in table.rows if r.side == "expense"]
    coded = sum(1 for r in expense if r.code)
    for row in expense:
        if (coded * 2 > len(expense) and not row.code and row.kind == "line" and _has_amount(row)
                and not any(word in squash(row.name) for word in UNCODED_EXPENSE)
                and not squash(row.name).endswith(TOTAL_ENDS)):
            issues.append(_doubt("row-uncoded", row, table, path, f"{title}支出方第 {row.line} 行："
                                 f"「{(row.name or '')[:40]}」不像其他支出行那样带功能分类编码"
                                 "（别的行或另一方的名称？）；保留，存疑"))
    for row in [*table.rows, *table.totals.values()]:
        issues += _parts_doubt(row, table, path, title)
    return issues


def _has_amount(row: Row) -> bool:
    return any(v is not None for v in row.values.values())


def _parts_doubt(row: Row, table: Table, path: str, title: str) -> list[Issue]:
    parts = [k for k in row.values if k not in ("total", "amount")]
    if "total" not in row.values or not parts:
        return []
    printed = [k for k in parts if row.values[k] is not None]
    if (row.values["total"] is None) == (not printed):
        return []
    what = "印有合计而各分项皆空" if not printed else "印有分项而合计为空"
    return [_doubt("column-ambiguous", row, table, path,
                   f"{title}{SIDE_NAMES.get(row.side or '', '')}方第 {row.line} 行：{what}；列存疑")]


def _doubt(slug: str, row: Row, table: Table, path: str, message: str) -> Issue:
    return Issue(slug, message, path, row.line, "warning", table.key)
