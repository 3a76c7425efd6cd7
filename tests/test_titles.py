"""Table titles (the catalogue's, matched at a line's end) and page breaks: the local templates' long names and the central
template's short ones (收支总表, 一般公共预算支出表 …) name the same tables, in every layout;
a table broken by a page (title again with （续）, or only its header again) reads as one."""

from __future__ import annotations

import re

import pytest

from generator.golden import to_golden
from generator.parse.document import parse_text
from generator.sources import SourceText, read_source
from generator.tables.catalogue import load_catalogue

from .conftest import sample_paths


@pytest.mark.parametrize(("line", "key"), [
    ("表一 部门收支总体情况表", "summary"), ("表1 收支总表", "summary"), ("2024年部门收支总表", "summary"),
    ("部门（单位）收支总体情况表", "summary"), ("收支预算总表", "summary"),
    ("财政拨款收支总表", "fiscal"), ("表四：财政拨款收支预算总体情况表", "fiscal"),
    ("收入总表", "income"), ("部门支出总表", "expense"), ("一般公共预算支出表", "general_public"),
    ("一般公共预算当年拨款支出情况表", "general_public"), ("一般公共预算基本支出表", "basic"),
    ("一般公共预算项目支出表", "projects"), ("一般公共预算“三公”经费支出表", "three_public"),
    ("政府性基金预算支出表", "gov_fund"), ("国有资本经营预算支出表", "state_capital"),
    ("项目支出绩效目标表", None), ("部门整体支出绩效目标表", None),
    ("政府性基金预算支出情况表为空表。", None), ("二、收入预算情况说明", None),
    # the catalogue's titles (other templates): the longest title the line ends with decides
    ("一般公共预算财政拨款支出预算表", "general_public"), ("财政拨款支出预算表", None),
    ("收入支出决算总表", "summary"), ("2026年部门“三公”经费和机关运行经费预算表", "three_public"),
])
def test_title_names_its_table(line, key):
    assert load_catalogue().title_key(line) == key


SHORT_NAMES = [("部门（单位）收支总体情况表", "收支总表"), ("部门收支总体情况表", "收支总表"),
               ("部门（单位）收入总体情况表", "收入总表"), ("部门收入总体情况表", "收入总表"),
               ("部门（单位）支出总体情况表", "支出总表"), ("部门支出总体情况表", "支出总表"),
               ("财政拨款收支预算总体情况表", "财政拨款收支总表"),
               ("财政拨款收支总体情况表", "财政拨款收支总表"), ("支出情况表", "支出表")]


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_short_titles_read_as_the_long_ones(path):
    """Every sample with its titles renamed to the short forms reads to the same key."""
    source, _ = read_source(path)
    text = source.text
    for long, short in SHORT_NAMES:
        text = text.replace(long, short)
    assert text != source.text
    renamed = SourceText(source.path, text, text.split("\n"), source.encoding, source.sha256)
    assert to_golden(parse_text(renamed).document) == to_golden(parse_text(source).document)


LONG_PREFIX = "新疆维吾尔自治区伊犁哈萨克自治州奎屯市人力资源和社会保障局2024年"


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_titles_after_a_long_department_name_and_year(path):
    """A title printed after the department's full name and the year (43 characters with
    the name of the table) still names its table."""
    source, _ = read_source(path)
    lines = source.text.split("\n")
    for n, line in enumerate(lines):
        title = line.strip()
        if load_catalogue().title_key(title) and not title.startswith(("表", "-")) and "、" not in title \
                and "为空表" not in title and len(title) < 30:
            lines[n] = line.replace(title, LONG_PREFIX + title)
    text = "\n".join(lines)
    assert text != source.text
    renamed = SourceText(source.path, text, text.split("\n"), source.encoding, source.sha256)
    assert to_golden(parse_text(renamed).document) == to_golden(parse_text(source).document)


def _sample_table(stem: str, key: str):
    """A sample's source, its document, one of its tables and the line of that table's
    first figure."""
    path = next(p for p in sample_paths() if p.stem == stem)
    source, _ = read_source(path)
    original = parse_text(source).document
    table = original.tables[key]
    first = min(r.line for r in [*table.rows, *table.totals.values()] if r.line)
    return source, original, table, first


def _parse_lines(source: SourceText, lines: list[str]):
    return parse_text(SourceText(source.path, "\n".join(lines), lines, source.encoding, source.sha256)).document


@pytest.mark.parametrize("stem", ["000_ab55e0fe6b52661f", "002_612b4141f6be892e", "003_1a51fd34a15064aa"])
def test_a_table_continued_on_the_next_page_under_its_title_with_xu(stem):
    """表三 broken by a page: a page number, the title again with （续）, the 编制部门 and
    unit lines and the header again, then the rest of its rows. The table reads as one
    (pdf-single-space and tsv left the rest unread: a title ending in （续） was none)."""
    source, original, table, first = _sample_table(stem, "expense")
    lines = source.text.split("\n")
    header = lines[table.line:first - 1]  # what stands between the title and the first figure
    at = table.rows[3].line - 1
    page = ["", "- 7 -", "", lines[table.line - 1].rstrip() + "（续）", *header, ""]
    doc = _parse_lines(source, lines[:at] + page + lines[at:])
    assert to_golden(doc)["expense"] == to_golden(original)["expense"]


@pytest.mark.parametrize("key", ["expense", "general_public"])
def test_a_tsv_table_goes_on_after_a_page_number_and_its_header_again(key):
    """A page number line inside a tab-separated table ("- 7 -"), then the 编制部门 and
    unit lines and the header again, without the title: the table goes on (the page
    number ended it, and the rest was left unread as rows-unplaced)."""
    source, original, table, first = _sample_table("002_612b4141f6be892e", key)
    lines = source.text.split("\n")
    at = table.rows[3].line - 1
    doc = _parse_lines(source, lines[:at] + ["", "- 7 -", "", *lines[table.line:first - 1], ""] + lines[at:])
    assert to_golden(doc)[key] == to_golden(original)[key]


@pytest.mark.parametrize("form_feed", ["", "\f"])
@pytest.mark.parametrize("key", ["expense", "general_public", "basic"])
def test_a_pdf_table_goes_on_after_a_page_footer_and_its_header_again(key, form_feed):
    """pdftotext of a table over two pages: the page footer ("- 7 -", maybe a form feed),
    then only the column header again, no title. pdf-single-space cut the table there
    (table-cut: the rest unread); a header after a page break is the page's own."""
    source, original, table, first = _sample_table("000_ab55e0fe6b52661f", key)
    lines = source.text.split("\n")
    header = [line for line in lines[table.line:first - 1] if not re.search(r"编制|单位[:：]", line)]
    at = next(r.line for r in table.rows[3:] if re.match(r"\d{3}\b", lines[r.line - 1])
              and not lines[r.line - 2].strip()) - 1  # a row's first line, not a wrapped one
    doc = _parse_lines(source, lines[:at] + ["", "- 7 -", form_feed, *header, ""] + lines[at:])
    assert to_golden(doc)[key] == to_golden(original)[key]
    assert not any(i.slug == "table-cut" for i in doc.issues)


@pytest.mark.parametrize("every", [7, 23, 31])
@pytest.mark.parametrize("marker", ["第 {n} 页", "- {n} -", "共 20 页 第 {n} 页", "第{n}页/共20页", "— {n} —"])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_page_numbers_anywhere_change_nothing(path, marker, every):
    """A page's number line printed every few lines, wherever it falls: inside a table, a
    wrapped row, a header over two lines, a list of 二级预算单位. It ended tables, joined
    cells and split headers; now the document reads as without it."""
    source, _ = read_source(path)
    lines = []
    for n, line in enumerate(source.text.split("\n"), 1):
        lines.append(line)
        if n % every == 0:
            lines.append(marker.format(n=n // every))
    assert to_golden(_parse_lines(source, lines)) == to_golden(parse_text(source).document)


@pytest.mark.parametrize("every", [13, 29, 41])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_form_feeds_at_page_starts_change_nothing(path, every):
    """pdftotext ends each page with a form feed, so a page's first line starts with one:
    in a cell or a wrapped name ("\\f）"), it became part of a word cell, of a 说明 科目's
    name, and moved pdf-padded cells."""
    source, _ = read_source(path)
    lines = ["\f" + line if n % every == 0 else line
             for n, line in enumerate(source.text.split("\n"), 1)]
    assert to_golden(_parse_lines(source, lines)) == to_golden(parse_text(source).document)


@pytest.mark.parametrize("repeat", ["title", "header", "nothing"])
@pytest.mark.parametrize("key", ["expense", "general_public", "basic"])
def test_a_word_table_goes_on_over_a_page_break(key, repeat):
    """word-cells (one cell a line, rows ended by a blank line): a page number between two
    rows, then the title again with （续） and the header again, or only the header, or
    nothing. The table reads as one, without a warning of its own."""
    source, original, table, first = _sample_table("001_39ebdcf812bae707", key)
    lines = source.text.split("\n")
    # A bare tab is an empty cell; only an empty line ends a row.
    header = lines[table.line:max(i for i in range(table.line, first - 1) if lines[i] == "")]
    at = max(i for i in range(table.rows[3].line - 1) if lines[i] == "") + 1
    page = ["- 7 -", ""] + {"title": [lines[table.line - 1] + "（续）", *header, ""],
                            "header": [*header, ""], "nothing": []}[repeat]
    doc = _parse_lines(source, lines[:at] + page + lines[at:])
    assert to_golden(doc)[key] == to_golden(original)[key]
    assert _table_slugs(doc, key) == _table_slugs(original, key)


def _table_slugs(doc, key: str) -> list[str]:
    return sorted(i.slug for i in doc.issues if i.table == key)


@pytest.mark.parametrize("label", ["总计", "合  计", "合计："])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_total_labels_read_alike(path, label):
    """合计 printed as 总计, letter-spaced or with a colon, in a total row or a column
    header, in every layout. 合计： was read as a plain row (its figures under a name
    "合计：", with no issue) or left a header unread; 总计 left pdf-padded's 表七 header
    unknown."""
    source, _ = read_source(path)
    text = re.sub(r"(^|\t)合计(?=[\t ]|$)", lambda m: m.group(1) + label, source.text, flags=re.M)
    assert text != source.text
    lines = text.split("\n")
    assert to_golden(_parse_lines(source, lines)) == to_golden(parse_text(source).document)
