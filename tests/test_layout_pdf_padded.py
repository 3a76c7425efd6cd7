"""Layout pdf-padded: every cell printed as text + one space (seed 003)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.golden import to_golden
from generator.layouts.pdf_padded import PdfPaddedLayout
from generator.layouts.pdf_padded_cells import read_label, split_row
from generator.parse.document import parse_text
from generator.sources import SourceText, read_source

ROOT = Path(__file__).resolve().parent.parent
SEED = "003_1a51fd34a15064aa"
SEED_PATH = ROOT / "content" / "disclosures" / f"{SEED}.txt"
TABLE_PARTS = ("summary", "expense", "general_public", "basic", "projects", "three_public",
               "performance")


def _source(text: str, path: str = "x.txt") -> SourceText:
    return SourceText(path, text, text.split("\n"), "utf-8", "0" * 64)


def _seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def _parse(text: str):
    result = parse_text(_source(text))
    assert result.document is not None, result.issues
    return result.document


@pytest.fixture(scope="module")
def seed_doc():
    return _parse(_seed_text())


def _norm(node):
    """Whitespace-free strings and decimal amounts, as compare.py compares them."""
    if isinstance(node, dict):
        return {k: _norm(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_norm(v) for v in node]
    if isinstance(node, str):
        s = "".join(node.split())
        try:
            return Decimal(s.replace(",", ""))
        except ArithmeticError:
            return s
    return node


def test_golden_tables_exact(seed_doc):
    key = json.loads((ROOT / "tests" / "golden" / f"{SEED}.json").read_text(encoding="utf-8"))
    got = to_golden(seed_doc)
    for part in TABLE_PARTS:
        assert _norm(got[part]) == _norm(key[part]), part


def test_detection_only_seed():
    layout = PdfPaddedLayout()
    for path in sorted((ROOT / "content" / "disclosures").glob("*.txt")):
        source, _ = read_source(path)
        score = layout.detect(source)
        if path.stem == SEED:
            assert score >= 0.5
        else:
            assert score < 0.5, path.name


def test_unscored_tables_follow_notes(seed_doc):
    notes = json.loads((ROOT / "tests" / "golden" / "notes" / f"{SEED}.notes.json")
                       .read_text(encoding="utf-8"))
    income = seed_doc.tables["income"]
    keys = [c.key for c in income.columns]
    assert len(keys) == 12 and keys[10] == "carryover"
    got = [[None if r.values[k] is None else format(r.values[k], "f") for k in keys]
           for r in income.rows]
    assert got == [r["values"] for r in notes["t2_income"]["rows"]]
    fiscal = seed_doc.tables["fiscal"]
    assert fiscal.totals["expense"].values["general_public"] == Decimal("1904.25")
    assert [r.code for r in fiscal.rows if r.side == "expense" and r.values["total"]] == \
        ["201", "208", "210", "221"]
    carry = seed_doc.tables["carryover"]
    assert [r.kind for r in carry.rows] == ["unit", "project"]
    assert carry.totals["total"].values["fiscal_personnel"] == Decimal("0.25")
    projects = seed_doc.tables["projects"]
    window = next(r for r in projects.rows if r.project == "地区行政服务中心大厅综合窗口服务项目")
    assert window.values["goods_services"] == Decimal("206.10")
    assert window.values["capital"] == Decimal("27.00")
    assert window.values["capital_construction"] is None
    for key in ("gov_fund", "state_capital", "three_public"):
        assert seed_doc.tables[key].empty and not seed_doc.tables[key].rows


def test_rows_carry_lines_and_kinds(seed_doc):
    expense = seed_doc.tables["expense"]
    assert expense.line == 247
    first = expense.rows[0]
    assert (first.code, first.kind, first.line) == ("201", "class", 262)
    wrapped = next(r for r in seed_doc.tables["income"].rows if r.code == "2080505")
    assert wrapped.name == "机关事业单位基本养老保险缴费支出"
    assert wrapped.line == 230  # the line its amounts are printed on
    summary = seed_doc.tables["summary"]
    assert summary.totals["income"].values["amount"] == Decimal("1904.49")
    assert all(r.kind == "project" for r in seed_doc.tables["projects"].rows
               if r.code == "2010302")


def test_modified_copy_reads_changed_figures():
    """Department renamed; one project renamed and its amount moved consistently."""
    text = _seed_text().replace("喀什地区", "和田地区")
    text = text.replace("档案数字化项目", "档案整理项目")
    # 1.50 → 2.50 and the totals above it grow by 1.00 in every table that prints them.
    for old, new in (("1.50  1.50 ", "2.50  2.50 "), ("年度预算总额 1.50", "年度预算总额 2.50")):
        assert old in text
        text = text.replace(old, new)
    doc = _parse(text)
    rows = [r for r in doc.tables["projects"].rows if r.kind == "project"]
    changed = next(r for r in rows if r.project == "档案整理项目")
    assert changed.values["total"] == Decimal("2.50")
    assert changed.values["goods_services"] == Decimal("2.50")
    assert changed.unit == "新疆维吾尔自治区和田地区政务服务和公共资源管理局"
    target = next(p for p in doc.performance if p.name == "档案整理项目")
    assert target.amount == Decimal("2.50")


def test_truncated_copy_gives_issues_not_exceptions():
    lines = _seed_text().split("\n")
    for cut in (300, 430, 560, 690):
        result = parse_text(_source("\n".join(lines[:cut])))
        assert result.document is not None or result.issues
    # Cut inside 表二 just after a code-only fragment: a wrapped row never completes.
    result = parse_text(_source("\n".join(lines[:228])))
    doc = result.document
    assert doc is not None
    assert "income" in doc.tables
    assert not any(r.code == "2080505" for r in doc.tables["income"].rows)


def test_trimmed_line_ends_are_placed_by_identity():
    """Lines whose trailing spaces were stripped: columns inferred, with issues."""
    text = "\n".join(line.rstrip() if line.strip() else line for line in _seed_text().split("\n"))
    result = parse_text(_source(text))
    doc = result.document
    assert doc is not None
    slugs = {i.slug for i in doc.issues}
    assert "column-inferred" in slugs or "column-ambiguous" in slugs
    row = next(r for r in doc.tables["expense"].rows if r.code == "2010302")
    # 1,584.39  1,584.39 keeps its inner empty cell: 基本支出 stays empty.
    assert row.values["basic"] is None and row.values["project"] == Decimal("1584.39")


def test_cells_split_from_the_right():
    split = split_row("201 03 01     行政运行 257.15 257.15  ", 3)
    assert split is not None and split.values == ["257.15", "257.15", ""]
    label = read_label(split.label, 3, None)
    assert (label.code, label.names[-1]) == ("2010301", "行政运行")
    assert split_row("208 05 05 ", 3) is None  # a code fragment of a wrapped row
    broken = read_label(["20", "03", "01", "", "行政运行"], 3, "201")
    assert (broken.code, broken.code_raw) == ("2010301", "20 03 01")
    lone = read_label(["03", "", "政府办公厅"], 3, "201")
    assert lone.code == "20103"
