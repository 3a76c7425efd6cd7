"""Layout pdf-single-space: golden tables of seed 000, detection, a modified and a
truncated copy."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from generator.golden import to_golden
from generator.layouts.pdf_single_space import PdfSingleSpaceLayout
from generator.parse.document import parse_text
from generator.sources import SourceText

ROOT = Path(__file__).resolve().parents[1]
SEED = "000_ab55e0fe6b52661f"
SEED_PATH = ROOT / "content" / "disclosures" / f"{SEED}.txt"
KEY_PATH = ROOT / "tests" / "golden" / f"{SEED}.json"
TABLE_PARTS = (
    "summary",
    "expense",
    "general_public",
    "basic",
    "projects",
    "three_public",
    "performance",
)


def source_of(text: str, name: str = f"{SEED}.txt") -> SourceText:
    return SourceText(
        path=name,
        text=text,
        lines=text.split("\n"),
        encoding="utf-8",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def parse(text: str):
    result = parse_text(source_of(text))
    assert result.document is not None, result.issues
    return result.document


def table_parts(golden: dict) -> dict:
    return {k: golden[k] for k in TABLE_PARTS}


def normalized(node):
    """Key and output compare as compare.py does: amounts as decimals, names without blanks."""
    if isinstance(node, dict):
        return {k: normalized(v) for k, v in node.items()}
    if isinstance(node, list):
        return [normalized(v) for v in node]
    if isinstance(node, str):
        text = re.sub(r"\s+", "", node)
        return format(float(text), ".2f") if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
    return node


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_doc(seed_text):
    return parse(seed_text)


def test_golden_tables_exact(seed_doc):
    key = json.loads(KEY_PATH.read_text(encoding="utf-8"))
    assert normalized(table_parts(to_golden(seed_doc))) == normalized(table_parts(key))


def test_detects_only_its_layout():
    layout = PdfSingleSpaceLayout()
    for path in sorted((ROOT / "content" / "disclosures").glob("*.txt")):
        score = layout.detect(source_of(path.read_text(encoding="utf-8"), path.name))
        if path.stem == SEED:
            assert score >= 0.5
        else:
            assert score < 0.5, path.name


def test_rows_carry_lines_kinds_and_units(seed_doc):
    expense = seed_doc.tables["expense"]
    first = expense.rows[0]
    assert (first.kind, first.code, first.unit, first.line) == ("unit", None, first.name, 380)
    section = expense.rows[2]
    assert (section.code, section.code_raw, section.kind) == ("20103", "03", "section")
    wrapped = expense.rows[3]
    assert (wrapped.code, wrapped.line, wrapped.inferred) == ("2010301", 387, ("basic",))
    projects = seed_doc.tables["projects"]
    assert all(r.kind == "project" for r in projects.rows if r.code and len(r.code) == 7)
    unnamed = [r for r in projects.rows if r.kind == "project" and r.project is None]
    assert len(unnamed) == 6
    assert seed_doc.tables["gov_fund"].empty


def test_unread_tables_filled_from_the_notes(seed_doc):
    income = seed_doc.tables["income"]
    assert income.column_keys()[:2] == ["total", "general_public"]
    assert (
        len(income.rows) == 54 and str(income.totals["total"].values["general_public"]) == "5005.17"
    )
    fiscal = seed_doc.tables["fiscal"]
    total = fiscal.totals["expense"].values
    assert (str(total["total"]), str(total["general_public"]), total["gov_fund"]) == (
        "5005.17",
        "5005.17",
        None,
    )
    target = seed_doc.performance[0]
    assert (str(target.fiscal_amount), len(target.indicators)) == ("20", 9)


def test_issues_name_inferred_and_unnamed(seed_doc):
    slugs = {i.slug for i in seed_doc.issues}
    assert {"column-inferred", "unnamed-project", "column-ambiguous"} <= slugs
    assert sum(i.slug == "unnamed-project" for i in seed_doc.issues) == 6


def _modify(text: str) -> str:
    """Rename the region and raise one project (电子政务项目 40 → 45) in every table."""
    text = text.replace("喀什", "和田").replace("电子政务项目", "政务云运维项目")
    text = text.replace("政务云运维项目 40 40", "政务云运维项目 45 45")
    text = re.sub(
        r"(政务云运维项目\n项目资金（万元\n\n）  年度资金总额： )40( 其中：财政拨\n款 )40",
        r"\g<1>45\g<2>45",
        text,
    )
    for old, new in _RAISED.items():
        text = re.sub(rf"(?<![\d.]){re.escape(old)}(?![\d])", new, text)
    return text


# Every printed amount that contains the project, before → after (+5).
_RAISED = {
    "5005.17": "5010.17",
    "4564.64": "4569.64",
    "3802.15": "3807.15",
    "3533.48": "3538.48",
    "3273.48": "3278.48",
    "1345.48": "1350.48",
    "1605.48": "1610.48",
    "1662.5": "1667.5",
    "1073.76": "1078.76",
    "1333.76": "1338.76",
    "1380.02": "1385.02",
}


def test_modified_copy_reads_changed_figures(seed_text):
    doc = parse(_modify(seed_text))
    golden = to_golden(doc)
    rows = {(r["project"], r["total"]) for r in golden["projects"]["rows"]}
    assert ("政务云运维项目", "45") in rows
    assert golden["projects"]["total"] == "1667.5"
    assert golden["summary"]["income_total"] == "5010.17"
    assert {"code": "201", "amount": "4569.64"} in golden["summary"]["expense"]
    unit = "新疆维吾尔自治区和田地区行政公署办公室"
    row = next(r for r in golden["expense"]["rows"] if r["unit"] == unit and r["code"] == "2010302")
    assert (row["total"], row["basic"], row["project"]) == ("1350.48", None, "1350.48")
    assert {"name": "政务云运维项目", "amount": "45"} in golden["performance"]["projects"]
    key = json.loads(KEY_PATH.read_text(encoding="utf-8"))
    assert len(golden["projects"]["rows"]) == len(key["projects"]["rows"])


def test_truncated_copy_gives_issues_not_exceptions(seed_text):
    lines = seed_text.split("\n")
    cuts = {
        386: {"row-unfinished", "total-missing"},
        830: {"total-missing"},
        1090: {"table-unreadable"},
    }
    for cut, expected in cuts.items():
        result = parse_text(source_of("\n".join(lines[:cut])))
        assert expected <= {i.slug for i in result.issues}, cut
    for cut in (90, 200):  # too little text left to be read as any layout
        assert not parse_text(source_of("\n".join(lines[:cut]))).ok


def test_odd_input_never_raises():
    for text in (
        "",
        "表一：\n部门（单位）收支总体情况表\n",
        "表三：\n部门（单位）支出总体情况表\n合计 1 2 3 4 5\n03\n",
    ):
        parse_text(source_of(text))


# --- mutated copies (bench/fuzz.py findings): every changed figure carries an issue ---------


def test_number_split_apart_does_not_hand_the_next_rows_amounts_to_its_row():
    """ "住房公积金 119.48 119 .48": the row's amounts are unread and reported; the next
    line (地区统计局 576.18 …) stays its own row."""
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[601].endswith("住房公积金 119.48 119.48")
    lines[601] = lines[601][:-3] + " " + lines[601][-3:]
    doc = parse("\n".join(lines))
    assert "amount-unreadable" in {i.slug for i in doc.issues if i.line == 602}
    rows = doc.tables["general_public"].rows
    assert not any(r.line == 604 and r.code == "2210201" for r in rows)
    assert any(r.line == 604 and r.kind == "unit" for r in rows)


def test_file_cut_inside_a_number_is_reported_on_its_line():
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert "一般公共预算 5005.17" in lines[504]  # 表四
    cut = "\n".join(lines[:504] + [lines[504][: lines[504].index("5005.17") + 4]])
    doc = parse(cut)
    assert "file-cut" in {i.slug for i in doc.issues if i.line == 505}
    assert doc.tables["fiscal"].rows[-1].values["amount"] == 5005  # kept, and reported


def test_digits_printed_after_other_funds_are_not_read_as_its_amount():
    """绩效目标表 "其他资金" at a line end, then a 100 kB run of cells: no amount."""
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[1761].endswith("其他资金")
    lines.insert(1762, "\t201\t03\t01\t7.00" * 7_000)
    doc = parse("\n".join(lines))
    target = next(p for p in doc.performance if p.line < 1762 < p.line + 40)
    assert target.other_funds is None and target.amount == 20
