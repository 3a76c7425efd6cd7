"""Value columns of the pdf-padded tables, from the printed header and the templates.

PDF text flattens a two-level header (a group cell over its sub-columns) into lines
read top to bottom, so the order of labels in the text is not the column order. The
standard templates (部门预算公开 2021+) fix the order; a template is used only when
every one of its labels is printed in the header and its column count equals the
numbered columns of the '※ 1 2 3 …' row. Otherwise the columns stay `col_<n>` with a
`column-unknown` issue: figures are still read, never put under a guessed label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Column
from ..numbers import squash

# (key, label pattern on the squashed header, printed label). The printed label is
# the canonical one; the pattern also accepts the variants seen in disclosures.
Template = list[tuple[str, str, str]]

_PROJECTS: Template = [
    # Every column of 表七 is project spending, so its 项目支出合计 is the row total.
    ("total", r"项目支出合计|合计|总计", "项目支出合计"),
    ("salaries", r"工资福利支出", "工资福利支出"),
    ("goods_services", r"商品和?服务支出", "商品和服务支出"),
    ("households", r"对个人和家庭的?补助", "对个人和家庭的补助"),
    ("debt_interest", r"债务利息及费用支出", "债务利息及费用支出"),
    ("capital_construction", r"资本性支出[（(]基本建设[）)]", "资本性支出（基本建设）"),
    ("capital", r"资本性支出", "资本性支出"),
    ("enterprise_construction", r"对企业补助[（(]基本建设[）)]", "对企业补助（基本建设）"),
    ("enterprise", r"对企业补助", "对企业补助"),
    ("social_security_fund", r"对社会保障基金补助", "对社会保障基金补助"),
    ("other_expense", r"其他支出", "其他支出"),
]

TEMPLATES: dict[str, list[Template]] = {
    "projects": [_PROJECTS, _PROJECTS[:1]],
}
_COMPILED = {key: [[(k, re.compile(p), label) for k, p, label in t] for t in ts]
             for key, ts in TEMPLATES.items()}


@dataclass
class ColumnMatch:
    columns: list[Column]
    known: bool  # False: the header fits no template, columns are col_<n>


def header_text(lines: list[str]) -> str:
    """The header lines squashed into one string, brackets made full-width."""
    return squash("".join(lines)).replace("(", "（").replace(")", "）")


def match_columns(table_key: str, header: str, count: int) -> ColumnMatch:
    """The value columns of a table whose header reads `header` and has `count` columns."""
    for template in _COMPILED.get(table_key, []):
        if len(template) != count:
            continue
        if all(pattern.search(header) for _, pattern, _ in template):
            columns = [Column(_key_for(key, label), label) for key, _, label in template]
            return ColumnMatch(columns, True)
    return ColumnMatch([Column(f"col_{n}", f"第{n}列") for n in range(1, count + 1)], False)


def _key_for(template_key: str, label: str) -> str:
    """The template's key. It is the shared vocabulary's key (`column_key_for_label`)
    wherever that knows the label, except where the table makes it more specific:
    表七's 项目支出合计 is the row total, 表十一's columns are two-level."""
    return template_key


def template_width(table_key: str, header: str) -> int:
    """Column count of the first template whose labels are all printed (0: none)."""
    for template in _COMPILED.get(table_key, []):
        if all(pattern.search(header) for _, pattern, _ in template):
            return len(template)
    return 0
