"""Rendering the static site from the database: pages, charts, downloads, data package.

The order matters: phone numbers are masked in the database first, so every page and
every download (and the DuckDB file itself) shows the same text; the database is read
once (`data.load_site`); index pages run before the department-year pages because they
decide which classification codes get a page (the tables link their codes there);
charts are collected while pages render and drawn once at the end, from the cache where
possible; the bulk downloads are written before `datapackage.json`, which describes them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..config import Config
from . import charts as ch
from .data import load_site
from .datapackage import datapackage
from .downloads import dumps, write_bulk, write_document_tables
from .indexes import render_indexes
from .pages import render_documents
from .privacy import mask_database
from .site import (
    copy_assets,
    markdown_pages,
    render_404,
    render_data_pages,
    render_markdown_pages,
    write_sitemap,
)
from .templating import PageWriter, make_env

__all__ = ["render_site"]


def render_site(con, config: Config, out_dir: Path) -> int:
    """Render the whole site into `out_dir` from the database `con`; returns the page count."""
    mask = bool(config.get("privacy.mask_phone_numbers"))
    if mask:
        mask_database(con)
    site = load_site(con)
    env = make_env(config)
    pages = markdown_pages(config)
    env.globals["nav_pages"] = [(stem, title) for stem, title, _ in pages]
    env.globals.update(charts_enabled=bool(config.get("build.charts")), mask_phones=mask,
                       table_names=site.table_names)
    writer = PageWriter(env, out_dir, config.base_url)
    copy_assets(config, out_dir)

    charts, classes = render_indexes(site, writer)
    charts += render_documents(site, writer, config.site_dir, mask, classes)
    render_markdown_pages(writer, pages)

    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(data_dir / "tables-csv.zip", "w", zipfile.ZIP_DEFLATED,
                         compresslevel=1) as archive:
        for doc in site.docs:
            write_document_tables(doc, out_dir, archive)
        described = write_bulk(con, out_dir, archive)
    con.execute("CHECKPOINT")  # the DuckDB file under data/ is a download too
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and not p.name.endswith(".wal"))
    package = datapackage(described, config.get("site.title"), files, data_dir)
    (data_dir / "datapackage.json").write_text(dumps(package), encoding="utf-8")
    render_data_pages(writer, described, [(p.relative_to(data_dir).as_posix(), p.stat().st_size)
                                          for p in files + [data_dir / "datapackage.json"]])
    render_404(writer)
    write_sitemap(out_dir, config.base_url, writer.paths)

    if config.get("build.charts"):
        jobs = config.get("build.jobs") or 2
        ch.render_charts(charts, out_dir, config.site_dir / ".cache" / "charts", jobs)
    return writer.count
