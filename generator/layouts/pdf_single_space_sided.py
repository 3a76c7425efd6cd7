"""pdf-single-space: the two-sided tables (表一 收支总体, 表四 财政拨款收支).

A two-sided line holds an income cell and an expense cell separated by a double space:
" 财政拨款（补助） 5005.17  201 一般公共服务支出 4564.64". The expense cell starts with
a 3-digit function class; a line with no class is income only ("小    计 5005.17").
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import COLUMN_LABELS, Column, Issue, Row, Table
from ..numbers import parse_amount, squash
from ..parse.columns import column_key_for_label
from .pdf_single_space_lines import (
    HEADER_END_RE,
    Region,
    clean_body,
    is_number_fragment,
    join_broken_numbers,
)
from .pdf_single_space_place import place_by_sources
from .pdf_single_space_rows import Printed

CLASS_CODE_RE = re.compile(r"^\d{3}$")
# A 款 or 项 code at the start of a line ("03 政府办公厅…", "201 03 01 行政运行"): the
# two-sided tables print 类 codes only.
CODE_START_RE = re.compile(r"^(\d{3}\s+)?\d{2}(\s+\d{2})?\s+\D")
NUMBERING_RE = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|其中[：:])")
EXPENSE_ONLY_RE = re.compile(r"^(支出|结转下年|年末结转)")
FISCAL_EXPENSE = ["total", "general_public", "gov_fund", "state_capital"]


def amount_tail(tokens: list[str]) -> tuple[str, list[Decimal]]:
    """The label and the trailing amounts of a side's tokens ("1834. 83" joined up)."""
    tokens = join_broken_numbers(tokens)
    amounts: list[Decimal] = []
    while tokens and parse_amount(tokens[-1]) is not None:
        amounts.insert(0, parse_amount(tokens.pop()))  # type: ignore[arg-type]
    return "".join(tokens), amounts


def _class_index(tokens: list[str]) -> int | None:
    """Index of the expense cell's 3-digit class code (a code followed by a name)."""
    for i, tok in enumerate(tokens[:-1]):
        if CLASS_CODE_RE.match(tok) and parse_amount(tokens[i + 1]) is None:
            return i
    return None


def _totals_index(tokens: list[str]) -> int | None:
    """Where "支 出 总 计" starts on a totals line."""
    for i in range(len(tokens)):
        if squash("".join(tokens[i:])).startswith("支出总计"):
            return i
    return None


def source_key(name: str) -> str | None:
    """Income line name → income column key ("一般公共预算" → "general_public")."""
    return column_key_for_label(NUMBERING_RE.sub("", squash(name)))


def active_sources(table: Table | None) -> list[str]:
    """Income sources with a non-zero amount on a two-sided table's income side."""
    if table is None:
        return []
    keys = []
    for row in table.rows:
        key = source_key(row.name or "") if row.side == "income" else None
        if key and row.values.get("amount"):
            keys.append(key)
    return keys


class TwoSidedReader:
    """表一 (expense side: one amount) and 表四 (expense side: 合计 + fund types)."""

    def __init__(self, region: Region, path: str, issues: list[Issue]):
        self.region, self.path, self.issues = region, path, issues
        self.label = "表一" if region.key == "summary" else "表四"
        self.table = Table(region.key, region.title, region.line)
        self.expense_printed: list[Printed] = []
        self.expense_total: Printed | None = None

    def read(self, active: list[str]) -> Table:
        for part in self.region.parts:
            body = clean_body(part)
            start = next((i for i, (_, t) in enumerate(body) if self._is_data(t)), len(body))
            lines = [(n, t) for n, t in body[start:] if t.strip()]
            for index, (number, text) in enumerate(lines):
                end = self._table_end(text)
                if end:
                    self._cut(number, end, lines[index:])
                    break
                if not self._closed():  # text after the 总计 line is no row (a note)
                    self._line(number, text)
            else:
                continue
            break
        self._set_columns()
        if self.region.key == "fiscal":
            self._place_fiscal(active_sources(self.table) or active)
        return self.table

    def _closed(self) -> bool:
        """The 收入总计/支出总计 line, which ends the table, has been read."""
        return "income" in self.table.totals and "expense" in self.table.totals

    def _table_end(self, text: str) -> str | None:
        """Why this line cannot be a row of this table, if it cannot: the table ends with
        its 收入总计/支出总计 line, and a one-sided table's "类 款 项" header or a row with
        a 款/项 code means another table began (its title lost)."""
        if self._closed():
            if amount_tail(text.split())[1] or CODE_START_RE.match(text.strip()):
                return "在收入总计/支出总计行之后"
            return None
        flat = squash(text)
        if HEADER_END_RE.search(flat):
            return "出现了类 款 项表头（单栏表格）"
        if CODE_START_RE.match(text.strip()):
            return "出现了款/项科目编码"
        return None

    def _cut(self, number: int, why: str, rest: list[tuple[int, str]]) -> None:
        """Stop reading at `number`: what follows belongs to another table."""
        with_amounts = sum(bool(amount_tail(t.split())[1]) for _, t in rest)
        message = (
            f"{self.label}在第 {number} 行结束：{why}（另一张表，其标题丢失？），"
            f"从这里起 {with_amounts} 行带金额的内容未读取"
        )
        if self._closed():
            self.issues.append(Issue("table-cut", message, self.path, number, "warning"))
            return
        # No 总计 line: where the table really ends is unknown, so are its last rows.
        self.issues.append(
            Issue(
                "table-cut",
                message + "；没有收入总计/支出总计行，"
                "之前的行也可能属于另一张表",
                self.path,
                None,
                "error",
                self.region.key,
            )
        )

    def _is_data(self, text: str) -> bool:
        tokens = text.split()
        return bool(tokens) and (
            _class_index(tokens) is not None
            or amount_tail(tokens[:])[1] != []
            or "总计" in squash(text)
        )

    def _line(self, number: int, text: str) -> None:
        tokens = text.split()
        split = _totals_index(tokens) if "总计" in squash(text) else None
        if split is None:
            split = _class_index(tokens)
        income, expense = (tokens, []) if split is None else (tokens[:split], tokens[split:])
        self._check_split(number, income, expense)
        if income:
            label, amounts = amount_tail(income)
            if EXPENSE_ONLY_RE.match(label) and not expense:
                expense, income = income, []
            else:
                self._income(number, label, amounts)
        if expense:
            self._expense(number, expense)

    def _check_split(self, number: int, *sides: list[str]) -> None:
        """A side whose amounts stop at a piece of a number ("5005 .17", "4564 .64"): a
        number split apart, so that side's amounts are not what was printed."""
        for tokens in sides:
            rest = join_broken_numbers(tokens)
            while rest and parse_amount(rest[-1]) is not None:
                rest.pop()
            if rest and is_number_fragment(rest[-1]):
                self.issues.append(
                    Issue(
                        "amount-unreadable",
                        f"{self.label} 第 {number} 行：「{rest[-1]}」是一个数字的一部分（被"
                        "拆开了？），这一行的金额存疑",
                        self.path,
                        number,
                        "error",
                    )
                )
                return

    def _income(self, number: int, label: str, amounts: list[Decimal]) -> None:
        rows = self.table.rows
        last = rows[-1] if rows and rows[-1].side == "income" else None
        if (
            last is not None
            and (last.name or "").count("（") > (last.name or "").count("）")
            and last.values.get("amount") is None
        ):
            last.name = (last.name or "") + label  # a wrapped income label
            last.line = number
            last.values["amount"] = amounts[0] if amounts else None
            return
        if not label and not amounts:
            return
        row = Row(
            number,
            name=label or None,
            side="income",
            values={"amount": amounts[0] if amounts else None},
            kind="subtotal" if label == "小计" else "line",
        )
        if "总计" in label:
            self.table.totals["income"] = row
            return
        if label == "小计":
            row.inferred = ("amount",)
            self.issues.append(
                Issue(
                    "column-inferred",
                    f"{self.label}「小计」行：{row.values['amount']} "
                    "按收入方的小计读取（没有印出属于哪一方）",
                    self.path,
                    number,
                )
            )
        self._extra(number, label, amounts[1:])
        rows.append(row)

    def _expense(self, number: int, tokens: list[str]) -> None:
        code = tokens[0] if CLASS_CODE_RE.match(tokens[0]) else None
        label, amounts = amount_tail(tokens[1:] if code else tokens[:])
        row = Row(
            number,
            name=label or None,
            code=code,
            code_raw=code,
            side="expense",
            kind="class" if code else "line",
        )
        printed = Printed(row, amounts)
        if self.region.key == "summary":
            row.values = {"amount": amounts[0] if amounts else None}
            self._extra(number, label, amounts[1:])
        if "总计" in label:
            self.expense_total = printed
            self.table.totals["expense"] = row
            return
        self.expense_printed.append(printed)
        self.table.rows.append(row)

    def _extra(self, number: int, label: str, extra: list[Decimal]) -> None:
        if extra:
            self.issues.append(
                Issue(
                    "column-ambiguous",
                    f"{self.label}「{label}」行：金额个数"
                    f"多于列数（{' '.join(map(str, extra))} 未放入任何列）",
                    self.path,
                    number,
                )
            )

    def _set_columns(self) -> None:
        if self.region.key == "summary":
            self.table.columns = [Column("amount", COLUMN_LABELS["amount"])]
        else:
            self.table.columns = [Column("amount", COLUMN_LABELS["amount"])] + [
                Column(k, COLUMN_LABELS[k]) for k in FISCAL_EXPENSE
            ]

    def _place_fiscal(self, active: list[str]) -> None:
        columns = [Column(k, COLUMN_LABELS[k]) for k in FISCAL_EXPENSE]
        fund_keys = [k for k in FISCAL_EXPENSE[1:] if k in active]
        printed = self.expense_printed + ([self.expense_total] if self.expense_total else [])
        inferred = 0
        for item in printed:
            place_by_sources("表四", item, columns, fund_keys, self.path, self.issues)
            inferred += bool(item.row.inferred)
        if inferred:
            names = "、".join(COLUMN_LABELS[k] for k in fund_keys)
            self.issues.append(
                Issue(
                    "column-inferred",
                    f"表四：{inferred} 个支出行的金额个数"
                    f"少于列数，放在合计 + {names}（有收入的"
                    "资金类型）",
                    self.path,
                    printed[0].row.line,
                )
            )
