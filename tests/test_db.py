"""The database: its schema documented column by column (docs/schema.md), loading
rows exactly, and a reproducible published file."""

from __future__ import annotations

import csv
import io
import re

import pytest

from generator.db import (
    COLUMNS,
    CSV_TABLES,
    DOC_TABLES,
    _csv_text,
    connect,
    document_rows,
    load_documents,
    pack_document,
    publish,
    publishing,
    query,
)
from generator.parse.document import parse_file

from .conftest import ROOT, sample_paths


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


def test_the_column_types_read_from_the_schema_are_the_database_s():
    con = connect()
    for table, columns in COLUMNS.items():
        described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert columns == described, table


def _tricky_document():
    doc = parse_file(sample_paths()[0]).document
    doc.sections[0].text = 'a "quoted", text\r\nover lines\n{doc_id} and {doc_id-1},,'
    doc.sections[1].title = ""
    doc.glossary.append(("术语,", '"', 7))
    return doc


def test_loading_stores_every_row_exactly_as_made():
    """The CSV path of `load_documents` keeps every value: NULL apart from empty text,
    quotes, commas, line breaks, exact decimals, lists, and text that looks like the
    placeholder the rows travel under."""
    doc = _tricky_document()
    packed = pack_document(doc)
    assert packed.mark not in (b"{doc_id}", b"{doc_id-1}")  # the text holds those two
    con = connect()
    load_documents(con, [("x-2021", doc, [])])
    expected = document_rows("x-2021", doc)
    for table in DOC_TABLES:
        stored = con.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        assert stored == [tuple(list(v) if isinstance(v, list) else v for v in row)
                          for row in expected[table]], table


def test_the_packed_csv_is_what_csv_writer_writes():
    """`_csv_text` writes its CSV by hand, for speed: byte for byte what csv.writer writes
    (the format `_copy_csv_file` reads), quotes, commas, line breaks and NULLs included."""
    def cell(value, kind):
        if value is None:
            return "\\N"
        if kind.startswith("DECIMAL"):
            return format(value, "f")
        if kind == "BOOLEAN":
            return "true" if value else "false"
        return value

    doc = _tricky_document()
    doc.glossary.append(("a lone\rcarriage return", "", 8))
    rows = document_rows("{doc_id}", doc)
    for table in CSV_TABLES:
        kinds = [kind for _, kind in COLUMNS[table]]
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows([cell(v, k) for v, k in zip(row, kinds)] for row in rows[table])
        assert _csv_text(table, rows[table]) == buffer.getvalue().encode("utf-8"), table


def test_loading_again_replaces_a_document():
    doc = _tricky_document()
    con = connect()
    load_documents(con, [("x-2021", doc, [])])
    load_documents(con, [("x-2021", doc, [])])
    count = con.execute("SELECT count(*) FROM table_values").fetchone()[0]
    assert count == len(document_rows("x-2021", doc)["table_values"])


@pytest.mark.parametrize("detachable", [True, False])
def test_publish_writes_the_same_bytes_for_the_same_content(tmp_path, detachable):
    files = []
    for n in range(2):
        con = connect(tmp_path / f"work{n}.duckdb", detachable=detachable)
        load_documents(con, [("x-2021", _tricky_document(), [])])
        if n:  # some unrelated work first: published bytes must not depend on memory reuse
            con.execute("CREATE TEMP TABLE noise AS SELECT repeat('z', 5000) || i AS s "
                        "FROM range(300) t(i)")
            con.execute("DROP TABLE noise")
        publish(con, tmp_path / f"published{n}.duckdb")
        assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 1}]  # still usable
        con.close()
        files.append((tmp_path / f"published{n}.duckdb").read_bytes())
    assert files[0] == files[1]
    assert not list(tmp_path.glob("published*.wal"))
    con = connect(tmp_path / "published0.duckdb")
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 1}]


@pytest.mark.parametrize("detachable", [True, False])
def test_publishing_beside_reads_gives_the_same_file_and_a_writable_connection(tmp_path, detachable):
    con = connect(tmp_path / "work.duckdb", detachable=detachable)
    load_documents(con, [("x-2021", _tricky_document(), [])])
    publish(con, tmp_path / "after.duckdb")
    with publishing(con, tmp_path / "beside.duckdb"):
        # the body reads while (detachable) another process publishes the same file
        assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 1}]
    assert (tmp_path / "beside.duckdb").read_bytes() == (tmp_path / "after.duckdb").read_bytes()
    con.execute("DELETE FROM documents")  # written to again: the file is its own once more
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 0}]
    con.close()


def test_publishing_lets_a_failing_body_fail_and_keeps_the_connection(tmp_path):
    con = connect(tmp_path / "work.duckdb", detachable=True)
    load_documents(con, [("x-2021", _tricky_document(), [])])
    with pytest.raises(RuntimeError, match="export failed"):
        with publishing(con, tmp_path / "beside.duckdb"):
            raise RuntimeError("export failed")
    con.execute("DELETE FROM documents")
    assert query(con, "SELECT count(*) AS n FROM documents") == [{"n": 0}]
    con.close()
