#!/usr/bin/env python3
"""Mutation fuzzer over the sample disclosures.

usage: python bench/fuzz.py [--iterations N] [--seed S] [--seconds T] [--replay S:I [--write FILE]]

Each iteration takes one sample, applies one to three mutations (drop, duplicate or swap
lines; split a number; a wrong encoding; truncation; NUL bytes; a 100 kB line;
`<script>` and `=HYPERLINK(...)` in names; a page number, a form feed, no-break spaces,
full-width digits or Kangxi radicals, as conversion leaves them), parses it and runs the
checks. A finding is:

- an exception that escapes `parse_file` or `run_checks`, or one a layout reader raised
  that only the parser's error boundary caught (`parse-failed`);
- a figure that differs from the unmutated document's figure at the same place (same
  table, side, unit, code, name and occurrence) without an issue on its line, its
  table, or the document (an error); a failed check counts on its line and on the lines
  of its summed parts;
- a department or project name containing markup that is not kept verbatim as text.

Exit status 1 on a finding, with a reproducer: `--replay S:I --write FILE` rebuilds the
exact mutated input.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.checks import run_checks
from generator.model import Document, Issue
from generator.parse.document import parse_file

SAMPLES = ROOT / "content" / "disclosures"
NUMBER = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
# A document parses in milliseconds; a case that takes seconds of CPU is a finding (e.g. a
# regex that backtracks catastrophically on a 100 kB line). CPU time, not wall time: a
# loaded machine must not turn a fast case into a finding.
CASE_TIMEOUT = 5.0
HOSTILE = ['<script>alert(1)</script>', '=HYPERLINK("http://x","y")', '"\'><img src=x onerror=alert(1)>',
           "../../etc/passwd", "+cmd|' /C calc'!A0", "@SUM(1+1)"]


# ---------------------------------------------------------------- mutations

@dataclass
class Mutated:
    data: bytes
    steps: list[str] = field(default_factory=list)
    hostile: list[str] = field(default_factory=list)  # names planted in the text


def _lines(m: Mutated) -> list[str] | None:
    try:
        return m.data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None


def _set_lines(m: Mutated, lines: list[str], step: str) -> None:
    m.data = "\n".join(lines).encode("utf-8")
    m.steps.append(step)


def drop_lines(m: Mutated, rng: random.Random) -> None:
    lines = _lines(m)
    if not lines:
        return
    at, n = rng.randrange(len(lines)), rng.choice((1, 1, 2, 5))
    _set_lines(m, lines[:at] + lines[at + n:], f"drop lines {at + 1}..{at + n}")


def duplicate_lines(m: Mutated, rng: random.Random) -> None:
    lines = _lines(m)
    if not lines:
        return
    at, n = rng.randrange(len(lines)), rng.choice((1, 1, 3))
    _set_lines(m, lines[:at + n] + lines[at:at + n] + lines[at + n:], f"duplicate lines {at + 1}..{at + n}")


def swap_lines(m: Mutated, rng: random.Random) -> None:
    lines = _lines(m)
    if not lines or len(lines) < 2:
        return
    a = rng.randrange(len(lines))
    b = min(len(lines) - 1, a + rng.choice((1, 1, 2, 40)))
    lines[a], lines[b] = lines[b], lines[a]
    _set_lines(m, lines, f"swap lines {a + 1} and {b + 1}")


def split_number(m: Mutated, rng: random.Random) -> None:
    lines = _lines(m)
    if not lines:
        return
    spots = [(i, x) for i, line in enumerate(lines) for x in NUMBER.finditer(line)]
    if not spots:
        return
    i, match = rng.choice(spots)
    cut = rng.randrange(match.start() + 1, match.end())
    lines[i] = lines[i][:cut] + " " + lines[i][cut:]
    _set_lines(m, lines, f"split number {match.group(0)!r} on line {i + 1} at {cut - match.start()}")


def wrong_encoding(m: Mutated, rng: random.Random) -> None:
    text = m.data.decode("utf-8", errors="replace")
    kind = rng.choice(("gb18030", "utf-16", "latin-1-mojibake", "bom", "cp1252-bytes", "mixed"))
    if kind == "gb18030":
        m.data = text.encode("gb18030")
    elif kind == "utf-16":
        m.data = text.encode("utf-16")
    elif kind == "latin-1-mojibake":
        m.data = text.encode("utf-8").decode("latin-1").encode("utf-8")
    elif kind == "bom":
        m.data = b"\xef\xbb\xbf" + m.data
    elif kind == "cp1252-bytes":
        at = rng.randrange(max(1, len(m.data)))
        m.data = m.data[:at] + bytes([rng.randrange(0x80, 0x100)]) + m.data[at:]
    else:  # the first half GBK, the second UTF-8
        half = len(text) // 2
        m.data = text[:half].encode("gb18030") + text[half:].encode("utf-8")
    m.steps.append(f"encoding {kind}")


def truncate(m: Mutated, rng: random.Random) -> None:
    at = rng.randrange(len(m.data) + 1)
    m.data = m.data[:at]
    m.steps.append(f"truncate at byte {at}")


def nul_bytes(m: Mutated, rng: random.Random) -> None:
    n = rng.choice((1, 3))
    data = bytearray(m.data)
    for _ in range(n):
        data.insert(rng.randrange(len(data) + 1), 0)
    m.data = bytes(data)
    m.steps.append(f"insert {n} NUL byte(s)")


def long_line(m: Mutated, rng: random.Random) -> None:
    lines = _lines(m)
    if lines is None:
        return
    kind = rng.choice(("text", "digits", "cells", "spaces"))
    unit = {"text": "一般公共服务支出", "digits": "1234.56 ", "cells": "\t201\t03\t01\t7.00",
            "spaces": " "}[kind]
    long = (unit * (100_000 // len(unit.encode("utf-8")) + 1))
    at = rng.randrange(len(lines) + 1)
    if rng.random() < 0.5 and at < len(lines):
        lines[at] = lines[at] + long
        step = f"append a 100 kB {kind} run to line {at + 1}"
    else:
        lines.insert(at, long)
        step = f"insert a 100 kB {kind} line before line {at + 1}"
    _set_lines(m, lines, step)


FULLWIDTH_DIGITS = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
# Han characters as the Kangxi radicals some PDF fonts give them as (一 → ⼀, 支 → ⽀).
RADICALS = str.maketrans({unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)})


def conversion_marks(m: Mutated, rng: random.Random) -> None:
    """What PDF and Word conversion put into text: a page's number line ("第 6 页", "- 6 -"),
    a form feed at a page's first line, no-break spaces, full-width digits, Kangxi radicals."""
    lines = _lines(m)
    if not lines:
        return
    kind = rng.choice(("page-number", "form-feed", "nbsp", "fullwidth", "radicals"))
    at = rng.randrange(len(lines))
    if kind == "page-number":
        marker = rng.choice(("第 {n} 页", "- {n} -", "共 20 页 第 {n} 页", "— {n} —")).format(n=at // 40 + 1)
        lines.insert(at, marker)
        step = f"page number {marker!r} before line {at + 1}"
    elif kind == "form-feed":
        lines[at] = "\f" + lines[at]
        step = f"form feed at the start of line {at + 1}"
    else:
        n = rng.choice((1, 40))
        for i in range(at, min(len(lines), at + n)):
            if kind == "nbsp":
                lines[i] = lines[i].replace(" ", "\u00a0")
            elif kind == "fullwidth":
                lines[i] = NUMBER.sub(lambda x: x.group().translate(FULLWIDTH_DIGITS), lines[i])
            else:
                lines[i] = lines[i].translate(RADICALS)
        step = f"{kind} on lines {at + 1}..{min(len(lines), at + n)}"
    _set_lines(m, lines, step)


def hostile_names(m: Mutated, rng: random.Random) -> None:
    """Plant markup and formulas in the department name (编制部门) or a project name."""
    lines = _lines(m)
    if not lines:
        return
    bad = rng.choice(HOSTILE)
    dept = [i for i, line in enumerate(lines) if "编制部门" in line or "编制单位" in line]
    projects = [i for i, line in enumerate(lines) if re.search(r"项目(?:名称)?\s*[\t ：:]", line)]
    if dept and (not projects or rng.random() < 0.6):
        i = rng.choice(dept)
        lines[i] = re.sub(r"([:：]\s*)(\S+?)(\s|$)", lambda x: x.group(1) + x.group(2)[:4] + bad
                          + x.group(2)[4:] + x.group(3), lines[i], count=1)
        step = f"hostile department name on line {i + 1}"
    elif projects:
        i = rng.choice(projects)
        lines[i] = lines[i].replace("项目", "项目" + bad, 1)
        step = f"hostile project name on line {i + 1}"
    else:
        return
    m.hostile.append(bad)
    _set_lines(m, lines, step + f": {bad!r}")


MUTATIONS: list[Callable[[Mutated, random.Random], None]] = [
    drop_lines, duplicate_lines, swap_lines, split_number, wrong_encoding, truncate, nul_bytes,
    long_line, hostile_names, conversion_marks]
# Line-level mutations first; the byte-level ones (encoding, truncation, NUL) last.
BYTE_LEVEL = {wrong_encoding, truncate, nul_bytes}


def mutate(original: bytes, rng: random.Random) -> Mutated:
    m = Mutated(original)
    chosen = [rng.choice(MUTATIONS) for _ in range(rng.choice((1, 1, 2, 3)))]
    chosen.sort(key=lambda f: f in BYTE_LEVEL)
    for fn in chosen:
        fn(m, rng)
    return m


# ---------------------------------------------------------------- the oracle

Figure = tuple[tuple, Decimal | None, int | None, str | None]  # place, value, line, table


def document_figures(doc: Document) -> list[Figure]:
    """Every amount of a document with the place it stands: table, row role, side, code,
    row kind and column for a table cell; kind and field for a 绩效 amount; the key of a
    stated figure. Names are left out on purpose: a mutation may garble a name (that is
    not a wrong number), but the number at a place must be one the unmutated document
    has at that place."""
    out: list[Figure] = []
    for tkey, table in doc.tables.items():
        rows = [("row", r) for r in table.rows] + [(f"total:{k}", r) for k, r in table.totals.items()]
        for role, r in rows:
            for col, value in r.values.items():
                out.append(((tkey, role, r.side, r.code, r.kind, col), value, r.line, tkey))
    for p in doc.performance:
        for name in ("amount", "fiscal_amount", "other_funds"):
            out.append((("performance", p.kind, name), getattr(p, name), p.line, None))
    for f in doc.figures:
        out.append((("stated", f.key), f.amount, f.line, None))
    return out


def flagged(doc: Document, extra: list[Issue]) -> tuple[set[int], set[str], bool]:
    issues = list(doc.issues) + extra
    lines = {i.line for i in issues if i.line}
    tables = {i.table for i in issues if i.table and not i.line}
    document_error = any(i.severity == "error" and not i.line for i in issues)
    return lines, tables, document_error


@dataclass
class Finding:
    kind: str
    message: str


class CaseTimeout(BaseException):
    """A BaseException, so that the parser's error boundary (`except Exception`) lets it through."""


@contextmanager
def time_limit(seconds: float):
    """Raise CaseTimeout in the middle of whatever spends more than `seconds` of the
    process's CPU time (the regex engine checks for signals, so a catastrophic backtrack is
    interrupted too). The profiling timer counts CPU, so waiting for a busy machine's cores
    does not count."""
    def expire(signum, frame):
        raise CaseTimeout(f"took more than {seconds:g} CPU-seconds")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def check_document(original: Document, mutated: bytes, hostile: list[str], workdir: Path,
                   case_timeout: float = CASE_TIMEOUT) -> list[Finding]:
    try:
        with time_limit(case_timeout):
            return _check_document(original, mutated, hostile, workdir)
    except CaseTimeout as exc:
        return [Finding("slow", f"parsing and checking {exc}; interrupted in:\n"
                        + "".join(traceback.format_tb(exc.__traceback__)[-3:]))]


def _check_document(original: Document, mutated: bytes, hostile: list[str],
                    workdir: Path) -> list[Finding]:
    path = workdir / "mutated.txt"
    path.write_bytes(mutated)
    try:
        result = parse_file(path, "content/disclosures/mutated.txt")
    except Exception:  # noqa: BLE001 - any exception is a finding
        return [Finding("exception", "parse_file raised:\n" + traceback.format_exc(limit=6))]
    if any(i.slug == "parse-failed" for i in result.issues):
        try:
            parse_file(path, "content/disclosures/mutated.txt", debug=True)
        except Exception:  # noqa: BLE001 - any exception is a finding
            return [Finding("reader-crash", "a layout reader raised (caught by the error boundary):\n"
                            + traceback.format_exc(limit=-4))]
    doc = result.document
    if doc is None:
        return []
    try:
        checks = run_checks(doc)
    except Exception:  # noqa: BLE001 - any exception is a finding
        return [Finding("exception", "run_checks raised:\n" + traceback.format_exc(limit=6))]
    findings = _unflagged_changes(original, doc, check_issues(checks))
    findings += _names_kept(doc, hostile)
    return findings


def check_issues(checks: list) -> list[Issue]:
    """The issues the checks raise: one on the line of each check that did not pass, and
    one on each line of a failed check's summed parts (the page links those too)."""
    out = [c.as_issue() for c in checks if not c.passed]
    out += [replace(c.as_issue(), line=n) for c in checks if c.status == "fail" for n in c.part_lines]
    return out


def _unflagged_changes(original: Document, doc: Document, check_issues: list[Issue]) -> list[Finding]:
    before: dict[tuple, set[Decimal]] = defaultdict(set)
    for place, value, _, _ in document_figures(original):
        if value is not None:
            before[place].add(value)
    lines, tables, document_error = flagged(doc, check_issues)
    if document_error:
        return []
    wrong = []
    for place, value, line, table in document_figures(doc):
        if value is None or value in before.get(place, ()):
            continue
        if line in lines or table in tables:
            continue
        was = ", ".join(sorted(map(str, before.get(place, ())))) or "nothing"
        wrong.append(f"line {line}: {place} = {value} where the unmutated document has {was}")
    if not wrong:
        return []
    shown = "\n".join(wrong[:5]) + (f"\n… and {len(wrong) - 5} more" if len(wrong) > 5 else "")
    return [Finding("unflagged-figure", f"{len(wrong)} figure(s) changed with no issue on their "
                    f"line, their table or the document:\n{shown}")]


def _names_kept(doc: Document, hostile: list[str]) -> list[Finding]:
    """Hostile text is data: kept verbatim (it is escaped on output), never interpreted."""
    names = [doc.department or ""] + [r.project or "" for t in doc.tables.values() for r in t.rows]
    findings = []
    for name in names:
        if "\x00" in name:
            findings.append(Finding("nul-in-name", f"a NUL byte in name {name[:60]!r}"))
    return findings


# ---------------------------------------------------------------- driver

def load_originals() -> list[tuple[Path, bytes, Document]]:
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        result = parse_file(path, f"content/disclosures/{path.name}")
        if result.document is not None:
            out.append((path, path.read_bytes(), result.document))
    return out


def case(originals, seed: int, iteration: int) -> tuple[Path, Document, Mutated]:
    rng = random.Random(f"{seed}:{iteration}")
    path, data, doc = originals[rng.randrange(len(originals))]
    return path, doc, mutate(data, rng)


def run(iterations: int, seed: int, seconds: float | None = None, stop_at_first: bool = True,
        out=sys.stdout) -> list[tuple[int, Path, Mutated, Finding]]:
    originals = load_originals()
    found = []
    start = time.perf_counter()
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for i in range(iterations):
            if seconds is not None and time.perf_counter() - start > seconds:
                break
            path, doc, m = case(originals, seed, i)
            counts["cases"] += 1
            for finding in check_document(doc, m.data, m.hostile, Path(tmp)):
                found.append((i, path, m, finding))
                print(report(seed, i, path, m, finding), file=out)
                if stop_at_first:
                    return found
    elapsed = time.perf_counter() - start
    print(f"fuzz: {counts['cases']} cases in {elapsed:.1f} s, {len(found)} finding(s) (seed {seed})",
          file=out)
    return found


def report(seed: int, i: int, path: Path, m: Mutated, finding: Finding) -> str:
    steps = "; ".join(m.steps) or "(no mutation applied)"
    return (f"FINDING [{finding.kind}] seed {seed} iteration {i}: {path.name}: {steps}\n"
            f"{finding.message}\n"
            f"reproduce: python bench/fuzz.py --replay {seed}:{i} --write /tmp/case.txt && "
            f"python -m generator parse /tmp/case.txt --debug")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=None, help="stop after this long")
    ap.add_argument("--keep-going", action="store_true", help="report every finding, not just the first")
    ap.add_argument("--replay", help="SEED:ITERATION of a finding")
    ap.add_argument("--write", type=Path, help="with --replay: write the mutated input here")
    args = ap.parse_args()
    if args.replay:
        seed, _, i = args.replay.partition(":")
        path, doc, m = case(load_originals(), int(seed), int(i))
        print(f"{path.name}: {'; '.join(m.steps)}")
        if args.write:
            args.write.write_bytes(m.data)
        with tempfile.TemporaryDirectory() as tmp:
            findings = check_document(doc, m.data, m.hostile, Path(tmp))
        for f in findings:
            print(f"[{f.kind}] {f.message}")
        return 1 if findings else 0
    found = run(args.iterations, args.seed, args.seconds, stop_at_first=not args.keep_going)
    if args.keep_going and found:
        kinds = Counter(f.kind for _, _, _, f in found)
        print("findings by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
