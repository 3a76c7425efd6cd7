"""Amount units (金额单位): every stored figure is in 万元, converted exactly.

Each table prints its unit between its title and its header ("单位：万元"); a table that
prints none is in the document's unit (the one most of its tables print). Some templates
print a table in 元 (often the 三公经费表; Shanghai's whole disclosures). Such a table is
converted to 万元 by moving the decimal point (`numbers.to_site_unit`): 156,211,123 元
is 15621.1123 万元, every printed digit kept, nothing rounded. The table keeps its printed
unit (`Table.unit`), so pages and downloads can show it as printed and the checks allow
for rounding in that unit (1 元, not 0.01 万元).
"""

from __future__ import annotations

import re

from ..model import Document, Issue, table_label
from ..numbers import SITE_UNIT
from ..sources import SourceText

UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)")


def table_unit(source: SourceText, first: int, last: int) -> tuple[str, int] | None:
    """The unit printed on lines `first`..`last` (1-based, inclusive), and its line."""
    for n in range(max(first, 1), min(last, len(source.lines)) + 1):
        found = UNIT.search(source.lines[n - 1])
        if found:
            return found.group(1), n
    return None


def convert_other_units(source: SourceText, doc: Document) -> set[str]:
    """An `amount-unit-converted` info for every table of `doc` printed in another unit than
    万元 (its interpreter converted it, as every reader's: `tables.pipeline.interpret`),
    naming the unit and the line printing it; returns their keys."""
    converted = set()
    for key, table in doc.tables.items():
        lines = [r.line for r in [*table.rows, *table.totals.values()] if r.line]
        if not lines or table.unit in (None, SITE_UNIT):
            continue
        found = table_unit(source, table.line, min(lines) - 1) if table.line else None
        line = found[1] if found else table.line
        where = "" if found else "（表上未注明，按全文）"
        doc.issues.append(Issue(
            "amount-unit-converted", f"{table_label(key)}：金额以{table.unit}印出{where}，"
            "按万元精确存储（只移动小数点，不舍入任何数字），显示时与印出的相同", doc.path, line, "info", table=key))
        converted.add(key)
    return converted
