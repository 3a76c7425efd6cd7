"""One department-year from two files: a narrative file and a tables file (江苏)."""

from __future__ import annotations

import html
import re

from generator.build import build
from generator.db import connect, query
from generator.merge import companions
from generator.parse.document import parse_file

from .conftest import sample_paths

SITE_TOML = '[site]\ntitle = "测试站点"\n[build]\nsearch = false\ncharts = false\n'


def _halves() -> tuple[str, str]:
    """Sample 004 cut where its tables start: the narrative (部门概况, staffing) and the rest."""
    lines = next(p for p in sample_paths() if p.name.startswith("004_")).read_text("utf-8").split("\n")
    cut = lines.index("表一：")
    return "\n".join(lines[:cut]), "\n".join(lines[cut:])


def test_the_two_halves_parse_as_a_narrative_and_a_tables_document(tmp_path):
    text, tables = _halves()
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(tables, encoding="utf-8")
    narrative, body = parse_file(tmp_path / "t.txt").document, parse_file(tmp_path / "b.txt").document
    assert narrative.layout == "text-only" and not narrative.tables and narrative.sections
    assert body.tables and (narrative.department, narrative.year) == (body.department, body.year)
    assert companions([body, narrative], lambda d: d.department, lambda d: d.year,
                      lambda d: bool(d.tables)) == [(body, narrative)]
    # two with tables (a duplicate), or one of another year: no pair
    assert companions([body, body], lambda d: d.department, lambda d: d.year, lambda d: bool(d.tables)) == []
    assert companions([body, narrative], lambda d: d.department, lambda d: d.year + (d is body),
                      lambda d: bool(d.tables)) == []


def test_a_narrative_and_a_tables_file_make_one_department_year(make_site):
    text, tables = _halves()
    site = make_site({"site.toml": SITE_TOML,
                      "content/disclosures/x_dept_budget_text_2021.txt": text,
                      "content/disclosures/x_dept_budget_tables_2021.txt": tables})
    report = build(site)
    assert len(report.documents) == 1 and not report.failed
    con = connect(site / "build" / "data" / "budget.duckdb")
    (doc_id,) = [r["doc_id"] for r in query(con, "SELECT doc_id FROM documents")]
    sources = query(con, "SELECT path, first_line, line_count FROM document_sources ORDER BY position")
    tables_lines, text_lines = len(tables.split("\n")), len(text.split("\n"))
    assert sources == [
        {"path": "content/disclosures/x_dept_budget_tables_2021.txt", "first_line": 1, "line_count": tables_lines},
        {"path": "content/disclosures/x_dept_budget_text_2021.txt", "first_line": tables_lines + 2,
         "line_count": text_lines}]
    staffing = query(con, "SELECT authorized, line FROM staffing")[0]
    assert staffing["authorized"] == 90
    slugs = {r["slug"] for r in query(con, "SELECT slug FROM issues")}
    assert not slugs & {"staffing-missing", "table-missing", "tables-none"}
    assert query(con, "SELECT count(*) AS n FROM table_values WHERE doc_id = ?", [doc_id])[0]["n"] > 0

    # The source view: the tables file as it is, a heading, then the narrative, so that the
    # staffing sentence's line (as stored) shows that sentence.
    budget = site / "build" / "budgets" / doc_id
    view = (budget / "source" / "index.html").read_text(encoding="utf-8")
    shown = {int(n): html.unescape(re.sub(r"<[^>]+>", "", body)) for n, body in
             re.findall(r'<span class="ln" id="L(\d+)"><a [^>]*>\d+</a>(.*?)\n</span>', view, re.S)}
    assert len(shown) == tables_lines + 1 + text_lines
    assert "x_dept_budget_text_2021.txt" in shown[tables_lines + 1]
    assert shown[staffing["line"]] == text.split("\n")[staffing["line"] - tables_lines - 2]
    assert "编制" in shown[staffing["line"]]
    assert "x_dept_budget_text_2021.txt" in view and "合成" in view
    source_txt = (budget / "source.txt").read_text(encoding="utf-8")
    assert source_txt.split("\n")[0] == tables.split("\n")[0]


def test_files_printing_variants_of_one_name_make_one_department_year(make_site):
    """The narrative may print the department otherwise than its tables (江苏省委办公厅 beside
    中共江苏省委办公厅): the department's key (`departments`: rules and site.toml aliases)
    pairs them, not the name as printed."""
    text, tables = _halves()
    text = text.replace("阿图什市人民政府办公室", "阿图什市政府办")
    site_toml = SITE_TOML + '[departments.aliases]\n"阿图什市政府办" = "阿图什市人民政府办公室"\n'
    files = {"content/disclosures/x_dept_budget_text_2021.txt": text,
             "content/disclosures/x_dept_budget_tables_2021.txt": tables}
    report = build(make_site({"site.toml": site_toml, **files}))
    assert len(report.documents) == 1 and not report.failed
    unpaired = build(make_site({"site.toml": SITE_TOML, **files}), clean=True)
    assert len(unpaired.documents) == 2  # without the alias the names are two departments
