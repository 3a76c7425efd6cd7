"""An incremental build loads the bodies (tables, projects, …) of the documents whose own
pages it renders; the other pages show what the last build kept of each document
(`render.facts`), and the site is the same, byte for byte, as a clean build's."""

from __future__ import annotations

import pytest

import generator.render as render_module
from generator.build import build
from generator.render.facts import FactsStore

from .conftest import sample_paths
from .test_incremental import (
    EDITED,
    EDITED_DOC,
    OTHER_DOC,
    assert_same_as_clean_build,
    edit_source,
    incremental_site,
    inodes,
    record_doc_ids,
    rewritten,
)

NEXT_YEAR = "005_next_year.txt"  # the edited department's 2022, a copy of its 2021
NEXT_DOC = EDITED_DOC.replace("2021", "2022")


@pytest.fixture
def bodies(monkeypatch) -> list[list[str]]:
    """The doc_ids whose bodies each call loads (upfront, or with a page's details)."""
    return record_doc_ids(monkeypatch, "load_bodies", render_module)


def two_year_site(make_site):
    site = incremental_site(make_site)
    source = next(p for p in sample_paths() if p.name == EDITED).read_text(encoding="utf-8")
    (site / "content" / "disclosures" / NEXT_YEAR).write_text(source.replace("2021", "2022"),
                                                              encoding="utf-8")
    return site


def test_an_edit_loads_the_bodies_of_the_pages_it_renders_only(make_site, bodies, tmp_path):
    """The edited document's body is loaded for its facts; its next year's, whose page
    links it, as that page renders; the other department's not at all."""
    site = two_year_site(make_site)
    build(site)
    assert (site / "build" / NEXT_DOC / "index.html").is_file()
    bodies.clear()
    edit_source(site)
    build(site)
    loaded = [ids for ids in bodies if ids]
    assert loaded[0] == [EDITED_DOC.split("/")[1]]
    assert sorted(i for ids in loaded for i in ids) == sorted(
        d.split("/")[1] for d in (EDITED_DOC, NEXT_DOC))
    assert OTHER_DOC.split("/")[1] not in str(loaded)
    assert "测试标记" in (site / "build" / EDITED_DOC / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, tmp_path)


def test_an_edited_key_figure_reaches_the_pages_that_list_it(make_site, tmp_path):
    """An amount of 表三 (on its classification page) and the 编制数 (on every list of
    department-years, and per person on the classification pages) change; the other
    documents' figures there come from the kept facts."""
    site = two_year_site(make_site)
    build(site)
    before = inodes(site / "build")
    path = site / "content" / "disclosures" / EDITED
    row = "20\t03\t01\t行政运行（政府办公厅（室）及相关机构事务）\t1472.23"
    staff = "阿图什市人民政府办公室编制数 90，"
    text = path.read_text(encoding="utf-8")
    assert row in text and staff in text
    path.write_text(text.replace(row, row[:-1] + "4", 1).replace(staff, staff.replace("90", "91")),
                    encoding="utf-8")
    build(site)
    changed = rewritten(before, site / "build")
    assert {"index.html", "budgets/index.html", "years/2021/index.html",
            "regions/a-tu-shi-shi-c34a63/index.html"} <= changed
    assert "years/2022/index.html" not in changed  # lists the 2022 copy alone
    page = (site / "build" / "classifications/function/2010301/index.html").read_text(encoding="utf-8")
    assert "1,472.24" in page and "1,472.23" in page  # the edited 2021 beside its 2022 copy
    assert_same_as_clean_build(site, tmp_path)


def test_damaged_facts_are_worked_out_again(make_site, bodies, tmp_path):
    site = two_year_site(make_site)
    build(site)
    entry = site / ".cache" / "render" / FactsStore.NAME
    data = bytearray(entry.read_bytes())
    data[-5] ^= 1
    entry.write_bytes(bytes(data))
    edit_source(site)
    bodies.clear()
    build(site)
    assert len(next(ids for ids in bodies if ids)) == 3  # every document's, the entry unread
    assert_same_as_clean_build(site, tmp_path)
