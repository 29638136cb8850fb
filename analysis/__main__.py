"""Command line: `python -m analysis run [--corpus PATH] [--group COLUMN] [--out DIR] [--columns MAP] [--only N ...]
[--codes PATH] [--dayfirst | --monthfirst] [--force] [--rerun] [--wait SECONDS] [--debug]`.

Runs the numbered notebooks headless, two at a time; each executed notebook is kept as HTML in DIR/reports/.
A notebook whose outputs in DIR are up to date (same notebook, package, libraries, corpus, settings and data as
when it last ran there) is kept, not executed again, unless --rerun.
A run locks DIR (another run into it waits, then stops) and refuses to write one corpus's outputs
into a folder that holds another's, unless --force, and never writes into the corpus folder.

A fault of the settings or of the machine (a read-only or full output folder, a corpus gone mid-run, a failing
cell) ends the run with one line, `error: ...`, naming the folder or file and what to do, and exit status 1;
--debug adds the traceback. Every line printed is safe for the terminal (analysis.runner.terminal_text).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

# jsonschema, which nbformat, nbclient and nbconvert import, imports rfc3987_syntax for its "iri" format check, and
# that compiles some 35 Earley parsers on import: 1.4 of the 7.8 seconds a one-notebook run took on this machine
# (python-jsonschema/jsonschema#1428). No notebook or report schema uses that format. Marked absent in this
# command's process only (never on `import analysis`), jsonschema skips that one check (its import is guarded).
sys.modules.setdefault("rfc3987_syntax", None)

from analysis.escape import terminal_text
from analysis.output import LOCK_TIMEOUT, OutputBusy
from analysis.paths import ENV_DAYFIRST
from analysis.runner import NotebookFailed, run_all

#: What a user can act on: a setting, a notebook's cell, another run, the output folder or the machine (OSError,
#: FileFault among them); ValueError covers a refused output folder (OutputRefused) and a bad --columns.
USER_FAULTS = (NotebookFailed, OutputBusy, ValueError, OSError)


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
    run.add_argument("--debug", action="store_true",
                     help="on an error, print its traceback too (by default: one line saying what to do)")
    args = parser.parse_args(argv)
    # The date order reaches the run's settings and its notebook kernels as $ANALYSIS_DAYFIRST, as in a notebook.
    before = os.environ.get(ENV_DAYFIRST)
    if args.dayfirst is not None:
        os.environ[ENV_DAYFIRST] = "yes" if args.dayfirst else "no"
    try:
        run_all(corpus=args.corpus, group=args.group, out=args.out, columns=args.columns, only=args.only,
                event=args.event, force=args.force, wait=args.wait, rerun=args.rerun, codes=args.codes)
    except KeyboardInterrupt:
        _report(None, "interrupted", debug=args.debug)
        return 130
    except USER_FAULTS as error:
        _report(error, _one_line(error), debug=args.debug)
        return 1
    except Exception as error:  # noqa: BLE001 - a fault of the package: one line too, and how to see and report it
        _report(error, f"{type(error).__name__}: {_one_line(error)} (a fault of the package, not of your files: "
                       "run again with --debug for the traceback, and report it)", debug=args.debug)
        return 1
    finally:
        if before is None:
            os.environ.pop(ENV_DAYFIRST, None)
        else:
            os.environ[ENV_DAYFIRST] = before
    return 0


def _one_line(error: BaseException) -> str:
    """An error's message; an OSError the system raised as `file: reason` rather than `[Errno n] reason: 'file'`."""
    if isinstance(error, OSError) and type(error).__str__ is OSError.__str__ and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return str(error) or type(error).__name__


def _report(error: BaseException | None, message: str, *, debug: bool) -> None:
    """Print the error's one line on standard error, after its traceback with --debug; both safe for the terminal."""
    if debug and error is not None:
        for line in "".join(traceback.format_exception(error)).splitlines():
            print(terminal_text(line), file=sys.stderr)
    print(f"error: {terminal_text(message)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
