"""`bench/build.py --profile DIR`: one document of a site kept by `bench/build.py N --keep
DIR` changed, and the site built once under cProfile, with one job (no worker processes:
what they would do is profiled where it is done). The build process and the render
process (forked: a profile of its own) each print their costliest functions and the time
the cyclic garbage collector took meanwhile; their statistics are kept beside the site
(`<DIR>/profile-*.prof`, for `python -m pstats`).
"""

from __future__ import annotations

import functools
import shutil
import time
from collections import defaultdict
from pathlib import Path

import build as bench  # bench/build.py (its folder is on the path)


def _profiled(out: Path, fn):
    """`fn`, run under cProfile, its statistics written to `out`, and the time the
    cyclic garbage collector took meanwhile (per generation) to `out` + `.gc`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import cProfile
        import gc

        spent: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
        started: list[float] = []

        def timed(phase: str, info: dict) -> None:
            if phase == "start":
                started[:] = [time.perf_counter()]
            elif started:
                spent[info["generation"]][0] += 1
                spent[info["generation"]][1] += time.perf_counter() - started[0]

        gc.callbacks.append(timed)
        profile = cProfile.Profile()
        try:
            return profile.runcall(fn, *args, **kwargs)
        finally:
            gc.callbacks.remove(timed)
            profile.dump_stats(out)
            Path(f"{out}.gc").write_text("".join(
                f"generation {g}: {n} collections, {t:.3f} s\n" for g, (n, t) in sorted(spent.items())))
    return wrapper


def profile_stages(folder: Path) -> None:
    """Profile the build process (`build`) and the render process (`_render_database`,
    forked: it finds the wrapper in the module it inherits) into `folder`."""
    import generator.build as gb

    gb._render_database = _profiled(folder / "profile-render.prof", gb._render_database)
    gb.build = _profiled(folder / "profile-build.prof", gb.build)


def print_profiles(folder: Path, top: int = 40) -> None:
    import pstats

    for path in sorted(folder.glob("profile-*.prof")):
        print(f"==== {path.name}: garbage collection\n" + Path(f"{path}.gc").read_text())
        for order in ("cumulative", "tottime"):
            print(f"==== {path.name} by {order}")
            pstats.Stats(str(path)).strip_dirs().sort_stats(order).print_stats(top)


def profile_change(site: Path, seed: int, timeout: float | None) -> int:
    """Change one document of the built site `site` and build it once, profiled."""
    if not (site / "build").is_dir():
        raise SystemExit(f"{site}: no built site (run bench/build.py N --keep {site} first)")
    for old in site.glob("profile-*.prof*"):
        old.unlink()
    changed = bench.change_one_document(site, seed + int(time.time()) % 1000)
    # The same folder every run: the compiled templates' cache is keyed on their path.
    code = site / ".bench-code"
    shutil.rmtree(code, ignore_errors=True)
    result = bench._build_in_child(site, timeout, bench.snapshot_code(code), profile=site)
    print_profiles(site)
    print(bench._line("one-document change", result) + f"  ({changed.name}, profiled)")
    return 0
