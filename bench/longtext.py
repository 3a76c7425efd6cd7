#!/usr/bin/env python3
"""Long text: parse time of a sample disclosure followed by N lines of prose.

usage: python bench/longtext.py [--sample FILE] [--lines 100000,200000,400000,1000000] [--at F]

Every reader must be linear in its input (issue 19): a file of a million lines of text (a
report pasted whole, a runaway conversion) must not hold a parse worker for hours. The
bench prints, per N, the CPU time of `parse_text` (decoding excluded; CPU, not wall clock, so
that other processes on a shared machine count less)
and the ratio to the previous N per doubling of N: linear ≈ 2 per doubling, quadratic ≈ 4.
--at 0.5 puts the prose in the middle of the sample (in its tables or 说明) instead of after it.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.parse.document import parse_text  # noqa: E402
from generator.sources import SourceText  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLE = ROOT / "content" / "disclosures" / "000_ab55e0fe6b52661f.txt"
# Prose as a disclosure prints it: sentences, some with figures, wrapped at about 40 characters.
PROSE = ["本部门认真贯彻落实党中央、国务院关于过紧日子的要求，严控一般性支出，",
         "2021年一般公共预算财政拨款支出1,234.56万元，比上年减少12.34万元，",
         "主要原因是按照厉行节约的要求压减了会议费和培训费等支出。",
         "（一）加强预算管理，提高资金使用效益，确保重点项目顺利实施。"]


def long_text(sample: str, lines: int, at: float = 1.0) -> str:
    """`sample` with `lines` lines of prose put in at `at` (0: the start, 1: the end)."""
    sample_lines = sample.rstrip("\n").split("\n")
    cut = round(len(sample_lines) * at)
    prose = [PROSE[i % len(PROSE)] for i in range(lines)]
    return "\n".join(sample_lines[:cut] + prose + sample_lines[cut:]) + "\n"


def timed_parse(text: str) -> tuple[float, int]:
    source = SourceText("long.txt", text, text.split("\n"), "utf-8", "0" * 64)
    start = time.process_time()  # CPU time: other processes on the machine count less
    result = parse_text(source)
    elapsed = time.process_time() - start
    return elapsed, len(result.issues)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument("--lines", default="100000,200000,400000,1000000",
                        help="comma-separated numbers of prose lines")
    parser.add_argument("--at", type=float, default=1.0,
                        help="where the prose goes: 0 = before the sample, 1 = after it (default)")
    args = parser.parse_args()
    sample = args.sample.read_text(encoding="utf-8")
    counts = [int(n) for n in args.lines.split(",")]
    print(f"{args.sample.name} + N lines of prose at {args.at:g}: parse_text")
    previous = None
    for n in counts:
        seconds, issues = timed_parse(long_text(sample, n, args.at))
        line = f"N = {n:>9,}: {seconds:8.2f} CPU s  {seconds / n * 1e6:6.2f} µs/line  {issues} issue(s)"
        if previous is not None:
            n0, s0 = previous
            per_doubling = (seconds / s0) ** (1 / math.log2(n / n0)) if s0 > 0 else float("nan")
            line += f"  ×{seconds / s0:.2f} for ×{n / n0:g} lines ({per_doubling:.2f} per doubling)"
        print(line, flush=True)
        previous = (n, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
