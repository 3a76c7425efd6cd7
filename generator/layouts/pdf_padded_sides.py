"""Two-sided tables of the pdf-padded layout: 表一 收支总体 and 表四 财政拨款收支总体.

A row is four cells (表一: 项目, 预算数, 支出功能分类, 预算数) or seven (表四: the
expense side has 合计 and one column per fund). The expense label is ONE cell holding
code and name ("201 一般公共服务支出"), and income labels may hold spaces (a 6-space
indent of 其中 items, "收 入 总 计"), so a row is read from the right: V expense
values, the expense label (name tokens, then an optional 3-digit code), the income
amount, and whatever is left is the income label.
"""

from __future__ import annotations

from ..model import Column, Issue, Row, Table
from ..numbers import squash
from .common import code_doubts
from .pdf_padded_cells import CLASS_CODE_RE, amount_of, is_value_token, normalize_name
from .pdf_padded_doubts import (
    MAX_ROW_CHARS,
    cells_inside_doubt,
    has_number_fragment,
    number_tail_doubt,
    odd_amount_doubt,
)

Lines = list[tuple[int, str]]

EXPENSE_COLUMNS = {
    "summary": [Column("amount", "预算数")],
    "fiscal": [Column("total", "合计"), Column("general_public", "一般公共预算"),
               Column("gov_fund", "政府性基金预算"), Column("state_capital", "国有资本经营预算")],
}
INCOME_COLUMN = {"summary": Column("amount", "预算数"), "fiscal": Column("amount", "合计")}
INCOME_TOTALS = {"收入总计", "收入合计", "收入总额"}
EXPENSE_TOTALS = {"支出总计", "支出合计", "支出总额"}


def _split_two_sided(text: str, value_count: int):
    """(income name tokens, income amount, expense code, expense name tokens, expense
    values) or None."""
    if not text.endswith(" "):
        text = _pad_trimmed(text, value_count)
    tokens = text.split(" ")[:-1]
    if len(tokens) < value_count + 2:
        return None
    values = tokens[-value_count:]
    if len(values) < value_count or not all(is_value_token(t) for t in values):
        return None
    rest = tokens[:-value_count]
    j = len(rest) - 1
    name_tokens: list[str] = []
    while j >= 0 and rest[j] and not is_value_token(rest[j]):
        name_tokens.insert(0, rest[j])
        j -= 1
    code = None
    if name_tokens and j >= 1 and CLASS_CODE_RE.match(rest[j]) and is_value_token(rest[j - 1]):
        code = rest[j]
        j -= 1
    elif not name_tokens:
        if j < 0 or rest[j] != "":
            return None
        j -= 1  # the empty expense label cell
    if j < 0 or not is_value_token(rest[j]):
        return None
    return rest[:j], rest[j], code, name_tokens, values


def _pad_trimmed(text: str, value_count: int) -> str:
    """A line whose trailing spaces were lost: the values after the expense label keep
    their order from the left, so the missing cells are the trailing ones."""
    tokens = text.split(" ")
    k = 0
    while k < len(tokens) and is_value_token(tokens[-1 - k]):
        k += 1
    return text + " " * (max(0, value_count - k) + 1)


def read_two_sided(key: str, title: str, title_line: int, body: Lines, path: str
                   ) -> tuple[Table, list[Issue]]:
    """表一 / 表四 from the lines after its title, and what could not be read for sure."""
    expense_columns = EXPENSE_COLUMNS[key]
    income_column = INCOME_COLUMN[key]
    table = Table(key=key, title=title, line=title_line,
                  columns=[income_column] + expense_columns)
    short = title.split()[0] if title else key
    issues: list[Issue] = []

    def add(slug: str, no: int, message: str) -> None:
        issues.append(Issue(slug, f"{short}：{message}", path, no, "warning", key))

    count = len(expense_columns)
    for no, text in body:
        if not text.strip():
            continue
        if len(text) > MAX_ROW_CHARS:
            add("row-unread", no, f"长 {len(text)} 个字符的一行不是表格行；未读")
            continue
        parts = _split_two_sided(text, count)
        if "income" in table.totals and "expense" in table.totals:
            # The 总计 line ends the table: what follows belongs to the next one.
            if parts is not None or has_number_fragment(text):
                add("table-cut", no, "收入总计/支出总计行之后的行属于另一张"
                    "表（其表名丢失？），未读")
                break
            continue
        if parts is None:
            if has_number_fragment(text):
                add("row-unread", no, "此行的金额不合任何行")
            continue
        income_tokens, income_amount, code, expense_tokens, values = parts
        for doubt in _doubts(income_tokens, income_amount, expense_tokens, values):
            add("amount-doubtful", no, doubt)
        income_name = normalize_name(" ".join(income_tokens))
        expense_name = normalize_name(" ".join(expense_tokens))
        if income_name:
            _add_income(table, no, income_name, income_amount, income_column.key)
        if expense_name:
            _add_expense(table, no, code, expense_name, values, expense_columns)
    for row, doubt in code_doubts(key, [r for r in table.rows if r.side == "expense"]):
        add("row-misplaced", row.line, f"「{row.code_raw}」行：{doubt}")
    return table, issues


def _doubts(income_tokens: list[str], income_amount: str, expense_tokens: list[str],
            values: list[str]) -> list[str]:
    """Signs of a number split by a space (see pdf_padded_doubts)."""
    doubts = [number_tail_doubt(income_tokens, "收入方名称")
              or cells_inside_doubt(income_tokens, "收入方名称", codes=True),
              number_tail_doubt(expense_tokens, "支出方名称")
              or cells_inside_doubt(expense_tokens, "支出方名称"),
              odd_amount_doubt([income_amount, *values])]
    return [d for d in doubts if d]


def _add_income(table: Table, no: int, name: str, amount: str, key: str) -> None:
    row = Row(line=no, name=name, side="income", values={key: amount_of(amount)})
    if squash(name) in INCOME_TOTALS:
        row.kind = "line"
        table.totals.setdefault("income", row)
        return
    row.kind = "subtotal" if squash(name) == "小计" else "line"
    table.rows.append(row)


def _add_expense(table: Table, no: int, code: str | None, name: str, values: list[str],
                 columns: list[Column]) -> None:
    row = Row(line=no, name=name, code=code, code_raw=code, side="expense",
              values={c.key: amount_of(v) for c, v in zip(columns, values)})
    if squash(name) in EXPENSE_TOTALS:
        row.kind = "line"
        table.totals.setdefault("expense", row)
        return
    row.kind = "class" if code else ("subtotal" if squash(name) == "小计" else "line")
    table.rows.append(row)
