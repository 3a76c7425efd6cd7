"""Charts: Altair specs rendered once to static SVG with vl-convert, cached by spec hash.

A chart is readable without JavaScript (an `<img>` of a static SVG, with a text
alternative and its numbers as a table beside it). Rendering costs 50–100 ms per chart, so
the SVG is cached under `<site>/.cache/charts/<hash>.svg` (hash of the Vega-Lite spec,
the vl-convert version and the locale) and charts are published content-addressed as
`charts/<hash>.svg`: an unchanged chart is never rendered twice, across pages or builds.

The charts a build still has to draw are drawn in worker processes, one vl-convert per
worker: vl-convert runs every conversion on one JavaScript runtime per process, so threads
would take turns. They are always drawn in forked workers, never in the build process
itself: a fork of a process whose vl-convert runtime has started (a `serve` that drew a
few charts itself) would inherit a runtime without its threads, and hang.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .formatting import fmt_amount

FONT = ("PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, "
        "Source Han Sans SC, WenQuanYi Micro Hei, sans-serif")
LOCALE = "zh-CN"
COLOR = "#1f5f8b"
MAX_BARS = 15


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

    @property
    def path(self) -> str:
        return f"charts/{self.digest}.svg"

    @property
    def alt(self) -> str:
        parts = "；".join(f"{label} {fmt_amount(v)} {self.unit}" for label, v in self.rows[:MAX_BARS])
        more = f"；另有 {len(self.rows) - MAX_BARS} 项" if len(self.rows) > MAX_BARS else ""
        return f"{self.title}：{parts}{more}。"


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:  # noqa: F821 (imported lazily)
    return chart.configure(font=FONT).configure_axis(labelFontSize=11, titleFontSize=11) \
        .configure_view(stroke=None)


@lru_cache(maxsize=8)
def _bar_template(unit: str) -> str:
    """The bar chart's Vega-Lite spec, built once with Altair (as JSON, data left empty).

    Building a chart with Altair costs ~20 ms, more than a page; every bar chart shares
    this spec and only gets its own data and height (see `bar_chart`).
    """
    import altair as alt  # here, not at the top: chart workers need only vl-convert

    base = alt.Chart(alt.Data(values=[])).encode(
        y=alt.Y("order:O", axis=None, title=None),
        x=alt.X("amount:Q", title=unit, axis=alt.Axis(format=",.2~f", tickCount=4, grid=False)),
    )
    # Names go above their bars as text marks, not as axis labels: the SVG's layout then
    # does not depend on how wide vl-convert measures CJK text (it may lack CJK fonts).
    bars = base.mark_bar(color=COLOR, height={"band": 0.42}, yOffset=5)
    names = base.mark_text(align="left", baseline="bottom", dy=-1, fontSize=12, color="#1d2329") \
        .encode(x=alt.value(0), text="label:N")
    amounts = base.mark_text(align="left", baseline="middle", dx=3, dy=5, fontSize=11,
                             color="#1d2329").encode(text=alt.Text("amount:Q", format=",.2~f"))
    chart = _config((bars + names + amounts).properties(width=260, height=34))
    return json.dumps(chart.to_dict(validate=False), ensure_ascii=False)


def bar_chart(name: str, title: str, rows: list[tuple[str, Decimal]], unit: str = "万元") -> Chart | None:
    """Horizontal bars in the given order (at most MAX_BARS), each labelled with its amount."""
    rows = [(label, value) for label, value in rows if value is not None]
    if not rows or not any(v for _, v in rows):
        return None
    shown = rows[:MAX_BARS]
    spec = json.loads(_bar_template(unit))
    spec["data"] = {"values": [{"label": label, "amount": float(v), "order": i}
                               for i, (label, v) in enumerate(shown)]}
    spec["height"] = 34 * len(shown)
    return Chart(name, title, spec, rows, unit)


@lru_cache(maxsize=1)
def _trend_template() -> str:
    import altair as alt

    chart = alt.Chart(alt.Data(values=[])).mark_line(point=True).encode(
        x=alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount:Q", title="万元", axis=alt.Axis(format=",.2~f")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
    ).properties(width=280, height=180)
    return json.dumps(_config(chart).to_dict(validate=False), ensure_ascii=False)


def trend_chart(name: str, title: str, series: dict[str, list[tuple[int, Decimal]]]) -> Chart | None:
    """Lines by year, one per series (e.g. 支出总预算, 基本支出, 项目支出)."""
    points = [(s, y, v) for s, pts in series.items() for y, v in pts if v is not None]
    if not points:
        return None
    spec = json.loads(_trend_template())
    spec["data"] = {"values": [{"series": s, "year": str(y), "amount": float(v)} for s, y, v in points]}
    return Chart(name, title, spec, [(f"{y} {s}", v) for s, y, v in points])


def spec_digest(spec: dict) -> str:
    import vl_convert as vlc

    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    key = f"{vlc.__version__}|{LOCALE}|{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _render_svg(spec: dict) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, format_locale=LOCALE)


def _draw(items: list[tuple[str, dict]], target: Path, cache_dir: Path | None) -> int:
    """Draw charts into `target` (and the cache); runs in a worker process."""
    for digest, spec in items:
        svg = _render_svg(spec)
        (target / f"{digest}.svg").write_text(svg, encoding="utf-8")
        if cache_dir is not None:
            tmp = cache_dir / f".{digest}.tmp"
            tmp.write_text(svg, encoding="utf-8")
            tmp.replace(cache_dir / f"{digest}.svg")
    return len(items)


# Below this many charts per worker, starting another worker (and a runtime in it) costs
# more than it saves.
MIN_CHARTS_PER_WORKER = 8


def render_charts(charts: list[Chart], out_dir: Path, cache_dir: Path | None, jobs: int = 1) -> int:
    """Write every chart's SVG into `out_dir/charts/`, from the cache where possible.

    Identical charts (the same spec on several pages) are drawn once. Returns the number
    of charts actually drawn (cache misses).
    """
    target = out_dir / "charts"
    target.mkdir(parents=True, exist_ok=True)
    todo: dict[str, dict] = {}
    for chart in charts:
        chart.digest = chart.digest or spec_digest(chart.spec)
        if chart.digest in todo or (target / f"{chart.digest}.svg").exists():
            continue
        cached = cache_dir / f"{chart.digest}.svg" if cache_dir else None
        if cached is not None and cached.exists():
            shutil.copyfile(cached, target / f"{chart.digest}.svg")
        else:
            todo[chart.digest] = chart.spec
    if not todo:
        return 0
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    items = sorted(todo.items())
    workers = max(1, min(jobs, len(items) // MIN_CHARTS_PER_WORKER))
    # Interleaved shares: neighbouring charts (one page's) have similar sizes.
    shares = [items[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return sum(pool.map(_draw, shares, [target] * workers, [cache_dir] * workers))
