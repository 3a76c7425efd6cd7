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
    shipped = [p for p in (ROOT / "content" / "disclosures").iterdir() if p.is_file()]
    assert r.stdout.count("layout ") == len(shipped) >= 21  # 5 samples, 16 real PDFs


def test_check_reports_every_file_of_the_folder_and_fails_on_unread_ones(tmp_path):
    """Every file a maintainer put in the folder is reported: the documents read, and each
    one that is not (a format without a reader in this version, or one the site never
    reads) with its reason; hidden and Office lock files are nobody's documents."""
    folder = tmp_path / "disclosures"
    folder.mkdir()
    sample = sample_paths()[1]
    (folder / sample.name).write_bytes(sample.read_bytes())
    files = {"a.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "b.docx": b"PK\x03\x04not a real one",
             "c.doc": b"\xd0\xcf\x11\xe0", "d.jpg": b"\xff\xd8\xff\xe0", "e": b"x"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / ".DS_Store").write_bytes(b"\x00\x00")
    (folder / "~$f.xlsx").write_bytes(b"lock")
    r = run("check", str(folder))
    assert r.returncode == 1
    heads = [line for line in r.stdout.splitlines() if line.startswith(str(folder))]
    assert sorted(h.split(":")[0] for h in heads) == sorted(str(folder / n) for n in [sample.name, *files])
    assert f"{folder / 'c.doc'}: not read" in r.stdout and "save it as .docx" in r.stdout
    assert f"{folder / 'd.jpg'}: not read" in r.stdout and "no OCR" in r.stdout
    assert ".DS_Store" not in r.stdout and "~$f.xlsx" not in r.stdout
    assert r.stdout.rstrip().endswith("identity mismatch(es)") and "6 file(s)" in r.stdout
    assert "Traceback" not in r.stderr
