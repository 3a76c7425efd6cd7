"""A number as a spreadsheet cell shows it (数字格式): the stored value and the cell's format.

Spreadsheets store a number and print it through a format code ("#,##0.00", "0.0%",
"¥#,##0;[Red]-#,##0"). A disclosure's figure is what the reader sees, so the reader
renders the stored value through the code, in exact decimals: the stored text is turned
into a `Decimal` (never a float), scaled (% → ×100, a trailing "," → ÷1000), rounded half
away from zero to the places the code shows, grouped by thousands where the code has a
",", and framed by the code's literal text. Dates come out as ISO dates. What is not
rendered: fractions ("# ?/?") and scientific notation ("0.00E+00") show the exact stored
value, conditions ("[>100]") are ignored, and a "General" cell shows the stored value
to 15 significant digits, unrounded otherwise (Excel would cut it to 11 characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

# Excel's built-in formats by id (ECMA-376 §18.8.30); the locale ones (5-8 currency,
# 27-36 and 50-58 East Asian dates) as their usual zh-CN codes.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: "¥#,##0;¥-#,##0", 6: "¥#,##0;[Red]¥-#,##0", 7: "¥#,##0.00;¥-#,##0.00",
    8: "¥#,##0.00;[Red]¥-#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?",
    13: "# ??/??", 14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy-mm-dd h:mm",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)", 41: '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)',
    42: '_(¥* #,##0_);_(¥* (#,##0);_(¥* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)',
    44: '_(¥* #,##0.00_);_(¥* (#,##0.00);_(¥* "-"??_);_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
    **{i: "yyyy-mm-dd" for i in (*range(27, 37), *range(50, 59))},
}

# A format's pieces: quoted literals, escaped characters, [colour/condition] brackets,
# _x (a space as wide as x), *x (fill with x), or one other character.
_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|.', re.S)
_DATE_LETTERS = frozenset("ymdhsYMDHS")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _tokens(section: str) -> list[str]:
    return _TOKEN.findall(section)


def _sections(code: str) -> list[str]:
    """The code's ;-separated sections (positive; negative; zero; text), quotes respected."""
    sections, current = [], []
    for token in _tokens(code):
        if token == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(token)
    sections.append("".join(current))
    return sections


def _literal(token: str) -> str:
    """What a non-placeholder token prints."""
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith(("*", "[")):
        return ""
    return token


@dataclass(frozen=True)
class _Section:
    """One section of a format code, taken apart once: the literal text around the
    number, its decimal places, and how it scales the value."""

    general: bool = False  # General, @, scientific or fractions: the plain value
    literal: str | None = None  # a section with no digit placeholder prints only this
    before: str = ""
    after: str = ""
    thousands: bool = False  # "," between the integer placeholders
    divide: int = 1  # 1000 per "," right after the number
    percent: bool = False
    max_places: int = 0
    min_places: int = 0
    whole_zero: bool = True  # a "0" in the integer part: 0.5 prints 0.50, not .50
    point: bool = False


def _compile_section(section: str) -> _Section:
    tokens = _tokens(section)
    placeholders = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if "general" in section.lower() or section.strip() in ("@", "") \
            or any(t in ("E", "e", "/") for t in tokens):
        return _Section(general=True)
    if not placeholders:
        return _Section(literal="".join(_literal(t) for t in tokens).strip())
    first, last = placeholders[0], placeholders[-1]
    number, after = tokens[first:last + 1], tokens[last + 1:]
    commas = len(after) - len("".join(after).lstrip(",")) if after and after[0] == "," else 0
    after = after[commas:]
    point = number.index(".") if "." in number else len(number)
    integer_part, fraction_part = number[:point], number[point + 1:]
    return _Section(
        before="".join(_literal(t) for t in tokens[:first]),
        after="".join(_literal(t) for t in after), thousands="," in integer_part,
        divide=1000 ** commas, percent="%" in tokens,
        max_places=sum(t in ("0", "#", "?") for t in fraction_part),
        min_places=sum(t == "0" for t in fraction_part),
        whole_zero="0" in integer_part, point="." in number)


@lru_cache(maxsize=512)
def _compile(code: str) -> tuple[bool, tuple[_Section | None, ...]]:
    """(is a date format, its sections: None where empty) for a format code; a workbook
    has few codes, so each is taken apart once."""
    sections = _sections(code)
    tokens = [t for t in _tokens(sections[0]) if len(t) == 1]
    is_date = any(t in _DATE_LETTERS for t in tokens) and not any(t in "0#?" for t in tokens)
    return is_date, tuple(_compile_section(s) if s else None for s in sections)


def display_number(stored: str, code: str | None) -> str:
    """The text a cell with stored value `stored` ("1234.5", "-3E-2") and format `code`
    shows; the stored text itself when it is not a number."""
    try:
        value = Decimal(stored.strip())
    except InvalidOperation:
        return stored
    if not value.is_finite():
        return stored
    is_date, sections = _compile(code or "General")
    if is_date:
        return _display_date(value, code)
    if value < 0 and len(sections) > 1 and sections[1]:
        section, value, sign = sections[1], -value, ""  # the section prints its own sign
    elif value == 0 and len(sections) > 2 and sections[2]:
        section, sign = sections[2], ""
    else:
        section, sign = sections[0] or _Section(general=True), "-" if value < 0 else ""
        value = abs(value)
    return _render_section(value, section, sign)


def plain_number(value: Decimal) -> str:
    """A number as a "General" cell shows it: no exponent, no trailing zeros, at most 15
    significant digits (Excel's display precision, so a stored 0.30000000000000004, a sum's
    binary residue, shows as 0.3)."""
    if not value:
        return "0"
    if len(value.as_tuple().digits) > 15:
        value = value.quantize(Decimal(1).scaleb(value.adjusted() - 14), rounding=ROUND_HALF_UP)
    return format(value.normalize(), "f")


def _render_section(value: Decimal, section: _Section, sign: str) -> str:
    if section.general:
        return sign + plain_number(value)
    if section.literal is not None:  # e.g. "-" for zero
        return section.literal
    if section.divide != 1:
        value /= section.divide
    if section.percent:
        value *= 100
    text = _fixed(value, section.max_places, section.min_places)
    whole, _, fraction = text.partition(".")
    if section.thousands:
        whole = f"{int(whole):,}"
    if whole == "0" and not section.whole_zero:
        whole = ""  # "#.00" prints .50
    body = whole + ("." + fraction if fraction or section.point and section.min_places else "")
    if sign == "-" and not body.strip("0.,"):
        sign = ""  # -0.001 shown with two places is 0.00, not -0.00
    return (sign + section.before + body + section.after).strip()


def _fixed(value: Decimal, max_places: int, min_places: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if max_places > min_places and "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        fraction += "0" * (min_places - len(fraction))
        text = whole + ("." + fraction if fraction else "")
    return text


def _display_date(value: Decimal, code: str) -> str:
    # a date serial is a day count, not an amount: a float is exact enough for a timestamp
    moment = _EXCEL_EPOCH + timedelta(days=float(value))
    tokens = {t.lower() for t in _tokens(_sections(code)[0]) if len(t) == 1}
    has_date = bool(tokens & set("yd")) or ("m" in tokens and "h" not in tokens)
    has_time = bool(tokens & set("hs"))
    if has_date and has_time:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if has_time:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d")
