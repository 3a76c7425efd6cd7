#!/usr/bin/env python3
"""`serve` benchmark: save an edited source → the served page shows the edit.

usage: python bench/serve.py [SITE] [--rounds N] [--synth N]

SITE is a site folder (default: a copy of this repository's content/ and site.toml; with
`--synth N`, a synthesized corpus of N disclosures as `bench/build.py` makes it). The
preview server (`generator.serve.PreviewServer`) is started in this process and builds
once; then, N rounds: a disclosure is saved with a marker in it, and the page of its
department-year is fetched over HTTP every 10 ms until it shows the marker. Prints the
time of each round, and the CPU seconds this process (builds included) spent on them.

The page of an open browser reloads when the rebuild is announced (`/__reload`): that
adds the page load itself, a few ms here, and is what `bench/incremental.py` measures
in headless Chromium at the shipped site. Goals (issue #17): ≤ 1 s at the shipped site,
≤ 3 s at 2,000 documents.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def cpu_seconds() -> float:
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_site(folder: Path, synth_n: int | None) -> Path:
    if synth_n:
        import synth
        from build import SITE_TOML

        (folder / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        synth.synthesize(synth_n, folder / "content" / "disclosures", seed=0)
    else:
        shutil.copytree(ROOT / "content", folder / "content")
        shutil.copy(ROOT / "site.toml", folder / "site.toml")
    return folder


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8", "replace")


def edited_source(site: Path) -> tuple[Path, list[str], str]:
    """A plain-text disclosure in the middle of the corpus, phrases of it that may be
    replaced (its page shows some of them), and the path of its page (from the build's
    database)."""
    import duckdb

    from generator.config import load_config

    config = load_config(site)
    con = duckdb.connect(str(config.output_dir / "data" / "budget.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT doc_id, path FROM documents WHERE path LIKE '%.txt' "
                           "ORDER BY path").fetchall()
    finally:
        con.close()
    doc_id, path = rows[len(rows) // 2]
    source = site / path
    text = source.read_text(encoding=_encoding(source))
    candidates = [line.strip() for line in text.splitlines()[5:]
                  if len(line.strip()) > 12 and text.count(line.strip()) == 1]
    return source, candidates, f"budgets/{doc_id}/"


def _encoding(path: Path) -> str:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--synth", type=int, help="synthesize N disclosures instead")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print the server's log")
    args = parser.parse_args()
    folder = args.site or make_site(Path(tempfile.mkdtemp(prefix="bench-serve-")), args.synth)
    from generator.serve import PreviewServer

    server = PreviewServer(folder, port=0, log=lambda message: print(message[:300], file=sys.stderr)
                           if args.verbose else None)
    start = time.perf_counter()
    server.start()
    print(f"first build: {time.perf_counter() - start:.2f} s")
    source, candidates, page = edited_source(folder)
    encoding = _encoding(source)
    original = source.read_text(encoding=encoding)
    shown = fetch(server.url + page)
    phrase = next(c for c in candidates if c in shown)  # a phrase of prose the page shows
    times, cpu = [], cpu_seconds()
    try:
        for i in range(args.rounds):
            marker = f"基准标记{i}"
            time.sleep(0.5)  # the disk and the watcher are quiet
            start = time.perf_counter()
            source.write_text(original.replace(phrase, marker + phrase, 1), encoding=encoding)
            while marker not in fetch(server.url + page):
                if time.perf_counter() - start > 120:
                    raise SystemExit(f"round {i}: the page never showed the edit")
                time.sleep(0.01)
            times.append(time.perf_counter() - start)
    finally:
        cpu = cpu_seconds() - cpu
        source.write_text(original, encoding=encoding)
        server.stop()
        if not args.site:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"save → page shows the edit: {statistics.median(times):.2f} s median, "
          f"{max(times):.2f} s worst of {len(times)}: " + ", ".join(f"{t:.2f}" for t in times)
          + f"; CPU {cpu:.1f} s for the {len(times)} rounds (pauses included); "
          f"load average {os.getloadavg()[0]:.1f} (2 cores, shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
