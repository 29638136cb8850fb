"""Benchmark: VADER sentence scoring on the BBC articles' sentences, one process and both cores.

    .venv/bin/python benchmarks/sentiment.py [--repeats 3]

Reports sentences per second for a plain vaderSentiment loop (the baseline,
measured in the same run), `score_sentences` in one process and
`score_sentences` on both cores, and checks that the numbers are identical.
Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import analysis as an
from common import bbc_articles, best_of, parse_arguments


def main() -> int:
    args = parse_arguments(__doc__)
    sentences = an.split_sentences(bbc_articles())[["doc_id", "text"]]
    texts = list(sentences["text"])
    vader = SentimentIntensityAnalyzer()

    rows = []
    for label, job in [
        ("plain vaderSentiment loop (baseline)", lambda: [vader.polarity_scores(t)["compound"] for t in texts]),
        ("score_sentences, one process", lambda: an.score_sentences(sentences, workers=1)["compound"].tolist()),
        ("score_sentences, two processes", lambda: an.score_sentences(sentences, workers=2)["compound"].tolist()),
    ]:
        seconds, result = best_of(args.repeats, job)
        rows.append((label, seconds, result))
    print(f"{len(texts)} sentences, best of {args.repeats} runs")
    print(f"{'step':<38}{'seconds':>9}{'sent/s':>10}{'speed-up':>10}")
    for label, seconds, _ in rows:
        print(f"{label:<38}{seconds:>9.2f}{len(texts) / seconds:>10.0f}{rows[0][1] / seconds:>9.2f}x")
    identical = rows[0][2] == rows[1][2] == rows[2][2]
    print(f"compound scores identical across the three: {identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
