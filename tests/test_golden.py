"""The answer key for the five samples, figure for figure (tests/golden, from shared/golden)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from generator.golden import to_golden
from generator.parse.document import parse_file

from .conftest import GOLDEN, sample_paths

_spec = importlib.util.spec_from_file_location("golden_compare", GOLDEN / "compare.py")
compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)


def score(key: dict, actual: dict) -> tuple[int, int, list]:
    got = dict(compare.leaves(actual))
    misses = []
    total = 0
    for path, want in compare.leaves(key):
        total += 1
        if not (path in got and compare.norm(got[path]) == compare.norm(want)):
            misses.append((path, want, got.get(path, "<missing>")))
    return total - len(misses), total, misses


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem[:3])
def test_golden_exact(path):
    key = json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))
    result = parse_file(path)
    assert result.document is not None, result.issues
    ok, total, misses = score(key, to_golden(result.document))
    assert not misses, f"exact {ok}/{total}; first misses: {misses[:10]}"


def test_compare_detects_a_changed_figure():
    """The scorer itself: one changed amount is one miss."""
    key = json.loads((GOLDEN / f"{sample_paths()[0].stem}.json").read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(key))
    changed["summary"]["income_total"] = "1.00"
    ok, total, misses = score(key, changed)
    assert ok == total - 1 and misses[0][0] == "summary.income_total"
