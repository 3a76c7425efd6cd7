"""Cells of the pdf-padded layout: every cell is printed as its text plus one space.

So an empty cell is a lone space, "k spaces between two values" are k-1 empty cells,
and a row always ends with a space (its last cell's terminator). Splitting a row on
single spaces therefore gives one token per cell — as long as a cell has no space of
its own. Amount cells never do; code cells ("201", "03") never do; name cells may
(an indent of the hierarchy level, "12345 在线…", "收 入 总 计"). That is why rows are
read from the right: the value cells are the last V tokens before the terminator,
and everything left of them is the label part (codes and names).

A row whose label wraps over several PDF lines (code on one line, name on the next,
amounts on a third) is rebuilt by concatenating its lines as printed: a fragment
that ends inside a cell has no trailing space, one that ends after a cell has it,
so plain concatenation restores the unwrapped row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import parse_amount

CLASS_CODE_RE = re.compile(r"^\d{3}$")
PART_CODE_RE = re.compile(r"^\d{2}$")
# Spaces a PDF puts inside a CJK name: drop them unless both neighbours are ASCII
# letters or digits ("Wi-Fi 6" keeps its space, "12345 在线" loses it).
_NAME_SPACE_RE = re.compile(r"(?<![A-Za-z0-9])[ \u3000]+|[ \u3000]+(?![A-Za-z0-9])")
STAR_ROW_RE = re.compile(r"^\s*※(?: ※)*(?: \d+)*\s*$")
PAGE_NUMBER_RE = re.compile(r"^\s*\d{1,2}\s*$")
# Codes header "类 款 项" / "类 款" (possibly after the end of a wrapped label).
CODE_HEADER_RE = re.compile(r"(?:^|\s)类 款(?: 项)?(?:\s|$)")


def is_value_token(token: str) -> bool:
    """An amount cell or an empty cell."""
    return token == "" or parse_amount(token) is not None


def amount_of(token: str) -> Decimal | None:
    return parse_amount(token) if token else None


def has_decimal_amount(token: str) -> bool:
    return "." in token and parse_amount(token) is not None


def normalize_name(text: str) -> str:
    """A printed name without PDF spacing: indents and CJK-adjacent spaces removed."""
    return _NAME_SPACE_RE.sub("", text.strip())


@dataclass
class SplitRow:
    """A row cut into its label tokens and its V value tokens (right-anchored)."""

    label: list[str]
    values: list[str]


def split_row(text: str, value_count: int) -> SplitRow | None:
    """Cut a (re-joined) row into label and values, or None if it is not a whole row.

    A whole row ends with its terminator space, has at least one label token in
    front of its V value tokens, and every value token is an amount or empty.
    """
    if value_count <= 0 or not text.endswith(" "):
        return None
    tokens = text.split(" ")[:-1]
    if len(tokens) < value_count + 1:
        return None
    values = tokens[-value_count:]
    if not all(is_value_token(t) for t in values):
        return None
    label = tokens[:-value_count]
    if not any(label) and not any(values):
        return None
    return SplitRow(label, values)


@dataclass
class StarRow:
    """The '※ ※ ※ ※ 1 2 3' row: how many label cells and numbered value columns."""

    line: int
    label_cells: int
    value_cells: int


def read_star_row(text: str, line: int) -> StarRow | None:
    if not STAR_ROW_RE.match(text):
        return None
    tokens = text.split()
    stars = sum(1 for t in tokens if t == "※")
    return StarRow(line, stars, len(tokens) - stars)


@dataclass
class Label:
    """The label part of a row: its classification code and name cells."""

    code: str | None
    code_raw: str | None
    names: list[str]  # the name tokens after the code, as printed (indent tokens dropped)


def read_label(tokens: list[str], code_cells: int, parent_class: str | None) -> Label:
    """Codes first (a 3-digit 类 then 2-digit 款/项 parts), then the name tokens.

    Leading empty tokens are skipped rather than counted, so a page-start space in
    front of a row cannot shift the codes.
    """
    toks = tokens
    i = 0
    while i < len(toks) and toks[i] == "":
        i += 1
    parts: list[str] = []
    if code_cells:
        while i < len(toks) and len(parts) < code_cells:
            tok = toks[i]
            if not parts and (CLASS_CODE_RE.match(tok) or PART_CODE_RE.match(tok)) or parts and PART_CODE_RE.match(tok):
                parts.append(tok)
            else:
                break
            i += 1
    names = toks[i:]
    while names and names[0] == "":
        names.pop(0)
    if not parts:
        return Label(None, None, names)
    return Label(_join_parts(parts, parent_class), " ".join(parts), names)


def _join_parts(parts: list[str], parent_class: str | None) -> str:
    """"201 03 01" → "2010301"; a lone 款 "03" under 类 201 → "20103"; a broken
    "20 03 01" under 类 201 → "2010301"."""
    if len(parts[0]) == 2:
        if parent_class and len(parts) == 3 and parent_class.startswith(parts[0]):
            return parent_class + "".join(parts[1:])
        if parent_class:
            return parent_class + "".join(parts)
    return "".join(parts)
