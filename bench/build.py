#!/usr/bin/env python3
"""Build benchmark: a synthesized province-size corpus, built cold, again unchanged, and
after changing one document.

usage: python bench/build.py N [--seed S] [--keep DIR] [--timeout SECONDS]
       python bench/build.py --profile DIR [--seed S]   (a site built with --keep DIR)

Prints, for each of the three builds: wall time, time per stage (parse, load, check,
render, charts, downloads, search) and peak memory, two ways. "peak total" is the
machine's real peak: a thread of this (parent) process samples the build's whole process
tree every 0.2 s, sums each process's PSS (/proc/<pid>/smaps_rollup; VmRSS where that is
unreadable) and keeps the largest sum with the processes that made it up (less often
when a sample costs more than 10 ms of CPU: `TreeSampler`). Sampling can miss a spike
shorter than the interval. "peak" is the max RSS (ru_maxrss) of the build process
and of its largest worker: RSS counts pages shared by forked workers once per process,
and the max of one process ignores processes running at the same time, so it is neither
an upper nor a lower bound. A document's own CSV/JSON files are written with its page by
the render workers, so "downloads" is the bulk data alone (`render_downloads`: the CSV,
JSON and Parquet exports and the zip, with the DuckDB download written by another process
meanwhile). Each build runs in a fresh Python process, so its peak
memory is its own. Goals on a 2-core machine (issue #17): cold build of 2,000 ≤ 60 s
(its search stage ≤ 5 s), no-change rebuild ≤ 1 s, one-document change ≤ 3 s, peak memory
(the sampled PSS total) ≤ 1.5 GB. The machine may be shared: each build also prints its
CPU seconds, in all and per stage (the build process's and its waited-for children's),
and the load average as it ended.

`--profile DIR` changes one document of a site kept by an earlier run and builds it once
under cProfile, with one job (no worker processes: what they would do is profiled where
it is done): the build process and the render process (forked: its own profile) each
print their costliest functions, and their statistics are kept beside the site
(`<DIR>/profile-*.prof`, for `python -m pstats`).

The builds run a snapshot of the generator and templates taken when the benchmark starts:
the generator's version hashes its own code, so an edit made in the working tree during a
run would otherwise turn the no-change rebuild into a full one.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SITE_TOML = """[site]
title = "部门预算公开（基准）"
[build]
charts = true
search = true
"""
STAGES = ("parse", "load", "check", "render", "charts", "downloads", "search")
GOALS = {"cold_2000_s": 60.0, "rebuild_s": 1.0, "one_change_s": 3.0, "search_cold_s": 5.0,
         "peak_mb": 1536.0}


# ---------------------------------------------------------------- inside one build process

def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended and
    been waited for (a worker pool's, once it is shut down; theirs, recursively)."""
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                        resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(log: Path, stage: str, fn):
    """`fn`, timed into the file `log` (a line per call, appended: wall and CPU seconds):
    the build runs stages in child processes (loading, rendering), whose own memory the
    timings would not leave."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start, cpu = time.perf_counter(), cpu_seconds()
        try:
            return fn(*args, **kwargs)
        finally:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{stage}\t{time.perf_counter() - start}\t{cpu_seconds() - cpu}\n")
    return wrapper


def _logged_stages(log: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Wall and CPU seconds per stage."""
    wall: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            stage, seconds, cpu_s = line.split("\t")
            wall[stage] += float(seconds)
            cpu[stage] += float(cpu_s)
    return wall, cpu


def _instrument(log: Path) -> list[str]:
    """Wrap the functions of each stage where the build looks them up; returns what was found."""
    import importlib

    targets = [("generator.parse_stage", "run_checks", "check"),
               ("generator.db", "load_documents", "load"),
               ("generator.db", "load_source_issues", "load"),
               ("generator.render.charts", "render_charts", "charts"),
               ("generator.render", "render_downloads", "downloads"),
               # the build's own stages, for their CPU seconds (their wall is the build's)
               ("generator.build", "parse_and_check", "cpu:parse"),
               ("generator.build", "load_database", "cpu:load"),
               ("generator.build", "render_database", "cpu:render"),
               ("generator.search", "build_search_index", "cpu:search")]
    found = []
    for module_name, attr, stage in targets:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attr):
            setattr(module, attr, _timed(log, stage, getattr(module, attr)))
            found.append(f"{module_name}.{attr}")
    return found


def run_one_build(site: Path, profile: Path | None = None) -> dict:
    """Build `site` once in this process; timings, page count and peak memory as a dict.
    `profile`: a folder to write the profiles of its processes into (`profile_build.profile_stages`)."""
    if profile is not None:
        from profile_build import profile_stages

        profile_stages(profile)
    import generator.build as gb

    log = Path(tempfile.mkdtemp(prefix="bench-stages-")) / "stages.tsv"
    _instrument(log)
    start, cpu = time.perf_counter(), cpu_seconds()
    # As `python -m generator build` does: the replaced site is deleted by a process of
    # its own, which the build does not wait for (nor count in its CPU seconds).
    # Profiled, everything is rendered in the render process (no worker's profile is lost).
    report = gb.build(site, background_cleanup=True, jobs=1 if profile is not None else None)
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    stages, stage_cpu = _logged_stages(log)
    shutil.rmtree(log.parent, ignore_errors=True)
    timings = dict(report.timings)
    out = {s: stages.get(s, 0.0) for s in ("load", "check", "charts", "downloads")}
    out["load"] = timings.get("load", out["load"])
    # the checks may run inside the parse workers, where they cannot be timed from here
    out["parse"] = timings.get("parse", 0.0)
    out["search"] = timings.get("search", 0.0)
    # render as reported by the build, less the parts measured separately
    out["render"] = max(0.0, timings.get("render", 0.0) - out["charts"] - out["downloads"])
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu_out = {s: stage_cpu.get(f"cpu:{s}", stage_cpu.get(s, 0.0)) for s in STAGES}
    return {"wall": wall, "cpu": cpu, "stages": out, "stages_cpu": cpu_out, "build_timings": timings, "pages": report.pages,
            "documents": len(report.documents), "failed": len(report.failed),
            "peak_mb_self": own, "peak_mb_children": children}


# ---------------------------------------------------------------- the driver

def snapshot_code(into: Path) -> Path:
    """A copy of the generator package and the built-in templates, for every build of one run."""
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    return into


# whether this kernel lists each task's children (CONFIG_PROC_CHILDREN): asked once
_CHILDREN_LISTED = any(Path("/proc/self/task").glob("*/children"))


def _process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from each process's /proc/<pid>/task/*/children,
    or, where the kernel does not list children, the parent pid in each /proc/<pid>/stat."""
    children_of = _listed_children if _CHILDREN_LISTED else _scanned_children().__getitem__
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children_of(pid))
    return tree


def _listed_children(pid: int) -> list[int]:
    children = []
    try:  # the process may end while its tasks are listed or read
        for listed in Path(f"/proc/{pid}/task").glob("*/children"):
            children += [int(child) for child in listed.read_text().split()]
    except OSError:
        pass
    return children


def _scanned_children() -> defaultdict[int, list[int]]:
    children = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        children[int(fields[1])].append(int(stat.parent.name))
    return children


def _memory_kb(pid: int) -> int | None:
    """PSS of `pid` in kB (VmRSS where smaps_rollup is unreadable); None once it has ended."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            text = (Path("/proc") / str(pid) / name).read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return None


class TreeSampler(threading.Thread):
    """Samples the PSS sum of a process tree until stopped; keeps the largest.

    Reading a process's PSS makes the kernel walk its page tables: some 30 ms of CPU for a
    1 GB process. The sampler waits at least `interval` and at least 20 times what the last
    sample cost, so that it takes no more than about 5 % of a core from the build it
    measures (at 0.2 s it took 15 %, on a 2-core machine).
    """

    def __init__(self, root: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.peak_kb, self.peak_parts, self.samples = 0, [], 0

    def run(self) -> None:
        while True:
            cost = time.thread_time()
            parts = []
            for pid in _process_tree(self.root):
                kb = _memory_kb(pid)
                if kb is not None:
                    try:
                        name = (Path("/proc") / str(pid) / "comm").read_text().strip()
                    except OSError:
                        name = "?"
                    parts.append((name, kb))
            self.samples += 1
            if sum(kb for _, kb in parts) > self.peak_kb:
                self.peak_kb = sum(kb for _, kb in parts)
                self.peak_parts = sorted(parts, key=lambda p: -p[1])
            cost = time.thread_time() - cost
            if self.stop.wait(max(self.interval, 20 * cost)):
                return


def _build_in_child(site: Path, timeout: float | None, code: Path,
                    profile: Path | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--run-build", str(site),
           "--code", str(code)] + (["--profile-into", str(profile)] if profile else [])
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        finally:
            sampler.stop.set()
            sampler.join()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed (exit {proc.returncode}):\n{stderr[-4000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["process"] = elapsed
    result["load_average"] = os.getloadavg()[0]
    result["peak_mb_total"] = sampler.peak_kb / 1024
    result["peak_total_parts"] = [(name, kb / 1024) for name, kb in sampler.peak_parts]
    result["samples"] = sampler.samples
    return result


def change_one_document(site: Path, seed: int, which: int = 2) -> Path:
    """Rewrite one disclosure (the first of the `which`-th part of the sorted list) as a
    different copy of its template (new factor k)."""
    import random

    import synth

    folder = site / "content" / "disclosures"
    target = sorted(folder.glob("*.txt"))[len(list(folder.glob("*.txt"))) // which]
    templates = synth.load_templates(synth.default_samples())
    layout = target.stem.split("_", 1)[1]
    template = next((t for t in templates if t.layout == layout), templates[0])
    plan = synth.make_plan(template, random.Random(seed + 1_000_003))
    target.write_bytes(synth.encode(synth.render(template, plan), template.source.encoding))
    return target


def _line(name: str, r: dict) -> str:
    stages = "  ".join(f"{s} {r['stages'][s]:.2f}" for s in STAGES)
    stages_cpu = "  ".join(f"{s} {r['stages_cpu'][s]:.1f}" for s in STAGES)
    peak = max(r["peak_mb_self"], r["peak_mb_children"])
    parts = r["peak_total_parts"]
    top = ", ".join(f"{n} {mb:.0f}" for n, mb in parts[:4]) + (", …" if len(parts) > 4 else "")
    return (f"{name:<22} {r['wall']:8.2f} s  (process {r['process']:.2f} s)  peak {peak:7.0f} MB "
            f"(max RSS: build {r['peak_mb_self']:.0f}, workers {r['peak_mb_children']:.0f})\n"
            f"{'':<22} peak total {r['peak_mb_total']:.0f} MB (PSS, sampled "
            f"{r['samples']}x: {top})\n"
            f"{'':<22} stages: {stages}\n"
            f"{'':<22} CPU {r['cpu']:.1f} s, per stage: {stages_cpu}; load average after "
            f"{r['load_average']:.1f} (2 cores, shared)\n"
            f"{'':<22} build timings: "
            + "  ".join(f"{k} {v:.2f}" for k, v in r["build_timings"].items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="build the site here and keep it")
    ap.add_argument("--timeout", type=float, default=None, help="give up on a build after this")
    ap.add_argument("--profile", type=Path, metavar="DIR",
                    help="change one document of the site kept in DIR and profile its build")
    ap.add_argument("--run-build", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-into", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_build:
        if args.code:
            sys.path.insert(0, str(args.code))
        print(json.dumps(run_one_build(args.run_build, args.profile_into)))
        return 0
    if args.profile:
        from profile_build import profile_change

        return profile_change(args.profile, args.seed, args.timeout)
    if not args.n:
        ap.error("N is required")

    import synth

    site = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    site.mkdir(parents=True, exist_ok=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    folder = site / "content" / "disclosures"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(site / "build", ignore_errors=True)
    start = time.perf_counter()
    written = synth.synthesize(args.n, folder, seed=args.seed)
    print(f"synthesized {len(written)} disclosures in {time.perf_counter() - start:.2f} s -> {site}")
    code = snapshot_code(Path(tempfile.mkdtemp(prefix="bench-code-")))
    try:
        results = {}
        results["cold"] = _build_in_child(site, args.timeout, code)
        print(_line("cold build", results["cold"]), flush=True)
        results["no-change"] = _build_in_child(site, args.timeout, code)
        print(_line("no-change rebuild", results["no-change"]), flush=True)
        changed = change_one_document(site, args.seed)
        results["one-change"] = _build_in_child(site, args.timeout, code)
        print(_line("one-document change", results["one-change"]) + f"  ({changed.name})",
              flush=True)
        # Another document: the build before last's site, kept as the spare, is updated in
        # place from now on (`render/spare.py`), as in a `serve` session's second edit.
        changed = change_one_document(site, args.seed + 1, which=3)
        results["second-change"] = _build_in_child(site, args.timeout, code)
        print(_line("second one-doc change", results["second-change"]) + f"  ({changed.name})",
              flush=True)
        cold = results["cold"]
        size = sum(p.stat().st_size for p in (site / "build").rglob("*") if p.is_file())
        files = sum(1 for p in (site / "build").rglob("*") if p.is_file())
        print(f"documents {cold['documents']} (failed {cold['failed']}), pages {cold['pages']}, "
              f"output {files} files, {size / 1e6:.0f} MB")
        peak = max(r["peak_mb_total"] for r in results.values())
        print(f"goals: cold build of 2,000 <= {GOALS['cold_2000_s']:.0f} s (search stage <= "
              f"{GOALS['search_cold_s']:.0f} s: {cold['stages']['search']:.2f} s); no-change "
              f"rebuild <= {GOALS['rebuild_s']:.0f} s (measured {results['no-change']['wall']:.2f} "
              f"s); one-document change <= {GOALS['one_change_s']:.0f} s (measured "
              f"{results['one-change']['wall']:.2f} s); "
              f"peak memory <= {GOALS['peak_mb']:.0f} MB (sampled PSS total {peak:.0f} MB)")
    finally:
        shutil.rmtree(code, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
