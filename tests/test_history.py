"""Honest charts and one department across years, on a rendered site.

The site: a party office printed under three names over 2017, 2018 and 2020 (2019
missing), with a 2020 决算 beside its 2020 预算 and a 2018 单位预算 beside its 2018 部门预算;
another department in 2017 and 2020; a third only in 2020. Tests parse the pages and the
SVGs they show.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import db
from generator.config import load_config
from generator.parse.profile import read_kind_scope
from generator.render import render_site
from generator.render.glossary import TERMS
from generator.slugs import name_slug
from generator.sources import SourceText
from tests.site_fixtures import SAMPLES, broken_links, golden_document, make_site

SVG = "{http://www.w3.org/2000/svg}"
OFFICE = name_slug("中共江苏省委办公厅")  # the department's key, whatever each file printed


def _doc(sample: int, department: str, year: int, scale: str = "1", kind: str = "budget",
         scope: str = "department"):
    doc = golden_document(SAMPLES[sample], scale=scale)
    doc.department, doc.year, doc.kind, doc.scope = department, year, kind, scope
    doc.region = "江苏省" if "江苏" in department else doc.region
    return doc


def _text_part(doc):
    """A budget's second file, with fewer figures (no 三公 table) and other amounts."""
    del doc.tables["three_public"]
    doc.path = doc.path.replace(".txt", "-text.txt")
    return doc


def documents():
    return [
        _doc(1, "中国共产党江苏省委员会办公厅", 2017),
        _doc(1, "中共江苏省委办公厅", 2018, "1.10"),
        _doc(1, "中共江苏省委办公厅", 2018, "0.30", scope="unit"),  # its 单位预算: never summed
        _doc(1, "江苏省委办公厅", 2020, "1.20"),
        _doc(1, "江苏省委办公厅", 2020, "1.15", kind="final_accounts"),
        _doc(2, "江苏省人民检察院", 2017),
        _text_part(_doc(2, "江苏省人民检察院", 2017, "0.5")),  # a second file of that budget
        _doc(2, "江苏省人民检察院", 2020, "0.90"),
        _doc(3, "江苏省财政厅", 2020),
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.build import assign_ids

    root = tmp_path_factory.mktemp("history")
    folder = make_site(root)
    sources = folder / "content" / "disclosures"
    (sources / f"{SAMPLES[2]}-text.txt").write_bytes((sources / f"{SAMPLES[2]}.txt").read_bytes())
    out = root / "out"
    (out / "data").mkdir(parents=True)
    con = db.connect(out / "data" / "budget.duckdb")
    for doc_id, doc in assign_ids(documents()).items():
        db.load_document(con, doc_id, doc, [])
    render_site(con, load_config(folder), out)
    con.close()
    return out


def total(doc) -> Decimal:
    return doc.tables["summary"].totals["expense"].values["amount"]


class Figures(HTMLParser):
    """Each <figure class="chart">: its caption and its <img> src."""

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "chart" in (a.get("class") or ""):
            self.found.append({"id": a.get("id"), "caption": "", "src": None})
        elif tag == "figcaption" and self.found:
            self._in = self.found[-1]
        elif tag == "img" and self.found and self.found[-1]["src"] is None:
            self.found[-1]["src"] = a.get("src")

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self._in["caption"] += data


def charts_of(page: Path) -> list[dict]:
    p = Figures()
    p.feed(page.read_text(encoding="utf-8"))
    for f in p.found:
        f["svg"] = ET.fromstring((page.parent / f["src"]).resolve().read_text(encoding="utf-8"))
    return p.found


def lines_of(svg: ET.Element) -> list[list[tuple[float, float]]]:
    """Each drawn line (a trend series' path) as its runs of points."""
    out = []
    for path in svg.iter(f"{SVG}path"):
        if path.get("stroke-width") == "2":
            out.append([[tuple(float(n) for n in pt.split(",")) for pt in run.split("L")]
                        for run in path.get("d").split("M") if run])
    return out


def test_variant_names_are_one_department_with_one_page(site):
    pages = sorted(p.parent.name for p in (site / "departments").glob("*/index.html"))
    assert pages == sorted([OFFICE, name_slug("江苏省人民检察院"), name_slug("江苏省财政厅")])
    html = (site / "departments" / OFFICE / "index.html").read_text(encoding="utf-8")
    for name in ("中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", "江苏省委办公厅"):
        assert name in html
    # The 部门预算 and 单位预算 of 2018 are listed side by side, each its own document.
    assert html.count("2018年部门预算") == 1 and html.count("2018年单位预算") == 1
    assert "2020年部门决算" in html
    assert f"{SAMPLES[1]}.txt" not in html  # one file a year and kind: no file name needed
    assert broken_links(site) == []


def test_the_list_of_departments_says_which_of_a_years_files_is_not_a_department_budget(site):
    html = (site / "departments" / "index.html").read_text(encoding="utf-8")
    link = re.escape(OFFICE) + r'/">[^<]*</a> <span class="meta">([^<]*)</span>'
    years = re.search(link, html).group(1)
    assert years.split("、") == ["2017", "2018", "2018单位预算", "2020", "2020部门决算"]


def test_two_files_of_one_year_and_kind_are_told_apart_by_file_name(site):
    html = (site / "departments" / name_slug("江苏省人民检察院") / "index.html").read_text(encoding="utf-8")
    assert f"{SAMPLES[2]}.txt" in html and f"{SAMPLES[2]}-text.txt" in html
    assert html.count("2017年部门预算") == 2


def test_a_trend_joins_only_its_own_years_on_a_time_axis_with_the_gap_shown(site):
    page = site / "departments" / OFFICE / "index.html"
    (trend,) = [c for c in charts_of(page) if c["id"].startswith("chart-dept-")]
    docs = {(d.year, d.kind, d.scope): d for d in documents() if "办公厅" in d.department}
    series = lines_of(trend["svg"])
    assert series, "no line drawn"
    budget_line = series[0]  # 支出总预算: 2017–2018 joined, 2020 alone (2019 is missing)
    assert [len(run) for run in budget_line] == [2, 1]
    (x2017, _), (x2018, _) = budget_line[0]
    ((x2020, _),) = budget_line[1]
    assert x2020 - x2018 == pytest.approx(2 * (x2018 - x2017), abs=0.02)  # years at real distance
    labels = [t.text for t in trend["svg"].iter(f"{SVG}text") if t.get("class") == "no-data"]
    assert labels == ["2019"]
    # Its numbers are the department's own 部门预算 totals (not the 单位预算 of 2018).
    html = page.read_text(encoding="utf-8")
    table = html[html.index('id="chart-dept-'):html.index("</figure>", html.index('id="chart-dept-'))]
    for year in (2017, 2018, 2020):
        assert f"{year} 支出总预算</th><td class=\"num\">{total(docs[(year, 'budget', 'department')]):,}" \
            in table
    assert "缺少 2019 年" in html


def test_no_page_but_a_department_page_draws_a_line(site):
    for page in site.rglob("index.html"):
        if page.parent.parent.name == "departments":
            continue
        for chart in charts_of(page) if "chart" in page.read_text(encoding="utf-8") else []:
            assert lines_of(chart["svg"]) == [], (page, chart["caption"])


def test_a_total_over_departments_says_how_many_and_adds_only_one_year_of_department_budgets(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    (overview,) = charts_of(site / "index.html")
    assert "2020年" in overview["caption"] and "3 个部门" in overview["caption"]
    bars = [t for t in overview["svg"].iter(f"{SVG}text") if "个部门" in "".join(t.itertext())]
    assert bars and all(re.search(r"（\d+ 个部门）", "".join(t.itertext())) for t in bars)
    expected = sum(total(d) for d in documents() if d.year == 2020 and d.kind == "budget"
                   and d.scope == "department")
    assert f"2020年 3 个部门的支出总预算合计</dt><dd>{expected:,}" in html
    assert "各年度预算合计" not in html
    year = (site / "years" / "2018" / "index.html").read_text(encoding="utf-8")
    assert "1 个部门的部门预算支出总预算合计" in year  # the 2018 单位预算 is not added
    # Two files of the procuratorate's 2017 budget are one department-year, added once.
    year = (site / "years" / "2017" / "index.html").read_text(encoding="utf-8")
    once = sum(total(d) for d in documents() if d.year == 2017 and "-text" not in d.path)
    assert f"2 个部门的部门预算支出总预算合计 {once:,}" in year


def test_year_on_year_table_is_computed_from_the_tables_with_the_stated_change_beside(site):
    html = (site / "departments" / OFFICE / "index.html").read_text(encoding="utf-8")
    docs = {(d.year, d.kind, d.scope): d for d in documents() if "办公厅" in d.department}
    a, b = total(docs[(2017, "budget", "department")]), total(docs[(2018, "budget", "department")])
    section = html[html.index('id="yoy-title"'):]
    assert "2018 年较 2017 年" in section and f"+{b - a:,}" in section
    assert f"{((b - a) / a * 100).quantize(Decimal('0.01'))}%" in section
    assert "2020 年较 2018 年（中间缺 1 年，不是相邻年度）" in section
    assert "增加 12.5" in section  # the 说明's own words on 收支总预算, beside


def test_budget_against_actual_where_a_year_has_both(site):
    html = (site / "departments" / OFFICE / "index.html").read_text(encoding="utf-8")
    docs = {(d.year, d.kind, d.scope): d for d in documents() if "办公厅" in d.department}
    budget, actual = total(docs[(2020, "budget", "department")]), total(docs[(2020, "final_accounts", "department")])
    section = html[html.index('id="execution-title"'):html.index('id="yoy-title"')]
    assert "2020 年" in section and f"{budget:,}" in section and f"{actual:,}" in section
    assert f"{actual - budget:,}".replace("-", "") in section


def test_glossary_page_and_first_occurrence_links(site):
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    for term in TERMS:
        assert f'id="{term.anchor}"' in glossary and term.definition in glossary
    assert 'id="department-names"' in glossary
    doc_page = next((site / "budgets").glob("jiang-su-sheng-cai-zheng-ting-*-2020/index.html"))
    html = doc_page.read_text(encoding="utf-8")
    for anchor in ("basic-expenditure", "project-expenditure", "personnel", "authorized-staff",
                   "budget"):
        assert html.count(f'glossary/#{anchor}"') == 1, anchor
    linked = re.findall(r'glossary/#([a-z-]+)"', html)
    assert len(linked) == len(set(linked))  # each term linked once, where it first appears
    # Never inside a table.
    for table in re.findall(r"<table.*?</table>", html, re.S):
        assert 'class="term"' not in table


@pytest.mark.parametrize("cover, expected", [
    ("上海市普陀区规划和自然资源局 2024 年度部门决算", ("final_accounts", "department")),
    ("上海市普陀区2026年区级单位预算\n预算单位：上海市普陀区司法局", ("budget", "unit")),
    ("2021年部门（单位）预算\n编制部门：克州人民政府办公室", ("budget", "department")),
    ("收支预算总表\n部门：中共江苏省委办公厅 单位：万元", ("budget", "department")),
])
def test_kind_and_scope_from_the_cover(cover, expected):
    lines = cover.split("\n")
    assert read_kind_scope(SourceText(path="x.txt", text=cover, lines=lines, encoding="utf-8",
                                      sha256="0")) == expected


def test_a_document_page_steps_through_files_of_its_own_kind_and_lists_the_others_beside(site):
    from generator.build import assign_ids

    ids = {(d.year, d.kind, d.scope): doc_id for doc_id, d in assign_ids(documents()).items()
           if "办公厅" in d.department}
    html = (site / "budgets" / ids[(2020, "budget", "department")] / "index.html").read_text(encoding="utf-8")
    assert f'rel="prev" href="../{ids[(2018, "budget", "department")]}/"' in html
    assert f'href="../{ids[(2020, "final_accounts", "department")]}/">同年部门决算</a>' in html
    assert "2020年部门预算" in html
    unit = (site / "budgets" / ids[(2018, "budget", "unit")] / "index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in unit and 'rel="next"' not in unit  # the only 单位预算
    assert "2018年单位预算" in unit and "同年部门预算" in unit


def test_term_links_escape_the_text_and_link_each_term_once():
    from generator.render.glossary import TermLinker

    terms = TermLinker(lambda path: "../../" + path)
    first = terms.link("<b>一般公共预算基本支出</b>")
    assert first.startswith("&lt;b&gt;") and first.count('class="term"') == 2
    assert 'href="../../glossary/#general-public-budget"' in first
    assert terms.link("基本支出与“三公”经费") .count('class="term"') == 1  # only 三公 is new
    text = terms.paragraphs("人员经费\n\n人员经费")
    assert text.count("<p>") == 2 and text.count('class="term"') == 1


def test_a_term_inside_a_linked_ones_match_stays_unlinked():
    """A text is looked through only while one of its terms is still to link, and then
    as a whole: 预算单位 overlapping an already linked 部门预算 is not linked there, but
    where it stands alone; once linked, a text with only linked terms is escaped as is."""
    from generator.render.glossary import TermLinker

    terms = TermLinker(lambda path: path)
    assert terms.link("部门预算").count('class="term"') == 1
    assert terms.link("<部门预算单位>") == "&lt;部门预算单位&gt;"
    assert terms.link("各预算单位").count('class="term"') == 1
    assert terms.link("<预算单位、部门预算>") == "&lt;预算单位、部门预算&gt;"


def test_search_filters_a_page_by_its_own_kind_and_by_the_department_across_its_names(site):
    """The search page's 类型 filter tells 决算 and 单位预算 from 部门预算, and its 部门 filter
    lists a department once, whatever name each year's file printed."""
    from generator.build import assign_ids
    from generator.search.pages import read_page

    filters = {}
    for doc_id, d in assign_ids(documents()).items():
        html = (site / "budgets" / doc_id / "index.html").read_text(encoding="utf-8")
        filters[(d.department, d.year, d.kind, d.scope)] = read_page(html).filters
    assert filters[("江苏省委办公厅", 2020, "final_accounts", "department")]["类型"] == "部门决算"
    assert filters[("中共江苏省委办公厅", 2018, "budget", "unit")]["类型"] == "单位预算"
    assert filters[("江苏省人民检察院", 2020, "budget", "department")]["类型"] == "部门预算"
    office = {f["部门"] for (name, *_), f in filters.items() if "办公厅" in name}
    assert len(office) == 1


def test_a_final_accounts_page_calls_its_totals_what_was_spent_not_a_budget(site):
    from generator.build import assign_ids

    ids = {(d.year, d.kind, d.scope): doc_id for doc_id, d in assign_ids(documents()).items()
           if "办公厅" in d.department}

    def key_figures(kind: str) -> str:  # the 主要数字 section (the tables print 支出总计 too)
        html = (site / "budgets" / ids[(2020, kind, "department")] / "index.html").read_text(encoding="utf-8")
        assert 'id="figures"' in html
        return html.split('id="figures"')[1].split("</section>")[0]

    final, budget = key_figures("final_accounts"), key_figures("budget")
    assert "支出总计" in final and "收入总计" in final and "总预算" not in final
    assert "支出总预算" in budget and "收入总预算" in budget
