"""A document's table downloads (`render.tablefiles`): formulas defused wherever a cell
begins with one, whichever path the table's CSV takes (checked whole, or cell by cell)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from generator.render.data import Cell, DocData, TableData
from generator.render.records import record_maker, slotted_type
from generator.render.tablefiles import table_files

FIELDS = ["line", "side", "unit", "code", "code_raw", "name", "project", "kind", "total_key",
          "is_total", "inferred", "values"]
make_row = record_maker(slotted_type("row", FIELDS), FIELDS)


def _table(names: list[str], amounts: list[str]) -> tuple[DocData, TableData]:
    doc = DocData(info={"doc_id": "d-2024", "department": "某局", "year": 2024, "region": "某地",
                        "path": "x.txt"})
    rows = [make_row(i + 1, None, None, "2010101", None, name, None, "item", None, False, None,
                     {"total": Cell(None, amount, i + 1)})
            for i, (name, amount) in enumerate(zip(names, amounts))]
    return doc, TableData("expense", "表三", 1, False, None, ["total"], ["合计"], rows)


def _cells(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("name", ["=1+1", "+x", "-x", "@SUM(A1)", "\tx", "\r=1", "a,\n=b", "基本"])
@pytest.mark.parametrize("amount", ["-5.00", "5.00"])  # a negative amount: checked cell by cell
def test_a_cell_that_begins_a_formula_is_defused_and_a_negative_amount_is_not(name, amount):
    doc, table = _table(["人员", name], [amount, "1,2"])
    rows = _cells(table_files(doc, table)[0])
    at = rows[0].index("科目名称")
    names, amounts = [r[at] for r in rows[1:]], [r[-1] for r in rows[1:]]
    formula = name[0] in "=+-@\t\r"
    assert names == ["人员", ("'" + name) if formula else name]
    assert amounts == [amount, "1,2"]


def test_json_keeps_the_cells_as_printed():
    doc, table = _table(["=1+1", "人员"], ["-5.00", None])
    data = json.loads(table_files(doc, table)[1])
    assert [r["name"] for r in data["rows"]] == ["=1+1", "人员"]
    assert [r["values"] for r in data["rows"]] == [{"total": "-5.00"}, {"total": None}]
    assert data["rows"][0]["kind_zh"] == "项" and data["unit"] == "万元"
