"""The word tails that let a query cut by the browser (ICU) match words cut by the
indexer (jieba): pure functions, and one segmentation by the real Pagefind binary."""

from __future__ import annotations

import asyncio

from generator import search, search_pages


def test_page_runs_read_only_the_indexed_part():
    html = ("<header><p>网站导航</p></header><main data-pagefind-body><h1>住房公积金</h1>"
            "<section data-pagefind-ignore><p>数据质量</p></section><p>差旅费 1.00 万元</p>"
            "<div data-pagefind-ignore>图表说明<div>嵌套内容</div>仍然忽略</div><p>项目名称</p>"
            "</main><footer>页脚文字</footer>")
    runs = search.page_runs(search_pages.without_ignored(html))
    assert {"住房公积金", "差旅费", "万元", "项目名称"} <= runs
    assert not runs & {"网站导航", "数据质量", "图表说明", "嵌套内容", "仍然忽略", "页脚文字"}


def test_ignored_elements_are_cut_whole_and_nothing_else():
    html = ('<main data-pagefind-body><img data-pagefind-ignore src="a.svg" alt="图"><p>正文一</p>'
            '<ul data-pagefind-ignore><li><ul><li>甲</li></ul></li><li>乙</li></ul><p>正文二</p>'
            '<p data-pagefind-ignore>没有结束标签</main>')
    out = search_pages.without_ignored(html)
    assert "正文一" in out and "正文二" in out
    assert "图" not in out and "甲" not in out and "乙" not in out
    assert "没有结束标签" in out  # an element whose end is not found is left for Pagefind


def test_a_page_without_a_search_body_has_no_runs():
    assert search.page_runs("<main><p>部门预算</p></main>") == set()


def test_run_tails_cover_every_piece_icu_may_cut():
    # 住房|公积金 (jieba) vs 住房|公|积|金 (ICU); 差旅|费 vs 差|旅费
    assert search.run_tails(["住房", "公积金"]) == sorted({"房", "积金", "金", "房公积金"})
    assert "旅费" in search.run_tails(["差旅", "费"])
    assert search.run_tails(["费"]) == []


def test_words_are_read_back_per_run():
    content = "住房\u200b公积金\u200b。\n差旅\u200b费\u200b。\n预算"
    assert search._words_by_run(content) == [["住房", "公积金"], ["差旅", "费"], ["预算"]]


def test_the_binary_segments_each_run_on_its_own(tmp_path):
    runs = ["住房公积金", "一般公共预算", "差旅费", "行政运行"]
    words = asyncio.run(search.segment_runs(runs, tmp_path / "words"))
    assert set(words) == set(runs)
    for run in runs:
        assert "".join(words[run]) == run  # every run came back whole, in its own record slot
    assert len(words["一般公共预算"]) > 1  # and was cut into words by the binary


def test_run_cache_keeps_only_this_builds_runs(tmp_path):
    cache = search.RunCache(tmp_path)
    cache.entries.update({"住房公积金": ["金"], "旧词语": ["词语"]})
    cache.save({"住房公积金"})
    again = search.RunCache(tmp_path)
    assert again.entries == {"住房公积金": ["金"]}
    (tmp_path / "runs.json").write_text('{"salt": "another binary", "runs": {"x": []}}',
                                        encoding="utf-8")
    assert search.RunCache(tmp_path).entries == {}
