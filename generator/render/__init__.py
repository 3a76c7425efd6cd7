"""Rendering the static site from the database (placeholder: index page only)."""

from __future__ import annotations

import html
from pathlib import Path

from .. import db
from ..config import Config


def render_site(con, config: Config, out_dir: Path) -> int:
    docs = db.query(con, "SELECT doc_id, department, year, file_name FROM documents ORDER BY department, year")
    items = "".join(f"<li>{html.escape(d['department'] or '')} {d['year']}</li>" for d in docs)
    (out_dir / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{html.escape(config.get("site.title"))}</title><ul>{items}</ul></html>',
        encoding="utf-8")
    return 1
