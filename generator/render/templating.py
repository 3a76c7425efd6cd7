"""Jinja2 environment: a site's own `templates/` first, then the built-in `templates/`.

Built-in templates live in the repository's top-level `templates/` folder (resolved from
this package's location, so the repo and any site dir use the same built-ins). A file in
`<site>/templates/` with the same name replaces the built-in one, file by file — pages,
partials (`_*.html`) and assets (`assets/style.css`) alike. Page templates are named after
the page kind (`document.html`); a more specific name is tried first
(`document-<doc_id>.html`), as in Datasette.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import Config
from . import formatting, urls
from .tablehtml import table_body

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def template_dirs(config: Config) -> list[Path]:
    """Site templates first, then the built-ins (once, if the site is the repo itself)."""
    dirs = []
    site = (config.site_dir / "templates").resolve()
    if site.is_dir() and site != BUILTIN_TEMPLATES:
        dirs.append(site)
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


def make_env(config: Config) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(config)]),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        amount=formatting.fmt_amount,
        printed=formatting.fmt_printed,
        change=formatting.fmt_change,
        percent=formatting.fmt_percent,
    )
    env.globals.update(site_title=config.get("site.title"),
                       site_description=config.get("site.description"),
                       share=formatting.share, per_person=formatting.per_person, u=urls,
                       table_body=table_body)
    return env


def asset_files(config: Config) -> dict[str, Path]:
    """Static files under `templates/assets/`, site files overriding built-ins by name."""
    found: dict[str, Path] = {}
    for d in reversed(template_dirs(config)):
        assets = d / "assets"
        if assets.is_dir():
            for p in assets.rglob("*"):
                if p.is_file():
                    found[p.relative_to(assets).as_posix()] = p
    return found


class PageWriter:
    """Renders templates into `out_dir`, each page at `<path>/index.html`; counts pages."""

    def __init__(self, env: Environment, out_dir: Path, base_url: str):
        self.env = env
        self.out_dir = out_dir
        self.base_url = base_url
        self.count = 0
        self.paths: list[str] = []

    def write(self, names: str | list[str], path: str, absolute: bool = False,
              in_sitemap: bool = True, **context: Any) -> None:
        template = self.env.get_template(names) if isinstance(names, str) else \
            self.env.select_template(names)
        url = urls.Linker(path, self.base_url, absolute)
        html = template.render(url=url, page_path=path, **context)
        target = self.out_dir / urls.file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.count += 1
        if in_sitemap:
            self.paths.append(path)
