"""Where notebook 05's public data sets are, and which of their files it reads.

Apart from the validations themselves (analysis/measures/validation.py) so that the run command can key
notebook 05's outputs by these files without importing every measure (NLTK, SciPy, scikit-learn: about two
CPU-seconds in a process that runs none of them).
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.paths import PROJECT_DIR

ENV_DATA = "VALIDATION_DATA"
#: The hand labels of AllSides lines and speakers that validate_all reads beside the public data.
HAND_LABELS = PROJECT_DIR / "tests" / "data"
#: The public data sets validate_all reads, each a folder of the data folder, with the measure it checks.
DATA_SETS = (
    ("vader_groundtruth", "sentence sentiment (VADER)"),
    ("sbd_golden_rules", "sentence splitting"),
    ("narrative_frames", "generic frames (article_frames)"),
    ("newsmtsc", "target sentiment"),
    ("allsides_soleimani", "cleaning (load_articles)"),
)


def validation_data(path: str | Path | None = None) -> Path:
    """The folder of the public data sets: `path`, else $VALIDATION_DATA, else the project's ../shared/data."""
    return Path(path or os.environ.get(ENV_DATA) or PROJECT_DIR.parent / "shared" / "data")


def read_by_validate_all(data: str | Path | None = None) -> list:
    """What validate_all reads besides the package, for its cache key and the run's up-to-date check: the data
    folder, every file of the data sets it uses and of the hand labels (Paths: the key follows their content).

    Parameters
    ----------
    data : the folder of the public data sets (default: validation_data()).
    """
    folder = validation_data(data)
    return [str(folder), *[sorted(path for path in place.rglob("*") if path.is_file())
                           for place in [*(folder / name for name, _ in DATA_SETS), HAND_LABELS]]]
