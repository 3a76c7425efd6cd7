"""Building tiny real sites: the database, bad files, and the atomic swap."""

from __future__ import annotations

import os

import pytest

from generator import build as build_module
from generator.build import build
from generator.config import load_config
from generator.db import connect, query

from .conftest import sample_paths

SITE_TOML = '[site]\ntitle = "测试站点"\n[build]\nsearch = false\ncharts = false\n'


def _site(make_site, extra=None):
    files = {"site.toml": SITE_TOML}
    for p in sample_paths()[:2]:
        files[f"content/disclosures/{p.name}"] = p.read_bytes()
    files.update(extra or {})
    return make_site(files)


def test_build_loads_documents_and_reports_bad_files(make_site):
    site = _site(make_site, {"content/disclosures/broken.txt": b"\x00\x01binary"})
    report = build(site)
    assert len(report.documents) == 2
    assert [f.issues[0].slug for f in report.failed] == ["source-binary"]
    con = connect(site / "build" / "data" / "budget.duckdb")
    docs = query(con, "SELECT doc_id, year FROM documents ORDER BY doc_id")
    assert len(docs) == 2
    bad = query(con, "SELECT slug, path FROM issues WHERE doc_id IS NULL")
    assert bad == [{"slug": "source-binary", "path": "content/disclosures/broken.txt"}]
    # amounts are exact decimals, never doubles
    kind = query(con, "SELECT typeof(amount) AS t FROM table_values LIMIT 1")[0]["t"]
    assert kind.startswith("DECIMAL")
    assert (site / "build" / "index.html").exists()


def test_failed_build_keeps_the_previous_site(make_site, monkeypatch):
    site = _site(make_site)
    build(site)
    before = (site / "build" / "index.html").read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("render crashed")

    import generator.render as render

    monkeypatch.setattr(render, "render_site", explode)
    with pytest.raises(RuntimeError):
        build(site, clean=True)  # an unchanged site would not be rendered at all
    assert (site / "build" / "index.html").read_bytes() == before
    leftovers = [p.name for p in site.iterdir() if "staging" in p.name or "-old-" in p.name]
    assert leftovers == []


def test_doc_ids_are_unique_and_stable(make_site):
    site = _site(make_site)
    docs = build_module.parse_sources(load_config(site))
    first = list(build_module.assign_ids([r.document for r in docs]))
    second = list(build_module.assign_ids([r.document for r in reversed(docs)]))
    assert sorted(first) == sorted(second) and len(set(first)) == len(first)
    assert all(i.isascii() for i in first)


def _record_pid(monkeypatch, module, name: str, into):
    """Wrap `module.name` so that each call writes the calling process's id to `into`."""
    real = getattr(module, name)

    def recorded(*args, **kwargs):
        into.write_text(str(os.getpid()))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return into


def test_a_province_is_loaded_in_a_child_process_into_the_same_database(make_site, monkeypatch):
    site = _site(make_site)
    build(site)
    in_process = (site / "build" / "data" / "budget.duckdb").read_bytes()
    monkeypatch.setattr(build_module, "LOAD_IN_CHILD", 1)
    pid = _record_pid(monkeypatch, build_module, "load_parsed", site / "loaded-by")
    build(site, clean=True)
    assert int(pid.read_text()) != os.getpid()
    assert (site / "build" / "data" / "budget.duckdb").read_bytes() == in_process


def test_a_province_is_rendered_in_a_child_process_into_the_same_site(make_site, monkeypatch):
    site = _site(make_site)
    in_process = build(site, output=site / "one")
    monkeypatch.setattr(build_module, "LOAD_IN_CHILD", 1)
    import generator.render as render_module

    pid = _record_pid(monkeypatch, render_module, "render_site", site / "rendered-by")
    in_child = build(site, output=site / "two")
    assert int(pid.read_text()) != os.getpid()
    assert (in_child.pages, in_child.rendered) == (in_process.pages, in_process.rendered)

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}
    assert files(site / "two") == files(site / "one")
    # The manifest came back from the child: a rebuild after one change reuses the rest.
    source = sorted((site / "content" / "disclosures").glob("*"))[0]
    source.write_bytes(source.read_bytes() + b"\n")
    again = build(site, output=site / "two")
    assert again.parsed == 1 and again.reused > 0 and again.rendered < in_child.rendered


def test_a_parse_cache_entry_gone_before_loading_is_parsed_again(make_site, monkeypatch):
    site = _site(make_site)
    real = build_module.parse_and_check

    def parse_then_lose_the_cache(config, cache, *args, **kwargs):
        result = real(config, cache, *args, **kwargs)
        for entry in cache.folder.glob("*.entry"):
            entry.unlink()
        return result

    monkeypatch.setattr(build_module, "parse_and_check", parse_then_lose_the_cache)
    report = build(site)
    con = connect(site / "build" / "data" / "budget.duckdb")
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": len(report.documents)}]
    assert query(con, "SELECT count(*) AS n FROM table_values")[0]["n"] > 100


def test_the_build_keeps_summaries_not_documents(make_site):
    site = _site(make_site)
    report = build(site)
    assert {type(d).__name__ for d in report.documents} == {"DocSummary"}
    assert all(d.department and d.year and d.sha256 for d in report.documents)
    assert not (site / "build" / ".work").exists()  # the working database stays out of build/
    assert sorted(p.name for p in (site / "build" / "data").glob("budget.duckdb*")) == \
        ["budget.duckdb"]
