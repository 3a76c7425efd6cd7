"""The rows of department-year pages, read from the site's database instead of its HTML.

A department-year page's units are mostly table rows (each 科目 of 表一 … 表七) and the
indicator rows of its 绩效 targets, and reading them back from the HTML, cell by cell, was
most of the search stage. They are built here from `data/budget.duckdb` (one query per
table for all the pages to read) as the page's HTML gives them to `pages.read_page`, field
for field, down to the spaces the cells leave: what `render.tablehtml.table_body` and
`indicator_rows` print of a row and `pages` keeps (name with its ⚠ or 补 mark, code,
收/支, project; value and levels of an indicator; never amounts or source lines). The
page reader keeps everything around the rows (captions, headings, text) and takes a
table's rows from here by the table's anchor (`table-<key>`, `target-<no>`).
tests/test_search_index.py checks that a page reads the same either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from . import texts
from .pages import BODY, NAME

DATABASE = "data/budget.duckdb"  # in the site, published by the render stage
SIDES = {"income": "收入", "expense": "支出"}  # render.tablehtml.SIDES
FLAGGED = "⚠（本行核对不符）"  # render.tablehtml.FLAGGED as text
SUPPLIED = "补"  # render.tablehtml.SUPPLIED as text
# render.pages.Classes.kind_for: the tables whose codes share one classification
FUNCTION_TABLES = {"summary", "income", "expense", "fiscal", "general_public", "projects",
                   "gov_fund", "state_capital", "carryover"}

Fields = list[tuple[int, str]]
RowsByAnchor = dict[str, list[Fields]]


def page_rows(site: Path, doc_ids: list[str]) -> dict[str, RowsByAnchor]:
    """For each of `doc_ids` in the site's database: its rows by anchor. Empty when the
    site has no database (a site built without one reads its rows from the HTML)."""
    path = Path(site) / DATABASE
    if not doc_ids or not path.is_file():
        return {}
    from .. import db  # (imported here: a search without a database needs no DuckDB)

    con = db.open_read_only(path)
    try:
        con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?) AS doc_id", [doc_ids])
        out: dict[str, RowsByAnchor] = defaultdict(dict)
        _table_rows(con, out)
        _indicator_rows(con, out)
        texts.section_units(con, out)
    finally:
        con.close()
    return out


def _table_rows(con, out: dict[str, RowsByAnchor]) -> None:
    """Each table's rows as `table_body` prints them, in its order (printed line)."""
    flagged = defaultdict(set)
    for doc_id, line in con.execute(
            "SELECT doc_id, line FROM checks JOIN wanted USING (doc_id) "
            "WHERE status = 'fail' AND line IS NOT NULL").fetchall():
        flagged[doc_id].add(line)
    tables: dict[str, dict[str, list[tuple]]] = defaultdict(dict)
    for doc_id, key in con.execute(  # the page's (and `supplied_names`') table order
            "SELECT doc_id, table_key FROM source_tables JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, line NULLS LAST, source_tables.rowid").fetchall():
        tables[doc_id][key] = []
    for row in con.execute(
            "SELECT doc_id, table_key, line, kind, side, unit, code, name, project, is_total, "
            "code_raw "
            "FROM table_rows JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, table_key, line IS NULL, coalesce(line, 0), row_no").fetchall():
        rows = tables[row[0]].get(row[1])
        if rows is not None:
            rows.append(row[2:])
    for doc_id, by_key in tables.items():
        supplied = _supplied_names(by_key)
        for key, rows in by_key.items():
            if rows:
                out[doc_id][f"table-{key}"] = _table_fields(
                    key, rows, flagged.get(doc_id, set()), supplied.get(key, {}))


def _table_fields(key: str, rows: list[tuple], flagged: set[int], supplied: dict[str, str]
                  ) -> list[Fields]:
    """(line, kind, side, unit, code, name, project, is_total, code_raw) rows as fields."""
    has_units = any(r[3] for r in rows)
    has_sides = any(r[2] for r in rows)
    has_projects = any(r[6] for r in rows) or key == "projects"  # TableData.has_projects
    out, unit = [], None
    for line, kind, side, sub_unit, code, name, project, is_total, raw in rows:
        if has_units and sub_unit and sub_unit != unit:
            unit = sub_unit
            out.append([(BODY, f" 单位：{unit} ")])
        code = code or ""
        name = name or ("合计" if is_total else "小计" if kind == "unit" else "")
        if not name and code in supplied:
            name = supplied[code] + SUPPLIED
        name = (FLAGGED if line in flagged else "") + name
        # a code printed otherwise is shown after it, a space and a span the reader skips
        body = f"  {code} " if not raw or raw.replace(" ", "") == code else f"  {code}  "
        if has_sides:
            body += f" {SIDES.get(side, '')} "
        if has_projects:
            body += f" {project or ''} "
        # (as `Unit.add` joins them: the name's field, if any, then one body field)
        out.append([(NAME, name), (BODY, body)] if name else [(BODY, body)])
    return out


def _supplied_names(tables: dict[str, list[tuple]]) -> dict[str, dict[str, str]]:
    """`render.pages.Classes.supplied_names`: per table, names for the codes it prints
    without one, from the document's other tables of the same classification."""
    def kind_of(key: str) -> str | None:
        return "function" if key in FUNCTION_TABLES else "economic" if key == "basic" else None

    known: dict[str, dict[str, str]] = {"function": {}, "economic": {}}
    for key, rows in tables.items():
        if kind_of(key):
            for r in rows:
                if r[4] and r[5]:
                    known[kind_of(key)].setdefault(r[4], r[5])
    out = {}
    for key, rows in tables.items():
        kind = kind_of(key)
        missing = {r[4] for r in rows if r[4] and not r[5]} if kind else set()
        names = {code: known[kind][code] for code in missing if code in known[kind]}
        if names:
            out[key] = names
    return out


def _indicator_rows(con, out: dict[str, RowsByAnchor]) -> None:
    """Each 绩效 target's indicators as `indicator_rows` prints them (levels, name, value)."""
    for doc_id, target, level1, level2, name, value in con.execute(
            "SELECT doc_id, target_no, level1, level2, name, value "
            "FROM indicators JOIN wanted USING (doc_id) "
            "ORDER BY doc_id, target_no, position, indicators.rowid").fetchall():
        levels, shown = f" {level1 or ''}  {level2 or ''} ", f"  {value or ''}   "
        name = "None" if name is None else name  # as the template prints None
        # (as `Unit.add` joins them: an empty name is no field, the bodies around it one)
        out[doc_id].setdefault(f"target-{target}", []).append(
            [(BODY, levels), (NAME, name), (BODY, shown)] if name else [(BODY, levels + shown)])


def rows_reader(rows: RowsByAnchor | None) -> Callable[[str], list[Fields] | None] | None:
    """What `pages.read_page` asks for a table's rows by anchor (None: read the HTML)."""
    return rows.get if rows else None
