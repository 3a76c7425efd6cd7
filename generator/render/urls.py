"""The URL scheme (documented in docs/urls.md): stable, ASCII, one folder per page.

Every page is `<path>/index.html` and linked as `<path>/`. Links inside pages are
relative, so the site works under any subpath and on any static host; only `404.html`
(served at arbitrary paths) and `sitemap.xml` use `site.base_url`.
"""

from __future__ import annotations

import posixpath

RESERVED = {"budgets", "departments", "regions", "years", "classifications", "data", "charts",
            "assets", "pages"}


def home() -> str:
    return ""


def budget(doc_id: str) -> str:
    return f"budgets/{doc_id}/"


def source(doc_id: str, line: int | None = None) -> str:
    return f"budgets/{doc_id}/source/" + (f"#L{line}" if line else "")


def original(doc_id: str) -> str:
    return f"budgets/{doc_id}/source.txt"


def original_file(doc_id: str, position: int, suffix: str) -> str:
    """A published PDF, workbook or Word source (the second file of a merged
    department-year: original-2.pdf)."""
    return f"budgets/{doc_id}/original{'-' + str(position + 1) if position else ''}{suffix}"


def table_file(doc_id: str, key: str, ext: str) -> str:
    """One parsed table's download; its name says whose and which year (the doc_id) and
    which table, so a saved file still says what it is."""
    return f"budgets/{doc_id}/tables/{doc_id}-{key}.{ext}"


def department(slug: str) -> str:
    return f"departments/{slug}/"


def region(slug: str) -> str:
    return f"regions/{slug}/"


def year(value: int | None) -> str:
    return f"years/{value if value is not None else 'unknown'}/"


def classification(kind: str, code: str) -> str:
    return f"classifications/{kind}/{code}/"


def page(stem: str) -> str:
    return f"pages/{stem}/"


def file_for(path: str) -> str:
    """The file a site path is written to: 'a/b/' → 'a/b/index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


class Linker:
    """`url(target)` for templates: the target relative to the page being rendered."""

    def __init__(self, page_path: str, base_url: str = "/", absolute: bool = False):
        self.dir = posixpath.dirname(file_for(page_path))
        self.base_url = base_url
        self.absolute = absolute
        self._cache: dict[str, str] = {}
        # For a plain target whose first folder is not the page's own first folder (a
        # classification page linking /budgets/…), the link is '../' per folder + target.
        parts = self.dir.split("/") if self.dir else []
        self._first = parts[0] if parts else None
        self._up = "../" * len(parts) if _plain(parts) else None

    def __call__(self, target: str) -> str:
        target, hash_, fragment = target.partition("#")
        rel = self._cache.get(target)
        if rel is None:
            rel = self._cache[target] = self._relative(target)
        return rel + hash_ + fragment

    def under(self, folder: str) -> str | None:
        """A prefix `p` with `self(folder + rest) == p + rest` for every plain `rest` (no
        empty, '.' or '..' part but a trailing '/'), if the link to a target in `folder`
        is that simple (None otherwise): a page listing thousands of department-years
        links each without working its link out (`plain`)."""
        if self.absolute:
            return self.base_url + folder
        if (self._up is not None and folder.partition("/")[0] != self._first
                and _plain(folder.rstrip("/").split("/"))):
            return self._up + folder
        return None

    def _relative(self, target: str) -> str:
        if self.absolute:
            return self.base_url + target
        if target == "":
            rel = _relpath(".", self.dir or ".")
            return "./" if rel == "." else rel + "/"
        if self._up is not None and target.partition("/")[0] != self._first:
            bare = target[:-1] if target.endswith("/") else target
            if _plain(bare.split("/")):
                return self._up + target
        trailing = target.endswith("/")
        rel = _relpath(target.rstrip("/"), self.dir or ".")
        if rel == ".":
            return "./"
        return rel + ("/" if trailing else "")


def plain(name: str) -> bool:
    """Whether `name` is one plain part of a path (a `Linker.under` rest, without '/')."""
    return "/" not in name and _plain([name])


def _plain(parts: list[str]) -> bool:
    return all(p not in ("", ".", "..") for p in parts)


def _relpath(target: str, start: str) -> str:
    """`posixpath.relpath` for the site's own paths, without its two `abspath` calls
    (a page links a few hundred targets: this was a tenth of the rendering time)."""
    t = [] if target == "." else target.split("/")
    s = [] if start == "." else start.split("/")
    if any(p in ("", ".", "..") for p in t + s):  # not a plain site path: the general rule
        return posixpath.relpath(target, start)
    common = 0
    while common < min(len(t), len(s)) and t[common] == s[common]:
        common += 1
    return "/".join([".."] * (len(s) - common) + t[common:]) or "."
