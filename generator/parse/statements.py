"""Figures stated in the 第三部分 说明 text, and every 比上年增加/减少 change.

Each 说明 section is recognised by its heading (收支总体, 收入, 支出, 财政拨款, 一般公共预算
当年拨款, 基本支出, 项目支出, 三公, 其他重要事项 …); inside it, figures are found by their
wording. Keys are stable English names so checks can compare them with the tables:
`expense_basic` (说明三 基本支出) vs 表三 基本支出, `general_public_basic` (说明五) vs 表五, …
and key figures can fall back to them where a document prints no tables (the Jiangsu
narrative-only files state every figure in prose). The keys (`StatedFigure.key`):

| key | what the text states |
|---|---|
| `total_budget` | 收支总预算 (收入、支出预算总计) |
| `income_total`, `expense_total` | 收入 / 支出预算总计 (合计) |
| `income_general_public` | 一般公共预算收入 |
| `expense_basic`, `expense_project` | 支出预算's 基本支出 / 项目支出 |
| `fiscal_total` | 财政拨款收、支总预算 |
| `fiscal_income_total` | 财政拨款收入预算总计 |
| `fiscal_expense_total` | 财政拨款(预算)支出 (section 财政拨款支出预算情况) |
| `general_public_total`, `_basic`, `_project` | 一般公共预算(当年/财政)拨款 (支出预算) and its split |
| `basic_total`, `basic_personnel`, `basic_public` | 基本支出, 人员经费, 公用经费 |
| `three_public_total` | “三公”经费 |
| `three_public_overseas` | 因公出国（境）费 |
| `three_public_vehicle_total` | 公务用车购置及运行(维护)费 |
| `three_public_vehicle_purchase`, `three_public_vehicle_operation` | 公务用车购置费, 运行(维护)费 |
| `three_public_reception` | 公务接待费 |
| `gov_fund_total` | 政府性基金预算 (支出); absent where the text says only 无 |
| `operating_costs` | 机关运行经费 |
| `procurement_total`, `_goods`, `_works`, `_services` | 政府采购预算 and its parts |
| `performance_project_count` | projects under 绩效 management (a count) |
| `general_public_class:NAME`, `general_public_item:NAME` | a 类 / 项 of 一般公共预算 named in the text |
| `summary_income:NAME`, `summary_expense:NAME` | a line of the 收支总表 the overview lists ("1．财政拨款收入预算总计 …", "2．社会保障和就业（类）支出 …"), named as the prose names it |

The first match in a section counts, and the first section that states a key. Every
pattern is anchored on its wording and bounded, so reading stays linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal, InvalidOperation

from ..model import Document, Issue, Section, StatedChange, StatedFigure
from ..numbers import squash
from ..sources import SourceText
from .prose import PAGE_NUMBER, JoinedText

AMT = r"(-?\d[\d,]*(?:\.\s?\d+)?)\s*万"
PCT = r"(-?\d+(?:\.\d+)?)\s*%"

# Section kind by heading wording, the most specific first (a 三公 or 机关运行经费 heading
# also says 一般公共预算 and 支出预算; 财政拨款基本支出 is 基本支出, not 支出预算). The
# heading is matched after its year, so a department's name ("…财政局2021年…") counts not.
_SECTION_KINDS: list[tuple[str, str]] = [
    ("three_public", r"三公"),
    ("operating", r"机关运行经费"),
    ("procurement", r"政府采购"),
    ("gov_fund", r"政府性基金"),
    ("state_capital", r"国有资本"),
    ("carryover", r"结转结余"),
    ("fiscal", r"财政拨款收支"),  # before overview: 财政拨款收支预算情况的总体说明
    ("basic", r"基本支出"),
    ("projects", r"项目支出"),
    ("general_public", r"一般公共预算当年拨款|一般公共预算拨款情况|一般公共预算(?:财政拨款)?支出[预决]算"),
    ("fiscal_expense", r"财政拨款支出"),
    ("overview", r"收支预算.*(?:总体|总表)"),
    ("income", r"收入预算"),
    ("expense", r"支出预算情况"),
    ("other", r"其他重要事项"),
]
# what a figure's wording may put between its name and the amount: 预算, 支出, 数, 为 …
_SAID = r"(?:预算|支出|数|为|安排|共计|合计|总计|总额)*\s*"

# (section kind or "*", figure key, pattern); the keys are listed in the module docstring.
_FIGURES: list[tuple[str, str, str]] = [
    ("overview", "total_budget", r"(?:收支|收入、支出)(?:总)?预算(?:总额|总计)?(?:为|共计)?\s*" + AMT),
    ("overview", "income_total", r"收入预算总计(?:为)?\s*" + AMT),
    ("overview", "expense_total", r"(?<!、)支出预算总计(?:为)?\s*" + AMT),
    ("overview", "fiscal_income_total", r"财政拨款收入预算总计(?:为)?\s*" + AMT),
    ("income", "income_total", r"收入预算(?:总额|合计|总计)?(?:为|共计)?\s*" + AMT),
    ("income", "income_general_public", r"一般公共预算(?:拨款|收入)?\s*" + AMT),
    ("expense", "expense_total", r"支出预算(?:总额|合计|总计)?(?:为|共计)?\s*" + AMT),
    ("expense", "expense_basic", r"基本支出\s*" + AMT),
    ("expense", "expense_project", r"项目支出\s*" + AMT),
    ("fiscal", "fiscal_total", r"财政拨款收、?支总预算\s*" + AMT),
    ("fiscal_expense", "fiscal_expense_total", r"财政拨款(?:预算)?支出(?:预算)?(?:为|共计)?\s*" + AMT),
    ("general_public", "general_public_total",
     r"(?:拨款(?:合计|总额)?|一般公共预算(?:财政)?拨款支出预算)(?:为|共计)?\s*" + AMT),
    ("general_public", "general_public_basic", r"基本支出\s*" + AMT),
    ("general_public", "general_public_project", r"项目支出\s*" + AMT),
    ("basic", "basic_total", r"基本支出(?:预算)?\s*" + AMT),
    ("basic", "basic_personnel", r"人员经费\s*" + AMT),
    ("basic", "basic_public", r"公用经费\s*" + AMT),
    ("three_public", "three_public_total", r"“?三公”?经费(?:预算)?(?:数|支出)?(?:为|共计|合计)?\s*" + AMT),
    ("three_public", "three_public_overseas", r"因公出国[（(]境[）)](?:费用?)?" + _SAID + AMT),
    ("three_public", "three_public_vehicle_total", r"公务用车购置及运行(?:维护)?费?" + _SAID + AMT),
    ("three_public", "three_public_vehicle_purchase", r"公务用车购置费?" + _SAID + AMT),
    ("three_public", "three_public_vehicle_operation", r"公务用车运行(?:维护)?费?" + _SAID + AMT),
    ("three_public", "three_public_reception", r"公务接待费?" + _SAID + AMT),
    ("gov_fund", "gov_fund_total", r"政府性基金" + _SAID + AMT),
    ("*", "operating_costs", r"机关运行经费(?:财政拨款)?" + _SAID + AMT),
    ("*", "performance_project_count", r"(?:实行绩效管理的[^。；]{0,16}?项目|预算安排项目共)\s*(\d+)\s*个"),
    ("*", "procurement_total", r"政府采购(?:支出)?预算(?:总额)?(?:为|共计)?\s*" + AMT),
    ("*", "procurement_goods", r"政府采购货物预算\s*" + AMT),
    ("*", "procurement_works", r"政府采购工程预算\s*" + AMT),
    ("*", "procurement_services", r"政府采购服务预算\s*" + AMT),
]
_COMPILED = [(kind, key, re.compile(p)) for kind, key, p in _FIGURES]
# 一般公共服务支出（类）1048.33 万元，占 79.76%
_CLASS_SHARE = re.compile(r"([^\d，。；：:、（）()]{2,24}?支出)\s*[（(]类[）)]\s*" + AMT + r"元?[，,]?\s*(?:占\s*" + PCT + ")?")
# …住房公积金（项）：2025 年预算数为 62.11 万元
_ITEM_AMOUNT = re.compile(r"([^\d。；]{2,80}?)[（(]项[）)]\s*[:：]?\s*(?:20\d{2}\s*年)?(?:预算数?|预算安排)?(?:为)?\s*" + AMT)
_CHANGE = re.compile(r"比上年(?:预算)?(?:数)?(增加|减少|增长|下降|持平)\s*(?:" + AMT + r"元?)?"
                     r"(?:\s*[，,]?\s*(?:增长|下降|减少|增加)\s*" + PCT + ")?")


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return None


_BEFORE_YEAR = re.compile(r"^.*?20\d{2}\s*年(?:度)?")


def _section_kind(title: str) -> str | None:
    """The section's subject: after the heading's year first (past the department's name),
    then the whole heading (a year printed after the subject: "支出预算情况（2021年）")."""
    after_year = _BEFORE_YEAR.sub("", title, count=1)
    for text in dict.fromkeys((after_year, title)):
        for kind, pattern in _SECTION_PATTERNS:
            if pattern.search(text):
                return kind
    return None


_SECTION_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _SECTION_KINDS]


def read_statements(source: SourceText, explained: list[tuple[Section, int]], doc: Document) -> None:
    """The figures the 说明 sections state (`explained`: each with the last line to read)."""
    for section, stop in explained:
        kind = _section_kind(section.title)
        text = JoinedText(source.lines, section.line + 1, stop,
                          separator="" if doc.layout.startswith("pdf") else "\n")
        _read_figures(text, kind, doc)
        if kind == "overview":
            _read_summary_lines(text, doc)
        if kind == "general_public":
            _read_class_and_items(text, doc)
        _read_changes(text, doc)


def stated_under_table(lines: list[str], start: int, stop: int, kind: str) -> dict[str, Decimal]:
    """Key → amount of the figures of a `kind` section (three_public …) that the text
    printed right under a table states (上海's 其他相关情况说明 on the 三公 table's page),
    lines `start` to `stop`; the first match of each key counts."""
    # a few lines: joined here rather than by JoinedText, whose cache holds the whole source
    text = "\n".join(line.strip() for line in lines[max(0, start - 1):stop] if not PAGE_NUMBER.match(line))
    found: dict[str, Decimal] = {}
    for figure_kind, key, pattern in _COMPILED:
        if figure_kind in ("*", kind) and (m := pattern.search(text)) and _amount(m.group(1)) is not None:
            found[key] = _amount(m.group(1))
    return found


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20): min(len(text), end + 10)]


def _read_figures(text: JoinedText, kind: str | None, doc: Document) -> None:
    seen = {f.key for f in doc.figures}
    for figure_kind, key, pattern in _COMPILED:
        if key in seen or (figure_kind != "*" and figure_kind != kind):
            continue
        m = pattern.search(text.text)
        if m:
            doc.figures.append(StatedFigure(key, _amount(m.group(1)), text.line_at(m.start()) or 0,
                                            _snippet(text.text, m.start(), m.end())))
            seen.add(key)


def _read_class_and_items(text: JoinedText, doc: Document) -> None:
    for m in _near_marks(_CLASS_SHARE, _CLASS_MARK, 24, text.text):
        name = m.group(1).strip("1234567890.、 ")
        doc.figures.append(StatedFigure(f"general_public_class:{name}", _amount(m.group(2)),
                                        text.line_at(m.start()) or 0,
                                        _snippet(text.text, m.start(), m.end()),
                                        _amount(m.group(3))))
    for m in _near_marks(_ITEM_AMOUNT, _ITEM_MARK, 80, text.text):
        if not re.search(r"[（(](?:类|款)", m.group(1)):
            continue  # an item is named by its whole 类/款/项 chain; a bare "…（项）" is a fragment
        levels = [p for p in re.split(r"[（(](?:类|款|项)[）)]", m.group(1)) if p.strip(" ：:")]
        name = levels[-1].strip(" ：:0123456789.、") if levels else m.group(1)
        doc.figures.append(StatedFigure(f"general_public_item:{name}", _amount(m.group(2)),
                                        text.line_at(m.start()) or 0,
                                        _snippet(text.text, m.start(), m.end())))


_ITEM_MARK = re.compile(r"[（(]项[）)]")
_CLASS_MARK = re.compile(r"[（(]类[）)]")


def _near_marks(pattern: re.Pattern[str], mark: re.Pattern[str], reach: int, text: str):
    """`pattern.finditer(text)` for a pattern whose every match is up to `reach` characters,
    white space, then a `mark` ("…支出 （类）"): each search starts that far before the next
    mark only, as no match starts further before it (`_ITEM_AMOUNT` and `_CLASS_SHARE` try
    dozens of characters at every place they start: slow over a long text)."""
    pos = 0
    while (found := mark.search(text, pos + 2)) is not None:
        start = found.start()
        while start > pos and text[start - 1].isspace():
            start -= 1
        m = pattern.search(text, max(pos, start - reach))
        if m is None:
            return
        yield m
        pos = m.end()


# A clause of the overview's lists: its start (a sentence or an ordinal), the line's name,
# its amount ("1．财政拨款收入预算总计27664.22万元", "（2）政府性基金收入预算0万元",
# "上年结转资金预算为0万元", "2．社会保障和就业支出 2000.39 万元")
_LISTED = re.compile(r"(?:^|[。；;：:])\s*(?:(?:\d{1,2}\s*[．.、]|[（(][一二三四五六七八九十\d]{1,2}[）)])\s*)?"
                     r"([^\d，,。；;：:、%]{2,20}?)\s*(?:预算数)?\s*为?\s*" + AMT)
_INCOME_LINE = re.compile(r"(?:收入|资金)(?:预算)?(?:总计)?$")
_EXPENSE_LINE = re.compile(r"支出$")
# the totals and the 支出用途 lines are not lines of the lists
# the two totals the lists follow (not the opening "收入、支出预算总计")
_INCOME_TOTAL = re.compile(r"(?<![、\w])收入预算总计")
_EXPENSE_TOTAL = re.compile(r"(?<![、\w])支出预算总计")
_NOT_LISTED = {"收入预算总计", "支出预算总计", "基本支出", "项目支出"}


def _read_summary_lines(text: JoinedText, doc: Document) -> None:
    """The 收支总表's lines as the overview lists them under its two totals: 收入 sources
    by name after "（一）收入预算总计 …", 支出 by function class after "（二）支出预算总计 …"
    (an overview that states no such totals lists no lines)."""
    seen = {f.key for f in doc.figures}
    income, expense = _INCOME_TOTAL.search(text.text), _EXPENSE_TOTAL.search(text.text)
    if not (income and expense and income.start() < expense.start()):
        return
    for m in _LISTED.finditer(text.text, income.start()):
        name = squash(m.group(1))
        if name in _NOT_LISTED or "总预算" in name:
            continue
        if _EXPENSE_LINE.search(name) and expense.start() < m.start():
            key = f"summary_expense:{name}"
        elif _INCOME_LINE.search(name) and m.start() < expense.start():
            key = f"summary_income:{name}"
        else:
            continue
        if key not in seen:
            seen.add(key)
            doc.figures.append(StatedFigure(key, _amount(m.group(2)), text.line_at(m.start(1)) or 0,
                                            _snippet(text.text, m.start(1), m.end())))


# What a stated change is about, when the clause names it (the last one named wins).
_SUBJECT_WORDS = re.compile(
    r"机关运行经费|“?三公”?经费|因公出国[（(]境[）)]费?|公务用车购置费|公务用车运行(?:维护)?费|公务接待费|"
    r"基本支出|项目支出|人员经费|公用经费|政府采购|财政拨款结转结余|财政拨款结转|上年结转结余|"
    r"一般公共预算(?:当年)?拨款|一般公共预算|政府性基金预算|国有资本经营预算|收入预算|支出预算|"
    r"事业收入|上级专项收入|上级补助收入|单位其他资金收入|其他收入")


_CLAUSE_END = re.compile(r"[。；;\n]")


def _change_subject(text: str, start: int, clause_ends: list[int]) -> str:
    """The subject of the change whose wording starts at `start`: a 科目 chain ("…（项）"),
    a known budget term named in the clause, or else the clause's opening words.
    `clause_ends`: where each clause of `text` ends, in order (looked up, not searched
    for again from each change: a long text has many changes)."""
    before = bisect_left(clause_ends, start)
    clause = text[clause_ends[before - 1] + 1 if before else 0:start]
    clause = re.sub(r"^.*其中\s*[：:]", "", clause)
    # a sub-heading glued on by PDF wrapping: "…具体使用情况1.一般公共服务支出（类）…"
    clause = re.sub(r"^.{0,40}?情况\s*(?=\d{1,2}\s*[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)])", "", clause)
    clause = re.sub(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[.．、])\s*", "", clause)
    chain = re.search(r"^(.*?[（(](?:项|款|类)[）)])\s*[:：]", clause)
    if chain:
        return chain.group(1).strip()
    words = _SUBJECT_WORDS.findall(clause)
    if words:
        return words[-1]
    clause = re.split(r"\s*-?\d", clause, maxsplit=1)[0] if re.match(r"\D", clause) else clause
    clause = re.sub(r"^\s*20\d{2}\s*年(?:度)?", "", clause)
    return clause.strip(" ，,：:")[:30] or "?"


def _read_changes(text: JoinedText, doc: Document) -> None:
    clause_ends = None  # (found once a section states a change: most state none)
    for m in _CHANGE.finditer(text.text):
        if m.group(2) is None and m.group(3) is None:
            continue  # template wording with no figure ("比上年增加（减少）…")
        if clause_ends is None:
            clause_ends = [c.start() for c in _CLAUSE_END.finditer(text.text)]
        word = m.group(1)
        direction = {"增加": 1, "增长": 1, "减少": -1, "下降": -1}.get(word, 0)
        doc.changes.append(StatedChange(
            subject=_change_subject(text.text, m.start(), clause_ends), direction=direction,
            amount=_amount(m.group(2)), percent=_amount(m.group(3)),
            line=text.line_at(m.start()) or 0, text=_snippet(text.text, m.start(), m.end())))


def flag_unmatched_items(doc: Document) -> None:
    """A 科目 named in the 说明 but printed in no table was probably garbled by extraction
    (a dropped or joined line): keep the figure, and say so on its line."""
    items = [(f, name) for f in doc.figures for kind, _, name in [f.key.partition(":")]
             if kind in ("general_public_class", "general_public_item")]
    names = {squash(r.name) for t in doc.tables.values() for r in t.rows if r.name} if items else set()
    for figure, name in items:  # (the names of every row only where a 科目 is named)
        if squash(name) not in names:
            doc.issues.append(Issue("figure-unmatched", f"说明中提到科目「{name}」（{figure.amount}），"
                                    "但没有任何表格印出它", doc.path, figure.line, "warning"))
