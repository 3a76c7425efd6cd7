"""Building tiny real sites: the database, bad files, and the atomic swap."""

from __future__ import annotations

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
