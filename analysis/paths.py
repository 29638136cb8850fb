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
