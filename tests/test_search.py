"""Search over the real sample site, in headless Chromium, served under a subpath (`/site/`).

One build of content/ (the five sample disclosures) with the Pagefind index, one browser.
The recall suite runs every query of `tests/search_terms.toml` through Pagefind's own
JavaScript API in the page — the same index, segmentation and ranking the search page
uses — and requires recall ≥ 95% over all (term, page) pairs, the listed pages in the top
five for exact department and project names, and a project's own anchor among its
sub-results. The UI tests drive the search page and the header box like a reader would.
Needs Debian's chromium (`make test` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import build
from generator.render.screenshots import launch, serve
from generator.search import BUNDLE_DIR
from tests.site_fixtures import open_page

REPO = Path(__file__).resolve().parents[1]
SEARCH_TERMS = Path(os.environ.get("SEARCH_TERMS", REPO / "tests" / "search_terms.toml"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
RECALL_GOAL = 0.95
PREFIX = "site/"

# Every query in one round trip: Pagefind's API, all results with their URLs and sub-results.
RUN_QUERIES = """async ([bundle, root, queries]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({baseUrl: root});
  const list = await fetch(bundle + "shards.json").then(r => r.json());
  for (const shard of list.shards) await pagefind.mergeIndex(bundle + shard, {baseUrl: root});
  const out = {};
  for (const q of queries) {
    const search = await pagefind.search(q);
    const data = await Promise.all(search.results.map(r => r.data()));
    out[q] = data.map(d => ({url: d.url, title: d.meta.title,
                             subs: d.sub_results.map(s => ({title: s.title, url: s.url}))}));
  }
  return out;
}"""


def load_terms(path: Path = SEARCH_TERMS) -> tuple[list[dict], dict[str, str]]:
    """The terms and, for each, its pages as site paths (names from [pages] resolved)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    aliases = data.get("pages", {})
    terms = data["terms"]
    for t in terms:
        for key in ("pages", "top5"):
            t[key] = [aliases.get(p, p) for p in t.get(key, [])]
    return terms, aliases


# Every test runs on the site as one index and as shards merged in the browser (a shard size
# that splits the five documents over several Pagefind processes, as a province would be).
SHARD_SIZES = {"one index": 0, "shards": 20_000}


@pytest.fixture(scope="module", params=list(SHARD_SIZES))
def search_site(request, tmp_path_factory):
    """The sample site with its search index, served at /site/; (base URL, browser, build dir)."""
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("search")
    site = root / "src"
    shutil.copytree(REPO / "content", site / "content")
    (site / "site.toml").write_text(
        '[site]\ntitle = "测试站"\nbase_url = "/site/"\n[build]\ncharts = false\nsearch = true\n'
        f"search_shard_size = {SHARD_SIZES[request.param]}\n", encoding="utf-8")
    www = root / "www"
    build(site, output=www / "site")
    out = www / "site"
    assert (out / "search" / "index.html").exists(), "render_site must call render_search_page"
    shards = json.loads((out / BUNDLE_DIR / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert (len(shards) >= 2) == (SHARD_SIZES[request.param] > 0), shards
    with serve(www, PREFIX) as base, sync_playwright() as p:
        browser = launch(p)
        yield base, browser, out
        browser.close()


@pytest.fixture(scope="module")
def results(search_site):
    """Every query of the recall suite, run once: {query: [result, ...]} in rank order."""
    base, browser, _ = search_site
    terms, _ = load_terms()
    page = browser.new_page()
    page.goto(base + "search/", wait_until="load")
    root = urlsplit(base).path
    found = page.evaluate(RUN_QUERIES, [root + BUNDLE_DIR + "/", root, [t["q"] for t in terms]])
    page.close()
    return found


def page_path(url: str) -> str:
    """A result URL ("/site/budgets/x/#project-1") as a site path ("budgets/x/")."""
    path = urlsplit(url).path
    return path[len("/" + PREFIX):] if path.startswith("/" + PREFIX) else path.lstrip("/")


def test_bundle_is_local_and_chinese(search_site):
    _, _, out = search_site
    bundle = out / BUNDLE_DIR
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert '"zh-cn"' in (bundle / "pagefind-entry.json").read_text(encoding="utf-8")
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert "../pagefind/pagefind-ui.js" in html and "http" not in html.split("<body>", 1)[1]


def test_every_known_page_is_in_the_pages_table():
    """Aliases in the data file point to pages of the URL scheme, and every term has pages."""
    terms, aliases = load_terms()
    assert len(terms) >= 50
    prefixes = ("budgets/", "departments/", "regions/", "classifications/")
    for path in aliases.values():
        assert path.startswith(prefixes) and path.endswith("/"), path
    for t in terms:
        assert t["pages"], t["q"]
        assert set(t["top5"]) <= set(t["pages"]), t["q"]


def test_recall(results):
    terms, _ = load_terms()
    missed = []
    total = 0
    for t in terms:
        got = {page_path(r["url"]) for r in results[t["q"]]}
        total += len(t["pages"])
        missed += [(t["q"], p) for p in t["pages"] if p not in got]
    recall = 1 - len(missed) / total
    print(f"\nsearch recall {total - len(missed)}/{total} = {recall:.1%} over {len(terms)} terms")
    assert recall >= RECALL_GOAL, missed


def test_exact_names_rank_in_top_five(results):
    terms, _ = load_terms()
    late = []
    for t in terms:
        top = [page_path(r["url"]) for r in results[t["q"]][:5]]
        late += [(t["q"], p, top) for p in t["top5"] if p not in top]
    assert late == []


def test_a_project_leads_to_its_own_entry(results):
    terms, _ = load_terms()
    checked = 0
    for t in (t for t in terms if t.get("section")):
        page = next(r for r in results[t["q"]] if page_path(r["url"]) == t["top5"][0])
        anchors = [s["url"] for s in page["subs"] if s["title"] == t["q"]]
        assert anchors and "#project-" in anchors[0], (t["q"], page["subs"])
        checked += 1
    assert checked >= 10


def test_noise_stays_out_of_the_index(results):
    """Source views, the data pages and the index pages are never results."""
    kinds = ("budgets/", "departments/", "regions/", "classifications/function/",
             "classifications/economic/")
    for query, found in results.items():
        for r in found:
            path = page_path(r["url"])
            assert path.startswith(kinds) and "/source/" not in path, (query, path)


def test_filters(search_site):
    base, browser, _ = search_site
    root = urlsplit(base).path
    page = browser.new_page()
    page.goto(base + "search/", wait_until="load")
    filters, only_classes = page.evaluate("""async ([bundle, root]) => {
      const pagefind = await import(bundle + "pagefind.js");
      await pagefind.options({baseUrl: root});
      const list = await fetch(bundle + "shards.json").then(r => r.json());
      for (const shard of list.shards) await pagefind.mergeIndex(bundle + shard, {baseUrl: root});
      const filters = await pagefind.filters();
      const search = await pagefind.search("住房", {filters: {类型: "科目"}});
      const data = await Promise.all(search.results.map(r => r.data()));
      return [filters, data.map(d => d.url)];
    }""", [root + BUNDLE_DIR + "/", root])
    page.close()
    assert set(filters) == {"类型", "地区", "年度", "部门"}
    assert set(filters["类型"]) == {"部门预算", "部门", "科目", "地区"}
    assert {"喀什地区", "阿图什市"} <= set(filters["地区"])
    assert {"2021", "2024", "2025"} <= set(filters["年度"])
    assert only_classes and all("/classifications/" in u for u in only_classes)


def open_search(browser, url: str, width: int = 390, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN",
                                  java_script_enabled=javascript)
    page, _, errors, outside = open_page(context, url)
    return context, page, errors, outside


def test_search_page_on_a_phone(search_site):
    """The header box submits to search/?q=; results, sub-results and the UI are Chinese."""
    base, browser, _ = search_site
    context, page, errors, outside = open_search(browser, base + "departments/")
    page.fill("#site-search-q", "驻京办业务专项")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".pagefind-ui__result-link")
    assert urlsplit(page.url).path == "/" + PREFIX + "search/"
    first = page.locator(".pagefind-ui__result").first
    link = first.locator(".pagefind-ui__result-link").first
    assert link.get_attribute("href").startswith("/" + PREFIX + "budgets/")
    sub = first.locator(".pagefind-ui__result-nested .pagefind-ui__result-link",
                        has_text="驻京办业务专项")
    assert "#project-" in sub.first.get_attribute("href")
    assert page.locator(".pagefind-ui__search-input").get_attribute("placeholder") != "Search"
    assert page.locator(".pagefind-ui__filter-panel").inner_text().count("类型") >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # following the sub-result lands on the project's entry
    sub.first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector(':target').textContent") == "驻京办业务专项"
    assert errors == [] and outside == []
    context.close()


def test_search_page_without_javascript(search_site):
    base, browser, _ = search_site
    context, page, _, _ = open_search(browser, base + "search/?q=住房", javascript=False)
    assert "搜索需要启用 JavaScript" in page.inner_text("main")
    # the header box still works as a plain form
    assert page.get_attribute(".site-search", "action") == "./"
    context.close()
