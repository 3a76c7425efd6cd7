"""The bulk CSV and JSON exports as folders of parts by chunk of documents (`render.bulk`):
together the rows of the table exported whole, each a complete file; an edit writes again
only its chunk's parts (and its documents' zip of table CSVs), linking the others from the
last build (`render.bulkstore`), with the bytes of a clean build."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile

import pytest

from generator.build import build
from generator.render import bulk

from .test_incremental import (
    EDITED_DOC,
    OTHER_DOC,
    assert_same_as_clean_build,
    edit_source,
    incremental_site,
    inodes,
)

EDITED_ID, OTHER_ID = EDITED_DOC.split("/")[1], OTHER_DOC.split("/")[1]


@pytest.fixture
def one_document_a_chunk(monkeypatch):
    """Every document a chunk of its own, every table (however small) in parts."""
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)


@pytest.fixture
def exported(monkeypatch) -> list[str]:
    """The queries of the parts exported (rather than linked from the last build): by the
    render process, or, in an incremental build, by the publishing process
    (`BulkPlan.copies`)."""
    from generator.render import downloads

    queries: list[str] = []
    real = bulk.copy_rows
    monkeypatch.setattr(bulk, "copy_rows", lambda con, query, *rest: (
        queries.append(query), real(con, query, *rest)))
    real_copies = downloads.BulkPlan.copies
    monkeypatch.setattr(downloads.BulkPlan, "copies", lambda plan: (
        copies := real_copies(plan), queries.extend(query for _, query, *_ in copies))[0])
    return queries


def chunk_of(query: str, site) -> str:
    """The doc_id of the one-document chunk whose part `query` exports."""
    first, *_ = sorted((p.name for p in (site / "build" / "budgets").iterdir() if p.is_dir()),
                       key=lambda d: d.encode("utf-8"))
    return query.split("doc_id >= '", 1)[1].split("'", 1)[0] if "doc_id >= '" in query else first


def csv_rows(folder) -> tuple[list[list[str]], list[list[str]]]:
    """The header of each CSV part in `folder`, and their rows one after the other."""
    headers, rows = [], []
    for part in sorted(folder.iterdir()):
        raw = part.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # each part opens in Excel or WPS as UTF-8
        header, *more = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
        headers.append(header)
        rows += more
    return headers, rows


def json_rows(folder) -> list[dict]:
    out = []
    for part in sorted(folder.iterdir()):
        data = json.loads(part.read_text("utf-8"))
        assert data["table"] == folder.name and data["unit"] == "万元"
        out += data["rows"]
    return out


def test_parts_hold_the_rows_of_the_table_exported_whole(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 10**12)
    build(whole)
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)
    build(site)
    parted, single = site / "build" / "data", whole / "build" / "data"
    tables = sorted(p.name for p in (single / "csv").iterdir())
    assert len(tables) > 15 and tables == sorted(p.name for p in (parted / "csv").iterdir())
    for table in tables:
        assert [p.name for p in (single / "csv" / table).iterdir()] == ["part-0000.csv"]
        headers, rows = csv_rows(parted / "csv" / table)
        assert (headers[:1], rows) == csv_rows(single / "csv" / table) and len(set(map(tuple, headers))) == 1
        assert json_rows(parted / "json" / table) == json_rows(single / "json" / table)
    # two documents, a part each, in doc_id order (a table without doc_id is one part)
    assert sorted(p.name for p in (parted / "csv" / "line_items").iterdir()) == ["part-0000.csv", "part-0001.csv"]
    assert len(json_rows(parted / "json" / "documents")) == 2
    assert [p.name for p in (parted / "csv" / "table_names").iterdir()] == ["part-0000.csv"]
    zips = sorted(p.name for p in (parted / "tables-csv").iterdir())
    assert zips == ["part-0000.zip", "part-0001.zip"]
    with zipfile.ZipFile(parted / "tables-csv" / "part-0000.zip") as z:
        first = {name.split("/")[1] for name in z.namelist()}
    assert len(first) == 1 and first < {EDITED_ID, OTHER_ID}


def test_an_edit_writes_its_own_chunk_again_only(make_site, one_document_a_chunk, exported, tmp_path):
    site = incremental_site(make_site)
    build(site)
    data = site / "build" / "data"
    before = inodes(data)
    edit_source(site)
    exported.clear()
    build(site)
    # Two chunks (one document each): the edited one's parts are written again (and the
    # rows of no document, if any), the other document's are linked from the last build.
    assert {chunk_of(q, site) for q in exported if "doc_id IS NOT NULL" in q} == {EDITED_ID}
    edited = sorted([EDITED_ID, OTHER_ID], key=lambda d: d.encode("utf-8")).index(EDITED_ID)
    written = {name for name, ino in inodes(data).items() if before.get(name) != ino}
    parted = {name for name in written if name.startswith(("csv/", "json/", "tables-csv/"))
              and "table_names" not in name}
    assert parted and all(name.endswith((f"part-{edited:04d}.csv", f"part-{edited:04d}.json",
                                         f"part-{edited:04d}.zip")) for name in parted)
    assert f"tables-csv/part-{1 - edited:04d}.zip" not in written
    assert_same_as_clean_build(site, tmp_path)


def test_parts_are_linked_only_from_the_very_files_recorded(make_site, one_document_a_chunk,
                                                            exported, tmp_path):
    """A last build's part that is not the file the layout records (replaced, edited)
    is not linked: it is written again, with the bytes of a clean build."""
    site = incremental_site(make_site)
    build(site)
    edit_source(site)
    other = sorted([EDITED_ID, OTHER_ID], key=lambda d: d.encode("utf-8")).index(OTHER_ID)
    served = site / "build" / "data" / "csv" / "table_values" / f"part-{other:04d}.csv"
    data = served.read_bytes()
    served.unlink()
    served.write_bytes(data.replace(b"2021", b"2O21"))  # a new file, as a user's edit makes
    os.utime(served, ns=(0, 0))
    exported.clear()
    build(site)
    assert {chunk_of(q, site) for q in exported if "FROM table_values" in q
            and "doc_id IS NULL" not in q} == {EDITED_ID, OTHER_ID}
    assert_same_as_clean_build(site, tmp_path)


def test_a_clean_build_reads_no_layout(make_site, one_document_a_chunk, exported):
    site = incremental_site(make_site)
    build(site)
    folder = site / "build" / "data"
    good = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] in ("csv", "json", "tables-csv")}
    exported.clear()
    build(site, clean=True)
    assert {name: (folder / name).read_bytes() for name in good} == good
    assert any("doc_id <" in q for q in exported)
