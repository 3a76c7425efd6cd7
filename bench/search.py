"""Search benchmark: index size, bytes a first query transfers, query times in Chromium.

    python bench/search.py [BUILD_DIR [QUERY]]  # default build/ (run `make build` first)
    python bench/search.py --synth 2000 SITE    # synthesize 2,000 disclosures into SITE
                                                # (bench/synth.py), build it, measure it

With --synth, SITE keeps its documents between runs (a second run only rebuilds, which
reuses what did not change). Serves the build on a local port and drives headless Chromium (Debian's chromium, or
$CHROMIUM). The first query opens `search/?q=…` in a fresh browser context and counts what
the search itself downloads once the page is there (search/index/: meta.json, the term
buckets, the unit files of the results shown; filters.json, fetched after the results are
shown, is counted apart) and the time from navigation to results on
screen. Later queries are the terms of tests/search_terms.toml, run through the page's own
search (`window.searchRun`, results rendered), with the bytes each fetched. Goals (issue 17): first query ≤ 100 kB,
≤ 300 ms; median query ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.render.screenshots import launch, serve
from generator.search import INDEX_DIR
from generator.search.analyzer import query_terms
from generator.search.index import term_hash

FIRST_QUERY = "信息化"
TIMED = """async (queries) => {
  performance.setResourceTimingBufferSize(1e6);
  const times = [], sizes = [];
  for (const q of queries) {
    const start = performance.now(), seen = performance.getEntriesByType("resource").length;
    await window.searchRun(q, false);
    times.push(performance.now() - start);
    sizes.push(performance.getEntriesByType("resource").slice(seen)
               .reduce((sum, e) => sum + e.encodedBodySize, 0));
  }
  return [times, sizes];
}"""
SITE_TOML = '[site]\ntitle = "部门预算公开（搜索基准）"\n[build]\ncharts = false\nsearch = true\n'


def synthesized_build(documents: int, site: Path) -> Path:
    """`site` with `documents` synthesized disclosures (written once), built; its build dir."""
    sys.path.insert(0, str(REPO / "bench"))
    import synth

    from generator.build import build

    folder = site / "content" / "disclosures"
    if len(list(folder.glob("*.txt"))) != documents:
        shutil.rmtree(folder, ignore_errors=True)
        synth.synthesize(documents, folder)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    start = time.perf_counter()
    report = build(site)
    print(f"built {len(report.documents)} documents in {time.perf_counter() - start:.0f} s"
          f"{'; ' + report.search.summary() if report.search else ''}")
    return site / "build"


def kb(n: int) -> str:
    return f"{n / 1024:.1f} kB"


def served_file(build_dir: Path, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    return build_dir / (path + "index.html" if path == "" or path.endswith("/") else path)


def record(sizes: dict[str, int], request) -> None:
    try:
        sizes[request.url] = len(request.response().body())
    except Exception:  # a request still finishing as the browser closes
        pass


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build_dir", nargs="?", type=Path, default=REPO / "build")
    ap.add_argument("query", nargs="?", default=FIRST_QUERY)
    ap.add_argument("--synth", type=int, metavar="N", help="build a site of N synthesized "
                    "disclosures in the folder given (instead of BUILD_DIR) and measure it")
    args = ap.parse_args(argv)
    build_dir = synthesized_build(args.synth, args.build_dir) if args.synth else args.build_dir
    index = build_dir / INDEX_DIR
    first_query = args.query
    if not (index / "meta.json").exists() or not (build_dir / "search/index.html").exists():
        print(f"{build_dir}: no search index or search page (run `make build`)", file=sys.stderr)
        return 1
    terms = [t["q"] for t in tomllib.loads(
        (REPO / "tests" / "search_terms.toml").read_text(encoding="utf-8"))["terms"]]
    files = [p for p in index.rglob("*") if p.is_file()]
    print(f"index: {kb(sum(p.stat().st_size for p in files))} in {len(files)} files "
          f"({len(list((index / 't').glob('*.json')))} term buckets)")

    with serve(build_dir) as base, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        sizes: dict[str, int] = {}
        page.on("requestfinished", lambda r: record(sizes, r))
        page.goto(base + "search/?q=" + quote(first_query), wait_until="commit")
        page.wait_for_function("document.body && document.body.hasAttribute('data-search-done')")
        first, started = page.evaluate("[window.searchDoneAt, window.searchStartAt]")
        page.wait_for_load_state("networkidle")
        index_files = {u: s for u, s in sizes.items() if "/" + INDEX_DIR + "/" in u}
        # filters.json: fetched once the results are on screen, to offer the filters
        later_files = {u: s for u, s in index_files.items() if u.endswith("/filters.json")}
        query_files = {u: s for u, s in index_files.items() if u not in later_files}
        page_files = {u: s for u, s in sizes.items() if u not in index_files}
        shown = page.locator("#search-results > li").count()
        times, transfers = page.evaluate(TIMED, terms)
        context.close()
        browser.close()

    def report(label: str, files: dict[str, int]) -> None:
        raw = sum(files.values())
        zipped = sum(len(gzip.compress(served_file(build_dir, u).read_bytes())) for u in files)
        print(f"{label}: {kb(raw)} in {len(files)} files ({kb(zipped)} gzipped)")
        for url, size in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
            print(f"    {kb(size):>9}  {urlsplit(url).path}")

    report("search page (HTML, CSS, search.js)", page_files)
    report(f"first query «{first_query}» transfers", query_files)
    report("then, for the filters", later_files)
    buckets = json.loads((index / "meta.json").read_text(encoding="utf-8"))["buckets"]
    wanted = {f"{term_hash(t) & (buckets - 1):x}.json" for t in query_terms(first_query)}
    fetched = {u.rsplit("/", 1)[1] for u in query_files if f"/{INDEX_DIR}/t/" in u}
    print(f"term files fetched: {len(fetched)}, those of the query's own terms: "
          f"{len(wanted)}, others: {len(fetched - wanted)}")
    print(f"first query: {first:.0f} ms from navigation to {shown} results on screen "
          f"({first - started:.0f} ms of it searching: index files fetched, matched, shown)")
    print(f"median query: {statistics.median(times):.1f} ms over {len(times)} terms "
          f"(max {max(times):.1f} ms), results rendered; median transfer "
          f"{kb(statistics.median(transfers))} (max {kb(max(transfers))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
