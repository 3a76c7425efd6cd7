"""The database schema is documented column by column (docs/schema.md)."""

from __future__ import annotations

import re

from generator.db import connect, query

from .conftest import ROOT


def test_every_column_is_documented():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+).*?\n(.*?)(?=^## |\Z)", doc, re.M | re.S))
    con = connect()
    missing = []
    for row in query(con, "SELECT table_name, column_name FROM information_schema.columns"):
        body = sections.get(row["table_name"], "")
        if f"- `{row['column_name']}`:" not in body:
            missing.append(f"{row['table_name']}.{row['column_name']}")
    assert missing == []
