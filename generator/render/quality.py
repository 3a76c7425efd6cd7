"""What a department-year page says about its document's problems, in Chinese.

The checks and readers name problems with stable English slugs (`table-total`,
`column-inferred`): the slugs stay in the downloads (checks.csv, issues.csv), where an
analyst filters on them; a citizen reads the Chinese titles below. This module is the one
place that maps one to the other, and works out where a problem touches the figures a page
shows (a key figure card, a table row, the project list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .data import DocData, Record
from .formatting import fmt_amount

CHECK_TITLES = {
    "summary-balance": "收入总计与支出总计不相等",
    "summary-income-sum": "各项收入之和与收入总计不符",
    "summary-class-sum": "各类支出之和与支出总计不符",
    "row-basic-project": "一行的合计不等于基本支出加项目支出",
    "row-personnel-public": "一行的合计不等于人员经费加公用经费",
    "row-economic-sum": "一行的合计不等于各经济分类之和",
    "parent-children": "上级科目不等于下级科目之和",
    "table-total": "表中各行之和与合计行不符",
    "sub-units-sum": "各单位之和与合计不符",
    "three-public-parts": "“三公”经费合计与各项之和不符",
    "income-vs-summary": "收入表合计与总表收入总计不符",
    "expense-vs-summary": "支出表合计与总表支出总计不符",
    "fiscal-vs-general-public": "财政拨款总表与一般公共预算支出表不符",
    "fiscal-vs-general-public-classes": "财政拨款总表与一般公共预算支出表的分类数不符",
    "summary-vs-expense-classes": "总表与支出表的分类数不符",
    "basic-vs-general-public": "基本支出表合计与一般公共预算基本支出不符",
    "projects-vs-general-public": "项目支出表合计与一般公共预算项目支出不符",
    "text-vs-table": "说明文字中的数字与表格不符",
    "text-parts-sum": "说明文字中的分项之和与总数不符",
    "performance-count": "说明所述绩效项目数与绩效目标表数不符",
    "check-crashed": "检查程序未能完成",
}

ISSUE_TITLES = {
    "column-inferred": "列位置由恒等式推定",
    "column-ambiguous": "数字所属列无法确定",
    "column-unknown": "无法识别的列",
    "column-order": "列顺序异常",
    "code-repaired": "科目编码已修复",
    "code-inherited": "科目编码沿用上一行",
    "code-missing": "缺少科目编码",
    "code-unresolved": "科目编码无法确定",
    "code-unreadable": "科目编码无法读出",
    "code-unusual": "科目编码不常见",
    "code-order": "科目编码顺序异常",
    "unnamed-project": "项目未列名称",
    "project-name-uncertain": "项目名称不确定",
    "row-unlabelled": "数字没有行名",
    "row-misplaced": "行位置异常",
    "row-misaligned": "行未对齐",
    "row-joined": "两行被合并读出",
    "row-uncoded": "行没有科目编码",
    "row-unread": "行未能读出",
    "row-too-wide": "行的数字多于列数",
    "row-width": "行的数字个数异常",
    "row-name-doubtful": "行名存疑",
    "row-unit-doubtful": "所属单位存疑",
    "row-unit-late": "单位名称出现在行后",
    "row-unexpected": "意外的行",
    "row-unfinished": "行未完",
    "rows-unplaced": "若干行无法归表",
    "header-misaligned": "表头未对齐",
    "header-missing": "缺少表头",
    "header-width": "表头列数异常",
    "header-foreign": "表头不属于本表",
    "header-stray": "多余的表头",
    "header-cell-dropped": "表头单元格被舍弃",
    "header-unreadable": "表头无法读出",
    "table-title-missing": "表格缺少标题，按形状判定",
    "table-missing": "缺少表格",
    "table-cut": "表格被截断",
    "table-truncated": "表格被截断",
    "table-repeated": "表格重复",
    "table-unread": "表格未能读出",
    "table-unreadable": "表格无法读出",
    "total-missing": "缺少合计行",
    "total-repeated": "合计行重复",
    "empty-table-has-amounts": "标为空表却有数字",
    "unlabelled-amount": "数字没有标签",
    "amount-doubtful": "数字存疑",
    "amount-unreadable": "数字无法读出",
    "amount-unit-other": "金额单位不是万元",
    "cell-unplaced": "单元格无法归列",
    "cell-unreadable": "单元格无法读出",
    "cell-formula-uncached": "公式单元格没有保存结果",
    "figure-unmatched": "说明中的数字找不到对应",
    "staffing-missing": "缺少人员编制信息",
    "performance-doubtful": "绩效目标存疑",
    "performance-unreadable": "绩效目标无法读出",
    "performance-name-missing": "绩效目标缺少项目名称",
    "performance-department": "部门整体绩效目标",
    "performance-project": "项目绩效目标",
    "region-unknown": "地区无法确定",
    "file-cut": "文件不完整",
    "layout-unknown": "无法识别的版式",
    "parse-failed": "文件未能解析",
    "pdf-garbled-text": "PDF 页面文字乱码",
    "pdf-no-text": "PDF 页面没有文字层（可能是扫描件）",
    "pdf-unreadable": "PDF 无法读取",
    "pdf-encrypted": "PDF 已加密",
    "docx-no-tables": "Word 文件中没有表格",
    "docx-unreadable": "Word 文件无法读取",
    "workbook-unreadable": "Excel 文件无法读取",
    "source-encoding": "文件编码异常",
    "source-gbk": "文件为 GBK 编码",
    "source-garbled": "文件含乱码",
    "source-characters": "文件含异常字符",
    "source-nul": "文件含空字符",
    "source-empty": "文件为空",
    "source-binary": "不是文本文件",
    "source-unreadable": "文件无法读取",
}

# English words the checks' and readers' messages use for a place in a table.
_MESSAGE_WORDS = [(re.compile(r"\brow (?=\d)"), "科目 "), (re.compile(r"\brows?\b"), "行"),
                  (re.compile(r"\bheader\b"), "表头"),
                  (re.compile(r"\bbasic\b"), "基本支出"), (re.compile(r"\bproject\b"), "项目支出"),
                  (re.compile(r"\bpersonnel\b"), "人员经费"), (re.compile(r"\bpublic\b"), "公用经费")]


def check_title(check: Record) -> str:
    """The Chinese title of a check result, with the table it concerns (表三 …)."""
    title = CHECK_TITLES.get(check["slug"])
    where = (check["name"] or "").split(" ", 1)[0]
    if title is None:
        return chinese_words(check["name"] or "检查")
    if where.startswith(("表", "三公", "说明")) and not title.startswith(where):
        return f"{where}：{title}"
    return title


def issue_title(slug: str) -> str:
    return ISSUE_TITLES.get(slug, "其他解析提示")


def chinese_words(text: str) -> str:
    """A check's name or message with its few English place words in Chinese."""
    for pattern, word in _MESSAGE_WORDS:
        text = pattern.sub(word, text)
    return text


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
