"""The whole-site database downloads of an incremental build (`render.published`): the last
build's budget.duckdb brought up to date (the changed documents' rows replaced), its
Parquet parts linked where their documents did not change; the rows those files hold are a
clean build's (`assert_same_as_clean_build`), their bytes need not be."""

from __future__ import annotations

import pytest

from generator import db
from generator.build import build
from generator.render import bulk, published

from .test_incremental import (
    EDITED_DOC,
    OTHER_DOC,
    assert_same_as_clean_build,
    edit_source,
    incremental_site,
)

EDITED_ID, OTHER_ID = EDITED_DOC.split("/")[1], OTHER_DOC.split("/")[1]


@pytest.fixture
def started(monkeypatch) -> list[tuple]:
    """(base, replace) of each incremental publishing started."""
    calls: list[tuple] = []
    real = db.start_publishing
    monkeypatch.setattr(db, "start_publishing", lambda con, base=None, replace=None, parts=None,
                        in_place=False, **more: (calls.append((base, replace)),
                                                 real(con, base, replace, parts, in_place, **more))[1])
    return calls


@pytest.fixture
def parquet_per_document(monkeypatch):
    """Every document a Parquet part of its own, every table in parts."""
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)


def parquet_inodes(site) -> dict[str, int]:
    folder = site / "build" / "data" / "parquet"
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.parquet")}


def test_an_edit_replaces_its_rows_in_the_last_builds_files(make_site, started, parquet_per_document,
                                                             tmp_path):
    site = incremental_site(make_site)
    build(site)
    before = parquet_inodes(site)
    edit_source(site)
    build(site)
    assert started == [(site / "build" / "data" / "budget.duckdb", [EDITED_ID])]
    # two documents, two parts per table, ordered by doc_id: the other document's linked
    after = parquet_inodes(site)
    assert sorted(after) == sorted(before)
    first = sorted([EDITED_ID, OTHER_ID], key=lambda d: d.encode("utf-8")).index(OTHER_ID)
    linked = {name for name, ino in after.items() if before[name] == ino}
    assert linked == {name for name in after if name.endswith(f"part-{first:04d}.parquet")}
    assert "line_items/part-0000.parquet" in after and "line_items/part-0001.parquet" in after
    assert_same_as_clean_build(site, tmp_path)


def test_a_removed_document_leaves_the_updated_file(make_site, started, tmp_path):
    site = incremental_site(make_site)
    build(site)
    (site / "content" / "disclosures" / "004_27a732d9d5264bbf.txt").unlink()
    build(site)
    assert started[-1][1] == [EDITED_ID]
    con = db.open_read_only(site / "build" / "data" / "budget.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM line_items WHERE doc_id = ?", [EDITED_ID]).fetchone()[0] == 0
    finally:
        con.close()
    assert_same_as_clean_build(site, tmp_path)


def test_a_file_not_the_one_recorded_or_grown_too_much_is_published_anew(make_site, started,
                                                                          monkeypatch, tmp_path):
    """Written anew, the file has a clean build's very bytes again."""
    site = incremental_site(make_site)
    build(site)
    edit_source(site)
    served = site / "build" / "data" / "budget.duckdb"
    served.write_bytes(served.read_bytes())  # another file (inode) with the same bytes
    build(site)
    assert started[-1] == (None, None)
    # then updated: it grows; a limit below its size has it written anew
    text = (site / "content" / "disclosures" / "004_27a732d9d5264bbf.txt").read_text(encoding="utf-8")
    (site / "content" / "disclosures" / "004_27a732d9d5264bbf.txt").write_text(
        text.replace("负责测试标记会议的会务", "负责另一标记会议的会务"), encoding="utf-8")
    monkeypatch.setattr(published, "GROWTH_LIMIT", 0.5)
    build(site)
    assert started[-1] == (None, None)
    clean = tmp_path / "clean"
    assert_same_as_clean_build(site, clean)
    assert served.read_bytes() == (clean / "clean-site" / "build" / "data" / "budget.duckdb").read_bytes()


def edit_again(site, mark: str) -> None:
    path = site / "content" / "disclosures" / "004_27a732d9d5264bbf.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("会议的会务", f"{mark}会议的会务", 1), encoding="utf-8")


def test_the_spares_file_is_brought_up_to_date_in_place(make_site, started, monkeypatch, tmp_path):
    """The build after next takes the spare's budget.duckdb (the build before last's, not
    served) and updates it where it is, instead of copying the last build's; the served
    file is never changed; the rows are a clean build's."""
    monkeypatch.setattr(published, "GROWTH_LIMIT", 10)  # two documents: each update doubles the file
    site = incremental_site(make_site)
    build(site)
    served = site / "build" / "data" / "budget.duckdb"
    first = served.stat().st_ino
    edit_source(site)
    build(site)  # a copy of the first build's file; that build's site is now the spare
    second = served.stat().st_ino
    assert started[-1] == (served, [EDITED_ID]) and second != first
    kept = served.read_bytes()
    edit_again(site, "再")
    build(site)
    assert served.stat().st_ino == first and ".spare-trash" in str(started[-1][0])
    assert started[-1][1] == [EDITED_ID]
    assert_same_as_clean_build(site, tmp_path / "a")
    assert (site / ".build-spare" / "data" / "budget.duckdb").read_bytes() == kept  # served until the swap
    edit_again(site, "又")
    build(site)
    assert served.stat().st_ino == second
    assert_same_as_clean_build(site, tmp_path / "b")


def test_a_failed_build_leaves_the_site_whole_and_the_next_one_right(make_site, started, monkeypatch,
                                                                      tmp_path):
    """A build that fails after the publishing process took the spare's file leaves the
    served site as it was; the next build publishes from the served file."""
    import generator.render as render

    from .test_incremental import hashes

    monkeypatch.setattr(published, "GROWTH_LIMIT", 10)
    site = incremental_site(make_site)
    build(site)
    edit_source(site)
    build(site)
    before = hashes(site / "build")
    edit_again(site, "再")

    def fail(*args, **kwargs):
        raise RuntimeError("导出失败（测试）")

    monkeypatch.setattr(render, "write_bulk", fail)
    with pytest.raises(RuntimeError):
        build(site)
    assert ".spare-trash" in str(started[-1][0])  # the spare's file was taken, then deleted
    assert hashes(site / "build") == before
    monkeypatch.undo()
    build(site)
    assert_same_as_clean_build(site, tmp_path)
