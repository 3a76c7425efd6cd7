"""The rendered site, from the fixture database: pages, links, downloads, privacy, URLs."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from generator import db
from generator.render.formatting import fmt_amount, mask_phones
from generator.render.tablefiles import neutralize
from generator.render.urls import Linker
from tests.conftest import ROOT
from tests.site_fixtures import PHONE, broken_links, build_fixture_site, fixture_documents

DOC = "ka-shi-di-qu-xing-zheng-gong-shu-ban-gong-shi-e8c2be-2021"  # sample 000 (sub-units)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, int]:
    return build_fixture_site(tmp_path_factory.mktemp("render"))


def test_every_link_resolves_and_no_external_request(site):
    out, pages = site
    assert pages == len(list(out.rglob("*.html")))
    assert broken_links(out) == []


def test_page_kinds_exist(site):
    out, _ = site
    for path in ["index.html", f"budgets/{DOC}/index.html", f"budgets/{DOC}/source/index.html",
                 "departments/index.html", "regions/index.html", "years/2021/index.html",
                 "classifications/function/2210201/index.html", "classifications/economic/30101/index.html",
                 "data/index.html", "data/dictionary/index.html", "pages/about/index.html",
                 "pages/methodology/index.html", "404.html", "sitemap.xml", "robots.txt",
                 "data/datapackage.json", "data/tables-csv/part-0000.zip", "data/budget.duckdb",
                 "assets/style.css", "assets/sort.js"]:
        assert (out / path).exists(), path
    dept_pages = list((out / "departments").glob("*/index.html"))
    assert len(dept_pages) == 5
    two_years = out / "departments" / "ke-zhou-ren-min-zheng-fu-ban-gong-shi-ed00dd" / "index.html"
    assert "历年预算" in two_years.read_text(encoding="utf-8")  # the trend chart


def test_document_page_content(site):
    out, _ = site
    html = (out / "budgets" / DOC / "index.html").read_text(encoding="utf-8")
    for text in ["喀什地区行政公署办公室", "支出总预算", "5,005.17", "基本支出", "人员经费", "“三公”经费",
                 "编制数", "159", "较上年变化", "绩效目标", "数据质量", "✗ 不符", "✓ 通过",
                 "名词解释", "主要职能", 'id="table-basic"', "本表为空表", "CSV", "JSON"]:
        assert text in html, text
    assert PHONE not in html and "139****5678" in html
    assert 'href="source/#L130"' in html  # a key figure links to its source line
    assert html.count("<img ") >= 4 and 'alt="支出按功能分类' in html


def test_source_view_has_line_anchors_and_masks(site):
    out, _ = site
    html = (out / "budgets" / DOC / "source" / "index.html").read_text(encoding="utf-8")
    assert 'id="L1"' in html and 'id="L130"' in html
    original = (out / "budgets" / DOC / "source.txt").read_text(encoding="utf-8")
    assert original.startswith(" 第一部分")
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", original)


def test_table_csv_and_json(site):
    out, _ = site
    raw = (out / "budgets" / DOC / "tables" / f"{DOC}-expense.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    first = next(r for r in rows if r["科目编码"] == "2010301")
    assert first["合计（万元）"] == "1928" and first["单位"].startswith("新疆")
    # each row says whose, which year and which unit; row types are Chinese
    assert first["文件标识 doc_id"] == DOC and first["年度"].isdigit() and first["金额单位"] == "万元"
    assert first["部门"] and first["行类型"] == "项"
    assert {r["行类型"] for r in rows} <= {"类", "款", "项", "单位", "项目", "栏目", "小计", "合计"}
    assert any(r["行类型"] == "合计" and r["合计行"] == "合计" for r in rows)
    data = json.loads((out / "budgets" / DOC / "tables" / f"{DOC}-expense.json").read_text(encoding="utf-8"))
    assert data["unit"] == "万元"
    total = next(r for r in data["rows"] if r["is_total"])
    assert total["values"] == {"total": "5005.17", "basic": "3342.67", "project": "1662.5"}


def test_bulk_downloads(site):
    out, _ = site
    with zipfile.ZipFile(out / "data" / "tables-csv" / "part-0000.zip") as z:
        names = z.namelist()
    assert f"tables/{DOC}/{DOC}-basic.csv" in names and all(n.startswith("tables/") for n in names)
    pkg = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    paths = {p for r in pkg["resources"] for p in ([r["path"]] if isinstance(r["path"], str) else r["path"])}
    on_disk = {p.relative_to(out / "data").as_posix() for p in (out / "data").rglob("*")
               if p.is_file() and p.name != "datapackage.json" and p.suffix not in (".wal", ".html")}
    assert on_disk <= paths
    values = next(r for r in pkg["resources"] if r["name"] == "table_values-csv")
    amount = next(f for f in values["schema"]["fields"] if f["name"] == "amount")
    assert amount["unit"] == "万元" and amount["factor"] == 10000
    con = db.connect(out / "data" / "budget.duckdb")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 6
    assert not con.execute("SELECT count(*) FROM indicators WHERE value LIKE ?",
                           [f"%{PHONE}%"]).fetchone()[0]
    # each table's parts, read as one (as the data page says), and each part listed
    folder = (out / "data").as_posix()
    expected = con.execute("SELECT count(*) FROM table_values").fetchone()[0]
    assert expected > 100
    assert con.execute(f"SELECT count(*) FROM '{folder}/parquet/table_values/*.parquet'").fetchone()[0] == \
        con.execute(f"SELECT count(*) FROM read_csv('{folder}/csv/table_values/*.csv')").fetchone()[0] == expected
    con.close()
    for fmt in ("csv", "json", "parquet"):
        listed = next(r for r in pkg["resources"] if r["name"] == f"table_values-{fmt}")["path"]
        assert listed == sorted(p.relative_to(out / "data").as_posix()
                                for p in (out / "data" / fmt / "table_values").iterdir())


def test_bulk_csv_starts_with_one_bom_before_its_header_and_zips_by_part(site):
    out, _ = site
    parts = sorted((out / "data" / "csv" / "table_values").iterdir())
    assert parts and all(p.name.startswith("part-") for p in parts)
    rows = []
    for part in parts:
        raw = part.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbfdoc_id,") and b"\xef\xbb\xbf" not in raw[3:]
        header, *more = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert header[:4] == ["doc_id", "table_key", "row_no", "column_key"]
        rows += more
    assert {r[0] for r in rows} == {p.name for p in (out / "budgets").iterdir() if p.is_dir()}
    with zipfile.ZipFile(out / "data" / "tables-csv" / "part-0000.zip") as z:
        assert z.read(f"tables/{DOC}/{DOC}-basic.csv") == (out / "budgets" / DOC / "tables" / f"{DOC}-basic.csv").read_bytes()
    data = [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((out / "data" / "json" / "table_values").iterdir())]
    assert {d["table"] for d in data} == {"table_values"} and sum(len(d["rows"]) for d in data) == len(rows)
    assert not list((out / "data").rglob(".*"))  # no scratch file left behind


def test_the_data_page_links_every_part_of_a_table(tmp_path):
    """A province's big tables come in parts (each opens in Excel or WPS): the data page
    links each part, numbered, and a table of one part by its format's name."""
    from generator.config import load_config
    from generator.render.site import render_data_pages
    from generator.render.templating import PageWriter, make_env

    env = make_env(load_config(ROOT))
    env.globals.update(nav_pages=[], charts_enabled=False, mask_phones=True, table_names={},
                       search_enabled=False)
    writer = PageWriter(env, tmp_path, "/")
    described = {"documents": {"rows": 2000, "columns": []},
                 "table_values": {"rows": 1_500_000, "columns": []}}
    files = [(f"{fmt}/{table}/part-{n:04d}.{fmt}", None) for fmt in ("csv", "json", "parquet")
             for table, parts in (("documents", 1), ("table_values", 3)) for n in range(parts)]
    render_data_pages(writer, described, files + [("tables-csv/part-0000.zip", 10)])
    html = (tmp_path / "data" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><th scope="row">.*?</tr>', html)
    assert '<a href="csv/documents/part-0000.csv" download>CSV</a>' in rows[0]
    assert all(f'<a href="{fmt}/table_values/part-0002.{fmt}"' in rows[1]
               for fmt in ("csv", "json", "parquet"))
    assert "read_csv(" in html and 'href="tables-csv/part-0000.zip"' in html


def test_bulk_json_is_duckdbs_own_json_export_in_its_wrapper(site, tmp_path):
    """Each bulk JSON part holds exactly the rows DuckDB's JSON export writes (an array, a
    row a line, in the table's order) inside `{table, unit, amounts, rows}`."""
    from generator.render.bulk import _sql_path
    from generator.render.downloads import _export_order, _export_select

    out, _ = site
    con = db.connect(out / "data" / "budget.duckdb")
    for path in sorted((out / "data" / "json").glob("*/part-0000.json")):
        name = path.parent.name
        if len(list(path.parent.iterdir())) > 1:
            continue
        columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
        rows = tmp_path / f"{name}.rows"
        select = f"{_export_select(name, columns, False)} {_export_order(columns)}"
        con.execute(f"COPY ({select}) TO '{_sql_path(rows)}' "
                    "(FORMAT json, ARRAY true)")
        head = path.read_bytes().split(b', "rows": ', 1)[0] + b"}"
        assert json.loads(head) == {"table": name, "unit": "万元", "amounts": "exact decimal "
                                    "strings; `printed` is the figure as printed, in `printed_unit`"}
        expected = head[:-1] + b', "rows": ' + (rows.read_bytes().strip() or b"[]") + b"}\n"
        assert path.read_bytes() == expected, name
    con.close()


def test_bulk_json_of_an_empty_table_and_of_text_that_needs_escaping(tmp_path):
    from generator.render import bulk
    from generator.render.downloads import _write_json

    con = db.connect()
    columns = [(r[0], r[1]) for r in con.execute("DESCRIBE glossary").fetchall()]
    whole = bulk.Part("glossary", "glossary/part-0000", None, False, None)
    _write_json(con, whole, columns, tmp_path / "empty.json", False)
    assert json.loads((tmp_path / "empty.json").read_text("utf-8"))["rows"] == []
    texts = ["引号\"与\\反斜杠", "换行\n回车\r制表\t\x1f", "'单引号'", "],\n{"]
    con.executemany("INSERT INTO glossary VALUES (?, ?, ?, ?, 1)",
                    [(f"d{i % 2}", i, t, t) for i, t in enumerate(texts)])
    parts = [whole] + [bulk.Part("glossary", f"glossary/part-{n:04d}", chunk.where(), False, chunk.key)
                       for n, chunk in enumerate(bulk.chunks({"d0": "a", "d1": "b"}, "settings", 1))]
    found = []
    for n, part in enumerate(parts):
        _write_json(con, part, columns, tmp_path / f"rows{n}.json", False)
        data = json.loads((tmp_path / f"rows{n}.json").read_text("utf-8"))
        found.append(sorted((r["term"], r["text"]) for r in data["rows"]))
    assert found[0] == sorted(found[1] + found[2]) == sorted((t, t) for t in texts)
    assert found[1] and found[2] and found[3] == []  # the rows of no document: none


def test_sitemap_lists_pages(site):
    out, _ = site
    xml = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>/budgets/{DOC}/</loc>" in xml and "404" not in xml


def test_formula_injection_neutralised():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("@SUM") == "'@SUM" and neutralize("+x") == "'+x"
    assert neutralize("-5.00") == "-5.00"  # a plain number is not a formula
    assert neutralize("-x") == "'-x" and neutralize("基本") == "基本"


def test_mask_phones():
    assert mask_phones("电话13912345678。") == "电话139****5678。"
    assert mask_phones("139 1234 5678") == "139****5678"
    assert mask_phones("0998-2812345 或 123912345678") == "0998-2812345 或 123912345678"


def test_amount_format_keeps_printed_places():
    from decimal import Decimal

    assert fmt_amount(Decimal("17.00")) == "17.00"
    assert fmt_amount(Decimal("1904.25")) == "1,904.25"
    assert fmt_amount(Decimal(-1234567)) == "-1,234,567"


def test_relative_links_work_under_any_subpath():
    url = Linker("budgets/x-2021/")
    assert url("") == "../../"
    assert url("budgets/x-2021/source/#L3") == "source/#L3"
    assert url("assets/style.css") == "../../assets/style.css"
    assert Linker("").__call__("data/") == "data/"
    assert Linker("404.html", "/budget/", absolute=True)("data/") == "/budget/data/"


def test_site_template_overrides_builtin(tmp_path):
    from generator.config import load_config
    from generator.render import render_site
    from tests.site_fixtures import load_fixture_db, make_site

    site = make_site(tmp_path, charts=False)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("<!doctype html><html lang=\"zh-CN\">自定义 404</html>",
                                                 encoding="utf-8")
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    con = db.connect(out / "data" / "budget.duckdb")
    load_fixture_db(con, fixture_documents()[:1])
    render_site(con, load_config(site), out)
    con.close()
    assert "自定义 404" in (out / "404.html").read_text(encoding="utf-8")
    assert not (out / "charts").exists() or not list((out / "charts").glob("*.svg"))


def test_details_loaded_in_batches_by_workers_render_the_same_site(tmp_path, monkeypatch):
    """Sections, issues and checks loaded a batch at a time by forked workers from the
    database file (`load.Details`) give the very pages of loading them with the site."""
    from generator.config import load_config
    from generator.render import outputs, render_site
    from tests.site_fixtures import load_fixture_db, make_site

    site = make_site(tmp_path, charts=False)
    outs = {}
    for name, detachable in (("eager", False), ("batches", True)):
        out = tmp_path / name
        (out / "data").mkdir(parents=True)
        path = tmp_path / f"{name}.duckdb"
        con = db.connect(path)
        load_fixture_db(con, fixture_documents())
        con.close()
        con = db.connect(path, detachable=detachable)
        assert db.detachable(con) == detachable
        if detachable:  # every document in a worker, two to a batch
            monkeypatch.setattr(outputs, "MIN_ITEMS_PER_WORKER", 1)
            monkeypatch.setattr(outputs, "BATCH", 2)
        render_site(con, load_config(site), out, jobs=2)
        con.close()
        outs[name] = {p.relative_to(out).as_posix(): p.read_bytes()
                      for p in sorted((out / "budgets").rglob("*")) if p.is_file()}
    assert outs["batches"] and outs["batches"] == outs["eager"]
    assert any("项核对".encode() in page for page in outs["batches"].values())


def test_slotted_records_read_like_dicts():
    """Table rows and indicators are slotted records: what the renderers ask of a dict works."""
    from generator.render.records import slotted_type

    row_type = slotted_type("row", ["name", "code", "values"])
    r = row_type()
    r["name"], r.code = "基本支出", None
    assert r["name"] == "基本支出" and r.get("code") is None and r.get("values", {}) == {}
    assert "name" in r and "values" not in r and list(r) == ["name", "code"]
    r["values"] = {"total": 1}
    assert r == {"name": "基本支出", "code": None, "values": {"total": 1}}
    with pytest.raises(AttributeError):
        r["missing"]


@pytest.mark.parametrize("names", [["name", "code"], ["name", "class", "from"]])
def test_records_are_made_with_every_field_set(names):
    """`record_maker` writes the fields out (identifiers) or loops (anything else, such as
    a keyword such as `class`): either way each field has its value and added ones stay unset."""
    from generator.render.records import record_maker, slotted_type

    row_type = slotted_type("row", names + ["values"])
    make = record_maker(row_type, names)
    rows = list(map(make, *[[f"{n}{i}" for i in range(3)] for n in names]))
    assert [[r[n] for n in names] for r in rows] == [[f"{n}{i}" for n in names] for i in range(3)]
    assert all(type(r) is row_type and "values" not in r for r in rows)


@pytest.mark.parametrize("count,workers", [(0, 2), (5, 2), (64, 2), (70, 2), (1000, 3)])
def test_render_shares_cover_every_item_once(count, workers):
    """Workers get blocks of neighbouring items; every item is rendered exactly once and
    no worker is left without work while there is some."""
    from generator.render.outputs import BATCH, _shares

    shares = _shares(count, workers)
    flat = sorted(i for share in shares for i in share)
    assert flat == list(range(count))
    if count >= workers:
        assert all(shares)
    if count >= 2 * BATCH * workers:
        assert all(share[:BATCH] == list(range(share[0], share[0] + BATCH)) for share in shares)


def test_a_failed_check_links_the_lines_of_its_parts():
    from decimal import Decimal

    from generator.render.tablehtml import check_rows

    def check(status, parts):
        return {"status": status, "name": "表五 上级科目 = 下级科目之和", "slug": "parent-children",
                "message": "表五 row 201: 合计 31 ≠ 下级之和 30", "difference": Decimal(1),
                "line": 12, "part_lines": parts}
    failed = str(check_rows([check("fail", [14, 20])], "../source/"))
    assert '<a class="src" href="../source/#L12">L12</a><span class="parts">各项 ' in failed
    assert 'href="../source/#L14">L14</a> <a class="src" href="../source/#L20">L20</a>' in failed
    assert "各项" not in str(check_rows([check("pass", [14, 20]), check("fail", None)], "../source/"))


def test_table_and_source_link_macros_make_the_page_python_makes(tmp_path):
    """A site's own document.html that loops `_macros.html`'s `parsed_table` over the tables
    and links lines with `src` (as the built-in page did) gets the built-in page's bytes: the
    macros call what the built-in page calls at once (`tablehtml.parsed_tables`, `source_link`)."""
    from generator.config import load_config
    from generator.render import render_site
    from tests.site_fixtures import load_fixture_db, make_site

    builtin = (ROOT / "templates" / "document.html").read_text(encoding="utf-8")
    at_once = "{{ parsed_tables(doc, tables, table_names, classes.link, url, supplied, q.flagged_lines) -}}\n"
    assert at_once in builtin and builtin.count("source_link(url, doc.doc_id, ") == 4
    by_macro = builtin.replace(at_once, "  {% for t in tables %}{{ m.parsed_table(doc, t, classes, "
                               "table_names, supplied.get(t.key), q.flagged_lines) }}{% endfor %}\n")
    by_macro = by_macro.replace("source_link(url, doc.doc_id, ", "m.src(doc.doc_id, ")
    pages = {}
    for name, override in (("builtin", None), ("macros", by_macro)):
        site = make_site(tmp_path / name, charts=False)
        if override is not None:
            (site / "templates").mkdir()
            (site / "templates" / "document.html").write_text(override, encoding="utf-8")
        out = tmp_path / name / "out"
        (out / "data").mkdir(parents=True)
        con = db.connect(out / "data" / "budget.duckdb")
        load_fixture_db(con, fixture_documents()[:2])
        render_site(con, load_config(site), out)
        con.close()
        pages[name] = {p.relative_to(out).as_posix(): p.read_bytes()
                       for p in sorted((out / "budgets").glob("*/index.html"))}
    assert len(pages["builtin"]) == 2 and b'class="parsed-table"' in pages["builtin"][f"budgets/{DOC}/index.html"]
    assert pages["macros"] == pages["builtin"]


def test_templates_read_a_records_fields_its_methods_and_fail_on_a_missing_one():
    """A plain dict's key is read in one step (`SiteEnvironment.getattr`), its methods
    still come first, and a field it lacks is an error (StrictUndefined), as before."""
    import jinja2

    from generator.config import load_config
    from generator.render.templating import make_env

    env = make_env(load_config(ROOT))
    record = {"year": 2024, "items": "字段", "title": "<b>"}
    shown = env.from_string("{{ r.year }} {{ r.title }} {{ r.get('year') }} {{ r.items is callable }}"
                            ).render(r=record)
    assert shown == "2024 &lt;b&gt; 2024 True"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ r.missing }}").render(r=record)


def test_equal_amounts_printed_differently_are_shown_as_printed():
    """Amounts are shown from their text (formatted once per process): 1.0 and 1.00 are
    equal Decimals, each still shown with its own places; None is a dash."""
    from decimal import Decimal

    shown = [fmt_amount(Decimal(t)) for t in ("1.00", "1.0", "1.00", "-0.00", "3121.420580",
                                                 "1234567.000000")]
    assert shown == ["1.00", "1.0", "1.00", "-0.00", "3,121.42058", "1,234,567.00"]
    assert fmt_amount(None) == "—" and fmt_amount(Decimal("2.345"), places=2) == "2.34"


@pytest.mark.parametrize("page", ["", "budgets/", "budgets/a-2021/", "budgets/a-2021/source/",
                                  "classifications/function/201/", "departments/x/", "404.html"])
@pytest.mark.parametrize("absolute", [False, True])
def test_a_links_prefix_under_a_folder_is_the_link_worked_out(page, absolute):
    for folder in ["budgets/", "regions/"]:
        url = Linker(page, "/site/", absolute)
        prefix = url.under(folder)
        for rest in ["a-2021/", "a-2021/source/", "b/c"]:
            expected = Linker(page, "/site/", absolute)(folder + rest)
            assert prefix is None or prefix + rest == expected, (page, folder, rest)
    # where it is not that simple (the listing itself: budgets/ links './a/'), there is none
    assert Linker("budgets/").under("budgets/") is None
    assert Linker("classifications/function/201/").under("budgets/") == "../../../budgets/"
