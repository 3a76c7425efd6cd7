"""The CLI, driven as a user would."""

from __future__ import annotations

import json
import re
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
    assert f"{bad}: 无法解析" in r.stdout and "[source-empty] 文件为空" in r.stdout
    assert "  恒等式：" in r.stdout


def test_check_succeeds_on_the_samples():
    r = run("check", "content/disclosures")
    assert r.returncode == 0, r.stdout[-2000:]
    shipped = [p for p in (ROOT / "content" / "disclosures").iterdir() if p.is_file()]
    assert r.stdout.count("  读取：版式 ") == len(shipped) >= 21  # 5 samples, 16 real PDFs


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
    assert f"{folder / 'c.doc'}: 未读取" in r.stdout and "请另存为 .docx" in r.stdout
    assert f"{folder / 'd.jpg'}: 未读取" in r.stdout and "不做 OCR" in r.stdout
    assert ".DS_Store" not in r.stdout and "~$f.xlsx" not in r.stdout
    last = r.stdout.rstrip().splitlines()[-1]
    assert last.startswith("6 个文件：5 个未读取")
    assert "Traceback" not in r.stderr


def test_check_groups_errors_warnings_and_infos_and_strict_fails_on_mismatches():
    """The five samples: nine identities fail (克州 6, 阿图什 3). Without --strict check
    exits 0 and says so; with --strict it exits 1. Each document lists its errors, then
    its warnings, by kind with a few examples each, and counts its infos; -v lists all."""
    samples = [str(p) for p in sample_paths()]
    r = run("check", *samples)
    assert r.returncode == 0, r.stdout[-2000:]
    assert run("check", "--strict", *samples).returncode == 1
    assert run("check", "--strict", samples[2]).returncode == 0  # 喀什市: no mismatch
    out = r.stdout
    assert "其中恒等式不符 9" in out.splitlines()[-1]
    assert out.count("错误（需要修改）：") == 2 and "警告（请查看）：" in out
    assert "  信息：" in out and "\n  WARNING" not in out
    # a kind's examples are cut short, with the count of the rest; -v shows every one
    assert "…另 " in out
    verbose = run("check", "-v", *samples).stdout
    assert "…另 " not in verbose and len(verbose.splitlines()) > 2 * len(out.splitlines())
    # grouped by slug, each group saying what it is in Chinese
    assert "[column-inferred] 列位置由恒等式推定" in out
    assert "[row-basic-project] 表三：一行的合计不等于基本支出加项目支出" in out
    # and so are the messages: a row by its printed label, no English words
    assert "表三「201 03 01」行：合计 1249.92 ≠ 基本 1249.62 + 项目 空（差 0.30）" in out
    # (喀什's document, read by the pdf-single-space layout: the tsv, word-cells and
    # pdf-padded layouts are being moved onto the shared pipeline and still speak English)
    kashgar = re.sub(r"\[[a-z-]+\]", "", verbose.split(f"{samples[1]}:")[0])  # slugs stay
    assert kashgar.count("\n      ") > 100 and not re.search(r"\b(?:row|line|read|printed|not)\b", kashgar)


def test_check_of_a_site_or_content_folder_reads_its_disclosures_not_its_pages(tmp_path):
    """`check content` (or the site folder) checks what the build reads: the disclosures
    under content/disclosures (or build.content_dir's), not the Markdown pages beside them."""
    site = tmp_path / "site"
    for content in ("content", "docs"):
        (site / content / "disclosures").mkdir(parents=True)
        (site / content / "pages").mkdir()
        (site / content / "pages" / "about.md").write_text("# 关于\n", encoding="utf-8")
    sample = sample_paths()[2]
    (site / "docs" / "disclosures" / sample.name).write_bytes(sample.read_bytes())
    (site / "site.toml").write_text('[build]\ncontent_dir = "docs"\n', encoding="utf-8")
    for folder in (site, site / "docs"):
        r = run("check", str(folder))
        assert r.returncode == 0, r.stdout[-2000:]
        assert "about.md" not in r.stdout and "layout-unknown" not in r.stdout
        assert r.stdout.rstrip().splitlines()[-1].startswith("1 个文件：0 个未读取")
