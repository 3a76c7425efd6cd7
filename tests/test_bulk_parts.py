"""The bulk CSV and JSON exports assembled from parts by chunk of documents (`render.bulk`):
the same bytes as a table exported whole, and an edit exports again only its chunk's parts."""

from __future__ import annotations

import json
import shutil

import pytest

from generator.build import build
from generator.render import bulk, zipreuse

from .test_incremental import (
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


def parts(site) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (site / ".cache" / "bulk").glob("*.part")}


def test_exports_in_parts_are_the_tables_exported_whole(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 10**12)
    build(whole)
    assert not parts(whole)
    monkeypatch.setattr(bulk, "PART_DOCS", 1)
    monkeypatch.setattr(bulk, "PART_MIN_ROWS", 0)
    build(site)
    assert len(parts(site)) > 20 and bulk_files(site) == bulk_files(whole)
    rows = json.loads((site / "build" / "data" / "json" / "documents.json").read_text("utf-8"))
    assert len(rows["rows"]) == 2


def test_an_edit_exports_its_own_chunk_again_only(make_site, one_document_a_chunk, monkeypatch,
                                                   tmp_path):
    site = incremental_site(make_site)
    build(site)
    before = parts(site)
    edit_source(site)
    copied = []
    real = zipreuse.add_compressed
    monkeypatch.setattr(zipreuse, "add_compressed", lambda archive, info, *rest: (
        copied.append(info.filename), real(archive, info, *rest)))
    build(site)
    after = parts(site)
    # The other document's table CSVs are zipped as the last zip holds them, and only they.
    assert copied and all(name.startswith(f"tables/{OTHER_DOC.split('/')[1]}/") for name in copied)
    kept = {name for name in after if before.get(name) == after[name]}
    # Two chunks (one document each) of the same tables: the other document's are kept,
    # the edited one's are new and its old ones gone.
    assert len(after) == len(before) and len(kept) == len(after) // 2
    assert_same_as_clean_build(site, tmp_path)


def test_a_clean_build_reads_no_kept_part(make_site, one_document_a_chunk):
    site = incremental_site(make_site)
    build(site)
    good = bulk_files(site)
    for path in (site / ".cache" / "bulk").glob("*.part"):
        path.write_bytes(b"damaged\r\n")
    build(site, clean=True)
    assert bulk_files(site) == good
