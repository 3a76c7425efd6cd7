"""The Chinese titles of problems, by slug: what `check` prints over each group and what a
department-year page (数据质量) shows.

The checks and readers name problems with stable English slugs (`table-total`,
`column-inferred`): the slugs stay in the downloads (checks.csv, issues.csv), where an
analyst filters on them; a citizen or maintainer reads the Chinese titles below. This
module is the one place that maps one to the other.
"""

from __future__ import annotations

import re

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
    "amount-unit-converted": "金额单位已换算为万元",
    "format-unknown": "文件格式不可读",
    "link-out-of-site": "指向站点之外的链接未读取",
    "page-encoding": "页面编码无法识别",
    "page-name-taken": "页面网址重复",
    "page-name-unusable": "页面文件名无法生成网址",
    "page-too-deep": "页面嵌套过深",
    "page-unreadable": "页面无法读取",
    "parse-timeout": "解析超时，文件未收录",
    "parse-crashed": "解析进程意外退出，文件未收录",
    "rendering-columns-lost": "文本版本丢失了列位置",
    "source-utf16": "文件为 UTF-16 编码",
    "tables-none": "文件中没有表格（说明文字）",
    "year-from-file-name": "年度取自文件名",
    "department-missing": "未找到部门名称",
    "year-missing": "未找到预算年度",
}

# English words the checks' and readers' messages use for a place in a table: a row's
# number ("row 2010101") is its 科目; the words alone are replaced by these.
_WORDS = {"row": "行", "rows": "行", "header": "表头", "basic": "基本支出", "project": "项目支出",
          "personnel": "人员经费", "public": "公用经费"}
_LETTER = re.compile("[a-z]")
_MESSAGE_WORDS = re.compile(r"(?P<code>\brow (?=\d))|\b(?:rows?|header|basic|project|personnel|public)\b")


def check_title(slug: str, name: str | None) -> str:
    """The Chinese title of a check result, with the table it concerns (表三 …)."""
    title = CHECK_TITLES.get(slug)
    where = (name or "").split(" ", 1)[0]
    if title is None:
        return chinese_words(name or "检查")
    if where.startswith(("表", "三公", "说明")) and not title.startswith(where):
        return f"{where}：{title}"
    return title


def issue_title(slug: str) -> str:
    return ISSUE_TITLES.get(slug, "其他解析提示")


def chinese_words(text: str) -> str:
    """A check's name or message with its few English place words in Chinese."""
    # Most messages are all Chinese: looking for a letter is ~8× cheaper than the words.
    if _LETTER.search(text) is None:
        return text
    return _MESSAGE_WORDS.sub(_chinese_word, text)  # one scan (a page has hundreds of checks)


def _chinese_word(match: re.Match[str]) -> str:
    return "科目 " if match.lastgroup == "code" else _WORDS[match.group()]
