"""Rendering the static site from the database: pages, charts, downloads, data package.

The order matters: phone numbers are masked in the database first, so every page and every
download (and the DuckDB file itself) shows the same text; the database is read once
(`load.load_site`); the classification index comes before any page because it decides which
codes get a page (the tables link their codes there); the chart renderer is chosen before
any page, since a chart's file name depends on it; charts are collected while pages render
and drawn once at the end, from the cache where possible; the department-year pages with
their source views and table downloads, and the classification pages, are rendered by
forked workers (`TrackedWriter.each`); the per-table downloads are written before the zip
that bundles them, and the bulk downloads before `datapackage.json`, which describes them;
the sitemap comes last, when every page is known.

Each output is rendered as a unit that names its inputs (`outputs.TrackedWriter`): given
the manifest of the previous build, units whose inputs are unchanged are linked from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from .. import db
from ..config import Config
from ..departments import DepartmentNames, group_departments
from ..heap import frozen_heap, long_lived
from ..incremental import Manifest, cache_dir, digest, settings_key
from . import bulk, published
from . import charts as ch
from .data import SiteData
from .datapackage import datapackage, stated_size
from .downloads import document_zips, dumps, write_bulk
from .facts import FactsStore, SiteFacts
from .glossary import TERMS
from .indexes import classification_index, render_indexes
from .listrows import CodeRowStore
from .load import Details, drop_documents, load_bodies, load_changes, load_site, load_table_keys
from .outputs import TrackedWriter
from .pages import ClassIndex, render_documents
from .privacy import mask_database
from .site import (
    markdown_pages,
    render_404,
    render_data_pages,
    render_markdown_pages,
    write_sitemap,
)
from .templating import asset_files, make_env

__all__ = ["render_site"]


def render_site(con, config: Config, out_dir: Path, previous: Manifest | None = None,
                previous_dir: Path | None = None, record: Manifest | None = None,
                jobs: int | None = None, deferred: frozenset[str] = frozenset(),
                fresh: list[str] | None = None, spare: Manifest | None = None) -> int:
    """Render the whole site into `out_dir` from the database `con`; returns the page count.

    With `previous` (the manifest of the build in `previous_dir`), outputs whose inputs did
    not change are linked from there; `record` receives this build's inputs and outputs.
    `deferred`: units linked from the previous build even if their inputs changed
    (`TrackedWriter.deferred`). `fresh`: the documents whose rows are new in the database
    (None: all); only theirs need their phone numbers masked. `spare`: `out_dir` holds
    the site this manifest describes, to be updated in place (`spare`). `jobs` worker
    processes render the documents and draw the charts (default: the config's
    `build.jobs`; 0 = one per core). A connection that can let go of its file
    (`db.connect(..., detachable=True)`) is closed while the documents render, so that the
    workers fork without DuckDB's memory, and is closed when this returns.
    """
    with frozen_heap():
        return _render_site(con, config, out_dir, previous, previous_dir, record, jobs,
                            deferred, fresh, spare)


def _render_site(con, config: Config, out_dir: Path, previous: Manifest | None,
                 previous_dir: Path | None, record: Manifest | None, jobs: int | None,
                 deferred: frozenset[str], fresh: list[str] | None, spare: Manifest | None) -> int:
    if jobs is None:
        jobs = config.get("build.jobs")
    jobs = jobs or os.cpu_count() or 1
    mask = bool(config.get("privacy.mask_phone_numbers"))
    if mask:
        mask_database(con, fresh)
    # A province's sections, issues and checks are loaded a batch of documents at a time by
    # the process rendering them, from the database file (`load.Details`), which `con`
    # lets go of meanwhile; a connection that cannot (in memory) loads them all now.
    in_batches = db.detachable(con)
    # An incremental build loads the bodies (tables, projects, …) of the documents whose
    # facts changed (`facts`) and, as their pages render, of those whose pages do
    # (`Details`); the other pages show the facts kept from the last build.
    partial = in_batches and previous is not None
    site = load_site(con, details=not in_batches, bodies=not partial)
    group_departments(site.docs, DepartmentNames(config.get("departments.aliases")))
    env = make_env(config)
    pages = markdown_pages(config)
    env.globals["nav_pages"] = [(stem, title) for stem, title, _ in pages]
    search = bool(config.get("build.search"))
    env.globals.update(charts_enabled=bool(config.get("build.charts")), mask_phones=mask,
                       table_names=site.table_names, search_enabled=search)
    writer = TrackedWriter(env, out_dir, config.base_url, previous, previous_dir, spare)
    writer.deferred = deferred
    keys = document_keys(site)
    with long_lived():  # (the facts of a province's documents: a million objects)
        facts = SiteFacts(site.docs, {d.doc_id: keys[f"doc:{d.doc_id}"] for d in site.docs},
                          FactsStore(cache_dir(config) / "render", settings_key(config)),
                          reuse=previous is not None)
        if partial:
            load_bodies(con, facts.missing)
        facts.complete()
        classes, class_entries = classification_index(site, facts.facts)
    bodiless = {d.doc_id for d in site.docs} - {d.doc_id for d in facts.missing} if partial else set()
    writer.inputs.update(input_keys(config, site, pages, classes, keys))
    early = _publish_early(con, config, writer, fresh)
    try:
        return _render_all(con, config, out_dir, site, facts.facts, pages, writer, classes,
                           class_entries, jobs, mask, in_batches, bodiless, record, early)
    except BaseException:
        if early is not None:
            early.cancel()
        raise


# The bulk downloads' unit: its name, inputs and templates.
DATA_UNIT = ("data", ["docs", "nav"], ["data.html", "dictionary.html"])


def _publish_early(con, config: Config, writer: TrackedWriter, fresh: list[str] | None):
    """An incremental build's DuckDB download and Parquet files, published by another
    process from now on (`published.start`: the last build's brought up to date), while
    this one renders the changed pages on one core; a cold build publishes them beside the
    bulk exports (`published.publishing`), as its render workers keep both cores busy and
    their memory would come on top."""
    if fresh is None or DATA_UNIT[0] in writer.deferred or writer.reusable(*DATA_UNIT):
        return None
    spare_file = writer.spare.aside.get(published.PUBLISHED_REL) if writer.spare is not None else None
    return published.start(con, config, writer.inputs, writer.previous_dir if writer.previous else None,
                           None if spare_file is None else Path(spare_file))


def _render_all(con, config: Config, out_dir: Path, site: SiteData, facts: dict, pages: list,
                writer: TrackedWriter, classes: ClassIndex, class_entries, jobs: int, mask: bool,
                in_batches: bool, bodiless: set[str], record: Manifest | None, early) -> int:
    copy_assets(config, writer)

    ch.use_renderer(config.get("build.chart_renderer"))  # charts are named for it as pages render

    def changes_of(docs: list) -> None:
        load_changes(con, [d for d in docs if d.doc_id in bodiless])

    code_rows = CodeRowStore(cache_dir(config) / "render" / "codes", settings_key(config),
                             reuse=writer.previous is not None)
    charts = render_indexes(site, facts, writer, classes, class_entries, code_rows, jobs, changes_of)
    if in_batches:
        # The workers fork from this process: DuckDB's memory (a hundred MB and more for a
        # province, which its allocator keeps after the file is detached) goes back first,
        # with the connection, closed here; a new one is opened after.
        path = db.detach(con)[1]
        con.close()
        details = Details(path, bodiless)
        try:
            charts += render_documents(site, writer, config.site_dir, mask, classes, jobs, details)
        finally:
            details.close()
        con = db.connect(path, detachable=True)
    else:
        charts += render_documents(site, writer, config.site_dir, mask, classes, jobs)
    try:
        render_rest(con, config, site, pages, writer, early)
    finally:
        if in_batches:
            con.close()
    writer.finish()
    if config.get("build.charts"):
        cache = config.site_dir / ".cache" / "charts"
        ch.render_charts(charts, out_dir, cache, jobs, renderer=config.get("build.chart_renderer"))
        ch.prune_cache(out_dir, cache)
    if record is not None:
        used = {name for unit in writer.units.values() for name in unit["deps"]}
        record.inputs = {k: v for k, v in writer.inputs.items() if k in used}
        record.outputs = writer.units
    return writer.count


def render_rest(con, config: Config, site: SiteData, pages: list, writer: TrackedWriter,
                early=None) -> None:
    """What follows the documents' pages: markdown pages, search page, bulk downloads
    (`early`: the DuckDB download published already, `_publish_early`), 404 and sitemap."""
    for stem, title, body in pages:
        if writer.stale(f"page:{stem}", [f"md:{stem}", "nav"], ["page.html"]):
            render_markdown_pages(writer, [(stem, title, body)])
    if writer.stale("glossary", ["nav"], ["glossary.html"]):
        writer.write("glossary.html", "glossary/", terms=TERMS)
    if config.get("build.search") and writer.stale("search", ["nav"], ["search.html"]):
        from ..search import render_search_page

        render_search_page(writer)
    # Every page is written: the documents' data is let go before DuckDB writes the bulk
    # files (a province's tables would otherwise be held beside DuckDB's memory).
    drop_documents(site.docs)
    render_downloads(con, config, writer, early)
    if writer.stale("404", ["nav"], ["404.html"]):
        render_404(writer)
        writer.attach_unlisted(["404.html"])
    if writer.stale("sitemap", ["docs", "classes", "nav"]):
        write_sitemap(writer.out_dir, config.base_url, writer.paths)
        writer.attach(["sitemap.xml", "robots.txt"])


def document_keys(site: SiteData) -> dict[str, str]:
    """`doc:<doc_id>`: the content key of each document (its sources, department, region)."""
    return {f"doc:{d.doc_id}": digest(d.info["path"], d.info["sha256"], d.dept_slug, d.dept_name,
                                      d.region_slug, *(s["sha256"] for s in d.sources[1:]))
            for d in site.docs}


def input_keys(config: Config, site: SiteData, pages: list, classes: ClassIndex,
               documents: dict[str, str]) -> dict[str, str]:
    """The content key of every input a unit can depend on (templates are keyed on demand;
    `documents`: `document_keys`)."""
    keys = dict(documents)
    keys["docs"] = digest(*keys.values(), json.dumps(site.orphan_issues, default=str))
    keys["classes"] = digest(json.dumps(classes.names, sort_keys=True, ensure_ascii=False))
    keys["class-codes"] = digest(json.dumps({kind: sorted(names) for kind, names
                                             in classes.names.items()}, sort_keys=True))
    keys["nav"] = digest(json.dumps([(stem, title) for stem, title, _ in pages], ensure_ascii=False))
    keys.update({f"md:{stem}": digest(title, body) for stem, title, body in pages})
    keys.update({f"asset:{rel}": digest(path.read_bytes())
                 for rel, path in asset_files(config).items()})
    return keys


def copy_assets(config: Config, writer: TrackedWriter) -> None:
    for rel, path in asset_files(config).items():
        if writer.stale(f"asset:{rel}", [f"asset:{rel}"]):
            target = writer.out_dir / "assets" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            writer.attach([f"assets/{rel}"])


def render_downloads(con, config: Config, writer: TrackedWriter, early=None) -> None:
    """The bulk data under `data/` and its pages (after each document's own table
    downloads, which `render_documents` writes and the zips by part bundle). `early`: the
    DuckDB download and the Parquet files are being published already
    (`db.start_publishing`), into place once it is done."""
    out_dir = writer.out_dir
    if not writer.stale(*DATA_UNIT):
        if early is not None:
            early.cancel()
        return
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    table_keys = load_table_keys(con)  # only when the downloads are written again
    # The DuckDB file under data/ is a download too: a reproducible copy of the working
    # database, written by another process while this one exports the tables; that
    # process also writes the Parquet exports, from the copy.
    chunks = published.site_chunks(writer.inputs, config)
    # The layout of the last build's files, read once: `early` planned from it already.
    store = (early.store if early is not None else
             bulk.PartStore(bulk.cache_folder(config), writer.previous_dir if writer.previous else None))
    publishing = (published.publishing(con, config, writer.inputs, store, data_dir)
                  if early is None else contextlib.nullcontext())
    if early is not None:  # (its CSV and JSON parts are placed by `write_bulk`)
        early.finish(con, data_dir)
    with publishing:
        described = write_bulk(con, out_dir, chunks, store, document_zips(chunks, table_keys),
                               planned=early.exports if early is not None else None)
    store.save(for_spare=(published.PUBLISHED_REL,))
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and not p.name.endswith(".wal"))
    package = datapackage(described, config.get("site.title"), files, data_dir)
    (data_dir / "datapackage.json").write_text(dumps(package), encoding="utf-8")
    render_data_pages(writer, described, [(p.relative_to(data_dir).as_posix(),
                                           stated_size(p.relative_to(data_dir).as_posix(), p))
                                          for p in files + [data_dir / "datapackage.json"]])
    writer.attach(p.relative_to(out_dir).as_posix() for p in files + [data_dir / "datapackage.json"])
