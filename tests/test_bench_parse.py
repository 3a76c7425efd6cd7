"""The parse stage's measuring tools: `bench/parse.py --split` (where a worker's time goes)
and `bench/snapshot.py` (what a change to the parser or the packing changes)."""

from __future__ import annotations

import sys

from .conftest import ROOT, SAMPLES, sample_paths

sys.path.insert(0, str(ROOT / "bench"))
import parse as parse_bench  # noqa: E402
import snapshot  # noqa: E402


def test_split_gives_every_step_per_layout(capsys):
    paths = sample_paths()[:2]
    parse_bench.split_files(paths, rounds=1)
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line for line in lines[1:]}
    assert "all" in rows and len(rows) >= 2  # a layout's line, then all of them
    assert f" {len(paths)} documents" in rows["all"]
    for line in rows.values():
        assert all(f" {step} " in line for step in parse_bench.STEPS)


def test_snapshot_digests_each_table_and_tells_a_changed_one():
    path = sample_paths()[0]
    taken = snapshot.snapshot_of(path, f"content/disclosures/{path.name}")
    assert {"documents", "table_values", "line_items", "checks"} <= set(taken["rows"])
    assert snapshot.snapshot_of(path, f"content/disclosures/{path.name}") == taken
    changed = {**taken, "rows": {**taken["rows"], "table_values": "0" * 16}}
    assert snapshot.differences(taken, changed) == [
        f".rows.table_values: \"{taken['rows']['table_values']}\" → \"{'0' * 16}\""]


def test_snapshot_takes_every_document_of_the_sample_folder():
    names = {p.name for p in snapshot._documents(SAMPLES)}
    assert {p.name for p in SAMPLES.glob("*.txt")} <= names
    assert {p.name for p in SAMPLES.glob("*.pdf")} <= names
