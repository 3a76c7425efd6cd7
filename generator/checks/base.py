"""What a check returns, and the arithmetic every check shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import TABLE_SHORT, Document, Issue, Row, Table
from ..numbers import format_amount
from ..tables.catalogue import load_catalogue

ROUNDING_STEP = Decimal("0.01")
ZERO = Decimal(0)

# How a message names a column: the catalogue's first label for it, or shorter.
COLUMN_SHORT = {
    **{key: load_catalogue().column_label(key) for key in load_catalogue().columns},
    "total": "合计", "basic": "基本", "project": "项目", "personnel": "人员经费", "public": "公用经费",
    "amount": "金额", "general_public": "一般公共预算", "gov_fund": "政府性基金", "state_capital": "国有资本经营",
    "overseas": "因公出国（境）费", "vehicle_total": "公务用车购置及运行费", "vehicle_purchase": "购置费",
    "vehicle_operation": "运行费", "reception": "公务接待费", "fiscal_subtotal": "财政拨款小计",
    "general_public_transfer": "上级一般公共预算转移支付", "gov_fund_transfer": "上级政府性基金转移支付",
    "state_capital_transfer": "上级国有资本经营预算转移支付", "carryover": "上年结转",
}


@dataclass(frozen=True)
class CheckResult:
    """One evaluation of one identity.

    `status` is "pass", "rounding" (a gap no larger than one printed place per summed
    item, `rounding_step`: the printed figures were rounded separately) or "fail" (a real mismatch). `line` is the
    line of the expected figure; `part_lines`, for a check that did not pass, those of the
    summed figures where they are table rows (a failing sum puts them in doubt as much as
    the total: the parser may have given a row a figure that is not its own).
    """

    slug: str
    name: str
    status: str
    message: str
    path: str
    line: int | None
    expected: Decimal | None = None
    actual: Decimal | None = None
    part_lines: tuple[int, ...] = ()

    def __init__(self, slug: str, name: str, status: str, message: str, path: str, line: int | None,
                 expected: Decimal | None = None, actual: Decimal | None = None,
                 part_lines: tuple[int, ...] = ()):
        # A build makes one per identity of every document: filling the fields in one go
        # is twice as fast as the frozen dataclass's nine object.__setattr__ calls.
        self.__dict__.update(slug=slug, name=name, status=status, message=message, path=path, line=line,
                             expected=expected, actual=actual, part_lines=part_lines)

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.actual is None:
            return None
        return self.expected - self.actual

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def as_row(self, doc_id: str) -> tuple[Any, ...]:
        return (doc_id, self.slug, self.name, self.status, self.path, self.line,
                self.expected, self.actual, self.difference, self.message,
                list(self.part_lines) or None)

    def as_issue(self) -> Issue:
        severity = "info" if self.status == "rounding" else "warning"
        slug = self.slug if self.status == "fail" else f"{self.slug}-rounding"
        return Issue(slug, self.message, self.path, self.line, severity)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} [{self.slug}, {self.status}]"


def fmt(value: Decimal | None) -> str:
    return "空" if value is None else format_amount(value) or "0"


def rounding_step(figures: Iterable[Decimal | None]) -> Decimal:
    """How far one printed figure may be off by rounding, in 万元: its last printed place.

    Stored amounts keep their printed digits (a 元 table's are converted by moving the
    point, `numbers.to_site_unit`), so the exponent tells the place: 1,314.40 万元 → 0.01;
    156,211,123 元 = 15621.1123 万元 → 0.0001 (1 元); 31,214,205.80 元 → 0.000001. The
    coarsest figure compared decides, and never more than 0.01 万元 (a 万元 table printing
    "17" beside "17.50" rounds to the hundredth like its neighbours).
    """
    places = [f.as_tuple().exponent for f in figures if f is not None]
    exponent = max((p for p in places if isinstance(p, int)), default=-2)
    return min(ROUNDING_STEP, Decimal(1).scaleb(exponent))


def status_of(expected: Decimal, actual: Decimal, items: int, step: Decimal = ROUNDING_STEP) -> str:
    gap = abs(expected - actual)
    if gap == 0:
        return "pass"
    return "rounding" if gap <= step * max(items, 1) else "fail"


def compare(doc: Document, slug: str, name: str, line: int | None, expected: Decimal | None,
            parts: Iterable[Decimal | None], message: str, items: int | None = None,
            part_lines: Iterable[int | None] = ()) -> CheckResult | None:
    """Check `expected` = sum of `parts` (empty cells count as 0); `part_lines` are the
    source lines of the parts, where they are table rows.

    Returns None when there is nothing to compare (the expected cell and every part empty).
    `message` is formatted with {expected}, {actual} and {op} (= or ≠).
    """
    parts = list(parts)
    if expected is None and parts.count(None) == len(parts):
        return None
    exp = expected if expected is not None else ZERO
    actual = sum((p for p in parts if p is not None), ZERO)
    # most checks of a build pass: the rounding step (an exponent per figure) only where not
    status = "pass" if exp == actual else status_of(exp, actual, items if items is not None else len(parts),
                                                    rounding_step([expected, *parts]))
    text = message.format(expected=fmt(expected), actual=fmt(actual), op="=" if status == "pass" else "≠")
    if status == "rounding":
        text += f"（差 {fmt(exp - actual)}，在四舍五入范围内）"
    elif status == "fail":
        text += f"（差 {fmt(exp - actual)}）"
    # Only where the check did not pass: the parts are then in doubt, and a province's
    # passing checks (most of a million) would carry them for nothing.
    # (`part_lines` may be lazy: a passing check never asks for them)
    lines = tuple(sorted({n for n in part_lines if n and n != line})) if status != "pass" else ()
    return CheckResult(slug, name, status, text, doc.path, line, exp, actual, lines)


def row_label(table_key: str, row: Row) -> str:
    where = TABLE_SHORT.get(table_key, table_key)
    label = row.code_raw or row.code or row.project or row.name or ""
    if row.unit and not row.code:
        label = f"{row.unit} 小计"
    elif row.unit:
        label = f"{row.unit} {label}"
    if row.project and row.code:
        label += f" {row.project}"
    return f"{where}「{label}」行" if label else where


def tables(doc: Document, *keys: str) -> list[Table]:
    return [doc.tables[k] for k in keys if k in doc.tables and not doc.tables[k].empty]
