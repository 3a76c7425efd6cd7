"""Column labels as printed → stable column keys.

Headers arrive wrapped ("一般公\n共预算\n拨款"), letter-spaced ("合 计") or broken by
stray spaces; `column_key_for_label` squashes them first. Unknown labels get no key
(None): the caller keeps the printed label and records a `column-unknown` issue rather
than guessing.
"""

from __future__ import annotations

import re

from ..numbers import squash

# (key, pattern on the squashed label). First match wins, so specific before general.
_COLUMN_PATTERNS: list[tuple[str, str]] = [
    # 表二 收入 columns
    ("fiscal_subtotal", r"^财政拨款（补助）小计$|^财政拨款小计$"),
    ("general_public_transfer", r"^上级一般公共预算安排的?转移支付$"),
    ("gov_fund_transfer", r"^上级政府性基金安排的?转移支付$"),
    ("state_capital_transfer", r"^上级国有资本经营预算安排的?转移支付$"),
    ("general_public", r"^一般公共预算(拨款|支出)?$"),
    ("gov_fund", r"^政府性基金预算(拨款|支出)?$"),
    ("state_capital", r"^国有资本经营预算(拨款|支出)?$"),
    ("edu_fee", r"^(财政专户（教育收费）|教育收费（财政专户）|财政专户核拨|财政专户管理资金)$"),
    ("business", r"^事业收入$"),
    ("operating", r"^事业单位经营收入$"),
    ("superior_subsidy", r"^上级补助收入$"),
    ("subordinate", r"^附属单位上缴收入$"),
    ("unit_funds", r"^单位资金$"),
    ("superior_special", r"^上级专项收入$"),
    ("fund_makeup", r"^用事业基金弥补收支差额$"),
    ("other", r"^(单位)?其他(资金)?收入$"),
    ("carryover", r"^(单位)?上年结余.*$|^财政拨款结转$|^上年结转$"),
    ("non_fiscal_carryover", r"^非财政拨款结转结余$|^非财政拨款结余$"),
    # 表三/表五/表六
    ("basic", r"^基本支出$"),
    ("project", r"^项目支出(合计)?$"),
    ("personnel", r"^人员经费$"),
    ("public", r"^公用经费$"),
    ("upper", r"^上缴上级支出$"),
    ("operating_expense", r"^事业单位经营支出$"),
    ("subsidy_subordinate", r"^对附属单位补助支出$"),
    # 表七 economic classes
    ("salaries", r"^工资福利支出$"),
    ("goods_services", r"^商品和?服务支出$"),
    ("households", r"^对个人和家庭的补助$"),
    ("debt_interest", r"^债务利息及费用支出$"),
    ("capital_construction", r"^资本性支出（基本建设）$"),
    ("capital", r"^资本性支出$"),
    ("enterprise_construction", r"^对企业补助（基本建设）$"),
    ("enterprise", r"^对企业补助$"),
    ("social_security_fund", r"^对社会保障基金补助$"),
    ("other_expense", r"^其他支出$"),
    # 三公
    ("overseas", r"^因公出国（境）费(用)?$"),
    ("vehicle_total", r"^公务用车购置及运行(维护)?费$"),
    ("vehicle_purchase", r"^(公务用车)?购置费$"),
    ("vehicle_operation", r"^(公务用车)?运行(维护)?费$"),
    ("reception", r"^公务接待费$"),
    # generic
    ("total", r"^(合计|总计|小计|预算数|金额)$"),
]
_COMPILED = [(key, re.compile(p)) for key, p in _COLUMN_PATTERNS]

# 表七's economic-class columns, in the standard order (the 2021+ template), and how the
# template prints them.
ECONOMIC_LABELS = {
    "salaries": "工资福利支出", "goods_services": "商品和服务支出", "households": "对个人和家庭的补助",
    "debt_interest": "债务利息及费用支出", "capital_construction": "资本性支出（基本建设）",
    "capital": "资本性支出", "enterprise_construction": "对企业补助（基本建设）",
    "enterprise": "对企业补助", "social_security_fund": "对社会保障基金补助", "other_expense": "其他支出",
}
PROJECT_ECONOMIC_COLUMNS = list(ECONOMIC_LABELS)
# 表二's income columns, named as a message names them.
INCOME_LABELS = {
    "fiscal_subtotal": "财政拨款小计", "general_public_transfer": "上级一般公共预算转移支付",
    "gov_fund_transfer": "上级政府性基金转移支付", "state_capital_transfer": "上级国有资本经营预算转移支付",
    "edu_fee": "财政专户（教育收费）", "business": "事业收入", "operating": "事业单位经营收入",
    "superior_subsidy": "上级补助收入", "subordinate": "附属单位上缴收入", "unit_funds": "单位资金",
    "superior_special": "上级专项收入", "fund_makeup": "用事业基金弥补收支差额", "other": "其他收入",
    "carryover": "上年结转", "non_fiscal_carryover": "非财政拨款结转结余",
    "upper": "上缴上级支出", "operating_expense": "事业单位经营支出", "subsidy_subordinate": "对附属单位补助支出",
}


def column_key_for_label(label: str) -> str | None:
    """"一般公\\n共预算\\n拨款" → "general_public"; "合 计" → "total"; unknown → None."""
    text = squash(label).replace("(", "（").replace(")", "）").rstrip("：:")
    for key, pattern in _COMPILED:
        if pattern.match(text):
            return key
    return None
