"""Text sections of a template without 第X部分 parts, found by its 目录 (上海's 预算: 部门主要职能,
部门机构设置, 名词解释, 部门预算编制说明, the tables, 其他相关情况说明, 项目经费情况说明)."""

from __future__ import annotations

from generator.parse.document import parse_file
from generator.parse.sections import contents_headings

from .conftest import SAMPLES

BODY = """上海市普陀区2026年区级部门预算
预算主管部门：上海市普陀区某某局
{contents}
上海市普陀区某某局主要职能
主要职能包括：
（一）贯彻执行国家和本市有关法律。
（二）完成区委、区政府交办的其他任务。
上海市普陀区某某局机构设置
本部门中，行政单位1家。
名词解释
（一）财政拨款收入：是区级预算主管部门从本级财政部门取得的财政拨款。
（二）、基本支出预算：为保障其机构正常运转而编制的年度基本支出计划。
2026年部门预算编制说明
2026年，上海市普陀区某某局收入预算100.00万元。
2026年部门财务收支预算总表
编制部门：上海市普陀区某某局      单位：元
一、财政拨款收入      1,000,000.00   一、公共安全支出      1,000,000.00
收入总计      1,000,000.00   支出总计      1,000,000.00
其他相关情况说明
一、2026年“三公”经费预算数为0万元。
项目经费情况说明
一、项目概述：某某项目。
七、绩效目标
项目名称    某某项目
"""

DOTTED = """目 录
一、部门主要职能 ……………………………………
二、部门机构设置 ……………………………………
三、名词解释 …………………………………………
四、部门预算编制说明 ……………………………
五、部门预算表 ………………………………………
  1. 2026年部门财务收支预算总表 ………………
六、其他相关情况说明 ……………………………
七、项目经费情况说明 ……………………………
八、绩效目标 …………………………………………"""

# pdftotext without -layout: no dots, 目 and 录 on lines of their own
PLAIN = """目

录

一、部门主要职能
二、部门机构设置
三、名词解释
四、部门预算编制说明
五、部门预算表
1. 2026年部门财务收支预算总表
六、其他相关情况说明
七、项目经费情况说明
八、绩效目标
"""

EXPECTED = [("上海市普陀区某某局主要职能", "overview"), ("上海市普陀区某某局机构设置", "overview"),
            ("名词解释", "glossary"), ("2026年部门预算编制说明", "explanation"),
            ("其他相关情况说明", "explanation"), ("项目经费情况说明", "explanation")]


def _headings(contents: str) -> list[tuple[int, int, str, str]]:
    return contents_headings(BODY.format(contents=contents).split("\n"))


def test_sections_by_the_contents_with_and_without_dot_leaders():
    for contents in (DOTTED, PLAIN):
        found = _headings(contents)
        assert [(title, part) for _, _, title, part in found] == EXPECTED
        lines = BODY.format(contents=contents).split("\n")
        explanation = next(f for f in found if f[2] == "2026年部门预算编制说明")
        # the 说明 stops at the first table's title, the last section at the 绩效 heading
        assert lines[explanation[1]].strip() == "2026年部门财务收支预算总表"
        assert lines[found[-1][1]].strip() == "七、绩效目标"


def test_no_contents_or_a_table_after_it_gives_no_sections():
    assert _headings("") == []
    # `pdftotext -raw` of a tables-only file: 目录 then a table's rows, not entries
    table = "目 录\n部门：中共江苏省委办公厅 单位：万元\n一、财政拨款 24,458.43 一、一般公共服务支出 20,153.75"
    assert _headings(table) == []


def test_shanghai_budget_pdf_reads_its_text_sections():
    doc = parse_file(SAMPLES / "shanghai_putuo_justice_dept_budget_2026.pdf").document
    titles = [s.title for s in doc.sections]
    assert titles == ["上海市普陀区司法局主要职能", "上海市普陀区司法局机构设置", "名词解释",
                      "2026年部门预算编制说明", "其他相关情况说明", "人民调解项目经费情况说明"]
    assert doc.functions[0].startswith("（一）贯彻执行国家和本市有关司法行政工作")
    assert [term for term, _, _ in doc.glossary][:2] == ["财政拨款收入", "事业收入"]
    explanation = next(s for s in doc.sections if s.title == "2026年部门预算编制说明")
    assert "收入预算9628.22万元" in explanation.text and "收入总计" not in explanation.text
    stated = {f.key: f.amount for f in doc.figures}
    assert str(stated["operating_costs"]) == "217.83"
