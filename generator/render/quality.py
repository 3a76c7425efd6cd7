"""What a department-year page says about its document's problems, in Chinese.

The titles of problems come from `generator.issue_titles`; this module works out where a
problem touches the figures a page shows (a key figure card, a table row, the project
list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..issue_titles import check_title as title_of_check
from ..issue_titles import issue_title
from .data import DocData
from .formatting import fmt_amount
from .records import Record


def check_title(check: Record) -> str:
    """The Chinese title of a check result, with the table it concerns (表三 …)."""
    return title_of_check(check["slug"], check["name"])


@dataclass
class IssueGroup:
    title: str
    severity: str
    items: list[Record] = field(default_factory=list)


@dataclass
class Quality:
    """A document's problems as its page shows them."""

    failed: list[Record]
    passed: int
    rounding: int
    issue_groups: list[IssueGroup]
    flagged_lines: frozenset[int]
    inferred: int
    projects_listed: Decimal | None = None
    projects_total: Decimal | None = None
    unnamed_count: int = 0
    unnamed_amount: Decimal = Decimal(0)

    @property
    def failure_titles(self) -> list[str]:
        """Each failed check once for the banner (a check failing in two columns of the same
        row reads the same), with its difference."""
        seen: dict[str, None] = {}
        for c in self.failed:
            diff = c["difference"]
            seen.setdefault(check_title(c) + ("" if diff is None else f"（差 {fmt_amount(diff)}）"))
        return list(seen)

    @property
    def projects_differ(self) -> bool:
        """The named projects do not add up to the 项目支出 figure (a citizen would add them)."""
        return (self.projects_listed is not None and self.projects_total is not None
                and self.projects_listed != self.projects_total)

    @property
    def projects_unlisted(self) -> Decimal | None:
        """What neither the named nor the unnamed projects account for."""
        if not self.projects_differ:
            return None
        return self.projects_total - self.projects_listed - self.unnamed_amount


def document_quality(doc: DocData, project_total: Decimal | None) -> Quality:
    """Failed checks, their lines (to mark rows and cards), issues grouped by Chinese title,
    and the project list's sum against the 项目支出 figure."""
    failed = doc.failed_checks
    # The line a failed check names (the row, or the total that disagrees), not its parts:
    # a table-total check's parts are every row of the table.
    lines = {c["line"] for c in failed if c["line"]}
    groups: dict[str, IssueGroup] = {}
    for i in doc.issues:
        title = issue_title(i["slug"])
        group = groups.setdefault(title, IssueGroup(title, i["severity"]))
        group.items.append(i)
    order = {"error": 0, "warning": 1, "info": 2}
    inferred = sum(1 for t in doc.tables.values() for r in t.rows
                   for v in r["values"].values() if v.inferred)
    listed = [p["amount"] for p in doc.projects if p["name"] and p["amount"] is not None]
    unnamed = [p["amount"] for p in doc.projects if not p["name"] and p["amount"] is not None]
    return Quality(
        failed=failed,
        passed=sum(1 for c in doc.checks if c["status"] == "pass"),
        rounding=sum(1 for c in doc.checks if c["status"] == "rounding"),
        issue_groups=sorted(groups.values(), key=lambda g: (order.get(g.severity, 3), -len(g.items))),
        flagged_lines=frozenset(lines),
        inferred=inferred,
        projects_listed=sum(listed, Decimal(0)) if listed else None,
        projects_total=project_total,
        unnamed_count=len(unnamed),
        unnamed_amount=sum(unnamed, Decimal(0)),
    )


_SECTION_SUBJECT = re.compile(r"关于.*?\d{4}\s*年(?:度)?")
_LEADING_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*")
_LEADING_MARKS = re.compile(r"^[\s.．、,，:：;；\d]+")


def change_subject(subject: str) -> str:
    """A stated change's subject, whole: leading list marks dropped, and a bracket the
    sentence cut open (一般公共服务（类：201）… read up to the colon) closed off."""
    subject = _LEADING_MARKS.sub("", subject or "")
    if subject.count("（") > subject.count("）"):
        subject = subject[:subject.rfind("（")]
    return subject or "（未注明）"


def change_context(doc: DocData, change: Record) -> str | None:
    """The heading of the 说明 section a stated change is printed in (its nearest heading above)."""
    line = change["line"]
    best = None
    for s in doc.sections:
        if s["line"] is not None and line is not None and s["line"] <= line:
            if best is None or s["line"] >= best["line"]:
                best = s
    if best is None:
        return None
    # "三、关于<部门>2025年支出预算情况说明" → "支出预算情况说明": the part that tells them apart
    title = _SECTION_SUBJECT.sub("", best["title"] or "")
    return _LEADING_NUMBER.sub("", title) or None


def change_quote(change: Record) -> str:
    """The words around a stated change as printed, on one line, marked as an excerpt."""
    text = re.sub(r"\s+", " ", change["text"] or "")
    return "…" + _QUOTE_EDGE.sub("", text).rstrip(" 。，,：:") + "…"


# A window cut mid-sentence: drop a leading tail of the previous clause ("：99）：").
_QUOTE_EDGE = re.compile(r"^(?:[\s。，,：:；;）)]|\d+[）)])*")
