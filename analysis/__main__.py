"""Command line: `python -m analysis run [--corpus PATH] [--group COLUMN] [--out DIR] [--columns MAP] [--only N ...]
[--codes PATH] [--dayfirst | --monthfirst] [--force] [--rerun] [--wait SECONDS]`.

Runs the numbered notebooks headless, two at a time; each executed notebook is kept as HTML in DIR/reports/.
A notebook whose outputs in DIR are up to date (same notebook, package, libraries, corpus, settings and data as
when it last ran there) is kept, not executed again, unless --rerun.
A run locks DIR (another run into it waits, then stops) and refuses to write one corpus's outputs
into a folder that holds another's, unless --force.
"""

from __future__ import annotations

import argparse
import os
import sys

from analysis.output import LOCK_TIMEOUT, OutputBusy
from analysis.paths import ENV_DAYFIRST
from analysis.runner import NotebookFailed, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="execute every numbered notebook headless, in order",
        description="Execute every numbered notebook headless, in order. The run locks --out while it runs (another "
                    "run into it waits --wait seconds, then stops) and refuses to write into a folder that holds "
                    "another corpus's or grouping's outputs, unless --force.")
    run.add_argument("--corpus", help="corpus folder or table (default: the project's seeds/)")
    run.add_argument("--group", help="column to compare by (default: outlet)")
    run.add_argument("--out", help="folder for figures, tables and reports/ (default: the project's figures/, for the seeds only)")
    run.add_argument("--columns", help="field mapping for tables, e.g. text=content_original,outlet=source")
    run.add_argument("--event", help="the event's date, from which coverage is timed (default: 2020-01-03)")
    run.add_argument("--codes", metavar="PATH",
                     help="filled coding sheets (CSV or XLSX, or a folder of them) for notebook 07, which then "
                          "measures agreement and corrects the group estimates; without it notebook 07 writes the sheets")
    order = run.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="read numeric dates such as 05/01/2020 day first (5 January); without --dayfirst or "
                            "--monthfirst the corpus's other dates must settle the order (13/01/2020 does), or "
                            "loading stops and names the column")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read numeric dates such as 05/01/2020 month first (1 May)")
    run.add_argument("--only", nargs="*", help="run only these notebooks: 5, 05, 05-validation or 05-validation.ipynb")
    run.add_argument("--force", action="store_true",
                     help="when --out holds another corpus's (or grouping's) outputs, delete them first: the files "
                          "its manifest.json lists, the notebooks' reports and the manifest, nothing else")
    run.add_argument("--rerun", action="store_true",
                     help="execute every notebook, also those whose outputs in --out are up to date")
    run.add_argument("--wait", type=float, default=LOCK_TIMEOUT, metavar="SECONDS",
                     help=f"how long to wait for another run writing into --out (default: {LOCK_TIMEOUT:g})")
    args = parser.parse_args(argv)
    # The date order reaches the run's settings and its notebook kernels as $ANALYSIS_DAYFIRST, as in a notebook.
    before = os.environ.get(ENV_DAYFIRST)
    if args.dayfirst is not None:
        os.environ[ENV_DAYFIRST] = "yes" if args.dayfirst else "no"
    try:
        run_all(corpus=args.corpus, group=args.group, out=args.out, columns=args.columns, only=args.only,
                event=args.event, force=args.force, wait=args.wait, rerun=args.rerun, codes=args.codes)
    except (NotebookFailed, OutputBusy) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if before is None:
            os.environ.pop(ENV_DAYFIRST, None)
        else:
            os.environ[ENV_DAYFIRST] = before
    return 0


if __name__ == "__main__":
    sys.exit(main())
