"""One source file → one `Document`, inside its own error boundary.

Order: decode → detect layout → prose (profile, sections, stated figures) → tables by
the layout → tables in another unit than 万元 left out (`units`) → the checks a whole
document needs (core tables, a cut last item, names holding figures). A crash in a
layout reader becomes a `parse-failed` issue and the document is marked failed, so
nothing half-parsed reaches the database.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from ..layouts import detect_layout
from ..model import TABLE_SHORT, Document, Issue
from ..sources import SourceText, read_source
from . import profile, statements, units


class ParseResult:
    """A parsed document, or None with the issues that say why not."""

    def __init__(self, path: str, document: Document | None, issues: list[Issue]):
        self.path = path
        self.document = document
        self.issues = issues

    @property
    def ok(self) -> bool:
        return self.document is not None


def parse_text(source: SourceText, debug: bool = False) -> ParseResult:
    layout, scores = detect_layout(source)
    if layout is None:
        shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items()))
        return ParseResult(source.path, None, [Issue(
            "layout-unknown", f"no known layout fits this file (scores: {shown})",
            source.path, 1, "error")])
    doc = Document(path=source.path, layout=layout.name, sha256=source.sha256,
                   encoding=source.encoding, line_count=len(source.lines))
    try:
        profile.read_profile(source, doc)
        layout.read(source, doc)
        statements.flag_unmatched_items(doc)
        left_out = units.drop_other_units(source, doc)
    except Exception as exc:  # one bad file must not stop the build
        if debug:
            raise
        where = _innermost_line(exc)
        return ParseResult(source.path, None, [Issue(
            "parse-failed", f"the {layout.name} reader failed: {type(exc).__name__}: {exc}{where}",
            source.path, None, "error")])
    _require_tables(doc, left_out)
    _flag_cut_item(doc)
    _flag_figures_in_names(doc)
    return ParseResult(source.path, doc, list(doc.issues))


def parse_file(path: Path, display_path: str | None = None, debug: bool = False) -> ParseResult:
    source, issues = read_source(path, display_path)
    if source is None:
        return ParseResult(display_path or str(path), None, issues)
    result = parse_text(source, debug)
    if result.document is not None:
        result.document.issues[:0] = issues
    result.issues[:0] = issues
    return result


def lost_parse(shown: str, reason: str, limit: float) -> ParseResult:
    """A file whose parse worker was killed after `limit` seconds (reason "timeout") or
    died ("crashed"): left out of the site, with the issue saying why."""
    if reason == "timeout":
        issue = Issue("parse-timeout", f"parsing took over {limit:g} s (build.parse_timeout), "
                      "the file is left out: is it a disclosure? If it is, raise the limit",
                      shown, None, "error")
    else:
        issue = Issue("parse-crashed", "the worker parsing this file died (out of memory?), "
                      "the file is left out", shown, None, "error")
    return ParseResult(shown, None, [issue])


def lost_worker(issues: list[Issue]) -> bool:
    """Whether these are the issues of `lost_parse` (not of the file's content)."""
    return any(i.slug in ("parse-timeout", "parse-crashed") for i in issues)


def _require_tables(doc: Document, left_out: set[str]) -> None:
    """A disclosure without its core tables is truncated or from another template (or
    printed them in a unit the site does not show: `left_out`, reported already)."""
    missing = [key for key in ("summary", "expense") if key not in doc.tables and key not in left_out]
    if missing:
        doc.issues.append(Issue(
            "table-missing", "core table(s) not found: " + ", ".join(missing)
            + " (truncated file or an unknown template?)", doc.path, None, "error"))


def _flag_cut_item(doc: Document) -> None:
    """A file cut inside its last line (`file-cut`, told by the layout) was cut inside the
    last item read: a table row, a 绩效目标, a text section or a stated figure, whose
    figures are told by the line it starts on, lines above the cut. That item is in doubt
    too, on its own line."""
    cut = next((i.line for i in doc.issues if i.slug == "file-cut" and i.line), None)
    if cut is None:
        return
    starts = [r.line for t in doc.tables.values() for r in [*t.rows, *t.totals.values()] if r.line]
    starts += [item.line for item in [*doc.performance, *doc.sections, *doc.figures, *doc.changes]
               if item.line]  # a cut in the text: its section or figure, not a table far above
    last = max((n for n in starts if n < cut), default=None)
    if last is not None:
        doc.issues.append(Issue("file-cut", f"line {last} starts the last item read before the "
                                f"file ends inside line {cut}: its figures may be cut short or "
                                "missing", doc.path, last, "warning"))


# Amounts with decimals ("1,234.56"): a name may hold one (5.12地震灾后重建), never two.
NAME_AMOUNT = re.compile(r"\d[\d,]*\.\d+")
LONGEST_NAME = 200  # characters; the longest 科目 or project names are under 60


def _flag_figures_in_names(doc: Document) -> None:
    """A row whose name holds figures (two amounts or more) or runs past any real name
    took in a line that was not its name: an amount line glued to a label, a label the
    layout could not tell (收入总计 read as a plain line). Its figures are in doubt."""
    for key, table in doc.tables.items():
        for row in [*table.rows, *table.totals.values()]:
            name = " ".join(filter(None, (row.name, row.project)))
            if len(name) > LONGEST_NAME or len(NAME_AMOUNT.findall(name)) >= 2:
                shown = name[:40] + ("…" if len(name) > 40 else "")
                doc.issues.append(Issue(
                    "row-name-doubtful", f"{TABLE_SHORT.get(key, key)} row at line {row.line}: "
                    f"the name ({len(name)} characters: {shown}) holds figures or runs past any "
                    "real name; the row's label and figures may be misread", doc.path, row.line,
                    "warning", table=key))


def _innermost_line(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno})"
