"""Checks every layout reader may use: they depend on what a disclosure is, not on how
its text is laid out."""

from __future__ import annotations

from ..model import Document, Issue, Row
from ..sources import SourceText

# Tables classified by 经济分类 (3xx/5xx codes); every other coded table uses 功能分类 (2xx).
ECONOMIC_TABLES = {"basic"}


def check_cut_number(source: SourceText, doc: Document) -> None:
    """A file that stops in the middle of its last line may have cut a number short
    ("5005.17" → "5005"): that line's figures are in doubt."""
    last = source.lines[-1] if source.lines else ""
    # A complete file ends with a line break, so its last line is empty.
    if last.rstrip()[-1:].isdigit():
        doc.issues.append(
            Issue(
                "file-cut",
                f"the file ends inside line {len(source.lines)}, on a number that may be cut short",
                doc.path,
                len(source.lines),
                "warning",
            )
        )


def code_doubts(key: str, rows: list[Row]) -> list[tuple[Row, str]]:
    """Coded rows that do not belong in this table or break the ascending code order."""
    economic = key in ECONOMIC_TABLES
    family, kind = (("3", "5"), "an economic (3xx, 5xx)") if economic else (("2",), "a function (2xx)")
    out: list[tuple[Row, str]] = []
    previous: str | None = None
    for row in rows:
        if row.kind == "unit":  # a sub-unit's rows start the classification again
            previous = None
            continue
        if not row.code:
            continue
        if not row.code.startswith(family):
            out.append((row, f"code {row.code_raw} is not {kind} classification code: a "
                        "row of another table?"))
        elif previous is not None and (row.code < previous or row.code == previous
                                       and row.kind != "project"):
            out.append((row, f"code {row.code_raw} after {previous}: out of the 类/款/项 "
                        "order (lines moved or repeated?)"))
        previous = row.code
    return out
