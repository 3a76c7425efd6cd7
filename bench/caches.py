#!/usr/bin/env python3
"""Parse-cache benchmark: what the cache saves, and what reading it costs.

usage: python bench/caches.py [--synth N] [--rounds R]

Copies the shipped site (content/ and site.toml, search off) to a temporary folder, plus
N synthesized disclosures (bench/synth.py; 0 = the shipped site alone), and prints:

- a cold build (`--clean`: every source parsed) and a rebuild with every source from the
  parse cache (the manifest removed, so everything is rendered again), by stage, and a
  no-change rebuild (which reads the manifest only);
- the time to read every cache entry back (summary and rows, verified), the best of R
  rounds, and the cache's size on disk.

Only figures are printed: nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_site(target: Path, synth: int) -> Path:
    shutil.copytree(ROOT / "content", target / "content")
    text = (ROOT / "site.toml").read_text(encoding="utf-8")
    (target / "site.toml").write_text(text.replace("search = true", "search = false"),
                                      encoding="utf-8")
    if synth:
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(synth),
                        str(target / "content" / "disclosures")], check=True,
                       stdout=subprocess.DEVNULL)
    return target


def stages(report) -> str:
    return ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synth", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from generator import incremental
    from generator.build import build
    from generator.config import load_config

    with tempfile.TemporaryDirectory(prefix="bench-caches-") as tmp:
        site = make_site(Path(tmp), args.synth)
        config = load_config(site)
        start = time.perf_counter()
        cold = build(site, clean=True)
        print(f"cold build, {len(cold.documents)} documents: "
              f"{time.perf_counter() - start:.2f}s ({stages(cold)})")
        incremental.manifest_path(config).unlink()
        start = time.perf_counter()
        warm = build(site)
        assert warm.parsed == 0, "a source was parsed again"
        print(f"rebuild from the parse cache: {time.perf_counter() - start:.2f}s ({stages(warm)})")
        start = time.perf_counter()
        assert build(site).up_to_date, "the second build found a change"
        print(f"no-change rebuild: {time.perf_counter() - start:.3f}s")

        folder = incremental.cache_dir(config) / "parse"
        keys = [d.cache_key for d in warm.documents]
        best = float("inf")
        for _ in range(args.rounds):
            cache = incremental.ParseCache(folder)
            start = time.perf_counter()
            for key in keys:
                assert cache.get(key) is not None and cache.rows(key) is not None
            best = min(best, time.perf_counter() - start)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"read every entry (summary + rows): {best * 1000:.1f} ms for {len(keys)} "
              f"({best * 1000 / max(len(keys), 1):.2f} ms each); {size / 1e6:.1f} MB on disk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
