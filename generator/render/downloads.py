"""Downloads: the bulk data (zip, JSON, Parquet, DuckDB); a document's own tables are
written by `tablefiles`.

CSV is UTF-8 with a BOM (so Excel and WPS detect the encoding), and text cells beginning
with = + - @ (or a tab/CR) are prefixed with an apostrophe against formula injection
(`tablefiles.neutralize`'s rule, in SQL). A cell that is a plain number (e.g. a negative
amount "-5.00") cannot be a formula and is left as it is.
JSON carries amounts as exact decimal strings and states the unit.
"""

from __future__ import annotations

import json
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import db
from ..db.exports import Copy, wrap_json_rows
from ..incremental import digest
from . import bulk, urls
from .bulkstore import identity

# The same rules in DuckDB regex syntax, for the bulk exports DuckDB writes.
FORMULA_SQL = "^[-=+@\t\r]"
NUMBER_SQL = "^-?[0-9]+([.][0-9]+)?$"
# The tables to start with first (they are what the data page lists first).
BULK_TABLES = ("key_figures", "line_items") + tuple(
    t for t in db.DOC_TABLES if t not in ("key_figures", "line_items")) + ("table_names",)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_json_value)  # no indent: C encoder


def _zip_info(name: str) -> zipfile.ZipInfo:
    """A member with a fixed timestamp, so two builds of the same input give the same zip."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # what writestr(compresslevel=1) sets; open() reads it from here
    info.external_attr = 0o644 << 16
    return info


def add_to_zip(archive: zipfile.ZipFile, name: str, data: bytes | str) -> None:
    archive.writestr(_zip_info(name), data, compresslevel=1)


def zip_member(doc_id: str, key: str) -> str:
    """A parsed table's CSV in tables-csv.zip: named as its download is."""
    return f"tables/{doc_id}/{doc_id}-{key}.csv"


def _export_select(name: str, columns: list[tuple[str, str]], for_csv: bool) -> str:
    """SELECT for one table's export: amounts as exact text (`numbers.trim_places`), lists
    joined, formulas defused.
    For CSV, the first column's name begins with a BOM, so that DuckDB's header line starts
    the file with it (Excel and WPS read the file as UTF-8 by it)."""
    parts = []
    for n, (column, expr) in enumerate(_export_exprs(columns, for_csv)):
        alias = f'"\ufeff{column}"' if for_csv and n == 0 else f'"{column}"'
        parts.append(f"{expr} AS {alias}")
    return f"SELECT {', '.join(parts)} FROM {name}"


def _export_exprs(columns: list[tuple[str, str]], for_csv: bool) -> list[tuple[str, str]]:
    """(column, SQL of its exported value) for each column of a table."""
    out = []
    for column, duck_type in columns:
        c = f'"{column}"'
        if duck_type.startswith("DECIMAL"):  # the padding zeros past the hundredth go
            expr = f"regexp_replace(CAST({c} AS VARCHAR), '(\\.\\d\\d\\d*?)0+$', '\\1')"
        elif duck_type.endswith("[]") and for_csv:  # a list is one cell: joined, then defused
            expr = _defused(f"array_to_string({c}, '|')")
        elif duck_type == "VARCHAR" and for_csv:
            expr = _defused(c)
        else:
            expr = c
        out.append((column, expr))
    return out


def _export_order(columns: list[tuple[str, str]], ordered: bool = False) -> str:
    """Rows in doc_id order, each document's as loaded: the order of a clean build, also
    for an incremental build's database, where the changed documents were loaded last.
    `ordered`: a plain scan returns every table's rows in that order already
    (`db.rows_in_doc_order`: a clean build's database): no sort."""
    if ordered:
        return ""
    return "ORDER BY doc_id NULLS LAST, rowid" if _has_doc_id(columns) else "ORDER BY rowid"


def _has_doc_id(columns: list[tuple[str, str]]) -> bool:
    return any(c == "doc_id" for c, _ in columns)


def _defused(text: str) -> str:
    """SQL for the text `text` with `neutralize`'s rule applied."""
    return (f"CASE WHEN regexp_matches({text}, '{FORMULA_SQL}') AND NOT "
            f"regexp_matches({text}, '{NUMBER_SQL}') THEN chr(39) || {text} ELSE {text} END")


@dataclass
class BulkPlan:
    """The CSV and JSON parts of every table (`bulk.PartPlan`: to write, to link), and per
    table its columns (name, DuckDB type) and row count, for datapackage.json."""

    plans: list[bulk.PartPlan]
    described: dict[str, dict[str, Any]]

    def copies(self) -> list[Copy]:
        """The parts to write as the publishing process writes them (`db.write_copies`:
        paths under `data/`), from its copy of the database, whose rows stand in no order."""
        out = []
        for part, files in _to_write(self.plans):
            columns = self.described[part.table]["columns"]
            count = f'SELECT count(*) FROM "{part.table}" {part.where}' if part.optional else None
            for ext, name in files:
                if ext == "csv":
                    out.append([f"csv/{name}", _csv_query(part, columns, False), CSV_OPTIONS, None, count])
                else:
                    out.append([f"json/{name}", _json_query(part, columns, False), JSON_OPTIONS,
                                json_head(part.table).decode("utf-8"), count])
        return out


def plan_bulk(con, doc_chunks: list[bulk.Chunk], store: bulk.PartStore,
              parts: list[bulk.Part] | None = None) -> BulkPlan:
    """Which CSV and JSON parts of the tables of `con` to write, which to link from the
    last build (`store`). `parts`: `bulk.table_parts`, if made already."""
    parts = parts if parts is not None else bulk.table_parts(con, doc_chunks)
    described: dict[str, dict[str, Any]] = {}
    for name in BULK_TABLES:
        columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
        described[name] = {"columns": columns,
                           "rows": con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]}
    return BulkPlan([bulk.plan(parts, f"data/{ext}", ext, store) for ext in ("csv", "json")],
                    described)


def write_bulk(con, out_dir: Path, doc_chunks: list[bulk.Chunk], store: bulk.PartStore,
               zips: list[tuple[str, list[tuple[str, str]]]] = (),
               ordered: bool | None = None, planned: BulkPlan | None = None
               ) -> dict[str, dict[str, Any]]:
    """Every database table as parts (`bulk`) of CSV and JSON under `data/csv/<table>/` and
    `data/json/<table>/`: those the last build wrote for the same documents (`store`) linked
    from there, the others written by DuckDB (the CSV with its BOM and header, the JSON with
    its `{table, unit, rows}` wrapper). Meanwhile a helper thread writes the `zips`
    (`write_zips`). Returns per table its columns (name, DuckDB type) and row count, for
    datapackage.json. `planned`: the parts were planned ahead (`plan_bulk`), and those to
    write are written already (`BulkPlan.copies`, by the publishing process).
    """
    if ordered is None:
        ordered = db.rows_in_doc_order(con)
    plan = planned or plan_bulk(con, doc_chunks, store)
    described = plan.described
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as helper, \
            bulk.capped_memory(con):
        zipped = helper.submit(write_zips, out_dir, zips, store)
        for part, files in _to_write(plan.plans) if planned is None else []:
            if part.optional and not con.execute(
                    f'SELECT count(*) FROM "{part.table}" {part.where}').fetchone()[0]:
                continue
            for ext, name in files:
                writer = _write_csv if ext == "csv" else _write_json
                writer(con, part, described[part.table]["columns"], out_dir / "data" / ext / name, ordered)
        zipped.result()  # the helper's error, if any, is the build's
    for part_plan in plan.plans:
        part_plan.place(out_dir, store)
    return described


def _to_write(plans: list[bulk.PartPlan]) -> list[tuple[bulk.Part, list[tuple[str, str]]]]:
    """The parts to write, each with its (format, file name)s, the tables the data page
    lists first first."""
    files: dict[bulk.Part, list[tuple[str, str]]] = {}
    for plan in plans:
        for part, name in plan.write:
            files.setdefault(part, []).append((plan.folder.rsplit("/", 1)[-1], name))
    first = {name: n for n, name in enumerate(BULK_TABLES)}
    return sorted(files.items(), key=lambda item: (first.get(item[0].table, len(first)), item[0].name))


CSV_OPTIONS = "FORMAT csv, HEADER true, NEW_LINE '\\r\\n'"
JSON_OPTIONS = "FORMAT json, ARRAY true"


def _csv_query(part: bulk.Part, columns: list[tuple[str, str]], ordered: bool) -> str:
    return (f"{_export_select(part.table, columns, True)} {part.where or ''} "
            f"{_export_order(columns, ordered)}")


def _write_csv(con, part: bulk.Part, columns: list[tuple[str, str]], target: Path,
               ordered: bool) -> None:
    """A part of a table's CSV: its header (the first column's name begins with the BOM),
    then its rows."""
    target.parent.mkdir(parents=True, exist_ok=True)
    bulk.copy_rows(con, _csv_query(part, columns, ordered), CSV_OPTIONS, target)


def write_zips(out_dir: Path, zips: list[tuple[str, list[tuple[str, str]]]],
               store: bulk.PartStore) -> None:
    """Each zip (path under `out_dir`, its members: (member name, file under `out_dir`)),
    linked from the last build when it zipped the very same files (`store`: keyed on the
    files' identity), else written anew."""
    root = os.fspath(out_dir)
    before = store.keyed_files(ZIPS_REL)
    for rel, members in zips:
        key = digest(bulk.PART_FORMAT, *(f"{member}\t{identity(os.path.join(root, path))}"
                                         for member, path in members))
        target = out_dir / rel
        if key in before:
            bulk.link_files(out_dir, [(rel, before[key])])
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                for member, path in members:
                    with open(os.path.join(root, path), "rb") as f:
                        add_to_zip(archive, member, f.read())
        store.record_file(rel, target, key=key)


# The documents' own table CSVs, zipped by part (`bulk`): `data/tables-csv/part-NNNN.zip`.
ZIPS_REL = "data/tables-csv"


def document_zips(doc_chunks: list[bulk.Chunk], table_keys: dict[str, list[str]]
                  ) -> list[tuple[str, list[tuple[str, str]]]]:
    """The zips of the documents' own table CSVs, one per chunk of documents that has
    some, numbered as the parts of the tables: (path, [(member, file)])."""
    out = []
    for n, chunk in enumerate(doc_chunks):
        members = [(zip_member(doc_id, key), urls.table_file(doc_id, key, "csv"))
                   for doc_id in chunk.docs for key in table_keys.get(doc_id, ())]
        if members:
            out.append((f"{ZIPS_REL}/part-{n:04d}.zip", members))
    return out


# What every bulk JSON file says first, before its rows.
JSON_HEAD = {"unit": "万元", "amounts": "exact decimal strings; `printed` is the figure as "
             "printed, in `printed_unit`"}


def json_head(name: str) -> bytes:
    return (json.dumps({"table": name} | JSON_HEAD, ensure_ascii=False)[:-1] + ', "rows": ').encode("utf-8")


def _json_query(part: bulk.Part, columns: list[tuple[str, str]], ordered: bool) -> str:
    fields = ", ".join(f'{expr} AS "{column}"' for column, expr in _export_exprs(columns, False))
    return f'SELECT {fields} FROM "{part.table}" {part.where or ""} {_export_order(columns, ordered)}'


def _write_json(con, part: bulk.Part, columns: list[tuple[str, str]], target: Path,
                ordered: bool) -> None:
    """A part of a table's rows as `{"table": …, "unit": …, "amounts": …, "rows": [{…}, …]}`:
    a line per row, as DuckDB's JSON export writes its array, after an opening line."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.rows")
    try:
        bulk.copy_rows(con, _json_query(part, columns, ordered), JSON_OPTIONS, scratch)
        wrap_json_rows(str(scratch), str(target), json_head(part.table))
    finally:
        scratch.unlink(missing_ok=True)
