"""The rows of the long tables of a page as HTML.

This is the hot loop of a build (a department-year has hundreds of table rows and checks,
a province thousands of department-years), so the rows are plain Python with f-strings
rather than a Jinja loop or macro: ~10× faster. Everything around the rows — caption,
header, download links — stays in the templates (`_macros.html`, `document.html`,
`classification.html`), where a site can override it, and a site template may of course
loop over the same records itself.

Text is escaped as Jinja's autoescape does (`markupsafe.escape`), so a row reads the same
whether it comes from here or from a template loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

from markupsafe import Markup
from markupsafe import escape as _markup_escape

try:  # markupsafe's C escaping of a str, without wrapping each result in a Markup (~3× faster)
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - another markupsafe
    def _escape_inner(s: str) -> str:
        return str(_markup_escape(s))

from ..issue_titles import chinese_words
from . import urls
from .data import DocData, TableData
from .formatting import fmt_amount, fmt_percent, fmt_printed
from .quality import change_context, change_quote, change_subject, check_title
from .records import Record

SIDES = {"income": "收入", "expense": "支出"}
INFERRED = '<span class="visually-hidden">（列位置由恒等式推定）</span>*'
_EMPTY_NUM = '<td class="num"></td>'
CHECK_STATUS = {"pass": "✓ 通过", "rounding": "≈ 舍入", "fail": "✗ 不符"}

# The same few thousand amounts are printed over and over (0.00, totals repeated by
# sub-unit): formatting each (Decimal parse + format) once per process is enough.
_printed = lru_cache(maxsize=1 << 16)(fmt_printed)


SUPPLIED = '<sup class="supplied" title="原表未印名称，取自本文件其他表格">补</sup>'
FLAGGED = '<span class="flag" aria-hidden="true">⚠</span><span class="visually-hidden">（本行核对不符）</span>'


def table_body(doc_id: str, table: TableData, link_for: Callable[[str, str | None], str | None],
               url: Callable[[str], str], supplied: dict[str, str] | None = None,
               flagged: frozenset[int] = frozenset()) -> Markup:
    """The rows of a parsed table: name first (the column that stays put when the table
    scrolls sideways), then code, side, project, the amounts and the source line.

    `supplied` names the codes the table prints without a name (from the same document's
    other tables; marked 补); a row on one of the `flagged` lines (a failed check's) is marked ⚠.
    """
    rows = table.rows
    has_units, has_sides, has_projects = table.has_units, table.has_sides, table.has_projects
    width = 3 + len(table.columns) + has_sides + has_projects
    source = escape(url(urls.source(doc_id)))
    columns = table.columns
    key = table.key
    supplied = supplied or {}
    out: list[str] = []
    unit = None
    numbers = _number_cells if len(_number_cells) < NUMBER_CELLS else _number_cells.clear() or _number_cells
    # Across a page's tables, a table repeats the same codes: their cells are made once per call.
    code_cells: dict[tuple[str | None, str | None], str] = {}
    for r in rows:
        if has_units and r["unit"] and r["unit"] != unit:
            unit = r["unit"]
            out.append(f'<tr class="unit-head"><th scope="colgroup" colspan="{width}">'
                       f"单位：{escape(unit)}</th></tr>")
        line = r["line"]
        bad = line in flagged
        kind, is_total = r["kind"], r["is_total"]
        opening = _row_openings.get(shape := (kind, bool(is_total), bad)) or _row_opening(*shape)
        code = r["code"] or ""
        name = r["name"] or ("合计" if is_total else "小计" if kind == "unit" else "")
        name_html = _escape_inner(name)
        if not name and code in supplied:
            name_html = escape(supplied[code]) + SUPPLIED
        code_html = code_cells.get(written := (r["code"], r["code_raw"]))
        if code_html is None:
            code_html = code_cells[written] = _code_cell(key, code, written[1], link_for, url)
        cells = [opening, name_html, "</th>", code_html]
        if has_sides:
            cells.append(f"<td>{SIDES.get(r['side'], '')}</td>")
        if has_projects:
            cells.append(f'<td class="project">{escape(r["project"] or "")}</td>')
        values = r["values"]
        cells += [_EMPTY_NUM if (v := values.get(c)) is None or (printed := v.printed) is None
                  else f'<td class="num inferred">{_printed(printed)}{INFERRED}</td>' if v.inferred
                  else numbers.get(printed) or _number_cell(printed) for c in columns]
        cells.append(f'<td class="line"><a class="src" href="{source}#L{line}" '
                     f'title="原文第 {line} 行">L{line}</a></td></tr>' if line else
                     '<td class="line"></td></tr>')
        out.append("".join(cells))
    return Markup("\n".join(out))


# A row's opening (its kind, total or not, flagged or not: a few shapes) and an amount's
# cell (the same few thousand amounts over and over: 0.00, totals repeated by sub-unit),
# made once per process; the amounts' at most NUMBER_CELLS at a time.
_row_openings: dict[tuple[str | None, bool, bool], str] = {}
_number_cells: dict[str, str] = {}
NUMBER_CELLS = 1 << 16


def _row_opening(kind: str | None, is_total: bool, bad: bool) -> str:
    opening = _row_openings[(kind, is_total, bad)] = (
        f'<tr class="kind-{escape(kind or "row")}{" total" if is_total else ""}'
        f'{" flagged" if bad else ""}"><th scope="row">{FLAGGED if bad else ""}')
    return opening


def _number_cell(printed: str) -> str:
    cell = _number_cells[printed] = f'<td class="num">{_printed(printed)}</td>'
    return cell


def parsed_tables(doc: DocData, tables: Iterable[TableData], names: dict[str, str],
                  link_for: Callable[[str, str | None], str | None], url: Callable[[str], str],
                  supplied: dict[str, dict[str, str]], flagged: frozenset[int] = frozenset()) -> Markup:
    """A page's parsed tables, each a collapsed `<section>` (a `<details>`, so it opens
    without JavaScript): title, row count, rows on a failed check's line, the title as
    printed with its source line, unit, note, then the table (`table_body`) and its
    downloads. `names`: the site's table names (`table_names`); `supplied`: per table key,
    the names supplied for its bare codes (`ClassIndex.supplied_names`).

    A page has ten tables: made here rather than by a macro per table (the Jinja calls
    were a fifth of a page's rendering time); `_macros.html`'s `parsed_table` is one of them."""
    return Markup("".join([_parsed_table(doc, t, names, link_for, url, supplied.get(t.key), flagged)
                             for t in tables]))


def _parsed_table(doc: DocData, t: TableData, names: dict[str, str],
                  link_for: Callable[[str, str | None], str | None], url: Callable[[str], str],
                  supplied: dict[str, str] | None, flagged: frozenset[int]) -> str:
    key, doc_id = escape(t.key), doc.doc_id
    bad = t.rows_on(flagged)
    count = "空表" if t.empty else f"{len(t.rows)} 行"
    if bad:
        count += f' · <span class="flag">⚠</span> {len(bad)} 行核对不符'
    where = f"（{_source_link(url, doc_id, t.line, f'第 {t.line} 行')}）" if t.line else ""
    out = [f'<section class="parsed-table" id="table-{key}" aria-labelledby="table-{key}-title">\n'
           f'  <details>\n  <summary><h3 id="table-{key}-title">{escape(names.get(t.key, t.title))}</h3>\n'
           f'    <span class="meta">{count}</span></summary>\n'
           f'  <p class="meta">原文标题：{escape(t.title)}{where}'
           f'\u3000单位：{escape(t.unit)}{"" if t.unit == "万元" else UNIT_NOTE}</p>\n']
    if t.empty:
        out.append('<p class="empty">本表为空表。</p>')
    if t.note:
        out.append(f'<p class="note">{escape(t.note)}</p>')
    if supplied:
        out.append('<p class="note"><sup class="supplied">补</sup> 原表只印科目编码，名称取自本文件其他表格。</p>')
    if t.rows:
        out += ['  <div class="table-wrap">\n  <table class="data parsed">\n'
                f'    <caption class="visually-hidden">{escape(t.title)}（单位：{escape(t.unit)}）</caption>\n'
                '    <thead><tr>\n      <th scope="col" class="name">名称</th>\n'
                '      <th scope="col">科目编码</th>\n',
                '<th scope="col">收/支</th>' if t.has_sides else "",
                '<th scope="col">项目</th>' if t.has_projects else ""]
        out += [f'<th scope="col" class="num" data-column="{escape(c)}">{escape(label)}</th>'
                for c, label in t.headers]
        out += ['      <th scope="col">原文</th>\n    </tr></thead>\n    <tbody>\n    ',
                table_body(doc_id, t, link_for, url, supplied, flagged),
                '\n    </tbody>\n  </table>\n  </div>\n']
    csv, json = (escape(url(urls.table_file(doc_id, t.key, ext))) for ext in ("csv", "json"))
    out.append(f'  <p class="downloads">下载本表：<a href="{csv}" download>CSV</a> · '
               f'<a href="{json}">JSON</a></p>\n  </details>\n</section>')
    return "".join(out)


UNIT_NOTE = "（金额按原文单位显示；下载与汇总按万元精确换算，不四舍五入）"


def _code_cell(key: str, code: str, raw: str | None,
               link_for: Callable[[str, str | None], str | None], url: Callable[[str], str]) -> str:
    """A row's 科目编码 cell: the code, linked to its classification page where it has one,
    and the code as printed when that differs."""
    link = link_for(key, code or None)
    code_html = f'<a href="{escape(url(link))}">{escape(code)}</a>' if link else escape(code)
    if raw and raw.replace(" ", "") != code:
        code_html += f' <span class="raw">（原文 {escape(raw)}）</span>'
    return f'<td class="code">{code_html}</td>'


def escape(value: object) -> str:
    """`markupsafe.escape(value)` as text (None → 'None', as a template prints it)."""
    cls = value.__class__
    if cls is str:
        return _escape_inner(value)
    if cls is int or cls is Decimal:  # digits, sign, point: nothing to escape
        return str(value)
    return str(_markup_escape(value))


def _line_link(source: str, line: int | None) -> str:
    return f'<a class="src" href="{source}#L{line}">L{line}</a>' if line else ""


def check_rows(checks: Iterable[Record], source: str) -> Markup:
    """The rows of a page's checks table (result, check, message, difference, source line);
    `source` is the URL of the document's source view. Titles in Chinese (quality.py); the
    slugs stay in the downloads. A failed check links the lines of
    its summed parts too (各项), since any of them may hold the wrong figure.

    A page has hundreds of checks (a quarter of its rendering time): the few dozen titles
    and the few distinct differences (mostly 0) are escaped once per process."""
    source = escape(source)
    out = []
    titles, differences = _check_title_html, _difference_html
    for c in checks:
        status = c["status"]
        diff = c["difference"]
        title = titles.get(key := (c["slug"], c["name"]))
        if title is None:
            title = titles[key] = escape(check_title(c))
        if diff is None:
            shown = ""
        elif (shown := differences.get(text := str(diff))) is None:
            shown = differences[text] = escape(fmt_amount(diff))
        line = c["line"]
        parts = c["part_lines"] if status == "fail" else None
        out.append(f'<tr class="status-{escape(status)}"><td>{_STATUS_HTML.get(status) or escape(status)}</td>'
                   f'<th scope="row">{title}</th>'
                   f'<td>{_escape_inner(chinese_words(c["message"] or ""))}</td>'
                   f'<td class="num">{shown}</td>'
                   f'<td>{_line_link(source, line) if line else ""}'
                   f'{_part_links(source, parts) if parts else ""}</td></tr>')
    return Markup("\n".join(out))


_STATUS_HTML = {status: escape(text) for status, text in CHECK_STATUS.items()}
# (slug, name) → the title as HTML; a difference's text (str(Decimal): its digits and
# exponent, so 0.00 and 0.000000 stay apart) → as shown. Both are a few dozen entries.
_check_title_html: dict[tuple[str, str | None], str] = {}
_difference_html: dict[str, str] = {}


def failure_items(failed: Iterable[Record], doc_id: str, url: Callable[[str], str]) -> Markup:
    """The `<li>` of a page's failed checks: title, difference, message, its source line
    and those of its summed parts (各项)."""
    out = []
    for c in failed:
        diff, line, part_lines = c["difference"], c["line"], c["part_lines"]
        item = [f"<li><strong>{escape(check_title(c))}</strong>"]
        if diff is not None:
            item.append(f"（差 {escape(fmt_amount(diff))}）")
        item.append(f'<br><span class="meta">{escape(chinese_words(c["message"] or ""))}</span> '
                    + _source_link(url, doc_id, line, f"第 {line} 行"))
        if part_lines:
            item.append(' <span class="parts">各项 '
                        + "".join(_source_link(url, doc_id, n) + " " for n in part_lines) + "</span>")
        item.append("</li>")
        out.append("".join(item))
    return Markup("".join(out))


def source_link(url: Callable[[str], str], doc_id: str, line: int | None,
                label: str | None = None) -> Markup:
    """A link to `line` of the document's source view, labelled 'L<line>' or `label`
    (nothing without a line): `_macros.html`'s `src`, which a page calls dozens of times."""
    return Markup(_source_link(url, doc_id, line, label))


def _source_link(url: Callable[[str], str], doc_id: str, line: int | None,
                 label: str | None = None) -> str:
    """A link to `line` of the document's source view (`_macros.html`: `src`)."""
    if not line:
        return ""
    return (f'<a class="src" href="{escape(url(urls.source(doc_id, line)))}" '
            f'title="原文第 {line} 行">{escape(label or f"L{line}")}</a>')


def _part_links(source: str, parts: list[int]) -> str:
    """The links to a failed check's summed parts (各项)."""
    return '<span class="parts">各项 ' + " ".join(_line_link(source, n) for n in parts) + "</span>"


def indicator_rows(indicators: Iterable[Record], source: str) -> Markup:
    """The rows of a 绩效 target's indicators table (levels 1–3, value, source line)."""
    source = escape(source)
    return Markup("\n".join(
        f'<tr><td>{escape(i["level1"] or "")}</td><td>{escape(i["level2"] or "")}</td>'
        f'<th scope="row">{escape(i["name"])}</th><td>{escape(i["value"] or "")}</td>'
        f'<td>{_line_link(source, i["line"])}</td></tr>' for i in indicators))


def issue_items(issues: Iterable[Record], source: str) -> Markup:
    """The `<li>` of a page's parse issues (message, source line; the slug is in the downloads)."""
    source = escape(source)
    return Markup("".join(
        f'<li class="severity-{escape(i["severity"])}">'
        f'{escape(chinese_words(i["message"] or ""))} {_line_link(source, i["line"])}</li>' for i in issues))


DIRECTION = {1: "增加", -1: "减少", 0: "持平"}


def change_items(doc: DocData, changes: Iterable[Record], source: str) -> Markup:
    """The `<li>` of a page's stated changes (较上年变化): subject, direction, amount and
    percentage, the 说明 section it is printed in, its source line and the words quoted."""
    source = escape(source)
    out = []
    for c in changes:
        where, amount, percent, line = change_context(doc, c), c["amount"], c["percent"], c["line"]
        delta = DIRECTION.get(c["direction"], "")
        if amount is not None:
            delta += f" {escape(fmt_amount(amount))} 万元"
        if percent is not None:
            delta += f"（{escape(fmt_percent(percent))}）"
        origin = f"出自“{escape(where)}”" if where else "出自说明文字"
        if line:
            origin += f'，<a class="src" href="{source}#L{line}">第 {line} 行</a>'
        if c["text"]:
            origin += f"：<q>{escape(change_quote(c))}</q>"
        out.append(f'<li><span class="subject">{escape(change_subject(c["subject"]))}</span>\n'
                   f'  <span class="delta">{delta}</span>\n  <span class="origin">{origin}</span></li>')
    return Markup("".join(out))
