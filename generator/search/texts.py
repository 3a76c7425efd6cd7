"""The 文字说明 section of department-year pages, read from the site's database.

The section (`templates/document.html`, `<section id="text">`: 内设机构 and 预算单位, the
说明 texts by part, the 名词解释) is a page's longest text, and reading it back from the
HTML, tag by tag, was nearly half of what the page reader still read. Its units are built
here from the `divisions`, `sections` and `glossary` tables (one query each for all the
pages a worker reads), in the page's order, with the anchors, labels and fields the
reader gives them, up to white space (`Unit.text` strips every field; the paragraphs of
a text are joined as the page's `<p>` elements leave them, so that a long text is cut
into the same pieces, `pages.split_long`). `pages.read_page` takes them by the section's
anchor in place of the section's HTML; tests/test_search.py checks that a page reads
the same either way.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import SECTION_PARTS
from .pages import BODY, NAME, TEXT_ID, TITLE

Fields = list[tuple[int, str]]
# anchor, fields, and for a heading its level (`pages.LABEL_LEVELS`) and label, else None, None
Entry = tuple[str, Fields, "int | None", "str | None"]


def section_units(con, out: dict[str, dict]) -> None:
    """For each page of the `wanted` documents (a temporary table of `con`) that has the
    section: its units' entries, under `out[doc_id][TEXT_ID]`."""
    parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for doc_id, kind, name in con.execute(
            "SELECT doc_id, kind, name FROM divisions JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, kind, position").fetchall():
        parts[doc_id][kind].append(name)
    for doc_id, part, title, text in con.execute(
            "SELECT doc_id, part, title, text FROM sections JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, position").fetchall():
        parts[doc_id]["sections"].append((part or "other", title, text))
    for doc_id, term, text in con.execute(
            "SELECT doc_id, term, text FROM glossary JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, position").fetchall():
        parts[doc_id]["glossary"].append((term, text))
    for doc_id, found in parts.items():
        out[doc_id][TEXT_ID] = _entries(found["division"], found["sub_unit"],
                                        found["sections"], found["glossary"])


def _entries(divisions: list[str], sub_units: list[str], sections: list[tuple],
             glossary: list[tuple]) -> list[Entry]:
    """The section's units as the template prints them (`templates/document.html`)."""
    out: list[Entry] = [("text-title", [(TITLE, "文字说明")], 2, "文字说明")]
    listed = [f"{label}（{len(names)}）：{'、'.join(names)}" for label, names
              in (("内设机构", divisions), ("预算单位", sub_units)) if names]
    summary = "部门概况、预算说明" + ("、名词解释" if glossary else "")
    out.append((TEXT_ID, [(NAME, summary)] + _body(listed, "  "), None, None))
    known = {part for part, _ in SECTION_PARTS}
    grouped = [(title, [s for s in sections if s[0] == part]) for part, title in SECTION_PARTS]
    grouped.append(("其他", [s for s in sections if s[0] not in known]))
    for part_title, items in grouped:
        if items:
            out.append((TEXT_ID, [(NAME, part_title)], 3, " ".join(part_title.split())))
        for _, title, text in items:
            title = _shown(title)
            lines = [line for line in (text or "").split("\n") if line.strip()]
            out.append((TEXT_ID, [(TITLE, title)] + _body(lines, ""), 4, " ".join(title.split())))
    if glossary:
        out.append((TEXT_ID, [(NAME, "名词解释")], 3, "名词解释"))
        out += [(TEXT_ID, [(NAME, _shown(term))] + _body([_shown(text)], ""), None, None)
                for term, text in glossary]
    return out


def _body(paragraphs: list[str], between: str) -> Fields:
    """`<p>` elements as the reader reads them: a space at each start and end tag, and
    `between` (the template's white space) from one to the next."""
    return [(BODY, " " + f" {between} ".join(paragraphs) + " ")] if paragraphs else []


def _shown(text: str | None) -> str:
    """A value as the template prints it (None as "None")."""
    return "None" if text is None else text
