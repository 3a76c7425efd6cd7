"""One source file → one `Document`, inside its own error boundary.

Order: decode → detect layout → prose (profile, sections, stated figures) → tables by
the layout → tables in another unit than 万元 converted exactly (`units`) → the checks a whole
document needs (core tables, a cut last item, names holding figures). A crash in a
layout reader becomes a `parse-failed` issue and the document is marked failed, so
nothing half-parsed reaches the database.
"""

from __future__ import annotations

import gc
import hashlib
import re
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..grid import Grid
from ..layouts import detect_layout
from ..model import TABLE_KEYS, Document, Issue, table_label
from ..readers import reader_for
from ..sources import SourceText, read_source
from ..tables.catalogue import load_catalogue
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
    """`source` read into a `Document` (or the issues saying why not), with the cyclic
    garbage collector paused (`collector_paused`)."""
    with collector_paused():
        return _parse_text(source, debug)


@contextmanager
def collector_paused():
    """The cyclic garbage collector off while one document is parsed. A parse allocates a
    cell, a row and a list for every line, nearly all of it freed by reference counting;
    the collector's generation passes over those short-lived objects cost 8–14 % of the
    parse and freed nothing. Whatever cycles a parse leaves are collected on its next
    pass after the document, so memory stays bounded by one document."""
    if not gc.isenabled():  # someone paused it already: leave it as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse_text(source: SourceText, debug: bool = False) -> ParseResult:
    template = load_catalogue().template_of(source.lines)
    if template is not None and not template.legacy:  # the catalogue's pipeline reads it
        from ..readers.text import read_text
        return parse_grid(read_text(source), source, debug)
    layout, scores = detect_layout(source)
    if layout is None:  # no legacy layout claims it: a pdftotext rendering of any template
        from ..readers.text import read_text
        result = parse_grid(read_text(source), source, debug)
        if result.document is None or result.document.tables:
            return result
        narrative = _narrative_only(source)
        if narrative is not None:
            return ParseResult(source.path, narrative, list(narrative.issues))
        shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items()))
        return ParseResult(source.path, None, [Issue(
            "layout-unknown", f"没有已知版式适合这个文件（得分：{shown}），"
            "也没有找到目录中任何模板的表格", source.path, 1, "error")])
    from ..tables.cross_table import settle_across_tables

    def read(doc: Document) -> None:
        settle_across_tables(doc, layout.read(source, doc) or ())  # (tables another table places)
        statements.flag_unmatched_items(doc)
        units.convert_other_units(source, doc)
    return _read(source, layout.name, read, debug, (_flag_cut_item, _flag_figures_in_names))

TEXT_ONLY = "text-only"


def _narrative_only(source: SourceText) -> Document | None:
    """A file of prose without tables that names its department and year and has 说明
    sections: the narrative half of a department-year published as two files (江苏's
    `_text_` PDF beside its `_tables_` one), made one with its tables by `generator.merge`.
    Anything else no layout fits stays unread, as does a file printing a table's title: a
    disclosure cut short (or in a layout not known) rather than a narrative."""
    if any(map(load_catalogue().title_key, source.lines)):
        return None
    doc = Document(path=source.path, layout=TEXT_ONLY, sha256=source.sha256,
                   encoding=source.encoding, line_count=len(source.lines))
    profile.read_profile(source, doc)
    if doc.department is None or doc.year is None or not (doc.sections or doc.figures):
        return None
    doc.issues.append(Issue("tables-none", "这个文件没有表格：按说明文字读取，"
                            "该部门该年度的表格在另一个文件中", doc.path, None,
                            "info"))
    _require_tables(doc)  # said all the same: the build answers it only with the tables file
    return doc


def parse_grid(grid: Grid, source: SourceText, debug: bool = False) -> ParseResult:
    """A reader's grid → Document: the prose readers on the grid's text, then the tables by
    the segmenter and the shape interpreters (`generator.tables`)."""
    from ..tables.pipeline import read_tables

    def read(doc: Document) -> None:
        read_tables(grid, doc)
        _year_from_file_name(doc)
        statements.flag_unmatched_items(doc)
    return _read(source, grid.format, read, debug)


def _read(source: SourceText, layout: str, read: Callable[[Document], None], debug: bool,
          checks: tuple[Callable[[Document], None], ...] = ()) -> ParseResult:
    """The prose readers, then `read` (the tables), inside the error boundary: a crash is a
    `parse-failed` issue and no document; then the checks a whole document needs."""
    doc = Document(path=source.path, layout=layout, sha256=source.sha256,
                   encoding=source.encoding, line_count=len(source.lines))
    try:
        profile.read_profile(source, doc)
        read(doc)
    except Exception as exc:  # one bad file must not stop the build
        if debug:
            raise
        return ParseResult(source.path, None, [Issue(
            "parse-failed", f"{layout} 读取器出错：{type(exc).__name__}: {exc}"
            f"{_innermost_line(exc)}", source.path, None, "error")])
    for check in (_require_tables, *checks):
        check(doc)
    return ParseResult(source.path, doc, list(doc.issues))

_FILE_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _year_from_file_name(doc: Document) -> None:
    """A document that prints no year (a file of tables only) has it in its file name,
    as publishers name them (江苏省委办公厅2017年预算公开表格.pdf)."""
    if doc.year is not None:
        return
    years = set(_FILE_YEAR.findall(Path(doc.path).name))
    if len(years) == 1:
        doc.year = int(years.pop())
        doc.issues = [i for i in doc.issues if i.slug != "year-missing"]
        doc.issues.append(Issue("year-from-file-name", "文件中没有印出预算年度，"
                                f"{doc.year} 年取自文件名", doc.path, None, "info"))


def parse_file(path: Path, display_path: str | None = None, debug: bool = False) -> ParseResult:
    reader = reader_for(path)
    if reader is not None:
        from ..tables.pipeline import source_of
        grid = reader(path, display_path or str(path))
        if not grid.rows:  # encrypted, corrupt, scanned: the reader said why
            return ParseResult(grid.path, None, grid.issues or [Issue(
                "source-empty", "这个文件中没有可读取的内容", grid.path, None, "error")])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return parse_grid(grid, source_of(grid, digest, "binary"), debug)
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
        issue = Issue("parse-timeout", f"解析超过 {limit:g} 秒（build.parse_timeout），"
                      "此文件未收录：它是公开文件吗？如果是，请调高这个上限",
                      shown, None, "error")
    else:
        issue = Issue("parse-crashed", "解析这个文件的进程意外退出（内存不足？），"
                      "此文件未收录", shown, None, "error")
    return ParseResult(shown, None, [issue])


def lost_worker(issues: list[Issue]) -> bool:
    """Whether these are the issues of `lost_parse` (not of the file's content)."""
    return any(i.slug in ("parse-timeout", "parse-crashed") for i in issues)


def _require_tables(doc: Document) -> None:
    """A disclosure without its core tables is truncated or from another template."""
    missing = [key for key in ("summary", "expense") if key not in doc.tables]
    if missing:
        doc.issues.append(Issue(
            "table-missing", "未找到主要表格：" + "、".join(TABLE_KEYS[key] for key in missing)
            + "（文件不完整，还是未知的模板？）", doc.path, None, "error"))


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
        doc.issues.append(Issue("file-cut", f"第 {last} 行开始的是文件在第 {cut} 行中途截断前"
                                "读到的最后一项：其中的数字可能不完整或缺失", doc.path, last, "warning"))


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
            if len(name) > LONGEST_NAME or "." in name and len(NAME_AMOUNT.findall(name)) >= 2:
                shown = name[:40] + ("…" if len(name) > 40 else "")
                doc.issues.append(Issue(
                    "row-name-doubtful", f"{table_label(key)} 第 {row.line} 行："
                    f"名称（{len(name)} 个字符：{shown}）含有数字或长过任何真实名称，"
                    "这一行的名称和数字可能读错了", doc.path, row.line,
                    "warning", table=key))


def _innermost_line(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"（位于 {Path(last.filename).name}:{last.lineno}）"
