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
    report = build(site_dir, output=output, config=config, clean=args.clean, wait=not args.no_wait,
                   background_cleanup=True)
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


class _ChineseHelp(argparse.HelpFormatter):
    """argparse's help, its usage line headed in Chinese."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _in_chinese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The headings argparse prints in English (its groups' titles), and -h, in Chinese."""
    parser._positionals.title, parser._optionals.title = "位置参数", "选项"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return parser


def build_parser() -> argparse.ArgumentParser:
    options = {"add_help": False, "formatter_class": _ChineseHelp}
    parser = _in_chinese(argparse.ArgumentParser(
        prog="python -m generator", description="预算公开静态网站生成器（部门预算公开 / 部门决算公开）", **options))
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈（traceback）")
    sub = parser.add_subparsers(dest="command", required=True, title="命令")

    p = _in_chinese(sub.add_parser("parse", help="解析一个公开文件，以 JSON 输出", description="解析一个公开文件，以 JSON 输出", **options))
    p.add_argument("file", help="公开文件（PDF、Excel、Word 或 pdftotext 文本）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="完整的解析结果（默认）")
    mode.add_argument("--golden", action="store_true", help="答案文件（golden）的格式")
    mode.add_argument("--key", action="store_true",
                      help="关键数字（tests/real/KEY.json 的格式）")
    p.add_argument("-v", "--verbose", action="store_true", help="把每个问题都输出到标准错误（stderr）")
    p.set_defaults(func=_cmd_parse)

    p = _in_chinese(sub.add_parser("check", help="解析并核对文件，逐份输出核对报告", description="解析并核对文件，逐份输出核对报告", **options))
    p.add_argument("paths", nargs="*", help="文件或文件夹（默认：content/disclosures）")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="列出全部错误、警告和提示（默认：每类列几条）")
    p.add_argument("--strict", action="store_true",
                   help="有勾稽关系不成立时也以 1 退出（默认：只在有文件无法读取时）")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="解析一个文件的时间上限（秒；默认：build.parse_timeout；0 = 不限）")
    p.set_defaults(func=_cmd_check)

    p = _in_chinese(sub.add_parser("build", help="生成静态网站", description="生成静态网站", **options))
    p.add_argument("site_dir", nargs="?", default=".", help="含 site.toml 和 content/ 的文件夹（默认：当前文件夹）")
    p.add_argument("--output", "-o", help="输出文件夹（默认：build.output_dir）")
    p.add_argument("--strict", action="store_true",
                   help="site.toml 中的未知设置项算作错误（退出码 2），有文件无法解析时生成失败"
                        "（退出码 1；不加此项时，只在没有一个文件能解析时失败）")
    p.add_argument("--no-wait", action="store_true",
                   help="同一输出文件夹正在被另一次生成使用时，直接失败（退出码 2），不等待")
    p.add_argument("--clean", action="store_true",
                   help="全部重新生成，不使用缓存和上一次的生成结果")
    p.set_defaults(func=_cmd_build)

    p = _in_chinese(sub.add_parser("serve", help="生成并在本地预览，文件有改动时重新生成并自动刷新页面", description="生成并在本地预览，文件有改动时重新生成并自动刷新页面", **options))
    p.add_argument("site_dir", nargs="?", default=".", help="含 site.toml 和 content/ 的文件夹（默认：当前文件夹）")
    p.add_argument("--host", help="监听的地址（默认：serve.host）")
    p.add_argument("--port", type=int, help="监听的端口（默认：serve.port；0 = 任一空闲端口）")
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
