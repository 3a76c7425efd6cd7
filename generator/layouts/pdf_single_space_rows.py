"""pdf-single-space: printed rows → model rows (codes, sub-units, kinds, 表七 projects).

Amount placement is left to `pdf_single_space_place`: here each row only keeps the
amounts it printed, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Issue, Row
from ..numbers import is_total_label, squash
from ..tables.codes import code_chain_doubts
from .pdf_single_space_lines import BROKEN_CODE_RE, CODE_RE, SECTION_CODE_RE, RawRow


@dataclass
class Printed:
    """A model row and the amounts it printed, in print order."""

    row: Row
    amounts: list[Decimal]
    label_blocks: list[tuple[int, str]] = field(default_factory=list)


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


def _kind(code: str, table_key: str) -> str:
    if len(code) == 3:
        return "class"
    if len(code) == 5:
        return "section"  # a 5-digit code is a 款, function (201 03) or economic (301 01)
    return "project" if table_key == "projects" else "item"


def interpret_rows(
    table_key: str, label: str, raws: list[RawRow], path: str, issues: list[Issue]
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
            if table_key == "projects" and not _starts_unit(raws, index):
                # A project line printed without its code: it belongs to the 项 above.
                row = Row(raw.line, name=None, unit=unit, kind="project", project=name or None)
                above = rows[-1].row.code if rows else None
                if above and len(above) == 7:
                    row.code, row.code_raw = above, None
                    if not rows[-1].amounts:
                        issues.append(
                            Issue(
                                "row-misplaced",
                                f"{label} 第 {raw.line} 行：项目「{name}」没有印出"
                                f"编码，沿用上一行的 {above}，而上一行没有印出"
                                "金额（行被移动或断开？）",
                                path,
                                raw.line,
                            )
                        )
                else:
                    issues.append(
                        Issue(
                            "row-misplaced",
                            f"{label} 第 {raw.line} 行：项目「{name}」没有印出编码，"
                            f"上面也没有项级科目行（上一行：{above or '无编码'}）："
                            "编码所在行丢失了？",
                            path,
                            raw.line,
                        )
                    )
                rows.append(Printed(row, raw.amounts, _blocks(raw, 0)))
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
        rest_pieces = [(raw.pieces[0].block, parsed.rest)] if parsed.rest else []
        rest_pieces += [(p.block, p.text) for p in raw.pieces[1:]]
        name = "".join(squash(t) for _, t in rest_pieces)
        row = Row(
            raw.line,
            name=name or None,
            code=parsed.code,
            code_raw=parsed.raw,
            unit=unit,
            kind=_kind(parsed.code, table_key) if parsed.code else None,
        )
        rows.append(Printed(row, raw.amounts, rest_pieces))
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
    """`tables.codes.code_chain_doubts` on the printed rows (a row printing no amounts is
    `RawRow.unclosed`'s, said by `interpret_rows`)."""
    issues += [i for i in code_chain_doubts([p.row for p in rows], label, path) if i.slug == "row-misplaced"]


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


def _blocks(raw: RawRow, start: int) -> list[tuple[int, str]]:
    return [(p.block, p.text) for p in raw.pieces[start:]]


def _starts_unit(raws: list[RawRow], index: int) -> bool:
    """In 表七 a label without a code is a sub-unit when a 类 row follows it."""
    if index + 1 >= len(raws) or not raws[index + 1].pieces:
        return False
    following = read_code(raws[index + 1].pieces[0].text, None)
    return following is not None and following.code is not None and len(following.code) == 3


def split_project_names(
    rows: list[Printed], known: dict[str, set[str]], path: str, issues: list[Issue]
) -> None:
    """表七: split each 项 row's label into the 科目名称 and the 项目名称.

    The 科目名称 of a code is known from 表二/三/五; what follows it is the project.
    Without a known name, the blank-line blocks decide: the 科目 is the block holding
    (or following) the code, later blocks are the project.
    """
    for printed in rows:
        row = printed.row
        if row.kind != "project" or row.code is None or row.code_raw is None:
            continue
        label = row.name or ""
        names = sorted((n for n in known.get(row.code, ()) if label.startswith(n)), key=len)
        if names:
            row.name, project = names[-1], label[len(names[-1]) :]
        else:
            blocks = printed.label_blocks
            first_block = blocks[0][0] if blocks else 0
            row.name = "".join(squash(t) for b, t in blocks if b == first_block) or None
            project = "".join(squash(t) for b, t in blocks if b != first_block)
            if project:
                issues.append(
                    Issue(
                        "project-name-uncertain",
                        f"表七「{row.code_raw}」行：其他表中没有印出这个科目名称，"
                        f"按行内排版读作「{row.name}」/「{project}」",
                        path,
                        row.line,
                    )
                )
        row.project = project or None
    _mark_subtotals(rows)
    for printed in rows:
        row = printed.row
        if row.kind == "project" and row.project is None:
            amount = printed.amounts[0] if printed.amounts else None
            issues.append(
                Issue(
                    "unnamed-project",
                    f"表七「{row.code_raw or row.code}」行："
                    f"项目金额 {amount} 没有印出项目名称",
                    path,
                    row.line,
                )
            )


def _mark_subtotals(rows: list[Printed]) -> None:
    """A nameless 项 row whose amount is the sum of the project rows after it (same
    code) is the 项's own subtotal, not a project. One row after it with the same amount
    proves nothing (a line printed twice reads so): it stays an unnamed project."""
    for index, printed in enumerate(rows):
        row = printed.row
        if row.kind != "project" or row.project is not None or not printed.amounts:
            continue
        following = []
        for other in rows[index + 1 :]:
            if (
                other.row.code != row.code
                or other.row.kind != "project"
                or other.row.unit != row.unit
            ):
                break
            following.append(other)
        if (
            len(following) > 1
            and all(p.amounts for p in following)
            and sum(p.amounts[0] for p in following) == printed.amounts[0]
        ):
            row.kind = "item"
