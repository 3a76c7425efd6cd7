"""A no-change rebuild decides from each input's stat, without reading its bytes, and
still sees every change: one that keeps size and mtime, an edit within the same second."""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from generator import statcache
from generator.build import build

from .test_incremental import EDITED, edit_source, incremental_site

AN_HOUR_AGO = -3600


def age_inputs(site: Path, seconds: int = AN_HOUR_AGO) -> None:
    """Set every input's mtime `seconds` from now: a record taken now is then not racy."""
    for folder in (site / "content", site / "templates"):
        for p in folder.rglob("*") if folder.is_dir() else ():
            if p.is_file():
                os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + seconds * 10**9))


def opened_under(monkeypatch, folder: Path) -> list[str]:
    """The files under `folder` opened from now on (by open, io.open or Path.read_*)."""
    opened: list[str] = []
    real_open = io.open

    def counting_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve().is_relative_to(folder):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_open)
    return opened


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """Every file of the site (build/ and .cache/ included) with its inode and mtime; but
    the build lock, where every build writes its process id (`output_guard.build_lock`)."""
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file() and p.name != ".build.lock"}


def aged_site_built(make_site) -> Path:
    """A site of two sources written an hour ago, built."""
    site = incremental_site(make_site)
    age_inputs(site)
    build(site)
    return site


def same_size_edit(path: Path) -> bytes:
    """The bytes of `path` with one character changed for another of the same length."""
    data = path.read_bytes()
    changed = data.replace("阿图什".encode(), "阿图仕".encode(), 1)
    assert changed != data and len(changed) == len(data)
    return changed


def built_again(site: Path) -> bool:
    """Whether a build saw a change (False: it found the site up to date)."""
    return not build(site).up_to_date


def test_a_no_change_rebuild_reads_no_source_and_writes_nothing(make_site, monkeypatch):
    # Setting the mtimes back gave every input a ctime of now, and a record is believed
    # only RACY_NS after its files' ctimes: without the wait, the record of the first build.
    monkeypatch.setattr(statcache, "RACY_NS", 0)
    site = incremental_site(make_site)
    age_inputs(site)
    assert built_again(site)
    before = snapshot(site)
    opened = opened_under(monkeypatch, (site / "content").resolve())
    assert not built_again(site)
    assert opened == []
    assert snapshot(site) == before


def test_a_change_keeping_size_and_mtime_is_seen(make_site):
    site = aged_site_built(make_site)
    path = site / "content" / "disclosures" / EDITED
    st = path.stat()
    path.write_bytes(same_size_edit(path))  # same inode; a new ctime
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -d back to the old mtime
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert built_again(site)
    assert not built_again(site)


def test_a_file_replaced_by_another_with_the_same_stat_times_is_seen(make_site):
    site = aged_site_built(make_site)
    path = site / "content" / "disclosures" / EDITED
    st = path.stat()
    replacement = path.with_name("replacement.tmp")
    replacement.write_bytes(same_size_edit(path))
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    replacement.replace(path)  # as an editor saves: another inode, same size and mtime
    assert path.stat().st_ino != st.st_ino and path.stat().st_mtime_ns == st.st_mtime_ns
    assert built_again(site)


def test_an_edit_within_the_same_second_is_seen(make_site, monkeypatch):
    """Racily clean: on a file system that keeps whole seconds and no ctime or inode
    (simulated), a file written again within the second its stat was recorded in has the
    recorded stat; only its bytes can tell."""
    monkeypatch.setattr(statcache, "_stat_key",
                        lambda st: [st.st_size, st.st_mtime_ns // 10**9 * 10**9])
    site = incremental_site(make_site)
    build(site)
    path = site / "content" / "disclosures" / EDITED
    this_second = time.time_ns() // 10**9 * 10**9
    os.utime(path, ns=(this_second, this_second))
    assert not built_again(site)  # its stat is recorded within the second
    size = path.stat().st_size
    path.write_bytes(same_size_edit(path))
    os.utime(path, ns=(this_second, this_second))
    assert statcache._stat_key(path.stat()) == [size, this_second]
    assert built_again(site)
    assert not built_again(site)


def test_a_damaged_stat_record_is_rebuilt_not_believed(make_site):
    site = aged_site_built(make_site)
    record = site / ".cache" / "input-stats.entry"
    assert record.exists()
    record.write_bytes(record.read_bytes()[:-10])
    edit_source(site)
    assert built_again(site)
    assert record.exists() and not built_again(site)


def test_a_no_change_rebuild_imports_neither_duckdb_nor_the_renderer(make_site):
    """The CLI, run again with nothing changed, stops before the parse stage is imported."""
    site = incremental_site(make_site)
    build(site)
    heavy = ("duckdb", "jinja2", "markdown_it", "pypinyin", "generator.parse_stage",
             "generator.render")
    code = ("import sys\nfrom generator.cli import main\n"
            f"status = main(['build', {str(site)!r}])\n"
            f"print(status, [m for m in {heavy!r} if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "已是最新" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "0 []"


def test_a_clean_build_hashes_every_input_again(make_site, monkeypatch):
    """`build --clean` believes no cache, the stat record included."""
    monkeypatch.setattr(statcache, "RACY_NS", 0)  # the record is believed (see the first test)
    site = aged_site_built(make_site)
    hashed: list[str] = []
    real = statcache.file_sha256
    monkeypatch.setattr(statcache, "file_sha256", lambda path: hashed.append(path.name) or real(path))
    build(site, clean=True)
    assert EDITED in hashed
