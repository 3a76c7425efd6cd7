"""Markdown pages get slugs like everything else: no file name can break a link, the sitemap
or another page; pages in other encodings, binary or deeply nested ones are published or
reported by name, and the build goes on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.render.mdpages import MAX_NESTING, render_markdown

from .conftest import SAMPLES
from .site_fixtures import broken_links

SITE_TOML = '[site]\ntitle = "页面"\n[build]\nsearch = false\ncharts = false\n'
DEEP_LIST = "".join("  " * i + f"- 第{i}层\n" for i in range(30))
DEEP_QUOTE = "# 深\n\n" + "> " * (MAX_NESTING + 20) + "最深处\n\n之后\n"
PAGES: dict[str, str | bytes] = {
    "about.md": "# 关于\n\n关于本站。\n",
    "...md": "# 三点\n\n三点页面替换首页\n",
    "..md": "# 两点\n\n两点页面\n",
    "x#y.md": "# 井号\n",
    "x?y.md": "# 问号\n",
    "a b.md": "# 空格\n\n空格页面\n",
    "关于数据.md": "# 数据说明\n",
    "gbk.md": "# 国标编码\n\n这一页是 GBK 编码的。\n".encode("gbk"),
    "binary.md": bytes(range(256)) * 4,
    "deep-list.md": "# 列表\n\n" + DEEP_LIST,
    "deep-quote.md": DEEP_QUOTE,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("mdpages")
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML,
                                     "content/disclosures/a.txt": (SAMPLES / "004_27a732d9d5264bbf.txt").read_bytes()}
    files.update({f"content/pages/{name}": data for name, data in PAGES.items()})
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root, build(root)


def issues_of(report, name: str) -> set[str]:
    return {i.slug for i in report.page_issues if i.path == f"content/pages/{name}"}


def test_page_names_become_slugs_and_clashes_are_refused(site):
    root, report = site
    out = root / "build"
    assert (out / "pages" / "about" / "index.html").exists()
    assert "空格页面" in (out / "pages" / "a-b" / "index.html").read_text(encoding="utf-8")
    assert (out / "pages" / "guan-yu-shu-ju" / "index.html").exists()
    # '...md' and '..md' have no name to make a URL of: the home page stays the home page
    assert "三点页面" not in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "pages" / "index.html").exists()
    assert issues_of(report, "...md") == issues_of(report, "..md") == {"page-name-unusable"}
    # 'x#y' and 'x?y' would both be pages/x-y/: neither is published, both are named
    assert not (out / "pages" / "x-y").exists()
    assert issues_of(report, "x#y.md") == issues_of(report, "x?y.md") == {"page-name-taken"}
    assert broken_links(out) == []
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for loc in re.findall(r"<loc>/(.*?)</loc>", sitemap):
        assert (out / loc / "index.html").exists() or (out / loc).is_file(), loc


def test_a_gbk_page_is_decoded_and_a_binary_one_reported(site):
    root, report = site
    gbk = (root / "build" / "pages" / "gbk" / "index.html").read_text(encoding="utf-8")
    assert "国标编码" in gbk and "这一页是 GBK 编码的。" in gbk
    assert issues_of(report, "binary.md") == {"page-encoding"}
    assert not (root / "build" / "pages" / "binary").exists()
    assert len(report.documents) == 1  # the build went on


def test_deep_markdown_is_rendered_or_reported(site):
    root, report = site
    deep = (root / "build" / "pages" / "deep-list" / "index.html").read_text(encoding="utf-8")
    assert "第29层" in deep  # 30 list levels: markdown-it's default dropped all below 10
    assert issues_of(report, "deep-list.md") == set()
    quote = (root / "build" / "pages" / "deep-quote" / "index.html").read_text(encoding="utf-8")
    assert "之后" in quote
    (issue,) = [i for i in report.page_issues if i.path == "content/pages/deep-quote.md"]
    assert issue.slug == "page-too-deep" and issue.line == 3


def test_the_command_line_names_each_refused_page(site, capsys):
    root, _ = site
    assert main(["build", str(root), "--clean"]) == 0
    err = capsys.readouterr().err
    for name in ("...md", "..md", "x#y.md", "x?y.md", "binary.md", "deep-quote.md"):
        assert f"content/pages/{name}" in err, name


def test_render_markdown_reports_only_what_it_leaves_out():
    html, cut = render_markdown(DEEP_LIST)
    assert "第29层" in html and cut is None
    html, cut = render_markdown(DEEP_QUOTE)
    assert "之后" in html and cut == 3
