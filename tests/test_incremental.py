"""Incremental builds: only what changed is parsed and rendered, and the result is the same
site, file for file, as a clean build of the same input."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from generator.build import build
from generator.cli import main
from generator.output_guard import MARKER
from generator.render.templating import BUILTIN_TEMPLATES
from generator.search import INDEX_DIR

from .conftest import sample_paths
from .search_view import index_view
from .test_atomic import duckdb_content

SITE_TOML = '[site]\ntitle = "增量构建"\n[build]\nsearch = false\ncharts = {charts}\n'
EDITED = "004_27a732d9d5264bbf.txt"  # 阿图什市人民政府办公室 2021
OTHER = "001_39ebdcf812bae707.txt"   # 克州人民政府办公室 (another department and region)
EDITED_DOC = "budgets/a-tu-shi-shi-ren-min-zheng-fu-ban-gong-shi-cb5358-2021/"
OTHER_DOC = "budgets/ke-zhou-ren-min-zheng-fu-ban-gong-shi-ed00dd-2021/"


def incremental_site(make_site, charts: bool = False) -> Path:
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML.format(charts=str(charts).lower())}
    for p in sample_paths():
        if p.name in (EDITED, OTHER):
            files[f"content/disclosures/{p.name}"] = p.read_bytes()
    return make_site(files)


def edit_source(site: Path, name: str = EDITED) -> None:
    path = site / "content" / "disclosures" / name
    text = path.read_text(encoding="utf-8")
    assert "负责阿图什市人民政府会议的会务" in text
    path.write_text(text.replace("负责阿图什市人民政府会议的会务", "负责测试标记会议的会务"),
                    encoding="utf-8")


def inodes(folder: Path) -> dict[str, int]:
    """The site's files (the marker of a build aside: every build writes it)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino
            for p in folder.rglob("*") if p.is_file() and p.name != MARKER}


def rewritten(before: dict[str, int], folder: Path) -> set[str]:
    """Files of `folder` that are new or were written again since `before` (other inode)."""
    return {k for k, ino in inodes(folder).items() if before.get(k) != ino}


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def record_doc_ids(monkeypatch, name: str, *modules) -> list[list[str]]:
    """The doc_ids each call of `generator.render.load.<name>` gets, one list per call;
    `modules` are those that imported the function by name (patched there too)."""
    import generator.render.load as load_module

    calls: list[list[str]] = []
    real = getattr(load_module, name)

    def recorded(con, docs):
        calls.append([d.doc_id for d in docs])
        return real(con, docs)

    for module in (load_module, *modules):
        monkeypatch.setattr(module, name, recorded)
    return calls


# The whole-site database files: an incremental build brings the last build's up to date,
# so they hold a clean build's rows, not its bytes (README, "Downloads").
DATABASE_FILES = ("data/budget.duckdb", "data/parquet/")


def database_content(path: Path) -> tuple:
    """The schema and the rows of a DuckDB file (every table) or of a Parquet file, the
    rows in the order of all their columns."""
    import duckdb

    if path.suffix != ".parquet":
        con = duckdb.connect(str(path), read_only=True)
        try:
            schema = con.execute("SELECT table_name, column_name, data_type, is_nullable, "
                                 "column_default FROM information_schema.columns "
                                 "ORDER BY table_name, ordinal_position").fetchall()
            keys = con.execute("SELECT table_name, constraint_type, constraint_text "
                               "FROM duckdb_constraints() ORDER BY ALL").fetchall()
        finally:
            con.close()
        return schema, keys, duckdb_content(path)
    con = duckdb.connect()
    try:
        source = f"read_parquet('{path.as_posix()}')"
        return (con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall(),
                con.execute(f"SELECT * FROM {source} ORDER BY ALL").fetchall())
    finally:
        con.close()


def assert_same_as_clean_build(site: Path, tmp_path: Path) -> None:
    """The incremental build/ equals a clean build of the same input, file for file; the
    DuckDB download and the Parquet files hold the same schema and rows (an incremental
    build replaced the changed documents' rows in the last build's files; a clean one
    wrote them anew), every other file has the same bytes."""
    clean = tmp_path / "clean-site"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("build", ".cache", ".build-*"))
    build(clean, clean=True)
    # The search index is compared by what a query can see of it: after an edit its
    # changes stand in a delta beside the last computed term files (tests/search_view.py).
    a, b = ({k: v for k, v in hashes(out).items() if not k.startswith(INDEX_DIR + "/")}
            for out in (site / "build", clean / "build"))
    assert sorted(a) == sorted(b), (sorted(set(a) - set(b))[:10], sorted(set(b) - set(a))[:10])
    differing = [k for k in a if a[k] != b[k] and not k.startswith(DATABASE_FILES)]
    assert differing == []
    if (clean / "build" / INDEX_DIR).is_dir():
        assert index_view(site / "build" / INDEX_DIR) == index_view(clean / "build" / INDEX_DIR)
    databases = [k for k in a if k.startswith(DATABASE_FILES)]
    assert "data/budget.duckdb" in databases
    for name in databases:
        assert database_content(site / "build" / name) == database_content(clean / "build" / name), name


def test_a_build_with_no_change_does_nothing(make_site):
    site = incremental_site(make_site)
    first = build(site)
    assert not first.up_to_date and first.parsed == 2 and first.reused == 0
    before = inodes(site / "build")
    folder = (site / "build").stat().st_ino
    again = build(site)
    assert again.up_to_date
    assert (site / "build").stat().st_ino == folder and rewritten(before, site / "build") == set()


def test_an_edited_source_rerenders_only_what_depends_on_it(make_site, tmp_path):
    site = incremental_site(make_site, charts=True)
    build(site)
    before = inodes(site / "build")
    edit_source(site)
    report = build(site)
    assert report.parsed == 1 and report.reused > 0
    changed = rewritten(before, site / "build")
    assert "测试标记" in (site / "build" / EDITED_DOC / "index.html").read_text(encoding="utf-8")
    # its page, source view, downloads and department (which quotes its 说明)
    for path in (EDITED_DOC + "index.html", EDITED_DOC + "source/index.html",
                 EDITED_DOC + "source.txt",
                 EDITED_DOC + "tables/a-tu-shi-shi-ren-min-zheng-fu-ban-gong-shi-cb5358-2021-summary.csv",
                 "departments/a-tu-shi-shi-ren-min-zheng-fu-ban-gong-shi-cb5358/index.html",
                 "data/budget.duckdb", "sitemap.xml"):
        assert path in changed, path
    # not the lists of department-years: what they show of it (figures, names) is the same
    lists = ["regions/a-tu-shi-shi-c34a63/index.html", "years/2021/index.html", "index.html",
             "departments/index.html", "budgets/index.html", "regions/index.html"]
    assert not changed & set(lists)
    # … and nothing of the other department: page, source, downloads, department, region, year
    untouched = [k for k in before if k.startswith((OTHER_DOC, "departments/ke-zhou",
                                                    "regions/ke-zhou", "assets/"))]
    assert untouched and not changed & set(untouched)
    # no classification page: they show the document's amounts, not its text
    classes = {k for k in before if k.startswith("classifications/") and k.count("/") == 3}
    assert classes and not changed & classes
    assert_same_as_clean_build(site, tmp_path)


def test_an_edited_amount_rerenders_the_classification_pages_that_show_it(make_site, tmp_path):
    site = incremental_site(make_site)
    build(site)
    before = inodes(site / "build")
    path = site / "content" / "disclosures" / EDITED
    row = "20\t03\t01\t行政运行（政府办公厅（室）及相关机构事务）\t1472.23"  # 表三, printed so
    text = path.read_text(encoding="utf-8")
    assert row in text
    path.write_text(text.replace(row, row[:-1] + "4", 1), encoding="utf-8")
    build(site)
    changed = rewritten(before, site / "build")
    page = "classifications/function/2010301/index.html"
    assert page in changed and "1,472.24" in (site / "build" / page).read_text(encoding="utf-8")
    classes = {k for k in before if k.startswith("classifications/") and k.count("/") == 3}
    assert classes - changed  # codes whose amounts did not change
    assert_same_as_clean_build(site, tmp_path)


def test_the_caches_keep_only_what_the_site_uses(make_site):
    """An edited source's old entry is dropped from .cache/parse (each edit and each
    generator version left one more, over 100 kB a document: gigabytes for a province),
    and so is a killed build's temporary file once it is old; .cache/charts keeps the
    charts the site shows, no others."""
    site = incremental_site(make_site, charts=True)
    build(site)
    folder, charts = site / ".cache" / "parse", site / ".cache" / "charts"
    first = {p.name for p in folder.glob("*.entry")}
    assert len(first) == 2
    leftover = folder / ".abc.123.tmp"
    leftover.write_bytes(b"x")
    os.utime(leftover, (0, 0))
    (charts / ("0" * 20 + ".entry")).write_text("<svg/>", encoding="utf-8")
    edit_source(site)
    build(site)
    after = {p.name for p in folder.glob("*.entry")}
    assert len(after) == 2 and len(after - first) == 1
    assert not leftover.exists()
    cached = {p.name for p in charts.iterdir()}
    assert cached and cached == {p.stem + ".entry" for p in (site / "build" / "charts").iterdir()}


def test_a_changed_template_rerenders_the_pages_that_use_it(make_site, tmp_path):
    site = incremental_site(make_site)
    build(site)
    before = inodes(site / "build")
    override = site / "templates" / "source.html"
    override.parent.mkdir()
    text = (BUILTIN_TEMPLATES / "source.html").read_text(encoding="utf-8")
    override.write_text(text.replace("{% block content %}", "{% block content %}<!-- 模板标记 -->", 1),
                        encoding="utf-8")
    report = build(site)
    changed = rewritten(before, site / "build")
    sources = {k for k in before if k.endswith("/source/index.html")}
    assert len(sources) == 2 and sources <= changed
    assert all("模板标记" in (site / "build" / k).read_text(encoding="utf-8") for k in sources)
    # the source view's unit also writes the original text; the database is always loaded anew
    also = {k.replace("source/index.html", "source.txt") for k in sources} | {"data/budget.duckdb"}
    assert changed - sources - also == set(), sorted(changed - sources - also)[:10]
    assert report.rendered == 2
    # a template every page extends: every page again
    base = site / "templates" / "base.html"
    base.write_text((BUILTIN_TEMPLATES / "base.html").read_text(encoding="utf-8") + "\n",
                    encoding="utf-8")
    before = inodes(site / "build")
    build(site)
    pages = {k for k in before if k.endswith(".html")}
    assert pages <= rewritten(before, site / "build")
    assert_same_as_clean_build(site, tmp_path)


def test_templates_parsed_for_their_includes_once_across_builds_and_again_once_edited(
        make_site, monkeypatch, tmp_path):
    from generator.render import outputs

    site = incremental_site(make_site)
    build(site)
    parsed: list[str] = []
    find = outputs.meta.find_referenced_templates
    monkeypatch.setattr(outputs.meta, "find_referenced_templates",
                        lambda ast: parsed.append(ast) or find(ast))
    edit_source(site)
    build(site)
    assert parsed == []  # every template's references read from the last build's
    # an edited template is parsed, and what it now includes followed: its edit is a change
    templates = site / "templates"
    templates.mkdir()
    text = (BUILTIN_TEMPLATES / "source.html").read_text(encoding="utf-8")
    (templates / "source.html").write_text(text.replace(
        "{% block content %}", '{% block content %}{% include "_extra.html" %}', 1), encoding="utf-8")
    (templates / "_extra.html").write_text("<!-- 第一版 -->", encoding="utf-8")
    build(site)
    assert len(parsed) == 2  # source.html and the new _extra.html
    (templates / "_extra.html").write_text("<!-- 第二版 -->", encoding="utf-8")
    build(site)
    sources = [p for p in (site / "build" / "budgets").glob("*/source/index.html")]
    assert len(sources) == 2 and all("第二版" in p.read_text(encoding="utf-8") for p in sources)
    assert_same_as_clean_build(site, tmp_path)


def test_a_deleted_source_removes_its_pages_and_rows(make_site, tmp_path):
    from generator.db import connect, query

    site = incremental_site(make_site)
    build(site)
    (site / "content" / "disclosures" / EDITED).unlink()
    build(site)
    assert not (site / "build" / EDITED_DOC).exists()
    assert not (site / "build" / "regions" / "a-tu-shi-shi-c34a63").exists()
    con = connect(site / "build" / "data" / "budget.duckdb")
    assert [r["doc_id"] for r in query(con, "SELECT doc_id FROM documents")] == [OTHER_DOC.split("/")[1]]
    con.close()
    assert_same_as_clean_build(site, tmp_path)
    # and back again: parsed again (its cache entry went with it), the other one not
    shutil.copy(next(p for p in sample_paths() if p.name == EDITED), site / "content" / "disclosures")
    report = build(site)
    assert (site / "build" / EDITED_DOC / "index.html").is_file() and report.parsed == 1


def test_clean_build_from_the_command_line_renders_everything(make_site, capsys):
    site = incremental_site(make_site)
    assert main(["build", str(site)]) == 0
    before = inodes(site / "build")
    assert main(["build", str(site)]) == 0
    assert "已是最新" in capsys.readouterr().out
    assert main(["build", str(site), "--clean"]) == 0
    assert "解析 2 个来源文件" in capsys.readouterr().out
    assert rewritten(before, site / "build") == set(inodes(site / "build"))


def test_a_config_change_rebuilds_everything(make_site):
    site = incremental_site(make_site)
    build(site)
    before = inodes(site / "build")
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("增量构建", "新标题"), encoding="utf-8")
    report = build(site)
    assert report.reused == 0 and report.parsed == 0
    assert rewritten(before, site / "build") == set(inodes(site / "build"))
    assert "新标题" in (site / "build" / "index.html").read_text(encoding="utf-8")


def test_a_classification_page_renders_the_edited_rows_and_joins_the_kept_ones(
        make_site, tmp_path, monkeypatch):
    """A code page's rows are kept between builds (`listrows.CodeRowStore`): an edit that
    changes a document's amount on the code and its 编制数 (so its 人均) keeps its doc_id,
    yet its row is rendered again — kept under the document's old key, it is stale — while
    the other department's row is joined as it was kept; the page is the clean build's."""
    import generator.render.listrows as listrows

    site = incremental_site(make_site)
    build(site, jobs=1)
    page = site / "build" / "classifications/function/2010301/index.html"
    assert OTHER_DOC.removeprefix("budgets/") in page.read_text(encoding="utf-8")
    path = site / "content" / "disclosures" / EDITED
    row = "20\t03\t01\t行政运行（政府办公厅（室）及相关机构事务）\t1472.23"  # 表三, printed so
    staff = "阿图什市人民政府办公室编制数 90，"
    text = path.read_text(encoding="utf-8")
    assert row in text and staff in text
    path.write_text(text.replace(row, row[:-1] + "4", 1).replace(staff, staff.replace("90", "80")),
                    encoding="utf-8")
    rendered: list[str] = []
    real = listrows._classification_row

    def counted(doc, *args):
        rendered.append(doc.doc_id)
        return real(doc, *args)

    monkeypatch.setattr(listrows, "_classification_row", counted)
    build(site, jobs=1)
    shown = page.read_text(encoding="utf-8")
    edited = EDITED_DOC.removeprefix("budgets/").rstrip("/")
    assert edited in shown and OTHER_DOC.removeprefix("budgets/") in shown
    assert "1,472.24" in shown and "1,472.23" not in shown
    assert '<td class="num" data-sort="80">80</td>' in shown
    # the 编制数 is on every page it prints: those are rendered, its rows alone
    assert rendered and set(rendered) == {edited}
    assert_same_as_clean_build(site, tmp_path)
