"""A bounded run of the mutation fuzzer (bench/fuzz.py); `make fuzz` runs the long one.

No mutated sample may raise, hang, or yield a figure that differs from the unmutated
one without an issue. A failure prints the reproducer (`--replay SEED:ITERATION`).
"""

from __future__ import annotations

import copy
import io
import random
import sys
from decimal import Decimal

from generator.model import Issue

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import fuzz

SEED = 20240611
SECONDS = 25.0


def test_bounded_fuzz_run_finds_nothing():
    out = io.StringIO()
    found = fuzz.run(iterations=400, seed=SEED, seconds=SECONDS, stop_at_first=True, out=out)
    assert not found, out.getvalue()


def test_mutations_are_reproducible():
    originals = fuzz.load_originals()
    a = fuzz.case(originals, 7, 3)
    b = fuzz.case(originals, 7, 3)
    assert a[0] == b[0] and a[2].data == b[2].data and a[2].steps == b[2].steps


def test_every_mutation_runs_on_every_sample():
    for path, data, _ in fuzz.load_originals():
        for mutation in fuzz.MUTATIONS:
            m = fuzz.Mutated(data)
            mutation(m, random.Random(1))
            assert m.steps, f"{mutation.__name__} did nothing to {path.name}"


def test_the_oracle_catches_a_changed_figure_without_an_issue():
    """The fuzzer's own check: a figure changed at its place, with no issue, is a finding;
    with an issue on its line, it is not."""
    _, _, original = fuzz.load_originals()[0]
    doc = copy.deepcopy(original)
    doc.issues = []
    row = doc.tables["summary"].totals["income"]
    row.values["amount"] += Decimal(1000)
    findings = fuzz._unflagged_changes(original, doc, [])
    assert [f.kind for f in findings] == ["unflagged-figure"]
    doc.issues = [Issue("total-mismatch", "m", doc.path, row.line)]
    assert fuzz._unflagged_changes(original, doc, []) == []


def test_a_slow_case_is_a_finding_not_a_hang(tmp_path, monkeypatch):
    import time

    def spin(doc):  # CPU-bound, like a backtracking regex; gives up after 5 CPU-seconds
        start = time.process_time()
        while time.process_time() - start < 5:
            pass
        return []

    _, data, original = fuzz.load_originals()[0]
    monkeypatch.setattr(fuzz, "run_checks", spin)
    findings = fuzz.check_document(original, data, [], tmp_path, case_timeout=0.5)
    assert [f.kind for f in findings] == ["slow"]
    assert "CPU-seconds" in findings[0].message
