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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import db
from . import bulk, zipreuse

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


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def write_bulk(con, out_dir: Path, archive: zipfile.ZipFile, parts: list[bulk.Chunk] | None = None,
               store: bulk.PartStore | None = None, zip_first: Sequence[tuple[str, str]] = (),
               previous: zipreuse.PreviousZip | None = None,
               ordered: bool | None = None) -> dict[str, dict[str, Any]]:
    """Every database table as CSV (also into the zip) and JSON under `data/`, assembled
    from the parts by chunk of documents `parts`, an unchanged part copied from the last
    build's files where `store` (`bulk`, `bulkstore`) finds it (None: every table exported
    whole); `zip_first`
    (member name, file) go into the zip before them, those of the last build's zip
    `previous` that are unchanged as they stand there (`zipreuse`).

    DuckDB writes the files: the CSV with its BOM, the JSON with its `{table, unit, rows}`
    wrapper (`_write_json`). While DuckDB writes the next file, a helper thread zips the
    ones before, in order, so the zip comes out the same every time. Returns per table its
    columns (name, DuckDB type) and row count, for datapackage.json.
    """
    data_dir = out_dir / "data"
    for sub in ("csv", "json", "parquet"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    described: dict[str, dict[str, Any]] = {}
    if ordered is None:
        ordered = db.rows_in_doc_order(con)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as helper, \
            bulk.capped_memory(con):
        done = [helper.submit(_zip_files, archive, list(zip_first), out_dir, previous)]
        for name in BULK_TABLES:
            columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
            count = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            chunked = (parts if parts is not None and store is not None and count >= bulk.PART_MIN_ROWS
                       and _has_doc_id(columns) else None)
            csv_path, json_path = data_dir / "csv" / f"{name}.csv", data_dir / "json" / f"{name}.json"
            pieces: list[tuple[str | None, bulk.Deflated]] = []
            _write_csv(con, name, columns, csv_path, chunked, store, pieces, ordered)
            done.append(helper.submit(_zip_bulk_csv, archive, name, pieces, store))
            _write_json(con, name, columns, json_path, count, chunked, store, ordered)
            described[name] = {"columns": columns, "rows": count}
        for step in done:
            step.result()  # the helper's error, if any, is the build's
    return described


def _zip_bulk_csv(archive: zipfile.ZipFile, name: str, pieces: list[tuple[str | None, bulk.Deflated]],
                  store: bulk.PartStore | None) -> None:
    """The bulk CSV of table `name` into the zip, made of its deflated `pieces` (key, piece);
    where the keyed ones lie in the zip is recorded in `store` for the next build."""
    member = bulk.csv_member(f"data/csv/{name}.csv")
    offsets = zipreuse.add_deflated(archive, _zip_info(member), [piece for _, piece in pieces])
    if store is not None:
        store.record_member(bulk.ZIP_REL, member, [
            (key, piece.crc, piece.size, offset, piece.compressed_size)
            for (key, piece), offset in zip(pieces, offsets) if key is not None])


CSV_OPTIONS = "FORMAT csv, HEADER false, NEW_LINE '\\r\\n'"


def _write_csv(con, name: str, columns: list[tuple[str, str]], target: Path,
               parts: list[bulk.Chunk] | None, store: bulk.PartStore | None,
               deflate: list[tuple[str | None, bulk.Deflated]] | None = None,
               ordered: bool = False) -> None:
    """A table's CSV, its header written by DuckDB too (an empty result's COPY)."""
    select = _export_select(name, columns, True)
    head = target.with_name(f".{target.name}.head")
    try:
        con.execute(f"COPY ({select} LIMIT 0) TO '{_sql_path(head)}' "
                    f"({CSV_OPTIONS.replace('HEADER false', 'HEADER true')})")
        header = head.read_bytes()
    finally:
        head.unlink(missing_ok=True)
    bulk.write_parted(con, select, _export_order(columns, ordered), CSV_OPTIONS, target,
                      f"data/csv/{target.name}", header, b"", parts, store,
                      f"csv\t{name}\t{columns}", deflate)


def _zip_files(archive: zipfile.ZipFile, files: list[tuple[str, str]], out_dir: Path,
               previous: zipreuse.PreviousZip | None) -> None:
    """Zip `files` (member, path under `out_dir`, as text: a province has some 20,000);
    those the last build zipped from the same file (`previous`) as they stand in its zip."""
    root = os.fspath(out_dir)
    for member, rel in files:
        found = previous.compressed(member, rel, root) if previous is not None else None
        if found is None:
            with open(os.path.join(root, rel), "rb") as f:
                add_to_zip(archive, member, f.read())
        else:
            zipreuse.add_compressed(archive, _zip_info(member), *found)


# What every bulk JSON file says first, before its rows.
JSON_HEAD = {"unit": "万元", "amounts": "exact decimal strings; `printed` is the figure as "
             "printed, in `printed_unit`"}


def _write_json(con, name: str, columns: list[tuple[str, str]], target: Path, count: int,
                parts: list[bulk.Chunk] | None, store: bulk.PartStore | None,
                ordered: bool = False) -> None:
    """A table's rows as `{"table": …, "unit": …, "amounts": …, "rows": [{…}, …]}`: a line
    per row, as DuckDB's JSON export writes its array (`bulk.JSON_ARRAY`: of each part the
    rows inside its brackets, joined by a comma), between an opening line and a closing one."""
    opening = bulk.json_head(name, JSON_HEAD)
    if not count:
        target.write_bytes((opening + "[]}\n").encode("utf-8"))
        return
    fields = ", ".join(f'{expr} AS "{column}"' for column, expr in _export_exprs(columns, False))
    bulk.write_parted(con, f"SELECT {fields} FROM {name}", _export_order(columns, ordered),
                      "FORMAT json, ARRAY true", target, f"data/json/{target.name}",
                      (opening + "[\n").encode("utf-8"), b"\n]}\n", parts, store,
                      f"json\t{name}\t{columns}",
                      framing=bulk.JSON_ARRAY)
