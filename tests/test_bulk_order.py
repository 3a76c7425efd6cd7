"""A database whose documents were loaded in doc_id order (a clean build's) is exported and
published without a sort (`db.rows_in_doc_order`): DuckDB's plain scan returns the rows in
the order they were inserted, also across row groups and with several threads, so the
downloads are byte for byte those of the sorted exports, which an incremental build's
database (changed documents loaded last) still needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import db
from generator.render import bulk
from generator.render.downloads import write_bulk

# More rows than a DuckDB row group (122,880) holds, in many vectors (2,048 rows).
ROWS_PER_DOC = 45_000
DOC_IDS = ["doc-a-2021", "doc-b-2021", "doc-c-2022"]


def _document(doc_id: str) -> tuple:
    return (doc_id, f"content/{doc_id}.txt", f"{doc_id}.txt", "0" * 64, "utf-8", "tsv",
            f"部门{doc_id}", 1, "某地区", 2021, "budget", "department", "万元", 10)


def _database(order: list[str]):
    """A database into which the documents `order` were loaded one after the other, each
    with its table_values rows (amounts exact, row numbers that tell the rows apart), and
    two issues of a file that could not be parsed last."""
    con = db.connect()
    con.execute("SET threads = 4")
    for doc_id in order:
        db.bulk_insert(con, "documents", [_document(doc_id)])
        con.execute(
            "INSERT INTO table_values SELECT ?, 'expense', i // 7, 'total', "
            "CAST(i AS DECIMAL(28,6)) / 100, CAST(i AS VARCHAR), i, false, '万元', NULL, NULL, "
            "NULL, NULL FROM range(?) t(i)", [doc_id, ROWS_PER_DOC])
    db.bulk_insert(con, "issues", [(None, "content/bad.txt", n, "unreadable", "error", None, "无法读取")
                                   for n in (1, 2)])
    return con


def _exports(con, folder: Path, ordered: bool | None) -> dict[str, bytes]:
    folder.mkdir()
    store = bulk.PartStore(folder / ".parts", None)
    write_bulk(con, folder, bulk.chunks({d: d for d in DOC_IDS}, "settings"), store, ordered=ordered)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted((folder / "data").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def in_order():
    con = _database(DOC_IDS)
    yield con
    con.close()


def test_documents_loaded_in_doc_id_order_are_recognised(in_order):
    assert db.rows_in_doc_order(in_order)
    shuffled = _database([DOC_IDS[1], DOC_IDS[0], DOC_IDS[2]])
    assert not db.rows_in_doc_order(shuffled)
    shuffled.close()


@pytest.mark.parametrize("parted", [False, True])
def test_exports_without_the_sort_are_the_sorted_exports(in_order, tmp_path, monkeypatch, parted):
    monkeypatch.setattr(bulk, "PART_DOCS", 1)  # a part per document, each a filtered scan
    if not parted:
        monkeypatch.setattr(bulk, "PART_MIN_ROWS", 10**12)
    unsorted = _exports(in_order, tmp_path / "plain", True)
    assert unsorted == _exports(in_order, tmp_path / "sorted", False)
    # A database loaded in another order is sorted (found out by itself) into the same bytes.
    shuffled = _database([DOC_IDS[2], DOC_IDS[0], DOC_IDS[1]])
    assert _exports(shuffled, tmp_path / "shuffled", None) == unsorted
    shuffled.close()
    parts = sorted(name for name in unsorted if name.startswith("data/csv/table_values/"))
    assert len(parts) == (len(DOC_IDS) if parted else 1)
    lines = [b""]
    for name in parts:
        header, *rows = unsorted[name].split(b"\r\n")
        assert header.startswith(b"\xef\xbb\xbfdoc_id,") and rows[-1] == b""
        lines[-1:] = rows
    assert len(lines) == len(DOC_IDS) * ROWS_PER_DOC + 1
    assert lines[0].startswith(b"doc-a-2021,")
    assert lines[-2].startswith(b"doc-c-2022,expense,6428,total,449.99,44999,")


def test_the_published_database_is_the_same_without_the_sort(in_order, tmp_path):
    db.publish(in_order, tmp_path / "plain.duckdb")
    shuffled = _database([DOC_IDS[2], DOC_IDS[1], DOC_IDS[0]])
    db.publish(shuffled, tmp_path / "sorted.duckdb")
    shuffled.close()
    assert (tmp_path / "plain.duckdb").read_bytes() == (tmp_path / "sorted.duckdb").read_bytes()
    published = db.open_read_only(tmp_path / "plain.duckdb")
    first = published.execute("SELECT doc_id, printed FROM table_values LIMIT 1 OFFSET 45000").fetchone()
    assert first == ("doc-b-2021", "0")
    published.close()


def test_a_clean_build_exports_without_the_sort_an_edit_sorts(make_site, monkeypatch, tmp_path):
    """The build takes the unsorted path by itself: a clean build's exports have no ORDER
    BY; after an edit of the document whose doc_id comes first (loaded again, so last),
    every export sorts (the publishing process writes them, from its file: `BulkPlan.copies`),
    none is written by the render process, and the downloads are still a clean build's."""
    from generator.build import build
    from generator.render import downloads

    from .test_incremental import assert_same_as_clean_build, edit_source, incremental_site

    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)
    queries: list[str] = []
    real = bulk.copy_rows
    monkeypatch.setattr(bulk, "copy_rows", lambda con, query, *rest: (
        queries.append(query), real(con, query, *rest)))
    handed: list[str] = []
    real_copies = downloads.BulkPlan.copies
    monkeypatch.setattr(downloads.BulkPlan, "copies", lambda plan: (
        copies := real_copies(plan), handed.extend(query for _, query, *_ in copies))[0])
    site = incremental_site(make_site)
    build(site)
    assert queries and not any("ORDER BY" in q for q in queries) and not handed
    edit_source(site)
    queries.clear()
    build(site)
    assert not queries and handed and all("ORDER BY" in q for q in handed)
    assert {q.split(" FROM ")[-1].split()[0].strip('"') for q in handed} >= {"line_items", "checks"}
    assert_same_as_clean_build(site, tmp_path)
