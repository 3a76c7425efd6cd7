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
    data = to_golden(result.document) if args.golden else document_to_json(result.document)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


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
    p.add_argument("-v", "--verbose", action="store_true", help="print every issue to stderr")
    p.set_defaults(func=_cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
