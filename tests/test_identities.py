"""The identities the answer-key notes mark as failing are reported; those that hold are not.

Each expected entry is (slug, source line, status) and names the notes' identity it stands
for (tests/golden/notes/<sample>.notes.json, "identities" with holds=false). The sets must
match exactly: an extra entry would be a holding identity reported as broken.
"""

from __future__ import annotations

import pytest

from generator.checks import run_checks
from generator.parse.document import parse_file

from .conftest import SAMPLES

EXPECTED = {
    "000_ab55e0fe6b52661f": {
        ("summary-vs-expense-classes", 94, "rounding"),   # 表一 201 4564.64 vs 表三 201 over sub-units 4564.65
        ("parent-children", 237, "rounding"),             # 表二 地区统计局 20105 = sum of 项 rows
        ("parent-children", 257, "rounding"),             # 表二 地区信访局 unit row = sum of 类 rows
        ("parent-children", 408, "rounding"),             # 表三 地区统计局 unit row 基本支出
        ("row-basic-project", 410, "rounding"),           # 表三 line 410 合计 = 基本 + 项目
        ("parent-children", 412, "rounding"),             # 表三 地区统计局 20105 = sum of 项 rows
        ("row-basic-project", 412, "rounding"),           # 表三 line 412
        ("parent-children", 430, "rounding"),             # 表三 地区信访局 unit row = sum of 类 rows
        ("row-basic-project", 430, "rounding"),           # 表三 line 430
        ("sub-units-sum", 492, "rounding"),               # 表三 合计 项目支出 = sum of sub-units
        ("fiscal-vs-general-public-classes", 503, "rounding"),  # 表四 201 = 表一 201 (4564.64) vs 表五 4564.65
        ("parent-children", 604, "rounding"),             # 表五 地区统计局 unit row 基本支出 (same as 表三 408)
        ("row-basic-project", 606, "rounding"),           # 表五 line 606
        ("parent-children", 608, "rounding"),             # 表五 20105
        ("row-basic-project", 608, "rounding"),           # 表五 line 608
        ("parent-children", 626, "rounding"),             # 表五 地区信访局 unit row
        ("row-basic-project", 626, "rounding"),           # 表五 line 626
        ("sub-units-sum", 688, "rounding"),               # 表五 合计 项目支出 = sum of sub-units
        ("parent-children", 701, "rounding"),             # 表六 301 = sum of 款 rows
        ("sub-units-sum", 1081, "rounding"),              # 表七 合计 (its first line, "合") = sum of sub-unit rows
    },
    "001_39ebdcf812bae707": {
        ("parent-children", 494, "fail"),                 # 表三 20103 = 2010301 + 2010399
        ("row-basic-project", 502, "fail"),               # 表三 2010301 合计 = 基本 + 项目
        ("row-personnel-public", 1171, "fail"),           # 表六 30211 差旅费 合计 = 人员 + 公用
        ("row-personnel-public", 1290, "rounding"),       # 表六 合计 = 人员经费 + 公用经费
        ("table-total", 1290, "fail"),                    # 表六 合计 公用经费 = sum of printed rows
        ("projects-vs-general-public", 1427, "fail"),     # 表七 合计 = 表五 项目支出
        ("text-parts-sum", 1700, "rounding"),             # 说明 人员经费 + 公用经费 = 基本支出
        ("performance-count", 1764, "fail"),              # 说明 绩效 project count 5 = number of 绩效目标表
    },
    "002_612b4141f6be892e": set(),
    "003_1a51fd34a15064aa": {
        ("summary-income-sum", 137, "rounding"),          # 表一 一、本年收入 + 二、上年结转结余 = 收入总计
        ("table-total", 210, "rounding"),                 # 表二 总计行 = 各类之和
        ("row-basic-project", 260, "rounding"),           # 表三 总计行 合计 = 基本 + 项目
        ("table-total", 260, "rounding"),                 # 表三 总计行 基本支出 = 各类之和
        ("summary-class-sum", 374, "rounding"),           # 表四 支出各类合计之和 = 支出总计
        ("table-total", 390, "rounding"),                 # 表五 总计行 = 各类之和
        ("parent-children", 439, "rounding"),             # 表六 301 = 下级之和
        ("parent-children", 459, "rounding"),             # 表六 302 = 下级之和
    },
    "004_27a732d9d5264bbf": {
        ("table-total", 253, "rounding"),                 # 表六 各行之和 = 合计行
        ("table-total", 262, "fail"),                     # 表七 各项目行之和 = 合计行
        ("performance-count", 526, "fail"),               # 说明十 绩效项目数 = 绩效目标表个数
    },
}


@pytest.mark.parametrize("stem", sorted(EXPECTED), ids=lambda s: s[:3])
def test_reported_identities_match_the_notes(stem):
    doc = parse_file(SAMPLES / f"{stem}.txt").document
    reported = {(r.slug, r.line, r.status) for r in run_checks(doc) if r.status != "pass"}
    assert reported == EXPECTED[stem]
