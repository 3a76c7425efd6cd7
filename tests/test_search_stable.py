"""Byte-stable Pagefind bundles (`search_stable`): the CBOR codec, and a bundle whose filter
values and filter list come out in the same order whatever order Pagefind wrote them in."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pytest

from generator import search
from generator.search_stable import (
    MAGIC,
    bundle_problems,
    decode,
    encode,
    read_file,
    stabilize_bundle,
)


@pytest.mark.parametrize("item, hex_bytes", [  # RFC 8949, appendix A
    (0, "00"), (23, "17"), (24, "1818"), (100, "1864"), (1000, "1903e8"),
    (1000000, "1a000f4240"), (1000000000000, "1b000000e8d4a51000"),
    ("", "60"), ("a", "6161"), ("\u6c34", "63e6b0b4"), ([], "80"), ([1, [2, 3], [4, 5]], "8301820203820405"),
])
def test_cbor_is_written_and_read_as_the_rfc_shows(item, hex_bytes):
    assert encode(item).hex() == hex_bytes
    assert decode(bytes.fromhex(hex_bytes)) == (item, len(hex_bytes) // 2)


@pytest.mark.parametrize("hex_bytes", ["f5", "9f01ff", "1a0000", "6461", "a0"])
def test_cbor_outside_pagefind_s_part_is_refused(hex_bytes):
    with pytest.raises(ValueError):  # true, indefinite array, short int, short text, map
        decode(bytes.fromhex(hex_bytes))


def _filter_site(tmp_path):
    site = tmp_path / "site"
    for i in range(12):
        page = site / "budgets" / f"d{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<html><body><main data-pagefind-body data-pagefind-filter="类型:部门预算">'
            f'<h1>第{i}号单位</h1><span data-pagefind-filter="年度">{2018 + i % 5}</span>'
            f'<span data-pagefind-filter="地区">地区{i % 4}</span><p>住房公积金</p>'
            f"</main></body></html>", encoding="utf-8")
    return site


def _tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(path, item):
    path.write_bytes(gzip.compress(MAGIC + encode(item), mtime=0))


def test_a_bundle_is_the_same_whatever_order_pagefind_wrote_its_filters_in(tmp_path):
    site = _filter_site(tmp_path)
    search.build_search_index(site, None, jobs=1)
    bundle = site / "pagefind"
    stable = _tree(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta_hash = entry["languages"]["zh-cn"]["hash"]
    meta = read_file(bundle / f"pagefind.{meta_hash}.pf_meta")
    assert [f[0] for f in meta[3]] == sorted(f[0] for f in meta[3]) == ["地区", "年度", "类型"]
    years = read_file(bundle / "filter" / f"{dict(meta[3])['年度']}.pf_filter")
    assert [v[0] for v in years[1]] == ["2018", "2019", "2020", "2021", "2022"]

    # the same bundle as another run may write it: values and filters reversed, other names
    shuffled = tmp_path / "shuffled"
    shutil.copytree(bundle, shuffled)
    renamed = []
    for name, old in reversed(meta[3]):
        item = read_file(shuffled / "filter" / f"{old}.pf_filter")
        (shuffled / "filter" / f"{old}.pf_filter").unlink()
        _write(shuffled / "filter" / f"zh-cn_x{old[-6:]}.pf_filter", [item[0], item[1][::-1]])
        renamed.append([name, f"zh-cn_x{old[-6:]}"])
    (shuffled / f"pagefind.{meta_hash}.pf_meta").unlink()
    _write(shuffled / "pagefind.zh-cn_other.pf_meta", meta[:3] + [renamed] + meta[4:])
    (shuffled / "pagefind-entry.json").write_text(
        (bundle / "pagefind-entry.json").read_text(encoding="utf-8").replace(meta_hash, "zh-cn_other"),
        encoding="utf-8")
    assert _tree(shuffled) != stable
    assert stabilize_bundle(shuffled)
    assert _tree(shuffled) == stable


def test_a_bundle_in_an_unknown_format_is_left_as_it_was(tmp_path):
    site = _filter_site(tmp_path)
    search.build_search_index(site, None, jobs=1)
    bundle = site / "pagefind"
    meta = next(bundle.glob("pagefind.*.pf_meta"))
    meta.write_bytes(gzip.compress(MAGIC + bytes.fromhex("a0")))  # a map: not Pagefind's
    before = _tree(bundle)
    assert not stabilize_bundle(bundle)
    assert _tree(bundle) == before
    meta.write_bytes(gzip.compress(MAGIC + b"x" * 100)[:20])  # a gzip cut short
    before = _tree(bundle)
    assert not stabilize_bundle(bundle)
    assert _tree(bundle) == before


def test_bundle_problems_name_what_is_missing_or_empty(tmp_path):
    site = _filter_site(tmp_path)
    search.build_search_index(site, None, jobs=1)
    bundle = site / "pagefind"
    assert bundle_problems(bundle) == []
    fragment = next((bundle / "fragment").iterdir())
    fragment.write_bytes(b"")  # a write lost when the service stopped
    (bundle / "filter" / next((bundle / "filter").iterdir()).name).unlink()
    found = bundle_problems(bundle)
    assert f"fragment/{fragment.name}: missing or empty" in found and len(found) == 2
    (bundle / "pagefind-entry.json").write_text("", encoding="utf-8")
    assert bundle_problems(bundle) == ["pagefind-entry.json: missing, empty or not Pagefind's"]


def test_an_incomplete_bundle_is_indexed_again_and_never_published(tmp_path, monkeypatch):
    from generator import search_bundles

    site = _filter_site(tmp_path)
    monkeypatch.setattr(search_bundles, "SETTLE_SECONDS", 0.1)
    real, checked = search_bundles.bundle_problems, []

    def lost_first_write(bundle):  # the first indexing loses its entry file, for good
        checked.append(bundle.name)
        if len(set(checked)) == 1 and checked.count(checked[0]) <= 3:
            return ["pagefind-entry.json: missing, empty or not Pagefind's"]
        return real(bundle)
    monkeypatch.setattr(search_bundles, "bundle_problems", lost_first_write)
    done = search.build_search_index(site, None, jobs=1)
    assert done.pages == 12 and bundle_problems(site / "pagefind") == []
    assert len(checked) > 3  # polled while settling, then indexed again

    monkeypatch.setattr(search_bundles, "bundle_problems", lambda bundle: ["index/x: missing or empty"])
    with pytest.raises(search.SearchIndexError, match="incomplete after 3 attempts"):
        search.build_search_index(_filter_site(tmp_path / "again"), None, jobs=1)
