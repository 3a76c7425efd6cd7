"""Site-wide files: Markdown pages, the data page and dictionary, sitemap, robots.txt, 404."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from markupsafe import Markup

from ..config import Config
from ..tidy import MEASURE_ZH
from . import bulk, urls
from .datapackage import COLUMN_KEYS, TABLES, describe_column, parts_by_table
from .mdpages import read_markdown_pages
from .templating import PageWriter, asset_files


def copy_assets(config: Config, out_dir: Path) -> None:
    for rel, path in asset_files(config).items():
        target = out_dir / "assets" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def markdown_pages(config: Config) -> list[tuple[str, str, Markup]]:
    """(slug, title, html) of the publishable `content/pages/*.md` (`mdpages`)."""
    return read_markdown_pages(config)[0]


def render_markdown_pages(writer: PageWriter, pages: list[tuple[str, str, Markup]]) -> None:
    for slug, title, body in pages:
        writer.write("page.html", urls.page(slug), title=title, body=body)


# Rows of one Excel or WPS worksheet, the header included: a bigger CSV opens cut short.
def render_data_pages(writer: PageWriter, described: dict, files: list[tuple[str, int | None]]) -> None:
    """The data hub (each table's row count and its parts in each format; `files`: every
    file under data/ and the size to state, if any) and the data dictionary."""
    dictionary = [(table, TABLES.get(table, ""), info["rows"],
                   [describe_column(table, c, t) | {"duck_type": t} for c, t in info["columns"]])
                  for table, info in described.items()]
    rels = [path for path, _ in files]
    parts = parts_by_table(rels)
    writer.write("data.html", "data/", files=files, part_docs=bulk.PART_DOCS,
                 zips=[rel for rel in rels if rel.startswith("tables-csv/")],
                 tables=[(table, info["rows"], {fmt: parts.get((fmt, table), [])
                                                for fmt in ("csv", "json", "parquet")})
                         for table, info in described.items()])
    writer.write("dictionary.html", "data/dictionary/", dictionary=dictionary,
                 measures=list(MEASURE_ZH.items()), column_keys=list(COLUMN_KEYS.items()))


def render_404(writer: PageWriter) -> None:
    """404.html at the root, linked absolutely (a host serves it at any missing path)."""
    template = writer.env.get_template("404.html")
    html = template.render(url=urls.Linker("404.html", writer.base_url, absolute=True),
                           page_path="404.html")
    (writer.out_dir / "404.html").write_text(html, encoding="utf-8")
    writer.count += 1


def write_sitemap(out_dir: Path, base_url: str, paths: list[str]) -> None:
    """sitemap.xml (locations need a full URL, so use an absolute `site.base_url` for them)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(base_url + p)}</loc></url>" for p in paths]
    lines.append("</urlset>")
    (out_dir / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    robots = ["User-agent: *", "Allow: /"]
    robots.append(f"Sitemap: {base_url}sitemap.xml" if base_url.startswith("http")
                  else f"# Sitemap: {base_url}sitemap.xml (set site.base_url to a full URL)")
    (out_dir / "robots.txt").write_text("\n".join(robots) + "\n", encoding="utf-8")
