"""`check`: parse documents, run the identities, and print a per-document report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckResult, run_checks
from .model import Issue
from .parse.document import ParseResult, parse_file
from .sources import DOCUMENT_SUFFIXES, is_scratch


@dataclass
class DocumentReport:
    result: ParseResult
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def failed_to_parse(self) -> bool:
        return self.result.document is None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to every file below them (but hidden and lock
    files): a file the build would not read is reported, not passed over in silence."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not is_scratch(p))
        else:
            out.append(path)
    return out


# Why a file of another format is not read, for the maintainer who put it there.
NOT_READ = {
    ".doc": "Word 97–2003 (.doc) is not read: save it as .docx",
    ".wps": "WPS text (.wps) is not read: save it as .docx",
    ".et": "WPS spreadsheets (.et) are not read: save it as .xlsx",
    ".ofd": "OFD is not read: export it as PDF",
    ".zip": "archives are not read: unpack them into the folder",
    ".rar": "archives are not read: unpack them into the folder",
}
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp"}


def unknown_format(path: Path) -> Issue | None:
    """A `format-unknown` error for a file the build passes over, else None."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return None
    why = NOT_READ.get(suffix) or (
        "images are not read (no OCR): publish the PDF with its text layer" if suffix in IMAGES
        else f"{suffix or 'files without a suffix'} is not a format the site reads "
             "(.pdf, .xlsx, .xlsm, .xls, .docx, .txt)")
    return Issue("format-unknown", f"not read: {why}", str(path), None, "error")


def check_paths(paths: list[Path], debug: bool = False) -> list[DocumentReport]:
    reports = []
    for path in expand_paths(paths):
        unknown = unknown_format(path) if path.exists() else Issue(
            "source-unreadable", "not read: no such file or folder", str(path), None, "error")
        if unknown is not None:
            reports.append(DocumentReport(ParseResult(str(path), None, [unknown])))
            continue
        result = parse_file(path, str(path), debug=debug)
        checks = run_checks(result.document) if result.document else []
        reports.append(DocumentReport(result, checks))
    return reports


def format_report(report: DocumentReport, verbose: bool = False) -> str:
    r = report.result
    if r.document is None:
        unread = any(i.message.startswith("not read:") for i in r.issues)
        lines = [f"{r.path}: {'not read' if unread else 'FAILED to parse'}"]
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
