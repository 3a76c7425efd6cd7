"""Search benchmark: index size, bytes a first query transfers, query times in Chromium.

    python bench/search.py [BUILD_DIR]      # default build/ (run `make build` first)

Serves BUILD_DIR on a local port and drives headless Chromium (Debian's chromium, or
$CHROMIUM). The first query opens `search/?q=…` in a fresh browser context and counts what
the search itself downloads once the page is there (search/index/: meta.json, the term
buckets, the unit files of the results shown) and the time from navigation to results on
screen. Later queries are the terms of tests/search_terms.toml, run through the page's own
search (`window.searchRun`, results rendered). Goals (issue 17): first query ≤ 100 kB,
≤ 300 ms; median query ≤ 100 ms.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.render.screenshots import launch, serve
from generator.search import INDEX_DIR

FIRST_QUERY = "信息化"
TIMED = """async (queries) => {
  const times = [];
  for (const q of queries) {
    const start = performance.now();
    await window.searchRun(q, false);
    times.push(performance.now() - start);
  }
  return times;
}"""


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

    build_dir = Path(argv[0] if argv else REPO / "build")
    index = build_dir / INDEX_DIR
    first_query = argv[1] if len(argv) > 1 else FIRST_QUERY
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
        query_files = {u: s for u, s in sizes.items() if "/" + INDEX_DIR + "/" in u}
        page_files = {u: s for u, s in sizes.items() if u not in query_files}
        shown = page.locator("#search-results > li").count()
        times = page.evaluate(TIMED, terms)
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
    print(f"first query: {first:.0f} ms from navigation to {shown} results on screen "
          f"({first - started:.0f} ms of it searching: index files fetched, matched, shown)")
    print(f"median query: {statistics.median(times):.1f} ms over {len(times)} terms "
          f"(max {max(times):.1f} ms), results rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
