"""The Chinese a department-year page shows for checks, issues and stated changes."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

from generator.issue_titles import CHECK_TITLES, ISSUE_TITLES, chinese_words
from generator.render.quality import Quality, change_quote, change_subject, check_title

CHECKS = Path(__file__).resolve().parents[1] / "generator" / "checks"


def test_every_check_slug_has_a_chinese_title():
    slugs = {m for p in CHECKS.glob("*.py")
             for m in re.findall(r'"([a-z]+(?:-[a-z]+)+)"', p.read_text(encoding="utf-8"))}
    slugs -= {s for s in slugs if s in ISSUE_TITLES}  # issue slugs the checks module also names
    assert slugs and slugs - set(CHECK_TITLES) == set()
    english = [t for t in {**CHECK_TITLES, **ISSUE_TITLES}.values()
               if not re.search(r"[\u4e00-\u9fff]", t) or re.search(r"[a-z]", re.sub(r"Word|Excel", "", t))]
    assert english == []


def _issue_slugs() -> set[str]:
    """Every slug a literal `Issue(...)` (or a layout's issue helper) names in generator/."""
    found = set()
    for path in CHECKS.parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            slug = node.args[0].value
            if func in ("Issue", "issue", "_issue", "add") and isinstance(slug, str) \
                    and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", slug):
                found.add(slug)
    return found


def test_every_issue_slug_has_a_chinese_title():
    """`check` and the page's 数据质量 panel title each group by its slug: none falls back
    to the catch-all title."""
    slugs = _issue_slugs()
    assert len(slugs) > 50 and "table-repeated" in slugs
    assert sorted(s for s in slugs if s not in ISSUE_TITLES and s not in CHECK_TITLES) == []


def test_check_title_names_its_table_once():
    def check(slug, name):
        return {"slug": slug, "name": name}
    assert check_title(check("row-basic-project", "表三 合计 = basic + project")) == \
        "表三：一行的合计不等于基本支出加项目支出"
    assert check_title(check("performance-count", "说明 绩效项目数 = 项目支出绩效目标表数")) == \
        "说明所述绩效项目数与绩效目标表数不符"
    assert check_title(check("some-new-check", "表一 合计 = basic")) == "表一 合计 = 基本支出"


def test_messages_lose_their_english_place_words():
    assert chinese_words("表三 row 201 03 01: 合计 1249.92 ≠ 基本 1249.62") == \
        "表三 科目 201 03 01: 合计 1249.92 ≠ 基本 1249.62"
    assert chinese_words("三公经费表 row at line 1468").startswith("三公经费表 行 at")


def test_stated_change_subjects_are_whole_and_quotes_start_at_a_word():
    assert change_subject(".一般公共服务（类") == "一般公共服务"
    assert change_subject("卫生健康支出（类）行政事业单位医疗（款）") == "卫生健康支出（类）行政事业单位医疗（款）"
    assert change_quote({"text": "：99）：2021年预算数为157万元，比上年\n预算增加0万元。"}) == \
        "…2021年预算数为157万元，比上年 预算增加0万元…"
    assert change_quote({"text": " 1314.4 万元，占 99.97%，"}) == "…1314.4 万元，占 99.97%…"


def test_project_sums_say_what_is_unlisted():
    q = Quality([], 0, 0, [], frozenset(), 0, Decimal("321.60"), Decimal("617.60"))
    assert q.projects_differ and q.projects_unlisted == Decimal("296.00")
    q = Quality([], 0, 0, [], frozenset(), 0, Decimal("10"), Decimal("15"), 2, Decimal("5"))
    assert q.projects_differ and q.projects_unlisted == 0
    assert not Quality([], 0, 0, [], frozenset(), 0, Decimal("5"), Decimal("5.00")).projects_differ
