#!/usr/bin/env python3
"""Parsing speed and memory: documents parsed per second on one core, and peak memory;
or, with --site, the parse stage of a cold build.

usage: python bench/parse.py [--seconds S] [FILES...]   (default: content/disclosures/*.txt)
       python bench/parse.py --split [FILES...]
       python bench/parse.py --site DIR [--jobs N]
Goal (issue #2): ≥ 200 documents per second on one core.

`parse` is `parse_text` alone. A build's parse worker does more for each document: it
reads and decodes the file, parses it, runs the checks and packs the database rows
(`build._parse_and_pack`); "per document in a build" is that whole path, the figure to
multiply by the number of documents (and divide by the cores) to predict the parse stage.

--split says where a parse worker's time goes (issue 17's profile of the parse stage): the
CPU time per document of each step of that path (read and decode, parse, checks, the
database rows and their CSV, the parse-cache entry written), per layout.

--site DIR times `build.parse_and_check` as `build` runs it, with an empty parse cache
(in a temporary folder: DIR is not written to): wall clock, and the CPU time of the build
process and of its workers. Wall ≈ workers' CPU / cores means the cores were kept busy.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.build import _parse_and_pack, parse_and_check  # noqa: E402
from generator.checks import run_checks  # noqa: E402
from generator.parse.document import parse_text  # noqa: E402
from generator.sources import read_source  # noqa: E402


def timed_loop(seconds: float, items: list, fn) -> tuple[int, float, float]:
    """Calls `fn` on the items, round after round, for about `seconds`: (calls, wall, CPU)."""
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
            done += 1
    return done, time.perf_counter() - start, time.process_time() - cpu_start


def bench_files(paths: list[Path], seconds: float) -> None:
    sources = [read_source(p)[0] for p in paths]
    sources = [s for s in sources if s is not None]
    total_lines = sum(len(s.lines) for s in sources)

    tracemalloc.start()
    for s in sources:  # warm-up, and the memory of one pass
        run_checks(parse_text(s).document)
    _, peak_one_pass = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    parsed, parse_elapsed, parse_cpu = timed_loop(seconds, sources, parse_text)
    docs = [d for d in (parse_text(s).document for s in sources) if d is not None]
    checked, check_elapsed, _ = timed_loop(seconds / 2, docs, run_checks)
    whole, _, whole_cpu = timed_loop(seconds, paths, lambda p: _parse_and_pack(str(p), p.name))

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(sources)} ({total_lines} lines)")
    print(f"parse: {parsed / parse_elapsed:.1f} documents/s on one core, wall clock "
          f"({parse_elapsed / parsed * 1000:.2f} ms per document)")
    # CPU time is what one core spends, whatever else the machine is doing at the time.
    print(f"parse: {parsed / parse_cpu:.1f} documents/s of CPU time "
          f"({parse_cpu / parsed * 1000:.2f} ms CPU per document)")
    print(f"checks: {checked / check_elapsed:.1f} documents/s")
    print(f"per document in a build (read, parse, checks, pack rows): "
          f"{whole_cpu / whole * 1000:.2f} ms CPU")
    print(f"peak traced memory for one pass: {peak_one_pass / 1e6:.1f} MB; process max RSS {rss_mb:.0f} MB")


STEPS = ("read", "parse", "checks", "rows", "entry")


def split_files(paths: list[Path], rounds: int = 2) -> None:
    """The CPU time of each step a parse worker takes per document (`_parse_one`), per layout,
    from the last of `rounds` passes (the first warms the caches up)."""
    from generator.incremental import ParseCache
    from generator.parse_stage import _check_and_pack, _worker_start

    _worker_start()  # the collector as in a parse worker
    spent: dict[str, dict[str, float]] = {}
    count: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="parse-split-") as folder:
        cache = ParseCache(Path(folder))
        for _ in range(rounds):
            spent.clear(), count.clear()
            for path in paths:
                times = [time.process_time()]
                source = read_source(path)[0]
                times.append(time.process_time())
                doc = parse_text(source).document if source else None
                times.append(time.process_time())
                if doc is None:
                    continue
                checks = run_checks(doc)
                times.append(time.process_time())
                parsed, rows = _check_and_pack(doc, [])  # (runs the checks again: not timed)
                times.append(time.process_time())
                cache.put(parsed.document.cache_key, parsed, rows)
                times.append(time.process_time())
                steps = [b - a for a, b in zip(times, times[1:])]
                steps[3] -= steps[2]  # the rows alone
                for layout in (doc.layout, "all"):
                    total = spent.setdefault(layout, dict.fromkeys(STEPS, 0.0))
                    for step, seconds in zip(STEPS, steps):
                        total[step] += seconds
                    count[layout] = count.get(layout, 0) + 1
                del checks
    print(f"ms CPU per document, by step ({', '.join(STEPS)}: read and decode, parse, checks, "
          "database rows packed as CSV, parse-cache entry written)")
    for layout in sorted(spent, key=lambda k: (k == "all", k)):
        n, total = count[layout], spent[layout]
        whole = sum(total.values())
        print(f"  {layout:<18} {n:>4} documents  " + "  ".join(
            f"{step} {total[step] / n * 1000:5.2f} ({total[step] / whole:4.0%})" for step in STEPS)
            + f"  total {whole / n * 1000:.2f}")


def bench_site(site: Path, jobs: int) -> None:
    from generator import incremental
    from generator.config import load_config
    from generator.incremental import ParseCache

    config = load_config(site)
    hashes = incremental.read_inputs(config).sources
    with tempfile.TemporaryDirectory(prefix="parse-bench-") as folder:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        parsed, count = parse_and_check(config, ParseCache(Path(folder)), hashes, jobs)
        wall = time.perf_counter() - start
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(before, after) -> float:
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    workers = cpu(children, children_after)
    print(f"parse stage: {count} documents parsed ({sum(p.document is None for p in parsed)} "
          f"failed) in {wall:.2f} s wall; CPU {cpu(own, own_after):.2f} s in the build "
          f"process, {workers:.2f} s in workers ({workers / max(count, 1) * 1000:.1f} ms a document)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--split", action="store_true", help="CPU per document of each step, per layout")
    ap.add_argument("--site", type=Path, help="time the parse stage of a cold build of this site")
    ap.add_argument("--jobs", type=int, default=0, help="with --site: workers (0: one a core)")
    args = ap.parse_args()
    if args.site:
        bench_site(args.site.resolve(), args.jobs)
        return 0
    root = Path(__file__).resolve().parents[1]
    paths = [Path(f) for f in args.files] or sorted((root / "content" / "disclosures").glob("*.txt"))
    if args.split:
        split_files(paths)
    else:
        bench_files(paths, args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
