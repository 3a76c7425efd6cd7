"""The working database kept between builds (`incremental.DatabaseCache`): an incremental
build loads only the changed documents into the last build's database, and its download
is the same file, byte for byte, as a clean build's."""

from __future__ import annotations

import os

import pytest

import generator.build as build_module
from generator.build import build
from generator.config import load_config
from generator.db import connect, query
from generator.incremental import DatabaseCache

from .test_incremental import (
    EDITED_DOC,
    OTHER,
    assert_same_as_clean_build,
    edit_source,
    incremental_site,
    record_doc_ids,
)


def record_loads(monkeypatch) -> list[list[str]]:
    """The doc_ids each build loads, one list per build."""
    loads: list[list[str]] = []
    real = build_module.load_parsed

    def recorded(con, site_dir, cache, documents, scratch=None):
        loads.append([doc_id for doc_id, _ in documents])
        return real(con, site_dir, cache, documents, scratch)

    monkeypatch.setattr(build_module, "load_parsed", recorded)
    return loads


def test_an_edit_loads_only_the_edited_document(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    loads = record_loads(monkeypatch)
    build(site)
    assert len(loads[0]) == 2 and loads[0] == sorted(loads[0])  # a clean build: in doc_id order
    edit_source(site)
    build(site)
    assert loads[1] == [EDITED_DOC.split("/")[1]]
    con = connect(site / "build" / "data" / "budget.duckdb")
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 2}]
    assert "测试标记" in str(query(con, "SELECT text FROM sections"))
    con.close()
    assert_same_as_clean_build(site, tmp_path)


def test_a_source_that_fails_and_comes_back_replaces_its_rows(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    loads = record_loads(monkeypatch)
    build(site)
    source = site / "content" / "disclosures" / OTHER
    good = source.read_bytes()
    source.write_bytes(b"\x00\x01 not a disclosure")
    build(site)
    assert loads[1] == []  # its rows went, nothing was loaded
    con = connect(site / "build" / "data" / "budget.duckdb")
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 1}]
    assert query(con, "SELECT count(*) AS n FROM issues WHERE doc_id IS NULL")[0]["n"] > 0
    con.close()
    assert_same_as_clean_build(site, tmp_path / "one")
    source.write_bytes(good)
    build(site)
    assert len(loads[2]) == 1
    con = connect(site / "build" / "data" / "budget.duckdb")
    assert query(con, "SELECT count(*) AS n FROM issues WHERE doc_id IS NULL") == [{"n": 0}]
    con.close()
    assert_same_as_clean_build(site, tmp_path / "two")


def test_a_build_killed_after_taking_the_database_leaves_no_state(make_site, monkeypatch,
                                                                  tmp_path):
    site = incremental_site(make_site)
    build(site)
    edit_source(site)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "render_database", killed)
        with pytest.raises(KeyboardInterrupt):
            build(site)
    folder = DatabaseCache(load_config(site)).folder
    assert not (folder / DatabaseCache.STATE).exists()
    assert not list(folder.glob("work-*"))
    loads = record_loads(monkeypatch)
    build(site)
    assert len(loads[0]) == 2  # nothing trusted: every document loaded again
    assert_same_as_clean_build(site, tmp_path)


def test_a_database_of_other_settings_or_a_clean_build_is_not_reused(make_site, monkeypatch):
    site = incremental_site(make_site)
    build(site)
    loads = record_loads(monkeypatch)
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("增量构建", "另一个标题"),
                    encoding="utf-8")
    build(site)
    edit_source(site)
    build(site, clean=True)
    assert [len(ids) for ids in loads] == [2, 2]


def test_a_damaged_state_loads_everything(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    build(site)
    folder = DatabaseCache(load_config(site)).folder
    state = folder / DatabaseCache.STATE
    state.write_bytes(state.read_bytes()[:-5])
    edit_source(site)
    loads = record_loads(monkeypatch)
    build(site)
    assert len(loads[0]) == 2
    assert_same_as_clean_build(site, tmp_path)


def test_an_edit_reads_the_details_of_the_pages_it_renders_only(make_site, monkeypatch,
                                                                  tmp_path):
    site = incremental_site(make_site)
    build(site)
    read = record_doc_ids(monkeypatch, "load_details")
    edit_source(site)
    build(site)
    assert [ids for ids in read if ids] == [[EDITED_DOC.split("/")[1]]]
    assert "测试标记" in (site / "build" / EDITED_DOC / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, tmp_path)


def test_a_damaged_or_edited_database_is_not_reused(make_site, monkeypatch, tmp_path):
    site = incremental_site(make_site)
    build(site)
    cached = DatabaseCache(load_config(site)).folder / DatabaseCache.NAME
    data = bytearray(cached.read_bytes())
    for i in range(4096, len(data), 4096):  # every block's checksum fails
        data[i + 100] ^= 0xFF
    cached.write_bytes(bytes(data))
    edit_source(site)
    loads = record_loads(monkeypatch)
    build(site)
    assert len(loads[0]) == 2  # its size and time are not the recorded ones
    assert_same_as_clean_build(site, tmp_path / "one")
    # damaged without a trace in its size or time: loading into it fails, a new one is made
    stamp = cached.stat()
    data = bytearray(cached.read_bytes())
    for i in range(4096, len(data), 4096):
        data[i + 100] ^= 0xFF
    cached.write_bytes(bytes(data))
    os.utime(cached, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    other = site / "content" / "disclosures" / OTHER
    other.write_bytes(other.read_bytes() + b"\n")
    build(site)
    assert_same_as_clean_build(site, tmp_path / "two")
