"""Department-year pages and their source views: the heart of the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from markupsafe import Markup

from ..model import SECTION_PARTS, TABLE_KEYS
from . import charts as ch
from . import figures as fg
from . import quality as ql
from . import urls
from .data import DocData, SiteData, TableData
from .load import Details
from .outputs import TrackedWriter
from .sourceview import publish_originals, source_view
from .tablefiles import write_document_tables

TABLE_ORDER = {key: i for i, key in enumerate(TABLE_KEYS)}


@dataclass
class ClassIndex:
    """Which classification codes have a page (function: 表三; economic: 表六) and their names."""

    names: dict[str, dict[str, str]] = field(default_factory=lambda: {"function": {}, "economic": {}})

    def kind_for(self, table_key: str) -> str | None:
        if table_key in {"summary", "income", "expense", "fiscal", "general_public", "projects",
                         "gov_fund", "state_capital", "carryover"}:
            return "function"
        if table_key == "basic":
            return "economic"
        return None

    def supplied_names(self, doc: DocData) -> dict[str, dict[str, str]]:
        """Per table: names for the codes it prints without one, from the same document's
        other tables of the same classification (表三 prints codes only; 表五 names them)."""
        known: dict[str, dict[str, str]] = {"function": {}, "economic": {}}
        bare: list[tuple[str, str, set[str]]] = []  # (kind, table key, codes printed unnamed)
        for t in doc.tables.values():
            kind = self.kind_for(t.key)
            if not kind:
                continue
            names, missing = known[kind], set()
            for r in t.rows:
                if not (code := r["code"]):
                    continue
                if r["name"]:
                    names.setdefault(code, r["name"])
                else:
                    missing.add(code)
            if missing:
                bare.append((kind, t.key, missing))
        out = {}
        for kind, key, missing in bare:
            names = known[kind]
            found = {code: names[code] for code in missing if code in names}
            if found:
                out[key] = found
        return out

    def link(self, table_key: str, code: str | None) -> str | None:
        kind = self.kind_for(table_key)
        if kind and code and code in self.names[kind]:
            return urls.classification(kind, code)
        return None


def ordered_tables(doc: DocData) -> list[TableData]:
    return sorted(doc.tables.values(), key=lambda t: (TABLE_ORDER.get(t.key, 99), t.line or 0))


def document_charts(doc: DocData, f: dict[str, fg.Figure] | None = None) -> list[ch.Chart]:
    """功能分类, 基本 vs 项目, 基本支出经济分类, 项目, 三公 — each only when it has data.
    `f`: the document's key figures by key (`figures.figure_map`), if made already."""
    f = fg.figure_map(doc) if f is None else f
    made = [
        ch.bar_chart("function", "支出按功能分类（类）",
                     [(f"{code} {name}", v) for code, name, v in fg.function_classes(doc)]),
        ch.bar_chart("split", "基本支出与项目支出",
                     [(f[k].label, f[k].amount) for k in ("basic", "project") if k in f]),
        ch.bar_chart("economic", "基本支出按经济分类（类）",
                     [(f"{code} {name}", v) for code, name, v in fg.economic_classes(doc)]),
        ch.bar_chart("projects", "项目支出（按金额）", fg.project_amounts(doc)),
        ch.bar_chart("three_public", "“三公”经费构成",
                     [(f[k].label, f[k].amount) for k in fg.THREE_PUBLIC_PARTS if k in f]),
    ]
    return [c for c in made if c is not None]


def sections_by_part(doc: DocData) -> list[tuple[str, list[dict]]]:
    out = []
    for part, title in SECTION_PARTS:
        items = [s for s in doc.sections if (s["part"] or "other") == part]
        if items:
            out.append((title, items))
    known = {p for p, _ in SECTION_PARTS}
    rest = [s for s in doc.sections if s["part"] and s["part"] not in known]
    if rest:
        out.append(("其他", rest))
    return out


# The opening of line n's span (the same in every source view), made once per line number.
_LINE_OPENINGS: list[str] = [""]


def _line_openings(n: int) -> list[str]:
    for i in range(len(_LINE_OPENINGS), n + 1):
        _LINE_OPENINGS.append(f'<span class="ln" id="L{i}"><a href="#L{i}" aria-label="第 {i} 行">{i}</a>')
    return _LINE_OPENINGS


def source_lines_html(text: str, page_marks: dict[int, tuple[int, str]] | None = None) -> Markup:
    """One `<span id="L<n>">` per line, built with join (a template loop is too slow here).

    The text is escaped once as a whole (escaping never adds or removes a newline), and
    each line is placed between its (cached) opening and the closing `\\n</span>`.
    `page_marks`: the first line of each PDF page → (page, link to the original there).
    """
    lines = escape(text).split("\n")
    n = len(lines)
    parts: list[str] = [""] * (3 * n)
    parts[0::3] = _line_openings(n)[1:n + 1]
    parts[1::3] = lines
    parts[2::3] = ["\n</span>"] * n
    for line, (page, href) in (page_marks or {}).items():
        if 1 <= line <= n:
            parts[3 * line - 2] = (f'<a class="page" href="{escape(href)}" title="原始文件第 {page} 页">'
                                   f"第 {page} 页</a>" + parts[3 * line - 2])
    return Markup("".join(parts))


def write_original(out_dir: Path, doc: DocData, text: str, encoding: str) -> None:
    """`budgets/<doc_id>/source.txt`: the original file (phone numbers masked when configured)."""
    target = out_dir / urls.original(doc.doc_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    codec = "utf-8-sig" if encoding == "utf-8-sig" else encoding
    try:
        target.write_bytes(text.encode(codec))
    except (LookupError, UnicodeEncodeError):
        target.write_bytes(text.encode("utf-8"))


def render_documents(site: SiteData, writer: TrackedWriter, site_dir: Path, mask: bool,
                     classes: ClassIndex, jobs: int = 1,
                     details: Details | None = None) -> list[ch.Chart]:
    """Every department-year page, its source view and its table downloads (in `jobs`
    worker processes); returns the charts the pages show.

    A page shows its document, the ids and years of the department's previous and next
    years, and links to the classification pages: those are its inputs.
    """
    by_dept = site.by("dept_slug")
    for docs in by_dept.values():  # a department's files may print different names
        docs.sort(key=lambda d: (d.info["year"] or 0, d.kind_label, d.doc_id))

    def neighbours(doc: DocData) -> tuple[DocData | None, DocData | None, list[DocData]]:
        # Previous and next: the department's files of the same kind (部门预算 to 部门预算);
        # its other files of that year (a 决算, a 单位预算) are listed beside, never in line.
        years = [d for d in by_dept[doc.dept_slug] if d.kind_label == doc.kind_label]
        i = years.index(doc)
        previous = years[i - 1] if i > 0 else None
        following = years[i + 1] if i + 1 < len(years) else None
        beside = [d for d in by_dept[doc.dept_slug]
                  if d is not doc and d.info["year"] == doc.info["year"]]
        return previous, following, beside

    def render_one(doc: DocData) -> list[ch.Chart]:
        previous, following, beside = neighbours(doc)
        return render_document(doc, previous, following, writer, site_dir, mask, classes, beside)

    def page_reusable(doc: DocData) -> bool:
        return writer.reusable(f"document:{doc.doc_id}", page_inputs(doc, *neighbours(doc)),
                               page_templates(doc))

    def rendered(doc: DocData) -> bool:
        return not (page_reusable(doc) and writer.reusable(f"source:{doc.doc_id}", [
            f"doc:{doc.doc_id}", "nav"], ["source.html"]) and writer.reusable(
            f"tables:{doc.doc_id}", [f"doc:{doc.doc_id}"]))

    def loaded(docs: list[DocData]):
        # Only a document's own page shows its details: those of pages linked from the
        # last build are not read.
        return details.loaded([d for d in docs if not page_reusable(d)])

    batches = loaded if details is not None else None
    return [c for charts in writer.each(site.docs, render_one, jobs, batches, rendered)
            for c in charts]


def page_inputs(doc: DocData, previous: DocData | None, following: DocData | None,
                beside: list[DocData]) -> list[str]:
    """What a department-year page depends on besides its templates: its document, the
    department's files it links to, which codes have a classification page (its tables
    link them; their names, which one edit elsewhere can change, it does not show) and
    the navigation."""
    return [f"doc:{d.doc_id}" for d in (doc, previous, following, *beside)
            if d is not None] + ["class-codes", "nav"]


def page_templates(doc: DocData) -> list[str]:
    return [f"document-{doc.doc_id}.html", "document.html"]


def render_document(doc: DocData, previous: DocData | None, following: DocData | None,
                    writer: TrackedWriter, site_dir: Path, mask: bool,
                    classes: ClassIndex, beside: list[DocData] | None = None) -> list[ch.Chart]:
    """One department-year: its page, source view and table downloads (each a unit).
    `beside`: the department's other files of the same year (its 决算, its 单位预算)."""
    charts: list[ch.Chart] = []
    beside = beside or []
    templates = page_templates(doc)
    if writer.stale(f"document:{doc.doc_id}", page_inputs(doc, previous, following, beside),
                    templates):
        figures = fg.key_figures(doc)
        fmap = {f.key: f for f in figures}
        charts = document_charts(doc, fmap)
        for c in charts:
            c.digest = ch.spec_digest(c.spec, c.renderer)
        quality = ql.document_quality(doc, fmap["project"].amount if "project" in fmap else None)
        context = dict(
            doc=doc, info=doc.info, figures=figures, fmap=fmap, quality=quality,
            supplied=classes.supplied_names(doc), ql=ql,
            charts=charts, tables=ordered_tables(doc), sections=sections_by_part(doc),
            classes=classes, has_source=(site_dir / doc.info["path"]).is_file(),
            previous=previous, next=following, beside=beside,
        )
        writer.write(templates, urls.budget(doc.doc_id), **context)
        writer.attach_charts(charts)
    if writer.stale(f"source:{doc.doc_id}", [f"doc:{doc.doc_id}", "nav"], ["source.html"]):
        view = source_view(site_dir, doc, mask)
        if view is not None:
            write_original(writer.out_dir, doc, view.text, doc.info["encoding"])
            writer.attach([urls.original(doc.doc_id), *publish_originals(writer.out_dir, view)])
        writer.write("source.html", urls.source(doc.doc_id), doc=doc, info=doc.info,
                     has_source=view is not None, originals=view.originals if view else [],
                     lines=source_lines_html(view.text, view.page_marks) if view else None)
    if writer.stale(f"tables:{doc.doc_id}", [f"doc:{doc.doc_id}"]):
        writer.attach(write_document_tables(doc, str(writer.out_dir)))
    return charts
