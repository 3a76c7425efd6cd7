"""Hostile names never run as script (issue 19): a site whose department name and a
Markdown page carry script tags, an `<img onerror>` and a `javascript:` link is opened page
by page in headless Chromium, the search page with queries that return those names too,
and no dialog may open anywhere."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.build import build
from generator.render.screenshots import launch, serve
from tests.conftest import SAMPLES

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
SAMPLE = "001_39ebdcf812bae707.txt"  # 克州人民政府办公室, word-cells
HOSTILE = "克州<img src=x onerror=alert(1)><script>alert(2)</script>局"
PAGE = """# 说明<script>alert(3)</script>

<img src=x onerror=alert(4)> 正文 <script>alert(5)</script>

[点我](javascript:alert(6)) · <a href="javascript:alert(7)">链接</a>
"""
QUERIES = ["局", "克州", "img", "script", "alert", "onerror"]


def test_no_dialog_opens_on_any_page(make_site, tmp_path):
    from playwright.sync_api import sync_playwright

    text = (SAMPLES / SAMPLE).read_bytes().decode("utf-8-sig").replace("克州人民政府办公室", HOSTILE)
    site = make_site({
        "site.toml": '[site]\ntitle = "安全"\nbase_url = "/site/"\n[build]\ncharts = false\n',
        f"content/disclosures/{SAMPLE}": text,
        "content/pages/hostile.md": PAGE,
    })
    www = tmp_path / "www"
    build(site, output=www / "site")
    out = www / "site"
    pages = sorted(p.relative_to(out).parent.as_posix() + "/" for p in out.rglob("index.html"))
    pages = [p.removeprefix("./") for p in pages]
    department = next(p for p in pages if p.startswith("departments/") and p != "departments/")
    assert "&lt;img src=x onerror=alert(1)&gt;" in (out / department / "index.html").read_text(
        encoding="utf-8"), "the hostile name must reach the pages (escaped), or nothing is tested"
    for html in out.rglob("*.html"):
        assert 'href="javascript:' not in html.read_text(encoding="utf-8").lower(), html
    dialogs: list[str] = []
    with serve(www, "site/") as base, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for path in pages:
            page.goto(base + path, wait_until="load")
        for q in QUERIES:
            page.goto(base + "search/?q=" + q, wait_until="load")
            page.wait_for_function("document.body.hasAttribute('data-search-done')")
            # open the filters: their options carry the department names
            for select in page.locator("select").all():
                values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
                for value in values[1:]:
                    select.select_option(value)
                    page.wait_for_timeout(20)
        page.goto(base + "search/?q=局", wait_until="load")
        page.wait_for_function("document.body.hasAttribute('data-search-done')")
        shown = page.inner_text("#search-results")
        browser.close()
    assert dialogs == []
    assert "onerror=alert(1)" in shown  # shown as text, where a browser would have run it
    shutil.rmtree(www)
