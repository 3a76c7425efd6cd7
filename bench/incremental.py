#!/usr/bin/env python3
"""Incremental build benchmark on the samples: save → reloaded page, and a no-change build.

usage: python bench/incremental.py [--rounds N] [--keep DIR]

Copies the sample site (content/ and site.toml: charts and search on) to a temporary
folder, builds it once, then prints:

- the time of a build with no change, in-process and through the CLI (a fresh process);
- the time from saving an edited source to the reloaded page showing the edit in headless
  Chromium, with `serve` running (median and worst of N rounds).

Goals (issue #5): save → reloaded page ≤ 1 s; no-change build ≤ 3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EDITED = "004_27a732d9d5264bbf.txt"
PAGE = "budgets/a-tu-shi-shi-ren-min-zheng-fu-ban-gong-shi-cb5358-2021/"
PHRASE = "负责阿图什市人民政府会议的会务"
GOALS = {"save_to_reload_s": 1.0, "no_change_build_s": 3.0}


def copy_site(target: Path) -> Path:
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copy(ROOT / "site.toml", target / "site.toml")
    return target


def no_change_build(site: Path) -> tuple[float, float]:
    from generator.build import build

    start = time.perf_counter()
    report = build(site)
    in_process = time.perf_counter() - start
    assert report.up_to_date, "the second build found a change"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", str(site)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    return in_process, time.perf_counter() - start


def save_to_reload(site: Path, rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from generator.render.screenshots import launch
    from generator.serve import PreviewServer

    source = site / "content" / "disclosures" / EDITED
    original = source.read_text(encoding="utf-8")
    server = PreviewServer(site, port=0, log=lambda message: None)
    server.start()
    times = []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            page.goto(server.url + PAGE, wait_until="load")
            for i in range(rounds):
                marker = f"基准标记{i}"
                page.wait_for_timeout(500)  # the reload stream is connected, the disk is quiet
                start = time.perf_counter()
                source.write_text(original.replace(PHRASE, f"负责{marker}会议的会务"), encoding="utf-8")
                page.wait_for_function(f"() => document.body.textContent.includes('{marker}')",
                                       timeout=60000, polling=10)
                times.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.stop()
        source.write_text(original, encoding="utf-8")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", help="build in this folder (kept) instead of a temporary one")
    args = parser.parse_args()
    os.environ.setdefault("CHROMIUM", "/usr/bin/chromium")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        site = copy_site(folder)
        from generator.build import build

        start = time.perf_counter()
        build(site)
        print(f"cold build:                {time.perf_counter() - start:6.2f} s")
        in_process, cli = no_change_build(site)
        print(f"no-change build:           {in_process:6.2f} s in-process, {cli:.2f} s via the CLI "
              f"(goal ≤ {GOALS['no_change_build_s']:.0f} s)")
        times = save_to_reload(site, args.rounds)
        print(f"save → reloaded page:      {statistics.median(times):6.2f} s median, "
              f"{max(times):.2f} s worst of {len(times)} "
              f"(goal ≤ {GOALS['save_to_reload_s']:.0f} s): "
              + ", ".join(f"{t:.2f}" for t in times))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
