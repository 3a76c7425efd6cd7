"""Department identity: one department under the names its files print (rules and aliases)."""

from __future__ import annotations

import pytest

from generator.config import ConfigError, load_config
from generator.departments import NOT_PARTY, DepartmentNames, normalize

JIANGSU_OFFICE = ["中国共产党江苏省委员会办公厅",  # 2017 tables
                  "中共江苏省委办公厅",  # 2018–19 tables
                  "江苏省委办公厅",  # the narrative files
                  "中共江苏省委办公厅本级", "中共江苏省委办公厅（本级）", "中共 江苏省委 办公厅"]
XINJIANG = ["新疆维吾尔自治区喀什地区行政公署办公室", "克州人民政府办公室",
            "新疆维吾尔自治区喀什地区喀什市人民政府办公室", "阿图什市人民政府办公室",
            "新疆维吾尔自治区喀什地区政务服务和公共资源管理局"]


def test_the_jiangsu_party_office_is_one_department_under_all_its_names():
    assert {normalize(n) for n in JIANGSU_OFFICE} == {"中共江苏省委办公厅"}


def test_different_departments_stay_apart():
    keys = [normalize(n) for n in XINJIANG + ["江苏省人民检察院", "中共江苏省委办公厅",
                                              "中共江苏省纪律检查委员会", "江苏省委宣传部"]]
    assert len(set(keys)) == len(keys)
    assert normalize("江苏省委宣传部") == "中共江苏省委宣传部"
    # A 纪律检查委员会 is not a place's committee: its name is kept.
    assert normalize("中国共产党江苏省纪律检查委员会") == "中共江苏省纪律检查委员会"


@pytest.mark.parametrize("name", [f"江苏省{n}" for n in NOT_PARTY] + [f"上海市普陀区{n}" for n in NOT_PARTY])
def test_a_government_commission_is_not_made_a_party_committee(name):
    assert normalize(name) == name


def test_a_district_committee_keeps_its_place():
    assert normalize("上海市普陀区委社会工作部") == "中共上海市普陀区委社会工作部"
    assert normalize("中国共产党上海市普陀区委员会社会工作部") == "中共上海市普陀区委社会工作部"


def test_aliases_join_what_the_rules_keep_apart_and_name_the_department():
    names = DepartmentNames({"喀什市人民政府办公室": "新疆维吾尔自治区喀什地区喀什市人民政府办公室"})
    assert names.key("喀什市人民政府办公室") == names.key("新疆维吾尔自治区喀什地区喀什市人民政府办公室")
    key = names.key("喀什市人民政府办公室")
    assert names.shown_name(key, [(2024, "喀什市人民政府办公室")]) == \
        "新疆维吾尔自治区喀什地区喀什市人民政府办公室"
    # Without an alias: the name its latest year printed.
    plain = DepartmentNames()
    key = plain.key("江苏省委办公厅")
    assert plain.shown_name(key, [(2017, "中国共产党江苏省委员会办公厅"),
                                  (2019, "中共江苏省委办公厅")]) == "中共江苏省委办公厅"


def test_alias_chains_end_and_loops_do_not_hang():
    names = DepartmentNames({"甲局": "乙局", "乙局": "丙局", "丁局": "戊局", "戊局": "丁局"})
    assert names.key("甲局") == names.key("丙局") == "丙局"
    assert names.key("丁局") in {"丁局", "戊局"}


def test_aliases_in_site_toml(tmp_path):
    (tmp_path / "site.toml").write_text('[departments.aliases]\n"江苏省委办公厅" = "中共江苏省委办公厅"\n',
                                        encoding="utf-8")
    assert load_config(tmp_path, strict=True).get("departments.aliases") == {
        "江苏省委办公厅": "中共江苏省委办公厅"}
    (tmp_path / "site.toml").write_text('[departments.aliases]\n"江苏省委办公厅" = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="departments.aliases"):
        load_config(tmp_path)

