"""A document's rows, per database table, and the same packed as CSV text by the parse
workers (`pack_document`), so the build process only splices in the doc_id."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import count, repeat
from pathlib import Path
from typing import Any

from ..merge import SourceFile, sources_of
from ..model import Document, Issue
from ..numbers import UNIT_SHIFT, format_amount, in_printed_unit
from ..tidy import key_figure_rows, line_item_rows
from .schema import COLUMNS, DOC_TABLES


def document_rows(doc_id: str, doc: Document, sources: list[SourceFile] | None = None
                  ) -> dict[str, list[tuple[Any, ...]]]:
    """Every row this document contributes, per database table; `sources`: the files it
    was read from, when more than its own (`merge`)."""
    out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in DOC_TABLES}
    p = Path(doc.path)
    out["documents"].append((doc_id, doc.path, p.name, doc.sha256, doc.encoding, doc.layout,
                             doc.department, doc.department_line, doc.region, doc.year, doc.kind,
                             doc.scope, doc.unit,
                             doc.line_count))
    out["document_sources"] += [(doc_id, i, f.path, Path(f.path).name, f.sha256, f.first_line,
                                 f.line_count) for i, f in enumerate(sources or sources_of(doc))]
    s = doc.staffing
    out["staffing"].append((doc_id, s.authorized, s.actual, s.in_service, s.in_service_change,
                            s.retired, s.retired_change, s.lixiu, s.lixiu_change, s.line))
    out["divisions"] += [(doc_id, i, n, "division") for i, n in enumerate(doc.divisions)]
    out["divisions"] += [(doc_id, i, n, "sub_unit") for i, n in enumerate(doc.sub_units)]
    for key, table in doc.tables.items():
        all_rows = [(r, False, None) for r in table.rows] + [(r, True, k) for k, r in table.totals.items()]
        out["source_tables"].append((doc_id, key, table.title, table.line, table.empty, table.note,
                                     [c.key for c in table.columns], [c.label for c in table.columns],
                                     len(table.rows), table.unit))
        unit, shift = table.unit, UNIT_SHIFT.get(table.unit, 0)  # as `in_printed_unit`
        values = out["table_values"]
        for row_no, (row, is_total, total_key) in enumerate(all_rows):
            out["table_rows"].append((doc_id, key, row_no, row.line, row.kind, row.side, row.unit,
                                      row.code, row.code_raw, row.name, row.project, is_total,
                                      total_key, ",".join(row.inferred) or None))
            origins, inferred = row.origins, row.inferred
            for col, amount in row.values.items():
                origin = origins.get(col) if origins else None
                # format_amount(in_printed_unit(...)) inlined: once per cell of every document
                printed = None if amount is None else format(amount.scaleb(shift), "f")
                if origin is None:
                    values.append((doc_id, key, row_no, col, amount, printed, row.line,
                                   col in inferred, unit, None, None, None, None))
                else:
                    values.append((doc_id, key, row_no, col, amount, printed, origin.line,
                                   col in inferred, unit, origin.page,
                                   list(origin.box) if origin.box else None, origin.sheet, origin.cell))
    projects = doc.table("projects")
    if projects:
        for i, row in enumerate(r for r in projects.rows if r.kind == "project"):
            total = row.values.get("total")
            out["projects"].append((doc_id, i, row.project, row.unit, row.code, total,
                                    format_amount(in_printed_unit(total, projects.unit)), row.line,
                                    "projects", projects.unit))
    for i, target in enumerate(doc.performance):
        out["performance_targets"].append((doc_id, i, target.kind, target.name, target.unit,
                                           target.amount, target.fiscal_amount, target.other_funds,
                                           target.goal, target.line, target.amount_label))
        out["indicators"] += [(doc_id, i, j, ind.level1, ind.level2, ind.name, ind.value, ind.line)
                              for j, ind in enumerate(target.indicators)]
    out["sections"] += [(doc_id, i, s.part, s.title, s.text, s.line) for i, s in enumerate(doc.sections)]
    out["stated_figures"] += [(doc_id, f.key, f.amount, f.percent, f.line, f.text) for f in doc.figures]
    out["stated_changes"] += [(doc_id, c.subject, c.direction, c.amount, c.percent, c.line, c.text)
                              for c in doc.changes]
    out["glossary"] += [(doc_id, i, t, x, ln) for i, (t, x, ln) in enumerate(doc.glossary)]
    out["issues"] += [issue_row(doc_id, i) for i in doc.issues]
    out["key_figures"] = key_figure_rows(doc_id, doc)
    out["line_items"] = line_item_rows(doc_id, doc)
    return out


@dataclass
class PackedRows:
    """One document's rows, ready to load under any doc_id: CSV text per table, where every
    row starts with the placeholder `mark` for its doc_id, and the rows of tables with list
    columns (no CSV for those) without their doc_id."""

    mark: bytes
    csv: dict[str, bytes]
    listed: dict[str, list[tuple[Any, ...]]]


# Tables loaded from CSV; the others have list columns and go through `bulk_insert`.
# (A list of numbers goes into CSV as "[1,2.5]", which COPY casts; lists of text do not.)
_NUMBER_LISTS = ("INTEGER[]", "DOUBLE[]")
CSV_TABLES = tuple(t for t in DOC_TABLES
                   if not any(k.endswith("[]") and k not in _NUMBER_LISTS for _, k in COLUMNS[t]))


def pack_document(doc: Document,
                  check_rows: Callable[[str], Iterable[tuple[Any, ...]]] = lambda _: (),
                  sources: list[SourceFile] | None = None) -> PackedRows:
    """`document_rows` and the check rows (`check_rows(doc_id)`) as `PackedRows`.

    The placeholder must not occur in the document's own text: each CSV must hold it exactly
    once per row, else the next candidate is tried.
    """
    for n in count():
        mark = f"{{doc_id-{n}}}" if n else "{doc_id}"
        rows = document_rows(mark, doc, sources)
        rows["checks"] = list(check_rows(mark))
        packed = PackedRows(mark.encode("utf-8"), {}, {})
        for name in DOC_TABLES:
            values = rows[name]
            if not values:
                continue
            if name not in CSV_TABLES:
                packed.listed[name] = [row[1:] for row in values]
                continue
            text = _csv_text(name, values)
            if text.count(packed.mark) != len(values):
                break
            packed.csv[name] = text
        else:
            return packed
    raise AssertionError("unreachable")


def _csv_text(table: str, rows: list[tuple[Any, ...]]) -> bytes:
    """Rows as CSV for `_copy_csv_file`: NULL as \\N, exact decimals, true/false.

    The bytes `csv.writer` writes (QUOTE_MINIMAL, \\r\\n), made column by column: every
    document of a build passes here, and csv.writer, which inspects each character of each
    field through a function call, took a tenth of a parse worker's time. A column is
    quoted field by field only where one of its fields needs it (rare: prose). A column
    holding one text in every row (the doc_id, a table's empty page/box/sheet/cell) is
    made once; those at the start and end of the row go into the line separator, so the
    rows are joined from the columns that vary alone.
    """
    if not rows:
        return b""
    fields = [_csv_column(column, kind) for column, kind in zip(zip(*rows), _CSV_KINDS[table])]
    head = []
    while fields and type(fields[0]) is str:
        head.append(fields.pop(0))
    tail = []
    while fields and type(fields[-1]) is str:
        tail.insert(0, fields.pop())
    before = "".join(text + "," for text in head)
    after = "".join("," + text for text in tail)
    if not fields:  # every column the same in every row
        return (before[:-1] + "\r\n").encode("utf-8") * len(rows)
    middle: list[Any] = []
    for field in fields:  # a run of constant columns inside the row as one
        if type(field) is str and middle and type(middle[-1]) is str:
            middle[-1] += "," + field
        else:
            middle.append(field)
    n = len(rows)
    lines = middle[0] if len(middle) == 1 else map(",".join, zip(*(
        repeat(field, n) if type(field) is str else field for field in middle)))
    return (before + (after + "\r\n" + before).join(lines) + after + "\r\n").encode("utf-8")


def _csv_column(column: tuple[Any, ...], kind: str) -> str | list[str] | tuple[str, ...]:
    """A column's CSV fields, or their one text where every row has the same (told apart
    by type: equal amounts may print differently, 1.0 and 1.00)."""
    types = set(map(type, column))
    if types == _NONE_ONLY:
        return _NULL
    first, n = column[0], len(column)
    if kind == "decimal":
        return _decimal_texts(column, types)
    if kind == "boolean":
        if types == _BOOL_ONLY:
            if column.count(first) == n:
                return _BOOL_TEXT[first]
            return list(map(_BOOL_TEXT.__getitem__, column))
        return [_NULL if v is None else "true" if v else "false" for v in column]
    if kind == "integers":
        return [_NULL if v is None else '"[' + ",".join(map(str, v)) + ']"' for v in column]
    if types == _INT_ONLY:
        return str(first) if column.count(first) == n else _int_texts(column)
    if types == _STR_ONLY:
        if column.count(first) == n:
            return _csv_quoted(first)
        texts: tuple[str, ...] | list[str] = column
    elif types <= _STR_OR_NONE:
        texts = [_NULL if v is None else v for v in column]
    else:
        texts = [v if type(v) is str else _NULL if v is None else str(v) for v in column]
    everything = "".join(texts)
    if any(c in everything for c in _CSV_SPECIAL):
        return [_csv_quoted(v) for v in texts]
    return texts


def _decimal_texts(column: tuple[Any, ...], types: set[type]) -> list[str]:
    """Exact decimals as `format(v, "f")` writes them. str() is twice as fast and writes
    the same wherever its text is plain digits (not 1E+3, 1E-7, NaN): checked for the
    whole column at once."""
    if types <= _DECIMAL_OR_NONE:
        texts = list(map(str, column)) if types == _DECIMAL_ONLY else \
            [_NULL if v is None else str(v) for v in column]
        if _PLAIN_DECIMAL.fullmatch("".join(texts)):
            return texts
    return [_NULL if v is None else format(v, "f") for v in column]


def _int_texts(column: tuple[int, ...]) -> list[str]:
    """str() of each int, looked up: the same line and row numbers recur in every table."""
    try:
        return list(map(_INT_TEXT.__getitem__, column))
    except KeyError:
        if len(_INT_TEXT) > 1 << 18:  # a worker's lifetime of line numbers, bounded
            _INT_TEXT.clear()
        _INT_TEXT.update((v, str(v)) for v in set(column).difference(_INT_TEXT))
        return list(map(_INT_TEXT.__getitem__, column))


_INT_TEXT: dict[int, str] = {}
# A column of str(Decimal) in plain notation, and \N: every other text str() writes (1E+3,
# NaN, sNaN, Infinity) has a character besides these.
_PLAIN_DECIMAL = re.compile(r"[-.0-9\\N]*")
_DECIMAL_ONLY, _DECIMAL_OR_NONE = {Decimal}, {Decimal, type(None)}
_NONE = type(None)
_NONE_ONLY, _BOOL_ONLY, _INT_ONLY, _STR_ONLY = {_NONE}, {bool}, {int}, {str}
_STR_OR_NONE = {str, _NONE}
_BOOL_TEXT = {True: "true", False: "false"}


# The characters that make csv.writer quote a field: the delimiter, the quote character
# and those of the line terminator.
_CSV_SPECIAL = (",", '"', "\r", "\n")


def _csv_quoted(value: str) -> str:
    if "," in value or '"' in value or "\n" in value or "\r" in value:  # _CSV_SPECIAL
        return '"' + value.replace('"', '""') + '"'
    return value


# How `_csv_text` writes each column of each table.
_CSV_KINDS = {table: ["decimal" if kind.startswith("DECIMAL") else
                      "boolean" if kind == "BOOLEAN" else
                      "integers" if kind in _NUMBER_LISTS else "as-is" for _, kind in columns]
              for table, columns in COLUMNS.items()}


def issue_row(doc_id: str | None, issue: Issue) -> tuple[Any, ...]:
    return (doc_id, issue.path, issue.line, issue.slug, issue.severity, issue.table, issue.message)


_NULL = "\\N"
