"""Benchmark: sentence splitting and cleaning speed on the 2,225 BBC articles, one core.

    .venv/bin/python benchmarks/segmentation.py [--repeats 3]

Reports MB of text per second for (a) NLTK's plain Punkt with the shipped
parameters, the baseline measured in the same run, (b) our `split_text`
(Punkt plus repairs), (c) the whole `split_sentences` table (offsets, quote
shares, group columns) and (d) boilerplate cleaning. Target: (c) at least
1 MB/s. Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import sys

import analysis as an
from analysis.corpus.clean import clean_article
from analysis.language.segment import sentence_tokenizer
from common import bbc_articles, best_of, parse_arguments


def main() -> int:
    args = parse_arguments(__doc__)
    articles = bbc_articles()
    texts = list(articles["text"])
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
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
