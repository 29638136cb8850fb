"""Benchmark: lexicon matching speed (find_terms with the shipped terms.csv) on the BBC articles, one core.

    .venv/bin/python benchmarks/matching.py [--repeats 3]

Reports MB of sentence text per second for find_terms, against a baseline
measured in the same run: one plain `re.finditer` pass per pattern over the
same joined text (the least any pattern matcher must do). Target: at least
1 MB/s. Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import sys

import analysis as an
from analysis.language.lexicon import join_texts, load_lexicon
from common import bbc_articles, best_of, parse_arguments


def main() -> int:
    args = parse_arguments(__doc__)
    sentences = an.split_sentences(bbc_articles())
    megabytes = sentences["text"].str.len().sum() / 1e6
    lexicon = load_lexicon()
    joined, _ = join_texts(sentences["text"])

    baseline, raw = best_of(args.repeats, lambda: sum(1 for p in lexicon.patterns for _ in p.finditer(joined)))
    ours, hits = best_of(args.repeats, lambda: an.find_terms(sentences))
    print(f"{len(sentences)} sentences, {megabytes:.2f} MB of text, {len(lexicon.patterns)} patterns, best of {args.repeats}")
    print(f"{'step':<34}{'seconds':>9}{'MB/s':>8}{'matches':>9}")
    print(f"{'re.finditer per pattern (baseline)':<34}{baseline:>9.2f}{megabytes / baseline:>8.2f}{raw:>9}")
    print(f"{'find_terms (overlaps, quotes, table)':<34}{ours:>9.2f}{megabytes / ours:>8.2f}{len(hits):>9}")
    print(f"find_terms at {megabytes / ours:.2f} MB/s; target >= 1 MB/s: {'met' if megabytes / ours >= 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
