"""Builds that cannot hurt (issue 19): a file that takes too long to parse is left out with
an issue while the build goes on, and a killed build leaves no worker process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from generator.build import build
from generator.cli import main

from .conftest import sample_paths
from .test_longtext import long_text

SLOW = "content/disclosures/000_slow.txt"  # parsed first: the others follow it in one worker


def slow_site(make_site, prose_lines: int, timeout: int) -> Path:
    """Two samples and a sample followed by `prose_lines` lines of prose (some seconds of
    parsing: a genuinely slow input, not a sleep)."""
    first, second = sample_paths()[:2]
    return make_site({
        "site.toml": f"[build]\nsearch = false\ncharts = false\nparse_timeout = {timeout}\n",
        SLOW: long_text(first.read_text(encoding="utf-8"), prose_lines),
        f"content/disclosures/{first.name}": first.read_bytes(),
        f"content/disclosures/{second.name}": second.read_bytes()})


def test_a_file_over_the_time_limit_is_left_out_and_the_build_goes_on(make_site, capsys):
    # some 3.5 s of parsing against a 1 s limit: 300,000 lines (1.05 s measured alone) was
    # over the limit by a hair, and once under it in the full suite (after earlier in-process
    # builds; the garbage collector's state is the likely cause, not pinned down)
    site = slow_site(make_site, 1_000_000, timeout=1)
    report = build(site)
    timeouts = [(i.slug, i.path, i.severity) for i in report.issues if i.slug == "parse-timeout"]
    assert timeouts == [("parse-timeout", SLOW, "error")]
    assert [f.path for f in report.failed] == [SLOW]
    # the worker killed on the slow file was replaced: the files after it were parsed
    assert sorted(d.path for d in report.documents) == sorted(
        f"content/disclosures/{p.name}" for p in sample_paths()[:2])
    assert (site / "build" / "index.html").is_file()

    # `check` holds each file to the same limit, and says which one went over it
    os.chdir(site)
    assert main(["check", SLOW, f"content/disclosures/{sample_paths()[0].name}"]) == 1
    out = capsys.readouterr().out
    assert f"{SLOW}: 无法解析" in out and "parse-timeout" in out
    assert out.count(": 无法解析") == 1


def session_processes(session: int) -> list[int]:
    """Live (not zombie) processes of a session: a build and everything it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_killed_build_leaves_no_worker_behind(make_site):
    site = slow_site(make_site, 400_000, timeout=600)
    run = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "--clean"],
                           start_new_session=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        # a parse worker is busy with the slow file: kill the build under it
        assert wait_until(lambda: len(session_processes(run.pid)) > 1, 60), "no worker started"
        time.sleep(0.5)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert wait_until(lambda: not session_processes(run.pid), 5), session_processes(run.pid)
    finally:
        for pid in session_processes(run.pid):
            os.kill(pid, signal.SIGKILL)


CHILD_OF_KILLED = """
import os, signal, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
import generator.build  # what every build imports

def wait_forever(_):
    time.sleep(600)

pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
pool.submit(wait_forever, 0)
pool.submit(wait_forever, 1)
while len(multiprocessing.active_children()) < 2:
    time.sleep(0.05)
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_every_forked_child_dies_with_the_build():
    """Render, chart, load and search pools fork too: each child ends with its parent."""
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD_OF_KILLED)],
                           stdout=subprocess.PIPE, text=True, start_new_session=True)
    children = run.stdout.readline().split()  # the children hold the pipe open: no EOF wait
    run.stdout.close()
    assert run.wait(120) == -signal.SIGKILL and len(children) == 2
    try:
        assert wait_until(lambda: not session_processes(run.pid), 5), session_processes(run.pid)
    finally:
        for pid in session_processes(run.pid):
            os.kill(pid, signal.SIGKILL)


def test_idle_workers_leave_when_told_instead_of_being_killed():
    """Workers forked one after the other each hold copies of the others' pipe ends, so
    closing a pipe never ended an idle worker: each was killed after waiting out a join
    (a second at the end of every parse, the most of a `serve` rebuild)."""
    from generator import workers

    pool = [workers._start_worker(abs, None) for _ in range(2)]
    for worker in pool:
        worker.index = 0
        worker.conn.send((-3,))
        assert worker.conn.recv() == (True, 3)
        worker.index = -1
    for worker in pool:
        workers._stop(worker)
    assert [w.process.exitcode for w in pool] == [0, 0]  # left, not killed (-SIGKILL)
