"""The list of checks, in the order a report shows them."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Document
from .base import CheckResult

Check = Callable[[Document], list[CheckResult]]

ALL_CHECKS: list[Check] = []


def run_checks(doc: Document) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in ALL_CHECKS:
        results += check(doc)
    return results
