"""Pages as Pagefind should read them: the copies the search index is built from.

Pagefind skips what a page marks `data-pagefind-ignore` and what the exclude selectors
name, but it still parses all of it; at a province's scale the HTML it reads costs as much
time as the text it indexes. So each indexed page is copied without those elements
(`without_ignored`, `EXCLUDED`) and with its tables as plain lines of text (`flat_tables`):
the page on disk is never changed, only what Pagefind reads.

Flattening tables: a 部门预算 page prints most 科目 names in several tables (表一, 表三,
表五, 表七 …), and the table markup around them is more than half of what Pagefind parses.
Each table row becomes one `<p>` of its cells' text, and a row whose every cell has been
seen already on the page is left out: the page is found by the same words, its excerpt
still shows the first place they appear, and Pagefind reads a third less (a shard of 334
pages of a 2,000-document province: 24 → 17 MB, 8.8 → 7.5 CPU-seconds of Pagefind).
"""

from __future__ import annotations

import re

# Parts of indexed pages that templates cannot mark: table cells built in Python and the
# source-line links ("L130") that follow nearly every figure.
EXCLUDE_SELECTORS = ["td.num", "td.line", "a.src", "span.raw"]


def _excluded_pattern(selectors: list[str]) -> re.Pattern:
    """A pattern for the whole elements `tag.class` selectors name, up to the first end tag
    of their name (table cells and links do not nest; a nested span would only leave some
    text for Pagefind, which gets the same selectors and still skips it)."""
    alternatives = []
    for selector in selectors:
        tag, cls = selector.split(".")
        alternatives.append(rf'<{tag}\s[^>]*?class="(?:[^"]*\s)?{re.escape(cls)}(?:\s[^"]*)?"'
                            rf'[^>]*>.*?</{tag}\s*>')
    return re.compile("|".join(alternatives), re.S | re.I)


EXCLUDED = _excluded_pattern(EXCLUDE_SELECTORS)


def search_copy(html: str) -> str:
    """The page as Pagefind should read it: without its ignored elements
    (`without_ignored`) and the cells the exclude selectors name (`EXCLUDED`), its tables
    flattened (`flat_tables`)."""
    return flat_tables(EXCLUDED.sub("", without_ignored(html)))


TABLE = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.S | re.I)
TABLE_START = re.compile(r"<table\b", re.I)
TABLE_LINE = re.compile(r"<(tr|caption)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def flat_tables(html: str) -> str:
    """`html` with each table as a `<div>` of lines of text: its caption, then one `<p>`
    per row, the row's cells (their text, tags dropped) separated by spaces. A row whose
    every non-empty cell was seen already in a table above on the page is left out. A
    table with another table inside is left as it is."""
    seen: set[str] = set()

    def flat(table: re.Match) -> str:
        if TABLE_START.search(table.group(1)):
            return table.group(0)
        lines = []
        for line in TABLE_LINE.finditer(table.group(1)):
            inner = line.group(2)
            cells = [inner] if line.group(1).lower() == "caption" else CELL.findall(inner)
            texts = [t for t in (SPACE.sub(" ", TAG.sub(" ", c)).strip() for c in cells) if t]
            if texts and not seen.issuperset(texts):
                lines.append("<p>" + " ".join(texts) + "</p>")
            seen.update(texts)
        return "<div>" + "".join(lines) + "</div>"

    return TABLE.sub(flat, html)


# The element Pagefind indexes and the end of the main content.
BODY_START = re.compile(r"<[a-z][^>]*\sdata-pagefind-body[\s>=]")
BODY_END = re.compile(r"</main>|</body>")
IGNORE_ATTR = " data-pagefind-ignore"
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def without_ignored(html: str) -> str:
    """The page without its `data-pagefind-ignore` elements (charts, check results, …).

    Pagefind would skip them anyway, but it still parses them, and at a province's scale
    the HTML it reads costs as much time and memory as the text it indexes. An element is
    cut out with everything up to its matching end tag (nesting counted); one whose end
    cannot be found is left for Pagefind.
    """
    kept, pos = [], 0
    while (found := html.find(IGNORE_ATTR, pos)) != -1:
        tag_start = html.rfind("<", pos, found)
        name = html[tag_start + 1:found].split(None, 1)[0].lower() if tag_start != -1 else ""
        end = _element_end(html, name, html.find(">", found)) if name.isalnum() else -1
        if end == -1:
            kept.append(html[pos:found + len(IGNORE_ATTR)])
            pos = found + len(IGNORE_ATTR)
            continue
        kept.append(html[pos:tag_start])
        pos = end
    kept.append(html[pos:])
    return "".join(kept)


def _element_end(html: str, name: str, after: int) -> int:
    """The index just past the end tag matching an element `name` whose start tag ends at
    `after` (-1: not found)."""
    if after == -1:
        return -1
    if name in VOID or html[after - 1] == "/":
        return after + 1
    opening = re.compile(rf"<{name}[\s>/]|</{name}\s*>", re.I)
    depth = 1
    for m in opening.finditer(html, after + 1):
        depth += -1 if m.group().startswith("</") else 1
        if depth == 0:
            return m.end()
    return -1
