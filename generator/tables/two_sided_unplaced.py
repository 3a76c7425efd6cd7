"""Two-sided tables printed without empty cells or column positions (single-space text:
" 财政拨款（补助） 5005.17  201 一般公共服务支出 4564.64 4564.64"): the lines are read as
counted text (`two_sided_counted`), each label taking the amounts after it, and the
amounts of 表四's expense lines (合计 一般公共预算 政府性基金预算 国有资本经营预算, empty
cells omitted) are then placed here: after the 合计, in order, on the fund types the
income side gives an amount (一般公共预算 5005.17), where they sum to the 合计; what no
identity tells stays in the 合计 alone, reported `column-ambiguous`.
"""

from __future__ import annotations

import re

from ..model import COLUMN_LABELS, Issue, Table
from ..numbers import squash
from .amounts import has_amount
from .catalogue import load_catalogue
from .segment import Segment

# "一、", "1.", "其中：" before an income source's name
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|其中[：:])")
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


def income_sources(table: Table | None) -> list[str]:
    """Column keys of the income sources with a non-zero amount on a two-sided table's
    income side (一般公共预算 5005.17 → general_public)."""
    if table is None:
        return []
    keys, catalogue = [], load_catalogue()
    for row in table.rows:
        key = catalogue.whole_label_key(_NUMBERING.sub("", squash(row.name))) if row.side == "income" else None
        if key and row.values.get("amount"):
            keys.append(key)
    return keys


def place_unplaced(table: Table, path: str, title: str) -> list[Issue]:
    """A 小计 line printed alone prints no side: read as the income side's, said so; then
    the fund amounts (`place_fund_amounts`)."""
    issues = []
    for row in table.rows:
        if row.side == "income" and squash(row.name) == "小计" and row.values.get("amount") is not None:
            row.inferred = ("amount",)
            issues.append(Issue("column-inferred", f"{title}「小计」行：{row.values['amount']} 按收入方的小计读取"
                                "（没有印出属于哪一方）", path, row.line, "warning", table.key))
    return issues + place_fund_amounts(table, path, title)


def place_fund_amounts(table: Table, path: str, title: str) -> list[Issue]:
    """The expense lines' amounts, kept in print order by the counted reading, onto the
    fund types the income side has (see the module)."""
    funds = [k for k in FUNDS if any(c.key == k for c in table.columns)]
    if not funds:
        return []
    targets = [k for k in funds if k in income_sources(table)]
    expense = [r for r in table.rows if r.side == "expense"] + [r for s, r in table.totals.items() if s == "expense"]
    issues, inferred = [], []
    for row in expense:
        keys = ["total", *funds]
        printed = [(row.values.get(k), row.origins.get(k)) for k in keys if row.values.get(k) is not None]
        if len(printed) in (1, len(keys)) or not printed:
            continue
        (total, total_origin), rest = printed[0], printed[1:]
        row.values = dict.fromkeys(keys) | {"total": total}
        row.origins = {k: v for k, v in row.origins.items() if k not in keys} | {"total": total_origin}
        if len(rest) == len(targets) and sum(v for v, _ in rest) == total:
            for key, (value, origin) in zip(targets, rest):
                row.values[key], row.origins[key] = value, origin
            row.inferred = tuple(targets)
            inferred.append(row)
            continue
        shown, sources = " ".join(str(v) for v, _ in rest), "、".join(COLUMN_LABELS[k] for k in targets) or "无已知来源"
        issues.append(Issue("column-ambiguous", f"{title}「{row.code_raw or row.name or '?'}」行：{shown} 印在 "
                            f"{len(FUNDS)} 列中（有数的来源：{sources}），只保留在合计中", path, row.line, "warning",
                            table.key))
    if inferred:
        names = "、".join(COLUMN_LABELS[k] for k in targets)
        issues.append(Issue("column-inferred", f"{title}：{len(inferred)} 个支出行的金额个数少于列数，"
                            f"放在合计 + {names}（有收入的资金类型）", path, inferred[0].line, "warning", table.key))
    return issues
