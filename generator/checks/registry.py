"""The list of checks, in the order a report shows them."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Document
from .base import CheckResult
from .cross import check_cross_totals, check_summary_classes
from .income import check_summary_income_sum
from .text import check_performance_count, check_text_figures, check_text_parts
from .within import (
    check_economic_split,
    check_parent_children,
    check_row_identities,
    check_summary_balance,
    check_summary_class_sum,
    check_table_totals,
    check_three_public,
    check_unit_rows,
)

Check = Callable[[Document], list[CheckResult]]

ALL_CHECKS: list[Check] = [
    check_summary_balance,
    check_summary_income_sum,
    check_summary_class_sum,
    check_row_identities,
    check_economic_split,
    check_parent_children,
    check_unit_rows,
    check_table_totals,
    check_three_public,
    check_cross_totals,
    check_summary_classes,
    check_text_figures,
    check_text_parts,
    check_performance_count,
]


def run_checks(doc: Document) -> list[CheckResult]:
    """Every check on one document; a check that crashes on odd data reports itself, not the build."""
    results: list[CheckResult] = []
    for check in ALL_CHECKS:
        try:
            results += check(doc)
        except Exception as exc:  # a check bug must not lose the document
            results.append(CheckResult("check-crashed", check.__name__, "fail",
                                       f"检查 {check.__name__} 出错：{type(exc).__name__}: {exc}",
                                       doc.path, None))
    return results
