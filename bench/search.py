"""Search benchmark: index size, bytes a first query transfers, query times in Chromium.

    python bench/search.py [BUILD_DIR]      # default build/ (run `make build` first)

Serves BUILD_DIR on a local port and drives headless Chromium (Debian's chromium, or
$CHROMIUM). The first query runs in a fresh browser context on the search page, so it
pays for everything a reader's first search downloads (pagefind.js, the WebAssembly, the
index metadata, the index chunks and the result fragments); later queries are the terms
of tests/search_terms.toml. Goals (issue #4): first query ≤ 300 kB, ≤ 500 ms.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.render.screenshots import launch, serve
from generator.search import BUNDLE_DIR

FIRST_QUERY = "住房公积金"
TIMED = """async ([bundle, queries]) => {
  const pagefind = await import(bundle + "pagefind.js");
  if (!window.shardsMerged) {  // a big site's shards (search_bundles.py), merged once
    window.shardsMerged = true;
    const list = await fetch(bundle + "shards.json").then(r => r.ok ? r.json() : {shards: []});
    for (const shard of list.shards) await pagefind.mergeIndex(bundle + shard);
  }
  const times = [];
  for (const q of queries) {
    const start = performance.now();
    const search = await pagefind.search(q);
    await Promise.all(search.results.slice(0, 5).map(r => r.data()));
    times.push(performance.now() - start);
  }
  return times;
}"""


def kb(n: int) -> str:
    return f"{n / 1024:.1f} kB"


def served_file(build_dir: Path, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    return build_dir / (path + "index.html" if path == "" or path.endswith("/") else path)


def index_size(bundle: Path) -> tuple[int, int]:
    """(index: metadata, word chunks, filters and fragments; whole bundle with JS/WASM)."""
    files = [p for p in bundle.rglob("*") if p.is_file()]
    index = sum(p.stat().st_size for p in files
                if p.suffix in (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter"))
    return index, sum(p.stat().st_size for p in files)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    build_dir = Path(argv[0] if argv else REPO / "build")
    bundle = build_dir / BUNDLE_DIR
    if not (bundle / "pagefind.js").exists() or not (build_dir / "search/index.html").exists():
        print(f"{build_dir}: no search bundle or search page (run `make build`)", file=sys.stderr)
        return 1
    terms = [t["q"] for t in tomllib.loads(
        (REPO / "tests" / "search_terms.toml").read_text(encoding="utf-8"))["terms"]]
    index, total = index_size(bundle)
    print(f"index size: {kb(index)} (metadata, chunks, filters, fragments); "
          f"whole bundle with JS/WASM/UI: {kb(total)}")

    with serve(build_dir) as base, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        sizes: dict[str, int] = {}
        page.on("requestfinished", lambda r: sizes.__setitem__(r.url, len(r.response().body())))
        page.goto(base + "search/", wait_until="networkidle")
        page_load = dict(sizes)
        sizes.clear()
        first = page.evaluate(TIMED, ["/" + BUNDLE_DIR + "/", [FIRST_QUERY]])[0]
        page.wait_for_load_state("networkidle")
        query_files = dict(sizes)
        times = page.evaluate(TIMED, ["/" + BUNDLE_DIR + "/", terms])
        context.close()
        browser.close()

    def report(label: str, files: dict[str, int]) -> None:
        raw = sum(files.values())
        zipped = sum(len(gzip.compress(served_file(build_dir, u).read_bytes())) for u in files)
        print(f"{label}: {kb(raw)} in {len(files)} files ({kb(zipped)} gzipped)")
        for url, size in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
            print(f"    {kb(size):>9}  {urlsplit(url).path}")

    report("search page load (HTML, CSS, Pagefind UI)", page_load)
    report(f"first query «{FIRST_QUERY}» transfers", query_files)
    print(f"first query: {first:.0f} ms (cold: WASM, metadata, chunks, 5 fragments)")
    print(f"median query: {statistics.median(times):.1f} ms over {len(times)} terms "
          f"(max {max(times):.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
