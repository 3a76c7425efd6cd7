"""The CLI, driven as a user would."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT, sample_paths


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


def test_parse_golden_prints_the_key_shape():
    r = run("parse", str(sample_paths()[0]), "--golden")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= {"department", "summary", "expense", "basic", "projects", "performance"}


def test_parse_json_has_source_lines():
    r = run("parse", str(sample_paths()[2]), "--json")
    data = json.loads(r.stdout)
    rows = [row for t in data["tables"].values() for row in t["rows"]]
    assert rows and all(isinstance(row["line"], int) and row["line"] > 0 for row in rows)


def test_check_exits_nonzero_when_a_document_fails(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    r = run("check", str(sample_paths()[1]), str(bad))
    assert r.returncode == 1
    assert f"{bad}: FAILED to parse" in r.stdout
    assert "checks:" in r.stdout


def test_check_succeeds_on_the_samples():
    r = run("check", "content/disclosures")
    assert r.returncode == 0, r.stdout[-2000:]
    assert r.stdout.count("layout ") == 5
