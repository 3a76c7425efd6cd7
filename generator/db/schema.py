"""The database's tables: the SCHEMA every connection creates, and its columns as data."""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR PRIMARY KEY,  -- stable id: slug of department + year (see slugs.py)
    path          VARCHAR NOT NULL,     -- source file, relative to the site directory
    file_name     VARCHAR NOT NULL,     -- source file name
    sha256        VARCHAR NOT NULL,     -- hash of the source bytes
    encoding      VARCHAR NOT NULL,     -- utf-8, utf-8-sig or gb18030
    layout        VARCHAR NOT NULL,     -- layout reader that parsed it
    department    VARCHAR,              -- 编制部门, in full
    department_line INTEGER,            -- source line of the department name
    region        VARCHAR,              -- full official region name
    year          INTEGER,              -- budget year
    kind          VARCHAR,              -- budget (预算) or final_accounts (决算)
    scope         VARCHAR,              -- department (部门) or unit (单位)
    unit          VARCHAR NOT NULL,     -- amount unit as printed (万元)
    line_count    INTEGER NOT NULL      -- lines in the source
);
CREATE TABLE IF NOT EXISTS document_sources (
    doc_id VARCHAR, position INTEGER, path VARCHAR, file_name VARCHAR, sha256 VARCHAR,
    first_line INTEGER, line_count INTEGER
);
CREATE TABLE IF NOT EXISTS staffing (
    doc_id VARCHAR, authorized INTEGER, actual INTEGER, in_service INTEGER,
    in_service_change INTEGER, retired INTEGER, retired_change INTEGER,
    lixiu INTEGER, lixiu_change INTEGER, line INTEGER
);
CREATE TABLE IF NOT EXISTS divisions (doc_id VARCHAR, position INTEGER, name VARCHAR, kind VARCHAR);
CREATE TABLE IF NOT EXISTS source_tables (
    doc_id VARCHAR, table_key VARCHAR, title VARCHAR, line INTEGER, empty BOOLEAN,
    note VARCHAR, columns VARCHAR[], column_labels VARCHAR[], row_count INTEGER,
    printed_unit VARCHAR
);
CREATE TABLE IF NOT EXISTS table_rows (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, line INTEGER, kind VARCHAR,
    side VARCHAR, unit VARCHAR, code VARCHAR, code_raw VARCHAR, name VARCHAR,
    project VARCHAR, is_total BOOLEAN, total_key VARCHAR, inferred VARCHAR
);
CREATE TABLE IF NOT EXISTS table_values (
    doc_id VARCHAR, table_key VARCHAR, row_no INTEGER, column_key VARCHAR,
    amount DECIMAL(28,6), printed VARCHAR, line INTEGER, inferred BOOLEAN,
    printed_unit VARCHAR, page INTEGER, box DOUBLE[], sheet VARCHAR, cell VARCHAR
);
CREATE TABLE IF NOT EXISTS projects (
    doc_id VARCHAR, project_no INTEGER, name VARCHAR, unit VARCHAR, code VARCHAR,
    amount DECIMAL(28,6), printed VARCHAR, line INTEGER, source VARCHAR, printed_unit VARCHAR
);
CREATE TABLE IF NOT EXISTS performance_targets (
    doc_id VARCHAR, target_no INTEGER, kind VARCHAR, name VARCHAR, unit VARCHAR,
    amount DECIMAL(28,6), fiscal_amount DECIMAL(28,6), other_funds DECIMAL(28,6),
    goal VARCHAR, line INTEGER, amount_label VARCHAR
);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id VARCHAR, target_no INTEGER, position INTEGER, level1 VARCHAR, level2 VARCHAR,
    name VARCHAR, value VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id VARCHAR, position INTEGER, part VARCHAR, title VARCHAR, text VARCHAR, line INTEGER
);
CREATE TABLE IF NOT EXISTS stated_figures (
    doc_id VARCHAR, key VARCHAR, amount DECIMAL(28,6), percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS stated_changes (
    doc_id VARCHAR, subject VARCHAR, direction INTEGER, amount DECIMAL(28,6),
    percent DECIMAL(9,2), line INTEGER, text VARCHAR
);
CREATE TABLE IF NOT EXISTS glossary (doc_id VARCHAR, position INTEGER, term VARCHAR, text VARCHAR, line INTEGER);
CREATE TABLE IF NOT EXISTS issues (
    doc_id VARCHAR, path VARCHAR, line INTEGER, slug VARCHAR, severity VARCHAR,
    table_key VARCHAR, message VARCHAR
);
CREATE TABLE IF NOT EXISTS checks (
    doc_id VARCHAR, slug VARCHAR, name VARCHAR, status VARCHAR, path VARCHAR, line INTEGER,
    expected DECIMAL(28,6), actual DECIMAL(28,6), difference DECIMAL(28,6), message VARCHAR,
    part_lines INTEGER[]  -- a check that did not pass: the lines of its summed table rows
);
CREATE TABLE IF NOT EXISTS table_names (table_key VARCHAR, title VARCHAR);
CREATE TABLE IF NOT EXISTS key_figures (
    doc_id VARCHAR, department VARCHAR, region VARCHAR, year INTEGER, kind VARCHAR,
    scope VARCHAR, measure VARCHAR, amount DECIMAL(28,6), unit VARCHAR, printed VARCHAR,
    printed_unit VARCHAR, line INTEGER, source VARCHAR
);
CREATE TABLE IF NOT EXISTS line_items (
    doc_id VARCHAR, department VARCHAR, year INTEGER, table_key VARCHAR, side VARCHAR,
    sub_unit VARCHAR, level VARCHAR, code VARCHAR, name VARCHAR, project VARCHAR,
    column_key VARCHAR, column_label VARCHAR, amount DECIMAL(28,6), unit VARCHAR,
    printed VARCHAR, printed_unit VARCHAR, is_total BOOLEAN, detail BOOLEAN, inferred BOOLEAN,
    line INTEGER, page INTEGER, source VARCHAR
);
"""



def _schema_columns() -> dict[str, list[tuple[str, str]]]:
    """(name, type) of every column of every table, read from SCHEMA: the parse workers
    format rows for loading without a database at hand."""
    tables = {}
    for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\);", SCHEMA, re.S):
        body = re.sub(r"--[^\n]*", "", body)
        columns = [c.split() for c in re.split(r",(?![^(]*\))", body) if c.strip()]
        tables[name] = [(c[0], c[1]) for c in columns]
    return tables


COLUMNS = _schema_columns()

DOC_TABLES = ("documents", "document_sources", "staffing", "divisions", "source_tables", "table_rows", "table_values",
              "projects", "performance_targets", "indicators", "sections", "stated_figures",
              "stated_changes", "glossary", "issues", "checks", "key_figures", "line_items")


def _sql_path(path: Path | str) -> str:
    return Path(path).as_posix().replace("'", "''")
