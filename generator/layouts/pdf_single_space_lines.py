"""pdf-single-space: from text lines to table regions and printed rows.

pdftotext prints one table cell after another separated by single spaces; a long cell
wraps onto the following lines and the row's amounts stand at the end of its last line
(sometimes alone, after a blank line). So a printed row is: every label line since the
previous row, closed by the first line that ends in amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..numbers import parse_amount, squash
from ..parse.columns import column_key_for_label
from ..parse.titles import TABLE_NUMBER_RE, is_toc_entry, table_key_for_title

# "201", "201 03", "201 03 01", "301 01", "2010301" at the start of a label.
CODE_RE = re.compile(r"^(\d{3})(?:\s+(\d{2}))?(?:\s+(\d{2}))?(?=\s|$)|^(\d{5}|\d{7})(?=\s|$)")
# A broken 项 code "20 03 01" (the 类 lost its last digit in extraction).
BROKEN_CODE_RE = re.compile(r"^(\d{2})\s+(\d{2})\s+(\d{2})(?=\s|$)")
# A 款 printed alone ("03") under its 类.
SECTION_CODE_RE = re.compile(r"^(\d{2})(?=\s|$)")
# The last header line of a one-sided table: "类 款 项" / "类 款" (maybe after a label).
HEADER_END_RE = re.compile(r"类款(项)?$")
# Lines that end a table region: the next part of the document or a 绩效目标表.
REGION_STOP_RE = re.compile(
    r"^第[一二三四五六七八九十]+部分|项目支出绩效目标表|部门整体(支出)?绩效目标表"
)
UNIT_LINE_RE = re.compile(r"^编制(部门|单位)")
EMPTY_NOTE_RE = re.compile(r"为空表|无(数据|此项)")


@dataclass
class Piece:
    """One label line of a printed row."""

    line: int
    text: str


@dataclass
class RawRow:
    """A printed row before interpretation: label lines and the trailing amounts."""

    line: int
    pieces: list[Piece]
    amounts: list[Decimal]
    # The line ends in a number that is no amount ("119 .48", a number split apart): the
    # row is closed there with its amounts unread, so they do not go to the next row.
    broken: bool = False
    # The row's label was still open when the next code started: it printed no amounts,
    # which no row of a sample does, so lines may have moved (and the next row's amounts
    # be this row's).
    unclosed: bool = False

    @property
    def label(self) -> str:
        return "".join(squash(p.text) for p in self.pieces)


@dataclass
class Region:
    """The lines of one table (page-break repeats merged): title line and body parts."""

    key: str
    title: str
    line: int
    parts: list[list[tuple[int, str]]] = field(default_factory=list)
    # Lines after a table-number line ("表二：") that no title follows: another table whose
    # title was lost, not read (first line, last line, how many lines carry amounts).
    untitled: tuple[int, int, int] | None = None

    def lines(self) -> list[tuple[int, str]]:
        return [item for part in self.parts for item in part]


def split_amounts(text: str) -> tuple[str, list[Decimal]]:
    """Split "行政运行 1928 1928" into ("行政运行", [1928, 1928]): trailing amounts only."""
    tokens = join_broken_numbers(text.split())
    amounts: list[Decimal] = []
    while tokens:
        value = parse_amount(tokens[-1])
        if value is None:
            break
        amounts.append(value)
        tokens.pop()
    amounts.reverse()
    return " ".join(tokens), amounts


_DANGLING_POINT = re.compile(r"^\d+\.$")


def join_broken_numbers(tokens: list[str]) -> list[str]:
    """ "1834. 83" (a number split after its point by extraction) → "1834.83"."""
    joined: list[str] = []
    for tok in tokens:
        if joined and _DANGLING_POINT.match(joined[-1]) and tok.isdigit():
            joined[-1] += tok
        else:
            joined.append(tok)
    return joined


def find_regions(lines: list[str]) -> list[Region]:
    """Every table title and its lines, with a repeated title (page break) merged into
    the table before it."""
    titles: list[tuple[int, str, str]] = []
    stops: set[int] = set()
    for number, text in enumerate(lines, 1):
        # Every title and stop line holds 表 or 部分: skip the rest cheaply.
        if "表" not in text and "部分" not in text:
            continue
        flat = squash(text)
        if REGION_STOP_RE.search(flat):
            stops.add(number)
        if is_toc_entry(text.strip()):
            continue
        key = table_key_for_title(flat)
        if key:
            titles.append((number, key, flat))
    regions: list[Region] = []
    for index, (number, key, title) in enumerate(titles):
        end = titles[index + 1][0] - 1 if index + 1 < len(titles) else len(lines)
        body: list[tuple[int, str]] = []
        untitled, has_rows = None, False
        for n in range(number + 1, end + 1):
            if n in stops:
                break
            if has_rows and _is_number_line(lines[n - 1]):
                # "表二：" after this table's rows starts the next table, whose title is
                # not printed (a title would have ended this region): not this table's rows.
                untitled = _untitled(lines, n, end, stops)
                break
            has_rows = has_rows or _ends_in_amount(lines[n - 1])
            body.append((n, lines[n - 1]))
        if regions and regions[-1].key == key:
            regions[-1].parts.append(body)
            regions[-1].untitled = regions[-1].untitled or untitled
        else:
            regions.append(Region(key, title, number, [body], untitled))
    return regions


def _is_number_line(text: str) -> bool:
    stripped = text.strip()
    return stripped[:1] == "表" and TABLE_NUMBER_RE.sub("", squash(stripped)) == ""


def _ends_in_amount(text: str) -> bool:
    tail = text.rsplit(None, 1)
    return bool(tail) and parse_amount(tail[-1]) is not None


def _untitled(
    lines: list[str], start: int, end: int, stops: set[int]
) -> tuple[int, int, int] | None:
    """(first line, last line, lines ending in an amount) from a table-number line to the
    next title or stop, when some line there ends in an amount."""
    with_amounts, last = 0, start
    for n in range(start + 1, end + 1):
        if n in stops:
            break
        last = n
        with_amounts += _ends_in_amount(lines[n - 1])
    return (start, last, with_amounts) if with_amounts else None


def clean_body(part: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop the table-number line ("表二：") and the 编制部门 line (a page's number line is
    a form feed by now: `PdfSingleSpaceLayout.read`)."""
    kept = []
    for number, text in part:
        stripped = text.strip()
        if stripped and (
            UNIT_LINE_RE.match(stripped) or _is_number_line(text)
        ):
            continue
        kept.append((number, text))
    return kept


def split_header(
    part: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Split one page of a one-sided table into header lines and body lines."""
    for index, (_, text) in enumerate(part):
        if HEADER_END_RE.search(squash(text)):
            return part[: index + 1], part[index + 1 :]
    # No "类 款 项" line: the body starts at the first line that starts with a code
    # or ends with amounts.
    for index, (_, text) in enumerate(part):
        stripped = text.strip()
        if CODE_RE.match(stripped) or split_amounts(stripped)[1]:
            return part[:index], part[index:]
    return part, []


def pages(part: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """One part of a table split at its page breaks, where the next page prints the header
    again: a form feed (pdftotext's, or a page's number line, which
    `PdfSingleSpaceLayout.read` turns into one), then a "类 款 项" line before any line
    with amounts. Each page then loses its own header (`split_header`), so a table that
    runs over pages without printing its title again reads as one; a second header with
    no page break before it stays another table's (`cut_at_next_header`). A break before
    the page has rows (one inside a header printed over two pages) splits nothing."""
    out: list[list[tuple[int, str]]] = [[]]
    has_rows = False
    for index, (number, text) in enumerate(part):
        if "\f" in text and has_rows and _header_before_rows(part[index + 1:]):
            out.append([])
            has_rows = False
        out[-1].append((number, text))
        has_rows = has_rows or _ends_in_amount(text)
    return [page for page in out if page]


def _header_before_rows(lines: list[tuple[int, str]]) -> bool:
    for _, text in lines:
        if _ends_in_amount(text):
            return False
        if HEADER_END_RE.search(squash(text)):
            return True
    return False


def cut_at_next_header(
    body: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], tuple[int, int] | None]:
    """A page of a table prints one header; a second "类 款 项" line after rows is the
    header of another table whose title was lost. The body up to it, and (its line, the
    lines with amounts from it) when there is one."""
    seen_rows = False
    for index, (number, text) in enumerate(body):
        if seen_rows and "类" in text and HEADER_END_RE.search(squash(text)):
            rest = sum(_ends_in_amount(t) for _, t in body[index:])
            return body[:index], (number, rest)
        seen_rows = seen_rows or _ends_in_amount(text)
    return body, None


def _is_code_line(text: str, pending: list[Piece]) -> bool:
    """Does this label line start a new row with a classification code?"""
    if not (CODE_RE.match(text) or BROKEN_CODE_RE.match(text) or SECTION_CODE_RE.match(text)):
        return False
    if not pending:
        return True
    # A numbers-only line after a started label is that row's amounts, unless it
    # holds a token no amount can be ("03").
    return any(len(tok) == 2 and tok.startswith("0") for tok in text.split()) or bool(
        re.search(r"\D", text.replace(" ", "").replace(".", ""))
    )


def assemble_rows(body: list[tuple[int, str]]) -> tuple[list[RawRow], list[Piece]]:
    """Group body lines into printed rows; returns the rows and any label lines left
    over at the end (a truncated table)."""
    rows: list[RawRow] = []
    pending: list[Piece] = []
    for number, text in body:
        stripped = text.strip()
        if not stripped:
            continue
        if pending and _is_code_line(stripped, pending):
            # A new code while a label is open: the open row printed no amounts.
            rows.append(RawRow(pending[-1].line, pending, [], unclosed=True))
            pending = []
        if not pending and _is_code_line(stripped, pending):
            label, amounts = _split_code_line(stripped)
        else:
            label, amounts = split_amounts(stripped)
        if label:
            pending.append(Piece(number, label))
        if _ends_in_number_fragment(label):
            # "36.75 28 .1 8.65": a number split apart; which amounts are whose is unknown.
            rows.append(RawRow(number, pending, [], broken=True))
            pending = []
        elif amounts:
            rows.append(RawRow(number, pending, amounts))
            pending = []
    return rows, pending


# Digits, points and commas only (no nested repetition: linear on a long token).
_NUMBER_CHARS = re.compile(r"[\d.,]+")


def is_number_fragment(token: str) -> bool:
    """Digits and points that no amount parses as (".48", "5005."): a number split apart."""
    return (
        _NUMBER_CHARS.fullmatch(token) is not None
        and any(ch.isdigit() for ch in token)
        and parse_amount(token) is None
    )


def _ends_in_number_fragment(label: str) -> bool:
    """The label (its code aside: "201 03 01" alone is a code) ends in a number fragment."""
    code = CODE_RE.match(label) or BROKEN_CODE_RE.match(label) or SECTION_CODE_RE.match(label)
    tail = (label[code.end() :] if code else label).rsplit(None, 1)
    return bool(tail) and is_number_fragment(tail[-1])


def _split_code_line(text: str) -> tuple[str, list[Decimal]]:
    """A line starting with a code: the code must stay in the label even when the line
    is only digits ("201 03 02")."""
    match = CODE_RE.match(text) or BROKEN_CODE_RE.match(text) or SECTION_CODE_RE.match(text)
    assert match is not None
    code, rest = text[: match.end()], text[match.end() :]
    label, amounts = split_amounts(rest)
    return (code + " " + label).strip(), amounts


@lru_cache(maxsize=4096)
def _column_key(label: str) -> str | None:
    """`column_key_for_label`, cached: headers repeat on every page and table."""
    return column_key_for_label(label)


MAX_LABEL = 24  # no known column label is longer (squashed)


def header_columns(
    header: list[tuple[int, str]], allowed: set[str] | None, max_span: int = 8
) -> tuple[list[tuple[str, str]], list[str]]:
    """Column (key, printed label) pairs found in a wrapped header, and the printed
    pieces that are no known label (candidates for `column-unknown`).

    The header arrives as fragments ("一般公", "共预算", "拨款", "总", "计"); the
    longest run of consecutive fragments that names a known column wins.
    """
    pieces = [tok for _, text in header for tok in text.split()]
    columns: list[tuple[str, str]] = []
    leftovers: list[str] = []
    i = 0
    while i < len(pieces):
        found = None
        for j in range(min(len(pieces), i + max_span), i, -1):
            label = "".join(pieces[i:j])
            if len(label) > MAX_LABEL:
                continue
            key = _column_key(label)
            if key:
                found = (j, key, label)
                break
        if found is None:
            leftovers.append(pieces[i])
            i += 1
            continue
        j, key, label = found
        if allowed is None or key in allowed:
            columns.append((key, label))
        i = j
    return columns, leftovers


# Header words that are not value columns (stub headings, group headings, numbering).
HEADER_WORDS_RE = re.compile(
    r"^(科目|编码|名称|项目|项|目|类|款|功能|经济|分类|支出|预算|收入|合|计|※|\d+|[（(）)]|单位"
    r"|.*科目.*|.*编码|.*名称|支出预算|.*预算支出|.*基本支出|.*项目支出|财政拨款.*)$"
)


def unknown_labels(leftovers: list[str]) -> list[str]:
    """Leftover header pieces that look like a value column we do not know."""
    # A single character is a fragment of a wrapped stub heading ("…科目编" / "码").
    return [p for p in leftovers if len(squash(p)) > 1 and not HEADER_WORDS_RE.match(squash(p))]


def note_text(part: list[tuple[int, str]]) -> tuple[int, str] | None:
    """A "…为空表" note in a table's lines, with its line."""
    for number, text in part:
        if EMPTY_NOTE_RE.search(text):
            return number, text.strip()
    return None
