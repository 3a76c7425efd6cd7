"""The catalogue pipeline's pieces on small texts: the pdftotext reader's cells, the
segmenter's furniture, header columns, codes, exact units, and a site built from a real
rendering."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.build import build
from generator.db import connect, query
from generator.parse.document import parse_file
from generator.readers.text import read_text
from generator.sources import SourceText
from generator.tables.catalogue import load_catalogue
from generator.tables.codes import read_code, split_fused
from generator.tables.segment import find_tables

REAL = Path(__file__).resolve().parent / "real" / "text"


def _source(text: str, path: str = "x.txt") -> SourceText:
    return SourceText(path=path, text=text, lines=text.split("\n"), encoding="utf-8", sha256="0")


LAYOUT = "\n".join([
    "                 2024年部门财务收支预算总表",
    "编制部门：上海市普陀区某局                                单位：元",
    "           项目             预算数                       项目          预算数",
    "一、财政拨款收入      1,000 一、一般公共服务支出            600",
    "1. 一般公共预算资金     1,000 二、公共安全支出              400",
    "           收入总计        1,000            支出总计       1,000",
    "\f                   部门“三公”经费和机关运行经费预算表",
    "编制部门：上海市普陀区某局                                单位:万元",
    "   合计          因公出国(境)费   公务接待费   机关运行经费",
    "        0.95                         0.95          229.43",
    "注：本表为空表。",
] * 1) + "\n" + "\n".join(["x" * 5 + "  " + "y" for _ in range(25)])


def test_layout_cells_split_at_two_spaces_with_wide_characters_counting_two() -> None:
    grid = read_text(_source(LAYOUT))
    assert grid.format == "pdftotext-layout"
    row = next(r for r in grid.rows if r.cells[0].text == "一、财政拨款收入")
    texts = [c.text for c in row.cells]
    # an amount one space from the next label is a cell of its own
    assert texts == ["一、财政拨款收入", "1,000", "一、一般公共服务支出", "600"]
    assert (row.cells[0].x0, row.cells[0].x1) == (0, 16)  # eight wide characters
    assert row.cells[1].x0 == 22
    assert "1. 一般公共预算资金" in [c.text for r in grid.rows for c in r.cells]
    assert [r.page for r in grid.rows if "三公" in r.text()] == [2]


def test_single_space_text_has_no_positions() -> None:
    grid = read_text(_source("收入总计 1,000 支出总计 1,000\n一、财政拨款收入 1,000"))
    assert grid.format == "pdftotext-plain"
    assert all(c.x0 is None for r in grid.rows for c in r.cells)
    assert [c.text for c in grid.rows[0].cells] == ["收入总计", "1,000", "支出总计", "1,000"]


def test_segmenter_reads_units_notes_and_skips_toc_entries() -> None:
    toc = "目录\n  1. 2024年部门财务收支预算总表   ……………………\n"
    grid = read_text(_source(toc + LAYOUT))
    segments, issues = find_tables(grid, load_catalogue())
    kinds = [(s.kind.kind, s.unit) for s in segments]
    assert kinds == [("summary", "元"), ("three_public", "万元")]
    assert segments[1].notes == ["注：本表为空表。"]
    assert not any("编制部门" in r.text() for s in segments for r in s.rows)


def test_a_table_unit_wins_and_converts_exactly(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(LAYOUT, encoding="utf-8")
    doc = parse_file(path).document
    summary, three = doc.tables["summary"], doc.tables["three_public"]
    assert (summary.unit, three.unit, doc.unit) == ("元", "万元", "元")
    assert summary.totals["income"].values["amount"] == Decimal("0.1000")  # 1,000 元, exactly
    row = three.rows[0].values
    # the 三公 row prints 合计, 公务接待费 and 机关运行经费: placed by the header's centres
    assert (row["total"], row["reception"], row["operating_costs"]) == (
        Decimal("0.95"), Decimal("0.95"), Decimal("229.43"))
    assert "overseas" not in row


def test_codes_printed_in_parts_without_zero_or_fused() -> None:
    grid = read_text(_source("201   05   07   专项普查活动   257,700\n301 2 津贴补贴 5\n"))
    assert read_code(grid.rows[0].cells)[:2] == ("2010507", "201 05 07")
    assert read_code(grid.rows[1].cells)[0] == "30102"
    assert split_fused("310资本性支出") == ("310", "资本性支出")
    assert split_fused("2024年预算") == (None, "2024年预算")


def test_catalogue_titles_of_every_template() -> None:
    catalogue = load_catalogue()
    for title, kind in [("公开 01 表：收支预算总表", "summary"), ("财政拨款收入支出决算总表", "fiscal"),
                        ("一般公共预算支出预算表（功能科目）", "general_public"),
                        ("2024年部门一般公共预算支出功能分类预算表（续）", "general_public"),
                        ("“三公”经费、会议费、培训费支出预算表", "three_public"),
                        ("部门收支总体情况表", "summary")]:
        match = catalogue.match_title(title)
        assert match is not None and match[0].kind == kind, title
    assert catalogue.match_title("详见《收支预算总表》。") is None
    assert catalogue.template_of(["2024年部门财务收支预算总表"]).name == "shanghai-budget"
    assert catalogue.template_of(["表一 部门收支总体情况表"]).legacy


def test_site_builds_from_a_real_rendering(make_site) -> None:
    name = "shanghai_putuo_justice_dept_budget_2026.layout.txt"
    site = make_site({"site.toml": '[site]\ntitle = "t"\n[build]\nsearch = false\ncharts = false\n',
                      f"content/disclosures/{name}": (REAL / name).read_bytes()})
    report = build(site)
    assert len(report.documents) == 1 and not report.failed
    con = connect(site / "build" / "data" / "budget.duckdb")
    tables = {r["table_key"]: r for r in query(con, "SELECT table_key, title, printed_unit FROM source_tables")}
    assert {"summary", "general_public", "basic", "three_public"} <= set(tables)
    assert (tables["summary"]["printed_unit"], tables["three_public"]["printed_unit"]) == ("元", "万元")
    assert tables["summary"]["title"] == "2026年部门财务收支预算总表"  # as printed; the standard name is the key
    total = query(con, "SELECT amount FROM table_values v JOIN table_rows r USING (doc_id, table_key, row_no) "
                  "WHERE v.table_key = 'summary' AND r.total_key = 'income'")
    assert [t["amount"] for t in total] == [Decimal("9628.221344")]  # 96,282,213.44 元, exactly


def test_wrapped_rows_keep_their_blocks_a_bare_section_and_a_wrapped_total() -> None:
    """Single-space text: a code line, its name's pieces, a blank line, a project and the
    amounts make one row whose name cells are the blocks; a bare 款 "03" takes its pieces;
    "合" / "计 …" is one total row; a code printed in parts never closes a row."""
    from generator.readers.single_space import single_space_rows
    from generator.tables.rejoin import rejoin_wrapped_rows
    from generator.tables.segment import Segment
    lines = ["201 03 02", "一般行政", "管理事务", "", "驻京办业务专项 70.94 70.94", "03", "政府办公厅",
             "1345.48 1073.76", "99 其他一般公", "201 05 02", "合", "计 1662.5"]
    rows = single_space_rows(list(enumerate(lines, 1)))
    seg = Segment(load_catalogue().kind("projects"), "表七", 0, None, rows=rows)
    rejoin_wrapped_rows(seg, read_text(_source("")))
    texts = [[c.text for c in r.cells] for r in seg.rows]
    assert texts[0] == ["201", "03", "02", "一般行政管理事务", "驻京办业务专项", "70.94", "70.94"]
    assert texts[1] == ["03", "政府办公厅", "1345.48", "1073.76"]
    assert texts[2:] == [["99", "其他一般公"], ["201", "05", "02"], ["合计", "1662.5"]]
