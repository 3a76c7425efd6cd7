"""What a check returns, and the arithmetic every check shares."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Issue

ROUNDING_STEP = Decimal("0.01")


@dataclass(frozen=True)
class CheckResult:
    """One evaluation of one identity.

    `status` is "pass", "rounding" (a gap no larger than 0.01 per summed item: the
    printed figures were rounded separately) or "fail" (a real mismatch).
    """

    slug: str
    name: str
    status: str
    message: str
    path: str
    line: int | None
    expected: Decimal | None = None
    actual: Decimal | None = None

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
                self.expected, self.actual, self.difference, self.message)

    def as_issue(self) -> Issue:
        severity = "info" if self.status == "rounding" else "warning"
        return Issue(self.slug if self.status == "fail" else f"{self.slug}-rounding",
                     self.message, self.path, self.line, severity)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
