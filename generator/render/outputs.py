"""Outputs that know what they depend on, so a build re-renders only what changed (as Lektor).

The site is rendered in *units*: a department-year page with its charts, its source view,
its table downloads, a department page, a classification page, … Before rendering a unit
the renderer names the inputs it depends on — documents (`doc:<doc_id>`), all documents
(`docs`), the classification index (`classes`), the navigation (`nav`), a Markdown page
(`md:<stem>`), an asset (`asset:<path>`) — and the page templates it uses; templates are
followed through `extends`, `include` and `import` (`template:<name>`). When every input has
the same content hash as in the last build, the unit's files are hard-linked from the
previous `build/` into the staging folder instead of being rendered again. Files are only
ever linked or newly written, never written into, so the site being served is never touched.

`TrackedWriter.each` renders one unit group per item (a document's page, source view and
downloads) in forked worker processes, each a share of the items, and merges what they
record in item order, so the site and the manifest are the same as with one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager as ContextManager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, TemplateNotFound, meta

from ..heap import heap_frozen
from ..incremental import DEFERRED, Manifest, digest
from .spare import SpareTree, unit_files
from .templating import CompiledTemplates, PageWriter

T = TypeVar("T")
R = TypeVar("R")
ABSENT = "absent"  # the key of a template that does not exist (adding it is a change)


class TrackedWriter(PageWriter):
    """A `PageWriter` that renders a unit only when one of its inputs changed.

    `previous` is the manifest of the build in `previous_dir` (None: render everything).
    The renderer sets the current key of every input in `inputs`; `units` collects, per
    unit, its dependencies, its pages (`pages`: in the sitemap; `unlisted`: not) and the
    other files it wrote.
    """

    def __init__(self, env: Environment, out_dir: Path, base_url: str,
                 previous: Manifest | None = None, previous_dir: Path | None = None,
                 spare: Manifest | None = None):
        super().__init__(env, out_dir, base_url)
        self.previous = previous
        self.previous_dir = previous_dir
        # `out_dir` is the spare, whose manifest is `spare`: updated in place (`spare`).
        self.spare = SpareTree(str(out_dir), spare, previous) if spare is not None else None
        if self.spare is not None:
            self.spare.clear()
        self.inputs: dict[str, str] = {}
        self.units: dict[str, dict[str, list[str]]] = {}
        self.reused = 0
        self._current: dict[str, list[str]] | None = None
        self._templates: dict[str, list[str]] = {}
        self._reusable: dict[str, bool] = {}
        # Units linked from the last build even when their inputs changed, to be rendered
        # by the next build (`serve` shows an edit before the bulk downloads are redone).
        self.deferred: frozenset[str] = frozenset()

    def stale(self, unit: str, deps: Iterable[str], templates: Iterable[str] = ()) -> bool:
        """True when `unit` must be rendered (then the writes that follow belong to it);
        False when nothing it depends on changed and its files were linked from the last build."""
        names = self._dependencies(deps, templates)
        before = self._unchanged(unit, names)
        if before is None and unit in self.deferred:
            before = self._postponed(unit)
        if before is not None and (self._held(unit) or self._link(before)):
            self.units[unit] = before
            self.paths += before["pages"]
            self.count += len(before["pages"]) + len(before["unlisted"])
            self.reused += 1
            self._current = None
            return False
        if self.spare is not None:
            self.spare.release(unit)
        self._current = self.units[unit] = {"deps": names, "pages": [], "unlisted": [], "files": []}
        return True

    def _held(self, unit: str) -> bool:
        """Whether the spare holds the last build's files of `unit` already."""
        return self.spare is not None and unit in self.spare.held

    def finish(self) -> None:
        """Once every unit is placed: what the spare held that no unit claims goes."""
        if self.spare is not None:
            self.spare.finish(self.units)

    def write_file(self, rel: str, data: bytes) -> None:
        if self.spare is not None:  # a file there may be a link to the served site's: never written into
            try:
                os.unlink(f"{self.out_dir}/{rel}")
            except FileNotFoundError:
                pass
        super().write_file(rel, data)

    def reusable(self, unit: str, deps: Iterable[str], templates: Iterable[str] = ()) -> bool:
        """Whether `stale` would link `unit` from the last build (nothing is linked yet): a
        renderer need not load what only a unit to render needs."""
        if unit not in self._reusable:  # asked before the fork and again by the worker
            before = self._unchanged(unit, self._dependencies(deps, templates))
            previous = f"{self.previous_dir}/"
            # (a unit the spare holds is left where it is: nothing to look for)
            self._reusable[unit] = before is not None and (self._held(unit) or all(
                os.path.isfile(previous + rel) for rel in self._files(before)))
        return self._reusable[unit]

    def _dependencies(self, deps: Iterable[str], templates: Iterable[str]) -> list[str]:
        names = sorted(set(deps).union(*(self.template_deps(t) for t in templates)))
        for name in names:
            if name.startswith("template:") and name not in self.inputs:
                self.inputs[name] = self._template_key(name.removeprefix("template:"))
        return names

    def _unchanged(self, unit: str, names: list[str]) -> dict[str, list[str]] | None:
        """The last build's record of `unit`, if it had the same inputs with the same keys."""
        before = self.previous.outputs.get(unit) if self.previous else None
        if before is not None and before["deps"] == names and all(
                self.previous.inputs.get(n) == self.inputs[n] for n in names):
            return before
        return None

    def _postponed(self, unit: str) -> dict[str, list[str]] | None:
        """The last build's record of a deferred `unit`, marked to be rendered next time."""
        before = self.previous.outputs.get(unit) if self.previous else None
        if before is None:
            return None
        return {**before, "deps": [d for d in before["deps"] if d != DEFERRED] + [DEFERRED]}

    _files = staticmethod(unit_files)

    def write(self, names: str | list[str], path: str, absolute: bool = False,
              in_sitemap: bool = True, **context: Any) -> None:
        super().write(names, path, absolute, in_sitemap, **context)
        if self._current is not None:
            self._current["pages" if in_sitemap else "unlisted"].append(path)

    def attach(self, files: Iterable[str]) -> None:
        """Files other than pages that the current unit wrote (or that are written for it later)."""
        if self._current is not None:
            self._current["files"] += files

    def attach_unlisted(self, paths: Iterable[str]) -> None:
        """Pages the current unit wrote by itself, outside `write` and the sitemap (404.html)."""
        if self._current is not None:
            self._current["unlisted"] += paths

    def attach_charts(self, charts: Iterable[Any]) -> None:
        """The SVG files of the current unit's charts (drawn at the end of the build, if enabled)."""
        if self.env.globals.get("charts_enabled"):
            self.attach(c.path for c in charts if c is not None)

    def each(self, items: Sequence[T], render_one: Callable[[T], R], jobs: int = 1,
             batches: Callable[[Sequence[T]], ContextManager] | None = None,
             rendered: Callable[[T], bool] | None = None) -> list[R]:
        """`[render_one(item) for item in items]`, in `jobs` forked processes where it pays.

        `rendered(item)`: whether the item has a unit to render (False: all of them are
        linked from the last build, which does not pay a fork); default: every item.

        With `batches`, items are rendered `BATCH` at a time inside `batches(batch)` (which
        loads what they need and lets it go afterwards), in the process that renders them.

        Each worker renders a share of the items with a copy of this writer; what the
        copies record (units, sitemap paths, counts, template keys) comes back per item and
        is merged in item order, exactly as if the items had been rendered here. Workers are
        forked after the data is loaded, so they share it without copying or pickling it.
        """
        work = len(items) if rendered is None or jobs <= 1 else sum(map(rendered, items))
        workers = min(jobs, work // MIN_ITEMS_PER_WORKER)
        if workers <= 1:
            return _in_batches(items, render_one, batches)
        global _TASK
        _TASK = (self, items, render_one, batches)
        # The loaded data (millions of objects) is moved out of the garbage collector's
        # sight before the fork: a worker's collections then never walk it, which would
        # cost time and copy every page of it into the worker (copy-on-write).
        gc.freeze()
        try:
            shares = _shares(len(items), workers)
            with ProcessPoolExecutor(max_workers=workers,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                done = dict(zip((i for share in shares for i in share),
                                (r for part in pool.map(_render_share, shares) for r in part)))
        finally:
            _TASK = None
            if not heap_frozen():  # (else it is the holder's to unfreeze)
                gc.unfreeze()
        results = []
        for i in range(len(items)):
            units, paths, count, inputs, result = done[i]
            for name, unit in units:
                # A unit linked from the last build keeps its very record (see build.py).
                self.units[name] = self.previous.outputs[name] if unit is None else unit
                self.reused += unit is None
            self.paths += paths
            self.count += count
            self.inputs.update(inputs)
            results.append(result)
        return results

    def _recorded(self, render_one: Callable[[Any], Any], item: Any) -> tuple:
        """Render one item in a worker; what this writer recorded for it, to send back."""
        self.units, self.paths, self.count, self._current = {}, [], 0, None
        known = len(self.inputs)  # inputs are only ever added (template keys, by `stale`)
        result = render_one(item)
        units = [(name, None if self.previous and unit is self.previous.outputs.get(name)
                  else unit) for name, unit in self.units.items()]
        inputs = dict(islice(self.inputs.items(), known, None))  # the keys added since
        return units, self.paths, self.count, inputs, result

    def template_deps(self, name: str) -> list[str]:
        """`template:<name>` for the template and every template it extends, includes or imports."""
        if name not in self._templates:
            self._templates[name] = [f"template:{name}"]
            if not self.has_template(name):
                return self._templates[name]
            try:
                source, filename, _ = self.env.loader.get_source(self.env, name)
            except TemplateNotFound:
                return self._templates[name]
            for ref in _references(self.env, name, source, filename):
                # A name computed at render time could be any template: depend on all of them.
                refs = [ref] if ref is not None else self.env.list_templates(extensions=["html"])
                for r in refs:
                    if f"template:{r}" not in self._templates[name]:
                        self._templates[name] += [d for d in self.template_deps(r)
                                                  if d not in self._templates[name]]
        return self._templates[name]

    def _template_key(self, name: str) -> str:
        if not self.has_template(name):
            return ABSENT
        try:
            return digest(self.env.loader.get_source(self.env, name)[0])
        except TemplateNotFound:
            return ABSENT

    def _link(self, unit: dict[str, list[str]]) -> bool:
        """Hard-link the unit's files from the previous build; False (nothing left) if one is gone.

        A province links tens of thousands of files: one system call per file (the
        link; its folder is made when the link finds none, its source looked for only
        then), on plain strings, not `Path`s, whose making cost more than the link."""
        made: list[str] = []
        out, previous = f"{self.out_dir}/", f"{self.previous_dir}/"
        for rel in self._files(unit):
            placed = _link_file(previous + rel, out + rel)
            if placed is None:  # gone from the last build
                for path in made:
                    os.unlink(path)
                return False
            if placed:
                made.append(out + rel)
        return True


def _link_file(source: str, target: str, first: bool = True) -> bool | None:
    """Hard-link (or copy, where the file system has no hard links) `source` to `target`:
    True when placed, False when `target` already exists (a content-addressed chart
    shared with a unit already placed, or placed meanwhile by another worker: never
    written into), None when `source` is missing."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except FileNotFoundError:
        if not first or not os.path.isfile(source):
            return None
        os.makedirs(os.path.dirname(target), exist_ok=True)  # its folder's first file
        return _link_file(source, target, first=False)
    except OSError:
        try:
            with open(target, "xb"):
                pass
        except FileExistsError:
            return False
        shutil.copy2(source, target)
        return True


# The templates a template's source refers to, by its name and source, where the
# environment keeps no compiled templates (which keep them: `CompiledTemplates.references`).
_REFERENCES: dict[tuple[str, str], list[str | None]] = {}


def _references(env: Environment, name: str, source: str, filename: str | None) -> list[str | None]:
    def find() -> list[str | None]:
        return list(meta.find_referenced_templates(env.parse(source, name, filename)))

    kept = env.bytecode_cache
    if isinstance(kept, CompiledTemplates):
        return kept.references(name, source, find)
    key = (name, source)
    if key not in _REFERENCES:
        _REFERENCES[key] = find()
    return _REFERENCES[key]


# Fewer items than this per worker: forking costs more than it saves.
MIN_ITEMS_PER_WORKER = 8
# What the forked workers render: (writer, items, render_one, batches), set before the fork.
_TASK: tuple[TrackedWriter, Sequence[Any], Callable[[Any], Any], Callable | None] | None = None


def _render_share(indices: list[int]) -> list[tuple]:
    writer, items, render_one, batches = _TASK
    return _in_batches([items[i] for i in indices],
                       lambda item: writer._recorded(render_one, item), batches)


def _shares(count: int, workers: int) -> list[list[int]]:
    """Item indices per worker: blocks of `BATCH` neighbours, dealt out in turn.

    Dealt-out blocks balance the work (neighbours, e.g. a department's years, are alike),
    and a worker touches only the memory of its own blocks: the records of neighbouring
    items lie side by side, so with items dealt out one by one every worker would copy
    (copy-on-write) nearly every page of the data it was forked with.
    """
    blocks = [range(start, min(start + BATCH, count)) for start in range(0, count, BATCH)]
    if len(blocks) < workers:  # few items: one at a time, so every worker has some
        blocks = [range(i, i + 1) for i in range(count)]
    return [[i for block in blocks[w::workers] for i in block] for w in range(workers)]


# Items rendered at once inside `batches(...)`: what they load is held this many at a time.
BATCH = 32


def _in_batches(items: Sequence[T], render_one: Callable[[T], R],
                batches: Callable[[Sequence[T]], ContextManager] | None) -> list[R]:
    """`[render_one(item) for item in items]`, `BATCH` items at a time inside `batches`."""
    if batches is None:
        return [render_one(item) for item in items]
    out: list[R] = []
    for start in range(0, len(items), BATCH):
        chunk = items[start:start + BATCH]
        with batches(chunk):
            out += [render_one(item) for item in chunk]
    return out
