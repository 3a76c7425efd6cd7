"""What spares a rebuild work without changing what it builds: units deferred by `serve`
(the bulk downloads, linked from the last build until the next one renders them), the
compiled templates kept in `.cache/templates/`, and phone numbers masked only in the rows
a build loads."""

from __future__ import annotations

from generator.build import SEARCH_INDEX, build
from generator.search import INDEX_DIR
from generator.search.analyzer import query_terms

from .search_view import postings_of
from .test_atomic import duckdb_content
from .test_incremental import (
    EDITED,
    EDITED_DOC,
    OTHER,
    assert_same_as_clean_build,
    edit_source,
    incremental_site,
    inodes,
    rewritten,
)


def test_a_deferred_unit_is_the_last_builds_until_the_next_build(make_site, tmp_path):
    site = incremental_site(make_site)
    build(site)
    before = inodes(site / "build")
    edit_source(site)
    report = build(site, defer=frozenset({"data"}))
    assert report.deferred == ["data"] and not report.up_to_date
    changed = rewritten(before, site / "build")
    assert EDITED_DOC + "index.html" in changed
    assert "测试标记" in (site / "build" / EDITED_DOC / "index.html").read_text(encoding="utf-8")
    data = {k for k in before if k.startswith("data/")}
    assert "data/budget.duckdb" in data and not data & changed

    again = build(site)  # the inputs are those of the last build: the downloads are still due
    assert not again.up_to_date and again.deferred == [] and again.parsed == 0
    assert "data/budget.duckdb" in rewritten(before, site / "build")
    assert build(site).up_to_date
    assert_same_as_clean_build(site, tmp_path)


def indexed(site, term: str) -> bool:
    """Whether the built search index holds `term`'s postings."""
    return bool(postings_of(site / "build" / INDEX_DIR, term))


def test_a_deferred_search_index_is_the_last_builds_until_the_next_build(make_site, tmp_path):
    site = incremental_site(make_site)
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("search = false", "search = true"),
                    encoding="utf-8")
    build(site)
    before = inodes(site / "build")
    (new_term,) = [t for t in query_terms("测试标记") if not indexed(site, t)][:1]
    edit_source(site)
    report = build(site, defer=frozenset({SEARCH_INDEX}))
    assert report.deferred == [SEARCH_INDEX] and report.search is None
    changed = rewritten(before, site / "build")
    assert EDITED_DOC + "index.html" in changed
    assert not {k for k in changed if k.startswith(INDEX_DIR)} and not indexed(site, new_term)

    again = build(site)  # the index is updated from the one linked, as from the last build's
    assert not again.up_to_date and again.deferred == [] and again.parsed == 0
    assert indexed(site, new_term) and 0 < again.search.linked < again.search.files
    assert build(site).up_to_date
    assert_same_as_clean_build(site, tmp_path)


def test_damaged_compiled_templates_are_compiled_again(make_site, tmp_path):
    site = incremental_site(make_site)
    build(site)
    compiled = [p for p in (site / ".cache" / "templates").rglob("*") if p.is_file()]
    assert compiled
    for path in compiled:
        path.write_bytes(path.read_bytes()[:40] + b"\0damaged")
    edit_source(site)
    build(site)
    assert_same_as_clean_build(site, tmp_path)


def test_phone_numbers_are_masked_in_the_rows_a_rebuild_loads(make_site, tmp_path):
    """Each build masks the mobile numbers of the documents it loads; the others' rows, kept
    in the working database, were masked by the build that loaded them."""
    site = incremental_site(make_site)
    other = site / "content" / "disclosures" / OTHER
    text = other.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines()[8:] if len(ln.strip()) > 12)
    other.write_text(text.replace(line, "联系电话13912345678。" + line, 1), encoding="utf-8")
    build(site)
    path = site / "content" / "disclosures" / EDITED
    edited = path.read_text(encoding="utf-8").replace("负责阿图什市人民政府会议的会务",
                                                     "负责会务（电话13887654321）", 1)
    path.write_text(edited, encoding="utf-8")
    assert build(site).parsed == 1
    database = str(duckdb_content(site / "build" / "data" / "budget.duckdb"))
    assert "13912345678" not in database and "13887654321" not in database
    assert "139****5678" in database and "138****4321" in database
    assert_same_as_clean_build(site, tmp_path)
