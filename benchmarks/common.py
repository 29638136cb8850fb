"""What the benchmarks share: timing and the BBC test corpus from ../shared."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.corpus.decode import decode_bytes

BBC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc_news" / "bbc"


def best_of(repeats: int, job) -> tuple[float, object]:
    """Fastest wall time of `repeats` runs (the least disturbed by other load), and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def bbc_articles() -> pd.DataFrame:
    """The 2,225 BBC articles as `doc_id` (category/number), `outlet` (the category) and `text`."""
    files = sorted(BBC.glob("*/*.txt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one file is Latin-1; decode_bytes warns about it
        texts = [decode_bytes(path.read_bytes(), path.name) for path in files]
    return pd.DataFrame({
        "doc_id": [f"{p.parent.name}/{p.stem}" for p in files],
        "outlet": [p.parent.name for p in files],
        "text": texts,
    })


def parse_arguments(description: str):
    """The benchmarks' command line (--repeats); exits with a message if the BBC corpus is missing."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per step; the fastest counts")
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs {BBC} (the ../shared folder)")
    return args
