"""The parsed form of one disclosure (部门预算公开), shared by every stage after parsing.

Every figure keeps the source line it was read from, so that a page, a download or a
check message can point back to `path:line`. Amounts are `Decimal` built from the
printed text, so "17.00" stays "17.00" and no float ever touches a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

Amount = Decimal | None

# Table keys, in the order the standard template prints them.
TABLE_KEYS: dict[str, str] = {
    "summary": "表一 部门收支总体情况表",
    "income": "表二 部门收入总体情况表",
    "expense": "表三 部门支出总体情况表",
    "fiscal": "表四 财政拨款收支总体情况表",
    "general_public": "表五 一般公共预算支出情况表",
    "basic": "表六 一般公共预算基本支出情况表",
    "projects": "表七 一般公共预算项目支出情况表",
    "three_public": "一般公共预算“三公”经费支出情况表",
    "gov_fund": "政府性基金预算支出情况表",
    "state_capital": "国有资本经营预算支出情况表",
    "carryover": "上年结转结余情况明细表",
}

# Short Chinese names of tables, for messages a maintainer reads.
TABLE_SHORT: dict[str, str] = {
    "summary": "表一", "income": "表二", "expense": "表三", "fiscal": "表四",
    "general_public": "表五", "basic": "表六", "projects": "表七", "three_public": "三公经费表",
    "gov_fund": "政府性基金表", "state_capital": "国有资本经营表", "carryover": "结转结余表",
}


def table_label(key: str) -> str:
    """How a message names a table: "表三", "三公经费表" (the key itself if not standard)."""
    return TABLE_SHORT.get(key, key)


# Canonical column keys used by the templates. A table's `columns` lists the ones it has,
# with the label as printed.
COLUMN_LABELS: dict[str, str] = {
    "amount": "预算数",
    "total": "合计",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "general_public": "一般公共预算",
    "gov_fund": "政府性基金预算",
    "state_capital": "国有资本经营预算",
    "overseas": "因公出国（境）费",
    "vehicle_total": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}


@dataclass(frozen=True)
class Issue:
    """A data problem, as a value: a stable kebab-case slug, a message and a location.

    `severity` is "error" (the document or a figure could not be read), "warning" (a
    figure was read but something about it is doubtful, e.g. an inferred column) or
    "info".
    """

    slug: str
    message: str
    path: str
    line: int | None = None
    severity: str = "warning"
    table: str | None = None

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} [{self.slug}]"


@dataclass(frozen=True)
class Origin:
    """Where a cell was printed.

    `line` is the 1-based line of `Grid.text` that shows it. A PDF adds its 1-based `page`
    and `box` (x0, top, x1, bottom in PDF points, measured from the page's top-left); a
    workbook its `sheet` and `cell` ("C7"); a Word file `cell` as "表2 行5 列3".
    """

    line: int
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    sheet: str | None = None
    cell: str | None = None

    def __init__(self, line: int, page: int | None = None,
                 box: tuple[float, float, float, float] | None = None,
                 sheet: str | None = None, cell: str | None = None):
        # Readers make one for every line or cell: filling the fields in one go is a third
        # faster than the frozen dataclass's five object.__setattr__ calls (still frozen).
        self.__dict__.update(line=line, page=page, box=box, sheet=sheet, cell=cell)

    def label(self) -> str:
        """How a message names the place: 第 12 页, Sheet1!C7, 表2 行5 列3, or 第 41 行."""
        if self.sheet is not None:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        if self.cell is not None:
            return self.cell
        if self.page is not None:
            return f"第 {self.page} 页"
        return f"第 {self.line} 行"


@dataclass
class Row:
    """One printed row of a table.

    `code` is the classification code with its parts joined ("201 03 01" → "2010301");
    `code_raw` is the code as printed. `unit` is the sub-unit (二级预算单位) when a table
    is broken down by unit; a sub-unit's own total row has `code=None` and `unit` set.
    `side` is "income" or "expense" in two-sided tables (表一, 表四).
    `values` maps column key → amount (None for an empty cell).
    `inferred` names the columns whose placement was decided by identities rather than
    read from the text.
    `origins` maps column key → where that figure was printed (page and box, sheet and
    cell), for inputs that show more than a text line; the label's own under "name".
    `kind` says what the row is: "unit" (a sub-unit's own total row), "class" (类),
    "section" (款), "item" (项), "project" (a 表七 project line: one project, named or
    not), "line" (a labelled line of a two-sided table such as 表一), "subtotal" (小计).
    """

    line: int
    name: str | None = None
    code: str | None = None
    code_raw: str | None = None
    unit: str | None = None
    project: str | None = None
    side: str | None = None
    values: dict[str, Amount] = field(default_factory=dict)
    inferred: tuple[str, ...] = ()
    kind: str | None = None
    origins: dict[str, Origin] = field(default_factory=dict)

    @property
    def level(self) -> int:
        """Depth of the classification code: 1 类, 2 款, 3 项 (function: 3/5/7 digits;
        economic: 3/5 digits)."""
        if not self.code:
            return 0
        return {3: 1, 5: 2, 7: 3}.get(len(self.code), 0)

    def get(self, column: str) -> Amount:
        return self.values.get(column)


@dataclass
class Column:
    key: str
    label: str


@dataclass
class Table:
    """One table of the disclosure.

    `totals` holds the printed total rows: "total" for a one-sided table (合计/总计),
    "income" and "expense" for a two-sided one (收入总计 / 支出总计), and "subtotal"
    where a 小计 line is printed.
    `empty` is True when the document states the table is empty (空表).
    `unit` is the unit the table prints its amounts in (元, 万元 …); the amounts in `rows`
    are converted exactly to 万元 whatever it is (元 → 万元 moves the point four places,
    so 156,211,123 元 is 15621.1123 万元: no rounding anywhere).
    """

    key: str
    title: str
    line: int
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    totals: dict[str, Row] = field(default_factory=dict)
    empty: bool = False
    note: str | None = None
    unit: str = "万元"

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass
class Indicator:
    """One line of a 绩效目标表: 一级/二级/三级指标 and the target value."""

    level1: str | None
    level2: str | None
    name: str
    value: str | None
    line: int


@dataclass
class PerformanceTarget:
    """项目支出绩效目标表 (kind "project") or 部门整体绩效目标表 (kind "department").

    `amount` is the year's total, whatever the template calls it; `amount_label` its
    label as printed (年度资金总额, 年度预算总额, 资金总额)."""

    kind: str
    name: str
    line: int
    amount: Amount = None
    fiscal_amount: Amount = None
    other_funds: Amount = None
    unit: str | None = None
    goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    amount_label: str | None = None


@dataclass
class Section:
    """A text section: 主要职能, 机构设置及人员情况, the 说明 sections, 名词解释."""

    part: str  # "overview", "explanation", "glossary", "other" (`SECTION_PARTS`)
    title: str
    text: str
    line: int


# The parts a document's sections are grouped under on its page and in search, in order,
# with the heading each is shown under.
SECTION_PARTS = [("overview", "部门概况"), ("explanation", "部门预算情况说明"),
                 ("glossary", "名词解释"), ("other", "其他")]


@dataclass
class StatedFigure:
    """A figure stated in the 说明 text, e.g. 基本支出 1136.42 万元, with the line it
    stands on. `key` is a stable English name (`expense_total`, `basic`, `three_public`,
    `operating_costs`, `procurement_total`, …)."""

    key: str
    amount: Amount
    line: int
    text: str
    percent: Decimal | None = None


@dataclass
class StatedChange:
    """A change against last year stated in the text: 比上年增加/减少 amount (percent)."""

    subject: str
    direction: int  # +1 增加, -1 减少, 0 持平
    amount: Amount
    percent: Decimal | None
    line: int
    text: str


@dataclass
class Staffing:
    """编制数, 实有人数 and 在职/退休/离休 with their changes against last year."""

    authorized: int | None = None
    actual: int | None = None
    in_service: int | None = None
    in_service_change: int | None = None
    retired: int | None = None
    retired_change: int | None = None
    lixiu: int | None = None
    lixiu_change: int | None = None
    line: int | None = None


@dataclass
class Document:
    """Everything parsed from one source file."""

    path: str
    layout: str
    sha256: str
    encoding: str
    department: str | None = None
    department_line: int | None = None
    region: str | None = None
    year: int | None = None
    # What the document is: a 预算 ("budget") or a 决算 ("final_accounts"), of a whole
    # 部门 ("department", its units summed) or of one 单位 ("unit"). The same body and
    # year may publish both scopes: two documents, never summed.
    kind: str = "budget"
    scope: str = "department"
    unit: str = "万元"
    staffing: Staffing = field(default_factory=Staffing)
    division_count: int | None = None
    divisions: list[str] = field(default_factory=list)
    sub_units: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    figures: list[StatedFigure] = field(default_factory=list)
    changes: list[StatedChange] = field(default_factory=list)
    performance: list[PerformanceTarget] = field(default_factory=list)
    glossary: list[tuple[str, str, int]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    line_count: int = 0

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def project_targets(self) -> list[PerformanceTarget]:
        return [p for p in self.performance if p.kind == "project"]
