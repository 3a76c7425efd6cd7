"""The analysts' downloads, on the shipped site (5 Xinjiang samples, 16 real PDFs), built once:
`key_figures` figure for figure against the answer keys (tests/golden, tests/real/KEY.json),
`line_items` summing to each table's printed 合计, the per-table CSVs saying whose and
which year they are."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from generator.cli import main
from generator.keyfigures import MEASURES
from generator.numbers import to_site_unit

from .conftest import GOLDEN, ROOT

KEY = json.loads((ROOT / "tests" / "real" / "KEY.json").read_text(encoding="utf-8"))
# Jiangsu's narrative-only files state their figures in prose, which the prose reader does
# not yet turn into key figures (tests/test_real_key.py scores them apart): of theirs, a
# figure given must be right, a figure missing is allowed.
NARRATIVE = "_text_"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The shipped content built into a scratch folder (one build for the module)."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    shutil.copytree(ROOT / "content", root / "content")
    assert main(["build", str(root), "--clean"]) == 0
    return root / "build"


@pytest.fixture(scope="module")
def con(site):
    connection = duckdb.connect(str(site / "data" / "budget.duckdb"), read_only=True)
    yield connection
    connection.close()


def _answer(file_name: str) -> tuple[dict[str, Decimal | None], str] | None:
    """The answer key's figure per measure, in 万元, and its source; None without a key."""
    stem = Path(file_name).stem
    if (GOLDEN / f"{stem}.json").exists():
        key = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
        sections = {"summary": key["summary"], "general_public": key["general_public"]["total"],
                    "basic_economic": key["basic"]["total"], "three_public": key["three_public"]}
        unit, three_unit = key["unit"], key["unit"]
    elif stem in KEY:
        key = KEY[stem]
        sections = key
        unit, three_unit = key["unit"], key["three_public"]["unit"]
    else:
        return None
    out = {}
    for measure, (section, field) in MEASURES.items():
        value = sections[section].get(field)
        in_unit = three_unit if section == "three_public" else unit
        out[measure] = None if value is None else to_site_unit(Decimal(value), in_unit)
    return out, stem


def test_key_figures_equal_the_answer_keys(con) -> None:
    """Every document's key figures against the answer key of each file it is read from
    (江苏's narrative and tables files make one department-year: both keys apply)."""
    rows = con.execute("SELECT doc_id, measure, amount, unit FROM key_figures").fetchall()
    got: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for doc_id, measure, amount, unit in rows:
        assert unit == "万元"
        got[doc_id][measure] = amount
    files = defaultdict(list)
    for doc_id, file_name in con.execute(
            "SELECT doc_id, file_name FROM document_sources ORDER BY doc_id, position").fetchall():
        files[doc_id].append(file_name)
    assert sum(map(len, files.values())) == 21 and set(files) == set(got)
    compared = 0
    misses = []
    for doc_id, figures in got.items():
        assert list(figures) == list(MEASURES), doc_id  # one row per measure, each once
        for file_name in files[doc_id]:
            answer = _answer(file_name)
            assert answer is not None, file_name
            want, stem = answer
            for measure, value in want.items():
                if value is None or (NARRATIVE in stem and figures[measure] is None):
                    continue
                compared += 1
                if figures[measure] != value:
                    misses.append((stem, measure, value, figures[measure]))
    assert not misses, misses
    assert compared >= 200  # the keys' figures, not a handful


def test_key_figures_carry_who_when_what_and_where(con) -> None:
    rows = con.execute(
        "SELECT k.*, d.path FROM key_figures k JOIN documents d USING (doc_id) "
        "WHERE k.amount IS NOT NULL").fetchall()
    names = [d[0] for d in con.execute("DESCRIBE key_figures").fetchall()]
    for row in rows:
        r = dict(zip(names + ["path"], row))
        assert r["department"] and r["year"] and r["kind"] in ("budget", "final_accounts")
        assert r["scope"] in ("department", "unit")
        assert r["source"].startswith(f"{r['path']}:{r['line']}")
        assert to_site_unit(Decimal(r["printed"]), r["printed_unit"]) == r["amount"]
    kinds = dict(con.execute("SELECT s.file_name, any_value(k.kind || '/' || k.scope) FROM key_figures k "
                             "JOIN document_sources s USING (doc_id) GROUP BY 1").fetchall())
    for stem, key in KEY.items():
        if f"{stem}.pdf" in kinds:
            assert kinds[f"{stem}.pdf"] == f"{key['kind']}/{key['scope']}", stem


def _allowance(printed: list[str], printed_unit: str) -> Decimal:
    """How far a sum of printed, rounded figures may be from a printed total: half a step
    of the last printed place, per term and for the total."""
    out = Decimal(0)
    for text in printed:
        places = len(text.split(".")[1]) if "." in text else 0
        out += to_site_unit(Decimal(1).scaleb(-places) / 2, printed_unit)
    return out


def test_line_items_sum_to_each_printed_total(con) -> None:
    """Per document, table and column: the 明细 (detail) amounts add up to the printed 合计,
    exactly or within rounding — or a failed identity check of that table says they do not."""
    items = con.execute(
        "SELECT doc_id, table_key, column_key, amount, printed, printed_unit, is_total, line "
        "FROM line_items WHERE detail OR is_total").fetchall()
    groups: dict[tuple, dict] = defaultdict(lambda: {"parts": [], "total": None})
    for doc_id, table, column, amount, printed, unit, is_total, line in items:
        group = groups[(doc_id, table, column)]
        if is_total:
            group["total"] = (amount, printed, unit, line)
        else:
            group["parts"].append((amount, printed, line))
    failed_lines = defaultdict(set)
    for doc_id, line, parts in con.execute(
            "SELECT doc_id, line, part_lines FROM checks WHERE status = 'fail'").fetchall():
        failed_lines[doc_id] |= {line, *(parts or [])}
    exact = rounding = flagged = 0
    unexplained = []
    for (doc_id, table, column), group in groups.items():
        if group["total"] is None or not group["parts"] or column.startswith("unplaced_"):
            continue
        total, printed, unit, line = group["total"]
        parts = group["parts"]
        difference = abs(sum(p[0] for p in parts) - total)
        if difference == 0:
            exact += 1
        elif difference <= _allowance([printed] + [p[1] for p in parts], unit):
            rounding += 1
        elif failed_lines[doc_id] & ({line} | {p[2] for p in parts}):
            flagged += 1
        else:
            unexplained.append((doc_id, table, column, difference))
    assert not unexplained, unexplained
    assert exact > 3 * (rounding + flagged), (exact, rounding, flagged)  # 164, 24, 6 today


def test_each_printed_amount_is_one_line_item(con) -> None:
    """line_items holds every non-empty cell of table_values once, and nothing else."""
    values = con.execute("SELECT count(*) FROM table_values WHERE amount IS NOT NULL").fetchone()[0]
    items = con.execute("SELECT count(*) FROM line_items").fetchone()[0]
    assert items == values > 1000
    # 克州's 三公: the first row is the 合计, so summing the units' lines does not double it
    total = con.execute(
        "SELECT sum(amount) FROM line_items l JOIN documents d USING (doc_id) "
        "WHERE d.file_name = '001_39ebdcf812bae707.txt' AND table_key = 'three_public' "
        "AND column_key = 'total' AND NOT is_total").fetchone()[0]
    assert total == Decimal("129.84")


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _doc_id(con, file_name: str) -> str:
    return con.execute("SELECT doc_id FROM documents WHERE file_name = ?", [file_name]).fetchone()[0]


def test_a_table_csv_says_whose_which_year_and_what_each_row_is(site, con) -> None:
    """克州's 三公 CSV: named after the department-year, every row with doc_id, 部门, 年度
    and unit, the first row (the department's) called 合计; 喀什's 表三 names the columns
    placed by inference, as the database does."""
    doc_id = _doc_id(con, "001_39ebdcf812bae707.txt")
    department, year = con.execute("SELECT department, year FROM documents WHERE doc_id = ?",
                                   [doc_id]).fetchone()
    rows = _read_csv(site / "budgets" / doc_id / "tables" / f"{doc_id}-three_public.csv")
    assert {(r["文件标识 doc_id"], r["部门"], r["年度"], r["金额单位"]) for r in rows} == {
        (doc_id, department, str(year), "万元")}
    assert [r["行类型"] for r in rows][:2] == ["合计", "栏目"]
    doc_id = _doc_id(con, "000_ab55e0fe6b52661f.txt")
    rows = _read_csv(site / "budgets" / doc_id / "tables" / f"{doc_id}-expense.csv")
    # the rows' lines (a wrapped row's figures stand on its last line: line_items says that one)
    inferred_lines = {line for (line,) in con.execute(
        "SELECT DISTINCT line FROM table_rows WHERE doc_id = ? AND table_key = 'expense' AND inferred IS NOT NULL",
        [doc_id]).fetchall()}
    marked = {int(r["源文件行号"]) for r in rows if r["推定位置的列"]}
    assert inferred_lines and marked == inferred_lines
    assert {r["行类型"] for r in rows} >= {"类", "款", "项", "单位", "合计"}
    data = json.loads((site / "budgets" / doc_id / "tables" / f"{doc_id}-expense.json").read_text("utf-8"))
    assert {row["line"] for row in data["rows"] if row["inferred"]} == inferred_lines


def test_the_new_tables_are_downloads_and_every_column_key_and_measure_is_explained(site, con) -> None:
    data = site / "data"
    for name in ("key_figures", "line_items"):
        rows = _read_csv(data / "csv" / name / "part-0000.csv")
        assert len(rows) == con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0
        for fmt in ("csv", "json", "parquet"):  # a small site: one part
            assert [p.name for p in (data / fmt / name).iterdir()] == [f"part-0000.{fmt}"]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["name"] == "key_figures-csv"
    keys = {k for (k,) in con.execute("SELECT DISTINCT column_key FROM table_values").fetchall()}
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    dictionary = (site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    for key in keys | set(MEASURES):
        assert f"| `{key}` |" in schema, key
        assert f"<code>{key}</code>" in dictionary, key
    assert "dictionary/#key_figures" in (site / "data" / "index.html").read_text(encoding="utf-8")


# Latin letters a Chinese message may hold: names of formats and encodings, and the key of a
# column kept unplaced (as it is called in table_values).
_LATIN_ALLOWED = re.compile(r"unplaced_\d+|U\+FFFD|PDF|OCR|UTF-\d+|GB18030|GBK|Unicode")


def test_issue_and_check_messages_are_chinese_and_slugs_stay_english(con) -> None:
    """issues.csv and checks.csv (and the page's 数据质量 panel, which shows the same rows)
    say what is wrong in Chinese, naming tables, rows and figures as printed; the slug is
    the stable English key. (Issues of the tsv, word-cells and pdf-padded layouts are left
    out: those layouts are being moved onto the shared pipeline and still speak English.)"""
    rows = con.execute(
        "SELECT i.slug, i.message FROM issues i JOIN documents d USING (doc_id) "
        "WHERE d.layout IN ('pdf', 'pdf-single-space') "
        "UNION ALL SELECT slug, message FROM checks WHERE status <> 'pass'").fetchall()
    assert len(rows) > 150
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", slug) for slug, _ in rows)
    english = [(slug, message) for slug, message in rows
               if re.search(r"[A-Za-z]{2,}", _LATIN_ALLOWED.sub("", message))]
    assert english == []
    assert any(re.search(r"表[一二三四五六七]「[^」]+」行：", message) for _, message in rows)
