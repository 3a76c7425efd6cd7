"""The corpus synthesizer's round trip: synthesize → parse → the same figures, scaled.

A copy made with factor k, year offset d and new names must parse to exactly
k × every amount, every year + d and every name replaced, with the same rows, lines,
columns and issues. The one allowed difference: a sample whose identities hold only up
to rounding (a 0.01 gap) gives gaps of k × 0.01 in the copy, which a reader may then
rightly refuse to use for placing a column; such a figure must carry an issue on its
row's line.
"""

from __future__ import annotations

import hashlib
import random
import sys
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks import run_checks
from generator.parse.document import parse_file, parse_text
from generator.sources import SourceText

from .conftest import ROOT, SAMPLES, sample_paths

sys.path.insert(0, str(ROOT / "bench"))
import synth


@cache
def templates() -> tuple[synth.Template, ...]:
    return tuple(synth.load_templates(SAMPLES))


def parse_copy(template: synth.Template, plan: synth.Plan):
    text = synth.render(template, plan)
    source = SourceText("content/disclosures/copy.txt", text, text.split("\n"), "utf-8",
                        hashlib.sha256(text.encode()).hexdigest())
    return text, parse_text(source).document


def differences(expected: Any, actual: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            out += differences(expected.get(key), actual.get(key), f"{path}.{key}")
        return out
    if (isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple))
            and len(expected) == len(actual)):
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += differences(e, a, f"{path}[{i}]")
        return out
    return [] if expected == actual else [(path, expected, actual)]


def row_line(figs: dict, path: str) -> int | None:
    """The source line of the table row a difference path points into."""
    parts = path.strip(".").replace("[", ".").replace("]", "").split(".")
    if parts[0] != "tables":
        return None
    node: Any = figs
    for part in parts[:5]:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if isinstance(node, dict) and "line" in node and "values" in node:
            return node["line"]
    return None


def has_rounding_gaps(doc) -> bool:
    return any(c.status == "rounding" for c in run_checks(doc))


def assert_round_trip(template: synth.Template, plan: synth.Plan) -> None:
    _, doc = parse_copy(template, plan)
    assert doc is not None, f"{template.path.name}: the copy does not parse"
    expected = synth.transform(synth.figures(template.doc), plan)
    actual = synth.figures(doc)
    diffs = differences(expected, actual)
    if diffs and has_rounding_gaps(template.doc):
        flagged = {i.line for i in doc.issues if i.line}
        diffs = [d for d in diffs if row_line(actual, d[0]) not in flagged]
    shown = "\n".join(f"  {p}: expected {e!r}, got {a!r}" for p, e, a in diffs[:15])
    assert not diffs, f"{template.path.name} with {plan}:\n{shown}"
    if not has_rounding_gaps(template.doc):
        assert synth.issue_keys(doc) == synth.issue_keys(template.doc)


def test_every_sample_is_a_template_and_every_layout_is_covered():
    layouts = {t.layout for t in templates()}
    assert len(templates()) == len(sample_paths())
    assert layouts == {"pdf-single-space", "word-cells", "tsv", "pdf-padded"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=len(sample_paths()) - 1),
       k=st.integers(min_value=1, max_value=25), year=st.integers(min_value=2015, max_value=2030),
       seed=st.integers(min_value=0, max_value=10_000))
def test_round_trip_synthesize_parse_same_figures(index, k, year, seed):
    template = templates()[index]
    plan = synth.make_plan(template, random.Random(seed), k=k, year=year)
    assert_round_trip(template, plan)


def test_copies_change_every_amount_name_and_year():
    template = next(t for t in templates() if t.layout == "tsv")
    plan = synth.make_plan(template, random.Random(3), k=7, year=2030)
    text, doc = parse_copy(template, plan)
    assert doc.year == 2030 and doc.department != template.doc.department
    old_dept = template.doc.department
    assert old_dept not in text.replace("\n", "")
    total = template.doc.tables["summary"].totals["income"].values["amount"]
    assert doc.tables["summary"].totals["income"].values["amount"] == total * 7


def test_scaled_amounts_keep_their_printed_format():
    assert synth.scale_printed("17.00", 3, False) == "51.00"
    assert synth.scale_printed("1,904.25", 2, False) == "3,808.50"
    assert synth.scale_printed("904.25", 2, True) == "1,808.50"
    assert synth.scale_printed("195.9", 2, False) == "391.8"
    assert synth.scale_printed("1834.8 3", 2, False) == "3669.6 6"
    assert synth.scale_printed("1834. 83", 2, False) == "3669. 66"
    assert synth.scale_printed("0", 9, False) == "0"


def test_names_with_a_line_break_inside_keep_the_break():
    assert synth._keep_breaks("阿图什市人民政府\n办公室", "奎屯市教育局") == "奎屯市教育\n局"


def test_synthesize_writes_n_files_round_robin_over_layouts(tmp_path):
    written = synth.synthesize(8, tmp_path / "out", seed=5, templates=list(templates()))
    assert len(written) == 8 == len(list((tmp_path / "out").glob("*.txt")))
    assert {t.layout for _, t, _ in written} == {t.layout for t in templates()}
    again = synth.synthesize(8, tmp_path / "again", seed=5, templates=list(templates()))
    assert [p.read_bytes() for p, _, _ in written] == [p.read_bytes() for p, _, _ in again]
    departments = [(parse_file(p).document.department, parse_file(p).document.year)
                   for p, _, _ in written]
    assert len(set(departments)) == len(departments)


def test_a_template_without_a_known_name_still_scales(tmp_path):
    """Nothing depends on the samples' file names: a renamed copy is a template like any."""
    src = sample_paths()[-1]
    other = tmp_path / "whatever-name.text"
    other.write_bytes(src.read_bytes())
    template = synth.load_template(other)
    assert template is not None
    plan = synth.Plan(k=3, year_delta=1)
    assert_round_trip(template, plan)
