"""Worker processes that cannot outlive the build nor hang it.

Every process forked while the generator runs (parse and render workers, the database
loader, chart and search workers) dies with the process that forked it, whatever ended
that one, SIGKILL included: on Linux the kernel sends it SIGKILL (prctl PR_SET_PDEATHSIG),
elsewhere a thread of the child watches its parent's pid. Without it, a killed build left
its workers blocked for good on a queue no one would ever write to (about 185 MB each).

`map_in_workers` runs tasks in forked processes one task at a time each, under a time
limit per task: a worker still busy when its task's time is up is killed and replaced,
and the task gets `on_lost(task, reason)` instead of its result, so one file that
would take hours (or hangs) costs the build one issue, not the build.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .progress import progress

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 0.5     # seconds between two looks at the parent's pid, where prctl is missing

_parent_pid = os.getpid()


def _before_fork() -> None:
    global _parent_pid
    _parent_pid = os.getpid()


def die_with_parent() -> None:
    """Make this (just forked) process end when the process that forked it ends."""
    parent = _parent_pid
    if not _ask_kernel_for_sigkill():
        threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent",
                         daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above could notice
        os._exit(1)


def _ask_kernel_for_sigkill() -> bool:
    if sys.platform != "linux":
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


# Every fork from here on, by multiprocessing or os.fork (and subprocess with a
# preexec_fn, which runs these hooks too).
os.register_at_fork(before=_before_fork, after_in_child=die_with_parent)


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection
    index: int = -1          # the task it runs, -1: idle
    deadline: float = 0.0    # time.monotonic() by which it must have answered


def map_in_workers(fn: Callable[[Any], Any], tasks: list, workers: int, limit: float,
                   on_lost: Callable[[Any, str], Any], label: str = "",
                   start: Callable[[], None] | None = None) -> list:
    """`[fn(t) for t in tasks]` in up to `workers` forked processes, one task at a time
    each; `start` runs first in each process. A task still running after `limit` seconds
    (0: no limit) has its process killed and gives `on_lost(task, "timeout")`; a process
    that dies (e.g. out of memory) gives `on_lost(task, "crashed")`; both are replaced.
    An exception raised by `fn` is raised here, as `map` would."""
    results: list = [None] * len(tasks)
    if not tasks:
        return results
    queue = iter(range(len(tasks)))
    pool: list[_Worker] = []
    done = iter(progress(range(len(tasks)), label, len(tasks)))
    try:
        for _ in range(max(1, min(workers, len(tasks)))):
            pool.append(_start_worker(fn, start))
        busy = sum(_give(w, queue, tasks, limit) for w in pool)
        while busy:
            for worker in _ready(pool):
                index = worker.index
                outcome = _outcome(worker)
                if outcome is None:  # answered
                    ok, value = worker.conn.recv()
                    if not ok:
                        raise value
                    results[index] = value
                else:  # killed or dead: a new process takes its place
                    results[index] = on_lost(tasks[index], outcome)
                    _stop(worker)
                    pool[pool.index(worker)] = worker = _start_worker(fn, start)
                next(done, None)
                worker.index = -1
                busy -= 1
                busy += _give(worker, queue, tasks, limit)
    finally:
        for worker in pool:
            _stop(worker)
    return results


def _start_worker(fn, start) -> _Worker:
    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(fn, start, child_end), daemon=True)
    process.start()
    child_end.close()
    return _Worker(process, parent_end)


def _give(worker: _Worker, queue: Iterator[int], tasks: list, limit: float) -> bool:
    index = next(queue, None)
    if index is None:
        return False
    worker.index = index
    worker.deadline = time.monotonic() + limit if limit > 0 else float("inf")
    worker.conn.send((tasks[index],))
    return True


def _ready(pool: list[_Worker]) -> list[_Worker]:
    """The busy workers that answered, died or ran out of time (waits for one at least)."""
    busy = [w for w in pool if w.index >= 0]
    soonest = min(w.deadline for w in busy)
    timeout = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
    ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
    now = time.monotonic()
    return [w for w in busy if w.conn in ready or w.process.sentinel in ready or w.deadline <= now]


def _outcome(worker: _Worker) -> str | None:
    """None: the worker answered; else why it did not ("timeout", "crashed")."""
    if worker.conn.poll():
        return None
    return "timeout" if worker.process.is_alive() else "crashed"


def _stop(worker: _Worker) -> None:
    """End a worker: an idle one is told to leave, a busy one is killed. (Closing the pipe
    is no signal: every worker forked later holds a copy of its end, and so did the worker
    itself, so an idle worker waited out the join's second, at the end of every parse.)"""
    if worker.index < 0:
        try:
            worker.conn.send(())
        except OSError:
            pass
    worker.conn.close()
    if worker.index < 0:
        worker.process.join(1)
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()


def _serve(fn, start, conn: Connection) -> None:
    """A worker: runs the tasks it is sent, one at a time (each as a 1-tuple), until it
    is sent an empty one or its pipe closes."""
    if start is not None:
        start()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if not message:
            return
        (task,) = message
        try:
            answer = (True, fn(task))
        except Exception as exc:  # noqa: BLE001 — raised again in the build process
            answer = (False, exc)
        conn.send(answer)
