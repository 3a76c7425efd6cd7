"""A table printed in 元, end to end: parsed, stored exactly in 万元 beside its printed
figure and unit, checked with a 1 元 allowance, shown and downloaded as printed."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from generator.build import build
from generator.db import connect, query
from generator.parse.document import parse_file

from .conftest import sample_paths

SITE_TOML = '[site]\ntitle = "测试站点"\n[build]\nsearch = false\ncharts = false\n'
# 表三 of sample 004 (printed in 万元), as a Shanghai-style table in 元: the first row's
# figures carry a last 元 that 万元 to the hundredth cannot hold.
EXPENSE_IN_YUAN = {
    "1472.23\t1227.23\t245": "14722301\t12272301\t2450000",
    "372.6\t0\t372.6": "3726000\t0\t3726000",
    "1844.83\t1227.23\t617.6": "18448301\t12272301\t6176000",
}


def _yuan_site(make_site):
    path = next(p for p in sample_paths() if p.name.startswith("004_"))
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[150] == "单位：万元" and lines[144].startswith("表三")
    lines[150] = "单位：元"
    for n in range(151, 162):
        for old, new in EXPENSE_IN_YUAN.items():
            if lines[n].endswith(old):
                lines[n] = lines[n][: -len(old)] + new
    return make_site({"site.toml": SITE_TOML, f"content/disclosures/{path.name}": "\n".join(lines)})


def test_a_table_in_yuan_is_stored_checked_shown_and_downloaded_exactly(make_site):
    site = _yuan_site(make_site)
    report = build(site)
    assert len(report.documents) == 1 and not report.failed
    con = connect(site / "build" / "data" / "budget.duckdb")
    units = dict(con.execute("SELECT table_key, printed_unit FROM source_tables").fetchall())
    assert units["expense"] == "元" and units["summary"] == "万元"
    first = query(con, "SELECT column_key, amount, printed, printed_unit FROM table_values v "
                  "JOIN table_rows r USING (doc_id, table_key, row_no) "
                  "WHERE table_key = 'expense' AND r.code = '2010301' ORDER BY column_key")
    assert [(c["column_key"], c["amount"], c["printed"], c["printed_unit"]) for c in first] == [
        ("basic", Decimal("1227.2301"), "12272301", "元"),
        ("project", Decimal("245"), "2450000", "元"),
        ("total", Decimal("1472.2301"), "14722301", "元")]
    checks = query(con, "SELECT status FROM checks WHERE slug = 'row-basic-project' AND line = ?",
                   [next(c for c in query(con, "SELECT line FROM table_values WHERE printed = "
                                               "'14722301'"))["line"]])
    assert [c["status"] for c in checks] == ["pass"]

    budget = next((site / "build" / "budgets").glob("*/index.html")).parent
    html = (budget / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="table-expense"'):]
    section = section[: section.index("</section>")]
    assert "单位：元" in section and "14,722,301" in section and "1,472.23" not in section
    summary = html[html.index('id="table-summary"'):]
    assert "单位：万元" in summary[: summary.index("</section>")]

    rows = list(csv.DictReader(io.StringIO((budget / "tables" / f"{budget.name}-expense.csv").read_text("utf-8-sig"))))
    assert any(r.get("合计（元）") == "14722301" for r in rows)
    data = json.loads((budget / "tables" / f"{budget.name}-expense.json").read_text(encoding="utf-8"))
    assert data["unit"] == "元"
    bulk = (site / "build" / "data" / "csv" / "table_values" / "part-0000.csv").read_text(encoding="utf-8-sig")
    assert re.search(r",1472\.2301,14722301,", bulk) and ",1844.83,1844.83," in bulk


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name[:3])
def test_a_table_in_yuan_is_converted_once_whatever_the_layout(path, tmp_path):
    """表三's unit line made 单位：元 in each sample: its figures are stored once moved four
    places (pdf-single-space, word-cells and pdf-padded converted them twice: 5005.17 元
    became 0.0000500517 万元), its unit as printed, with an info on the unit line."""
    original = parse_file(path, path.name).document
    table = original.tables["expense"]
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(n for n in range(table.line, len(lines)) if re.search(r"单位\s*[:：]\s*万元", lines[n]))
    lines[at] = lines[at].replace("万元", "元")
    changed = tmp_path / path.name
    changed.write_text("\n".join(lines), encoding="utf-8")
    doc = parse_file(changed, path.name).document
    assert doc.tables["expense"].unit == "元" and original.tables["expense"].unit == "万元"
    assert [r.values for r in doc.tables["expense"].rows] == [
        {c: None if v is None else v.scaleb(-4) for c, v in r.values.items()} for r in table.rows]
    assert ("amount-unit-converted", at + 1) in {(i.slug, i.line) for i in doc.issues if i.table == "expense"}
