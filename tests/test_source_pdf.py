"""The source view of a PDF source: its reader's text, each page linked to the original,
which is published beside source.txt; each figure's page and box in the database."""

from __future__ import annotations

from decimal import Decimal

from generator import db, readers
from generator.config import load_config
from generator.grid import Cell, Grid, GridRow
from generator.model import Column, Document, Origin, Row, Table
from generator.render import render_site

PDF = b"%PDF-1.4\n% not a real PDF: the reader is faked\n"
LINES = ["表三 部门支出总体情况表", "单位：元", "科目 合计", "201 一般公共服务支出 156,211,123",
         "第 2 页", "合计 156,211,123"]


def _fake_reader(path, shown):
    rows = [GridRow([Cell(text, Origin(n, page=1 if n <= 4 else 2))], n, 1 if n <= 4 else 2)
            for n, text in enumerate(LINES, 1)]
    return Grid(shown, "pdf", "\n".join(LINES), rows, pages=2)


def _document() -> Document:
    origin = Origin(6, page=2, box=(320.5, 88.0, 380.25, 99.5))
    total = Row(line=6, name="合计", values={"total": Decimal("156211123").scaleb(-4)},
                origins={"total": origin})
    item = Row(line=4, code="201", name="一般公共服务支出", kind="class",
               values={"total": Decimal("156211123").scaleb(-4)},
               origins={"total": Origin(4, page=1, box=(320.5, 700.0, 380.25, 711.5))})
    table = Table("expense", "表三 部门支出总体情况表", 1, [Column("total", "合计")], [item],
                  {"total": total}, unit="元")
    return Document(path="content/disclosures/sh_2024.pdf", layout="pdf", sha256="0" * 64,
                    encoding="utf-8", department="上海市某局", year=2024, region="上海市",
                    tables={"expense": table}, line_count=len(LINES))


def test_a_pdf_source_view_links_each_page_to_the_original(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "reader_for", lambda path: _fake_reader)
    site = tmp_path / "site"
    (site / "content" / "disclosures").mkdir(parents=True)
    (site / "content" / "disclosures" / "sh_2024.pdf").write_bytes(PDF)
    (site / "site.toml").write_text('[site]\ntitle = "测试"\n[build]\nsearch = false\ncharts = false\n',
                                    encoding="utf-8")
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    con = db.connect(out / "data" / "budget.duckdb")
    db.load_document(con, "sh-2024", _document())
    stored = db.query(con, "SELECT row_no, amount, printed, printed_unit, page, box, line "
                           "FROM table_values ORDER BY row_no")
    assert stored == [
        {"row_no": 0, "amount": Decimal("15621.1123"), "printed": "156211123", "printed_unit": "元",
         "page": 1, "box": [320.5, 700.0, 380.25, 711.5], "line": 4},
        {"row_no": 1, "amount": Decimal("15621.1123"), "printed": "156211123", "printed_unit": "元",
         "page": 2, "box": [320.5, 88.0, 380.25, 99.5], "line": 6}]
    render_site(con, load_config(site), out)
    con.close()

    budget = out / "budgets" / "sh-2024"
    assert (budget / "original.pdf").read_bytes() == PDF
    assert (budget / "source.txt").read_text(encoding="utf-8") == "\n".join(LINES)
    view = (budget / "source" / "index.html").read_text(encoding="utf-8")
    assert 'id="L4"' in view and "156,211,123" in view
    line5 = view[view.index('id="L5"'):view.index('id="L6"')]
    line1 = view[view.index('id="L1"'):view.index('id="L2"')]
    assert 'href="../original.pdf#page=2"' in line5 and 'href="../original.pdf#page=1"' in line1
    assert "#page=" not in view[view.index('id="L2"'):view.index('id="L5"')]
    assert "原始文件 sh_2024.pdf" in view
    page = (budget / "index.html").read_text(encoding="utf-8")
    assert "单位：元" in page and "156,211,123" in page
