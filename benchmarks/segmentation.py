"""Benchmark: sentence splitting and cleaning speed on the 2,225 BBC articles, one core.

    .venv/bin/python benchmarks/segmentation.py [--repeats 3]

Reports MB of text per second for (a) NLTK's plain Punkt with the shipped
parameters, the baseline measured in the same run, (b) our `split_text`
(Punkt plus repairs), (c) the whole `split_sentences` table (offsets, quote
shares, group columns) and (d) boilerplate cleaning. Target: (c) at least
1 MB/s. Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

import analysis as an
from analysis.clean import clean_article
from analysis.decode import decode_bytes
from analysis.segment import sentence_tokenizer

BBC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc_news" / "bbc"


def best_of(repeats: int, job) -> tuple[float, object]:
    """Fastest wall time of `repeats` runs (the least disturbed by other load), and the result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not BBC.is_dir():
        print(f"needs {BBC}", file=sys.stderr)
        return 2
    import warnings

    files = sorted(BBC.glob("*/*.txt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one file is Latin-1; decode_bytes warns about it
        texts = [decode_bytes(path.read_bytes(), path.name) for path in files]
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    articles = pd.DataFrame({"doc_id": [f"{p.parent.name}/{p.stem}" for p in files], "outlet": [p.parent.name for p in files], "text": texts})
    tokenizer = sentence_tokenizer()

    rows = []
    for label, job in [
        ("punkt alone (baseline)", lambda: sum(len(tokenizer.tokenize(t)) for t in texts)),
        ("split_text", lambda: sum(len(an.split_text(t)) for t in texts)),
        ("split_sentences (table)", lambda: len(an.split_sentences(articles))),
        ("clean_article", lambda: sum(len(clean_article(t).removed) for t in texts)),
    ]:
        seconds, count = best_of(args.repeats, job)
        rows.append((label, seconds, megabytes / seconds, count))

    print(f"{len(texts)} BBC articles, {megabytes:.2f} MB, best of {args.repeats} runs, one process")
    print(f"{'step':<26}{'seconds':>9}{'MB/s':>8}{'count':>9}")
    for label, seconds, rate, count in rows:
        print(f"{label:<26}{seconds:>9.2f}{rate:>8.2f}{count:>9}")
    ratio = rows[2][2] / rows[0][2]
    print(f"split_sentences runs at {ratio:.0%} of plain Punkt's speed; target >= 1 MB/s: {'met' if rows[2][2] >= 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
