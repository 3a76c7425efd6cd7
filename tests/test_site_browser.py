"""The fixture site in headless Chromium, served under a subpath (`/site/`).

Every page kind loads with no console error and no request to another host; charts
are visible; every CSV/JSON download link resolves and parses; the home table sorts.
Needs Debian's chromium (`make test` installs it with `apt-get install -y chromium`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.render.screenshots import launch, serve
from tests.site_fixtures import build_fixture_site, open_page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No skip: a browser test that silently does not run would pass CI without checking anything.
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
DOC = "ka-shi-di-qu-xing-zheng-gong-shu-ban-gong-shi-e8c2be-2021"
PAGES = ["", f"budgets/{DOC}/", f"budgets/{DOC}/source/", "departments/",
         "departments/ke-zhou-ren-min-zheng-fu-ban-gong-shi-ed00dd/", "regions/", "regions/ka-shi-di-qu-423d91/",
         "years/", "years/2021/", "classifications/", "classifications/function/2210201/",
         "data/", "data/dictionary/", "pages/about/", "pages/methodology/", "404.html",
         "no-such-page/"]


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("browser")
    out, _ = build_fixture_site(root, base_url="/site/")
    www = root / "www"
    www.mkdir()
    shutil.move(str(out), www / "site")
    with serve(www, "site/") as base, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        yield base, context
        context.close()
        browser.close()


def test_every_page_kind_loads_cleanly(browser_site):
    base, context = browser_site
    for path in PAGES:
        page, response, errors, outside = open_page(context, base + path)
        expected_missing = path == "no-such-page/"
        if not expected_missing:
            assert response.status == 200, path
            # python's http.server has no 404.html fallback; the "missing" page is checked below
            assert errors == [], (path, errors)
        assert outside == [], (path, outside)
        if path == "404.html":
            # absolute links from base_url: the stylesheet loads under the subpath
            assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
        page.close()


def test_charts_are_visible(browser_site):
    base, context = browser_site
    page, _, errors, _ = open_page(context, base + f"budgets/{DOC}/")
    images = page.locator("figure.chart img")
    assert images.count() >= 4
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
        assert img.is_visible() and img.get_attribute("alt")
    assert errors == []
    page.close()


def test_every_download_link_parses(browser_site):
    base, context = browser_site
    for path in (f"budgets/{DOC}/", "data/"):
        page, _, _, _ = open_page(context, base + path)
        hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        downloads = [h for h in hrefs if urlsplit(h).path.endswith((".csv", ".json", ".txt",
                                                                     ".zip", ".parquet", ".duckdb"))]
        assert downloads, path
        for href in downloads:
            response = context.request.get(href)
            assert response.ok, href
            body = response.body()
            if href.endswith(".csv"):
                assert body.startswith(b"\xef\xbb\xbf"), href
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
                assert len(rows) >= 1 and all(len(r) == len(rows[0]) for r in rows), href
            elif href.endswith(".json"):
                json.loads(body.decode("utf-8"))
        page.close()


def test_home_table_sorts(browser_site):
    base, context = browser_site
    page, _, errors, _ = open_page(context, base)
    table = page.locator("table.sortable").first
    header = table.locator("thead th", has_text="支出总预算")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    column = page.evaluate("""() => {
        const t = document.querySelector('table.sortable');
        const i = [...t.tHead.rows[0].cells].findIndex(c => c.textContent.includes('支出总预算'));
        return [...t.tBodies[0].rows].map(r => parseFloat(r.cells[i].dataset.sort));
    }""")
    assert column == sorted(column) and len(column) == 6
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert errors == []
    page.close()


def test_source_line_anchor_is_targeted(browser_site):
    base, context = browser_site
    page, _, _, _ = open_page(context, base + f"budgets/{DOC}/")
    page.locator('a[title="原文第 130 行"]').first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("source/#L130")
    assert page.evaluate("document.querySelector(':target').id") == "L130"
    page.close()
