"""The shipped site (content/ and site.toml as they are) in headless Chromium, at a 390×844
phone and a 1280×800 desktop: what a citizen on a phone needs from a department-year page.

- No page of the site scrolls sideways, closed or with every <details> opened; a wide
  table scrolls inside its box and its name column stays put.
- Every department-year page is at most 12 phone screens before the reader opens anything.
- Problems sit beside the numbers: a document that fails a check has a banner on its
  first screen and marked figures; a project list that does not add up to the 项目支出
  figure says so with both sums; the page shows no check slug.
- Names a table prints as codes only (表三) are supplied from the same document's other
  tables, and marked as supplied.
- The source view keeps numbers whole (it broke them anywhere: `word-break: break-all`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build
from generator.db import connect, query
from generator.render.screenshots import launch, serve

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_SCREENS = 12
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"
SIZE = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped content built as `make build` builds it; yields (build dir, base URL, browser)."""
    from playwright.sync_api import sync_playwright

    site = tmp_path_factory.mktemp("shipped")
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    build(site, jobs=1)
    out = site / "build"
    with serve(out) as base, sync_playwright() as p:
        browser = launch(p)
        yield out, base, browser
        browser.close()


def site_pages(out: Path) -> list[str]:
    pages = sorted(p.parent.relative_to(out).as_posix() + "/" for p in out.rglob("index.html"))
    return [("" if p == "./" else p) for p in pages] + ["404.html"]


def document_pages(out: Path) -> list[str]:
    return sorted(f"budgets/{p.parent.name}/" for p in (out / "budgets").glob("*/index.html"))


def each_document(shipped, opened: bool = False):
    """Each department-year page loaded in one phone tab (every <details> opened when asked):
    yields (path, tab)."""
    out, base, browser = shipped
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    tab = context.new_page()
    try:
        for path in document_pages(out):
            tab.goto(base + path, wait_until="load")
            if opened:
                tab.evaluate(OPEN_ALL)
            yield path, tab
    finally:
        context.close()


def failed_checks(out: Path) -> dict[str, int]:
    con = connect(out / "data" / "budget.duckdb")
    rows = query(con, "SELECT doc_id, count(*) AS n FROM checks WHERE status = 'fail' GROUP BY doc_id")
    con.close()
    return {r["doc_id"]: r["n"] for r in rows}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_no_page_scrolls_sideways(shipped, viewport):
    out, base, browser = shipped
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    tab = context.new_page()
    wide = []
    documents = set(document_pages(out))
    for path in site_pages(out):
        tab.goto(base + path, wait_until="load")
        width, _ = tab.evaluate(SIZE)
        if width > viewport["width"]:
            wide.append((path, width))
        if path in documents:  # the full tables opened: they scroll inside their boxes
            tab.evaluate(OPEN_ALL)
            width, _ = tab.evaluate(SIZE)
            if width > viewport["width"]:
                wide.append((path, "opened", width))
    context.close()
    assert len(documents) >= 5
    assert wide == []


def test_department_pages_fit_in_twelve_phone_screens(shipped):
    heights = {}
    for path, tab in each_document(shipped):
        heights[path] = tab.evaluate(SIZE)[1]
        tab.evaluate(OPEN_ALL)
        opened = tab.evaluate(SIZE)[1]
        assert opened > heights[path], path  # the full tables are there, one tap away
    assert len(heights) >= 5
    too_long = {p: round(h / PHONE["height"], 1) for p, h in heights.items()
                if h > MAX_SCREENS * PHONE["height"]}
    assert too_long == {}


def test_wide_table_scrolls_in_its_box_with_names_fixed(shipped):
    checked = 0
    for path, tab in each_document(shipped, opened=True):
        moved = tab.evaluate("""() => [...document.querySelectorAll('.parsed-table .table-wrap')]
            .filter(w => w.scrollWidth > w.clientWidth + 40).map(w => {
              const name = w.querySelector('tbody th[scope=row]');
              w.scrollLeft = 0;
              const before = name.getBoundingClientRect().left;
              w.scrollLeft = 200;
              const after = name.getBoundingClientRect().left;
              return [before, after, name.getBoundingClientRect().width, w.scrollLeft];
            })""")
        for before, after, name_width, scrolled in moved:
            assert scrolled > 0 and abs(after - before) < 1, (path, before, after)
            assert name_width >= 100, (path, name_width)  # names keep a readable width (≥ 6 字)
            checked += 1
    assert checked > 0


def test_a_failing_document_says_so_beside_its_numbers(shipped):
    failing = failed_checks(shipped[0])
    for path, tab in each_document(shipped):
        doc_id = path.split("/")[1]
        alert = tab.locator(".alert")
        if doc_id not in failing:
            assert alert.count() == 0, path
            continue
        assert alert.count() == 1, path
        assert f"{failing[doc_id]} 项" in alert.inner_text(), path
        assert alert.bounding_box()["y"] < PHONE["height"], path  # on the first screen
        assert tab.locator("tr.flagged, .figure.flagged").count() > 0, path
    assert failing  # the shipped samples include documents that fail checks


def test_project_list_that_does_not_add_up_says_so(shipped):
    differing = 0
    for path, tab in each_document(shipped):
        if tab.locator("#projects").count() == 0:
            continue
        amounts = tab.eval_on_selector_all(
            "#projects .projects li .meta", "ms => ms.map(m => (m.textContent.match(/([\\d,.]+) 万元/) || [])[1])")
        listed = sum((Decimal(a.replace(",", "")) for a in amounts if a), Decimal(0))
        card = tab.locator(".figure", has=tab.locator("dt", has_text="项目支出")).locator("dd a").first
        if card.count() == 0:
            continue
        total = Decimal(card.inner_text().replace(",", ""))
        note = tab.locator("#projects .alert-inline")
        if listed == total:
            assert note.count() == 0, path
        else:
            differing += 1
            text = note.inner_text()
            assert f"已列名项目 {listed:,.2f} 万元" in text and f"项目支出合计 {total:,.2f} 万元" in text, (path, text)
            assert tab.locator(".figure.flagged", has_text="项目支出").count() == 1, path
    assert differing > 0


def test_pages_show_no_check_slugs(shipped):
    con = connect(shipped[0] / "data" / "budget.duckdb")
    slugs = {r["slug"] for r in query(con, "SELECT DISTINCT slug FROM checks UNION SELECT DISTINCT slug FROM issues")}
    con.close()
    for path, tab in each_document(shipped, opened=True):
        text = tab.inner_text("main")
        shown = {s for s in slugs if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)}
        assert shown == set(), path


def test_supplied_names_come_from_the_same_documents_other_tables(shipped):
    supplied = 0
    for path, tab in each_document(shipped):
        tables = {t["table_key"]: t for t in (json.loads(p.read_text(encoding="utf-8"))
                                              for p in (shipped[0] / path / "tables").glob("*.json"))}
        named = {(r["code"], r["name"]) for t in tables.values() for r in t["rows"] if r["code"] and r["name"]}
        for key, code, name in tab.eval_on_selector_all("tr:has(sup.supplied)", """rs => rs.map(r => [
                r.closest('section.parsed-table').id.replace('table-', ''),
                r.querySelector('td.code a, td.code').firstChild.textContent.trim(),
                r.querySelector('th').firstChild.textContent.trim()])"""):
            printed = next(r for r in tables[key]["rows"] if r["code"] == code)
            assert printed["name"] is None, (path, key, code)  # supplied only where none is printed
            assert (code, name) in named, (path, key, code, name)
            supplied += 1
    assert supplied > 0


def test_source_view_keeps_numbers_whole(shipped):
    out, base, browser = shipped
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    tab = context.new_page()
    numbers = 0
    for path in document_pages(out):
        tab.goto(base + path + "source/", wait_until="load")
        broken, seen = tab.evaluate(r"""() => {
            let broken = [], seen = 0;
            for (const ln of [...document.querySelectorAll('pre.source .ln')].slice(0, 400)) {
              const walker = document.createTreeWalker(ln, NodeFilter.SHOW_TEXT);
              for (let node; (node = walker.nextNode());) {
                for (const m of node.textContent.matchAll(/\d[\d,]*\.\d+/g)) {
                  const range = document.createRange();
                  range.setStart(node, m.index);
                  range.setEnd(node, m.index + m[0].length);
                  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                  seen += 1;
                  if (tops.size > 1) broken.push(m[0]);
                }
              }
            }
            return [broken, seen];
        }""")
        assert broken == [], (path, broken[:5])
        numbers += seen
    context.close()
    assert numbers > 100
