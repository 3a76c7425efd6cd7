#!/usr/bin/env python3
"""Snapshots of what the parser reads, to diff a refactoring against (issue 15).

usage: python bench/snapshot.py take FILE [--synth N] [--fuzz N] [--seed S] [--real DIR]
       python bench/snapshot.py diff FILE [--show K]

`take` parses, and stores as one JSON file:
- the sample disclosures (content/disclosures: the texts and the real PDFs);
- a synthesized corpus (`bench/synth.py`, N copies cycling through every sample, hence
  every layout), written to a temporary folder;
- the fuzzer's cases 0..N-1 of seed S (`bench/fuzz.py`), each mutated input as parsed;
- with --real DIR, every document in DIR (the real renderings: ../shared/real/text);
and for each: `parse --json` (document_to_json), the parser's issues, the checks'
statuses (slug, line, status) and a digest of each database table's rows as packed for
loading. `diff` takes the same inputs again (the settings are in the file) and prints,
per layout, how many inputs differ and the first K differences (JSON paths), so every
change is either a deliberate improvement or a bug.
Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generator.cachefile import dumps  # noqa: E402
from generator.checks import run_checks  # noqa: E402
from generator.db import PackedRows, pack_document  # noqa: E402
from generator.parse.document import parse_file  # noqa: E402
from generator.serialize import document_to_json  # noqa: E402
from generator.sources import DOCUMENT_SUFFIXES  # noqa: E402

from fuzz import case, load_originals  # noqa: E402
from synth import synthesize  # noqa: E402

SAMPLES = ROOT / "content" / "disclosures"


def snapshot_of(path: Path, display: str) -> dict[str, Any]:
    """What the parser makes of one file: document, issues, check statuses, and a digest
    of each database table's rows as the parse stage packs them (`db.pack_document`)."""
    result = parse_file(path, display)
    doc = result.document
    checks = run_checks(doc) if doc is not None else []
    return {
        "layout": doc.layout if doc is not None else None,
        "document": document_to_json(doc) if doc is not None else None,
        "issues": sorted(([i.slug, i.line, i.severity, i.message] for i in result.issues),
                         key=lambda i: (i[0], i[1] or 0, i[2], i[3])),  # a table's issue has no line
        "checks": sorted([c.slug, c.line, c.status] for c in checks),
        "rows": _row_digests(pack_document(doc, lambda d: [c.as_row(d) for c in checks]))
        if doc is not None else {},
    }


def _row_digests(packed: PackedRows) -> dict[str, str]:
    tables = dict(packed.csv)
    tables.update((name, dumps(rows)) for name, rows in packed.listed.items())
    return {name: hashlib.sha256(packed.mark + text).hexdigest()[:16] for name, text in tables.items()}


def take(synth: int, fuzz: int, seed: int, real: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in _documents(SAMPLES):
        out[f"sample/{path.name}"] = snapshot_of(path, f"content/disclosures/{path.name}")
    for path in _documents(Path(real)) if real else []:
        out[f"real/{path.name}"] = snapshot_of(path, f"real/{path.name}")
    with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
        for path, _, _ in synthesize(synth, Path(tmp) / "synth", seed):
            out[f"synth/{path.name}"] = snapshot_of(path, f"synth/{path.name}")
        originals = load_originals()
        for i in range(fuzz):
            sample, _, m = case(originals, seed, i)
            path = Path(tmp) / f"fuzz-{i}.txt"
            path.write_bytes(m.data)
            snap = snapshot_of(path, f"fuzz/{sample.name}")
            snap["layout"] = snap["layout"] or f"(failed) {sample.name}"
            out[f"fuzz/{seed}:{i}"] = snap
    return out


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """JSON paths where two values differ, shallowest first."""
    if type(old) is not type(new):
        return [f"{where}: {_short(old)} → {_short(new)}"]
    if isinstance(old, dict):
        found = []
        for k in sorted(set(old) | set(new), key=str):
            if k not in new:
                found.append(f"{where}.{k}: removed {_short(old[k])}")
            elif k not in old:
                found.append(f"{where}.{k}: added {_short(new[k])}")
            else:
                found += differences(old[k], new[k], f"{where}.{k}")
        return found
    if isinstance(old, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} → {len(new)} items; first differing: "
                    + _first_list_difference(old, new)]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: {_short(old)} → {_short(new)}"]


def _first_list_difference(old: list, new: list) -> str:
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b:
            return f"[{i}] {_short(a)} → {_short(b)}"
    i = min(len(old), len(new))
    return f"[{i}] {_short(old[i] if i < len(old) else None)} → {_short(new[i] if i < len(new) else None)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "…"


def diff(file: Path, show: int) -> int:
    stored = json.loads(file.read_text(encoding="utf-8"))
    settings = stored["settings"]
    now = json.loads(json.dumps(take(**settings), ensure_ascii=False, default=str))
    by_layout: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for key, old in stored["inputs"].items():
        layout = old["layout"] or "(none)"
        totals[layout] += 1
        found = differences(old, now.get(key))
        if found:
            by_layout[layout].append((key, found))
    print(f"snapshot {file}: {len(stored['inputs'])} inputs ({settings})")
    for layout in sorted(totals):
        changed = by_layout.get(layout, [])
        print(f"  {layout}: {len(changed)}/{totals[layout]} inputs differ")
        for key, found in changed[:show]:
            print(f"    {key}: {len(found)} difference(s)")
            for line in found[:show]:
                print(f"      {line}")
    return 1 if by_layout else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["take", "diff"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--synth", type=int, default=20, help="synthesized copies (cycle through the samples)")
    ap.add_argument("--fuzz", type=int, default=100, help="fuzz cases replayed")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--real", help="also every .txt of this folder (the real renderings)")
    ap.add_argument("--show", type=int, default=5, help="differences shown per layout and input")
    args = ap.parse_args()
    if args.action == "diff":
        return diff(args.file, args.show)
    settings = {"synth": args.synth, "fuzz": args.fuzz, "seed": args.seed, "real": args.real}
    data = {"settings": settings, "inputs": take(**settings)}
    args.file.write_text(json.dumps(data, ensure_ascii=False, indent=0, default=str), encoding="utf-8")
    layouts = Counter(v["layout"] for v in data["inputs"].values())
    print(f"took {len(data['inputs'])} inputs into {args.file}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(layouts.items(), key=str)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
