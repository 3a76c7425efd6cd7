"""Command line: parses flags, calls one library function, turns problems into exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _cmd_parse(args: argparse.Namespace) -> int:
    from .golden import to_golden
    from .parse.document import parse_file
    from .serialize import document_to_json

    result = parse_file(Path(args.file), debug=args.debug)
    for issue in result.issues:
        if issue.severity == "error" or args.verbose:
            print(issue, file=sys.stderr)
    if result.document is None:
        return 1
    if args.key:
        from .keyfigures import key_figures
        data = key_figures(result.document)
    else:
        data = to_golden(result.document) if args.golden else document_to_json(result.document)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    from .config import load_config

    site_dir = Path(args.site_dir).resolve()
    config = load_config(site_dir, strict=args.strict)
    for warning in config.warnings:
        print(f"{site_dir / 'site.toml'}: 警告：{warning}", file=sys.stderr)
    output = Path(args.output).resolve() if args.output else None
    report = build(site_dir, output=output, config=config, clean=args.clean, wait=not args.no_wait)
    for issue in [*report.skipped, *(i for failed in report.failed for i in failed.issues),
                  *report.page_issues]:
        print(issue, file=sys.stderr)
    print(report.summary())
    failed = [f.path for f in report.failed]
    disclosures = (config.content_dir / "disclosures").relative_to(site_dir).as_posix() \
        if config.content_dir.is_relative_to(site_dir) else config.content_dir / "disclosures"
    if not report.in_site:
        print(f"错误：没有能解析的文件（{disclosures} 下的 {len(failed)} 个都失败了）"
              if failed else f"错误：{disclosures} 下没有文件", file=sys.stderr)
        return 1
    if args.strict and failed:
        print(f"错误：{len(failed)} 个文件无法解析：{'、'.join(failed[:10])}"
              + (" …" if len(failed) > 10 else ""), file=sys.stderr)
        return 1
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .config import load_config
    from .serve import ServeError, serve

    site_dir = Path(args.site_dir).resolve()
    overrides = {k: v for k, v in (("serve.host", args.host), ("serve.port", args.port)) if v is not None}
    config = load_config(site_dir, overrides=overrides)
    try:
        serve(site_dir, config.get("serve.host"), config.get("serve.port"))
    except ServeError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .config import load_config
    from .report import check_paths, format_report, summary_line

    paths = [Path(p) for p in args.paths] or [Path("content/disclosures")]
    config = load_config(Path.cwd())  # the site checked is usually the current folder
    limit = config.get("build.parse_timeout") if args.timeout is None else args.timeout
    reports = check_paths(paths, debug=args.debug, limit=limit, jobs=config.get("build.jobs"))
    for report in reports:
        print(format_report(report, verbose=args.verbose))
    print(summary_line(reports))
    failed = sum(r.failed_to_parse for r in reports)
    mismatches = sum(c.status == "fail" for r in reports for c in r.checks)
    if failed or not reports:
        return 1
    return 1 if args.strict and mismatches else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Budget disclosure site generator (部门预算公开)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse one disclosure and print it as JSON")
    p.add_argument("file")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="the full parsed document (default)")
    mode.add_argument("--golden", action="store_true", help="the answer-key shape")
    mode.add_argument("--key", action="store_true",
                      help="the key figures (the shape of tests/real/KEY.json)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every issue to stderr")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("check", help="parse and check documents; print a report per document")
    p.add_argument("paths", nargs="*", help="files or folders (default: content/disclosures)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list every error, warning and info (default: a few of each kind)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when an identity fails too (default: only for unread files)")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="time limit to parse one file (default: build.parse_timeout; 0 = none)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("build", help="build the static site")
    p.add_argument("site_dir", nargs="?", default=".", help="folder with site.toml and content/")
    p.add_argument("--output", "-o", help="output folder (default: build.output_dir)")
    p.add_argument("--strict", action="store_true",
                   help="unknown site.toml keys are errors (exit 2), and a source that could not "
                        "be parsed fails the build (exit 1; without it, only when none could)")
    p.add_argument("--no-wait", action="store_true",
                   help="fail (exit 2) instead of waiting while another build of the output runs")
    p.add_argument("--clean", action="store_true",
                   help="rebuild everything, ignoring the caches and the previous build")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("serve", help="build, serve with live reload and rebuild on change")
    p.add_argument("site_dir", nargs="?", default=".", help="folder with site.toml and content/")
    p.add_argument("--host", help="address to listen on (default: serve.host)")
    p.add_argument("--port", type=int, help="port to listen on (default: serve.port; 0 = any free)")
    p.set_defaults(func=_cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError
    from .output_guard import OutputError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"{exc.path}: 错误：{problem}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
