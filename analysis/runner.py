"""Execute the numbered notebooks headless, in order, with the settings passed through the environment."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from analysis.paths import (
    ENV_COLUMNS,
    ENV_CORPUS,
    ENV_GROUP,
    ENV_OUT,
    NOTEBOOKS_DIR,
    PROJECT_DIR,
)

CELL_TIMEOUT = 1800  # seconds; a large corpus may take a while in one cell


class NotebookFailed(RuntimeError):
    """A notebook cell raised; the message names the notebook and the cell."""


def notebooks(folder: Path = NOTEBOOKS_DIR, only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks (NN-slug.ipynb) in order, optionally only those whose name starts with one of `only`."""
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))
    if only:
        found = [p for p in found if any(p.name.startswith(prefix) for prefix in only)]
    return found


def run_notebook(path: Path, env: dict[str, str]) -> None:
    """Execute one notebook in a fresh kernel, in its own folder; outputs are not saved."""
    notebook = nbformat.read(path, as_version=4)
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = NotebookClient(
            notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    except CellExecutionError as error:
        cell = _failed_cell(notebook)
        raise NotebookFailed(f"{path.name}, cell {cell}: {_last_line(str(error))}") from None
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _failed_cell(notebook) -> str:
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return f"{number} of {len(code_cells)} (code cells)"
    return "unknown"


def _last_line(message: str) -> str:
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)  # the kernel colours its tracebacks
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return lines[-1] if lines else message


def run_all(*, corpus=None, group=None, out=None, columns=None, only=None, stream=sys.stderr) -> None:
    """Run every numbered notebook; raise NotebookFailed at the first failing cell."""
    env = {}
    for key, value in ((ENV_CORPUS, corpus), (ENV_GROUP, group), (ENV_OUT, out), (ENV_COLUMNS, columns)):
        if value is not None:
            env[key] = str(Path(value).resolve()) if key in (ENV_CORPUS, ENV_OUT) else str(value)
    # The kernel imports this package even where it is not installed (a bare checkout).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    paths = notebooks(only=only)
    if not paths:
        raise NotebookFailed(f"no notebooks found in {NOTEBOOKS_DIR}")
    for path in paths:
        print(f"running {path.name} ...", file=stream, flush=True)
        run_notebook(path, env)
