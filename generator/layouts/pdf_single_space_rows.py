"""pdf-single-space: printed rows → model rows (codes, sub-units, kinds, 表七 projects).

Amount placement is left to `pdf_single_space_place`: here each row only keeps the
amounts it printed, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Issue, Row
from ..numbers import squash
from .pdf_single_space_lines import BROKEN_CODE_RE, CODE_RE, SECTION_CODE_RE, RawRow

TOTAL_LABELS = {"合计", "总计"}
# Tables keyed by economic classification (301 01 …): 5 digits is a 款 "item" there.
ECONOMIC_TABLES = {"basic"}


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
        return "item" if table_key in ECONOMIC_TABLES else "section"
    return "project" if table_key == "projects" else "item"


def interpret_rows(
    table_key: str, label: str, raws: list[RawRow], path: str, issues: list[Issue]
) -> tuple[list[Printed], Printed | None]:
    """Rows with code, sub-unit and kind set; the table's 合计/总计 row apart."""
    rows: list[Printed] = []
    total: Printed | None = None
    unit: str | None = None
    current_class: str | None = None
    for index, raw in enumerate(raws):
        if raw.broken:
            issues.append(
                Issue(
                    "amount-unreadable",
                    f"{label}: line {raw.line} ends in {raw.pieces[-1].text.split()[-1]!r}, "
                    "a number that is no amount; the row's amounts are not read",
                    path,
                    raw.line,
                    "error",
                )
            )
        first = raw.pieces[0].text if raw.pieces else ""
        parsed = read_code(first, current_class) if raw.pieces else None
        if parsed is None:
            name = raw.label
            if name in TOTAL_LABELS:
                total = Printed(Row(raw.line, name, kind="line"), raw.amounts)
                continue
            if not name:
                issues.append(
                    Issue(
                        "row-unlabelled",
                        f"{label}: amounts {' '.join(map(str, raw.amounts))} printed with no label",
                        path,
                        raw.line,
                    )
                )
                rows.append(Printed(Row(raw.line, unit=unit, kind="line"), raw.amounts))
                continue
            if table_key == "projects" and not _starts_unit(raws, index):
                # A project line printed without its code: it belongs to the 项 above.
                row = Row(raw.line, name=None, unit=unit, kind="project", project=name or None)
                if rows and rows[-1].row.code:
                    row.code, row.code_raw = rows[-1].row.code, None
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
                    f"{label} row {parsed.raw}: code cannot be completed (no 类 printed above it)",
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
                        f"表七 row {row.code_raw}: 科目名称 "
                        f"not printed elsewhere; read {row.name!r} / {project!r} "
                        f"from the line layout",
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
                    f"表七 row {row.code_raw or row.code}: "
                    f"project amount {amount} printed with no project name",
                    path,
                    row.line,
                )
            )


def _mark_subtotals(rows: list[Printed]) -> None:
    """A nameless 项 row whose amount is the sum of the project rows after it (same
    code) is the 项's own subtotal, not a project."""
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
            following
            and all(p.amounts for p in following)
            and sum(p.amounts[0] for p in following) == printed.amounts[0]
        ):
            row.kind = "item"
