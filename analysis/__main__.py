"""Command line: `python -m analysis run [--corpus PATH] [--group COLUMN] [--out DIR] [--columns MAP]`."""

from __future__ import annotations

import argparse
import sys

from analysis.runner import NotebookFailed, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute every numbered notebook headless, in order")
    run.add_argument("--corpus", help="corpus folder or table (default: the project's seeds/)")
    run.add_argument("--group", help="column to compare by (default: outlet)")
    run.add_argument("--out", help="folder for figures (default: the project's figures/)")
    run.add_argument("--columns", help="field mapping for tables, e.g. text=content_original,outlet=source")
    run.add_argument("--only", nargs="*", help="run only notebooks whose names start with these, e.g. 01")
    args = parser.parse_args(argv)
    try:
        run_all(corpus=args.corpus, group=args.group, out=args.out, columns=args.columns, only=args.only)
    except NotebookFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
