"""Held-out search probe: random strings of a built site's own text, searched through its
search page in headless Chromium; prints recall and precision of the first page of results.

    python bench/search_probe.py [BUILD_DIR] [--terms 300] [--seed 7]

Terms are drawn at random from the text a reader sees on the indexed pages (the
`data-search-body` part of each page, without its `data-search-ignore` parts, cut into runs as
the search page cuts a query: NFKC, lower case, runs of Han characters or of ASCII letters
and digits): 2–6 Han characters of a run, or a whole run of 3+ digits (a code; an amount
such as 1,234.56 is several runs, none of them drawn whole). Terms are
drawn, not chosen: the probe measures strings nobody tuned the search for.

For each term, the pages that hold it are the expected pages (with any result page whose
body holds it outside the indexed part: the page title, say). Recall: of
min(expected, 10) per term, how many are among the first page of results (10 groups).
Precision: of the results shown, how many lead to a page whose text (the whole page body)
holds the term. A term whose expected pages are more than the
results shown counts only the ten it could show. Issue 17's goal: both ≥ 95 %.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.render.screenshots import launch, serve  # noqa: E402
from generator.search import INDEXED_GLOBS  # noqa: E402
from generator.search.analyzer import RUN, normalize  # noqa: E402

PER_PAGE = 10
SKIPPED_TAGS = {"script", "style", "template", "noscript"}
# Where a page's text breaks (a cell, a paragraph): runs do not join across these.
BLOCK_TAGS = {"p", "div", "td", "th", "tr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
              "h4", "h5", "h6", "section", "table", "caption", "br", "header", "footer", "nav",
              "main", "details", "summary", "figure", "figcaption", "thead", "tbody"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


class PageText(HTMLParser):
    """A page's body text, and apart the part the search indexes (`data-search-body`
    without its `data-search-ignore` subtrees)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, in body, ignored
        self.searched: list[str] = []
        self.whole: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.handle_data("\n")
        if tag in VOID_TAGS:
            return
        names = {name for name, _ in attrs}
        body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        self.stack.append((tag, body or "data-search-body" in names,
                           ignored or "data-search-ignore" in names or tag in SKIPPED_TAGS))

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.handle_data("\n")
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        if self.stack and self.stack[-1][0] in SKIPPED_TAGS:
            return
        self.whole.append(data)
        if body and not ignored:
            self.searched.append(data)


def runs_of(texts: list[str]) -> str:
    """The texts' runs (`analyzer.RUN`: Han characters, or ASCII letters and digits), one a
    line: a term typed without spaces matches within a run, not across punctuation."""
    return "\n".join(RUN.findall(normalize("".join(texts))))


def read_pages(build_dir: Path) -> dict[str, tuple[str, str, str]]:
    """URL path → (indexed text's runs, whole body text's runs, indexed codes), per
    indexed page."""
    pages = {}
    for pattern in INDEXED_GLOBS:
        for path in sorted(build_dir.glob(pattern)):
            parser = PageText()
            parser.feed(path.read_text(encoding="utf-8"))
            url = "/" + path.parent.relative_to(build_dir).as_posix() + "/"
            codes = "\n".join(CODE.findall(normalize("".join(parser.searched))))
            pages[url] = (runs_of(parser.searched), runs_of(parser.whole), codes)
    return pages


HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
# A code or other whole number as printed: not a piece of an amount such as 1,234.56.
CODE = re.compile(r"(?<![0-9.,])[0-9]{3,}(?![0-9]|[.,][0-9])")


def draw_terms(pages: dict[str, tuple[str, str, str]], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    urls = sorted(pages)
    terms: list[str] = []
    tries = 0
    while len(terms) < count and tries < count * 50:
        tries += 1
        url = rng.choice(urls)
        text = pages[url][0]
        if rng.random() < 0.15:
            codes = pages[url][2].split()
            if codes:
                term = rng.choice(codes)
                if term not in terms:
                    terms.append(term)
            continue
        runs = HAN_RUN.findall(text)
        if not runs:
            continue
        run = rng.choice(runs)
        size = min(len(run), rng.randint(2, 6))
        start = rng.randint(0, len(run) - size)
        term = run[start:start + size]
        if term not in terms:
            terms.append(term)
    return terms


def holds(text: str, term: str) -> bool:
    """Whether a page's runs hold the term as the search matches it: Han characters
    anywhere within a run, an ASCII word (a code) as a whole run (30101 is not 3010101)."""
    if term.isascii():
        return f"\n{term}\n" in f"\n{text}\n"
    return term in text


def shown_results(tab, base: str, term: str) -> list[str]:
    tab.goto(f"{base}search/?q={quote(term)}", wait_until="domcontentloaded")
    tab.wait_for_function("q => document.body.getAttribute('data-search-done') === q", arg=term,
                          timeout=30_000)
    hrefs = tab.eval_on_selector_all("#search-results > li > a.result-title",
                                     "els => els.map(e => e.href)")
    return [urlsplit(h).path for h in hrefs]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build", nargs="?", default=str(REPO / "build"))
    ap.add_argument("--terms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--verbose", action="store_true", help="print every miss")
    args = ap.parse_args(argv)
    build_dir = Path(args.build)
    pages = read_pages(build_dir)
    if not pages:
        raise SystemExit(f"{build_dir}: no indexed page (build the site first)")
    terms = draw_terms(pages, args.terms, args.seed)
    from playwright.sync_api import sync_playwright

    found = wanted = right = shown = 0
    misses: list[str] = []
    with serve(build_dir) as base, sync_playwright() as p:
        browser = launch(p)
        tab = browser.new_context(locale="zh-CN").new_page()
        for term in terms:
            results = shown_results(tab, base, term)
            holding = [url for url in results if url in pages and holds(pages[url][1], term)]
            expected = {url for url, (text, _, _) in pages.items() if holds(text, term)}
            expected.update(holding)
            hit = len(expected.intersection(results))
            found += hit
            wanted += min(len(expected), PER_PAGE)
            right += len(holding)
            shown += len(results)
            if hit < min(len(expected), PER_PAGE) or len(holding) < len(results):
                misses.append(f"{term}: expected {len(expected)}, shown {len(results)}, "
                              f"found {hit}, right {len(holding)}")
        browser.close()
    print(f"site {build_dir}: {len(pages)} indexed pages, {len(terms)} terms (seed {args.seed})")
    print(f"recall    {found}/{wanted} = {found / max(wanted, 1):.1%}")
    print(f"precision {right}/{shown} = {right / max(shown, 1):.1%}")
    for line in misses if args.verbose else misses[:20]:
        print("  miss:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
