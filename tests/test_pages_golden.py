"""Every figure of the answer key appears, in its row and column, on the department-year page.

The five samples are built into a real site; each document page's HTML tables are read
back (header labels, sub-unit headings, codes, names, amounts) and compared with
tests/golden/<sample>.json — the numbers a citizen reads, not the parser's objects.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from generator.build import build
from generator.db import connect, query

from .conftest import GOLDEN, sample_paths

SITE_TOML = '[build]\nsearch = false\ncharts = false\n'


class TableReader(HTMLParser):
    """section.parsed-table → {table_key: {"labels": [...], "rows": [row, ...]}}.

    A row: {"kind", "unit", "code", "name", "cells": {label: text}, "total": bool}.
    Text inside .visually-hidden (screen-reader notes) and the printed-code span is skipped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict] = {}
        self.key = None
        self.in_head = False
        self.row = None
        self.cell = None
        self.skip = 0
        self.unit = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if self.skip:
            self.skip += tag not in ("br", "img", "meta", "link", "input")
            return
        if tag == "span" and ({"visually-hidden", "raw"} & set(classes)):
            self.skip = 1
            return
        if tag == "section" and "parsed-table" in classes:
            self.key = a["id"].removeprefix("table-")
            self.tables[self.key] = {"labels": [], "rows": []}
            self.unit = None
        elif self.key and tag == "thead":
            self.in_head = True
        elif self.key and tag == "tr" and not self.in_head:
            self.row = {"kind": " ".join(classes), "cells": [], "unit": self.unit}
        elif self.key and tag in ("td", "th") and (self.row is not None or self.in_head):
            self.cell = {"class": classes, "column": a.get("data-column")}
            self.text = ""

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1
            return
        if tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None:
            text = self.text.replace("*", "").strip()
            if self.in_head:  # value columns by their stable key, the others by their label
                self.tables[self.key]["labels"].append(self.cell["column"] or text)
            elif "unit-head" in (self.row or {}).get("kind", ""):
                self.unit = text.removeprefix("单位：")
            else:
                self.row["cells"].append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if "unit-head" not in self.row["kind"]:
                self.tables[self.key]["rows"].append(self._shape(self.row))
            self.row = None
        elif tag == "section":
            self.key = None

    def _shape(self, row):
        labels = self.tables[self.key]["labels"]
        cells = dict(zip(labels, row["cells"]))
        code = (cells.get("科目编码") or "").strip() or None
        return {"kind": row["kind"], "unit": row["unit"], "code": code,
                "name": cells.get("名称"), "cells": cells, "total": "total" in row["kind"],
                "values": row["cells"]}

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.text += data


def amount(text):
    text = (text or "").replace(",", "").strip()
    return Decimal(text) if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None


def same(want, got_text):
    return (None if want is None else Decimal(want)) == amount(got_text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    site = tmp_path_factory.mktemp("golden-site")
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (site / "content" / "disclosures").mkdir(parents=True)
    for p in sample_paths():
        (site / "content" / "disclosures" / p.name).write_bytes(p.read_bytes())
    build(site)
    con = connect(site / "build" / "data" / "budget.duckdb")
    ids = {r["file_name"]: r["doc_id"] for r in query(con, "SELECT file_name, doc_id FROM documents")}
    out = {}
    for name, doc_id in ids.items():
        reader = TableReader()
        reader.feed((site / "build" / "budgets" / doc_id / "index.html").read_text(encoding="utf-8"))
        out[name] = reader.tables
    return out


def _match_rows(html_rows, key_rows, columns):
    """Golden rows in order against the page's coded/unit rows in order."""
    rows = [r for r in html_rows if not r["total"] and (r["code"] or "kind-unit" in r["kind"])]
    misses = []
    i = 0
    for want in key_rows:
        while i < len(rows) and not (rows[i]["code"] == want["code"]
                                     and (want["unit"] is None or rows[i]["unit"] == want["unit"])):
            i += 1
        if i == len(rows):
            misses.append((want, "row not on the page"))
            break
        for field, label in columns.items():
            if not same(want[field], rows[i]["cells"].get(label)):
                misses.append((want["code"], want.get("unit"), label, want[field], rows[i]["cells"].get(label)))
        i += 1
    return misses


def _total(html_rows):
    return next(r for r in html_rows if r["total"])


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_department_year_page_shows_every_key_figure(pages, path):
    key = json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))
    tables = pages[path.name]
    misses = []
    for table in ("expense", "general_public"):
        cols = {"total": "total", "basic": "basic", "project": "project"}
        misses += _match_rows(tables[table]["rows"], key[table]["rows"], cols)
        total = _total(tables[table]["rows"])
        misses += [(table, "total", label) for field, label in cols.items()
                   if not same(key[table]["total"][field], total["cells"].get(label))]
    cols = {"total": "total", "personnel": "personnel", "public": "public"}
    basic_rows = [dict(r, unit=None) for r in key["basic"]["rows"]]
    misses += _match_rows(tables["basic"]["rows"], basic_rows, cols)
    misses += [("basic", "total", label) for field, label in cols.items()
               if not same(key["basic"]["total"][field], _total(tables["basic"]["rows"])["cells"].get(label))]
    projects = [r for r in tables["projects"]["rows"] if "kind-project" in r["kind"]]
    assert len(projects) == len(key["projects"]["rows"])
    for want, got in zip(key["projects"]["rows"], projects):
        if got["code"] != want["code"] or not same(want["total"], got["cells"].get("total")) \
                or (got["cells"].get("项目") or None) != (want["project"] and re.sub(r"\s+", " ", want["project"])):
            misses.append(("project", want, got["cells"]))
    three = tables.get("three_public", {"rows": []})["rows"]
    first = three[0]["cells"] if three else {}
    misses += [("三公", f) for f, want in key["three_public"].items() if not same(want, first.get(f))]
    summary = tables["summary"]["rows"]
    for line in key["summary"]["income"]:
        if not any(re.sub(r"\s+", "", r["name"] or "") == re.sub(r"\s+", "", line["name"])
                   and any(same(line["amount"], v) for v in r["values"]) for r in summary):
            misses.append(("表一 收入", line))
    for line in key["summary"]["expense"]:
        if not any(r["code"] == line["code"] and any(same(line["amount"], v) for v in r["values"])
                   for r in summary):
            misses.append(("表一 支出", line))
    assert misses == []
