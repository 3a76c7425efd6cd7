"""`check`: parse documents, run the identities, and print a per-document report."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckResult, run_checks
from .config import load_config
from .issue_titles import check_title, issue_title
from .layouts import all_layouts
from .model import TABLE_SHORT, Issue
from .parse.document import ParseResult, lost_parse, parse_file
from .sources import DOCUMENT_SUFFIXES, is_scratch
from .workers import map_in_workers


@dataclass
class DocumentReport:
    result: ParseResult
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def failed_to_parse(self) -> bool:
        return self.result.document is None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to every file below them (but hidden and lock
    files): a file the build would not read is reported, not passed over in silence. A
    site folder (site.toml) or a content folder (with disclosures/) is checked as the
    build reads it: its disclosures, not its pages (content/pages/*.md are no documents)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            folder = disclosures_of(path)
            out += sorted(p for p in folder.rglob("*") if p.is_file() and not is_scratch(p))
        else:
            out.append(path)
    return out


def disclosures_of(folder: Path) -> Path:
    """The disclosures folder the build reads for `folder`: a site folder's (its
    build.content_dir), a content folder's, else `folder` itself."""
    if (folder / "site.toml").is_file():
        return load_config(folder).content_dir / "disclosures"
    if (folder / "disclosures").is_dir():
        return folder / "disclosures"
    return folder


# Why a file of another format is not read, for the maintainer who put it there.
NOT_READ = {
    ".doc": "不读取 Word 97–2003 文件（.doc）：请另存为 .docx",
    ".wps": "不读取 WPS 文字文件（.wps）：请另存为 .docx",
    ".et": "不读取 WPS 表格文件（.et）：请另存为 .xlsx",
    ".ofd": "不读取 OFD 文件：请导出为 PDF",
    ".zip": "不读取压缩包：请解压到这个文件夹",
    ".rar": "不读取压缩包：请解压到这个文件夹",
}
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp"}
# Slugs of a file left unread (rather than read and failed).
UNREAD = {"format-unknown", "source-unreadable"}


def unknown_format(path: Path) -> Issue | None:
    """A `format-unknown` error for a file the build passes over, else None."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return None
    why = NOT_READ.get(suffix) or (
        "不读取图片（不做 OCR）：请发布带文字层的 PDF" if suffix in IMAGES
        else f"网站不读取{suffix + ' 格式的文件' if suffix else '没有扩展名的文件'}"
             "（可读：.pdf、.xlsx、.xlsm、.xls、.docx、.txt）")
    return Issue("format-unknown", f"未读取：{why}", str(path), None, "error")


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


def _check_one(shown: str, debug: bool = False) -> DocumentReport:
    path = Path(shown)
    unknown = unknown_format(path) if path.exists() else Issue(
        "source-unreadable", "未读取：没有这个文件或文件夹", shown, None, "error")
    if unknown is not None:
        return DocumentReport(ParseResult(shown, None, [unknown]))
    result = parse_file(path, shown, debug=debug)
    return DocumentReport(result, run_checks(result.document) if result.document else [])


SEVERITY_GROUPS = (("error", "错误（需要修改）"), ("warning", "警告（请查看）"))
EXAMPLES = {"error": 3, "warning": 1}  # printed per group without --verbose


@dataclass
class Finding:
    """One line of the report: a failed identity or an issue, by severity and slug."""

    severity: str  # error, warning or info
    slug: str
    title: str
    line: int | None
    text: str


def findings(report: DocumentReport) -> list[Finding]:
    """A document's failed identities (errors: its figures do not add up), its issues by
    their own severity, and the rounding gaps (infos: the printed figures were rounded)."""
    r = report.result
    out = []
    for check in report.checks:
        if check.status == "pass":
            continue
        severity = "error" if check.status == "fail" else "info"
        # The group (错误 or 信息) tells a mismatch from a rounding gap: no status word.
        out.append(Finding(severity, check.slug, check_title(check.slug, check.name),
                           check.line, f"{check.location()}: {check.message} [{check.slug}]"))
    issues = r.document.issues if r.document is not None else r.issues
    for issue in issues:
        out.append(Finding(issue.severity, issue.slug, issue_title(issue.slug),
                           issue.line, str(issue)))
    return out


def format_report(report: DocumentReport, verbose: bool = False) -> str:
    """One document's block: who and what was read, then its errors and warnings grouped by
    kind (a few examples each; every one with `verbose`), then the count of infos."""
    r = report.result
    if r.document is None:
        unread = any(i.slug in UNREAD for i in r.issues)
        lines = [f"{r.path}: {'未读取' if unread else '无法解析'}"]
    else:
        doc = r.document
        statuses = Counter(c.status for c in report.checks)
        rows = sum(len(t.rows) for t in doc.tables.values())
        lines = [
            f"{doc.path}: {doc.department or '?'} {doc.year or '?'}（{doc.region or '?'}）",
            f"  读取：版式 {doc.layout}{'' if doc.encoding == 'binary' else '，' + doc.encoding}；"
            f"{len(doc.tables)} 张表"
            f"（{'、'.join(TABLE_SHORT.get(k, k) for k in doc.tables)}），{rows} 行，"
            f"{len(doc.project_targets())} 张项目绩效目标表",
            f"  恒等式：{statuses.get('pass', 0)} 通过，{statuses.get('fail', 0)} 不符，"
            f"{statuses.get('rounding', 0)} 在舍入范围内",
        ]
    found = findings(report)
    for severity, heading in SEVERITY_GROUPS:
        group = [f for f in found if f.severity == severity]
        if group:
            lines.append(f"  {heading}：{len(group)}")
            lines += _grouped(group, None if verbose else EXAMPLES[severity])
    infos = [f for f in found if f.severity == "info"]
    if infos:
        lines.append(f"  信息：{len(infos)}" + ("" if verbose else "（-v 列出）"))
        if verbose:
            lines += _grouped(infos, None)
    return "\n".join(lines)


def _grouped(group: list[Finding], examples: int | None) -> list[str]:
    """Findings of one severity by slug: the slug's title, the count and its lines, then
    `examples` of them in full (all when None)."""
    by_slug: dict[tuple[str, str], list[Finding]] = {}
    for f in group:
        by_slug.setdefault((f.slug, f.title), []).append(f)
    lines = []
    for (slug, title), items in by_slug.items():
        at = sorted({f.line for f in items if f.line})
        where = ("，第 " + "、".join(map(str, at[:12])) + (" …" if len(at) > 12 else "") + " 行") if at else ""
        lines.append(f"    [{slug}] {title} ×{len(items)}{where}")
        shown = items if examples is None else items[:examples]
        lines += [f"      {f.text}" for f in shown]
        if len(shown) < len(items):
            lines.append(f"      …另 {len(items) - len(shown)} 处（-v 全部列出）")
    return lines


def summary_line(reports: list[DocumentReport]) -> str:
    """The last line: files, unread ones, and the errors, warnings and infos in all."""
    unread = sum(r.failed_to_parse for r in reports)
    counts = Counter(f.severity for r in reports for f in findings(r))
    mismatches = sum(c.status == "fail" for r in reports for c in r.checks)
    return (f"{len(reports)} 个文件：{unread} 个未读取或无法解析；"
            f"错误 {counts.get('error', 0)}（其中恒等式不符 {mismatches}），"
            f"警告 {counts.get('warning', 0)}，信息 {counts.get('info', 0)}")
