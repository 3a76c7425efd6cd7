"""One department across its years: its trend, year-on-year changes and budget against actual.

Everything here compares a department only with itself: the lines of its trend join its
own years (a missing year is a gap, see `svgchart.runs`), its year-on-year table is
computed from the figures its tables print (the change its 说明 text states is shown
beside, not used), and its budget is set against its 决算 of the same year and scope. A
部门 and a 单位 document are never mixed: the department's trend follows one scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from . import charts as ch

# The figures followed over the years: (key in `figures.figure_map`, label, words that
# name it in a stated change of the 说明 text).
MEASURES = (("total", "支出总额", ("支出总", "收支总", "总预算", "总决算", "支出合计")),
            ("basic", "基本支出", ("基本支出",)),
            ("project", "项目支出", ("项目支出",)),
            ("three_public", "“三公”经费", ("三公",)))


def kind_of(summary) -> tuple[str, str]:
    """(kind, scope) of a listed department-year (`indexes.DocSummary`)."""
    info = summary.doc.info
    return info.get("kind") or "budget", info.get("scope") or "department"


def amounts(summary) -> dict[str, Decimal]:
    """The followed figures of one department-year, as its tables print them."""
    f = summary.figures
    total = f.get("expense_total") or f.get("income_total") or f.get("total_budget")
    found = {"total": total, "basic": f.get("basic"), "project": f.get("project"),
             "three_public": f.get("three_public")}
    return {k: fig.amount for k, fig in found.items() if fig is not None and fig.amount is not None}


def one_per_year(items: list, kind: str, scope: str) -> dict[int, object]:
    """The department's documents of one kind and scope by year; where two files cover one
    year (a tables file and a text file), the one with more figures."""
    best: dict[int, object] = {}
    for s in items:
        if s.year is None or kind_of(s) != (kind, scope):
            continue
        if s.year not in best or len(amounts(s)) > len(amounts(best[s.year])):
            best[s.year] = s
    return dict(sorted(best.items()))


def main_scope(items: list) -> str:
    """The scope the department's history follows: 部门 where it has any, else 单位."""
    scopes = {kind_of(s)[1] for s in items}
    return "department" if "department" in scopes or not scopes else "unit"


@dataclass
class Change:
    """One measure between two of the department's years."""

    label: str
    before: Decimal | None
    after: Decimal | None
    stated: list = field(default_factory=list)  # the 说明's own stated changes on it

    @property
    def difference(self) -> Decimal | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        if self.difference is None or not self.before:
            return None
        return (self.difference / self.before * 100).quantize(Decimal("0.01"))


@dataclass
class YearStep:
    """Two consecutive documents of the department (years apart when one is missing)."""

    before: object  # DocSummary
    after: object
    changes: list[Change]

    @property
    def gap(self) -> int:
        return self.after.year - self.before.year


def _stated(summary, words: tuple[str, ...]) -> list:
    return [c for c in summary.doc.changes if any(w in (c["subject"] or "") for w in words)]


def year_steps(by_year: dict[int, object]) -> list[YearStep]:
    """Year-on-year changes of each followed figure, from the tables."""
    years = sorted(by_year)
    steps = []
    for a, b in zip(years, years[1:]):
        before, after = amounts(by_year[a]), amounts(by_year[b])
        changes = [Change(label, before.get(key), after.get(key), _stated(by_year[b], words))
                   for key, label, words in MEASURES if key in before or key in after]
        steps.append(YearStep(by_year[a], by_year[b], changes))
    return steps


@dataclass
class Execution:
    """A year with both a 预算 and a 决算 of the same scope: budget against actual."""

    year: int
    budget: object
    actual: object
    rows: list[tuple[str, Decimal | None, Decimal | None]]


def executions(items: list, scope: str) -> list[Execution]:
    budgets = one_per_year(items, "budget", scope)
    finals = one_per_year(items, "final_accounts", scope)
    out = []
    for year in sorted(set(budgets) & set(finals)):
        b, a = amounts(budgets[year]), amounts(finals[year])
        rows = [(label, b.get(key), a.get(key)) for key, label, _ in MEASURES if key in b or key in a]
        out.append(Execution(year, budgets[year], finals[year], rows))
    return out


@dataclass
class History:
    scope: str
    budgets: dict[int, object]
    finals: dict[int, object]
    steps: list[YearStep]
    executions: list[Execution]
    trend: ch.Chart | None

    @property
    def missing_years(self) -> list[int]:
        years = set(self.budgets) | set(self.finals)
        return [y for y in range(min(years), max(years) + 1) if y not in years] if years else []


def department_history(slug: str, items: list) -> History:
    """The department's own years: trend chart (once it has two years), steps, executions."""
    scope = main_scope(items)
    budgets = one_per_year(items, "budget", scope)
    finals = one_per_year(items, "final_accounts", scope)
    series: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for year, s in budgets.items():
        got = amounts(s)
        for key, label, _ in MEASURES[:3]:
            if key in got:
                series[("支出总预算" if key == "total" else label)].append((year, got[key]))
    for year, s in finals.items():
        if "total" in (got := amounts(s)):
            series["决算支出合计"].append((year, got["total"]))
    years = {y for pts in series.values() for y, _ in pts}
    title = "历年预算" + ("与决算" if finals else "") + \
        ("（单位预算文件）" if scope == "unit" else "（仅本部门自身各年）")
    trend = ch.trend_chart(f"dept-{slug}", title, dict(series)) if len(years) >= 2 else None
    return History(scope, budgets, finals, year_steps(budgets), executions(items, scope), trend)
