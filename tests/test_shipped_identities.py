"""The shipped disclosures (content/disclosures: 5 Xinjiang samples, 16 real PDFs), parsed
and checked once: every identity that fails is a true inconsistency of the printed
document, and the line items of every table add up to each printed 合计.

The real documents' inconsistencies are those their key records (tests/real/KEY.json
notes, checked with pdftotext -bbox); the samples' are tests/test_identities.py's."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from generator.checks import run_checks
from generator.parse.document import parse_file
from generator.tidy import line_item_rows

from .conftest import ROOT

DISCLOSURES = ROOT / "content" / "disclosures"

# (slug, line) of every failing identity, by file: what the printed documents get wrong.
TRUE_FAILURES = {
    "001_39ebdcf812bae707.txt": {
        ("parent-children", 494), ("row-basic-project", 502), ("row-personnel-public", 1171),
        ("table-total", 1290), ("projects-vs-general-public", 1427), ("performance-count", 1764)},
    "004_27a732d9d5264bbf.txt": {("table-total", 262), ("performance-count", 526)},
    # 支出预算总表 and 一般公共预算 table, p11 and p14: 204 06 01 行政运行 prints 合计
    # 14,348,853.34 = 基本支出 14,348,853.34 and also 项目支出 64,840,547.00 (20406's own), so
    # 204 06's 项目支出 64,840,547.00 is not the sum of its 项 rows (129,681,094.00)
    "shanghai_putuo_justice_unit_budget_2026.pdf": {
        ("parent-children", 142), ("row-basic-project", 143),
        ("parent-children", 178), ("row-basic-project", 179)},
}


@pytest.fixture(scope="module")
def shipped():
    """(file name, document, check results) of every shipped disclosure that has tables."""
    out = []
    for path in sorted(DISCLOSURES.iterdir()):
        doc = parse_file(path, f"content/disclosures/{path.name}").document
        if doc is not None and doc.tables:
            out.append((path.name, doc, run_checks(doc)))
    assert len(out) >= 18
    return out


def test_every_failing_identity_is_an_inconsistency_of_the_printed_document(shipped) -> None:
    failing = {name: {(c.slug, c.line) for c in checks if c.status == "fail"}
               for name, _, checks in shipped}
    assert {name: found for name, found in failing.items() if found} == TRUE_FAILURES


def test_line_items_add_up_to_each_printed_total(shipped) -> None:
    """Per document, table and column with a printed 合计: the line items that count
    (明细) add up to it exactly, or a check that did not pass names one of their lines (a
    document rounding its figures apart, or printing a figure twice)."""
    exact = 0
    unexplained = []
    for name, doc, checks in shipped:
        doubted = set()
        for check in checks:
            if check.status != "pass":
                doubted |= {check.line, *check.part_lines}
        groups: dict[tuple, dict] = defaultdict(lambda: {"parts": [], "total": None})
        for item in line_item_rows("doc", doc):
            table, column, amount, is_total, detail, line = item[3], item[10], item[12], item[16], item[17], item[19]
            if column.startswith("unplaced_") or not (is_total or detail):
                continue
            group = groups[(table, column)]
            if is_total:
                group["total"] = (amount, line)
            else:
                group["parts"].append((amount, line))
        for (table, column), group in groups.items():
            if group["total"] is None or not group["parts"]:
                continue
            total, line = group["total"]
            difference = total - sum((amount for amount, _ in group["parts"]), Decimal(0))
            if difference == 0:
                exact += 1
            elif not doubted & ({line} | {part_line for _, part_line in group["parts"]}):
                unexplained.append((name, table, column, difference))
    assert not unexplained, unexplained
    assert exact >= 160


def test_jiangsu_one_column_tables_are_not_checked_as_split_and_three_parts_add_up(shipped) -> None:
    """Jiangsu prints 一般公共预算 and 基本支出 tables with one 金额 column: no 合计 =
    基本 + 项目 there; its 支出预算总表's one row is the 合计 of 基本支出, 项目支出 and
    单位预留机动经费 (2018: 24,458.43 = 10,403.11 + 12,081.46 + 1,973.86)."""
    for name, doc, checks in shipped:
        if not name.startswith("jiangsu_") or "_text_" in name:
            continue
        rows = [c for c in checks if c.slug in ("row-basic-project", "row-personnel-public")]
        assert [(c.name.split()[0], c.status) for c in rows] == [("表三", "pass")], name
        total = doc.tables["expense"].totals["total"]
        assert total.get("reserve") is not None and not doc.tables["expense"].rows, name


def test_side_by_side_groups_and_a_total_alone_on_its_page_are_read(shipped) -> None:
    """决算 基本支出决算表: 302/310 printed right of 301/303 keep their own figures, and
    人员经费合计 / 公用经费合计 are subtotals (no line counted twice); 万里 2024 prints its
    收入预算总表 合计 alone on p15."""
    docs = {name: doc for name, doc, _ in shipped}
    basic = docs["shanghai_putuo_planning_dept_final_accounts_2024.pdf"].tables["basic"]
    by_code = {r.code: r for r in basic.rows if r.code}
    assert (by_code["301"].get("total"), by_code["302"].get("total"), by_code["30201"].get("total"),
            by_code["310"].get("total")) == (Decimal("4816.14"), Decimal("440.90"), Decimal("84.62"),
                                             Decimal("39.76"))
    assert {(r.name, r.kind, r.get("total")) for r in basic.rows if not r.code} == {
        ("人员经费合计", "subtotal", Decimal("4884.09")), ("公用经费合计", "subtotal", Decimal("480.66"))}
    total = docs["shanghai_putuo_wanli_dept_budget_2024.pdf"].tables["income"].totals["total"]
    assert (total.get("total"), total.get("fiscal_total"), total.get("business"), total.origins["total"].page) == (
        Decimal("15621.1123"), Decimal("15621.1123"), Decimal("0.0000"), 15)



def test_a_table_of_contents_entry_over_a_list_of_units_heads_no_table(shipped) -> None:
    """规划和自然资源局 2024: the 目录's last entry (九、国有资本经营预算…决算表, p6) is
    followed by the list of units (序号 1 … 5, no figures); the table is p19's, empty, its
    note saying so."""
    docs = {name: doc for name, doc, _ in shipped}
    table = docs["shanghai_putuo_planning_dept_final_accounts_2024.pdf"].tables["state_capital"]
    assert not table.rows and table.line > 93
