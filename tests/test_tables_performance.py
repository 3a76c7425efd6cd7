"""The shared key-value interpreter (绩效目标表) on small cell grids: positionless PDF text
(cells split at spaces, labels and figures wrapped) and ruled rows (a sheet, Word or
tab-separated cells), and the segmenter keeping one table per project."""

from __future__ import annotations

from decimal import Decimal

from generator.grid import Cell, Grid, GridRow
from generator.model import Origin
from generator.tables.catalogue import load_catalogue
from generator.tables.performance import read_performance
from generator.tables.segment import find_tables


def _grid(lines: list[str], ruled: bool = False) -> Grid:
    """One row per line; cells split at tabs (ruled) or at spaces (text)."""
    rows = []
    for n, text in enumerate(lines, 1):
        parts = text.split("\t") if ruled else text.split()
        cells = [Cell(p, Origin(line=n), col=i if ruled else None) for i, p in enumerate(parts)]
        rows.append(GridRow(cells, n, ruled=ruled))
    return Grid("t.txt", "test", "\n".join(lines), rows)


def _targets(lines: list[str], ruled: bool = False):
    catalogue = load_catalogue()
    segments, _ = find_tables(_grid(lines, ruled), catalogue)
    read = [read_performance(s, catalogue, "t.txt") for s in segments if s.kind.shape == "key_value"]
    return [t for t, _ in read if t is not None], [i for _, issues in read for i in issues]


TEXT = [
    "项目支出绩效目标表",
    "预算单位 某某局",
    "项目名称 12345 热线 项目 项目负责人 张三",
    "项目资金(万",
    "元) 年度预算总额 1,338.91",
    "其中：财政拨",
    "款 1,338.91 其他资金 0.00",
    "项目总体目标",
    "项目预算总资金 1338.91 万元，其中：其他资金 0 万元。保障热线运行，提高接通率。",
    "一级",
    "指标 二级 三级指标 指标值 指标值设置依据 分值 佐证资料",
    "产出",
    "指标",
    "数量",
    "指标",
    "平台运营维护费 =1 年 计划标准 10 直接赋分 历史凭证",
    "满意度指标 满意度指标 群众满意率 ≥95% 计划标准 10 赋分 资料",
    "（五） 其他需说明的事项",
    "项目支出绩效目标表",
    "项目名称 第二个项目",
    "项目资金 年度资金总额：20 其中：财政拨款：15 其他资金：4",
    "一级指标 二级指标 三级指标 指标值",
]


def test_text_grid_wrapped_labels_and_whole_indicator_rows():
    (first, second), issues = _targets(TEXT)
    assert (first.name, first.unit, first.line) == ("12345热线项目", "某某局", 1)
    assert (first.amount, first.fiscal_amount, first.other_funds) == (
        Decimal("1338.91"), Decimal("1338.91"), Decimal("0.00"))
    assert first.goal.startswith("项目预算总资金") and "其他需说明" not in first.goal
    assert [(i.level1, i.level2, i.name, i.value) for i in first.indicators] == [
        ("产出指标", "数量指标", "平台运营维护费", "=1年"),
        ("满意度指标", "满意度指标", "群众满意率", "≥95%")]
    # one key for the total, the label as printed beside it
    assert (first.amount_label, second.amount_label) == ("年度预算总额", "年度资金总额")
    assert second.amount == Decimal("20")
    doubts = [i.message for i in issues if i.slug == "performance-doubtful"]
    assert doubts == ["项目支出绩效目标表 第二个项目：年度资金总额 20 ≠ 财政拨款 + 其他资金 19"]


def test_a_repeated_amount_line_and_a_missing_name_are_issues():
    lines = TEXT[:7] + [TEXT[6]] + TEXT[7:19] + TEXT[20:]
    targets, issues = _targets(lines)
    assert [t.name for t in targets] == ["12345热线项目"]
    assert {(i.slug, i.line) for i in issues} >= {("performance-doubtful", 1),
                                                  ("performance-unreadable", 20)}


RULED = [
    "部门整体绩效目标表",
    "部门名称（盖章）\t\t某某局\t\t",
    "部门联系人\t张三\t联系电话:\t13899182812",
    "年度绩效目标\t\t加强干部队伍建设。",
    "年度预算 (万元)\t资金来源\t资金总额（万元）",
    "\t财政资金（万元）\t上级安排\t0.33",
    "\t\t本级安排\t1314.40",
    "\t其他资金（万元）\t其他\t0.00",
    "一级指标\t二级指标\t三级指标\t指标值\t指标设定依据",
    "履职效能\t数量指标\t保障常务会议次数\t≥60 次\t工作计划",
    "\t\t起草公文数量\t≤536 件\t工作计划",
    "\t质量指标\t议案办结率\t=100%\t工作计划",
]


def test_ruled_grid_department_funds_and_carried_levels():
    (target,), issues = _targets(RULED, ruled=True)
    assert (target.kind, target.name, target.unit) == ("department", "某某局", "某某局")
    assert (target.amount, target.fiscal_amount, target.other_funds) == (
        Decimal("1314.73"), Decimal("1314.73"), Decimal("0.00"))
    assert target.goal == "加强干部队伍建设。"
    assert [(i.level1, i.level2, i.name, i.value, i.line) for i in target.indicators] == [
        ("履职效能", "数量指标", "保障常务会议次数", "≥60 次", 10),
        ("履职效能", "数量指标", "起草公文数量", "≤536 件", 11),
        ("履职效能", "质量指标", "议案办结率", "=100%", 12)]
    assert issues == []
    # personal data is never a value of the target
    assert "13899182812" not in repr(target) and "张三" not in repr(target)


VALUE_LAST = [
    "项 目 支 出 绩 效 目 标 表",
    "预算单位 某某办公室 项目名称 协同办公网关",
    "项目",
    "项目资金（万元",
    "） 年度资金总额： 20 其中：财政拨",
    "款 20 其他资金",
    "2024年部门预算公开",
    "项目总体目标 维护协同办公系统1套。",
    "一级指标 二级指标 三级指标 指标值（包含数字及文字描述）",
    "产出指标",
    "数量指标 维护协同办公系统 =1套",
    "系统运行维护响应 ≤24小时",
    "成本指标",
    "维护系统成本 ≤20万元/套",
    "满意度指标 满意度指标 使用人员满意度 =100%",
]


def test_value_last_rows_wrapped_name_and_a_page_header_after_other_funds():
    """Single-space text: the value ends each indicator row; 成本指标 over indicators is a
    二级; "2024年…" after 其他资金 is a page header, not its amount; the name wraps."""
    (target,), issues = _targets(VALUE_LAST)
    assert (target.name, target.amount, target.fiscal_amount, target.other_funds) == (
        "协同办公网关项目", Decimal("20"), Decimal("20"), None)
    assert [(i.level1, i.level2, i.name, i.value) for i in target.indicators] == [
        ("产出指标", "数量指标", "维护协同办公系统", "=1套"),
        ("产出指标", "数量指标", "系统运行维护响应", "≤24小时"),
        ("产出指标", "成本指标", "维护系统成本", "≤20万元/套"),
        ("满意度指标", "满意度指标", "使用人员满意度", "=100%")]
    assert issues == []
