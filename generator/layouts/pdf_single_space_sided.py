"""pdf-single-space: the two-sided tables (表一 收支总体, 表四 财政拨款收支) and 三公.

A two-sided line holds an income cell and an expense cell separated by a double space:
" 财政拨款（补助） 5005.17  201 一般公共服务支出 4564.64". The expense cell starts with
a 3-digit function class; a line with no class is income only ("小    计 5005.17").
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations

from ..model import COLUMN_LABELS, Column, Issue, Row, Table
from ..numbers import parse_amount, squash
from ..parse.columns import column_key_for_label
from .pdf_single_space_lines import Region, clean_body, note_text
from .pdf_single_space_place import place_by_sources
from .pdf_single_space_rows import Printed

CLASS_CODE_RE = re.compile(r"^\d{3}$")
NUMBERING_RE = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|其中[：:])")
EXPENSE_ONLY_RE = re.compile(r"^(支出|结转下年|年末结转)")
FISCAL_EXPENSE = ["total", "general_public", "gov_fund", "state_capital"]
THREE_PUBLIC = [
    "total",
    "overseas",
    "vehicle_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
]


def _amount_tail(tokens: list[str]) -> tuple[str, list[Decimal]]:
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
            for number, text in body[start:]:
                if text.strip():
                    self._line(number, text)
        self._set_columns()
        if self.region.key == "fiscal":
            self._place_fiscal(active_sources(self.table) or active)
        return self.table

    def _is_data(self, text: str) -> bool:
        tokens = text.split()
        return bool(tokens) and (
            _class_index(tokens) is not None
            or _amount_tail(tokens[:])[1] != []
            or "总计" in squash(text)
        )

    def _line(self, number: int, text: str) -> None:
        tokens = text.split()
        split = _totals_index(tokens) if "总计" in squash(text) else None
        if split is None:
            split = _class_index(tokens)
        income, expense = (tokens, []) if split is None else (tokens[:split], tokens[split:])
        if income:
            label, amounts = _amount_tail(income)
            if EXPENSE_ONLY_RE.match(label) and not expense:
                expense, income = income, []
            else:
                self._income(number, label, amounts)
        if expense:
            self._expense(number, expense)

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
                    f"{self.label} row 小计: {row.values['amount']} "
                    f"read as the income-side 小计 (no side printed)",
                    self.path,
                    number,
                )
            )
        self._extra(number, label, amounts[1:])
        rows.append(row)

    def _expense(self, number: int, tokens: list[str]) -> None:
        code = tokens[0] if CLASS_CODE_RE.match(tokens[0]) else None
        label, amounts = _amount_tail(tokens[1:] if code else tokens[:])
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
                    f"{self.label} row {label}: more amounts "
                    f"than columns ({' '.join(map(str, extra))} not placed)",
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
                    f"表四: {inferred} expense rows print fewer "
                    f"amounts than columns; placed in 合计 + {names} (the only "
                    f"fund type with income)",
                    self.path,
                    printed[0].row.line,
                )
            )


def read_three_public(region: Region, basic: Table | None, path: str, issues: list[Issue]) -> Table:
    """三公经费表: one row of up to six amounts; placement by its identities
    (合计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行)."""
    table = Table(
        region.key,
        region.title,
        region.line,
        columns=[Column(k, COLUMN_LABELS[k]) for k in THREE_PUBLIC],
    )
    body = [item for part in region.parts for item in clean_body(part)]
    data = next(((n, t) for n, t in body if t.split() and _amount_tail(t.split())[0] == ""), None)
    if data is None:
        note = note_text(body)
        table.empty = note is not None
        table.note = note[1] if note else None
        if note is None:
            issues.append(
                Issue(
                    "table-unreadable",
                    "三公经费表: no amounts found",
                    path,
                    region.line,
                    "error",
                    region.key,
                )
            )
        return table
    number, text = data
    amounts = _amount_tail(text.split())[1]
    row = Row(number, name="三公经费", kind="line")
    table.rows.append(row)
    _place_three_public(row, amounts, basic, path, issues)
    return table


def _three_public_ok(v: dict[str, Decimal]) -> bool:
    total = v["overseas"] + v["vehicle_total"] + v["reception"]
    return (
        v["total"] == total and v["vehicle_total"] == v["vehicle_purchase"] + v["vehicle_operation"]
    )


def _place_three_public(
    row: Row, amounts: list[Decimal], basic: Table | None, path: str, issues: list[Issue]
) -> None:
    if len(amounts) == len(THREE_PUBLIC):
        row.values = dict(zip(THREE_PUBLIC, amounts))
        return
    candidates = []
    for keys in combinations(THREE_PUBLIC, len(amounts)):
        values = {k: Decimal(0) for k in THREE_PUBLIC}
        values.update(zip(keys, amounts))
        if _three_public_ok(values):
            candidates.append(keys)
    if len(candidates) > 1:
        candidates = _prefer_by_basic(candidates, amounts, basic) or candidates
    row.values = {k: None for k in THREE_PUBLIC}
    if len(candidates) == 1:
        row.values.update(zip(candidates[0], amounts))
        row.inferred = candidates[0]
        shown = ", ".join(f"{COLUMN_LABELS[k]} {a}" for k, a in zip(candidates[0], amounts))
        issues.append(
            Issue(
                "column-inferred",
                f"三公 row: {len(amounts)} amounts for 6 columns, read as {shown} (identities)",
                path,
                row.line,
            )
        )
        return
    common = set(THREE_PUBLIC)
    for keys in candidates:
        common &= {k for k, a in zip(keys, amounts)}
    for keys in candidates[:1]:
        row.values.update({k: a for k, a in zip(keys, amounts) if k in common})
    issues.append(
        Issue(
            "column-ambiguous",
            f"三公 row: amounts {' '.join(map(str, amounts))} fit "
            f"{len(candidates)} readings; only {', '.join(sorted(common)) or 'none'} kept",
            path,
            row.line,
        )
    )


# 表六 economic codes that carry a 三公 component: 30231 公务用车运行维护费, 30217 公务接待费.
_BASIC_CODES = {"vehicle_operation": "30231", "reception": "30217"}


def _prefer_by_basic(
    candidates: list[tuple[str, ...]], amounts: list[Decimal], basic: Table | None
) -> list[tuple[str, ...]]:
    """Tie-break between readings with 表六: a reading that puts in 运行费 / 接待费 the
    amount 表六 prints for that economic code is preferred."""
    if basic is None:
        return []
    printed = {r.code: r.values.get("total") for r in basic.rows if r.code}
    kept = []
    for keys in candidates:
        placed = dict(zip(keys, amounts))
        if any(
            placed.get(key) is not None and placed.get(key) == printed.get(code)
            for key, code in _BASIC_CODES.items()
        ):
            kept.append(keys)
    return kept
