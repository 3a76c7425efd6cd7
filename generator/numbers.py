"""Printed amounts and classification codes: the small vocabulary every layout shares."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Full-width digits and punctuation that PDF/Word extraction leaves in amounts.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－　", "0123456789.,- ")

_PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?\Z")
AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def normalize_cell(text: str) -> str:
    """Strip an *amount* cell: full-width digits and punctuation to ASCII, outer white space
    (incl. U+3000) off. Not for names: it would turn a full-width "，" into ","."""
    return text.translate(_FULLWIDTH).strip()


@lru_cache(maxsize=1 << 16)  # a document prints its figures in several tables; readers ask twice
def parse_amount(text: str | None) -> Decimal | None:
    """The amount a cell prints, or None if the cell is not a plain amount (a Decimal is
    immutable: one value may be shared).

    "1,904.25" → 1904.25; "17.00" keeps its two places; "1834.8 3" and "1834. 83"
    (numbers split by a stray space in PDF extraction) → 1834.83. An empty cell or
    a dash is None.
    """
    if text is None:
        return None
    s = text.strip()
    if _PLAIN_AMOUNT.match(s):  # fast path: the common case, already clean
        return Decimal(s)
    s = normalize_cell(text)
    if not s or s in {"-", "—", "--"}:
        return None
    if " " in s:
        joined = s.replace(" ", "")
        # Only join when the pieces look like one broken number, not two amounts.
        if not re.fullmatch(r"-?\d+(?:\.\d*)? ?\d*(?:\.\d+)?", s.replace("  ", " ")):
            return None
        if joined.count(".") > 1:
            return None
        s = joined
    if not AMOUNT_RE.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - AMOUNT_RE guards this
        return None


def format_amount(value: Decimal | None) -> str | None:
    """The amount as an exact decimal string without thousands separators."""
    if value is None:
        return None
    return format(value, "f")


# A table's total row: 合计 or 总计, whatever the spacing ("合  计") or a colon after it.
TOTAL_LABELS = frozenset({"合计", "总计", "总合计", "合计数"})


def is_total_label(text: str | None) -> bool:
    return squash(text).rstrip("：:") in TOTAL_LABELS


_SPACE_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


@lru_cache(maxsize=1 << 16)  # asked of the same labels over and over
def unwrap(text: str) -> str:
    """A label without the white space a wrapped or letter-spaced cell put between two wide
    (CJK) characters: "合 计" → "合计", "一般公共服务支 出" → "一般公共服务支出"; "2025 年单位
    运转项目" keeps its printed space."""
    return _SPACE_BETWEEN_WIDE.sub("", text.strip())


@lru_cache(maxsize=1 << 16)  # asked of the same short labels over and over
def squash(text: str | None) -> str:
    """Text with all white space removed: for comparing names printed with stray spaces."""
    if text is None:
        return ""
    # str.split() cuts at exactly the characters re's \s matches (U+3000 included), and
    # is several times faster than a regex substitution on these short names.
    return "".join(text.split())


# Powers of ten from 万元 (the unit every stored amount is in) to each printed unit:
# 1 万元 = 10⁴ 元 = 10 千元 = 10⁻⁴ 亿元.
UNIT_SHIFT: dict[str, int] = {"万元": 0, "元": 4, "千元": 1, "亿元": -4}
SITE_UNIT = "万元"


def to_site_unit(value: Decimal | None, unit: str) -> Decimal | None:
    """A figure printed in `unit` as 万元, exactly: the decimal point moves, every printed
    digit stays (156211123 元 → 15621.1123; 31214205.80 元 → 3121.420580)."""
    if value is None:
        return None
    return value.scaleb(-UNIT_SHIFT[unit])


def in_printed_unit(value: Decimal | None, unit: str) -> Decimal | None:
    """The inverse of `to_site_unit`: a stored 万元 amount as printed in `unit`."""
    if value is None:
        return None
    return value.scaleb(UNIT_SHIFT.get(unit, 0))


def trim_places(text: str) -> str:
    """A stored amount's text with the zeros past the hundredth that DECIMAL(28,6) pads it
    with dropped: "1314.400000" → "1314.40", "15621.112300" → "15621.1123" (as many
    places as exactness needs, at least two, as the 万元 templates print)."""
    point = text.find(".")
    if point < 0 or len(text) - point <= 3:
        return text
    return text[: max(point + 3, len(text.rstrip("0")))]
