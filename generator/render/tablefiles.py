"""A document's parsed tables as downloads: `budgets/<doc_id>/tables/<doc_id>-<key>.csv|.json`.

CSV is UTF-8 with a BOM (so Excel and WPS detect the encoding), amounts exactly as
printed (`Cell.printed`), and text cells beginning with = + - @ (or a tab/CR) prefixed
with an apostrophe against formula injection. A cell that is a plain number (e.g. a
negative amount "-5.00") cannot be a formula and is left as it is.
JSON carries amounts as exact decimal strings and states the unit.

A province has tens of thousands of tables and a million rows: both files of a table are
made in one pass over its rows, each row's fields read at once (`_FIELDS`), and a cell
is looked at for a formula only when the table's CSV shows one could start a cell
(`_MAY_START_FORMULA`), which few tables do.
"""

from __future__ import annotations

import csv
import io
import os
import re
from operator import itemgetter
from typing import Any

from ..tidy import first_row_is_total, row_level
from . import urls
from .data import DocData, TableData
from .downloads import dumps

NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a CSV cell that begins with a formula character would show in the CSV text: at a
# line's start or after a comma, quoted or not (a cell with a CR is always quoted: an
# unquoted CR after a comma ends a line). A match elsewhere (inside a quoted cell) only
# costs the cell-by-cell look.
_MAY_START_FORMULA = re.compile(r'(?:^|[,\n])(?:[-=+@\t]|"[-=+@\t\r])')


def neutralize(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER_RE.match(value):
        return "'" + value
    return value


# Descriptive columns of a parsed-table download, in order: (key, CSV header).
ROW_FIELDS = [("line", "源文件行号"), ("side", "收支"), ("unit", "单位"), ("code", "科目编码"),
              ("code_raw", "科目编码（原文）"), ("name", "科目名称"), ("project", "项目名称"),
              ("kind", "行类型"), ("total_key", "合计行")]
# The first columns of every parsed-table CSV: whose, which year, the unit of its amounts.
DOC_FIELDS = ["文件标识 doc_id", "部门", "年度", "金额单位"]
SIDE_ZH = {"income": "收入", "expense": "支出"}
TOTAL_ZH = {"total": "合计", "income": "收入总计", "expense": "支出总计", "subtotal": "小计"}
_ROW_KEYS = [k for k, _ in ROW_FIELDS]
# A row's fields, all at once: the ROW_FIELDS, then whether it is a total, its inferred
# columns and its cells.
_FIELDS = itemgetter(*_ROW_KEYS, "is_total", "inferred", "values")
# A JSON row's keys, in order.
_JSON_KEYS = (*_ROW_KEYS, "kind_zh", "is_total", "inferred", "values")


def _row_fields(table: TableData) -> list[int]:
    """The positions in ROW_FIELDS of the columns the table's CSV has (side, unit and
    project only when some row has one)."""
    skip = set()
    if not table.has_sides:
        skip.add("side")
    if not table.has_units:
        skip.add("unit")
    if not table.has_projects:
        skip.add("project")
    return [i for i, (k, _) in enumerate(ROW_FIELDS) if k not in skip]


def table_files(doc: DocData, table: TableData) -> tuple[bytes, bytes]:
    """One parsed table's downloads, from one pass over its rows: its CSV (as printed,
    each row saying whose it is (doc_id, 部门, 年度) and the unit of its amounts, its row
    type in Chinese (类/款/项 …), and which of its columns were placed by inference rather
    than read (推定列)) and its JSON."""
    columns = table.columns
    kept = _row_fields(table)
    labels = dict(zip(columns, table.labels))
    first_total = first_row_is_total(table.key, any(r["is_total"] for r in table.rows))
    who = [doc.doc_id, doc.info["department"], doc.info["year"], table.unit]
    csv_rows, json_rows = [], []
    for n, r in enumerate(table.rows):
        line, side, unit, code, code_raw, name, project, kind, total_key, is_total, inferred, \
            values = _FIELDS(r)
        is_total = bool(is_total)
        printed = [v.printed if (v := values.get(c)) is not None else None for c in columns]
        kind_zh = row_level(code, kind, is_total)
        inferred = [c for c in inferred.split(",") if c] if inferred else []
        json_rows.append(dict(zip(_JSON_KEYS, (line, side, unit, code, code_raw, name, project,
                                               kind, total_key, kind_zh, is_total, inferred,
                                               dict(zip(columns, printed))))))
        described = (line, SIDE_ZH.get(side, side), unit, code, code_raw, name, project,
                     "合计" if first_total and n == 0 else kind_zh,
                     TOTAL_ZH.get(total_key, total_key) if is_total else None)
        csv_rows.append([*who, *[described[i] for i in kept],
                         "、".join([labels.get(c, c) for c in inferred]) if inferred else None,
                         *printed])
    header = (DOC_FIELDS + [ROW_FIELDS[i][1] for i in kept] + ["推定位置的列"]
              + [f"{label}（{table.unit}）" for label in table.labels])
    return _csv_bytes(header, csv_rows), dumps(_table_json(doc, table, json_rows)).encode("utf-8")


def _csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """The CSV of `rows` (str, int or None cells) under `header`, formulas neutralised."""
    text = _csv_text([neutralize(h) for h in header], rows)
    if _MAY_START_FORMULA.search(text, text.index("\n")):  # the rows, from the header's end
        text = _csv_text([neutralize(h) for h in header],
                         [[v if v.__class__ is not str or not v.startswith(FORMULA_START)
                           else neutralize(v) for v in row] for row in rows])
    return ("\ufeff" + text).encode("utf-8")


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _table_json(doc: DocData, table: TableData, rows: list[dict]) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "department": doc.info["department"],
        "region": doc.info["region"],
        "year": doc.info["year"],
        "table_key": table.key,
        "title": table.title,
        "unit": table.unit,
        "amounts": "exact decimal strings as printed, in the unit above; null = empty cell",
        "source": {"path": doc.info["path"], "line": table.line},
        "empty": table.empty,
        "note": table.note,
        "columns": [{"key": k, "label": label} for k, label in zip(table.columns, table.labels)],
        "rows": rows,
    }


def write_document_tables(doc: DocData, out_dir: str) -> list[str]:
    """Write every table of one document (`urls.table_file`); returns their paths under
    `out_dir`."""
    os.makedirs(f"{out_dir}/budgets/{doc.doc_id}/tables", exist_ok=True)
    written = []
    for table in doc.tables.values():
        for ext, data in zip(("csv", "json"), table_files(doc, table)):
            rel = urls.table_file(doc.doc_id, table.key, ext)
            with open(f"{out_dir}/{rel}", "wb") as f:
                f.write(data)
            written.append(rel)
    return written
