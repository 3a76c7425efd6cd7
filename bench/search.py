"""Search benchmark: index size, bytes a first query transfers, query times in Chromium.

    python bench/search.py [BUILD_DIR [QUERY]]  # default build/ (run `make build` first)
    python bench/search.py --synth 2000 SITE    # synthesize 2,000 disclosures into SITE
                                                # (bench/synth.py), build it, measure it
    python bench/search.py SITE/build --compare OLD.js OLD.html --repeat 3  # before/after, alternating
    python bench/search.py SITE/build --against OLD/build --repeat 3  # another build (index), alternating

With --synth, SITE keeps its documents between runs (a second run only rebuilds, which
reuses what did not change); to measure a kept site again without building, give its
build folder. Serves the build on a local port and drives headless Chromium (Debian's
chromium, or $CHROMIUM). The first query opens `search/?q=…` in a fresh browser context
and counts what the search itself downloads once the page is there (search/index/:
meta.json, the term buckets, the unit files of the results shown; filters.json, fetched
after the results are shown, is counted apart) and the time from navigation to results on
screen: the whole first page of results, and apart the first result (the page shows each
result as soon as those above it are there). Later queries are the terms of tests/search_terms.toml, run through the page's own
search (`window.searchRun`) one after the other: the time to their results on screen, and
to the filters offered after them, with the bytes each fetched and the CPU-seconds of the
browser's processes over all of them. --compare serves the same build a second time with
another search.js and/or search page (older ones) and runs both in turn, --repeat times:
a before/after pair on the same machine load; --against does the same with another build
folder (an index of another format: a copy of the build linked with `cp -al`, its index
built by the older code). --profile prints each query's steps (search.js records
them in `window.searchMarks`): postings fetched and read, matched, results shown, and the
rounds of unit files it took. Goals (issue 17): first query ≤ 100 kB, ≤ 300 ms; median
query ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from generator.render.screenshots import launch, serve  # noqa: E402
from generator.search import INDEX_DIR  # noqa: E402
from generator.search.analyzer import query_terms  # noqa: E402
from generator.search.index import term_hash  # noqa: E402

from build import _process_tree  # noqa: E402  (bench/build.py: a process and its descendants)

FIRST_QUERY = "信息化"
TIMED = """async (queries) => {
  performance.setResourceTimingBufferSize(1e6);
  const out = [];
  for (const q of queries) {
    const start = performance.now(), seen = performance.getEntriesByType("resource").length;
    window.searchMarks = [];
    await window.searchRun(q, false);
    const files = performance.getEntriesByType("resource").slice(seen);
    out.push({query: q, done: performance.now() - start,
              shown: (window.searchShownAt || performance.now()) - start,
              firstShown: (window.searchFirstAt || window.searchShownAt || performance.now()) - start,
              bytes: files.reduce((sum, e) => sum + e.encodedBodySize, 0), files: files.length,
              marks: window.searchMarks.map(([step, at]) => [step, at - start])});
  }
  return out;
}"""
# The first query's steps from navigation on: the page's own (navigation timing), each file
# fetched (resource timing) and search.js's marks (`window.searchMarks`), in ms.
TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const out = [["page: response starts", nav.responseStart], ["page: response ends", nav.responseEnd],
               ["page: DOMContentLoaded", nav.domContentLoadedEventStart]];
  for (const e of performance.getEntriesByType("resource"))
    out.push(["fetch " + new URL(e.name).pathname.split("/search/index/").pop()
              + " (" + (e.encodedBodySize / 1024).toFixed(1) + " kB)", e.startTime, e.responseEnd]);
  for (const [step, at] of window.searchMarks || []) out.push(["mark " + step, at]);
  out.push(["script starts", window.searchStartAt]);
  return out.sort((a, b) => a[1] - b[1]);
}"""
SITE_TOML = '[site]\ntitle = "部门预算公开（搜索基准）"\n[build]\ncharts = false\nsearch = true\n'


def synthesized_build(documents: int, site: Path) -> Path:
    """`site` with `documents` synthesized disclosures (written once), built; its build dir."""
    from generator.build import build

    import synth

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


def with_files(build_dir: Path, files: list[Path], into: Path) -> Path:
    """A folder serving `build_dir` (linked, not copied) with each of `files` in place of
    the build's own: a `.js` file as its search.js, an `.html` file as its search page."""
    replaced = {"assets/search.js" if f.suffix == ".js" else "search/index.html": f for f in files}
    site = into / "other"
    for rel in ("assets/", "search/"):
        (site / rel).mkdir(parents=True)
        for entry in (build_dir / rel).iterdir():
            if rel + entry.name not in replaced:
                (site / rel / entry.name).symlink_to(entry.resolve())
    for entry in build_dir.iterdir():
        if entry.name not in ("assets", "search"):
            (site / entry.name).symlink_to(entry.resolve())
    for rel, path in replaced.items():
        shutil.copyfile(path, site / rel)
    return site


def kb(n: float) -> str:
    return f"{n / 1024:.1f} kB"


def served_file(build_dir: Path, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    return build_dir / (path + "index.html" if path == "" or path.endswith("/") else path)


def record(sizes: dict[str, int], request) -> None:
    try:
        sizes[request.url] = len(request.response().body())
    except Exception:  # a request still finishing as the browser closes
        pass


def browser_cpu_seconds() -> float:
    """CPU time (user + system) so far of this process's descendants: the Playwright
    driver and the browser's processes."""
    ticks = 0
    for pid in _process_tree(os.getpid())[1:]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(browser, base: str, first_query: str, terms: list[str]) -> dict:
    """One run: the first query in a fresh context, then every term through the page."""
    context = browser.new_context(locale="zh-CN")
    context.add_init_script("window.searchMarks = [];")  # search.js records its steps there
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: record(sizes, r))
    page.goto(base + "search/?q=" + quote(first_query), wait_until="commit")
    page.wait_for_function("document.body && document.body.hasAttribute('data-search-done')")
    first, started, top = page.evaluate("[window.searchShownAt || window.searchDoneAt, "
                                        "window.searchStartAt, window.searchFirstAt]")
    timeline = page.evaluate(TIMELINE)
    page.wait_for_load_state("networkidle")
    shown = page.locator("#search-results > li").count()
    first_sizes = dict(sizes)  # the first query's; the later ones count their own
    cpu = browser_cpu_seconds()
    queries = page.evaluate(TIMED, terms)
    cpu = browser_cpu_seconds() - cpu
    context.close()
    return {"first": first, "searching": first - started, "shown": shown, "sizes": first_sizes,
            "top": top or first, "timeline": timeline,
            "queries": queries, "cpu": cpu}


def report_files(label: str, build_dir: Path, files: dict[str, int]) -> None:
    raw = sum(files.values())
    zipped = sum(len(gzip.compress(served_file(build_dir, u).read_bytes())) for u in files)
    print(f"{label}: {kb(raw)} in {len(files)} files ({kb(zipped)} gzipped)")
    for url, size in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
        print(f"    {kb(size):>9}  {urlsplit(url).path}")


def report_first(run: dict, build_dir: Path, first_query: str) -> None:
    index_files = {u: s for u, s in run["sizes"].items() if "/" + INDEX_DIR + "/" in u}
    # filters.json: fetched once the results are on screen, to offer the filters
    later_files = {u: s for u, s in index_files.items() if u.endswith("/filters.json")}
    query_files = {u: s for u, s in index_files.items() if u not in later_files}
    page_files = {u: s for u, s in run["sizes"].items() if u not in index_files}
    report_files("search page (HTML, CSS, any script it loads)", build_dir, page_files)
    report_files(f"first query «{first_query}» transfers", build_dir, query_files)
    report_files("then, for the filters", build_dir, later_files)
    index = build_dir / INDEX_DIR
    buckets = json.loads((index / "meta.json").read_text(encoding="utf-8"))["buckets"]
    wanted = {f"{term_hash(t) & (buckets - 1):x}.json" for t in query_terms(first_query)}
    fetched = {u.rsplit("/", 1)[1] for u in query_files if f"/{INDEX_DIR}/t/" in u}
    print(f"term files fetched: {len(fetched)}, those of the query's own terms: "
          f"{len(wanted)}, others: {len(fetched - wanted)}")


def summary(label: str, runs: list[dict]) -> None:
    def ms(values: list[float]) -> str:
        return ", ".join(f"{v:.0f}" for v in values) + " ms"

    shown = [statistics.median(q["shown"] for q in r["queries"]) for r in runs]
    done = [statistics.median(q["done"] for q in r["queries"]) for r in runs]
    worst = max(q["shown"] for r in runs for q in r["queries"])
    transfer = statistics.median(q["bytes"] for r in runs for q in r["queries"])
    cpu = ", ".join(f"{r['cpu']:.1f}" for r in runs)
    print(f"{label}first query: {ms([r['first'] for r in runs])} from navigation to "
          f"{runs[0]['shown']} results on screen ({ms([r['searching'] for r in runs])} of it "
          f"searching: index files fetched, matched, shown); the first result on screen after "
          f"{ms([r['top'] for r in runs])}; medians {statistics.median(r['first'] for r in runs):.0f} "
          f"and {statistics.median(r['top'] for r in runs):.0f} ms")
    top = [statistics.median(q["firstShown"] for q in r["queries"]) for r in runs]
    print(f"{label}median query: {ms(shown)} to results on screen ({ms(top)} to the first), "
          f"{ms(done)} with the "
          f"filters, over {len(runs[0]['queries'])} terms (max {worst:.0f} ms); median "
          f"transfer {kb(transfer)}; browser CPU {cpu} s")


def profile(run: dict) -> None:
    """The first query's timeline, then each later query's steps: postings fetched and
    read, matched, shown; rounds of unit files."""
    print("first query, ms from navigation:")
    for step, at, *end in run["timeline"]:
        print(f"    {at:7.1f}{f' → {end[0]:7.1f}' if end else ' ' * 10}  {step}")
    print(f"{'query':<24} {'shown':>6} {'postings':>8} {'match':>6} {'rounds':>6} "
          f"{'files':>5} {'kB':>7}")
    for q in run["queries"]:
        at = dict((step, t) for step, t in q["marks"] if step in ("postings", "matched"))
        rounds = sum(step == "batch" for step, _ in q["marks"])
        print(f"{q['query'][:22]:<24} {q['shown']:6.0f} {at.get('postings', 0):8.0f} "
              f"{at.get('matched', 0) - at.get('postings', 0):6.0f} {rounds:6d} "
              f"{q['files']:5d} {q['bytes'] / 1024:7.1f}")


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build_dir", nargs="?", type=Path, default=REPO / "build")
    ap.add_argument("query", nargs="?", default=FIRST_QUERY)
    ap.add_argument("--synth", type=int, metavar="N", help="build a site of N synthesized "
                    "disclosures in the folder given (instead of BUILD_DIR) and measure it")
    ap.add_argument("--compare", type=Path, nargs="+", metavar="FILE", help="also measure the "
                    "build with these files instead of its own (a .js: its search.js, an "
                    ".html: its search page), in turn with it")
    ap.add_argument("--against", type=Path, metavar="BUILD_DIR", help="also measure this "
                    "build (another index and search page), in turn with it")
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="runs of each (default 1)")
    ap.add_argument("--profile", action="store_true", help="print each query's steps")
    args = ap.parse_args(argv)
    build_dir = synthesized_build(args.synth, args.build_dir) if args.synth else args.build_dir
    index = build_dir / INDEX_DIR
    if not (index / "meta.json").exists() or not (build_dir / "search/index.html").exists():
        print(f"{build_dir}: no search index or search page (run `make build`)", file=sys.stderr)
        return 1
    terms = [t["q"] for t in tomllib.loads(
        (REPO / "tests" / "search_terms.toml").read_text(encoding="utf-8"))["terms"]]
    files = [p for p in index.rglob("*") if p.is_file()]
    print(f"index: {kb(sum(p.stat().st_size for p in files))} in {len(files)} files "
          f"({len(list((index / 't').glob('*.json')))} term buckets)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory() as tmp:
        sites = {"": build_dir}
        if args.compare:
            sites["compared: "] = with_files(build_dir, args.compare, Path(tmp))
        if args.against:
            sites["against: "] = args.against
        runs: dict[str, list[dict]] = {label: [] for label in sites}
        with sync_playwright() as p:
            browser = launch(p)
            for n in range(args.repeat):
                for label in list(sites)[::1 if n % 2 == 0 else -1]:
                    with serve(sites[label]) as base:
                        runs[label].append(measure(browser, base, args.query, terms))
            browser.close()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    report_first(runs[""][0], build_dir, args.query)
    if args.against:
        report_first(runs["against: "][0], args.against, args.query)
    for label, measured in runs.items():
        summary(label, measured)
    if args.profile:  # the run of the median first query
        profile(sorted(runs[""], key=lambda r: r["first"])[len(runs[""]) // 2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
