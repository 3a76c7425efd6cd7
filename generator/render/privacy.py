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


def mask_database(con) -> int:
    """Mask every personal mobile number in the text columns; returns the cells changed."""
    columns = db.query(con, "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE data_type = 'VARCHAR' AND table_schema = 'main'")
    changed = 0
    for c in columns:
        table, column = c["table_name"], c["column_name"]
        if table not in db.DOC_TABLES or column in _NOT_TEXT:
            continue
        rows = con.execute(f'SELECT rowid, "{column}" FROM {table} '
                           f'WHERE regexp_matches("{column}", ?)', [_SQL_PATTERN]).fetchall()
        updates = [(mask_phones(text), rowid) for rowid, text in rows if mask_phones(text) != text]
        if updates:
            con.executemany(f'UPDATE {table} SET "{column}" = ? WHERE rowid = ?', updates)
            changed += len(updates)
    return changed
