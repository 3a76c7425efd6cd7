"""Atomic and deterministic builds.

A build killed at any point (SIGKILL: no cleanup code runs) must leave the previous
build/ intact and servable: the same files with the same bytes. Two builds of the same
input must be byte-identical, file by file, the DuckDB download included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from generator.build import build

from .conftest import ROOT, sample_paths

SITE_TOML = '[site]\ntitle = "原子构建"\n[build]\nsearch = false\ncharts = false\n'

# Runs one build of SITE in a fresh process. Mode "between-renames" kills the process
# with SIGKILL right after the build moves the old output away and before the new one
# is in place: the one instant a two-rename swap leaves no build/ at all.
RUNNER = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import generator.build
import generator.output_guard as b
site, mode = Path(sys.argv[1]), sys.argv[2]
if mode == "fallback-between-renames":
    b._exchange = lambda a, c: False  # the portable two-rename swap (non-Linux hosts)
if mode in ("between-renames", "fallback-between-renames"):
    real = b.os
    class KillAfterMovingTheOutput:
        def __getattr__(self, name):
            return getattr(real, name)
        def _kill_if_output(self, src):
            if Path(src).name == "build":
                real.kill(real.getpid(), signal.SIGKILL)
        def rename(self, src, dst, *a, **k):
            real.rename(src, dst, *a, **k)
            self._kill_if_output(src)
        def replace(self, src, dst, *a, **k):
            real.replace(src, dst, *a, **k)
            self._kill_if_output(src)
    b.os = KillAfterMovingTheOutput()
generator.build.build(site)
"""


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def small_site(make_site, extra: int = 0) -> Path:
    """A site of the smallest sample (charts and search off, to keep builds short)."""
    paths = sorted(sample_paths(), key=lambda p: p.stat().st_size)[:1 + extra]
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML}
    files.update({f"content/disclosures/{p.name}": p.read_bytes() for p in paths})
    return make_site(files)


def start_build(site: Path, mode: str = "plain") -> subprocess.Popen:
    script = site / "run_build.py"
    script.write_text(RUNNER.format(root=str(ROOT)), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(site), mode],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed_build(site: Path) -> float:
    start = time.perf_counter()
    proc = start_build(site)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return time.perf_counter() - start


def change_input(site: Path) -> None:
    """Give the next build something new to write: one more disclosure."""
    extra = sorted(sample_paths(), key=lambda p: p.stat().st_size)[1]
    (site / "content" / "disclosures" / extra.name).write_bytes(extra.read_bytes())


def assert_intact(site: Path, before: dict[str, str], when: str) -> None:
    output = site / "build"
    assert output.is_dir(), f"{when}: build/ is gone (leftovers: {leftovers(site)})"
    after = tree_hashes(output)
    missing = sorted(set(before) - set(after))
    extra = sorted(set(after) - set(before))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (missing or extra or changed), (
        f"{when}: build/ changed: missing {missing[:5]}, extra {extra[:5]}, changed {changed[:5]}")
    assert (output / "index.html").is_file()


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if "staging" in p.name or "-old-" in p.name)


def reference_build(site: Path, tmp: Path) -> dict[str, str]:
    """The hashes of a complete build of `site`'s current input, made in another folder."""
    copy = tmp / "reference"
    for p in site.rglob("*"):
        rel = p.relative_to(site)
        if p.is_file() and rel.parts[0] in ("content", "site.toml"):
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_bytes(p.read_bytes())
    build(copy, clean=True)
    return tree_hashes(copy / "build")


def is_complete_build(site: Path, reference: dict[str, str]) -> bool:
    return tree_hashes(site / "build") == reference


def test_sigkill_at_random_points_leaves_the_previous_build_intact(make_site, tmp_path_factory):
    """After a kill, build/ is the previous site, byte for byte, or (killed after the
    swap, while cleaning up) the complete new one: never a mix, never nothing."""
    site = small_site(make_site)
    duration = timed_build(site)
    before = tree_hashes(site / "build")
    change_input(site)
    reference = reference_build(site, tmp_path_factory.mktemp("ref"))
    killed_before_swap = 0
    for fraction in (0.15, 0.4, 0.65, 0.9):
        shutil.rmtree(site / ".cache", ignore_errors=True)  # a full rebuild each time
        proc = start_build(site)
        time.sleep(duration * fraction)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        when = f"killed after {duration * fraction:.2f} s (exit {proc.returncode})"
        if tree_hashes(site / "build") != before:
            assert is_complete_build(site, reference), f"{when}: build/ is neither the old nor the new site"
            return  # the new site is in place; later kills would test nothing new
        assert_intact(site, before, when)
        killed_before_swap += 1
    assert killed_before_swap


def test_swap_never_leaves_an_instant_without_build(make_site):
    """On Linux the swap is one atomic exchange: build/ is never renamed away at all."""
    site = small_site(make_site)
    timed_build(site)
    before = tree_hashes(site / "build")
    change_input(site)
    proc = start_build(site, "between-renames")  # kills the build if build/ is ever moved
    proc.wait(timeout=300)
    assert proc.returncode == 0, "build/ was renamed away: there was an instant without a site"
    after = tree_hashes(site / "build")
    assert after != before and leftovers(site) == []


def test_fallback_swap_killed_between_renames_is_recovered(make_site):
    """Where no atomic exchange exists, a kill between the two renames leaves the old site
    aside; the next build (recover_interrupted_swap) puts it back unchanged first."""
    from generator.output_guard import recover_interrupted_swap

    site = small_site(make_site)
    timed_build(site)
    before = tree_hashes(site / "build")
    change_input(site)
    proc = start_build(site, "fallback-between-renames")
    proc.wait(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert not (site / "build").exists()
    recover_interrupted_swap(site / "build")
    assert_intact(site, before, "recovered after a kill between the fallback swap's renames")


def test_the_next_build_recovers_and_cleans_up_after_killed_ones(make_site):
    site = small_site(make_site)
    timed_build(site)
    change_input(site)
    start_build(site, "fallback-between-renames").wait(timeout=300)  # leaves the old site aside
    proc = start_build(site)
    time.sleep(1.5)  # past parsing: a staging folder exists
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    timed_build(site)
    assert (site / "build" / "index.html").is_file()
    assert leftovers(site) == [], "staging/old folders of killed builds are never removed"


def differing_ranges(a: bytes, b: bytes, block: int = 4096) -> str:
    """Where two files differ, by 4 KiB block, for the failure message."""
    diffs = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
    blocks: dict[int, list[int]] = {}
    for i in diffs:
        blocks.setdefault(i // block, []).append(i)
    shown = ", ".join(f"block {k}: {len(v)} bytes at {v[0]}..{v[-1]}" for k, v in list(blocks.items())[:8])
    return f"sizes {len(a)}/{len(b)}, {len(diffs)} bytes differ ({shown})"


def duckdb_content(path: Path) -> dict[str, list]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def test_two_builds_of_the_same_input_are_byte_identical(make_site, tmp_path):
    """The DuckDB download included: a database DuckDB 2.0 creates has a random identifier
    in its headers and uninitialised bytes in its compressed string blocks, which is why
    the build publishes a copy in the v1.0.0 storage format, uncompressed (`db.publish`)."""
    site = small_site(make_site)
    build(site)
    first = tree_hashes(site / "build")
    kept = {name: (site / "build" / "data" / name).read_bytes()
            for name in ("budget.duckdb", "tables-csv/part-0000.zip")}
    time.sleep(2.1)  # zip entries carry a 2-second timestamp: make a clock-dependent one show
    build(site, clean=True)  # an unchanged site would not be built again at all
    second = tree_hashes(site / "build")
    assert sorted(first) == sorted(second)
    differing = sorted(k for k in first if first[k] != second[k])
    details = [f"{k}: " + differing_ranges(kept[k.removeprefix("data/")],
                                           (site / "build" / k).read_bytes())
               for k in differing if k.removeprefix("data/") in kept]
    assert differing == [], f"files differ between two builds: {differing}\n" + "\n".join(details)
    assert not list((site / "build" / "data").glob("*.wal"))


def test_two_builds_store_the_same_database_content(make_site, tmp_path):
    """Whatever its bytes, the DuckDB download holds the same rows every time."""
    site = small_site(make_site)
    build(site)
    keep = tmp_path / "first.duckdb"
    keep.write_bytes((site / "build" / "data" / "budget.duckdb").read_bytes())
    build(site, clean=True)
    assert duckdb_content(keep) == duckdb_content(site / "build" / "data" / "budget.duckdb")


def test_the_same_input_in_another_folder_builds_the_same_pages(make_site, tmp_path):
    """No absolute path or folder name of the site leaks into any file."""
    site = small_site(make_site)
    build(site)
    other = tmp_path.parent / (tmp_path.name + "-elsewhere")
    other.mkdir()
    for p in site.rglob("*"):
        if p.is_file() and "build" not in p.relative_to(site).parts[:1]:
            target = other / p.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(p.read_bytes())
    build(other)
    a, b = tree_hashes(site / "build"), tree_hashes(other / "build")
    differing = sorted(k for k in a if a.get(k) != b.get(k)) + sorted(set(b) - set(a))
    assert differing == [], f"files differ by site folder: {differing[:10]}"
    assert os.fspath(site) not in (site / "build" / "index.html").read_text(encoding="utf-8")
