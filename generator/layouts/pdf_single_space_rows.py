"""pdf-single-space: printed rows → model rows (codes, sub-units, kinds) of 表二.

Amount placement is left to `pdf_single_space_place`: here each row only keeps the
amounts it printed, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Issue, Row
from ..numbers import is_total_label, squash
from .pdf_single_space_lines import BROKEN_CODE_RE, CODE_RE, SECTION_CODE_RE, RawRow


@dataclass
class Printed:
    """A model row and the amounts it printed, in print order."""

    row: Row
    amounts: list[Decimal]


@dataclass
class _Code:
    code: str | None
    raw: str
    rest: str


def read_code(text: str, current_class: str | None) -> _Code | None:
    """The code at the start of a label line, joined; None if the line has none.

    A lone 款 ("03") and a broken 项 ("20 03 01") take the 类 they are printed under.
    """
    match = CODE_RE.match(text)
    if match:
        parts = [g for g in match.groups() if g]
        return _Code("".join(parts), match.group(0), text[match.end() :].strip())
    match = BROKEN_CODE_RE.match(text)
    if match:
        a, b, c = match.groups()
        fixed = current_class + b + c if current_class and current_class.startswith(a) else None
        return _Code(fixed, match.group(0), text[match.end() :].strip())
    match = SECTION_CODE_RE.match(text)
    if match:
        code = current_class + match.group(1) if current_class else None
        return _Code(code, match.group(0), text[match.end() :].strip())
    return None


def _kind(code: str) -> str:
    if len(code) == 3:
        return "class"
    if len(code) == 5:
        return "section"  # a 5-digit code is a 款, function (201 03) or economic (301 01)
    return "item"


def interpret_rows(
    label: str, raws: list[RawRow], path: str, issues: list[Issue]
) -> tuple[list[Printed], Printed | None]:
    """Rows with code, sub-unit and kind set; the table's 合计/总计 row apart."""
    rows: list[Printed] = []
    total: Printed | None = None
    unit: str | None = None
    current_class: str | None = None
    closed = False
    for index, raw in enumerate(raws):
        if closed and total is not None:
            _rows_after_total(label, total, raws[index:], path, issues)
            break
        if raw.unclosed:
            _unclosed(label, raw, raws[index + 1] if index + 1 < len(raws) else None, path, issues)
        if raw.broken:
            issues.append(
                Issue(
                    "amount-unreadable",
                    f"{label}：第 {raw.line} 行以「{raw.pieces[-1].text.split()[-1]}」结尾，"
                    "这个数字不是金额，这一行的金额未读取",
                    path,
                    raw.line,
                    "error",
                )
            )
        first = raw.pieces[0].text if raw.pieces else ""
        parsed = read_code(first, current_class) if raw.pieces else None
        if parsed is None:
            name = raw.label
            if is_total_label(name):
                total = Printed(Row(raw.line, name, kind="line"), raw.amounts)
                # A 合计 after coded rows closes the table (a table printing its 合计
                # first has no coded row before it).
                closed = any(p.row.code for p in rows)
                continue
            if not name:
                issues.append(
                    Issue(
                        "row-unlabelled",
                        f"{label}：金额 {' '.join(map(str, raw.amounts))} 没有印出名称",
                        path,
                        raw.line,
                    )
                )
                rows.append(Printed(Row(raw.line, unit=unit, kind="line"), raw.amounts))
                continue
            unit = name or None
            current_class = None
            rows.append(Printed(Row(raw.line, name=name, unit=unit, kind="unit"), raw.amounts))
            continue
        if parsed.code is None:
            issues.append(
                Issue(
                    "code-unreadable",
                    f"{label}「{parsed.raw}」行：编码无法补全（上面没有印出类级科目）",
                    path,
                    raw.line,
                )
            )
        elif len(parsed.code) == 3:
            current_class = parsed.code
        rest_pieces = [parsed.rest] if parsed.rest else []
        rest_pieces += [p.text for p in raw.pieces[1:]]
        name = "".join(squash(t) for t in rest_pieces)
        row = Row(
            raw.line,
            name=name or None,
            code=parsed.code,
            code_raw=parsed.raw,
            unit=unit,
            kind=_kind(parsed.code) if parsed.code else None,
        )
        rows.append(Printed(row, raw.amounts))
    return rows, total


def _unclosed(
    label: str, raw: RawRow, following: RawRow | None, path: str, issues: list[Issue]
) -> None:
    """A label that printed no amounts before the next code: its amounts may be the ones
    the next row prints (lines moved), so both rows are in doubt."""
    issues.append(
        Issue(
            "row-unfinished",
            f"{label}：名称「{raw.label[:40]}」在下一个编码之前没有金额（行被"
            "移动或丢失？），这一行和下一行都存疑",
            path,
            raw.line,
        )
    )
    if following is not None:
        issues.append(
            Issue(
                "row-unfinished",
                f"{label}：上一行（第 {raw.line} 行）没有印出金额，"
                "这一行的金额可能属于上一行",
                path,
                following.line,
            )
        )


def check_code_chain(label: str, rows: list[Printed], path: str, issues: list[Issue]) -> None:
    """Doubts a row's code casts on the row before it (`code_doubts` reports the row
    itself): a code printed twice in a row puts the first in doubt as
    well — a repeated line took the amounts of the line after it; a 款 printed alone
    ("05") takes the 类 printed above it, so when the row after it is not under it, that
    类's own line was lost or moved and the 款 may be another 类's; and a sub-unit row
    (no code) is followed by its first 类."""
    for printed, after in zip(rows, rows[1:]):
        row, following = printed.row, after.row.code
        if row.code and following == row.code:
            issues.append(
                Issue(
                    "row-misplaced",
                    f"{label}「{row.code_raw or row.code}」行：下一行（第 {after.row.line} 行）"
                    "又印了一次，不知道哪些金额属于它",
                    path,
                    row.line,
                )
            )
        if row.kind == "unit" and (following is None or len(following) != 3):
            issues.append(
                Issue(
                    "row-misplaced",
                    f"{label} 第 {row.line} 行：「{row.name}」没有编码，后面也不是类级科目行"
                    f"（下一行：第 {after.row.line} 行）：是折行名称的一段放错了位置，"
                    "而不是下属单位？",
                    path,
                    row.line,
                )
            )
        if not (row.code and row.code_raw and len(row.code_raw) == 2):
            continue
        if following is None or not following.startswith(row.code):
            issues.append(
                Issue(
                    "row-misplaced",
                    f"{label}「{row.code_raw}」行：按上面的类读作 {row.code}，但"
                    f"下一行是 {following or after.row.name or '无编码的行'}，不在它之下："
                    f"类级科目行丢失或移动了？它的金额可能不属于 {row.code}",
                    path,
                    row.line,
                )
            )


def _rows_after_total(
    label: str, total: Printed, rest: list[RawRow], path: str, issues: list[Issue]
) -> None:
    """The 合计 row closes a table that printed its rows first: what follows it is
    another table's (its title lost), not read."""
    issues.append(
        Issue(
            "table-cut",
            f"{label}以第 {total.row.line} 行的合计行结束，其后 {len(rest)} 行"
            f"（第 {rest[0].line}–{rest[-1].line} 行）属于另一张表（其"
            "标题丢失？），未读取",
            path,
            rest[0].line,
        )
    )
