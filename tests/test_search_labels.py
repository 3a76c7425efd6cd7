"""A search unit's label is the heading it falls under: a 说明 section's own unit is
labelled with its part (<h3>), not with the section (<h4>) printed before it."""

from __future__ import annotations

from generator.search.pages import read_page

PAGE = """<main data-search-body><h1>某局 2026年部门预算</h1>
<section id="text"><h2 id="text-title">文字说明</h2>
<h3>部门概况</h3>
<article><h4>某局主要职能</h4><p>负责本区司法行政工作。</p></article>
<article><h4>某局机构设置</h4><p>下设法律援助中心。</p></article>
<h3>部门预算情况说明</h3>
<article><h4>预算编制说明</h4><p>收入预算100万元。</p></article>
</section>
<section id="tables"><h2>表格</h2>
<table><caption>表一 收支总表</caption><tr><th scope="row">收入总计</th></tr></table>
<table><caption>表二 收入总表</caption><tr><th scope="row">财政拨款收入</th></tr></table>
</section></main>"""


def test_a_heading_unit_is_labelled_with_the_heading_above_it():
    labels = {unit.text().split()[0]: unit.label for unit in read_page(PAGE).units}
    assert labels["某局主要职能"] == "部门概况"
    assert labels["某局机构设置"] == "部门概况"  # not 某局主要职能
    assert labels["部门预算情况说明"] == "文字说明"
    assert labels["预算编制说明"] == "部门预算情况说明"  # not 某局机构设置
    assert labels["表二"] == "表格"  # not 表一's caption
    assert labels["财政拨款收入"] == "表二 收入总表"
