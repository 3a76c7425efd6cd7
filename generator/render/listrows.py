"""The rows of the list pages as HTML: a list of department-years (`_macros.html`,
`summary_table`) and a classification page's rows (`classification.html`).

Built in Python as the table rows of a department-year are (see `tablehtml`): a province's
code page lists thousands of department-years, and an edit renders every code its document
prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from markupsafe import Markup

from ..cachefile import read_entry, write_entry
from ..incremental import digest
from . import urls
from .data import Cell, DocData
from .facts import cells
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
    (`Linker.under`); an amount's text is made once per process (`formatting.fmt_amount`);
    `rows` given as `CodeRows` join the rows of unchanged documents as they were kept."""
    if isinstance(rows, CodeRows):
        return Markup("\n".join(rows.html(columns, url)))
    keys = [key for key, _ in columns]
    budgets = url.under("budgets/") if isinstance(url, urls.Linker) else None
    return Markup("\n".join([_classification_row(doc, cells, s, keys, budgets, url)
                             for doc, cells, s in rows]))


def _classification_row(doc: DocData, cells: dict[str, Cell], s, keys: list[str],
                        budgets: str | None, url: Callable[[str], str]) -> str:
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
    return "".join(parts)


@dataclass
class KeptRows:
    """What `CodeRowStore` kept of a page's rows: per row its doc_id, its document's key
    and its content key (`row_key`; the keys `KEY_CHARS` long, each kind in one string),
    the page's place (`row_place`) and a way to read the rows' HTML."""

    ids: list[str]
    doc_keys: str
    row_keys: str
    place: list
    body: Callable[[], list[str] | None]


class CodeRows:
    """A classification page's rows — per department-year printing its code: the document,
    its amounts on the code (`facts.Codes`) and its list line (`indexes.DocSummary`) — with
    what was kept of them when the page was last rendered (`CodeRowStore`).

    A row shows only its document's facts, name, year and 编制数, all fixed by the
    document's input key (`doc:<doc_id>`), and links from the page's place: a row kept
    under the same key is joined as it was (for the same place and columns) and its
    content key (`row_key`) taken as it was; the others' are worked out. Iterated, the
    rows are (document, cells, line) as a template expects."""

    def __init__(self, rows: list[tuple[DocData, list[list], object]] | Callable[[], list],
                 doc_keys: list[str] | str, kept: KeptRows | None = None,
                 ids: list[str] | None = None):
        """`rows`, or a function that makes them when they are first needed (then `ids`
        are their doc_ids); `doc_keys`: their documents' keys, or those keys cut to
        `KEY_CHARS` and joined."""
        self._rows, self.kept = rows, kept
        self.ids = ids if ids is not None else [doc.doc_id for doc, _, _ in rows]
        self.doc_keys = doc_keys if isinstance(doc_keys, str) else "".join(k[:KEY_CHARS] for k in doc_keys)
        self.same = kept is not None and kept.ids == self.ids and kept.doc_keys == self.doc_keys
        self._at: list[int | None] | None = None
        self._keys: str | None = None
        self.made: list[str] = []  # each row's HTML, once `html` has run

    @property
    def rows(self) -> list[tuple[DocData, list[list], object]]:
        """The rows (made when first asked: a page whose rows are the kept ones, and which
        is linked from the last build, never needs them)."""
        if callable(self._rows):
            self._rows = self._rows()
        return self._rows

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return ((doc, cells(printed), s) for doc, printed, s in self.rows)

    def at(self) -> list[int | None]:
        """Per row, its place among the kept rows if kept under its document's present key."""
        if self._at is None:
            kept, n = self.kept, KEY_CHARS
            if kept is None:
                self._at = [None] * len(self.ids)
            elif kept.ids == self.ids:
                self._at = [i if kept.doc_keys[i * n:i * n + n] == self.doc_keys[i * n:i * n + n]
                            else None for i in range(len(self.ids))]
            else:
                where = {doc_id: i for i, doc_id in enumerate(kept.ids)}
                self._at = [k if (k := where.get(doc_id)) is not None and
                            kept.doc_keys[k * n:k * n + n] == self.doc_keys[i * n:i * n + n]
                            else None for i, doc_id in enumerate(self.ids)]
        return self._at

    def keys(self) -> str:
        """The rows' content keys (`row_key`), one after the other."""
        if self._keys is None:
            if self.same:
                self._keys = self.kept.row_keys
            else:
                n, kept = KEY_CHARS, self.kept.row_keys if self.kept else ""
                self._keys = "".join(row_key(*row) if k is None else kept[k * n:k * n + n]
                                     for row, k in zip(self.rows, self.at()))
        return self._keys

    def html(self, columns: list[tuple[str, str]], url: Callable[[str], str]) -> list[str]:
        """Each row's HTML, the kept ones joined."""
        place = row_place(columns, url)
        texts = (self.kept.body() if self.kept is not None and place == self.kept.place
                 and place[0] is not None else None)
        if texts is not None and self.same:
            self.made = texts
        else:
            keys = [key for key, _ in columns]
            budgets = url.under("budgets/") if isinstance(url, urls.Linker) else None
            self.made = [_classification_row(doc, cells(printed), s, keys, budgets, url)
                         if texts is None or k is None else texts[k]
                         for (doc, printed, s), k in zip(self.rows, self.at())]
        self.place = place
        return self.made


KEY_CHARS = 16  # of a document's key and of a row's, as kept


def row_key(doc: DocData, printed: list[list], s) -> str:
    """The content key of what a classification page's row shows (`CodeRows`)."""
    shown = [doc.doc_id, doc.info["department"], doc.info["year"], s.authorized, sorted(printed)]
    return digest(json.dumps(shown, ensure_ascii=False, default=str))[:KEY_CHARS]


def row_place(columns: list[tuple[str, str]], url: Callable[[str], str]) -> list:
    """What a row's HTML depends on besides its document: the page's folder and links, the
    columns."""
    linker = [url.dir, url.base_url, url.absolute] if isinstance(url, urls.Linker) else None
    return [linker, [key for key, _ in columns]]


class CodeRowStore:
    """The rows of each classification page as last rendered, kept between builds in
    `<folder>/<kind>-<code>.entry` (`cachefile`): a head (the build's settings, the page's
    place, per row its doc_id, its document's key and its content key) and the rows' HTML,
    a line each. A build without a last one (`reuse` False) reads none but keeps its own."""

    def __init__(self, folder: Path, settings: str, reuse: bool):
        self.folder, self.settings, self.reuse = folder, settings, reuse

    def _path(self, kind: str, code: str) -> Path:
        return self.folder / f"{kind}-{code}.entry"

    def rows(self, kind: str, code: str, rows: list[tuple[DocData, list[list], object]] | Callable,
             doc_keys: list[str] | str, doc_ids: list[str] | None = None) -> CodeRows:
        """The page's rows with what was kept of them (`doc_keys`: each row's document
        key; `rows` and `doc_ids` as `CodeRows` takes them); the rows' HTML is read only
        if the page is rendered."""
        path = self._path(kind, code)
        parts = read_entry(path, 0, 1) if self.reuse else None
        try:
            head = json.loads(parts[0]) if parts else {}
            if head.get("settings") != self.settings:
                return CodeRows(rows, doc_keys, ids=doc_ids)
            ids = head["docs"].split("\n")
            if not len(head["doc_keys"]) == len(head["row_keys"]) == len(ids) * KEY_CHARS:
                raise ValueError("keys")
        except (ValueError, TypeError, KeyError, AttributeError):
            return CodeRows(rows, doc_keys, ids=doc_ids)

        def body() -> list[str] | None:
            got = read_entry(path, 1, 2)
            texts = got[0].decode("utf-8").split("\n") if got else None
            return texts if texts is not None and len(texts) == len(ids) else None

        return CodeRows(rows, doc_keys, KeptRows(ids, head["doc_keys"], head["row_keys"],
                                                 head["place"], body), doc_ids)

    def save(self, kind: str, code: str, rows: CodeRows) -> None:
        """Keep the rows `rows.html` made (not when a doc_id or row holds a line break)."""
        if any("\n" in text for text in rows.ids + rows.made):
            self._path(kind, code).unlink(missing_ok=True)
            return
        head = {"settings": self.settings, "place": rows.place, "docs": "\n".join(rows.ids),
                "doc_keys": rows.doc_keys, "row_keys": rows.keys()}
        write_entry(self._path(kind, code), [json.dumps(head, ensure_ascii=False).encode("utf-8"),
                                             "\n".join(rows.made).encode("utf-8")])

    def prune(self, pages: set[tuple[str, str]]) -> None:
        """Drop the entries of codes without a page."""
        names = {self._path(kind, code).name for kind, code in pages}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in names:
                    path.unlink(missing_ok=True)
