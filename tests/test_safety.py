"""Safety: hostile names in a source never become markup, paths, formulas or requests.

A disclosure whose department and project names carry `<script>`, `../../etc`,
`=HYPERLINK("http://x")` and quotes is built into a real site; then every HTML page
must show those names as text, no file may be written outside build/ (the chart cache
under .cache/ aside), every CSV cell that a spreadsheet would run as a formula must be
neutralised, and no page may make a request to another host.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from duckdb import connect

from generator.build import build

from .conftest import SAMPLES

SITE_TOML = '[site]\ntitle = "安全测试"\n[build]\nsearch = false\ncharts = true\n'
TSV_SAMPLE = SAMPLES / "004_27a732d9d5264bbf.txt"
OLD_DEPARTMENT = "阿图什市人民政府办公室"

SCRIPT = "<script>alert(1)</script>"
# The 编制部门 reader takes names of up to 60 characters: this one has 59.
HOSTILE_DEPARTMENT = f'=HYPERLINK("http://x"){SCRIPT}../../etc\'局'
HOSTILE_PROJECTS = {
    "车辆运行及维护（机关事务管理局）": '=HYPERLINK("http://x","点击")',
    "县级领导地方配套": '../../../../etc/passwd<img src=x onerror=alert(1)>',
    "阿图什市电子政务外网项目资金": '+cmd|" /C calc"!A0 \'"<b>粗</b>',
}
MARKDOWN_PAGE = "# 关于\n\n<script>alert('md')</script>\n\n[链接](javascript:alert(1))\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def hostile_source() -> bytes:
    text = TSV_SAMPLE.read_text(encoding="utf-8").replace(OLD_DEPARTMENT, HOSTILE_DEPARTMENT)
    for old, new in HOSTILE_PROJECTS.items():
        assert old in text
        text = text.replace(old, new)
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    files = {"site.toml": SITE_TOML,
             "content/disclosures/hostile.txt": hostile_source(),
             "content/pages/about.md": MARKDOWN_PAGE}
    for name, data in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    before = snapshot(root)
    report = build(site)
    return site, root, before, report


def snapshot(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def output_files(site: Path, suffix: str) -> list[Path]:
    return sorted(p for p in (site / "build").rglob(f"*{suffix}") if p.is_file())


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style"):
            self._open = tag

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            self.raw.append((self._open, data))


def parse_html(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_hostile_document_is_built(hostile_site):
    site, _, _, report = hostile_site
    assert len(report.documents) == 1
    doc = report.documents[0]
    assert SCRIPT in doc.department
    con = connect(site / "build" / "data" / "budget.duckdb", read_only=True)
    projects = [r[0] for r in con.execute(
        "SELECT project FROM table_rows WHERE table_key = 'projects' AND kind = 'project' "
        "AND NOT is_total").fetchall()]
    con.close()
    assert set(HOSTILE_PROJECTS.values()) <= set(projects)


def test_every_text_from_the_source_is_escaped_in_html(hostile_site):
    site, _, _, _ = hostile_site
    pages = output_files(site, ".html")
    assert pages
    shown = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert SCRIPT not in html, f"{page}: unescaped <script> from a department name"
        assert "<img src=x" not in html and "<b>粗</b>" not in html, f"{page}: unescaped markup"
        assert "alert('md')</script>" not in html, f"{page}: raw HTML from a Markdown page"
        elements = parse_html(page)
        for tag, attrs in elements.tags:
            assert not any(k.startswith("on") for k in attrs), f"{page}: event handler on <{tag}>"
            for key in ("href", "src", "action"):
                assert not attrs.get(key, "").strip().lower().startswith("javascript:"), \
                    f"{page}: javascript: URL in <{tag} {key}>"
        for kind, text in elements.raw:
            assert "alert(" not in text, f"{page}: source text inside <{kind}>"
        shown += "&lt;script&gt;" in html
    assert shown, "the hostile department name is shown (escaped) on at least one page"


def test_svg_charts_escape_names(hostile_site):
    site, _, _, _ = hostile_site
    for svg in output_files(site, ".svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img" not in text, svg


def test_no_file_is_written_outside_build(hostile_site):
    site, root, before, _ = hostile_site
    new = snapshot(root) - before
    # (.build.lock beside build/: the lock that lets one build at a time replace it)
    outside = sorted(p for p in new if not p.startswith(("site/build", "site/.cache"))
                     and p != "site/.build.lock")
    assert outside == [], f"written outside build/: {outside}"
    build_dir = (site / "build").resolve()
    for path in (site / "build").rglob("*"):
        assert path.resolve().is_relative_to(build_dir), f"{path} leaves build/"
        assert ".." not in path.relative_to(site / "build").parts
    assert not any("passwd" in p.name for p in (site / "build").rglob("*"))


def test_staging_and_old_folders_are_gone(hostile_site):
    site, _, _, _ = hostile_site
    assert [p.name for p in site.iterdir() if "staging" in p.name or "-old-" in p.name] == []


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def all_csv(site: Path) -> list[tuple[str, bytes]]:
    found = [(str(p), p.read_bytes()) for p in output_files(site, ".csv")]
    for archive in output_files(site, ".zip"):
        with zipfile.ZipFile(archive) as z:
            found += [(f"{archive}!{n}", z.read(n)) for n in z.namelist() if n.endswith(".csv")]
    return found


def test_csv_formula_injection_is_neutralised(hostile_site):
    site, _, _, _ = hostile_site
    files = all_csv(site)
    assert files
    seen_hostile = 0
    for name, data in files:
        for cell in csv_cells(data):
            if cell.startswith(FORMULA_START) and not NUMBER.match(cell):
                pytest.fail(f"{name}: formula cell {cell[:80]!r}")
            seen_hostile += "HYPERLINK" in cell
    assert seen_hostile, "the hostile names reach the CSV downloads (neutralised)"


def test_bulk_csv_defuses_text_and_joined_lists(tmp_path):
    """The bulk CSV is written by DuckDB: a text cell and a list joined into one cell (a
    table's column labels come from the source) are defused like any other cell."""
    from generator import db
    from generator.render import bulk
    from generator.render.downloads import write_bulk

    con = db.connect()
    con.execute("INSERT INTO source_tables (doc_id, table_key, title, columns, column_labels) "
                "VALUES ('d-2024', 'expense', '=t', ['=a', 'b'], ['@SUM(A1)', '-1'])")
    write_bulk(con, tmp_path, bulk.chunks({"d-2024": "key"}, "settings"), bulk.PartStore(tmp_path / "parts", None))
    con.close()
    header, row = list(csv.reader(io.StringIO(
        (tmp_path / "data" / "csv" / "source_tables" / "part-0000.csv").read_text(encoding="utf-8-sig"))))
    cells = dict(zip(header, row))
    assert (cells["title"], cells["columns"], cells["column_labels"]) == ("'=t", "'=a|b", "'@SUM(A1)|-1")


def is_local(url: str) -> bool:
    url = url.strip()
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE) or url.startswith("data:")


def test_no_page_requests_another_host(hostile_site):
    """Scripts, styles, images, fonts, frames and forms: all from the site itself."""
    site, _, _, _ = hostile_site
    loading = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
               "video": "src", "embed": "src", "object": "data", "form": "action",
               "input": "src", "track": "src"}
    for page in output_files(site, ".html"):
        elements = parse_html(page)
        for tag, attrs in elements.tags:
            if tag in loading and attrs.get(loading[tag]):
                assert is_local(attrs[loading[tag]]), f"{page}: <{tag}> loads {attrs[loading[tag]]}"
            if tag == "link" and attrs.get("rel", "") != "canonical":
                assert is_local(attrs.get("href", "")), f"{page}: <link> loads {attrs['href']}"
            if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
                assert "url=" not in attrs.get("content", "").lower(), f"{page}: meta refresh"
            for key in ("srcset", "style", "poster", "background"):
                assert "http" not in attrs.get(key, "") and "//" not in attrs.get(key, ""), \
                    f"{page}: <{tag} {key}> may load from another host"
        for kind, text in elements.raw:
            assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]", text, re.IGNORECASE) or kind == "script" \
                and "fetch(" not in text, f"{page}: <{kind}> may load from another host"
    for sheet in output_files(site, ".css") + output_files(site, ".js"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)
        assert all(is_local(u) for u in urls), f"{sheet}: {urls}"
        assert not re.search(r"fetch\(\s*['\"]https?://", text), f"{sheet} fetches another host"


def test_build_output_is_inside_the_site(hostile_site):
    site, _, _, report = hostile_site
    assert Path(os.path.commonpath([report.output, site.resolve()])) == site.resolve()
