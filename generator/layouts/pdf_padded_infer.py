"""Placing amounts whose columns the text does not show, by the accounting identities.

In the pdf-padded layout a row's trailing spaces fix its columns. When they are lost
(a file whose line ends were trimmed) only the order of the amounts is known; then
the placement is decided by the table's identity (合计 = 基本 + 项目, 合计 = 人员 +
公用, 项目支出合计 = Σ economic classes). One fitting placement → `column-inferred`;
none or several → `column-ambiguous`, with the amounts kept left to right.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

# Tables whose first column is the sum of all the others.
SUM_OF_OTHERS = {"expense", "general_public", "basic", "projects", "gov_fund", "state_capital"}
_TOLERANCE = Decimal("0.01")


def _fits(values: list[Decimal | None]) -> bool:
    total, parts = values[0], [v for v in values[1:] if v is not None]
    if total is None:
        return False
    return abs(total - sum(parts, Decimal(0))) <= _TOLERANCE * max(1, len(parts) - 1)


def place_amounts(table_key: str, amounts: list[Decimal], count: int
                  ) -> tuple[list[Decimal | None], bool]:
    """Place `amounts` (in printed order) into `count` columns.

    Returns the placed values and whether the placement is decided (unique fit).
    """
    left = list(amounts[:count]) + [None] * (count - len(amounts[:count]))
    if table_key not in SUM_OF_OTHERS or len(amounts) > count or not amounts:
        return left, len(amounts) == count
    if len(amounts) == count:
        return left, True
    fitting = []
    for positions in combinations(range(count), len(amounts)):
        placed: list[Decimal | None] = [None] * count
        for pos, value in zip(positions, amounts):
            placed[pos] = value
        if _fits(placed):
            fitting.append(placed)
    if len(fitting) == 1:
        return fitting[0], True
    return left, False
