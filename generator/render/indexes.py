"""Pages that gather department-years: home, department, region, year and classification."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..incremental import digest
from . import charts as ch
from . import figures as fg
from . import urls
from .data import DocData, SiteData
from .facts import DocFacts, figure_rows
from .history import amounts, department_history, kind_of
from .listrows import KEY_CHARS, CodeRows, CodeRowStore
from .outputs import TrackedWriter
from .pages import ClassIndex

# Per kind of classification (its table: `facts.CLASS_TABLES`): the columns and title of its pages.
CLASS_COLUMNS = {
    "function": ([("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")],
                 "支出功能分类科目"),
    "economic": ([("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")],
                 "部门预算支出经济分类科目"),
}


@dataclass
class DocSummary:
    """One line of a list of department-years (home, region, year, department pages)."""

    doc: DocData
    total: fg.Figure | None
    basic: fg.Figure | None
    project: fg.Figure | None
    three: fg.Figure | None
    authorized: int | None
    failed: int
    figures: dict[str, fg.Figure]  # `figures.figure_map` of the document

    @property
    def year(self) -> int | None:
        return self.doc.info["year"]


def summarize(doc: DocData, f: dict[str, fg.Figure]) -> DocSummary:
    """The line of `doc` whose key figures (`figures.figure_map`) are `f`."""
    total = f.get("expense_total") or f.get("income_total") or f.get("total_budget")
    staff = doc.staffing or {}
    return DocSummary(doc, total, f.get("basic"), f.get("project"), f.get("three_public"),
                      staff.get("authorized"), doc.failed_count, f)


def is_department_budget(s: DocSummary) -> bool:
    """A 部门预算: what totals over departments add up (a 单位预算 is part of its department's
    budget and a 决算 is another kind of figure: adding either would count money twice or
    mix plans with outcomes)."""
    return kind_of(s) == ("budget", "department")


def _added(items: list[DocSummary]) -> list[DocSummary]:
    """What a total over `items` adds: each department's 部门预算 with a total, once a year
    (of two files of one budget, a tables file and a text file, the one with more figures,
    as its trend takes)."""
    best: dict[tuple[str, int | None], DocSummary] = {}
    for s in items:
        if not (is_department_budget(s) and s.total and s.total.amount is not None):
            continue
        key = (s.doc.dept_slug, s.year)
        if key not in best or len(amounts(s)) > len(amounts(best[key])):
            best[key] = s
    return list(best.values())


def _sum(items: list[DocSummary]) -> Decimal:
    return sum((s.total.amount for s in _added(items)), Decimal(0))


def _counted(items: list[DocSummary]) -> int:
    """How many department-years a total over `items` covers (see `_added`)."""
    return len(_added(items))


def _with_digest(chart: ch.Chart | None, sink: list[ch.Chart]) -> ch.Chart | None:
    if chart is not None:
        chart.digest = ch.spec_digest(chart.spec, chart.renderer)
        sink.append(chart)
    return chart


def totals_by_region(name: str, title: str, items: list[DocSummary]) -> ch.Chart | None:
    """One year's department budgets summed by region, each bar and the title saying how
    many departments they add up: a region's bar is those departments, not the region."""
    groups: dict[str, list[DocSummary]] = defaultdict(list)
    for s in items:
        groups[s.doc.info["region"] or "（未注明地区）"].append(s)
    rows = sorted(((f"{region}（{_counted(group)} 个部门）", _sum(group))
                   for region, group in groups.items() if _counted(group)), key=lambda x: -x[1])
    return ch.bar_chart(name, f"{title}（{_counted(items)} 个部门的部门预算合计）", rows)


def render_indexes(site: SiteData, facts: dict[str, DocFacts], writer: TrackedWriter,
                   classes: ClassIndex, class_entries: dict, code_rows: CodeRowStore,
                   jobs: int = 1, load_changes: Callable[[list[DocData]], None] | None = None
                   ) -> list[ch.Chart]:
    """Home, department, region, year and classification pages; returns their charts.
    `facts`: what they show of each document (doc_id → `facts.DocFacts`);
    `load_changes(docs)`: fills in the stated changes of documents loaded without
    (a department page shows them), if any; `code_rows`: the classification pages' rows
    kept between builds.

    A list of department-years (home, budgets/, departments/, regions/, years/, a region's
    or a year's page) depends on what it shows of them (`summary_key`), so an edit of a
    document's text leaves it as it was; a department's page, which quotes its 说明's
    stated changes, on its documents; classifications/ on the codes, their names and
    counts.
    Totals over departments add up one year's 部门预算 and say how many; no chart compares
    totals of different sets of departments over time: only a department's own page has a
    trend.
    """
    charts: list[ch.Chart] = []
    summaries = [summarize(d, facts[d.doc_id].figures) for d in site.docs]
    by_doc = {s.doc.doc_id: s for s in summaries}
    years = sorted({s.year for s in summaries if s.year is not None})
    latest = years[-1] if years else None

    shown = {s.doc.doc_id: summary_key(s) for s in summaries}
    writer.inputs[LISTING] = digest(*shown.values())

    def stale(unit: str, items: list[DocSummary] | None, template: str) -> bool:
        """Whether the list `unit` of `items` (None: of every document) must be rendered."""
        if items is not None:
            writer.inputs[unit] = digest(*(shown[s.doc.doc_id] for s in items))
        return writer.stale(unit, [LISTING if items is None else unit, "nav"], [template])

    def chart(made: ch.Chart | None) -> ch.Chart | None:
        made = _with_digest(made, charts)
        writer.attach_charts([made])
        return made

    by_region: dict[str, list[DocSummary]] = defaultdict(list)
    for s in summaries:
        by_region[s.doc.info["region"] or "（未注明地区）"].append(s)
    if stale("home", None, "home.html"):
        latest_items = [s for s in summaries if s.year == latest]
        overview = chart(totals_by_region("overview", f"{latest or ''}年各地区部门预算支出",
                                          latest_items))
        writer.write("home.html", urls.home(), summaries=summaries, overview=overview,
                     grand_total=_sum(latest_items), grand_count=_counted(latest_items),
                     latest=latest, years=years, region_count=len(by_region))

    if stale("budgets", None, "budgets.html"):  # /budgets/ itself, above every document page
        writer.write("budgets.html", "budgets/", summaries=summaries)

    by_dept: dict[str, list[DocSummary]] = defaultdict(list)
    for s in summaries:
        by_dept[s.doc.dept_slug].append(s)
    for slug, items in by_dept.items():
        items.sort(key=lambda s: (s.year or 0, kind_of(s), s.doc.doc_id))
        if writer.stale(f"department:{slug}", [f"doc:{s.doc.doc_id}" for s in items] + ["nav"],
                        ["department.html"]):
            if load_changes is not None:
                load_changes([s.doc for s in items])
            history = department_history(slug, items)
            chart(history.trend)
            writer.write("department.html", urls.department(slug), items=items,
                         name=items[0].doc.dept_name or items[0].doc.info["department"] or slug,
                         printed_names=sorted({s.doc.info["department"] for s in items
                                       if s.doc.info["department"]}),
                         history=history, trend=history.trend, twins=_twins(items))
    if stale("departments", None, "departments.html"):
        writer.write("departments.html", "departments/", groups=sorted(
            by_dept.items(), key=lambda kv: kv[1][0].doc.dept_name or ""))

    region_slugs = {s.doc.info["region"]: s.doc.region_slug for s in summaries if s.doc.region_slug}
    for region, items in by_region.items():
        slug = region_slugs.get(region)
        if not slug or not stale(f"region:{slug}", items, "region.html"):
            continue
        year = max(i.year or 0 for i in items)
        top = sorted((s for s in items if s.year == year and is_department_budget(s) and s.total),
                     key=lambda s: -(s.total.amount or 0))
        bars = ch.bar_chart(f"region-{slug}", f"{year}年各部门支出总预算（{len(top)} 个部门）",
                            [(s.doc.dept_name or s.doc.info["department"] or s.doc.doc_id,
                              s.total.amount) for s in top])
        writer.write("region.html", urls.region(slug), name=region, items=items, chart=chart(bars))
    if stale("regions", None, "regions.html"):
        writer.write("regions.html", "regions/", regions=sorted(
            ((r, region_slugs.get(r), items, _year_counts(items)) for r, items in by_region.items()),
            key=lambda x: x[0]))

    by_year: dict[int | None, list[DocSummary]] = defaultdict(list)
    for s in summaries:
        by_year[s.year].append(s)
    for y, items in by_year.items():
        if not stale(f"year:{y}", items, "year.html"):
            continue
        bars = totals_by_region(f"year-{y}", f"{y}年各地区支出总预算", items)
        writer.write("year.html", urls.year(y), year=y, items=items, total=_sum(items),
                     counted=_counted(items), chart=chart(bars))
    if stale("years", None, "years.html"):
        writer.write("years.html", "years/", years=sorted(
            ((y, items, _sum(items), _counted(items)) for y, items in by_year.items()),
            key=lambda x: (x[0] is None, x[0] or 0)))

    render_classifications(writer, classes, class_entries, by_doc, code_rows, jobs)
    return charts


# The input of the lists of every department-year: what they show of each (`summary_key`).
LISTING = "listing"


def summary_key(s: DocSummary) -> str:
    """The content key of what a list shows of a department-year (its line, its part of
    totals and charts): its document's record but the hash of its bytes, its slugs and
    department name, its key figures, 编制数 and failed checks."""
    info = {k: v for k, v in s.doc.info.items() if k != "sha256"}
    figures = figure_rows(s.figures)
    return digest(json.dumps([info, s.doc.dept_slug, s.doc.dept_name, s.doc.region_slug, figures,
                              s.authorized, s.failed], ensure_ascii=False, default=str))


def _twins(items: list[DocSummary]) -> set[str]:
    """doc_ids of files that share their year and kind with another file of the department
    (a tables file and a text file of one budget): their list names the file too."""
    counts = Counter((s.year, s.doc.kind_label) for s in items)
    return {s.doc.doc_id for s in items if counts[(s.year, s.doc.kind_label)] > 1}


def _year_counts(items: list[DocSummary]) -> str:
    """'2021 年 3 份、2024 年 1 份': what a region's documents cover (not summed over years)."""
    counts = Counter(s.year for s in items)
    return "、".join(f"{y or '未注明'}年 {n} 份" for y, n in sorted(counts.items(), key=lambda x: x[0] or 0))


def classification_index(site: SiteData, facts: dict[str, DocFacts]) -> tuple[ClassIndex, dict]:
    """Per kind and code: the department-years that print it, with their amounts (`facts`:
    doc_id → `facts.DocFacts`)."""
    index = ClassIndex()
    entries: dict[str, dict[str, list[tuple[DocData, list[list]]]]] = {
        "function": defaultdict(list), "economic": defaultdict(list)}
    names: dict[str, dict[str, Counter]] = {"function": defaultdict(Counter),
                                            "economic": defaultdict(Counter)}
    for doc in site.docs:
        for kind in CLASS_COLUMNS:
            for code, (name, printed) in facts[doc.doc_id].codes[kind].items():
                entries[kind][code].append((doc, printed))
                if name:
                    names[kind][code][name] += 1
    for kind, codes in entries.items():
        for code in codes:
            common = names[kind][code].most_common(1)
            index.names[kind][code] = common[0][0] if common else ""
    return index, entries


def classification_key(name: str, parents: list, children: list, rows: CodeRows) -> str:
    """The content key of a code page: everything it shows but its templates and the
    navigation (its rows: `listrows.row_key`)."""
    return digest(json.dumps([name, parents, children], ensure_ascii=False), rows.keys())


def render_classifications(writer: TrackedWriter, index: ClassIndex, entries: dict,
                           by_doc: dict, kept: CodeRowStore, jobs: int = 1) -> None:
    """A page per code, and the listing of all codes. The code pages are many (a province
    prints thousands of 项): they are rendered in `jobs` workers, the rows of documents
    whose key did not change since the page was last rendered joined as they were
    (`kept`, `listrows.CodeRows`).

    A code page depends on what it shows (`classification_key`): its name, its parents'
    and children's, and per department-year that prints it the name, year, amounts and
    编制数 — not on the whole documents, so an edit of a document's text, or of a figure
    on another code, leaves the page as it was."""
    children: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, names in index.names.items():
        for code in names:
            if len(code) > 3 and code[:-2] in names:
                children[(kind, code[:-2])].append(code)
    pages: dict[str, tuple[str, list, list, CodeRows]] = {}
    short_keys = {doc_id: writer.inputs[f"doc:{doc_id}"][:KEY_CHARS] for doc_id in by_doc}

    def page(item: tuple[str, str, list]) -> tuple[str, list, list, CodeRows]:
        """The page's unit (its input keyed: `classification_key`), parents, children and rows."""
        kind, code, rows = item
        unit = f"classification:{kind}:{code}"
        if unit not in pages:
            parents = [(p, index.names[kind].get(p, "")) for p in (code[:3], code[:5])
                       if len(p) < len(code) and p in index.names[kind]]
            below = sorted((c, index.names[kind][c]) for c in children[(kind, code)])
            # A code of a province's is printed by thousands of department-years: its
            # rows are made only if the page is rendered (`CodeRows`), its key from the
            # doc_ids and their keys (as kept).
            ids = [doc.info["doc_id"] for doc, _ in rows]
            shown = kept.rows(kind, code, lambda: [(doc, printed, by_doc[doc_id])
                                                   for (doc, printed), doc_id in zip(rows, ids)],
                              "".join(map(short_keys.__getitem__, ids)), ids)
            pages[unit] = (unit, parents, below, shown)
            if unit not in writer.inputs:
                writer.inputs[unit] = classification_key(index.names[kind][code], parents, below,
                                                         shown)
        return pages[unit]

    def render_one(item: tuple[str, str, list]) -> None:
        kind, code, _ = item
        unit, parents, below, shown = page(item)
        if not writer.stale(unit, [unit, "nav"], ["classification.html"]):
            return
        columns, kind_title = CLASS_COLUMNS[kind]
        writer.write("classification.html", urls.classification(kind, code), kind=kind,
                     kind_title=kind_title, code=code, name=index.names[kind][code],
                     columns=columns, rows=shown, parents=parents, children=below)
        if shown.made:
            kept.save(kind, code, shown)
            shown.made = []  # (the page's HTML is written: its rows need not stay in memory)

    def rendered(item: tuple[str, str, list]) -> bool:
        unit = page(item)[0]
        return not writer.reusable(unit, [unit, "nav"], ["classification.html"])

    # After an edit, the keys are worked out here and workers fork only for pages to render;
    # a build without a last one renders them all, keys too, in the workers.
    writer.each([(kind, code, rows) for kind, codes in entries.items()
                 for code, rows in codes.items()], render_one, jobs,
                rendered=rendered if writer.previous is not None else None)
    kept.prune({(kind, code) for kind, codes in entries.items() for code in codes})
    counts = {k: {c: len(v) for c, v in entries[k].items()} for k in entries}
    writer.inputs["class-counts"] = digest(json.dumps(counts, sort_keys=True))
    if writer.stale("classifications", ["classes", "class-counts", "nav"], ["classifications.html"]):
        listing = {kind: sorted(index.names[kind].items()) for kind in entries}
        writer.write("classifications.html", "classifications/", listing=listing,
                     titles={k: v[1] for k, v in CLASS_COLUMNS.items()}, counts=counts)
