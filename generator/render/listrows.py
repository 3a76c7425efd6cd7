"""The rows of the list pages as HTML: a list of department-years (`_macros.html`,
`summary_table`) and a classification page's rows (`classification.html`).

Built in Python as the table rows of a department-year are (see `tablehtml`): a province's
code page lists thousands of department-years, and an edit renders every code its document
prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from markupsafe import Markup

from . import urls
from .data import Cell, DocData
from .formatting import fmt_amount, per_person
from .tablehtml import escape


def _sort_key(value: object) -> str:
    return "" if value is None else escape(value)


def _budget_href(budgets: str | None, url: Callable[[str], str], doc_id: str,
                 source: bool = False) -> str:
    """A department-year's page (or its source view) as an escaped href: the page's prefix
    for budgets/ (`Linker.under`) where the doc_id is a plain path part, else `url`."""
    if budgets is not None and urls.plain(doc_id):
        return escape(f"{budgets}{doc_id}/source/" if source else f"{budgets}{doc_id}/")
    return escape(url(urls.source(doc_id) if source else urls.budget(doc_id)))


def summary_rows(items: Iterable, url: Callable[[str], str], show_dept: bool = True,
                 show_region: bool = True, show_year: bool = True) -> Markup:
    """The rows of a list of department-years (`_macros.html`, `summary_table`): department,
    region, year, 支出总预算, 基本支出, 项目支出, “三公”经费, 编制数, failed checks (a
    department-year's link: `Linker.under`, as `classification_rows`)."""
    out = []
    budgets = url.under("budgets/") if isinstance(url, urls.Linker) else None
    for s in items:
        doc: DocData = s.doc
        info = doc.info
        doc_id = doc.doc_id
        page = _budget_href(budgets, url, doc_id)
        cells = ["<tr>"]
        if show_dept:
            cells.append(f'<th scope="row"><a href="{page}">'
                         f'{escape(info["department"] or doc_id)}</a></th>')
        if show_region:
            cells.append(f'<td><a href="{escape(url(urls.region(doc.region_slug)))}">'
                         f'{escape(info["region"])}</a></td>' if doc.region_slug else "<td></td>")
        if show_year:
            year = info["year"]
            shown = escape(year or "—")
            if not show_dept:
                shown = f'<a href="{page}">{shown}</a>'
            if doc.kind_label != "部门预算":  # a 决算 or a 单位 file, never read as a 部门预算
                shown += f' <span class="kind">{escape(doc.kind_label)}</span>'
            cells.append(f'<td data-sort="{escape(year or 0)}">{shown}</td>')
        for f in (s.total, s.basic, s.project, s.three):
            if f:
                cells.append(f'<td class="num" data-sort="{escape(f.amount)}">'
                             f'{escape(fmt_amount(f.amount))}</td>')
            else:
                cells.append('<td class="num" data-sort="">—</td>')
        people = s.authorized
        cells.append(f'<td class="num" data-sort="{_sort_key(people)}">'
                     f'{"—" if people is None else escape(people)}</td>')
        cells.append(f'<td class="num" data-sort="{escape(s.failed)}">{escape(s.failed)}</td></tr>')
        out.append("".join(cells))
    return Markup("\n".join(out))


def classification_rows(rows: Iterable[tuple[DocData, dict[str, Cell], object]],
                        columns: list[tuple[str, str]], url: Callable[[str], str]) -> Markup:
    """The rows of a classification page: department, year, the amounts (linked to their
    source line), 编制数 and 人均 (the 合计 per authorized post).

    A code of a province's has thousands of rows, and an edit renders every code its
    document prints: the links to the documents are the page's prefix for `budgets/`
    (`Linker.under`); an amount's text is made once per process (`formatting.fmt_amount`)."""
    out = []
    keys = [key for key, _ in columns]
    budgets = url.under("budgets/") if isinstance(url, urls.Linker) else None
    for doc, cells, s in rows:
        info = doc.info
        doc_id = doc.doc_id
        year = info["year"]
        page, source = _budget_href(budgets, url, doc_id), _budget_href(budgets, url, doc_id, True)
        parts = [f'<tr><th scope="row"><a href="{page}">'
                 f'{escape(info["department"] or doc_id)}</a></th>'
                 f'<td data-sort="{escape(year or 0)}">{escape(year)}</td>']
        for key in keys:
            c = cells.get(key)
            if not c:
                parts.append('<td class="num" data-sort=""></td>')
                continue
            shown, sort = escape(fmt_amount(c.amount)), escape(c.amount)  # (fmt_amount keeps each text)
            if c.line:
                shown = f'<a href="{source}#L{c.line}">{shown}</a>'
            parts.append(f'<td class="num" data-sort="{sort}">{shown}</td>')
        people = s.authorized
        parts.append(f'<td class="num" data-sort="{_sort_key(people)}">'
                     f'{"—" if people is None else escape(people)}</td>')
        total = cells.get("total")
        pp: Decimal | None = per_person(total.amount if total else None, people)
        parts.append(f'<td class="num" data-sort="{_sort_key(pp)}">'
                     f'{"—" if pp is None else escape(fmt_amount(pp))}</td></tr>')
        out.append("".join(parts))
    return Markup("\n".join(out))
