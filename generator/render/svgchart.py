"""Native SVG drawing of the site's two chart kinds, in pure Python (well under 1 ms a chart).

`bar_svg` draws horizontal bars (the name above each bar, the amount right of it, an x axis
titled with the unit); `trend_svg` draws one line with point markers per series on a time
axis (years at their real distance, a missing year a gap in the line), a y axis of amounts and a legend at the bottom. Both mirror the Vega-Lite design in
`charts.py` (which stays the definition of a chart: its spec's hash names the file) and
take plain data: labels and `Decimal` amounts.

The output is a standalone SVG (`viewBox`, so it scales) and is deterministic: numbers are
formatted from `Decimal` like d3's `,.2~f` (no locale, no float repr), ticks are computed in
`Decimal` (1/2/5 × 10^k steps), coordinates are rounded to two decimals. Every text comes
from documents and is XML-escaped; text widths are estimated from the characters (CJK 1 em,
others 0.6 em), and labels that would overflow are cut with an ellipsis, their full text
kept in a `<title>`.

Bump `VERSION` when the drawing changes (the chart cache is keyed on it).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from xml.sax.saxutils import escape

VERSION = 2

FONT = ("PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, "
        "Source Han Sans SC, WenQuanYi Micro Hei, sans-serif")
COLOR = "#1f5f8b"
INK = "#1d2329"
AXIS = "#888"
GRID = "#ddd"
# One colour per series of a trend chart, in the order the series come.
PALETTE = (COLOR, "#e07b39", "#3a8f5c", "#c0504d", "#7b5ea7", "#8c6d31", "#d4619c",
           "#5b6770", "#2a9fb4", "#b59b2f")

WIDTH = 300
PAD = 5
BAR_STEP = 34          # px per bar: the name above, then the bar
BAR_HEIGHT = 14
NAME_SIZE = 12
LABEL_SIZE = 11        # amounts, tick labels, axis titles, legend
TREND_HEIGHT = 180     # the trend chart's plot area
MINUS = "\u2212"       # d3's minus sign
ELLIPSIS = "…"

_CENT = Decimal("0.01")
_SQRT50, _SQRT10, _SQRT2 = Decimal("7.0710678"), Decimal("3.1622777"), Decimal("1.4142136")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile("[\t\n\r]")
_ENTITIES = {'"': "&quot;", "'": "&apos;"}


# --- numbers -------------------------------------------------------------------------

def fmt_number(value: Decimal | int) -> str:
    """d3 `,.2~f`: thousands separators, at most two decimals, trailing zeros dropped
    ('1,234.5', '−300', '0'); rounded half up, from the `Decimal` itself."""
    d = Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    if d == 0:
        return "0"
    text = f"{abs(d):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return MINUS + text if d < 0 else text


def _px(x: float) -> str:
    """A coordinate, rounded to two decimals, without trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _crisp(x: float) -> float:
    """A 1 px line's coordinate on the middle of a pixel, so it is drawn sharp."""
    return math.floor(x) + 0.5


def _tick_step(lo: Decimal, hi: Decimal, count: int) -> Decimal:
    """d3's tick increment: the 1/2/5 × 10^k step giving about `count` ticks over lo..hi."""
    raw = (hi - lo) / count
    power = raw.adjusted()
    mantissa = raw.scaleb(-power)
    factor = 10 if mantissa >= _SQRT50 else 5 if mantissa >= _SQRT10 else \
        2 if mantissa >= _SQRT2 else 1
    return Decimal(factor).scaleb(power)


def nice_ticks(lo: Decimal, hi: Decimal, count: int = 4) -> tuple[Decimal, Decimal, list[Decimal]]:
    """An axis over lo..hi as Vega-Lite draws it: the domain widened to nice ends (d3's
    `nice()`, a step for about ten ticks) and about `count` tick values inside it, at a
    1/2/5 × 10^k step. An empty range becomes 0..1 (or 0..value). Returns
    (start, end, ticks)."""
    with localcontext() as ctx:
        ctx.prec = 28
        lo, hi = Decimal(min(lo, hi)), Decimal(max(lo, hi))
        if lo == hi:
            lo, hi = (Decimal(0), Decimal(1)) if lo == 0 else (min(lo, Decimal(0)), max(hi, Decimal(0)))
        step = _tick_step(lo, hi, 10)
        for _ in range(10):  # as d3's nice(): widen to the step until the step is stable
            lo = (lo / step).to_integral_value(ROUND_FLOOR) * step
            hi = (hi / step).to_integral_value(ROUND_CEILING) * step
            new = _tick_step(lo, hi, 10)
            if new == step:
                break
            step = new
        step = _tick_step(lo, hi, count)
        start = (lo / step).to_integral_value(ROUND_CEILING)
        stop = (hi / step).to_integral_value(ROUND_FLOOR)
        return lo, hi, [(start + i) * step for i in range(int(stop - start) + 1)]


def _finite(value: Decimal | int | float | None) -> Decimal | None:
    if value is None:
        return None
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return d if d.is_finite() else None


# --- text ----------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _em(char: str) -> float:
    """Estimated advance of one character, in em: CJK and other wide glyphs 1, combining
    marks 0, anything else 0.6."""
    if unicodedata.combining(char):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.6


def text_width(text: str, size: float) -> float:
    """Estimated width of `text` in px at font size `size`."""
    return sum(_em(c) for c in text) * size


def clean(text: object) -> str:
    """Text safe to put in XML: line breaks become spaces, characters XML forbids go."""
    return _NOT_XML.sub("", _SPACES.sub(" ", str(text)))


def fit(text: str, width: float, size: float) -> str:
    """`text`, cut and ended with an ellipsis if it would be wider than `width` px."""
    if text_width(text, size) <= width:
        return text
    budget, used, kept = width - size * _em(ELLIPSIS), 0.0, []
    for c in text:
        used += _em(c) * size
        if used > budget:
            break
        kept.append(c)
    return "".join(kept).rstrip() + ELLIPSIS


def esc(text: str) -> str:
    return escape(text, _ENTITIES)


def _label(x: str, y: str, text: str, width: float, size: float, attrs: str = "") -> str:
    """A `<text>` fitted into `width` px; when cut, its full text is kept as a `<title>`."""
    shown = fit(text, width, size)
    full = f"<title>{esc(text)}</title>" if shown != text else ""
    return f'<text x="{x}" y="{y}"{attrs}>{full}{esc(shown)}</text>'


def _open(title: str, width: float, height: float) -> list[str]:
    w, h = _px(width), _px(height)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" role="img" font-family="{esc(FONT)}">',
            f"<title>{esc(clean(title))}</title>"]


# --- charts --------------------------------------------------------------------------

def bar_svg(title: str, rows: Iterable[tuple[str, Decimal | None]], unit: str) -> str:
    """Horizontal bars, one per row in the given order: the name above the bar, the amount
    to the right of it (of the zero line, for a negative bar), an x axis titled `unit`."""
    rows = [(clean(label), v) for label, v in ((lbl, _finite(v)) for lbl, v in rows)
            if v is not None]
    values = [v for _, v in rows] or [Decimal(0)]
    d0, d1, ticks = nice_ticks(min(min(values), Decimal(0)), max(max(values), Decimal(0)), 4)
    span = float(d1 - d0)
    tick_text = [fmt_number(t) for t in ticks]
    amounts = [fmt_number(v) for _, v in rows]

    # The plot spans left..left+plot; every amount label must end inside the view box.
    right = WIDTH - PAD
    left = PAD + text_width(tick_text[0], LABEL_SIZE) / 2
    plot = right - text_width(tick_text[-1], LABEL_SIZE) / 2 - left
    zero_t = float(-d0) / span
    for (_, v), text in zip(rows, amounts):
        t = max(float(v - d0) / span, zero_t)
        if t > 0:
            plot = min(plot, (right - 3 - text_width(text, LABEL_SIZE) - left) / t)
    plot = max(plot, 40.0)

    def x(v: Decimal) -> float:
        return left + float(v - d0) / span * plot

    x0 = x(Decimal(0))
    axis_y = PAD + BAR_STEP * len(rows)
    height = axis_y + 38
    out = _open(title, WIDTH, height)
    names, bars, labels = [], [], []
    name_width = WIDTH - PAD - left
    for i, ((label, v), text) in enumerate(zip(rows, amounts)):
        top = PAD + BAR_STEP * i
        xv = x(v)
        names.append(_label(_px(left), _px(top + 13), label, name_width, NAME_SIZE))
        bars.append(f'<rect x="{_px(min(xv, x0))}" y="{_px(top + 16)}" '
                    f'width="{_px(abs(xv - x0))}" height="{BAR_HEIGHT}"/>')
        labels.append(f'<text x="{_px(max(xv, x0) + 3)}" y="{_px(top + 27)}">{esc(text)}</text>')
    out.append(f'<g fill="{COLOR}">{"".join(bars)}</g>')
    out.append(f'<g font-size="{NAME_SIZE}" fill="{INK}">{"".join(names)}</g>')
    out.append(f'<g font-size="{LABEL_SIZE}" fill="{INK}">{"".join(labels)}</g>')
    if d0 < 0:
        zx = _px(_crisp(x0))
        out.append(f'<line x1="{zx}" y1="{PAD}" x2="{zx}" y2="{_px(axis_y)}" stroke="{AXIS}"/>')

    # x axis: domain line, ticks, tick labels, title.
    ay = axis_y + 0.5
    parts = [f'<path d="M{_px(left)},{_px(ay)}H{_px(left + plot)}'
             + "".join(f"M{_px(_crisp(x(t)))},{_px(ay)}v5" for t in ticks)
             + f'" stroke="{AXIS}" fill="none"/>']
    parts += [f'<text x="{_px(x(t))}" y="{_px(axis_y + 17)}">{esc(s)}</text>'
              for t, s in zip(ticks, tick_text)]
    out.append(f'<g fill="{INK}" font-size="{LABEL_SIZE}" text-anchor="middle">'
               + "".join(parts) + "</g>")
    out.append(_label(_px(left + plot / 2), _px(axis_y + 33), clean(unit), WIDTH - 2 * PAD,
                      LABEL_SIZE, f' font-size="{LABEL_SIZE}" font-weight="bold" fill="{INK}"'
                      ' text-anchor="middle"'))
    out.append("</svg>")
    return "".join(out)


def year_positions(years: Sequence[int], left: float, right: float) -> dict[int, float]:
    """x of every year from the first to the last, evenly by year value: 2021, 2024 and
    2025 stand three steps then one step apart, never evenly spaced."""
    first, last = min(years), max(years)
    step = (right - left) / (last - first + 1)
    return {y: left + step * (y - first + 0.5) for y in range(first, last + 1)}


def year_ticks(first: int, last: int, most: int = 8) -> list[int]:
    """The years labelled on the axis: every year, or every 2nd/5th/10th… when there are
    more than `most`."""
    step = 1
    while (last - first) // step + 1 > most:
        step = {1: 2, 2: 5}.get(step, step * 2)
    return list(range(first, last + 1, step))


def runs(points: Sequence[tuple[int, Decimal]]) -> list[list[tuple[int, Decimal]]]:
    """A series cut where a year is missing: each run covers consecutive years only, so a
    line never joins two years across a gap."""
    out: list[list[tuple[int, Decimal]]] = []
    for year, value in points:
        if out and out[-1][-1][0] == year - 1:
            out[-1].append((year, value))
        else:
            out.append([(year, value)])
    return out


def trend_svg(title: str, series: Mapping[str, Sequence[tuple[int, Decimal | None]]],
              unit: str = "万元", x_title: str = "年度") -> str:
    """One line with point markers per series on a time axis (in the order the series
    come, each in its own colour), amounts on the y axis, the legend at the bottom.

    Years sit at their real distance; a year without a figure leaves a gap in the line
    (and, when no series has it, its axis label is grey)."""
    lines = [(clean(name), sorted((int(y), v) for y, v in
                                  ((y, _finite(v)) for y, v in points) if v is not None))
             for name, points in series.items()]
    lines = [(name, pts) for name, pts in lines if pts]
    present = {y for _, pts in lines for y, _ in pts}
    values = [v for _, pts in lines for _, v in pts] or [Decimal(0)]
    d0, d1, ticks = nice_ticks(min(min(values), Decimal(0)), max(max(values), Decimal(0)), 5)
    span = float(d1 - d0)
    tick_text = [fmt_number(t) for t in ticks]

    top = PAD + 6
    bottom = top + TREND_HEIGHT
    left = PAD + 16 + max(text_width(s, LABEL_SIZE) for s in tick_text) + 10
    right = WIDTH - PAD
    xs = year_positions(sorted(present) or [0], left, right)
    years = year_ticks(min(xs), max(xs))

    def y_of(v: Decimal) -> float:
        return bottom - float(v - d0) / span * TREND_HEIGHT

    # Legend: symbol + name per series, flowing in rows under the x axis title.
    legend, lx, ly = [], PAD + 4.0, bottom + 54
    for i, (name, _) in enumerate(lines):
        shown = fit(name, WIDTH - 2 * PAD - 14, LABEL_SIZE)
        item = 12 + text_width(shown, LABEL_SIZE)
        if lx > PAD + 4 and lx + item > WIDTH - PAD:
            lx, ly = PAD + 4.0, ly + 18
        color = PALETTE[i % len(PALETTE)]
        legend.append(f'<circle cx="{_px(lx)}" cy="{_px(ly - 4)}" r="4" fill="{color}"/>')
        legend.append(_label(_px(lx + 8), _px(ly), name, WIDTH - 2 * PAD - 14, LABEL_SIZE))
        lx += item + 14
    height = ly + 8

    out = _open(title, WIDTH, height)
    grid = "".join(f"M{_px(left)},{_px(_crisp(y_of(t)))}H{_px(right)}" for t in ticks if t != d0)
    out.append(f'<path d="{grid}" stroke="{GRID}" fill="none"/>')
    by = bottom + 0.5
    axes = (f"M{_px(_crisp(left))},{_px(top)}V{_px(by)}H{_px(right)}"
            + "".join(f"M{_px(_crisp(left) - 5)},{_px(_crisp(y_of(t)))}h5" for t in ticks)
            + "".join(f"M{_px(_crisp(xs[y]))},{_px(by)}v5" for y in years))
    out.append(f'<path d="{axes}" stroke="{AXIS}" fill="none"/>')
    out.append(f'<g fill="{INK}" font-size="{LABEL_SIZE}" text-anchor="end">'
               + "".join(f'<text x="{_px(left - 7)}" y="{_px(y_of(t) + 4)}">{esc(s)}</text>'
                         for t, s in zip(ticks, tick_text)) + "</g>")
    out.append(f'<g fill="{INK}" font-size="{LABEL_SIZE}" text-anchor="middle">'
               + "".join(f'<text x="{_px(xs[y])}" y="{_px(bottom + 18)}"'
                         + ("" if y in present else f' fill="{AXIS}" class="no-data"')
                         + f">{y}</text>" for y in years)
               + _label(_px((left + right) / 2), _px(bottom + 34), clean(x_title),
                        WIDTH - 2 * PAD, LABEL_SIZE, ' font-weight="bold"')
               + _label("0", "0", clean(unit), TREND_HEIGHT, LABEL_SIZE,
                        f' font-weight="bold" transform="translate({_px(PAD + 10)},'
                        f'{_px(top + TREND_HEIGHT / 2)}) rotate(-90)"')
               + "</g>")
    for i, (_, pts) in enumerate(lines):
        color = PALETTE[i % len(PALETTE)]
        coords = [(_px(xs[y]), _px(y_of(v))) for y, v in pts]
        d = "".join("M" + "L".join(f"{_px(xs[y])},{_px(y_of(v))}" for y, v in run)
                    for run in runs(pts))
        out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
        out.append(f'<g fill="{color}">'
                   + "".join(f'<circle cx="{cx}" cy="{cy}" r="3.5"/>' for cx, cy in coords)
                   + "</g>")
    out.append(f'<g font-size="{LABEL_SIZE}" fill="{INK}">{"".join(legend)}</g>')
    out.append("</svg>")
    return "".join(out)
