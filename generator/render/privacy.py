"""Masking personal mobile numbers in the database before anything is rendered from it.

`privacy.mask_phone_numbers` (default on) masks the numbers in the DuckDB file itself, so
the pages, every download (CSV, JSON, Parquet) and the DuckDB file analysts download all
show the same masked text. Rows are found with a SQL regex and rewritten with
`formatting.MOBILE_RE`, the one definition of what a mobile number looks like.
"""

from __future__ import annotations

from .. import db
from .formatting import mask_phones

# Columns that hold identifiers or printed amounts, never free text.
_NOT_TEXT = {"doc_id", "path", "file_name", "sha256", "encoding", "layout", "slug", "status",
             "severity", "table_key", "column_key", "kind", "side", "code", "code_raw",
             "printed", "total_key", "key", "part"}
_SQL_PATTERN = "1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"


def mask_database(con, doc_ids: list[str] | None = None) -> int:
    """Mask every personal mobile number in the text columns; returns the cells changed.
    `doc_ids`: only in the rows of these documents (and those of no document: the issues
    of unparsed files, loaded again by every build), the others having been masked by the
    build that loaded them (a province's text is otherwise scanned again by every build)."""
    columns = db.query(con, "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE data_type = 'VARCHAR' AND table_schema = 'main'")
    changed = 0
    for c in columns:
        table, column = c["table_name"], c["column_name"]
        if table not in db.DOC_TABLES or column in _NOT_TEXT:
            continue
        only = "" if doc_ids is None else " AND (doc_id IS NULL OR list_contains(?, doc_id))"
        rows = con.execute(f'SELECT rowid, "{column}" FROM {table} '
                           f'WHERE regexp_matches("{column}", ?){only}',
                           [_SQL_PATTERN] + ([doc_ids] if doc_ids is not None else [])).fetchall()
        updates = [(mask_phones(text), rowid) for rowid, text in rows if mask_phones(text) != text]
        if updates:
            con.executemany(f'UPDATE {table} SET "{column}" = ? WHERE rowid = ?', updates)
            changed += len(updates)
    return changed
