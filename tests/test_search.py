"""Search over the real sample site, in headless Chromium, served under a subpath (`/site/`).

One build of content/ (the five sample disclosures) with the search index, one browser.
The recall suite runs every query of `tests/search_terms.toml` through the search page
itself (its form, its JavaScript, its first page of results) and requires recall ≥ 95%
over all (term, page) pairs, precision ≥ 95% (of the results shown, the share whose page
contains the term), the listed pages in the top five for exact department and project
names, and a project's own anchor among its sub-results. The UI tests drive the search
page and the header box like a reader would. Needs Debian's chromium (`make test`
installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import build
from generator.render.screenshots import launch, serve
from generator.search import INDEX_DIR
from generator.search.analyzer import index_terms, query_terms
from generator.search.analyzer import squeezed as analyzer_squeezed
from generator.search.index import read_unit_file, term_hash
from tests.site_fixtures import open_page

REPO = Path(__file__).resolve().parents[1]
SEARCH_TERMS = Path(os.environ.get("SEARCH_TERMS", REPO / "tests" / "search_terms.toml"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run `make test` (it installs Debian's chromium)"
RECALL_GOAL = PRECISION_GOAL = 0.95
PREFIX = "site/"

# Every query through the search page, one after the other: the first page of results as
# the page shows them (title link, sub-result links and their text), and whether the match
# was exact.
RUN_QUERIES = """async (queries) => {
  const out = {};
  for (const q of queries) {
    await window.searchRun(q, false);
    out[q] = {exact: !document.getElementById("search-status").textContent.startsWith("没有与"),
              results: [...document.querySelectorAll("#search-results > li")].map(li => ({
                url: li.querySelector("a.result-title").href,
                title: li.querySelector("a.result-title").textContent,
                subs: [...li.querySelectorAll("ul a")].map(a => ({url: a.href, text: a.textContent}))
              }))};
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


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """The five samples' site with its search index, served at /site/; (base URL, browser, build dir)."""
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("search")
    site = root / "src"
    # The five samples (the term list's expected pages are theirs) and the Markdown pages;
    # the real PDFs the shipped site also holds would add pages to every common term.
    shutil.copytree(REPO / "content", site / "content",
                    ignore=lambda folder, names: [n for n in names if n.endswith(".pdf")])
    (site / "site.toml").write_text(
        '[site]\ntitle = "测试站"\nbase_url = "/site/"\n[build]\ncharts = false\nsearch = true\n',
        encoding="utf-8")
    www = root / "www"
    build(site, output=www / "site")
    out = www / "site"
    assert (out / "search" / "index.html").exists(), "render_site must call render_search_page"
    with serve(www, PREFIX) as base, sync_playwright() as p:
        browser = launch(p)
        yield base, browser, out
        browser.close()


@pytest.fixture(scope="module")
def results(search_site):
    """Every query of the recall suite, run once: {query: {exact, results}}, in rank order."""
    base, browser, _ = search_site
    terms, _ = load_terms()
    page = browser.new_page()
    page.goto(base + "search/", wait_until="load")
    found = page.evaluate(RUN_QUERIES, [t["q"] for t in terms])
    page.close()
    return found


def page_path(url: str) -> str:
    """A result URL ("/site/budgets/x/#project-1") as a site path ("budgets/x/")."""
    path = urlsplit(url).path
    return path[len("/" + PREFIX):] if path.startswith("/" + PREFIX) else path.lstrip("/")


def squeezed(text: str) -> str:
    """Text as a term is looked for in it: NFKC, lower case, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def page_text(out: Path, path: str) -> str:
    """The visible text of a built page's main part, squeezed (tags and scripts dropped)."""
    html = (out / path / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    import html as htmllib
    return squeezed(htmllib.unescape(re.sub(r"<[^>]*>", "", main)))


def test_index_is_local_and_small(search_site):
    _, _, out = search_site
    meta = json.loads((out / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["buckets"] & (meta["buckets"] - 1) == 0
    assert len(list((out / INDEX_DIR / "t").glob("*.json"))) == meta["buckets"]
    # What every query loads first holds no per-page or per-department data: that is in
    # filters.json, fetched once results are shown.
    assert set(meta) == {"version", "buckets", "chunk", "filters"}
    filters = json.loads((out / INDEX_DIR / "filters.json").read_text(encoding="utf-8"))
    assert len(filters["values"]) == len(meta["filters"])
    assert any(values for values in filters["values"]) and filters["pages"]
    assert not (out / "pagefind").exists()
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    # the page carries its own script (in its <head>, so that a query starts fetching at
    # once) and names no other host
    head = html.split("<body>", 1)[0]
    assert '<script data-root="../">' in head and "searchAnalyzer" in head
    assert "http" not in html


def test_a_query_fetches_its_terms_and_the_units_it_shows(search_site):
    """The first query loads meta.js (a script of the page's <head>), its own terms' bucket
    files and the unit files of the results on screen, nothing else; filters.json only
    once they are shown."""
    base, browser, out = search_site
    query = "住房公积金"
    meta = json.loads((out / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    buckets = {f"t/{term_hash(t) & (meta['buckets'] - 1):x}.json" for t in query_terms(query)}
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.split("/" + INDEX_DIR + "/")[1])
            if "/" + INDEX_DIR + "/" in r.url else None)
    page.goto(base + "search/?q=" + query, wait_until="load")
    page.wait_for_function("document.body.hasAttribute('data-search-done')")
    page.wait_for_load_state("networkidle")
    shown = {page_path(href) for href in page.locator("#search-results > li > a.result-title")
             .evaluate_all("links => links.map(a => a.href)")}
    subs = page.locator("#search-results > li ul a").count()
    context.close()
    units = [f for f in fetched if f.startswith("u/")]
    assert len(shown) > 2 and len(fetched) == len(set(fetched)) and len(buckets) > 1
    assert set(fetched) - set(units) == {"meta.js", "filters.json"} | buckets
    assert fetched[0] == "meta.js"
    assert fetched[-1] == "filters.json"
    pages = {read_unit_file((out / INDEX_DIR / f).read_bytes())["page"][0] for f in units}
    assert pages == shown and len(units) <= subs


def test_every_known_page_is_in_the_pages_table():
    """Aliases in the data file point to pages of the URL scheme, and every term has pages."""
    terms, aliases = load_terms()
    assert len(terms) >= 50
    prefixes = ("budgets/", "departments/", "regions/", "classifications/", "glossary/")
    for path in aliases.values():
        assert path.startswith(prefixes) and path.endswith("/"), path
    for t in terms:
        assert t["pages"], t["q"]
        assert set(t["top5"]) <= set(t["pages"]), t["q"]


def test_expected_pages_contain_their_terms(search_site):
    """The term list is checked against the pages themselves, not against the engine."""
    _, _, out = search_site
    terms, _ = load_terms()
    wrong = [(t["q"], p) for t in terms for p in t["pages"]
             if squeezed(t["q"]) not in page_text(out, p)]
    assert wrong == []


def test_recall(results):
    terms, _ = load_terms()
    missed = []
    total = 0
    for t in terms:
        got = {page_path(r["url"]) for r in results[t["q"]]["results"]}
        total += len(t["pages"])
        missed += [(t["q"], p) for p in t["pages"] if p not in got]
    recall = 1 - len(missed) / total
    print(f"\nsearch recall {total - len(missed)}/{total} = {recall:.1%} over {len(terms)} terms")
    assert recall >= RECALL_GOAL, missed


def test_precision(results, search_site):
    _, _, out = search_site
    terms, _ = load_terms()
    wrong, shown = [], 0
    for t in terms:
        for r in results[t["q"]]["results"]:
            shown += 1
            if squeezed(t["q"]) not in page_text(out, page_path(r["url"])):
                wrong.append((t["q"], page_path(r["url"])))
    precision = 1 - len(wrong) / shown
    print(f"\nsearch precision {shown - len(wrong)}/{shown} = {precision:.1%}")
    assert precision >= PRECISION_GOAL, wrong
    assert all(results[t["q"]]["exact"] for t in terms)


def test_exact_names_rank_in_top_five(results):
    terms, _ = load_terms()
    late = []
    for t in terms:
        top = [page_path(r["url"]) for r in results[t["q"]]["results"][:5]]
        late += [(t["q"], p, top) for p in t["top5"] if p not in top]
    assert late == []


def test_a_project_leads_to_its_own_entry(results):
    terms, _ = load_terms()
    checked = 0
    for t in (t for t in terms if t.get("section")):
        page = next(r for r in results[t["q"]]["results"] if page_path(r["url"]) == t["top5"][0])
        anchors = [s["url"] for s in page["subs"] if s["text"].startswith(t["q"])]
        assert anchors and "#project-" in anchors[0], (t["q"], page["subs"])
        checked += 1
    assert checked >= 10


def test_noise_stays_out_of_the_index(results):
    """Source views, the data pages and the index pages are never results."""
    kinds = ("budgets/", "departments/", "regions/", "classifications/function/",
             "classifications/economic/", "glossary/")
    for query, found in results.items():
        for r in found["results"]:
            path = page_path(r["url"])
            assert path.startswith(kinds) and "/source/" not in path, (query, path)


def test_a_page_named_by_the_query_comes_first(results):
    """A department, region or 科目 typed in full: first comes a page whose own name (its
    title) holds it, before the pages that only mention it."""
    terms, _ = load_terms()
    named = [t for t in terms if t["kind"] in ("部门", "地区", "科目")]
    late = [(t["q"], results[t["q"]]["results"][0]["title"]) for t in named
            if squeezed(t["q"]) not in squeezed(results[t["q"]]["results"][0]["title"])]
    assert len(named) >= 20 and late == []


def apart_query(units_folder: Path) -> str:
    """Four Han characters whose three bigrams stand in one unit, though not side by side,
    and that no unit holds as a string: found in the built index's own unit files."""
    files = [read_unit_file(path.read_bytes()) | {"at": int(path.stem.split("-")[1])}
             for path in units_folder.glob("*.bin")]
    # by page URL (page numbers are hash slots): the first such query in a stable order
    files.sort(key=lambda file: (file["page"][0], file["at"]))
    texts = [unit[2] for file in files for unit in file["units"]]
    everything = "\n".join(map(analyzer_squeezed, texts))
    for text in texts:
        bigrams = sorted(t for t in index_terms(text) if re.fullmatch(r"[\u4e00-\u9fff]{2}", t))
        for ab in bigrams:
            for bc in (b for b in bigrams if b[0] == ab[1]):
                for cd in (b for b in bigrams if b[0] == bc[1]):
                    query = ab + cd
                    if re.fullmatch(r"[\u4e00-\u9fff]{4}", query) and query not in everything:
                        return query
    raise AssertionError("no such query in this index")


def test_terms_apart_fall_back_and_say_so(search_site):
    """Units that hold every term of the query but not the string typed are candidates
    the page checks and drops; with none left it falls back to the pages holding the
    terms anywhere, and says there is no exact match."""
    base, browser, out = search_site
    query = apart_query(out / INDEX_DIR / "u")
    context, page, errors, _ = open_search(browser, base + "search/")
    found = page.evaluate(RUN_QUERIES, [query])[query]
    status = page.inner_text("#search-status")
    context.close()
    assert not found["exact"] and found["results"], (query, status)
    assert status.startswith(f"没有与“{query}”完全一致的结果") and errors == []


def test_a_similar_name_is_not_found_for_another(results):
    """克州人民政府办公室 must not return 喀什市's pages: the string typed, not its pieces."""
    got = [page_path(r["url"]) for r in results["克州人民政府办公室"]["results"]]
    assert got and all("ka-shi-shi" not in p for p in got), got


def open_search(browser, url: str, width: int = 390, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN",
                                  java_script_enabled=javascript)
    page, _, errors, outside = open_page(context, url)
    return context, page, errors, outside


def test_filters(search_site):
    base, browser, _ = search_site
    context, page, errors, outside = open_search(browser, base + "search/?q=住房")
    page.wait_for_selector("#search-results > li")
    # The filters' values are fetched once results are shown, and only then offered.
    page.wait_for_selector("select[data-filter=类型]")
    kinds = page.locator("select[data-filter=类型] option").all_inner_texts()
    assert any(k.startswith("科目") for k in kinds) and any(k.startswith("部门预算") for k in kinds)
    before = page.locator("#search-results > li").count()
    page.select_option("select[data-filter=类型]", label=next(k for k in kinds if k.startswith("科目")))
    links = page.locator("#search-results > li > a.result-title")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all("/classifications/" in h for h in hrefs)
    assert before >= len(hrefs)
    assert errors == [] and outside == []
    context.close()


def test_one_character_and_codes(search_site):
    base, browser, _ = search_site
    context, page, _, _ = open_search(browser, base + "search/")
    found = page.evaluate(RUN_QUERIES, ["费", "2010301", "30101"])
    for q in ("费", "2010301", "30101"):
        assert found[q]["exact"] and found[q]["results"], q
    context.close()


def test_words_apart_are_each_found_as_typed_in_any_order(search_site):
    """A 科目 is printed "2010301 行政运行" on its own page and name first in a
    department's table: a query of both words finds the department pages too, each
    sub-result holding every word; a word no page holds still finds nothing."""
    base, browser, _ = search_site
    context, page, _, _ = open_search(browser, base + "search/")
    queries = ["2010301 行政运行", "行政运行 2010301", "2010301 行政运行X"]
    found = page.evaluate(RUN_QUERIES, queries)
    context.close()
    for q in queries[:2]:
        pages = [page_path(r["url"]) for r in found[q]["results"]]
        assert found[q]["exact"] and any(p.startswith("budgets/") for p in pages), (q, pages)
        assert any(p.startswith("classifications/") for p in pages), (q, pages)
        for r in found[q]["results"]:
            assert all("2010301" in s["text"] and "行政运行" in s["text"] for s in r["subs"]), r
    assert found[queries[2]]["results"] == []


def test_a_term_the_site_defines_leads_to_its_definition_first(search_site):
    """The 名词解释 page marks each term it defines (`<dfn>`), ranked as a page's own name:
    a citizen typing 基本支出 gets its definition first, then the pages that use it (every
    department page also names it, in a table row or its own 名词解释)."""
    base, browser, out = search_site
    html = (out / "glossary" / "index.html").read_text(encoding="utf-8")
    context, page, _, _ = open_search(browser, base + "search/")
    queries = ["基本支出", "公用经费", "机关运行经费"]
    found = page.evaluate(RUN_QUERIES, queries)
    context.close()
    for q in queries:
        assert f"<dfn>{q}</dfn>" in html
        first, *others = found[q]["results"]
        assert page_path(first["url"]) == "glossary/" and others, (q, first)
        assert first["subs"][0]["text"].startswith(q) and "#" in first["subs"][0]["url"]


def test_search_page_on_a_phone(search_site):
    """The header box submits to search/?q=; results, sub-results and the UI are Chinese."""
    base, browser, _ = search_site
    context, page, errors, outside = open_search(browser, base + "departments/")
    page.fill("#site-search-q", "驻京办业务专项")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector("#search-results > li ul a")
    assert urlsplit(page.url).path == "/" + PREFIX + "search/"
    assert "q=" in page.url
    first = page.locator("#search-results > li").first
    link = first.locator("a.result-title")
    assert link.get_attribute("href").startswith(base + "budgets/")
    sub = first.locator("ul a", has_text="驻京办业务专项")
    assert "#project-" in sub.first.get_attribute("href")
    assert sub.first.locator("mark").first.inner_text() == "驻京办业务专项"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the results start within the first screen
    assert page.locator("#search-results > li").first.bounding_box()["y"] < 844
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


def test_rows_from_the_database_read_as_the_pages_show_them(search_site):
    """A department-year's table and indicator rows come from the site's database
    (`search.rows`): field for field what the page's HTML gives, ⚠ and 补 marks, sub-unit
    heads and printed codes included; so does its 文字说明 section (`search.texts`: 内设机构,
    说明 texts by part, 名词解释), up to the white space a unit's text never keeps."""
    from generator.search.pages import NAME, read_page
    from generator.search.rows import page_rows, rows_reader

    _, _, out = search_site
    files = sorted(out.glob("budgets/*/index.html"))
    given = page_rows(out, [f.parent.name for f in files])
    assert len(given) == len(files)
    names, sections = [], 0

    def shown(unit):  # its anchor, label and fields, white space as the unit's text has it
        return (unit.anchor, unit.label, [(kind, " ".join(text.split()))
                                          for kind, text in unit.fields if text.strip()])

    def in_text(unit):  # a unit of the 文字说明 section
        return unit.anchor in ("text", "text-title")

    for file in files:
        html = file.read_text(encoding="utf-8")
        rows = given[file.parent.name]
        assert any(a.startswith("table-") for a in rows) and any(a.startswith("target-") for a in rows)
        assert "text" in rows
        from_html, from_db = read_page(html), read_page(html, rows_reader(rows))
        assert [shown(u) for u in from_db.units] == [shown(u) for u in from_html.units], file
        assert [(u.anchor, u.label, u.fields) for u in from_db.units if not in_text(u)] == \
            [(u.anchor, u.label, u.fields) for u in from_html.units if not in_text(u)], file
        assert (from_db.title, from_db.filters) == (from_html.title, from_html.filters)
        names += [text for anchor, fields in rows.items() if anchor != "text"
                  for row in fields for kind, text in row if kind == NAME]
        sections += sum(1 for u in from_db.units if u.anchor == "text")
    assert sections > 5 * len(files)
    # a failed check's row and a code named from another table (表三 prints codes only)
    assert any(n.startswith("⚠") for n in names) and any(n.endswith("补") for n in names)


# Holds back the unit file named by window.heldFile (a part of its URL) until
# window.releaseHeld() is called; every other request goes through.
HOLD_ONE_FILE = """(() => {
  const fetchNow = window.fetch.bind(window);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  window.releaseHeld = () => release();
  window.fetch = (url, options) => String(url).includes(window.heldFile)
    ? (window.isHeld = true, held.then(() => fetchNow(url, options)))
    : fetchNow(url, options);
})();"""


def test_results_are_shown_in_rank_order_as_their_files_arrive(search_site):
    """Each result is shown as soon as it and those ranked above it are there: a late file
    of the last result holds back none before it; a late file of the first holds back all."""
    base, browser, _ = search_site
    query, shown = "住房公积金", "#search-results > li"
    context, page, _, _ = open_search(browser, base + "search/?q=" + query)
    page.wait_for_function("document.body.hasAttribute('data-search-done')")
    titles = page.locator(shown + " > a.result-title").all_inner_texts()
    files = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"
                          ".filter(n => n.includes('/u/')).map(n => n.split('/u/')[1])")
    context.close()
    assert len(titles) > 2 and len(files) >= len(titles)
    for held, before_release in ((files[len(titles) - 1], len(titles) - 1), (files[0], 0)):
        context, page, _, _ = open_search(browser, base + "search/")
        page.evaluate(HOLD_ONE_FILE + f"window.heldFile = '/u/{held}';")
        page.evaluate("q => { window.searchRun(q, false); }", query)
        page.wait_for_function("window.isHeld === true")
        page.wait_for_function(f"document.querySelectorAll('{shown}').length === {before_release}")
        assert not page.evaluate("document.body.hasAttribute('data-search-done')")
        page.evaluate("window.releaseHeld()")
        page.wait_for_function("document.body.hasAttribute('data-search-done')")
        assert page.locator(shown + " > a.result-title").all_inner_texts() == titles
        context.close()
