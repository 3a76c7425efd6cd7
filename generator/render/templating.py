"""Jinja2 environment: a site's own `templates/` first, then the built-in `templates/`.

Built-in templates live in the repository's top-level `templates/` folder (resolved from
this package's location, so the repo and any site dir use the same built-ins). A file in
`<site>/templates/` with the same name replaces the built-in one, file by file — pages,
partials (`_*.html`) and assets (`assets/style.css`) alike. Page templates are named after
the page kind (`document.html`); a more specific name is tried first
(`document-<doc_id>.html`), as in Datasette.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Container
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

from ..config import BUILTIN_TEMPLATES, Config, template_dirs  # noqa: F401 (re-exported)
from . import formatting, listrows, tablehtml, urls
from .glossary import TermLinker


class SiteLoader(FileSystemLoader):
    """A site's own templates: one that is a link out of the site folder is not used (the
    built-in template of that name is)."""

    def __init__(self, folder: Path, config: Config):
        super().__init__(str(folder))
        self.config = config

    def get_source(self, environment: Environment, template: str) -> tuple:
        source = super().get_source(environment, template)
        if not self.config.inside(Path(source[1])):
            raise TemplateNotFound(template)
        return source


class CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept between builds (`<site>/.cache/templates/<version>/`): a
    rebuild after an edit, and each of `serve`'s, compiles none of them again (that was
    a third of a `serve` rebuild's CPU at the shipped site). A template's entry is keyed
    by its name and file and checked against its source (Jinja's bucket); the folder is
    the generator's version, since the compiled code also depends on the environment's
    options set here. An entry that cannot be read is compiled again."""

    def __init__(self, cache_dir: Path):
        from ..cachefile import generator_version

        root = cache_dir / "templates"
        folder = root / generator_version().replace("+", "-")
        if not folder.is_dir():
            shutil.rmtree(root, ignore_errors=True)  # another version's
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))
        self._references: dict[str, Any] | None = None  # `references`, read when first asked

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 — damaged: compiled again, and rewritten
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a read-only cache only costs the compiling
            pass

    def references(self, name: str, source: str,
                   find: Callable[[], list[str | None]]) -> list[str | None]:
        """The templates that the template `name` of text `source` extends, includes or
        imports (`find()`: by parsing it; None for a name computed at render time), kept
        in `references.json` beside the compiled templates by a digest of name and text:
        parsing every template for them cost each build half a second."""
        if self._references is None:
            self._references = self._kept_references()
        key = hashlib.sha256(f"{name}\0{source}".encode()).hexdigest()
        found = self._references.get(key)
        if not isinstance(found, list):
            found = self._references[key] = find()
            self._keep_reference(key, found)
        return found

    def _kept_references(self) -> dict[str, Any]:
        try:
            kept = json.loads((Path(self.directory) / REFERENCES).read_bytes())
        except (OSError, ValueError):
            return {}
        return kept if isinstance(kept, dict) else {}

    def _keep_reference(self, key: str, found: list[str | None]) -> None:
        """Add one entry to the file, as it stands now: a render worker may have added
        others since this process read it."""
        path = Path(self.directory) / REFERENCES
        tmp = path.with_name(f".{REFERENCES}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self._kept_references() | {key: found}, sort_keys=True),
                           encoding="utf-8")
            tmp.replace(path)  # whole, for another process reading it meanwhile
        except OSError:  # a read-only cache only costs the parsing
            tmp.unlink(missing_ok=True)


REFERENCES = "references.json"


# What `getattr` finds on a plain dict: its methods (`fmap.get`, `d.items`).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class SiteEnvironment(Environment):
    """Jinja's environment, reading a field of a record (a plain dict: `info.year`,
    `s.title`) in one step: Jinja tries the attribute first, and a dict's failed attribute
    lookup raises an AttributeError before the key is looked up (a tenth of a
    department-year page's rendering). What a template reads is the same: a dict's own
    attributes (its methods) still come first."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env(config: Config) -> Environment:
    try:
        compiled = CompiledTemplates(config.site_dir / ".cache")
    except OSError:
        compiled = None
    env = SiteEnvironment(
        bytecode_cache=compiled,
        loader=ChoiceLoader([FileSystemLoader(str(d)) if d == BUILTIN_TEMPLATES else SiteLoader(d, config)
                             for d in template_dirs(config)]),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,  # one environment per build: no need to stat templates per page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        amount=formatting.fmt_amount,
        printed=formatting.fmt_printed,
        change=formatting.fmt_change,
        percent=formatting.fmt_percent,
        paragraphs=formatting.paragraphs,
    )
    env.globals.update(site_title=config.get("site.title"),
                       site_description=config.get("site.description"),
                       share=formatting.share, per_person=formatting.per_person, u=urls,
                       table_body=tablehtml.table_body, parsed_tables=tablehtml.parsed_tables,
                       source_link=tablehtml.source_link, check_rows=tablehtml.check_rows,
                       failure_items=tablehtml.failure_items, change_items=tablehtml.change_items,
                       indicator_rows=tablehtml.indicator_rows, issue_items=tablehtml.issue_items,
                       summary_rows=listrows.summary_rows, term_linker=TermLinker,
                       classification_rows=listrows.classification_rows)
    return env


def asset_files(config: Config) -> dict[str, Path]:
    """Static files under `templates/assets/`, site files overriding built-ins by name."""
    found: dict[str, Path] = {}
    for d in reversed(template_dirs(config)):
        assets = d / "assets"
        if assets.is_dir():
            for p in assets.rglob("*"):
                if p.is_file() and (d == BUILTIN_TEMPLATES or config.inside(p)):
                    found[p.relative_to(assets).as_posix()] = p
    return found


class _Anything:
    def __contains__(self, name: object) -> bool:
        return True


class PageWriter:
    """Renders templates into `out_dir`, each page at `<path>/index.html`; counts pages."""

    def __init__(self, env: Environment, out_dir: Path, base_url: str):
        self.env = env
        self.out_dir = out_dir
        self.base_url = base_url
        self.count = 0
        self.paths: list[str] = []
        self._folders: set[str] = set()  # folders known to exist (a page has its own)
        self._names: Container[str] | None = None

    def has_template(self, name: str) -> bool:
        """Whether the template `name` may exist (False is certain), from one listing of the
        templates: most `document-<doc_id>.html` overrides do not exist, and a failed lookup
        costs a file system search per template folder. Only names at the top of a template
        folder are looked up in the listing (one in a symlinked subfolder may be missing)."""
        if "/" in name:
            return True
        if self._names is None:
            try:
                self._names = frozenset(self.env.list_templates())
            except TypeError:  # a loader that cannot list its templates: try each name
                self._names = _Anything()
        return name in self._names

    def write_file(self, rel: str, data: bytes) -> None:
        """`data` into the file `rel` under `out_dir`, its folder made if need be."""
        folder, _, _ = rel.rpartition("/")
        if folder not in self._folders:
            (self.out_dir / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        with open(f"{self.out_dir}/{rel}", "wb") as f:
            f.write(data)

    def write(self, names: str | list[str], path: str, absolute: bool = False,
              in_sitemap: bool = True, **context: Any) -> None:
        if isinstance(names, str):
            template = self.env.get_template(names)
        else:  # the most specific template that exists (the lookup fails the same if none does)
            template = self.env.select_template([n for n in names if self.has_template(n)] or names)
        url = urls.Linker(path, self.base_url, absolute)
        html = template.render(url=url, page_path=path, **context)
        self.write_file(urls.file_for(path), html.encode("utf-8"))
        self.count += 1
        if in_sitemap:
            self.paths.append(path)
