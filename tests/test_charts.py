"""Charts: the native SVG renderer (bars, lines by year), chart names and render_charts."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest

from generator.config import ConfigError, load_config
from generator.render import charts as ch
from generator.render import svgchart as sc

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'q' ]]>"
ROWS = [("一般公共服务支出", D("1234.56")), ("教育支出", D("300.5")), ("社会保障和就业支出", D("88")),
        ("住房保障支出", D("5000"))]
SERIES = {"支出总预算": [(2021, D("100")), (2022, D("150.5")), (2023, D("130"))],
          "基本支出": [(2021, D("60")), (2022, D("70")), (2023, D("75"))],
          "项目支出": [(2021, D("40")), (2023, D("55"))]}


@pytest.fixture(autouse=True)
def default_renderer():
    """Every test starts and ends with the default renderer (it is a module setting)."""
    ch.use_renderer(None)
    yield
    ch.use_renderer(None)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = (float(n) for n in root.get("viewBox").split())
    assert (x, y) == (0, 0) and (root.get("width"), root.get("height")) == (f"{w:g}", f"{h:g}")
    return w, h


def shown_text(el: ET.Element) -> str:
    """A <text>'s visible text (its <title> child, the full text, is not shown)."""
    return (el.text or "") + "".join(child.tail or "" for child in el)


def texts(root: ET.Element) -> list[tuple[ET.Element, dict]]:
    """Every <text> with its inherited presentation attributes."""
    found = []

    def walk(el: ET.Element, inherited: dict) -> None:
        attrs = {**inherited, **el.attrib}
        if el.tag == f"{SVG}text":
            found.append((el, attrs))
        for child in el:
            walk(child, attrs)

    walk(root, {})
    return found


def assert_text_inside(root: ET.Element) -> None:
    """No text reaches outside the view box, by the renderer's own width estimate."""
    width, height = view_box(root)
    for el, attrs in texts(root):
        if "transform" in attrs:
            continue
        x, y = float(attrs["x"]), float(attrs["y"])
        w = sc.text_width(shown_text(el), float(attrs["font-size"]))
        anchor = attrs.get("text-anchor", "start")
        start = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
        assert 0 <= start and start + w <= width + 0.01, (shown_text(el), start, w, width)
        assert 0 < y <= height


def bar_geometry(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(r.get("x")), float(r.get("width"))) for r in root.iter(f"{SVG}rect")]


# --- numbers and ticks ----------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (D("1234.5"), "1,234.5"), (D("1234.567"), "1,234.57"), (D("2.005"), "2.01"),
    (D("1000000"), "1,000,000"), (D("0.10"), "0.1"), (D("17.00"), "17"), (D("-300.50"), "−300.5"),
    (D("-0.001"), "0"), (D("0E+3"), "0"), (D("1.5E+3"), "1,500"), (0, "0"),
])
def test_amounts_are_formatted_like_d3(value, text):
    assert sc.fmt_number(value) == text


def test_ticks_are_nice_and_cover_the_values():
    rng = random.Random(7)
    for _ in range(300):
        a = D(rng.randint(-10**rng.randint(0, 9), 10**rng.randint(0, 9))) / 100
        b = D(rng.randint(0, 10**rng.randint(0, 9))) / 100
        lo, hi = min(a, b, D(0)), max(a, b, D(0))
        start, end, ticks = sc.nice_ticks(lo, hi, 4)
        assert start <= lo and end >= hi and start < end
        assert 2 <= len(ticks) <= 11 and ticks == sorted(ticks)
        assert all(start <= t <= end for t in ticks)
        step = ticks[1] - ticks[0]
        assert {t2 - t1 for t1, t2 in zip(ticks, ticks[1:])} == {step}
        assert step.normalize().as_tuple().digits in ((1,), (2,), (5,)), step
    assert sc.nice_ticks(D(0), D(5000), 4) == (0, 5000, [0, 1000, 2000, 3000, 4000, 5000])
    assert sc.nice_ticks(D(0), D(0), 4)[:2] == (0, 1)


# --- bar chart ------------------------------------------------------------------------

def test_bar_chart_is_a_standalone_svg_with_one_rect_per_bar():
    svg = sc.bar_svg("支出按功能分类", ROWS, "万元")
    root = parse(svg)
    width, height = view_box(root)
    assert 280 <= width <= 320 and height >= 34 * len(ROWS)
    assert root.get("role") == "img" and root.get("font-family") == ch.FONT
    assert root.find(f"{SVG}title").text == "支出按功能分类"
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == len(ROWS)
    widths = [w for _, w in bar_geometry(root)]
    assert widths.index(max(widths)) == 3 and all(w > 0 for w in widths)
    # bars in the order given, 34 px apart, in the site's colour
    assert [float(r.get("y")) for r in rects] == [21 + 34 * i for i in range(len(ROWS))]
    assert [g.get("fill") for g in root if g.find(f"{SVG}rect") is not None] == [ch.COLOR]
    shown = [shown_text(el) for el, _ in texts(root)]
    assert shown[:4] == [label for label, _ in ROWS]
    assert {"1,234.56", "300.5", "88", "5,000", "万元"} <= set(shown)
    assert_text_inside(root)


def test_labels_are_escaped_and_round_trip():
    svg = sc.bar_svg(HOSTILE, [(HOSTILE, D("12")), ("A&B \"引号\" 'x'", D("3"))], "万元<b>")
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    shown = [shown_text(el) for el, _ in texts(root)]
    assert HOSTILE in shown and "A&B \"引号\" 'x'" in shown and "万元<b>" in shown


def test_characters_xml_forbids_are_dropped():
    root = parse(sc.bar_svg("t\x00", [("名称\x01\x1f\n换行", D("1"))], "万元"))
    assert "名称 换行" in [shown_text(el) for el, _ in texts(root)]


def test_output_is_deterministic():
    first = sc.bar_svg("标题", ROWS, "万元")
    assert sc.bar_svg("标题", list(ROWS), "万元") == first
    # the same amounts written differently draw the same chart
    assert sc.bar_svg("标题", [(label, v.quantize(D("0.001"))) for label, v in ROWS], "万元") == first
    assert sc.trend_svg("t", SERIES) == sc.trend_svg("t", dict(SERIES))
    assert not re.search(r"\d\.\d{3,}", first + sc.trend_svg("t", SERIES)), "coordinates rounded"


def test_negative_bars_go_left_of_the_zero_line():
    rows = [("收入", D("500")), ("调减", D("-300.5")), ("其他", D("120"))]
    root = parse(sc.bar_svg("变动", rows, "万元"))
    zero = [float(line.get("x1")) for line in root.iter(f"{SVG}line")]
    assert len(zero) == 1
    (px, pw), (nx, nw), _ = bar_geometry(root)
    assert nx + nw == pytest.approx(px, abs=0.02) and nx < px
    assert abs(zero[0] - px) <= 0.5
    assert nw / pw == pytest.approx(300.5 / 500, rel=0.01)
    shown = [shown_text(el) for el, _ in texts(root)]
    assert "−300.5" in shown and "0" in shown
    assert any(s.startswith("−") for s in shown if s not in ("−300.5",)), "the axis covers them"
    assert all(x >= 0 for x, _ in bar_geometry(root))
    assert_text_inside(root)
    only_negative = parse(sc.bar_svg("全负", [("a", D("-5")), ("b", D("-1"))], "万元"))
    assert_text_inside(only_negative)
    assert all(w > 0 for _, w in bar_geometry(only_negative))


def test_all_zero_bars_are_drawn_without_width():
    root = parse(sc.bar_svg("零", [("a", D("0")), ("b", D("0.00"))], "万元"))
    assert [w for _, w in bar_geometry(root)] == [0, 0]
    assert_text_inside(root)
    assert ch.bar_chart("z", "零", [("a", D(0))]) is None  # pages show no all-zero chart


def test_long_labels_are_cut_to_fit_with_the_full_text_as_title():
    cjk = "社会保障和就业支出" * 8
    latin = "Very long English project name " * 8
    rows = [(cjk, D("1")), (latin, D("123456789.12")), ("短", D("2"))]
    root = parse(sc.bar_svg("长", rows, "万元"))
    assert_text_inside(root)
    cut = [(el, shown_text(el)) for el, _ in texts(root) if shown_text(el).endswith("…")]
    assert len(cut) == 2
    for (el, shown), full in zip(cut, (cjk, latin.strip())):
        assert el.find(f"{SVG}title").text.strip() == full.strip()
        assert full.startswith(shown[:-1])
    assert [shown_text(el) for el, _ in texts(root)][2] == "短"
    assert sc.fit("一二三", 100, 12) == "一二三"
    assert sc.text_width("一a", 10) == pytest.approx(16)


# --- trend chart ----------------------------------------------------------------------

def test_trend_chart_has_one_line_per_series_and_a_legend():
    root = parse(sc.trend_svg("历年预算", SERIES))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "历年预算"
    lines = [p for p in root.iter(f"{SVG}path") if p.get("stroke-width") == "2"]
    assert len(lines) == len(SERIES)
    colors = [p.get("stroke") for p in lines]
    assert len(set(colors)) == len(SERIES) and colors[0] == ch.COLOR
    for path, points in zip(lines, SERIES.values()):
        assert len(re.findall(r"[ML]", path.get("d"))) == len(points)
    assert len(list(root.iter(f"{SVG}circle"))) == sum(map(len, SERIES.values())) + len(SERIES)
    shown = [shown_text(el) for el, _ in texts(root)]
    assert {"2021", "2022", "2023", "年度", "万元", *SERIES} <= set(shown)
    assert {"0", "50", "100", "150"} <= set(shown)
    # the higher amount is drawn higher up
    first = [tuple(map(float, xy.split(","))) for xy in re.findall(r"[\d.]+,[\d.]+",
                                                                   lines[0].get("d"))]
    assert first[1][1] < first[0][1] and first[0][0] < first[1][0] < first[2][0]
    assert_text_inside(root)


def test_trend_chart_with_negatives_and_many_series_stays_inside():
    series = {f"系列{i} " + "很长的名称" * i: [(2020, D(-50 * i)), (2021, D(1000 * i))]
              for i in range(1, 13)}
    svg = sc.trend_svg(HOSTILE, series)
    root = parse(svg)
    assert len([p for p in root.iter(f"{SVG}path") if p.get("stroke-width") == "2"]) == 12
    width, height = view_box(root)
    for c in root.iter(f"{SVG}circle"):
        assert 0 <= float(c.get("cx")) <= width and 0 <= float(c.get("cy")) <= height
    assert_text_inside(root)


# --- chart names and render_charts ----------------------------------------------------

def test_the_digest_depends_on_the_renderer():
    chart = ch.bar_chart("b", "标题", ROWS)
    assert chart.kind == "bar" and chart.renderer == "native"
    native = ch.spec_digest(chart.spec, "native")
    assert ch.spec_digest(chart.spec) == native
    assert ch.spec_digest(chart.spec, "vl-convert") != native
    ch.use_renderer("vl-convert")
    assert ch.spec_digest(chart.spec) != native
    assert ch.bar_chart("b", "标题", ROWS).renderer == "vl-convert"
    with pytest.raises(ValueError):
        ch.use_renderer("svg-magic")
    # the title is drawn into the SVG, so it names the chart too
    assert ch.spec_digest(ch.bar_chart("b", "另一个标题", ROWS).spec, "native") != native


def test_trend_chart_keeps_its_series():
    chart = ch.trend_chart("t", "历年", {**SERIES, "空": [(2021, None)]})
    assert chart.kind == "trend" and list(chart.series) == list(SERIES)
    svg = ch.draw_native(chart)
    assert len([p for p in parse(svg).iter(f"{SVG}path") if p.get("stroke-width") == "2"]) == 3


def charts_for_test() -> list[ch.Chart]:
    many = [(f"项目{i}", D(i * 10)) for i in range(1, 20)]
    made = [ch.bar_chart("a", "图一", ROWS), ch.bar_chart("a2", "图一", ROWS),  # the same chart
            ch.bar_chart("m", "多项", many), ch.trend_chart("t", "历年", SERIES)]
    for c in made:
        c.digest = ch.spec_digest(c.spec, c.renderer)
    return made


def test_render_charts_draws_natively_in_process_and_then_uses_the_cache(tmp_path, monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("native charts are drawn without worker processes")

    monkeypatch.setattr(ch, "ProcessPoolExecutor", no_workers)
    charts = charts_for_test()
    cache = tmp_path / "cache"
    assert ch.render_charts(charts, tmp_path / "one", cache, jobs=4) == 3
    files = sorted(p.name for p in (tmp_path / "one" / "charts").iterdir())
    assert files == sorted({f"{c.digest}.svg" for c in charts})
    assert sorted(p.stem + ".svg" for p in cache.glob("*.entry")) == files
    many = parse((tmp_path / "one" / charts[2].path).read_text(encoding="utf-8"))
    assert len(list(many.iter(f"{SVG}rect"))) == ch.MAX_BARS
    trend = parse((tmp_path / "one" / charts[3].path).read_text(encoding="utf-8"))
    assert len(list(trend.iter(f"{SVG}circle"))) > len(SERIES)

    again = charts_for_test()
    assert [c.digest for c in again] == [c.digest for c in charts]
    assert ch.render_charts(again, tmp_path / "two", cache, jobs=4) == 0
    for name in files:
        assert (tmp_path / "two" / "charts" / name).read_bytes() == \
            (tmp_path / "one" / "charts" / name).read_bytes()
    # a chart named for one renderer is never drawn by the other
    with pytest.raises(ValueError):
        ch.render_charts(charts_for_test(), tmp_path / "three", cache, renderer="vl-convert")


def test_native_drawing_is_deterministic():
    """The same chart draws the same bytes every time (the chart cache and byte-identical
    builds rely on it); how fast it draws is bench/build.py's business, not a test's."""
    chart = ch.bar_chart("b", "十项", [(f"第{i}项支出", D(i * 1234) / 100) for i in range(10)])
    first = ch.draw_native(chart)
    assert first and all(ch.draw_native(chart) == first for _ in range(20))


def test_vl_convert_renderer_still_draws(tmp_path):
    ch.use_renderer("vl-convert")
    chart = ch.bar_chart("b", "标题", ROWS[:2])
    chart.digest = ch.spec_digest(chart.spec, chart.renderer)
    assert ch.render_charts([chart], tmp_path, None, jobs=1, renderer="vl-convert") == 1
    svg = (tmp_path / chart.path).read_text(encoding="utf-8")
    assert parse(svg).get("viewBox") and "1,234.56" in svg


def test_the_renderer_is_a_checked_option(tmp_path: Path):
    assert load_config(tmp_path).get("build.chart_renderer") == "native"
    (tmp_path / "site.toml").write_text('[build]\nchart_renderer = "vl-convert"\n', encoding="utf-8")
    assert load_config(tmp_path).get("build.chart_renderer") == "vl-convert"
    (tmp_path / "site.toml").write_text('[build]\nchart_renderer = "png"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="chart_renderer"):
        load_config(tmp_path)


def test_trend_years_stand_at_their_real_distance_and_a_missing_year_breaks_the_line():
    """2021, 2024, 2025 (the Xinjiang samples' years): three steps, then one; the line
    from 2021 to 2024 is not drawn, and 2022–2023 are labelled grey (no data)."""
    svg = parse(sc.trend_svg("t", {"a": [(2021, D("5")), (2024, D("3")), (2025, D("4"))]}))
    (path,) = [p for p in svg.iter(f"{SVG}path") if p.get("stroke-width") == "2"]
    runs = [[float(pt.split(",")[0]) for pt in run.split("L")] for run in path.get("d").split("M") if run]
    assert len(runs) == 2 and len(runs[0]) == 1 and len(runs[1]) == 2
    (x2021,), (x2024, x2025) = runs
    assert x2024 - x2021 == pytest.approx(3 * (x2025 - x2024), abs=0.02)
    grey = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "no-data"]
    assert grey == ["2022", "2023"]
    assert_text_inside(svg)


def test_trend_spec_is_a_time_axis_with_one_line_per_run_of_years():
    chart = ch.trend_chart("t", "x", {"a": [(2021, D("5")), (2024, D("3")), (2025, D("4"))]})
    assert chart.spec["encoding"]["x"]["type"] == "quantitative"
    runs = {v["run"] for v in chart.spec["data"]["values"]}
    assert len(runs) == 2 and chart.spec["encoding"]["detail"]["field"] == "run"


def test_year_ticks_thin_out_over_long_spans():
    assert sc.year_ticks(2017, 2020) == [2017, 2018, 2019, 2020]
    ticks = sc.year_ticks(2000, 2025)
    assert len(ticks) <= 8 and ticks[0] == 2000 and len(set(b - a for a, b in zip(ticks, ticks[1:]))) == 1


def _altair_specs(unit: str) -> tuple[dict, dict]:
    """The bar and trend specs as Altair builds them (what `charts` keeps as data)."""
    import altair as alt

    def configured(chart):
        return chart.configure(font=sc.FONT).configure_axis(labelFontSize=11, titleFontSize=11) \
            .configure_view(stroke=None)

    base = alt.Chart(alt.Data(values=[])).encode(
        y=alt.Y("order:O", axis=None, title=None),
        x=alt.X("amount:Q", title=unit, axis=alt.Axis(format=",.2~f", tickCount=4, grid=False)),
    )
    bars = base.mark_bar(color=sc.COLOR, height={"band": 0.42}, yOffset=5)
    names = base.mark_text(align="left", baseline="bottom", dy=-1, fontSize=12, color="#1d2329") \
        .encode(x=alt.value(0), text="label:N")
    amounts = base.mark_text(align="left", baseline="middle", dx=3, dy=5, fontSize=11,
                             color="#1d2329").encode(text=alt.Text("amount:Q", format=",.2~f"))
    bar = configured((bars + names + amounts).properties(width=260, height=34))
    trend = alt.Chart(alt.Data(values=[])).mark_line(point=True).encode(
        x=alt.X("year:Q", title="年度", scale=alt.Scale(zero=False),
                axis=alt.Axis(labelAngle=0, format="d", tickMinStep=1)),
        y=alt.Y("amount:Q", title="万元", axis=alt.Axis(format=",.2~f")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"), sort=None),
        detail=alt.Detail("run:N"),
    ).properties(width=280, height=180)
    return bar.to_dict(validate=False), configured(trend).to_dict(validate=False)


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_chart_specs_kept_as_data_are_what_altair_builds(unit):
    """The specs are data (no Altair import in a build); Altair still builds the same ones,
    key order included (the spec's JSON names the chart's file). Only the Vega-Lite schema
    URL may differ, with the installed Altair's version."""
    import json

    bar, trend = _altair_specs(unit)
    kept = [dict(ch._bar_template(unit)), dict(ch._trend_template())]  # shared: copied
    for built, spec in zip((bar, trend), kept):
        built.pop("$schema"), spec.pop("$schema")
        assert json.dumps(spec, ensure_ascii=False) == json.dumps(built, ensure_ascii=False)
    assert ch.bar_chart("x", "t", ROWS, unit).spec["layer"][0]["encoding"]["x"]["title"] == unit


def test_a_chart_is_named_for_its_whole_spec_as_sorted_json():
    """The spec's sorted JSON, written part by part from its kind's shared parts, is the
    text `json.dumps` makes (it names the chart's file), and a chart's own data changes it."""
    import json

    charts = [ch.bar_chart("b", "标题“引号”", ROWS), ch.bar_chart("b", "标题", ROWS[:1], "元"),
              ch.trend_chart("t", "历年", SERIES)]
    for chart in charts:
        assert ch._sorted_json(chart.spec) == json.dumps(chart.spec, sort_keys=True,
                                                         ensure_ascii=False)
    assert len({ch.spec_digest(c.spec) for c in charts}) == 3
    assert charts[0].spec["layer"] is ch.bar_chart("c", "另一张", ROWS).spec["layer"]


def test_a_build_does_not_import_altair(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from generator.render import charts as ch; "
            "ch.bar_chart('x', 't', [('a', 1)]); ch.trend_chart('y', 't', {'s': [(2021, 1)]}); "
            "print('altair' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
