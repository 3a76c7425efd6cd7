"""The department's name when the 编制部门 lines are missing: the 第一部分 heading, else the
cover ("XX局 2024 年部门预算公开"), never a generic word."""

from __future__ import annotations

import re

import pytest

from generator.parse.document import parse_text
from generator.sources import SourceText, read_source

from .conftest import SAMPLES


def _without_department_lines(stem: str, heading: str | None) -> tuple[SourceText, SourceText]:
    source, _ = read_source(SAMPLES / f"{stem}.txt")
    text = "\n".join("" if re.search(r"编制(部门|单位)", line) else line for line in source.text.split("\n"))
    if heading is not None:
        text = re.sub(r"第一部分\s*(20\d\d\s*年)?[^\n]*?(\n[^\n]*?)?概况", heading, text, count=2)
    return source, SourceText(source.path, text, text.split("\n"), source.encoding, source.sha256)


@pytest.mark.parametrize("stem", ["002_612b4141f6be892e", "004_27a732d9d5264bbf"])
def test_department_from_the_cover_when_the_heading_names_none(stem):
    source, changed = _without_department_lines(stem, "第一部分 部门概况")
    before, after = parse_text(source).document, parse_text(changed).document
    assert after.department == before.department and after.region == before.region
    cover_line = next(n for n, line in enumerate(changed.lines, 1) if line.strip())
    assert after.department_line == cover_line


@pytest.mark.parametrize("unit", ["（单位：万元）", "(单位:万元)", "金额单位：万元", "单位：万元"])
@pytest.mark.parametrize("stem", ["000_ab55e0fe6b52661f", "003_1a51fd34a15064aa"])
def test_the_unit_after_the_department_is_not_part_of_its_name(stem, unit):
    """"编制部门（单位）：XX局 （单位：万元）": the department was "XX局 （"."""
    source, _ = read_source(SAMPLES / f"{stem}.txt")
    text = source.text.replace("单位：万元", unit)
    changed = SourceText(source.path, text, text.split("\n"), source.encoding, source.sha256)
    assert parse_text(changed).document.department == parse_text(source).document.department


def test_a_generic_heading_is_no_department():
    _, changed = _without_department_lines("001_39ebdcf812bae707", "第一部分 部门概况")
    doc = parse_text(changed).document
    assert doc.department is None  # 001 has no cover: said, not made up
    assert any(i.slug == "department-missing" for i in doc.issues)


@pytest.mark.parametrize(("department", "region"), [
    ("新疆维吾尔自治区喀什地区喀什市人民政府办公室", "喀什市"),
    ("克州人民政府办公室", "克孜勒苏柯尔克孜自治州"),
    ("北京市海淀区教育委员会", "海淀区"),
    ("中共北京市委宣传部", "北京市"),  # a Party organ: 中共 + its region + 委
    ("中共阿图什市委组织部", "阿图什市"),
    ("中国共产党克州纪律检查委员会", "克孜勒苏柯尔克孜自治州"),
    ("中共喀什地区委员会办公室", "喀什地区"),
    ("中共中央宣传部", None),
])
def test_region_of_a_department(department, region):
    from generator.parse.regions import region_of

    assert region_of(department) == region


def _with_staffing(stem: str, old: str, new: str) -> SourceText:
    source, _ = read_source(SAMPLES / f"{stem}.txt")
    assert old in source.text
    text = source.text.replace(old, new)
    return SourceText(source.path, text, text.split("\n"), source.encoding, source.sha256)


@pytest.mark.parametrize(("printed", "authorized"), [
    ("编制数61", 61),                       # as the sample prints it
    ("行政政法人员编制 61 人", 61),          # 江苏: one kind of posts, its count
    ("核定行政编制61名", 61),
    ("行政编制40名、事业编制21名", None),    # two kinds and no printed total: none is made up
    ("本年新增外事服务中心编制 9 人", None),  # a change, not the posts
])
def test_the_authorized_posts_as_printed_or_none(printed, authorized):
    doc = parse_text(_with_staffing("001_39ebdcf812bae707", "编制数61", printed)).document
    assert doc.staffing.authorized == authorized
    assert doc.staffing.actual == 102
    assert any(i.slug == "staffing-missing" for i in doc.issues) == (authorized is None)


def test_a_file_that_prints_no_staffing_is_told_apart_from_one_whose_staffing_is_unread():
    """上海's template prints no 编制数: said as info; a 编制数 printed in words the reader
    does not know is a warning."""
    unread = parse_text(_with_staffing("001_39ebdcf812bae707", "编制数61", "编制数：六十一")).document
    silent = parse_text(_with_staffing("001_39ebdcf812bae707", "编制数61，实有人数102人", "")).document
    severity = {name: next(i.severity for i in d.issues if i.slug == "staffing-missing")
                for name, d in (("unread", unread), ("silent", silent))}
    assert severity == {"unread": "warning", "silent": "info"}


def test_the_year_is_not_the_year_a_budget_compares_with():
    """A rendering that starts after the cover (`pdftotext -f 8`, 上海 区级部门预算 2024):
    its 说明 names the year before more often ("2023年当年预算执行数为…，比2023年…"); the
    budget's year is the one it budgets."""
    from generator.model import Document
    from generator.parse.profile import read_profile

    text = "\n".join(2 * [
        "  17. “社会保障和就业支出（类）就业补助（款）公益性岗位补贴（项）”421.23万元，主要用于公益性岗位补贴。2023年当年预算",
        "执行数为389.59万元，2024年预算安排421.23万元，比2023年预算执行数增加8.12%。主要原因是：公益性岗位补贴经费增加。"])
    doc = Document(path="excerpt.txt", layout="pdftotext-layout", sha256="", encoding="utf-8")
    read_profile(SourceText("excerpt.txt", text, text.split("\n"), "utf-8", ""), doc)
    assert doc.year == 2024
