"""`check`: parse documents, run the identities, and print a per-document report."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckResult, run_checks
from .layouts import all_layouts
from .parse.document import ParseResult, lost_parse, parse_file
from .sources import SOURCE_SUFFIXES
from .workers import map_in_workers


@dataclass
class DocumentReport:
    result: ParseResult
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def failed_to_parse(self) -> bool:
        return self.result.document is None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to the source files below them."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
        else:
            out.append(path)
    return out


def check_paths(paths: list[Path], debug: bool = False, limit: int = 0,
                jobs: int = 0) -> list[DocumentReport]:
    """Parse and check each file, in `jobs` worker processes (0: one per core) under a time
    limit of `limit` seconds a file (0: none; a file over it is reported `parse-timeout`).
    `debug` parses here, without a limit, so that a reader's exception shows its traceback."""
    files = [str(p) for p in expand_paths(paths)]
    if debug or limit <= 0:
        return [_check_one(path, debug) for path in files]
    all_layouts()  # imported once, here: forked workers inherit them
    return map_in_workers(_check_one, files, jobs or os.cpu_count() or 1, limit,
                          lambda path, reason: DocumentReport(lost_parse(path, reason, limit)))


def _check_one(path: str, debug: bool = False) -> DocumentReport:
    result = parse_file(Path(path), path, debug=debug)
    return DocumentReport(result, run_checks(result.document) if result.document else [])


def format_report(report: DocumentReport, verbose: bool = False) -> str:
    r = report.result
    if r.document is None:
        lines = [f"{r.path}: FAILED to parse"]
        lines += [f"  {issue}" for issue in r.issues]
        return "\n".join(lines)
    doc = r.document
    statuses = Counter(c.status for c in report.checks)
    rows = sum(len(t.rows) for t in doc.tables.values())
    lines = [
        f"{doc.path}: {doc.department or '?'} {doc.year or '?'} ({doc.region or '?'})",
        f"  layout {doc.layout}, encoding {doc.encoding}; {len(doc.tables)} tables "
        f"({', '.join(doc.tables)}), {rows} rows, {len(doc.project_targets())} 项目绩效目标表",
        f"  checks: {statuses.get('pass', 0)} passed, {statuses.get('fail', 0)} failed, "
        f"{statuses.get('rounding', 0)} rounding",
    ]
    for check in report.checks:
        if check.status != "pass" or verbose:
            lines.append(f"  {check.status.upper():8} {check}")
    for issue in doc.issues:
        lines.append(f"  {issue.severity.upper():8} {issue}")
    return "\n".join(lines)
