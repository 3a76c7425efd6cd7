"""A big site's search index in shards: the plan, the copies Pagefind reads, the bundle
cache that spares a rebuild re-indexing unchanged shards. Queries over merged shards run
in the browser in test_search.py."""

from __future__ import annotations

import json

from generator import search, search_bundles, search_pages
from generator.search_bundles import BundleCache, plan_shards


def test_a_site_within_one_shard_gets_one_bundle():
    weights = {"budgets/a/index.html": 10, "departments/a/index.html": 5}
    assert plan_shards(weights, 100) == [sorted(weights)]
    assert plan_shards(weights, 0) == [sorted(weights)]


def test_every_page_is_in_one_shard_and_keeps_it_when_others_change():
    weights = {f"budgets/d{i}/index.html": 1000 for i in range(200)}
    weights.update({f"departments/d{i}/index.html": 100 for i in range(100)})
    plan = plan_shards(weights, 32_000)
    assert len(plan) == 7  # ceil(210,000 / 32,000)
    assert sorted(p for shard in plan for p in shard) == sorted(weights)
    assert all(shard == sorted(shard) for shard in plan)
    assert all(any(p.startswith("departments/") for p in shard) for shard in plan)  # mixed kinds
    changed = dict(weights, **{"budgets/d0/index.html": 1500})  # same count of shards
    assert plan_shards(changed, 32_000) == plan


def test_search_copy_drops_excluded_cells_and_ignored_elements():
    html = ('<main data-pagefind-body><table><tr><th>行政运行</th><td class="num">1.00</td>'
            '<td class="line"><a class="src" href="#L1">L1</a></td><td>说明</td></tr></table>'
            '<p>文字<a class="src" href="source/#L9" title="原文第 9 行">原文</a></p>'
            '<span class="code raw">2080101</span><div data-pagefind-ignore>图表</div></main>')
    out = search_pages.search_copy(html)
    assert "<p>行政运行 说明</p>" in out and "文字" in out
    for gone in ("1.00", "L1", "原文", "2080101", "图表", "<table", "<td"):
        assert gone not in out, gone


def test_tables_are_read_as_lines_and_a_row_seen_already_is_left_out():
    html = ('<main data-pagefind-body><table><caption>表三 一般公共预算支出表</caption>'
            '<thead><tr><th>科目编码</th><th>名称</th></tr></thead>'
            '<tbody><tr><td>2080101</td><th> 行政<b>运行</b> </th></tr>'
            '<tr><td>2080501</td><th>行政单位离退休</th></tr></tbody></table>'
            '<h3 id="project-1">信息化建设</h3>'
            '<table><tr><th>科目编码</th><th>名称</th></tr><tr><td>2080101</td><th>行政 运行</th></tr>'
            '<tr><td>2080101</td><th>事业运行</th></tr><tr><td></td><td> </td></tr></table></main>')
    out = search_pages.flat_tables(html)
    assert out == ('<main data-pagefind-body><div><p>表三 一般公共预算支出表</p><p>科目编码 名称</p>'
                   '<p>2080101 行政 运行</p><p>2080501 行政单位离退休</p></div>'
                   '<h3 id="project-1">信息化建设</h3><div><p>2080101 事业运行</p></div></main>')
    nested = '<table><tr><td><table><tr><td>甲</td></tr></table></td></tr></table>'
    assert search_pages.flat_tables(nested) == nested


def test_page_tails_drop_tails_that_begin_a_longer_one():
    tails = search.page_tails({"公积金": ["积金", "金"], "金额": ["额"], "费用": ["用"]},
                               ["公积金", "金额", "费用"])
    assert tails == ["用", "积金", "金", "额"]
    assert search.page_tails({"x": ["积", "积金"]}, ["x"]) == ["积金"]


def test_bundles_are_installed_with_their_list(tmp_path):
    bundles = []
    for n in range(3):
        bundle = tmp_path / f"b{n}"
        for name in ("pagefind-entry.json", "pagefind.js", f"pagefind.zh-cn_{n}.pf_meta",
                     "index/a.pf_index", "fragment/f.pf_fragment", "filter/x.pf_filter"):
            (bundle / name).parent.mkdir(parents=True, exist_ok=True)
            (bundle / name).write_text(f"{n}:{name}", encoding="utf-8")
        bundles.append(bundle)
    site = tmp_path / "site" / "pagefind"
    search_bundles.install_bundles(bundles, site)
    assert json.loads((site / "shards.json").read_text()) == {"shards": ["shards/1/", "shards/2/"]}
    assert (site / "pagefind.js").read_text() == "0:pagefind.js"
    assert (site / "shards/2/fragment/f.pf_fragment").read_text() == "2:fragment/f.pf_fragment"
    assert (site / "shards/1/pagefind.zh-cn_1.pf_meta").is_file()
    assert not (site / "shards/1/pagefind.js").exists()  # scripts come from the primary


def test_bundle_cache_keeps_what_this_build_used_and_never_gives_a_damaged_bundle(tmp_path):
    from generator.search_stable import BUNDLE_FILES

    cache = BundleCache(tmp_path)
    for key in ("old", "new", "damaged"):
        bundle = tmp_path / "out" / key
        bundle.mkdir(parents=True)
        for name in BUNDLE_FILES:
            (bundle / name).write_text("x", encoding="utf-8")
        (bundle / "pagefind-entry.json").write_text('{"languages": {}}', encoding="utf-8")
        cache.put(key, bundle)
    (tmp_path / "bundles" / "damaged" / "pagefind-entry.json").write_text("", encoding="utf-8")
    assert cache.get("old") and cache.get("new") and cache.get("other") is None
    assert cache.get("damaged") is None  # indexed again rather than published broken
    cache.prune({"new"})
    assert cache.get("old") is None and cache.get("new") is not None
    assert BundleCache(None).get("new") is None


def _site(tmp_path, pages: dict[str, str]):
    site = tmp_path / "site"
    for page, text in pages.items():
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(f"<html><body><main data-pagefind-body><h1>{text}</h1>"
                                 f"<p>{text}的部门预算说明</p></main></body></html>",
                                 encoding="utf-8")
    return site


def test_a_rebuild_indexes_only_the_shards_whose_pages_changed(tmp_path, monkeypatch):
    pages = {f"budgets/d{i}/index.html": f"第{i}号单位住房公积金" for i in range(12)}
    indexed: list[int] = []
    real = search.index_folders

    async def counting(jobs, config, workers):
        indexed.append(len(jobs))
        await real(jobs, config, workers)
    monkeypatch.setattr(search, "index_folders", counting)

    def build(site, reuse=True):
        done = search.build_search_index(site, tmp_path / "cache", shard_size=60, jobs=1,
                                         reuse=reuse)
        shards = json.loads((site / "pagefind" / "shards.json").read_text())["shards"]
        assert done.bundles == 1 + len(shards) and done.indexed == indexed[-1]
        return done.pages, done.bundles

    count, bundles = build(_site(tmp_path / "a", pages))
    assert count == 12 and bundles >= 3 and indexed == [bundles]
    assert build(_site(tmp_path / "b", pages)) == (12, bundles) and indexed[-1] == 0
    pages["budgets/d3/index.html"] = "第三号单位差旅费"
    assert build(_site(tmp_path / "c", pages)) == (12, bundles) and indexed[-1] == 1
    assert len(list((tmp_path / "cache" / "bundles").iterdir())) == bundles
    # a clean build (`build --clean`) indexes every shard again, and leaves the cache whole
    assert build(_site(tmp_path / "d", pages), reuse=False) == (12, bundles)
    assert indexed[-1] == bundles
    assert build(_site(tmp_path / "e", pages)) == (12, bundles) and indexed[-1] == 0


def test_a_rebuild_prepares_only_the_pages_of_the_shards_it_indexes(tmp_path, monkeypatch):
    """A page's prepared copy is kept by its bytes (`PageCache`): a rebuild hashes every
    page but prepares only the changed ones and the other pages of their shards (it
    prepared all 3,000 pages of a province for every change), and the bundles are the
    same as a clean build's."""
    pages = {f"budgets/d{i}/index.html": f"第{i}号单位住房公积金" for i in range(12)}
    prepared: list[int] = []
    real = search.prepare_pages

    def counting(site, todo, folder, workers):
        prepared.append(len(todo))
        return real(site, todo, folder, workers)
    monkeypatch.setattr(search, "prepare_pages", counting)

    def build(name, reuse=True):
        site = _site(tmp_path / name, pages)
        prepared.clear()
        search.build_search_index(site, tmp_path / "cache", shard_size=60, jobs=1, reuse=reuse)
        return site, sum(prepared)

    assert build("a")[1] == 12
    assert build("b")[1] == 0
    pages["budgets/d3/index.html"] = "第三号单位差旅费"
    site, count = build("c")
    shards = json.loads((site / "pagefind" / "shards.json").read_text())["shards"]
    assert 1 <= count < 12 and len(shards) >= 2
    clean, count = build("d", reuse=False)
    assert count == 12
    assert _bundle_files(site) == _bundle_files(clean)


def _bundle_files(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in (site / "pagefind").rglob("*") if p.is_file()}


def test_search_jobs_sets_the_pagefind_processes_alone(tmp_path, monkeypatch):
    """`build.search_jobs`: how many Pagefind processes run at once, whatever `jobs` (the
    page preparation's workers) is; unset, `jobs`."""
    pages = {f"budgets/d{i}/index.html": f"第{i}号单位住房公积金" for i in range(6)}
    seen: list[int] = []
    real = search.index_folders

    async def recording(jobs, config, workers):
        seen.append(workers)
        await real(jobs, config, workers)
    monkeypatch.setattr(search, "index_folders", recording)
    search.build_search_index(_site(tmp_path / "a", pages), None, shard_size=60, jobs=2,
                              pagefind_jobs=1)
    search.build_search_index(_site(tmp_path / "b", pages), None, shard_size=60, jobs=2)
    assert seen == [1, 2]
