"""The site's glossary (/glossary/): public-finance terms a citizen meets on every page.

`TERMS` is data: an anchor, the term, the spellings found in documents and a careful
definition (from the 预算法 and the Ministry of Finance's standard 名词解释 wording).
`TermLinker` links the first occurrence of each term on a department-year page to its
entry; it works on text only (labels, headings, prose), never on amounts or tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Term:
    anchor: str
    term: str
    forms: tuple[str, ...]  # spellings linked in text, longest first when they overlap
    definition: str


TERMS: tuple[Term, ...] = (
    Term("budget", "预算（部门预算）", ("部门预算", "单位预算"),
         "部门（单位）依照国家规定编制、经法定程序批准的年度财政收支计划，说明一年里计划收多少、"
         "花多少、花在哪里。预算是年初的计划数，不是实际花出去的钱。"),
    Term("final-accounts", "决算（部门决算）", ("部门决算", "单位决算"),
         "预算年度结束后，部门（单位）编制的反映年度预算实际执行结果的报告：实际收了多少、"
         "花了多少、年末结转结余多少。把同一年的预算和决算对照，可以看出计划执行得怎样。"),
    Term("department-and-unit", "部门预算与单位预算", ("预算单位",),
         "部门预算由主管部门把本级机关和所属各预算单位的预算汇总而成；单位预算只反映其中一个"
         "预算单位。同一机关同一年的部门预算已经包含它的单位预算，两者不能相加。"),
    Term("general-public-budget", "一般公共预算", ("一般公共预算",),
         "对以税收为主体的财政收入，安排用于保障和改善民生、推动经济社会发展、维护国家安全、"
         "维持国家机构正常运转等方面的收支预算（《预算法》第六条）。"),
    Term("government-fund", "政府性基金预算", ("政府性基金",),
         "对依照法律、行政法规在一定期限内向特定对象征收、收取或以其他方式筹集的资金，专项用于"
         "特定公共事业发展的收支预算（《预算法》第九条），例如国有土地使用权出让收入安排的支出。"),
    Term("state-capital", "国有资本经营预算", ("国有资本经营预算",),
         "对国有资本收益（如国有企业上缴的利润）作出支出安排的收支预算（《预算法》第十条）。"),
    Term("fiscal-appropriation", "财政拨款", ("财政拨款",),
         "本级财政当年拨给部门（单位）的资金，包括一般公共预算、政府性基金预算和国有资本经营"
         "预算拨款；不含部门自己的事业收入、经营收入等其他资金。"),
    Term("basic-expenditure", "基本支出", ("基本支出",),
         "为保障机构正常运转、完成日常工作任务而发生的支出，由人员经费和公用经费组成。"),
    Term("project-expenditure", "项目支出", ("项目支出",),
         "在基本支出之外，为完成特定行政工作任务和事业发展目标而安排的支出，按具体项目编列，"
         "通常设有绩效目标。"),
    Term("personnel", "人员经费", ("人员经费",),
         "基本支出中用于人员的部分：工资福利支出（基本工资、津贴补贴、社会保险缴费等）和对个人"
         "和家庭的补助（离退休费、抚恤金、生活补助等）。"),
    Term("public-funds", "公用经费", ("公用经费",),
         "基本支出中用于机构日常运转的部分：办公费、水电费、差旅费、会议费、公务用车运行维护费"
         "等商品和服务支出，以及办公设备购置等。"),
    Term("operating-costs", "机关运行经费", ("机关运行经费",),
         "行政单位和参照公务员法管理的事业单位用一般公共预算财政拨款安排的基本支出中的日常公用"
         "经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备"
         "购置费、办公用房水电费、取暖费、物业管理费、公务用车运行维护费等。"),
    Term("three-public", "“三公”经费", ("“三公”经费", "三公经费"),
         "用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。因公出国（境）"
         "费指工作人员公务出国（境）的住宿费、旅费、伙食补助费、杂费、培训费等；公务用车购置及"
         "运行维护费指公务用车购置费（含车辆购置税）和租用费、燃料费、维修费、过路过桥费、保险费"
         "等；公务接待费指按规定开支的各类公务接待（含外宾接待）费用。"),
    Term("authorized-staff", "编制数", ("编制数",),
         "机构编制部门核定给本部门（单位）的人员编制数量，是人员的上限。实有人数是实际在编的"
         "人数，可以少于编制数。"),
    Term("functional-classification", "支出功能分类", ("功能分类",),
         "按政府职能和活动给支出分类，回答“钱用来做什么”，如一般公共服务支出、教育支出、社会保障"
         "和就业支出。分类、款、项三级，科目编码依次为 3、5、7 位数字。"),
    Term("economic-classification", "支出经济分类", ("经济分类",),
         "按支出的经济性质和具体用途给支出分类，回答“钱怎么花”，如工资福利支出、商品和服务支出、"
         "对个人和家庭的补助。分类、款两级，科目编码依次为 3、5 位数字。"),
    Term("carry-over", "结转结余", ("结转结余", "结转和结余"),
         "结转资金是当年预算已安排但尚未执行完、下一年按原用途继续使用的资金；结余资金是项目完成"
         "或终止后剩下的、以及不再需要使用的资金。预算表收入方的“上年结转”即来自上一年。"),
)

_BY_FORM = {form: t for t in TERMS for form in t.forms}
_FORMS = re.compile("|".join(re.escape(f) for f in sorted(_BY_FORM, key=len, reverse=True)))


class TermLinker:
    """Links each glossary term's first occurrence on one page (`url` makes the link
    relative to that page). Use one per page, in reading order."""

    def __init__(self, url: Callable[[str], str]):
        self._href = url("glossary/")
        self._linked: set[str] = set()
        self._unlinked_forms: list[str] = list(_BY_FORM)
        self._unlinked_for = 0  # the number of linked terms `_unlinked_forms` is for

    def link(self, text: object) -> Markup:
        """`text` escaped, with the first occurrence of each not yet linked term linked."""
        escaped = str(escape("" if text is None else text))
        # Most of a page's text comes after its terms are linked: without any form of a term
        # still to link in it (no form has a character escaping changes), nothing changes.
        if not any(form in escaped for form in self._unlinked()):
            return Markup(escaped)

        def replace(m: re.Match[str]) -> str:
            term = _BY_FORM[m.group(0)]
            if term.anchor in self._linked:
                return m.group(0)
            self._linked.add(term.anchor)
            hint = term.definition if len(term.definition) <= 60 else term.definition[:59] + "…"
            return (f'<a class="term" href="{self._href}#{term.anchor}" '
                    f'title="{escape(hint)}">{m.group(0)}</a>')

        return Markup(_FORMS.sub(replace, escaped))

    def _unlinked(self) -> list[str]:
        """The forms of the terms not linked yet on this page."""
        if self._unlinked_for != len(self._linked):
            self._unlinked_forms = [f for f, t in _BY_FORM.items() if t.anchor not in self._linked]
            self._unlinked_for = len(self._linked)
        return self._unlinked_forms

    def paragraphs(self, text: str | None) -> Markup:
        """Each non-blank line as `<p>…</p>`, with terms linked (as `formatting.paragraphs`
        with `link` per line): the text is linked whole, then cut into its lines (no
        term spans a line break, and neither escaping nor a link adds one)."""
        if not text:
            return Markup("")
        linked = str(self.link(text)).split("\n")
        return Markup("".join([f"<p>{html}</p>" for line, html in zip(text.split("\n"), linked)
                               if line.strip()]))
