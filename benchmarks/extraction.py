"""Benchmark: the article body from real web pages, against the body a person marked.

    .venv/bin/python benchmarks/extraction.py [--resamples 1000]

On ../shared/data/article_extraction (120 of the 181 pages of scrapinghub's article extraction benchmark), with
the benchmark's own metric (word 4-shingle precision, recall and F1 against `articleBody`, each page's counts
normalised so long pages do not weigh more, precision and recall averaged over pages, F1 of the two averages),
for (a) trafilatura alone, called as the benchmark calls it (`extract(html, include_comments=False)`), and (b)
the package's whole path: `load_articles` on a folder of the pages (trafilatura, then the line cleaning, the
title and the dateline split off; the `text` column). 95% intervals resample pages (seeded), and the paired
difference (b) - (a) is resampled the same way. Target: (b)'s F1 at least (a)'s and its precision higher.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article_extraction"
#: The benchmark README's results on all 181 pages: (F1, precision, recall); None where it gives only F1.
PUBLISHED = {
    "trafilatura 2.0.0": (0.958, 0.938, 0.978),
    "newspaper4k": (0.949, None, None),
    "news-please": (0.948, None, None),
    "readability-lxml": (0.922, None, None),
    "html-text (all the page's text)": (0.665, None, None),
}
_TOKEN = re.compile(r"\w+")


def shingle_counts(true: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """(tp, fp, fn) of word n-shingles, as shares of their sum (the benchmark's string_shingle_matching)."""
    expected, found = _shingles(true, n), _shingles(predicted, n)
    keys = expected.keys() | found.keys()
    tp = sum(min(expected[key], found[key]) for key in keys)
    fp = sum(max(0, found[key] - expected[key]) for key in keys)
    fn = sum(max(0, expected[key] - found[key]) for key in keys)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str, n: int) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def scores(counts: np.ndarray) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages from their (tp, fp, fn) rows, as the benchmark's evaluate.py: precision
    averages the pages that found something, recall those that expected something; a page with neither false
    positives nor false negatives scores 1."""
    tp, fp, fn = counts.T
    perfect = (fp == 0) & (fn == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(perfect, 1.0, tp / (tp + fp))[tp + fp > 0]
        recall = np.where(perfect, 1.0, tp / (tp + fn))[tp + fn > 0]
    p, r = precision.mean(), recall.mean()
    return 2 * p * r / (p + r), p, r


def package_texts(pages: dict[str, bytes], truth: dict) -> dict[str, str]:
    """The `text` column of load_articles on a temporary folder of the pages, each listed in a metadata.csv with
    its outlet (the host of its URL in the ground truth; the page's own title, date and author are used)."""
    import analysis as an

    with tempfile.TemporaryDirectory() as folder:
        for key, data in pages.items():
            (Path(folder) / f"{key}.html.gz").write_bytes(gzip.compress(data, mtime=0))
        pd.DataFrame({"file": [f"{key}.html.gz" for key in pages],
                      "outlet": [urlsplit(truth[key]["url"]).hostname for key in pages]}).to_csv(
            Path(folder) / "metadata.csv", index=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pages without an article body are counted below, as empty
            articles = an.load_articles(folder)
    texts = dict(zip(articles["doc_id"], articles["text"]))
    return {key: texts.get(key, "") for key in pages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples of the pages")
    args = parser.parse_args()
    if not PAGES.is_dir():
        sys.exit(f"needs {PAGES} (the ../shared folder)")
    import trafilatura

    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)
    pages = {key: gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes()) for key in keys}
    outputs = {
        f"trafilatura {trafilatura.__version__} alone": {
            key: trafilatura.extract(pages[key], include_comments=False) or "" for key in keys},
        "the package (load_articles)": package_texts(pages, truth),
    }
    counts = {name: np.array([shingle_counts(truth[key]["articleBody"], text[key]) for key in keys])
              for name, text in outputs.items()}
    rng = np.random.default_rng(20191118)
    resamples = [rng.integers(0, len(keys), len(keys)) for _ in range(args.resamples)]
    print(f"{len(keys)} pages of the article extraction benchmark; 95% intervals from {args.resamples} page "
          "resamples")
    print(f"{'':<34}{'F1':>27}{'precision':>27}{'recall':>27}")
    for name, rows in counts.items():
        cells = _with_interval(scores(rows), [scores(rows[rows_]) for rows_ in resamples])
        print(f"{name:<34}" + "".join(f"{cell:>27}" for cell in cells))
    (_, base), (_, ours) = counts.items()
    differences = [np.subtract(scores(ours[rows]), scores(base[rows])) for rows in resamples]
    cells = _with_interval(np.subtract(scores(ours), scores(base)), differences, signed=True)
    print(f"{'package - trafilatura (paired)':<34}" + "".join(f"{cell:>27}" for cell in cells))
    print("\npublished, all 181 pages (the benchmark's README):")
    for name, (f1, precision, recall) in PUBLISHED.items():
        extra = f"  precision {precision:.3f}  recall {recall:.3f}" if precision else ""
        print(f"  {name:<34} F1 {f1:.3f}{extra}")
    return 0


def _with_interval(point, resampled, signed: bool = False) -> list[str]:
    low, high = np.percentile(np.array(resampled), [2.5, 97.5], axis=0)
    form = "{:+.4f}" if signed else "{:.4f}"
    return [f"{form.format(p)} ({form.format(lo)}–{form.format(hi)})" for p, lo, hi in zip(point, low, high)]


if __name__ == "__main__":
    sys.exit(main())
