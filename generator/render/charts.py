"""Charts: defined as Altair (Vega-Lite) specs, drawn once to static SVG, cached by spec hash.

A chart is readable without JavaScript (an `<img>` of a static SVG, with a text
alternative and its numbers as a table beside it). Its Vega-Lite spec (its kind's spec,
kept as data as Altair builds it, with its own data) is its definition: the hash of the
spec (with the renderer and its version, and the locale) names the SVG, cached under
`<site>/.cache/charts/<hash>.entry` (a verified entry, see `cachefile`: a damaged one is
drawn again, never published) and published
content-addressed as `charts/<hash>.svg`: an unchanged chart is never drawn twice, across
pages or builds, and switching renderers never reuses an SVG drawn by the other.

Two renderers draw the SVG (`build.chart_renderer`):

- "native" (the default): `svgchart`, pure Python, draws the two chart kinds the site uses
  (bars, lines by year) from the chart's own data in well under a millisecond, so it runs
  in the build process itself, without worker processes.
- "vl-convert": the spec rendered by vl-convert (30–60 ms a chart), in worker processes,
  one vl-convert per worker: vl-convert runs every conversion on one JavaScript runtime per
  process, so threads would take turns. They are always drawn in forked workers, never in
  the build process itself: a fork of a process whose vl-convert runtime has started (a
  `serve` that drew a few charts itself) would inherit a runtime without its threads, and
  hang.

Pages name their charts (`spec_digest`) before the charts are drawn, so the renderer is
chosen once per build, before pages render (`use_renderer`); each `Chart` records the
renderer it was named for, and `render_charts` refuses a chart named for another.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..cachefile import SUFFIX, read_entry, write_entry
from . import svgchart
from .formatting import fmt_amount
from .svgchart import COLOR, FONT

LOCALE = "zh-CN"
MAX_BARS = 15
RENDERERS = ("native", "vl-convert")
DEFAULT_RENDERER = "native"
_renderer = DEFAULT_RENDERER  # the renderer charts are named and drawn for (see use_renderer)


def use_renderer(renderer: str | None) -> str:
    """Name and draw the charts made from now on with `renderer` (None: the default).

    Call it once per build before pages render: a page's charts are named (the hash that
    names `charts/<hash>.svg`) for the renderer chosen when they are made.
    """
    global _renderer
    _renderer = _checked(renderer or DEFAULT_RENDERER)
    return _renderer


def current_renderer() -> str:
    return _renderer


def _checked(renderer: str) -> str:
    if renderer not in RENDERERS:
        raise ValueError(f"unknown chart renderer {renderer!r} (expected one of {RENDERERS})")
    return renderer


@dataclass
class Chart:
    """A chart ready for a page: its SVG file, a text alternative and the numbers behind it."""

    name: str
    title: str
    spec: dict
    rows: list[tuple[str, Decimal]]
    unit: str = "万元"
    digest: str = ""
    extra_columns: list[str] = field(default_factory=list)
    kind: str = "bar"  # "bar" or "trend"
    # A trend chart's lines: series name → [(year, amount)], in the spec's order.
    series: dict[str, list[tuple[int, Decimal]]] = field(default_factory=dict)
    renderer: str = field(default_factory=current_renderer)  # the one its digest is for

    @property
    def path(self) -> str:
        return f"charts/{self.digest}.svg"

    @property
    def alt(self) -> str:
        parts = "；".join(f"{label} {fmt_amount(v)} {self.unit}" for label, v in self.rows[:MAX_BARS])
        more = f"；另有 {len(self.rows) - MAX_BARS} 项" if len(self.rows) > MAX_BARS else ""
        return f"{self.title}：{parts}{more}。"


# The Vega-Lite specs of the two chart kinds (data left empty), as Altair built them:
# `tests/test_charts.py` builds them with Altair again and compares. Kept as data, since
# importing Altair and building a chart took some 0.6 CPU-seconds in every build process
# that drew one (a `serve` rebuild, a one-document change), for the same two dicts.
# Every spec starts with the shared `config` (font, axis label sizes, no view border).
_CONFIG = {'view': {'continuousWidth': 300, 'continuousHeight': 300, 'stroke': None},
 'axis': {'labelFontSize': 11, 'titleFontSize': 11},
 'font': FONT}

# The bars' two shared encodings: a bar's place (its order, no axis) and its amount.
_ORDER_Y = {'axis': None, 'field': 'order', 'title': None, 'type': 'ordinal'}
_AMOUNT_X = {'axis': {'format': ',.2~f', 'grid': False, 'tickCount': 4}, 'field': 'amount',
             'title': '万元', 'type': 'quantitative'}
_BAR_SPEC = {
    'layer': [
        {'mark': {'type': 'bar', 'color': COLOR, 'height': {'band': 0.42}, 'yOffset': 5},
         'encoding': {'x': _AMOUNT_X, 'y': _ORDER_Y}},
        {'mark': {'type': 'text', 'align': 'left', 'baseline': 'bottom', 'color': '#1d2329',
                  'dy': -1, 'fontSize': 12},
         'encoding': {'text': {'field': 'label', 'type': 'nominal'}, 'x': {'value': 0},
                      'y': _ORDER_Y}},
        {'mark': {'type': 'text', 'align': 'left', 'baseline': 'middle', 'color': '#1d2329',
                  'dx': 3, 'dy': 5, 'fontSize': 11},
         'encoding': {'text': {'field': 'amount', 'format': ',.2~f', 'type': 'quantitative'},
                      'x': _AMOUNT_X, 'y': _ORDER_Y}}],
    'data': {'values': []},
    'height': 34,
    'width': 260,
    '$schema': 'https://vega.github.io/schema/vega-lite/v6.4.1.json'}

_TREND_SPEC = {'data': {'values': []},
 'mark': {'type': 'line', 'point': True},
 'encoding': {'color': {'field': 'series',
                        'legend': {'orient': 'bottom'},
                        'sort': None,
                        'title': None,
                        'type': 'nominal'},
              'detail': {'field': 'run', 'type': 'nominal'},
              'x': {'axis': {'format': 'd', 'labelAngle': 0, 'tickMinStep': 1},
                    'field': 'year',
                    'scale': {'zero': False},
                    'title': '年度',
                    'type': 'quantitative'},
              'y': {'axis': {'format': ',.2~f'},
                    'field': 'amount',
                    'title': '万元',
                    'type': 'quantitative'}},
 'height': 180,
 'width': 280,
 '$schema': 'https://vega.github.io/schema/vega-lite/v6.4.1.json'}


def _with_config(spec: dict) -> dict:
    return {"config": _CONFIG, **spec}


@lru_cache(maxsize=8)
def _bar_template(unit: str) -> dict:
    """The bar chart's Vega-Lite spec (data left empty), its amount axis titled `unit`:
    every bar chart shares its parts (`_shared`) and only gets its own data, height and
    description (see `bar_chart`)."""
    spec = json.loads(json.dumps(_with_config(_BAR_SPEC)))
    for layer in spec["layer"]:
        if "title" in layer["encoding"]["x"]:
            layer["encoding"]["x"]["title"] = unit
    return _shared(spec)


def bar_chart(name: str, title: str, rows: list[tuple[str, Decimal]], unit: str = "万元") -> Chart | None:
    """Horizontal bars in the given order (at most MAX_BARS), each labelled with its amount."""
    rows = [(label, value) for label, value in rows if value is not None]
    if not rows or not any(v for _, v in rows):
        return None
    shown = rows[:MAX_BARS]
    spec = dict(_bar_template(unit))  # its kind's parts shared, never changed (`_shared`)
    spec["data"] = {"values": [{"label": label, "amount": float(v), "order": i}
                               for i, (label, v) in enumerate(shown)]}
    spec["height"] = 34 * len(shown)
    # The title is drawn into the native SVG (its <title>), so it is part of the definition.
    spec["description"] = title
    return Chart(name, title, spec, rows, unit, kind="bar")


@lru_cache(maxsize=1)
def _trend_template() -> dict:
    return _shared(json.loads(json.dumps(_with_config(_TREND_SPEC))))


def trend_chart(name: str, title: str, series: dict[str, list[tuple[int, Decimal]]]) -> Chart | None:
    """Lines on a time axis, one per series (e.g. 支出总预算, 基本支出, 项目支出), each one
    department's own years: a year missing inside a series is a gap, not a joined line."""
    lines = {s: [(y, v) for y, v in pts if v is not None] for s, pts in series.items()}
    lines = {s: pts for s, pts in lines.items() if pts}
    points = [(s, y, v) for s, pts in lines.items() for y, v in pts]
    if not points:
        return None
    spec = dict(_trend_template())  # shared parts, as `bar_chart`'s
    spec["data"] = {"values": [{"series": s, "run": f"{s} {i}", "year": y, "amount": float(v)}
                               for s, pts in lines.items()
                               for i, run in enumerate(svgchart.runs(sorted(pts)))
                               for y, v in run]}
    spec["description"] = title
    return Chart(name, title, spec, [(f"{y} {s}", v) for s, y, v in points],
                 kind="trend", series=lines)


@lru_cache(maxsize=2)
def _renderer_key(renderer: str) -> str:
    """The renderer and its version: vl-convert's package version; for the native
    renderer its VERSION and a hash of its code (a change to it is a new version)."""
    if renderer == "native":
        code = hashlib.sha256(Path(svgchart.__file__).read_bytes()).hexdigest()[:12]
        return f"native {svgchart.VERSION} {code}"
    import vl_convert as vlc

    return f"vl-convert {vlc.__version__}"


def spec_digest(spec: dict, renderer: str | None = None) -> str:
    """The name of a chart's SVG: a hash of its spec, the renderer (default: the one in
    use, see `use_renderer`) with its version, and the locale."""
    key = f"{_renderer_key(_checked(renderer or _renderer))}|{LOCALE}|{_sorted_json(spec)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


# The parts of the chart kinds' specs that every chart of a kind shares (the same objects,
# never changed: `bar_chart` copies only the top level): id → (part, its sorted JSON).
_SHARED_JSON: dict[int, tuple[object, str]] = {}


_SORTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False)  # what json.dumps makes with these
_KEYS_JSON: dict[str, str] = {}


def _shared(spec: dict) -> dict:
    """`spec`, its top-level values' sorted JSON kept (`_sorted_json` reuses it)."""
    for value in spec.values():
        _SHARED_JSON[id(value)] = (value, _SORTED.encode(value))
    return spec


def _sorted_json(spec: dict) -> str:
    """`json.dumps(spec, sort_keys=True, ensure_ascii=False)`, the same text, written part
    by part: a shared part's (a chart kind's config, marks and encodings, most of the spec)
    from `_SHARED_JSON`. Naming each chart was a tenth of a department-year page's CPU."""
    parts = []
    for key in sorted(spec):
        value = spec[key]
        known = _SHARED_JSON.get(id(value))
        text = known[1] if known is not None and known[0] is value else _SORTED.encode(value)
        name = _KEYS_JSON.get(key) or _KEYS_JSON.setdefault(key, _SORTED.encode(key))
        parts.append(f"{name}: {text}")
    return "{" + ", ".join(parts) + "}"


def draw_native(chart: Chart) -> str:
    """The chart's SVG, drawn by `svgchart` from its own data."""
    if chart.kind == "trend":
        return svgchart.trend_svg(chart.title, chart.series, chart.unit)
    return svgchart.bar_svg(chart.title, chart.rows[:MAX_BARS], chart.unit)


def _render_svg(spec: dict) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, format_locale=LOCALE)


def _store(svg: str, digest: str, target: Path, cache_dir: Path | None) -> None:
    data = svg.encode("utf-8")
    (target / f"{digest}.svg").write_bytes(data)
    if cache_dir is not None:
        write_entry(cache_dir / f"{digest}{SUFFIX}", [data])


def _draw(items: list[tuple[str, dict]], target: Path, cache_dir: Path | None) -> int:
    """Draw charts with vl-convert into `target` (and the cache); runs in a worker process."""
    for digest, spec in items:
        _store(_render_svg(spec), digest, target, cache_dir)
    return len(items)


# Below this many charts per worker, starting another worker (and a runtime in it) costs
# more than it saves.
MIN_CHARTS_PER_WORKER = 8


def prune_cache(out_dir: Path, cache_dir: Path) -> None:
    """Drop every cached SVG the site in `out_dir` does not use (its pages link each chart
    they show from `charts/`, so that folder lists them all): each changed figure would
    otherwise leave its old chart in the cache for good."""
    used = {p.stem for p in (out_dir / "charts").glob("*.svg")}
    for path in cache_dir.glob("*"):
        if path.suffix != SUFFIX or path.stem not in used:
            path.unlink(missing_ok=True)


def render_charts(charts: list[Chart], out_dir: Path, cache_dir: Path | None, jobs: int = 1,
                  renderer: str | None = None) -> int:
    """Write every chart's SVG into `out_dir/charts/`, from the cache where possible.

    Identical charts (the same spec on several pages) are drawn once: natively in this
    process, or by vl-convert in up to `jobs` worker processes. `renderer` defaults to the
    one in use (`use_renderer`); a chart named for another renderer is an error (its page
    would link an SVG drawn by the wrong renderer). Returns the number of charts actually
    drawn (cache misses).
    """
    renderer = _checked(renderer or _renderer)
    target = out_dir / "charts"
    target.mkdir(parents=True, exist_ok=True)
    todo: dict[str, Chart] = {}
    for chart in charts:
        if chart.renderer != renderer:
            raise ValueError(f"chart {chart.name!r} was named for the {chart.renderer} renderer, "
                             f"not {renderer}: call use_renderer() before pages render")
        chart.digest = chart.digest or spec_digest(chart.spec, renderer)
        if chart.digest in todo or (target / f"{chart.digest}.svg").exists():
            continue
        cached = read_entry(cache_dir / f"{chart.digest}{SUFFIX}") if cache_dir else None
        if cached is not None:
            (target / f"{chart.digest}.svg").write_bytes(cached[0])
        else:
            todo[chart.digest] = chart
    if not todo:
        return 0
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    if renderer == "native":
        for digest, chart in sorted(todo.items()):
            _store(draw_native(chart), digest, target, cache_dir)
        return len(todo)
    items = sorted((digest, chart.spec) for digest, chart in todo.items())
    workers = max(1, min(jobs, len(items) // MIN_CHARTS_PER_WORKER))
    # Interleaved shares: neighbouring charts (one page's) have similar sizes.
    shares = [items[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return sum(pool.map(_draw, shares, [target] * workers, [cache_dir] * workers))
