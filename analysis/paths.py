"""Where the package's data, the project's seeds, notebooks and figures live."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
PROJECT_DIR = PACKAGE_DIR.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"

#: Environment variables that the notebooks' parameters cells and `save_figure` read.
ENV_CORPUS = "ANALYSIS_CORPUS"
ENV_GROUP = "ANALYSIS_GROUP"
ENV_OUT = "ANALYSIS_OUT"
ENV_COLUMNS = "ANALYSIS_COLUMNS"
ENV_EVENT = "ANALYSIS_EVENT"
#: Filled coding sheets (a file or a folder of them) that notebook 07 reads: `--codes PATH`.
ENV_CODES = "ANALYSIS_CODES"
#: How numeric dates (05/01/2020) are read: "yes" day first, "no" month first (`--dayfirst`, `--monthfirst`).
ENV_DAYFIRST = "ANALYSIS_DAYFIRST"
#: Set by `python -m analysis run` for its notebook kernels: "pid:folder", the run that holds the folder's lock.
ENV_LOCKED = "ANALYSIS_OUT_LOCKED"
#: A lock file (outside the output folder) that the kernels of one run take in turn to write their outputs:
#: the run's notebooks execute two at a time and share one manifest.
ENV_KERNELS_LOCK = "ANALYSIS_KERNELS_LOCK"
#: The seeds' event: the strike at Baghdad airport, early on 3 January 2020 (local time).
SEEDS_EVENT = "2020-01-03"


def figures_dir() -> Path:
    """The folder figures are written to: $ANALYSIS_OUT if set, else the project's figures/."""
    return Path(os.environ.get(ENV_OUT) or PROJECT_DIR / "figures")


def data_file(name: str) -> Path:
    """A file shipped in analysis/data/."""
    return DATA_DIR / name


def shown_path(path: str | Path, *, base: str | Path | list | tuple | None = None, outside: str | None = None) -> str:
    """A path as messages and notebook outputs show it, never as the machine's absolute path: relative to `base`
    (the corpus or output folder) when inside it, else to the project (`seeds`), else to the home folder (`~/...`);
    a path given relative is shown as given. Reports are shared: they should not say where a user keeps files.

    Parameters
    ----------
    path : the path to show.
    base : a folder the path is shown relative to when it lies inside it (not the folder itself), or a list of
        them, the first that holds it counting.
    outside : what to show for a path outside `base`, the project and the home folder; default `…/` and its
        last two parts (`…/corpus/metadata.csv`).
    """
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        resolved = given.resolve()
    except (OSError, RuntimeError):
        resolved = given
    bases = [] if base is None else list(base) if isinstance(base, (list, tuple)) else [base]
    folders = [(Path(folder), "") for folder in bases if folder is not None]
    folders += [(PROJECT_DIR, ""), (Path.home(), "~/")]
    for folder, prefix in folders:
        try:
            folder = folder.resolve()
        except (OSError, RuntimeError):
            continue
        if resolved == folder and prefix:
            return prefix.rstrip("/")
        if resolved != folder and resolved.is_relative_to(folder):
            return prefix + resolved.relative_to(folder).as_posix()
    return outside if outside is not None else "…/" + "/".join(resolved.parts[-2:])
