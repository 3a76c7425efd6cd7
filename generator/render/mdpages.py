"""Markdown pages (`content/pages/*.md`): read, named and rendered, whatever their names
and bytes.

A page is published at `/pages/<slug>/`, the slug made from its file name like every other
slug (`slugs.slugify`: `about.md` → `about`, `关于.md` → `guan-yu`, `a b.md` → `a-b`), so
no name (`x#y.md`, `..md`, `...md`) can break a link or the sitemap, or write over another
page. A name that gives no slug is refused, and so are names that give the same slug, but
for the one whose name is that slug (`a-b.md` keeps `a-b`; `a b.md` and `a_b.md` alone are
both refused): which page a URL shows never depends on the order files are read in.
Pages are decoded like the disclosures (`sources.decode`: UTF-8, GB18030, UTF-16); one
that is none of these is refused. Markdown nested deeper than `MAX_NESTING` levels (about
half as many list levels) is rendered down to there and reported. Each refusal or report
is an `Issue` naming the page; the build goes on.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..config import Config
from ..model import Issue
from ..slugs import slugify
from ..sources import decode

# markdown-it's limit on nested blocks (its default, 20, silently dropped everything below
# ten list levels). Each level is a Python call, so the limit stays far from recursion's.
MAX_NESTING = 100


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_NESTING}).enable("table")
    tokenize = md.block.tokenize

    def noting_cut(state, start: int, end: int, *args) -> None:
        # markdown-it skips the rest of a block nested MAX_NESTING deep without a word.
        line = state.skipEmptyLines(start)
        if state.level >= MAX_NESTING and line < end:
            state.env.setdefault("cut", line + 1)
        tokenize(state, start, end, *args)

    md.block.tokenize = noting_cut
    return md


def render_markdown(text: str) -> tuple[Markup, int | None]:
    """HTML of `text`, and the first line nested deeper than MAX_NESTING (left out), if any."""
    env: dict = {}
    md = _markdown()
    html = md.renderer.render(md.parse(text, env), md.options, env)
    return Markup(html), env.get("cut")


def read_markdown_pages(config: Config) -> tuple[list[tuple[str, str, Markup]], list[Issue]]:
    """(slug, title, html) of each publishable page, by slug; and an issue for each page
    refused or cut. The title is the first `# ` heading (else the file name)."""
    folder = config.content_dir / "pages"
    files = sorted(p for p in folder.glob("*.md") if p.is_file() and config.inside(p)) \
        if folder.is_dir() else []
    issues: list[Issue] = []
    by_slug: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        slug = slugify(path.stem, max_words=16)
        if not any(c.isalnum() for c in path.stem):
            issues.append(Issue("page-name-unusable", "页面未发布：文件名"
                                f"「{path.name}」中没有可用来生成网址的字母或数字",
                                _shown(config, path), None, "error"))
        else:
            by_slug[slug].append(path)
    pages = []
    for slug, paths in sorted(by_slug.items()):
        owner = next((p for p in paths if p.stem == slug), None) if len(paths) > 1 else paths[0]
        for path in paths:
            if path is not owner:
                others = "、".join(p.name for p in paths if p is not path)
                issues.append(Issue("page-name-taken", "页面未发布：它的网址"
                                    f" pages/{slug}/ 与 {others} 的相同，请给其中一个改名",
                                    _shown(config, path), None, "error"))
        if owner is not None:
            page, issue = _read_page(config, owner, slug)
            pages += [page] if page else []
            issues += [issue] if issue else []
    return pages, issues


def _read_page(config: Config, path: Path, slug: str
               ) -> tuple[tuple[str, str, Markup] | None, Issue | None]:
    shown = _shown(config, path)
    try:
        decoded = decode(path.read_bytes())
    except OSError as exc:
        return None, Issue("page-unreadable", f"页面未发布：{exc.strerror}", shown,
                           None, "error")
    if decoded is None or "\0" in decoded[0]:
        return None, Issue("page-encoding", "页面未发布：不是 UTF-8、GB18030 或 "
                           "UTF-16 编码的文本", shown, None, "error")
    text = decoded[0]
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), path.stem)
    body, cut = render_markdown(text)
    issue = Issue("page-too-deep", f"嵌套超过 {MAX_NESTING} 层："
                  "更深的内容不显示", shown, cut, "warning") if cut else None
    return (slug, title, body), issue


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(path)
