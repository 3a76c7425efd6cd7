"""The body rows of a parsed table as HTML.

This is the hot loop of a build (a department-year has hundreds of rows, a province
thousands of department-years), so it is plain Python with f-strings rather than a
Jinja macro: ~10× faster. The table's caption, header and download links stay in the
template (`_macros.html`, `parsed_table`), where a site can override them.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from markupsafe import Markup

from . import urls
from .data import TableData
from .formatting import fmt_printed

SIDES = {"income": "收入", "expense": "支出"}
INFERRED = '<span class="visually-hidden">（列位置由恒等式推定）</span>*'


def table_body(doc_id: str, table: TableData, link_for: Callable[[str, str | None], str | None],
               url: Callable[[str], str]) -> Markup:
    width = 3 + len(table.columns) + table.has_sides + table.has_projects
    source = url(urls.source(doc_id))
    out: list[str] = []
    unit = None
    for r in table.rows:
        if table.has_units and r["unit"] and r["unit"] != unit:
            unit = r["unit"]
            out.append(f'<tr class="unit-head"><th scope="colgroup" colspan="{width}">'
                       f"单位：{escape(unit)}</th></tr>")
        cls = f'kind-{escape(r["kind"] or "row")}' + (" total" if r["is_total"] else "")
        cells = [f'<tr class="{cls}">']
        if table.has_sides:
            cells.append(f"<td>{SIDES.get(r['side'], '')}</td>")
        code = r["code"] or ""
        link = link_for(table.key, r["code"])
        code_html = f'<a href="{url(link)}">{escape(code)}</a>' if link else escape(code)
        raw = r["code_raw"]
        if raw and raw.replace(" ", "") != code:
            code_html += f' <span class="raw">（原文 {escape(raw)}）</span>'
        cells.append(f'<td class="code">{code_html}</td>')
        name = r["name"] or ("合计" if r["is_total"] else "小计" if r["kind"] == "unit" else "")
        cells.append(f'<th scope="row">{escape(name)}</th>')
        if table.has_projects:
            cells.append(f"<td>{escape(r['project'] or '')}</td>")
        values = r["values"]
        for c in table.columns:
            v = values.get(c)
            if v is None or v.printed is None:
                cells.append('<td class="num"></td>')
            elif v.inferred:
                cells.append(f'<td class="num inferred">{fmt_printed(v.printed)}{INFERRED}</td>')
            else:
                cells.append(f'<td class="num">{fmt_printed(v.printed)}</td>')
        line = r["line"]
        cells.append(f'<td class="line"><a class="src" href="{source}#L{line}" '
                     f'title="原文第 {line} 行">L{line}</a></td></tr>' if line else
                     '<td class="line"></td></tr>')
        out.append("".join(cells))
    return Markup("\n".join(out))
