"""Indexed pages as search units: what a reader wants to land on.

A page's indexed part (the element marked `data-search-body`) is read as a sequence of *units*: the page head (its `<h1>`
and what follows up to the first section heading: key figures, region, year), each table
row, each project (`<h3 id="project-N">`), each 绩效 target (`<summary>`), each text
section (`<h2>`…`<h4>` and the paragraphs under it), each glossary term. A unit has an
anchor (the nearest `id` around or on it, so a result links to the row's table, the project
or the target), a label (the heading it falls under) and its text in three fields: the
*name* (the `<h1>`, a project's or target's name, a row's `<th>`: a department, project or
科目), a *title* (a section heading) and the *body*.

What search skips is cut out first: elements marked `data-search-ignore` (charts, check
results, navigation, nested ones counted), what templates cannot mark (`EXCLUDE_SELECTORS`:
amounts, source-line links, a table's download links) and tables' header rows. A row
whose text was seen already on the page (科目 names recur in 表一, 表三, 表五 …) is left
out: the page is found by the same words, at the first place they appear. A long text is cut at sentence ends into units of
about `UNIT_CHARS` characters (`split_long`).

Filters come from `data-search-filter` attributes: `name:value`, or `name` alone for the
element's own text (类型, 地区, 年度, 部门).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# Parts of indexed pages that templates cannot mark: table cells built in Python, the
# source-line links ("L130") that follow nearly every figure, and the "下载本表：CSV · JSON"
# line under every table (the same words on every table, a result that leads nowhere).
EXCLUDE_SELECTORS = ["td.num", "td.line", "a.src", "span.raw", "p.downloads"]

# The fields of a unit's text, best first; DEFINED: a term the page defines (`<dfn>`, the
# site's 名词解释), ranked as a page's own name: the definition before the pages using it.
DEFINED, NAME, TITLE, BODY = 3, 2, 1, 0


def _excluded_pattern(selectors: list[str]) -> re.Pattern:
    """A pattern for the whole elements `tag.class` selectors name, up to the first end tag
    of their name (table cells and links do not nest)."""
    alternatives = []
    for selector in selectors:
        tag, cls = selector.split(".")
        alternatives.append(rf'<{tag}\s[^>]*?class="(?:[^"]*\s)?{re.escape(cls)}(?:\s[^"]*)?"'
                            rf'[^>]*>.*?</{tag}\s*>')
    return re.compile("|".join(alternatives), re.S | re.I)


EXCLUDED = _excluded_pattern(EXCLUDE_SELECTORS)
# A table's header rows: column names, printed on every table, found by no one.
THEAD = re.compile(r"<thead\b.*?</thead\s*>", re.S | re.I)
# The element search indexes and the end of the main content.
BODY_START = re.compile(r"<[a-z][^>]*\sdata-search-body[\s>=]")
BODY_END = re.compile(r"</main>|</body>")
IGNORE_ATTR = " data-search-ignore"
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--.*?-->|([^<]+)", re.S)
ATTR = re.compile(r'([a-zA-Z-]+)(?:\s*=\s*"([^"]*)")?')
TITLE_TAGS = {"h2", "h4", "caption"}
# The headings that label what follows them, by level: a heading's own unit is labelled with
# the nearest heading above its level (a 说明 section's <h4> with its part's <h3>, not with the
# <h4> before it), what follows it with the heading itself.
LABEL_LEVELS = {"h2": 2, "h3": 3, "h4": 4, "caption": 5}
NAME_TAGS = {"h1", "h3", "summary", "dt"}
BREAKS = {"p", "li", "br", "div", "dd", "td", "th", "tr", "section", "article"}


@dataclass
class Unit:
    """One place in a page a result can land on."""
    anchor: str
    label: str
    fields: list[tuple[int, str]] = field(default_factory=list)  # (NAME/TITLE/BODY, text)
    joined: str | None = field(default=None, compare=False, repr=False)  # `text`, once

    def add(self, kind: int, text: str) -> None:
        self.joined = None
        if self.fields and self.fields[-1][0] == kind:
            self.fields[-1] = (kind, self.fields[-1][1] + text)
        else:
            self.fields.append((kind, text))

    def text(self) -> str:
        if self.joined is None:  # (lists, not generators: a province has a million units)
            stripped = [t.strip() for _, t in self.fields]
            self.joined = " ".join([t for t in stripped if t])
        return self.joined


@dataclass
class PageUnits:
    """A page as search reads it: its title, filters and units."""
    title: str
    filters: dict[str, str]
    units: list[Unit]


# A table's body rows: `read_page` takes them from `rows` when it knows the table. Found
# by `str.find` and these checked where it stops (`_table_bodies`): a regular expression
# scanning for them character by character was a quarter of reading a page. The tags are
# the templates' own, lower case (one in upper case would be read from the HTML).
TBODY_START = re.compile(r"<tbody\b[^>]*>")
TBODY_END = re.compile(r"</tbody\s*>")
# The 文字说明 section (no table, no section inside): taken whole from `rows` by its id.
TEXT_ID = "text"  # its id: the anchor of its units (`search.texts`)
TEXT_SECTION = re.compile(rf'<section id="{TEXT_ID}"[\s>].*?</section\s*>', re.S)
RowsReader = Callable[[str], "list[list[tuple[int, str]]] | None"]


def read_page(html: str, rows: RowsReader | None = None) -> PageUnits | None:
    """The units of the indexed part of `html`; None for a page without one.

    `rows(anchor)` gives the rows of a table (each row's fields) as the page shows them,
    by the table's anchor, or None to read them from the HTML (`search.rows` builds them
    from the database: the costliest part of a page to read); `rows("text")` the units
    of the 文字说明 section (`search.texts`), read in its place.
    """
    start = BODY_START.search(html)
    if start is None:
        return None
    end = BODY_END.search(html, start.end())
    body = without_ignored(html[start.start():end.start() if end else None])
    return _Walker().walk(body, rows)


def _searched(html: str) -> str:
    """`html` without what search skips inside the indexed part (`EXCLUDED`, `THEAD`)."""
    return THEAD.sub("", EXCLUDED.sub("", html))


# The attributes the walk reads; a tag without any of them (nearly all) is not parsed further.
READ_ATTRS = re.compile(r"\b(?:id|scope|data-search-filter)\s*=", re.I)


def _attributes(attrs: str) -> dict[str, str]:
    if not READ_ATTRS.search(attrs):
        return {}
    return {k.lower(): htmllib.unescape(v or "") for k, v in ATTR.findall(attrs)}


def _table_bodies(html: str) -> Iterator[tuple[int, int]]:
    """Where each `<tbody>` element of `html` starts and ends (past its end tag), in order
    (as `<tbody\\b[^>]*>.*?</tbody\\s*>` would find them)."""
    pos = 0
    while (start := html.find("<tbody", pos)) != -1:
        opened = TBODY_START.match(html, start)
        if opened is None:
            pos = start + 1
            continue
        end = html.find("</tbody", opened.end())
        while end != -1 and (closed := TBODY_END.match(html, end)) is None:
            end = html.find("</tbody", end + 1)
        if end == -1:  # no end after this start, nor after any later one
            return
        yield start, closed.end()
        pos = closed.end()


class _Walker:
    """One pass over the tags and text of a page's indexed part (`read_page`)."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.unit: Unit | None = None
        self.kind = BODY
        self.ids: list[tuple[str, str]] = []  # (tag, id) of the open elements that have one
        self.label = ""
        self.labels: list[tuple[int, str]] = []  # (level, heading) of the headings in force
        self.filters: dict[str, str] = {}
        self.capture: list[list] = []  # [tag, filter name, text] of open filter elements
        self.heading: list[str] | None = None

    def walk(self, body: str, rows: RowsReader | None = None) -> PageUnits:
        given = rows(TEXT_ID) if rows is not None else None
        section = TEXT_SECTION.search(body) if given is not None else None
        if section is None:
            self.tables(body, rows)
        else:  # the 文字说明 section given whole (`search.texts`), the rest read
            self.tables(body[:section.start()], rows)
            self.add_section(given)
            self.tables(body[section.end():], rows)
        self.end_unit()
        title = next((u.fields[0][1].strip() for u in self.units if u.fields
                      and u.fields[0][0] == NAME), "")
        seen: set[str] = set()
        units = []
        for unit in self.units:
            text = unit.text()
            if text and text not in seen:
                seen.add(text)
                if len(text) <= UNIT_CHARS:  # nearly all: `split_long` keeps them whole
                    units.append(unit)
                else:
                    units += split_long(unit)
        return PageUnits(" ".join(title.split()), self.filters, units)

    def tables(self, body: str, rows: RowsReader | None) -> None:
        """Read `body`, each table's rows from `rows` where it gives them."""
        done = 0  # the rows given are not even cleaned (`_searched`): most of a page
        for start, end in _table_bodies(body) if rows is not None else ():
            self.tokens(_searched(body[done:start]))
            given = rows(self.anchor())
            if given is None:
                self.tokens(_searched(body[start:end]))
            else:  # the text before the first row belongs to the unit before, as read
                first = body.find("<tr", start, end)
                self.tokens(body[start:end if first == -1 else first])
                self.add_rows(given)
            done = end
        self.tokens(_searched(body[done:]))

    def add_section(self, entries: list) -> None:
        """A section's units given whole (anchor, fields, the level of the heading the unit
        is and that heading's label, or None, None), labelled as `open`/`close` label them."""
        self.end_unit()
        for anchor, fields, level, heading in entries:
            if level is not None:
                self.enter_heading(level)
            unit = Unit(anchor, self.label, fields)
            if unit.text():
                self.units.append(unit)
            if level is not None:
                self.leave_heading(level, heading)

    def enter_heading(self, level: int) -> None:
        """A heading of `level` begins: the headings at its level and below end."""
        while self.labels and self.labels[-1][0] >= level:
            self.labels.pop()
        self.label = self.labels[-1][1] if self.labels else ""

    def leave_heading(self, level: int, heading: str) -> None:
        """A heading of `level` ends: it labels what follows."""
        self.enter_heading(level)
        self.labels.append((level, heading))
        self.label = heading

    def tokens(self, html: str) -> None:
        text_, open_, close = self.text, self.open, self.close  # a page has thousands of tags
        for closing, tag, attrs, text in TOKEN.findall(html):
            if text:
                text_(htmllib.unescape(text) if "&" in text else text)
            elif tag:
                tag = tag.lower()
                if closing:
                    close(tag)
                else:
                    open_(tag, _attributes(attrs))

    def add_rows(self, rows: list[list[tuple[int, str]]]) -> None:
        """Table rows given whole: each a unit, as a `<tr>` of the HTML would be."""
        if not rows:
            return
        self.end_unit()
        anchor, label = self.anchor(), self.label
        for fields in rows:
            unit = Unit(anchor, label, fields)
            if unit.text():
                self.units.append(unit)

    def open(self, tag: str, attrs: dict[str, str]) -> None:
        if "data-search-filter" in attrs:
            name, _, value = attrs["data-search-filter"].partition(":")
            if value:
                self.filters.setdefault(name.strip(), value.strip())
            else:
                self.capture.append([tag, name.strip(), ""])
        anchor = attrs.get("id", "")
        if tag in NAME_TAGS or tag in TITLE_TAGS or tag == "tr":
            self.end_unit()
            if tag in LABEL_LEVELS:
                self.enter_heading(LABEL_LEVELS[tag])
            kind = NAME if tag in NAME_TAGS else TITLE if tag in TITLE_TAGS else BODY
            self.start_unit(anchor or self.anchor(), kind)
            if tag != "tr":
                self.heading = [tag, ""]
        elif tag == "th" and self.unit is not None and attrs.get("scope") == "row":
            self.kind = NAME
        elif tag == "dfn" and self.unit is not None:
            self.kind = DEFINED
        elif tag in BREAKS and self.unit is not None:
            self.unit.add(self.kind, " ")
        if anchor and tag not in VOID:
            self.ids.append((tag, anchor))

    def close(self, tag: str) -> None:
        if self.capture and self.capture[-1][0] == tag:
            _, name, text = self.capture.pop()
            if " ".join(text.split()):
                self.filters.setdefault(name, " ".join(text.split()))
        if self.heading is not None and self.heading[0] == tag:
            if tag in LABEL_LEVELS:
                self.leave_heading(LABEL_LEVELS[tag], " ".join(self.heading[1].split()))
            self.heading = None
            self.kind = BODY
        elif tag == "th":
            self.kind = BODY
        elif tag == "dfn":
            self.kind = NAME if self.heading is not None else BODY
        elif tag == "tr":
            self.end_unit()
        if self.ids and self.ids[-1][0] == tag:
            self.ids.pop()
        if tag in BREAKS and self.unit is not None:
            self.unit.add(self.kind, " ")

    def text(self, text: str) -> None:
        for entry in self.capture:
            entry[2] += text
        if self.heading is not None:
            self.heading[1] += text
        if not text.strip() and self.unit is None:
            return
        if self.unit is None:
            self.start_unit(self.anchor(), BODY)
        self.unit.add(self.kind, text)

    def anchor(self) -> str:
        return self.ids[-1][1] if self.ids else ""

    def start_unit(self, anchor: str, kind: int) -> None:
        self.unit = Unit(anchor, self.label)
        self.kind = kind

    def end_unit(self) -> None:
        if self.unit is not None and self.unit.text():
            self.units.append(self.unit)
        self.unit = None
        self.kind = BODY


UNIT_CHARS = 160  # a longer body is cut at sentence ends into units of about this size
SENTENCE_END = re.compile(r"(?<=[。！？；])")


def split_long(unit: Unit) -> list[Unit]:
    """`unit`, its body cut at sentence ends into pieces of about `UNIT_CHARS`, each piece a
    unit of its own (same anchor, labelled with the unit's heading): a result loads and
    shows the sentences it matched, not a whole section. A phrase never spans a sentence
    end, so nothing findable is cut."""
    if len(unit.text()) <= UNIT_CHARS:
        return [unit]
    head = [f for f in unit.fields if f[0] != BODY]
    body = " ".join(t.strip() for k, t in unit.fields if k == BODY and t.strip())
    pieces, current = [], ""
    for sentence in SENTENCE_END.split(body):
        if current and len(current) + len(sentence) > UNIT_CHARS:
            pieces.append(current)
            current = ""
        current += sentence
    pieces.append(current)
    label = " ".join(" ".join(t.split()) for _, t in head) or unit.label
    out = [Unit(unit.anchor, unit.label, head + [(BODY, pieces[0])])]
    out += [Unit(unit.anchor, label, [(BODY, piece)]) for piece in pieces[1:] if piece.strip()]
    return out


def without_ignored(html: str) -> str:
    """The page without its `data-search-ignore` elements (charts, check results, …).

    An element is cut out with everything up to its matching end tag (nesting counted);
    one whose end cannot be found is left in.
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
