#!/usr/bin/env python3
"""Parsing speed and memory: documents parsed per second on one core, and peak memory.

usage: python bench/parse.py [--seconds S] [FILES...]   (default: content/disclosures/*.txt)
Goal (issue #2): ≥ 200 documents per second on one core.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.checks import run_checks  # noqa: E402
from generator.parse.document import parse_text  # noqa: E402
from generator.sources import read_source  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    paths = [Path(f) for f in args.files] or sorted((root / "content" / "disclosures").glob("*.txt"))
    sources = [read_source(p)[0] for p in paths]
    sources = [s for s in sources if s is not None]
    total_lines = sum(len(s.lines) for s in sources)

    tracemalloc.start()
    for s in sources:  # warm-up, and the memory of one pass
        run_checks(parse_text(s).document)
    _, peak_one_pass = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    parsed = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for s in sources:
            parse_text(s)
            parsed += 1
    parse_elapsed = time.perf_counter() - start
    parse_cpu = time.process_time() - cpu_start

    checked = 0
    start = time.perf_counter()
    docs = [parse_text(s).document for s in sources]
    while time.perf_counter() - start < args.seconds / 2:
        for d in docs:
            run_checks(d)
            checked += 1
    check_elapsed = time.perf_counter() - start

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(sources)} ({total_lines} lines)")
    print(f"parse: {parsed / parse_elapsed:.1f} documents/s on one core, wall clock "
          f"({parse_elapsed / parsed * 1000:.2f} ms per document)")
    # CPU time is what one core spends, whatever else the machine is doing at the time.
    print(f"parse: {parsed / parse_cpu:.1f} documents/s of CPU time "
          f"({parse_cpu / parsed * 1000:.2f} ms CPU per document)")
    print(f"checks: {checked / check_elapsed:.1f} documents/s")
    print(f"peak traced memory for one pass: {peak_one_pass / 1e6:.1f} MB; process max RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
