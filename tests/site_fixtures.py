"""A realistic fixture site for the render tests, built from the golden answer keys.

Each of the five samples becomes a `Document` with its tables (表一, 表三, 表五, 表六, 表七,
三公), staffing, projects with 绩效 indicators (one with a personal mobile number),
sections, stated figures and changes, glossary, issues and check results; one
department gets a second year so trend charts and prev/next links appear. The source
texts are copied into the fixture site, so source views and downloads are real.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator import db
from generator.build import assign_ids
from generator.checks.base import CheckResult
from generator.config import load_config
from generator.model import (
    TABLE_KEYS,
    Column,
    Document,
    Indicator,
    Issue,
    PerformanceTarget,
    Row,
    Section,
    Staffing,
    StatedChange,
    StatedFigure,
    Table,
)

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
SAMPLES = sorted(p.stem for p in GOLDEN.glob("*.json"))
CLASS_NAMES = {"201": "一般公共服务支出", "208": "社会保障和就业支出", "210": "卫生健康支出",
               "221": "住房保障支出", "20103": "政府办公厅（室）及相关机构事务",
               "2010301": "行政运行", "2210201": "住房公积金", "301": "工资福利支出",
               "302": "商品和服务支出", "303": "对个人和家庭的补助", "30101": "基本工资"}
PHONE = "13912345678"


def dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _kind(code: str | None) -> str:
    return {None: "unit", 3: "class", 5: "section", 7: "item"}.get(len(code) if code else None, "item")


def _coded_table(key: str, data: dict, columns: list[str], start: int) -> Table:
    labels = {"total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费",
              "public": "公用经费"}
    table = Table(key, TABLE_KEYS[key].split(" ", 1)[-1], start,
                  [Column(c, labels[c]) for c in columns])
    for i, r in enumerate(data["rows"]):
        code = r.get("code")
        table.rows.append(Row(line=start + 2 + i, code=code, code_raw=code, unit=r.get("unit"),
                              name=CLASS_NAMES.get(code or "", f"科目{code}") if code else r.get("unit"),
                              values={c: dec(r.get(c)) for c in columns if r.get(c) is not None},
                              kind=_kind(code)))
    table.totals["total"] = Row(line=start + 1, name="合计", kind="line",
                                values={c: dec(v) for c, v in data["total"].items() if v is not None})
    return table


def golden_document(sample: str, year_shift: int = 0, scale: str = "1") -> Document:
    """One sample's answer key as a `Document` (amounts scaled for a synthetic other year)."""
    g = json.loads((GOLDEN / f"{sample}.json").read_text(encoding="utf-8"))
    k = Decimal(scale)

    def s(v):
        return None if v is None else (Decimal(v) * k).quantize(Decimal("0.01")) if scale != "1" else Decimal(v)

    def scaled(d: dict) -> dict:
        return {key: (format(s(v), "f") if isinstance(v, str) and key not in ("code", "unit", "project", "name")
                      else v) for key, v in d.items()}

    doc = Document(path=f"content/disclosures/{g['file']}", layout="fixture", sha256="0" * 64,
                   encoding="utf-8", department=g["department"], department_line=3,
                   region=g["region"], year=g["year"] + year_shift, unit=g["unit"],
                   staffing=Staffing(**g["staffing"], line=40), line_count=400,
                   divisions=g["divisions"]["names"], sub_units=g["sub_units"])
    summary = Table("summary", "部门收支总体情况表", 100, [Column("amount", "预算数")])
    for i, r in enumerate(g["summary"]["income"]):
        summary.rows.append(Row(line=102 + i, name=r["name"], side="income", kind="line",
                                values={"amount": s(r["amount"])}))
    for i, r in enumerate(g["summary"]["expense"]):
        summary.rows.append(Row(line=110 + i, code=r["code"], code_raw=r["code"], side="expense",
                                name=CLASS_NAMES.get(r["code"], "支出"), kind="class",
                                values={"amount": s(r["amount"])}))
    summary.totals["income"] = Row(line=130, name="收入总计", side="income", kind="line",
                                   values={"amount": s(g["summary"]["income_total"])})
    summary.totals["expense"] = Row(line=130, name="支出总计", side="expense", kind="line",
                                    values={"amount": s(g["summary"]["expense_total"])})
    doc.tables["summary"] = summary
    three_cols = ["total", "basic", "project"]
    exp = {"rows": [scaled(r) for r in g["expense"]["rows"]], "total": scaled(g["expense"]["total"])}
    doc.tables["expense"] = _coded_table("expense", exp, three_cols, 150)
    gp = {"rows": [scaled(r) for r in g["general_public"]["rows"]],
          "total": scaled(g["general_public"]["total"])}
    doc.tables["general_public"] = _coded_table("general_public", gp, three_cols, 200)
    basic = {"rows": [scaled(r) for r in g["basic"]["rows"]], "total": scaled(g["basic"]["total"])}
    doc.tables["basic"] = _coded_table("basic", basic, ["total", "personnel", "public"], 250)
    projects = Table("projects", "一般公共预算项目支出情况表", 300, [Column("total", "合计")])
    for i, r in enumerate(g["projects"]["rows"]):
        projects.rows.append(Row(line=302 + i, code=r["code"], code_raw=r["code"], unit=r["unit"],
                                 project=r["project"], name=CLASS_NAMES.get(r["code"], "项目"),
                                 kind="project", values={"total": s(r["total"])}))
    projects.totals["total"] = Row(line=301, name="合计", values={"total": s(g["projects"]["total"])})
    doc.tables["projects"] = projects
    tp = g["three_public"]
    three = Table("three_public", "一般公共预算“三公”经费支出情况表", 340,
                  [Column(c, lbl) for c, lbl in (("total", "合计"), ("overseas", "因公出国（境）费"),
                                                 ("vehicle_total", "公务用车购置及运行费"),
                                                 ("vehicle_purchase", "公务用车购置费"),
                                                 ("vehicle_operation", "公务用车运行维护费"),
                                                 ("reception", "公务接待费"))])
    three.totals["total"] = Row(line=342, values={c: s(v) for c, v in tp.items() if v is not None})
    doc.tables["three_public"] = three
    doc.tables["gov_fund"] = Table("gov_fund", "政府性基金预算支出情况表", 350, three.columns[:1],
                                   empty=True, note="备注：本部门无政府性基金预算拨款，本表为空表。")
    for i, p in enumerate(g["performance"]["projects"][:4]):
        doc.performance.append(PerformanceTarget(
            kind="project", name=p["name"], line=360 + 10 * i, amount=s(p["amount"]),
            fiscal_amount=s(p["amount"]), unit=g["department"], goal="保障机关正常运转。",
            indicators=[Indicator("产出指标", "数量指标", "保障人数", "≥100人", 362 + 10 * i),
                        Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥95%", 363 + 10 * i),
                        Indicator("其他", "联系人", "联系电话", f"联系电话：{PHONE}", 364 + 10 * i)]))
    doc.sections = [
        Section("overview", "一、主要职能", "（一）负责日常运行保障。\n（二）协助领导组织起草公文。", 5),
        Section("overview", "二、机构设置及人员情况", f"下设{len(doc.divisions)}个科室。", 20),
        Section("explanation", "一、收支预算总体情况", "收支总预算增加，主要原因是人员增加。"
                f"联系人电话 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}。", 60),
    ]
    total = s(g["summary"]["expense_total"])
    doc.figures = [StatedFigure("total_budget", total, 61, f"收支总预算{total}万元")]
    doc.changes = [StatedChange("收支总预算", 1, Decimal("12.50"), Decimal("0.25"), 62,
                                "比上年增加12.50万元，增长0.25%"),
                   StatedChange("“三公”经费", -1, Decimal("3.76"), None, 63, "比上年减少3.76万元")]
    doc.glossary = [("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的支出。", 390),
                    ("=危险", "以等号开头的名词（用于检查 CSV 公式注入防护）。", 391)]
    doc.issues = [Issue("column-inferred", "表六 列位置由恒等式推定", doc.path, 252, "warning", "basic")]
    return doc


def fixture_checks(doc: Document) -> list[CheckResult]:
    return [
        CheckResult("summary-balance", "表一 收入总计 = 支出总计", "pass", "收入总计 = 支出总计",
                    doc.path, 130, Decimal(1), Decimal(1)),
        CheckResult("expense-split", "表三 合计 = 基本 + 项目", "fail",
                    f"{doc.path}:151: 表三 合计 1345.48 ≠ 基本 0 + 项目 1345.40", doc.path, 151,
                    Decimal("1345.48"), Decimal("1345.40")),
        CheckResult("basic-split", "表六 合计 = 人员 + 公用", "rounding", "差 0.01（舍入）",
                    doc.path, 251, Decimal("10.01"), Decimal("10.00")),
    ]


def fixture_documents() -> list[Document]:
    docs = [golden_document(s) for s in SAMPLES]
    docs.append(golden_document(SAMPLES[1], year_shift=1, scale="1.05"))
    return docs


def make_site(root: Path, base_url: str = "/", mask: bool = True, charts: bool = True) -> Path:
    """A site dir with site.toml, content/ (sources and pages) — the fixture site."""
    site = root / "site"
    (site / "content" / "disclosures").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "pages", site / "content" / "pages")
    for sample in SAMPLES:
        shutil.copy(REPO / "content" / "disclosures" / f"{sample}.txt",
                    site / "content" / "disclosures" / f"{sample}.txt")
    (site / "site.toml").write_text(
        f'[site]\ntitle = "测试站"\nbase_url = "{base_url}"\n[build]\nsearch = false\n'
        f"charts = {'true' if charts else 'false'}\n"
        f"[privacy]\nmask_phone_numbers = {'true' if mask else 'false'}\n", encoding="utf-8")
    return site


def load_fixture_db(con, documents: list[Document] | None = None) -> dict[str, Document]:
    ids = assign_ids(documents or fixture_documents())
    for doc_id, doc in ids.items():
        db.load_document(con, doc_id, doc, [c.as_row(doc_id) for c in fixture_checks(doc)])
    return ids


def build_fixture_site(root: Path, **options) -> tuple[Path, int]:
    """Render the fixture site into `root/out`; returns (out_dir, page count)."""
    from generator.render import render_site

    site = make_site(root, **options)
    out = root / "out"
    (out / "data").mkdir(parents=True)
    con = db.connect(out / "data" / "budget.duckdb")
    load_fixture_db(con)
    pages = render_site(con, load_config(site), out)
    con.close()
    return out, pages


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])


def parse(path: Path) -> LinkParser:
    p = LinkParser()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def resolve(out: Path, page: Path, link: str) -> tuple[Path, str]:
    parts = urlsplit(link)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def broken_links(out: Path) -> list[tuple]:
    """Every href/src in every page of `out` that does not resolve (file, then #anchor),
    and every link to another host. 404.html links absolutely (base_url "/")."""
    ids = {p: parse(p) for p in out.rglob("*.html")}
    broken = []
    for page, parsed in list(ids.items()):
        if parsed.lang != "zh-CN":
            broken.append((page.relative_to(out), "<html lang>", parsed.lang))
        for link in parsed.links:
            if link.startswith(("http:", "https:", "//")):
                broken.append((page.relative_to(out), link, "external"))
                continue
            if link.startswith(("data:", "mailto:")):
                continue
            if page.name == "404.html":
                parts = urlsplit(link)
                target, fragment = out / unquote(parts.path).lstrip("/"), parts.fragment
                target = target / "index.html" if target.is_dir() else target
            else:
                target, fragment = resolve(out, page, link)
            if not target.exists():
                broken.append((page.relative_to(out), link, "missing"))
            elif fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = parse(target)
                if fragment not in ids[target].ids:
                    broken.append((page.relative_to(out), link, "anchor"))
    return broken


def open_page(context, url: str):
    """Open `url`; returns (page, console errors, requests to other hosts)."""
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    host = urlsplit(url).netloc
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url)
            if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith("data:") else None)
    response = page.goto(url, wait_until="load")
    return page, response, errors, outside
