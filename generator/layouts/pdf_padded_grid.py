"""One-sided tables of the pdf-padded layout (表二 三 五 六 七, 政府性基金, 国有资本经营,
上年结转结余): header → columns, body lines → whole rows → `Row`s."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Column, Issue, Row
from ..numbers import is_total_label, squash
from ..parse.titles import TABLE_NUMBER_RE
from .pdf_padded_cells import (
    CODE_HEADER_RE,
    PAGE_NUMBER_RE,
    SplitRow,
    StarRow,
    amount_of,
    has_decimal_amount,
    normalize_name,
    read_label,
    read_star_row,
    split_row,
)
from .pdf_padded_columns import ColumnMatch, header_text, match_columns, template_width
from .pdf_padded_doubts import MAX_ROW_CHARS, has_number_fragment, is_code, row_doubts
from .pdf_padded_infer import place_amounts

Lines = list[tuple[int, str]]
# Tables whose rows are classification codes (function or economic).
CODED = {"expense", "general_public", "basic", "projects", "gov_fund", "state_capital"}
# A row's code cells as printed: "201 03 01", "301 01".
_CODE_CELLS_RE = re.compile(r"^\s*\d{3}((?: \d{2}){1,2}) ")
# A wrapped row spans a few lines; more pending lines than this are not one row.
MAX_FRAGMENTS = 8
# The widest template has 12 value columns; a '※' row numbering far more is no header.
MAX_COLUMNS = 40
META_PREFIXES = ("编制部门", "编制单位", "单位：", "单位:")


@dataclass
class RawRow:
    """A whole row: label tokens, value tokens, the line its amounts are printed on."""

    line: int
    label: list[str]
    values: list[str]
    inferred: bool = False  # columns placed by identities (see pdf_padded_infer)
    decided: bool = True
    doubts: list[tuple[str, str]] = field(default_factory=list)  # (slug, why): pdf_padded_doubts


@dataclass
class Grid:
    """A table's header facts and its whole rows."""

    star: StarRow | None
    code_cells: int
    match: ColumnMatch
    rows: list[RawRow] = field(default_factory=list)
    stated_empty: bool = False
    # Lines with amounts never read, and why.
    leftovers: list[tuple[int, str]] = field(default_factory=list)
    # Where the table's rows stop before its segment does (another table's header), and why.
    cut: tuple[int, str] | None = None
    codes_from_rows: bool = False  # no 类 款 项 header: code cells counted in the rows


def is_meta_line(text: str) -> bool:
    return squash(text).startswith(META_PREFIXES)


def read_grid(key: str, body: Lines) -> Grid:
    """Header analysis and row assembly for one table's lines (title excluded)."""
    star_at = next((i for i, (no, t) in enumerate(body)
                    if len(t) <= MAX_ROW_CHARS and read_star_row(t, no)), None)
    star = read_star_row(body[star_at][1], body[star_at][0]) if star_at is not None else None
    head = body[:star_at] if star_at is not None else body[:0]
    head_texts = [t for _, t in head if not is_meta_line(t)]
    # Without a '※' row (lost, or not printed) the codes header is among the first lines.
    code_cells = _code_cells(head_texts if star else [t for _, t in body[:12]])
    codes_from_rows = 0
    if not code_cells and key in CODED:  # the 类 款 项 header lost: count the rows' codes
        code_cells = codes_from_rows = _code_cells_of_rows(body)
    if star is not None:
        count = star.value_cells if star.value_cells <= MAX_COLUMNS else 0
    else:  # no numbered row: the header must name a whole template
        count = template_width(key, header_text([t for _, t in body[:12]]))
    match = match_columns(key, header_text(head_texts) if star else
                          header_text([t for _, t in body[:12]]), count)
    grid = Grid(star, code_cells, match, codes_from_rows=bool(codes_from_rows))
    rows_from = star_at + 1 if star_at is not None else 0
    grid.stated_empty = any("为空表" in t for _, t in body)
    if count:
        _assemble(body[rows_from:], count, grid, strict_start=star is None, table_key=key)
    return grid


def _code_cells(head_texts: list[str]) -> int:
    for text in head_texts:
        m = CODE_HEADER_RE.search(text)
        if m:
            return 3 if "项" in m.group(0) else 2
    return 0


def _code_cells_of_rows(body: Lines) -> int:
    """The most code cells a row prints ("201 03 01": 3, "301 01": 2), 0 if none."""
    cells = 0
    for _, text in body:
        m = _CODE_CELLS_RE.match(text) if len(text) <= MAX_ROW_CHARS else None
        if m:
            cells = max(cells, 1 + m.group(1).count(" "))
    return cells


def _assemble(lines: Lines, count: int, grid: Grid, strict_start: bool, table_key: str) -> None:
    """Join wrapped fragments into whole rows (see pdf_padded_cells).

    Only label fragments wait for the next line: amounts end a row, so a line with
    amounts that does not complete one is reported, never glued to the next row.
    """
    pending: Lines = []
    width = (grid.star.label_cells if grid.star else 1) + count
    for index, (no, text) in enumerate(lines):
        if len(text) > MAX_ROW_CHARS:
            grid.leftovers.append((no, f"a line of {len(text)} characters is no table row; "
                                   "not read"))
            continue
        if text == "" or is_meta_line(text) or "为空表" in text:
            continue
        if not text.strip():
            # A placeholder row (one space per cell) or the page-start marker.
            if not pending and (len(text) >= width - 1 or len(text) == 1):
                continue
            pending.append((no, text))
            continue
        if not pending and PAGE_NUMBER_RE.match(text) and _page_follows(lines, index):
            continue
        cut = _other_table_starts(text, no, grid)
        if cut:
            grid.cut = (no, cut)
            break
        if read_star_row(text, no):  # the header repeated after a page break
            pending = []
            continue
        if grid.code_cells and _starts_with_code(text) and any(
                _starts_with_code(t) for _, t in pending):
            pending = []  # a code fragment whose rest was lost: no row to join it to
        joined = "".join(t for _, t in pending) + text
        split = split_row(joined, count)
        if split is not None and not (strict_start and not grid.rows and pending):
            grid.rows.append(_raw(no, split, grid.code_cells))
            pending = []
            continue
        if split is None and _is_trimmed_row(joined):
            grid.rows.append(_trimmed(no, joined, count, table_key, grid.code_cells))
            pending = []
            continue
        if strict_start and not grid.rows:
            continue
        if has_number_fragment(text):
            for item in [*pending, (no, text)]:
                _drop(item, grid)
            pending = []
            continue
        pending.append((no, text))
        if len(pending) > MAX_FRAGMENTS:
            _drop(pending.pop(0), grid)
    for item in pending:
        _drop(item, grid)


def _starts_with_code(text: str) -> bool:
    first = text.split(None, 1)[:1]
    return bool(first) and is_code(first[0])


def table_number_of(text: str) -> str | None:
    """The number of a line that holds only a table number ("表 2", "表三："), else None."""
    number = squash(text)
    m = TABLE_NUMBER_RE.match(number)
    return m.group(1) if m and number == m.group(0).rstrip("：:") else None


def _other_table_starts(text: str, no: int, grid: Grid) -> str | None:
    """Why `text` starts another table (its title line lost or moved), or None.

    A table's '※' row is printed again only after a page break, with the same cells;
    a table number line ("表 8") stands only above a title.
    """
    star = read_star_row(text, no)
    if star is not None:
        if grid.star is None or (star.label_cells, star.value_cells) != (
                grid.star.label_cells, grid.star.value_cells):
            return (f"a header of {star.label_cells} + {star.value_cells} cells inside the "
                    "table: the rows from here on belong to another table and are not read")
        return None
    if table_number_of(text):
        return (f"the table number {text.strip()!r} inside the table: the rows from here "
                "on belong to the next table and are not read")
    return None


def _page_follows(lines: Lines, index: int) -> bool:
    """A lone small number is a page number when the next printed line starts a page
    (one leading space) — a wrapped code fragment is followed by its name instead."""
    for _, text in lines[index + 1:]:
        if text:
            return text.startswith(" ")
    return True


def _raw(no: int, split: SplitRow, code_cells: int) -> RawRow:
    return RawRow(no, split.label, split.values,
                  doubts=row_doubts(split.label, split.values, code_cells))


def _is_trimmed_row(text: str) -> bool:
    """A row whose trailing spaces were lost: it ends in an amount, not a space."""
    if text.endswith(" "):
        return False
    tokens = text.split(" ")
    return has_decimal_amount(tokens[-1]) and any(not has_decimal_amount(t) and t for t in tokens)


def _trimmed(no: int, text: str, count: int, table_key: str, code_cells: int) -> RawRow:
    """Amounts in printed order after the label, placed by the identities."""
    tokens = text.split(" ")
    cut = len(tokens)
    while cut > 0 and (tokens[cut - 1] == "" or has_decimal_amount(tokens[cut - 1])):
        cut -= 1
    amounts = [amount_of(t) for t in tokens[cut:] if t]
    placed, decided = place_amounts(table_key, amounts, count)
    values = ["" if v is None else format(v, "f") for v in placed]
    doubts = row_doubts(tokens[:cut], [t for t in tokens[cut:] if t], code_cells)
    return RawRow(no, tokens[:cut], values, inferred=True, decided=decided, doubts=doubts)


def _drop(item: tuple[int, str], grid: Grid) -> None:
    no, text = item
    if has_number_fragment(text):
        grid.leftovers.append((no, "amounts on this line belong to no whole row"))


def values_of(raw: RawRow, columns: list[Column]) -> dict:
    return {col.key: amount_of(tok) for col, tok in zip(columns, raw.values)}


def grid_issues(key: str, title: str, grid: Grid, path: str, table_line: int) -> list[Issue]:
    """What the reader could not read for sure, as issues."""
    issues: list[Issue] = []
    short = title.split()[0] if title else key
    if not grid.match.known and grid.match.columns:
        # Every figure of the table stands under an unnamed column: an issue on the
        # table, not on its title line.
        issues.append(Issue("column-unknown", f"{short} (line {table_line}): header fits no "
                            f"known template ({len(grid.match.columns)} columns); kept as "
                            "col_1…", path, None, "warning", key))
    if grid.star is not None and grid.star.value_cells > MAX_COLUMNS:
        issues.append(Issue("table-unread", f"{short}: the column-number row numbers "
                            f"{grid.star.value_cells} columns; the table was not read", path,
                            grid.star.line, "error", key))
    elif grid.star is None and not grid.match.columns:
        issues.append(Issue("table-unread", f"{short}: no column-number row and no known "
                            "header; the table was not read", path, table_line, "error", key))
    if grid.codes_from_rows:
        issues.append(Issue("header-missing", f"{short}: no 类 款 项 header; {grid.code_cells} "
                            "code cells, as the rows print them", path, table_line, "info", key))
    for no, why in grid.leftovers:
        issues.append(Issue("row-unread", f"{short}: {why}", path, no, "warning", key))
    if grid.cut is not None:
        no, why = grid.cut
        issues.append(Issue("table-cut", f"{short}: {why}", path, no, "warning", key))
    return issues


def build_rows(key: str, grid: Grid, names_by_code: dict[str, str]) -> tuple[list[Row], Row | None]:
    """Rows and the total row of a coded (or name-only) table."""
    rows: list[Row] = []
    total: Row | None = None
    current_class: str | None = None
    current_unit: str | None = None
    for raw in grid.rows:
        label = read_label(raw.label, grid.code_cells, current_class)
        values = values_of(raw, grid.match.columns)
        inferred = tuple(k for k, v in values.items() if v is not None) if raw.inferred else ()
        if key == "projects":
            name, project = split_function_and_project(label.names, names_by_code.get(label.code or ""))
        else:
            name, project = normalize_name(" ".join(label.names)), None
        row = Row(line=raw.line, name=name or None, code=label.code, code_raw=label.code_raw,
                  unit=current_unit, project=project, values=values, inferred=inferred)
        if label.code is None:
            if is_total_label(name) and total is None:
                row.kind = "line"
                total = row
                continue
            if grid.code_cells and name:
                current_unit = name
                row.unit, row.kind = name, "unit"
            else:
                row.kind = "line"
        else:
            current_class = label.code[:3]
            row.kind = _kind_for_code(key, label.code)
        rows.append(row)
    if key == "projects":
        _mark_item_subtotals(rows)
    return rows, total


def _mark_item_subtotals(rows: list[Row]) -> None:
    """A nameless 项 line followed by named projects of the same code that sum to it is
    the 项's subtotal, not an unnamed project."""
    for i, row in enumerate(rows):
        if row.kind != "project" or row.project is not None:
            continue
        following = []
        for other in rows[i + 1:]:
            if other.code != row.code or other.project is None:
                break
            following.append(other.values.get("total") or 0)
        if following and sum(following) == row.values.get("total"):
            row.kind = "item"


def _kind_for_code(key: str, code: str) -> str:
    if len(code) == 3:
        return "class"
    if len(code) == 5:
        return "section"
    return "project" if key == "projects" else "item"


def split_function_and_project(names: list[str], known: str | None) -> tuple[str, str | None]:
    """表七's two name cells: 功能分类科目名称 then 项目名称 (which may hold spaces)."""
    words = [t for t in names]
    while words and words[0] == "":
        words.pop(0)
    if not words:
        return "", None
    cut = 1
    if known:
        for k in range(1, len(words) + 1):
            if squash("".join(words[:k])) == squash(known):
                cut = k
                break
    function = normalize_name(" ".join(words[:cut]))
    project = normalize_name(" ".join(words[cut:]))
    return function, project or None
