"""Amount units (金额单位): every figure the site shows, sums and compares is in 万元.

Each table prints its unit between its title and its header ("单位：万元"); a table that
prints none is in the document's unit (the one most of its tables print). Some templates
print a table in 元 (often the 三公经费表) or a whole disclosure in 元. Such a table is
*left out*, with an error naming the table and the line of its unit, rather than shown
as if it were in 万元 (ten thousand times too large) or converted: a 元 figure is 万元 to
six decimal places, which the site's exact two-decimal amounts cannot hold, and rounding
it would change a printed number without saying so. The source view still shows it.
"""

from __future__ import annotations

import re

from ..model import TABLE_SHORT, Document, Issue
from ..sources import SourceText

UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)")
SITE_UNIT = "万元"


def table_unit(source: SourceText, first: int, last: int) -> tuple[str, int] | None:
    """The unit printed on lines `first`..`last` (1-based, inclusive), and its line."""
    for n in range(max(first, 1), min(last, len(source.lines)) + 1):
        found = UNIT.search(source.lines[n - 1])
        if found:
            return found.group(1), n
    return None


def drop_other_units(source: SourceText, doc: Document) -> set[str]:
    """Take out of `doc` every table whose amounts are not printed in 万元, each with an
    `amount-unit-other` error; returns their keys."""
    dropped = set()
    for key, table in list(doc.tables.items()):
        lines = [r.line for r in [*table.rows, *table.totals.values()] if r.line]
        if not lines:
            continue
        found = table_unit(source, table.line, min(lines) - 1) if table.line else None
        unit, line = found if found else (doc.unit or SITE_UNIT, table.line)
        if unit == SITE_UNIT:
            continue
        where = "" if found else "（表上未注明，按全文）"
        doc.issues.append(Issue(
            "amount-unit-other", f"{TABLE_SHORT.get(key, key)}: amounts are printed "
            f"in {unit}{where}, not 万元 as every figure of the site: the table is left out "
            f"rather than shown ten thousand times off or rounded; see the source",
            doc.path, line, "error", table=key))
        del doc.tables[key]
        dropped.add(key)
    return dropped
