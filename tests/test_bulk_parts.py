"""The bulk CSV and JSON exports assembled from parts by chunk of documents (`render.bulk`):
the same bytes as a table exported whole, and an edit exports again only its chunk's parts,
copying the others from the last build's files (`render.bulkstore`)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from generator.build import build
from generator.render import bulk, zipreuse

from .test_incremental import (
    EDITED_DOC,
    OTHER_DOC,
    assert_same_as_clean_build,
    edit_source,
    hashes,
    incremental_site,
)


@pytest.fixture
def one_document_a_chunk(monkeypatch):
    """Every document a chunk of its own, every table (however small) in parts."""
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)


def bulk_files(site) -> dict[str, str]:
    return {k: v for k, v in hashes(site / "build" / "data").items()
            if k.startswith(("csv/", "json/"))}


def layout(site) -> dict:
    return json.loads((site / ".cache" / "bulk" / "layout.json").read_text("utf-8"))["files"]


@pytest.fixture
def exported(monkeypatch) -> list[str]:
    """The queries of the parts exported (rather than copied from the last build)."""
    queries: list[str] = []
    real = bulk._copy_rows
    monkeypatch.setattr(bulk, "_copy_rows", lambda con, query, *rest: (
        queries.append(query), real(con, query, *rest)))
    return queries


def chunk_of(query: str, site) -> str:
    """The doc_id of the one-document chunk whose part `query` exports."""
    first, *_ = sorted((p.name for p in (site / "build" / "budgets").iterdir() if p.is_dir()),
                       key=lambda d: d.encode("utf-8"))
    return query.split("doc_id >= '", 1)[1].split("'", 1)[0] if "doc_id >= '" in query else first


def test_exports_in_parts_are_the_tables_exported_whole(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 10**12)
    build(whole)
    assert not any(record.get("parts") for record in layout(whole).values())
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)
    build(site)
    assert sum(len(record.get("parts", ())) for record in layout(site).values()) > 20
    assert bulk_files(site) == bulk_files(whole)
    rows = json.loads((site / "build" / "data" / "json" / "documents.json").read_text("utf-8"))
    assert len(rows["rows"]) == 2


def test_an_edit_exports_its_own_chunk_again_only(make_site, one_document_a_chunk, monkeypatch,
                                                   exported, tmp_path):
    site = incremental_site(make_site)
    build(site)
    assert not list((site / ".cache" / "bulk").glob("*.part"))  # no copy kept beside the files
    edit_source(site)
    other = OTHER_DOC.split("/")[1]
    copied = []
    real = zipreuse.add_compressed
    monkeypatch.setattr(zipreuse, "add_compressed", lambda archive, info, *rest: (
        copied.append(info.filename), real(archive, info, *rest)))
    exported.clear()
    build(site)
    # The other document's table CSVs are zipped as the last zip holds them, and only they.
    assert copied and all(name.startswith(f"tables/{other}/") for name in copied)
    # Two chunks (one document each): the edited one's parts are exported again (and the
    # rows of no document), the other document's are copied from the last build's files.
    keyed = {chunk_of(q, site) for q in exported if "doc_id IS NOT NULL" in q}  # (chunk parts)
    assert keyed == {EDITED_DOC.split("/")[1]}
    assert_same_as_clean_build(site, tmp_path)


def test_parts_are_copied_only_from_the_very_files_recorded(make_site, one_document_a_chunk,
                                                             exported, tmp_path):
    """A last build's bulk file that is not the one the layout records (replaced, edited)
    lends no part: its table is exported whole again, with the bytes of a clean build."""
    site = incremental_site(make_site)
    build(site)
    edit_source(site)
    served = site / "build" / "data" / "csv" / "table_values.csv"
    data = served.read_bytes()
    served.unlink()
    served.write_bytes(data.replace(b"2021", b"2O21"))  # a new file, as a user's edit makes
    os.utime(served, ns=(0, 0))
    exported.clear()
    build(site)
    assert {chunk_of(q, site) for q in exported if "FROM table_values" in q
            and "doc_id IS NULL" not in q} == {p.name for p in (site / "build" / "budgets").iterdir() if p.is_dir()}
    assert_same_as_clean_build(site, tmp_path)


def test_a_clean_build_reads_no_layout(make_site, one_document_a_chunk, exported):
    site = incremental_site(make_site)
    build(site)
    good = bulk_files(site)
    exported.clear()
    build(site, clean=True)
    assert bulk_files(site) == good and any("doc_id <" in q for q in exported)
