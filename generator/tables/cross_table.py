"""The steps that need more than one table, run in one pass once every table of a document
is read, whatever reader read them (issue 15):

- a table whose kind names `sources_from` (表二 收入, by source of income) and that was read
  without column positions still holds its rows' amounts in print order: blank cells print
  nothing, so "3802.15 3802.15" under 总计 and eight sources does not say its source. The
  sources the document has are those 表一's income side (else 表四's) gives an amount; a
  source it gives none is blank in every row. The amounts after the total go onto those
  sources (a row printing one for each: where they add up to the total) and the
  hierarchy's sums (`by_sums`, through `verify.verify_coded`) decide where a row prints
  fewer of them; what stays open keeps its total alone, reported. 表四's expense side is
  placed the same way onto the fund types (`two_sided_counted.place_unplaced`).
- broken codes ("20 03 01") read from the codes printed elsewhere (`codes.repair_broken_codes`).
- names for codes from other tables (`names_by_code`: 表七 project names), and the doubts
  on 表七's rows those names leave (`name_project_rows`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal

from ..model import TABLE_SHORT, Document, Issue, Row, Table
from ..numbers import is_total_label, squash
from .catalogue import identity_text, load_catalogue
from .codes import repair_broken_codes
from .projects import name_projects
from .segment import Segment
from .verify import near, rounding_step, verify_coded


def settle_across_tables(doc: Document, waiting: Collection[str] = ()) -> None:
    """Every cross-table step on `doc`; `waiting`: the keys of the tables read without
    column positions whose amounts wait here for another table to place them."""
    catalogue = load_catalogue()
    for key in waiting:
        kind, table = catalogue.kind_of_table(key), doc.tables.get(key)
        if kind is None or table is None or not kind.sources_from:
            continue
        origin = next((k for k in kind.sources_from if income_sources(doc.tables.get(k))), None)
        sources = income_sources(doc.tables.get(origin)) if origin else []
        doc.issues.extend(place_by_sources(table, sources, TABLE_SHORT[origin or "summary"], doc.path))
    repair_broken_codes(doc)


# "一、", "1.", "其中：" before an income source's name
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|其中[：:])")


def income_sources(table: Table | None) -> list[str]:
    """Column keys of the income sources with a non-zero amount on a two-sided table's
    income side (一般公共预算 5005.17 → general_public)."""
    if table is None:
        return []
    keys, catalogue = [], load_catalogue()
    for row in table.rows:
        key = catalogue.whole_label_key(_NUMBERING.sub("", squash(row.name))) if row.side == "income" else None
        if key and row.values.get("amount"):
            keys.append(key)
    return keys


def names_by_code(doc: Document, keys: tuple[str, ...]) -> dict[str, str]:
    """科目名称 by code, the first the document's tables `keys` print, in that order (表七's
    labels are a 科目名称 and a project's name run together: the other tables tell where one
    ends, `projects.name_projects`)."""
    known: dict[str, str] = {}
    for key in keys:
        for row in doc.tables[key].rows if key in doc.tables else []:
            if row.code and row.name:
                known.setdefault(row.code, row.name)
    return known


# 表七's rows take their names from the 科目名称 these tables print (表三, 表五, 表二).
NAMES_FROM = ("expense", "general_public", "income")


def name_project_table(table: Table, seg: Segment, doc: Document) -> list[Issue]:
    """表七's rows named by the 科目名称 the tables `NAMES_FROM` print (`name_project_rows`),
    and a doubt on each name split by the print alone."""
    names = names_by_code(doc, NAMES_FROM)
    found = name_project_rows(table, seg, doc, names, seg.title)
    for row in (r for r in table.rows if r.kind == "project"):
        if row.project and row.code_raw and names.get(row.code or "") != row.name:
            found.append(Issue("project-name-uncertain", f"{seg.title}「{row.code_raw}」行：其他表中没有印出这个科目名称，"
                               f"按行内排版读作「{row.name}」/「{row.project}」", doc.path, row.line, "warning", table.key))
    return found


def name_project_rows(table: Table, seg: Segment, doc: Document, names: dict[str, str],
                      label: str) -> list[Issue]:
    """表七's units, projects and their names (`projects.name_projects`) by the 科目名称
    `names` (`names_by_code`: what the document's other tables print); an uncoded row is a sub-unit only where a 类 row follows it, else a
    project line printed without its code (of the 项 above: a `row-misplaced` doubt where
    there is none) or a second 合计; a project amount without a name (`unnamed-project`)."""
    name_projects(table, seg, names)
    found, unit = [], None

    def doubt(slug: str, row: Row, text: str) -> None:
        found.append(Issue(slug, f"{label}{text}", doc.path, row.line, "warning", table.key))
    for index, row in enumerate(table.rows):
        following = table.rows[index + 1].code if index + 1 < len(table.rows) else None
        if row.kind == "unit" and following is not None and len(following) == 3:
            unit = row.unit
            continue
        if row.kind != "unit":
            row.unit = unit  # (the units as `name_projects` set them, less the rows below)
            continue
        above = table.rows[index - 1] if index else None
        if is_total_label(row.name):
            row.kind, row.unit = "line", None
            doubt("row-misplaced", row, f"「{row.name}」行：第二个合计行")
            continue
        row.kind, row.project, row.name, row.unit = "project", row.name, None, unit
        if above is not None and above.code and len(above.code) == 7:
            row.code = above.code
        else:
            doubt("row-misplaced", row, f" 第 {row.line} 行：项目「{row.project}」没有印出编码，上面也没有"
                  f"项级科目行（上一行：{above.code if above and above.code else '无编码'}）：编码所在行丢失了？")
    for row in table.rows:
        if row.kind == "project" and row.project is None and row.values.get("total") is not None:
            doubt("unnamed-project", row, f"「{row.code_raw or row.code}」行：项目金额 {row.values['total']} "
                  "没有印出项目名称")
    return found


def place_by_sources(table: Table, sources: list[str], origin: str, path: str) -> list[Issue]:
    """The rows' amounts, in print order in the first columns, onto the first column (the
    total) and the columns of `sources` (see the module); `origin` names the table that
    gave them, for the messages."""
    keys = table.column_keys()
    if len(keys) < 2:
        return []
    label = table.title or TABLE_SHORT.get(table.key, table.key)  # the printed title, as other messages
    targets = [k for k in keys[1:] if k in sources]
    view = replace(table, columns=[c for c in table.columns if c.key == keys[0] or c.key in targets],
                   rows=[], totals={})
    width, step = len(view.columns), rounding_step(table.unit)
    issues: list[Issue] = []
    listed: set[int] = set()  # the rows that list every column (None where blank), as read
    as_sources: list[Row] = []
    for name, row in [*((None, r) for r in table.rows), *table.totals.items()]:
        printed = [k for k in keys if row.values.get(k) is not None]
        if len(printed) in (0, 1, len(keys)):
            continue  # the total alone, or every column: as printed
        if all(k in row.values for k in keys):
            listed.add(id(row))
        # as many amounts as the total and the sources: read as them where they add up to it
        parts = sum((row.values[k] for k in printed[1:]), Decimal(0))
        if len(printed) > width or len(printed) == width and not near(parts, row.values[printed[0]],
                                                                      len(printed) - 1, step):
            issues.append(_ambiguous(label, row, printed, keys, targets, table, path))
            _move(row, printed[:1], keys[:1])
            continue
        _move(row, printed, view.column_keys())
        if len(printed) == width:
            row.inferred = tuple(targets)
            as_sources.append(row)
        if name is None:
            view.rows.append(row)
        else:
            view.totals[name] = row
    if targets and any(len(r.values) < width for r in [*view.rows, *view.totals.values()]):
        issues += verify_coded(view, (identity_text(keys[0], targets),), path, label, in_order=True)
    for row in [*table.rows, *table.totals.values()]:
        if id(row) in listed:
            row.values = {k: row.values.get(k) for k in keys} | row.values
    if as_sources:
        names = "、".join(c.label for c in view.columns[1:])
        issues.append(Issue("column-inferred", f"{label}：{len(as_sources)} 行的金额个数少于列数，放在"
                            f"{table.columns[0].label} + {names}（按{origin}的收入来源）", path,
                            as_sources[0].line, "warning", table.key))
    return issues


def _move(row: Row, printed: list[str], onto: list[str]) -> None:
    """The row's amounts of the columns `printed` (print order) into the columns `onto`."""
    values, origins = [row.values[k] for k in printed], [row.origins.get(k) for k in printed]
    row.origins = {k: o for k, o in row.origins.items() if k not in printed}
    row.values = dict(zip(onto, values))
    row.origins |= {k: o for k, o in zip(onto, origins) if o is not None}


def _ambiguous(label: str, row: Row, printed: list[str], keys: list[str], targets: list[str],
               table: Table, path: str) -> Issue:
    names = {c.key: c.label for c in table.columns}
    rest = " ".join(str(row.values[k]) for k in printed[1:])
    shown = row.code_raw or row.code or row.project or row.unit or row.name or "?"
    return Issue("column-ambiguous", f"{label}「{shown}」行：{rest} 印在 {len(keys) - 1} 列中（有数的来源："
                 f"{'、'.join(names[k] for k in targets) or '无已知来源'}），只保留在{names[keys[0]]}中",
                 path, row.line, "warning", table.key)
