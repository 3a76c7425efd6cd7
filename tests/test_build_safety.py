"""Builds that cannot hurt: one build at a time per output folder, an output folder that
can never be the sources, clear messages and exit codes, no file read from outside the site.

The two-builds race is run with real processes: a build made slow on purpose (it sleeps
before rendering, while its staging folder exists) and the CLI started next to it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import pytest

import generator.build  # noqa: F401  (loaded before `without_root` forks: the unprivileged child
import generator.output_guard  # noqa: F401  may be unable to read the interpreter's own files)
from generator.cli import main
from generator.output_guard import MARKER

from .conftest import ROOT, sample_paths

SITE_TOML = '[site]\ntitle = "安全构建"\n[build]\nsearch = false\ncharts = false\n'
GARBAGE = "这不是预算公开文件。\n只是一段文字。\n"

# A build that sleeps before rendering: its staging folder exists, and it holds the lock,
# for `seconds` seconds.
SLOW_BUILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import generator.build as b
render = b.render_database
def slow_render(*args, **kwargs):
    time.sleep(float(sys.argv[2]))
    return render(*args, **kwargs)
b.render_database = slow_render
b.build(Path(sys.argv[1]), clean=True)
"""


def small_site(make_site, count: int = 2) -> Path:
    paths = sorted(sample_paths(), key=lambda p: p.stat().st_size)[:count]
    files: dict[str, str | bytes] = {"site.toml": SITE_TOML}
    files.update({f"content/disclosures/{p.name}": p.read_bytes() for p in paths})
    return make_site(files)


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def start_slow_build(site: Path, seconds: float) -> subprocess.Popen:
    script = site.parent / f"{site.name}-slow_build.py"
    script.write_text(SLOW_BUILD.format(root=str(ROOT)), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(site), str(seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def staging_folders(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if "-staging-" in p.name or "-old-" in p.name)


def left_behind(site: Path, timeout: float = 120) -> list[str]:
    """The staging and replaced-site folders still there once the replaced sites' deleting
    processes are done: the command line returns before its replaced site is deleted (a
    process of its own deletes it, `output_guard._remove_in_background`), so a `-old-`
    folder may stand for a moment; a `-staging-` folder never should."""
    deadline = time.monotonic() + timeout
    while any("-old-" in name for name in staging_folders(site)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return staging_folders(site)


def wait_for_staging(site: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not staging_folders(site):
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
        assert time.monotonic() < deadline, "the slow build never made a staging folder"
        time.sleep(0.05)


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_two_builds_at_once_take_turns(make_site):
    """The second build waits for the first (saying so), instead of deleting its staging
    folder; `--no-wait` fails at once, naming the other build's process."""
    site = small_site(make_site)
    assert cli("build", str(site)).returncode == 0
    complete = files_of(site / "build")
    first = start_slow_build(site, 6)
    try:
        wait_for_staging(site, first)
        refused = cli("build", str(site), "--no-wait")
        second = cli("build", str(site), "--clean")
        _, first_err = first.communicate(timeout=300)
    finally:
        first.kill()
    assert first.returncode == 0, first_err.decode(errors="replace")[-2000:]
    assert refused.returncode == 2, refused.stderr
    assert f"{site / 'build'} 的另一个构建正在进行（进程 {first.pid}）：请等它结束后再试" in refused.stderr
    assert second.returncode == 0, second.stderr[-2000:]
    assert f"{site / 'build'} 的另一个构建正在进行（进程 {first.pid}），等待中" in second.stderr
    assert files_of(site / "build") == complete
    assert left_behind(site) == []


def test_a_killed_build_leaves_no_lock_and_its_staging_folder_is_removed(make_site):
    site = small_site(make_site, 1)
    killed = start_slow_build(site, 60)
    wait_for_staging(site, killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    result = cli("build", str(site), "--no-wait", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (site / "build" / "index.html").is_file()
    assert left_behind(site) == []


def test_a_serve_rebuild_waits_for_the_lock_of_the_output(make_site, capfd):
    """`serve` builds through `build()`, so it takes the same lock as the command line."""
    from generator.output_guard import build_lock
    from generator.serve import Rebuilder, SiteState

    site = small_site(make_site, 1)
    rebuilder = Rebuilder(site, SiteState(), log=lambda message: None)
    with build_lock((site / "build").resolve()):
        thread = threading.Thread(target=rebuilder.build_now)
        thread.start()
        thread.join(timeout=3)
        assert thread.is_alive() and rebuilder.builds == 0  # it cannot build while we hold the lock
    thread.join(timeout=300)
    assert rebuilder.builds == 1 and (site / "build" / "index.html").is_file()
    assert f"{site / 'build'} 的另一个构建正在进行（进程 {os.getpid()}），等待中" in capfd.readouterr().err


def refused(site: Path, capsys, *args: str) -> str:
    """Builds `site` with `args`; asserts it is refused (exit 2) and the sources are intact."""
    before = files_of(site)
    assert main(["build", str(site), *args]) == 2
    assert files_of(site) >= before
    assert (site / "site.toml").is_file() and (site / "content" / "disclosures").is_dir()
    return capsys.readouterr().err


@pytest.mark.parametrize("output, says", [
    (".", "就是站点文件夹"),
    ("..", "包含站点文件夹"),
    ("content", "就是 content/"),
    ("content/disclosures/site", "位于 content/"),
    ("templates/out", "位于 templates/"),
])
def test_an_output_folder_that_holds_or_lies_in_the_sources_is_refused(make_site, capsys,
                                                                        output, says):
    site = small_site(make_site, 1)
    (site / "templates").mkdir()
    message = refused(site, capsys, "--output", str(site / output))
    assert says in message and "错误：" in message and "请另选输出文件夹" in message


def test_an_output_dir_in_site_toml_that_is_the_content_is_refused(make_site, capsys):
    site = small_site(make_site, 1)
    (site / "site.toml").write_text(SITE_TOML + 'output_dir = "content"\n', encoding="utf-8")
    assert "就是 content/" in refused(site, capsys)


def test_another_sites_folder_is_refused(make_site, capsys):
    site = small_site(make_site, 1)
    other = site.parent / "other-site"
    (other / "content").mkdir(parents=True)
    (other / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (other / MARKER).write_text("", encoding="utf-8")  # even one that looks like a build
    assert f"{other} 含有 site.toml、content：请另选输出文件夹" in refused(site, capsys, "-o", str(other))
    assert (other / "site.toml").is_file() and (other / "content").is_dir()


def test_a_build_from_before_the_marker_is_replaced(make_site):
    """A build/ without the marker file is still a previous build when the manifest names it."""
    site = small_site(make_site, 1)
    assert main(["build", str(site)]) == 0
    (site / "build" / MARKER).unlink()
    (site / "content" / "disclosures" / "again.txt").write_bytes(sample_paths()[0].read_bytes())
    assert main(["build", str(site)]) == 0
    assert (site / "build" / MARKER).is_file()


def test_a_folder_of_other_files_is_refused_and_a_previous_build_is_replaced(make_site, capsys):
    site = small_site(make_site, 1)
    other = site.parent / "notes"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    message = refused(site, capsys, "--output", str(other))
    assert f"{other} 不是空文件夹，也不是以前的构建结果" in message
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"
    (other / "notes.txt").unlink()  # an empty folder is fine
    assert main(["build", str(site), "--output", str(other)]) == 0
    (site / "content" / "disclosures" / "again.txt").write_bytes(sample_paths()[0].read_bytes())
    assert main(["build", str(site), "--output", str(other)]) == 0  # a previous build: replaced
    assert len(list((other / "budgets").glob("*/index.html"))) == 2


def without_root(command) -> tuple[int, str]:
    """`command()` (an exit code) in a forked process that has given up root's power to
    write anywhere, when the tests run as root; its exit code and what it printed on stderr."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code, err = 99, io.StringIO()
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = command()
        except BaseException:
            err.write(traceback.format_exc())
        finally:
            os.write(write, err.getvalue().encode("utf-8"))
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        printed = pipe.read().decode("utf-8")
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), printed


def test_a_read_only_output_folder_gives_a_clear_message(make_site):
    """Not a traceback: the folder and the reason, and exit 2."""
    with tempfile.TemporaryDirectory() as tmp:  # one the unprivileged user can reach
        site = Path(tmp) / "site"
        shutil.copytree(small_site(make_site, 1), site)
        locked = Path(tmp) / "locked"
        locked.mkdir()
        for path in (Path(tmp), site, *site.rglob("*")):
            path.chmod(0o777 if path.is_dir() else 0o666)
        locked.chmod(0o555)
        code, err = without_root(lambda: main(["build", str(site), "--output", str(locked / "out")]))
        assert code == 2, err[-2000:]
        assert "Traceback" not in err
        assert f"无法把站点写入 {locked / 'out'}：{locked} 不可写" in err


def test_build_fails_when_no_source_could_be_parsed(make_site, capsys):
    site = make_site({"site.toml": SITE_TOML, "content/disclosures/a.txt": GARBAGE})
    assert main(["build", str(site)]) == 1
    assert "没有能解析的文件（content/disclosures 下的 1 个都失败了）" in capsys.readouterr().err
    assert main(["build", str(site)]) == 1  # up to date: still a failure


def test_build_with_strict_fails_when_any_source_could_not_be_parsed(make_site, capsys):
    site = small_site(make_site, 1)
    (site / "content" / "disclosures" / "bad.txt").write_text(GARBAGE, encoding="utf-8")
    assert main(["build", str(site)]) == 0
    assert main(["build", str(site), "--strict"]) == 1  # up to date, yet strict
    assert "1 个文件无法解析：content/disclosures/bad.txt" in capsys.readouterr().err
    (site / "content" / "disclosures" / "bad.txt").unlink()
    assert main(["build", str(site), "--strict"]) == 0


def test_symlinks_out_of_the_site_are_not_followed(make_site, tmp_path_factory, capsys):
    """A page, a disclosure, a template and an asset that link out of the site are not
    read (each named in a warning); a link inside the site is fine."""
    outside = tmp_path_factory.mktemp("outside")
    secret = outside / "secret.md"
    secret.write_text("# 秘密\n\nSECRET-TOKEN-1234\n", encoding="utf-8")
    other = sorted(sample_paths(), key=lambda p: p.stat().st_size)[1]
    shutil.copy(other, outside / "other.txt")
    site = small_site(make_site, 1)
    (site / "notes").mkdir()
    (site / "notes" / "inside.md").write_text("# 里面\n\ninside-the-site\n", encoding="utf-8")
    links = {"content/pages/leak.md": secret, "content/pages/inside.md": site / "notes" / "inside.md",
             "content/disclosures/other.txt": outside / "other.txt",
             "templates/page.html": secret, "templates/assets/extra.css": secret}
    for name, target in links.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).symlink_to(target)
    (site / "content" / "pages" / "loop.md").symlink_to(site / "content" / "pages" / "loop.md")
    assert main(["build", str(site)]) == 0
    err = capsys.readouterr().err
    for name in ("content/pages/leak.md", "content/disclosures/other.txt", "templates/page.html",
                 "templates/assets/extra.css", "content/pages/loop.md"):
        assert f"{name}: 指向站点文件夹之外的符号链接" in err
    assert "inside.md" not in err
    built = site / "build"
    leaks = [p for p in built.rglob("*") if p.is_file() and b"SECRET-TOKEN" in p.read_bytes()]
    assert leaks == []
    assert not (built / "pages" / "leak").exists() and not (built / "assets" / "extra.css").exists()
    assert "inside-the-site" in (built / "pages" / "inside" / "index.html").read_text(encoding="utf-8")
    assert len(list((built / "budgets").glob("*/source.txt"))) == 1
