"""Mutation probe: change one comparison or constant in a measure, run the unit tests, revert.

A mutation the tests do not notice is logic no test pins down. Run from the
project folder (`.venv/bin/python tools/mutation_probe.py`); it prints one line
per mutation and a summary, and always restores every file it touched.

    .venv/bin/python tools/mutation_probe.py [--first 27] [--tests tests/test_compare.py ...]

`--first` starts at that mutation (27: those added for issue 24); `--tests`
runs only those test files (quicker; a mutation they catch the whole suite
catches too). The probe edits the files in place, so run it in a copy of the
project when others are testing the same folder (`cp -r`, with ../shared beside it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# The notebooks, the model retraining checks and the validation notebook are slow and mutate nothing probed here.
UNIT_TESTS = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
              "--ignore=tests/test_notebooks.py", "--ignore=tests/test_validation.py",
              "--ignore=tests/test_target_model.py", "--ignore=tests/test_article_frames.py", "tests"]

#: (file, text as it is, text as mutated): one change each, in the measures and the rules they use.
MUTATIONS = [
    ("analysis/measures/terms.py", "1000 * n / total_words if total_words", "100 * n / total_words if total_words"),
    ("analysis/measures/terms.py", "own.append(len(words) - inside_count)", "own.append(len(words))"),
    ("analysis/measures/terms.py", '"first paragraph" if para_id == 1', '"first paragraph" if para_id == 2'),
    ("analysis/measures/terms.py", 'n=table["n_own"] + table["n_quoted"]', 'n=table["n_own"]'),
    ("analysis/measures/terms.py", "split()[-window:]", "split()[-window + 1:]"),
    ("analysis/measures/keyness.py", "np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))", "np.sqrt(1 / (y_i + alpha))"),
    ("analysis/measures/sentiment.py", "(compound <= NEGATIVE).mean()", "(compound < NEGATIVE).mean()"),
    ("analysis/measures/sentiment.py", "POSITIVE, NEGATIVE = 0.05, -0.05", "POSITIVE, NEGATIVE = 0.1, -0.05"),
    ("analysis/measures/sentiment.py", 'position=(table["bin"] - 0.5) / bins', 'position=table["bin"] / bins'),
    ("analysis/measures/sentiment.py", 'change=table["mean_masked"] - table["mean_compound"]',
     'change=table["mean_compound"] - table["mean_masked"]'),
    ("analysis/measures/frames.py", "invokes = keyed[frames].to_numpy() >= min_cues", "invokes = keyed[frames].to_numpy() > min_cues"),
    ("analysis/measures/agency.py", "BY_WINDOW = 10", "BY_WINDOW = 2"),
    ("analysis/measures/agency.py", 'share=(long["n"] / long["mentions"])', 'share=(long["n"] / long["n"].sum())'),
    ("analysis/measures/agency.py", "if previous in BE:", "if previous in HAVE:"),
    ("analysis/measures/attribution.py", "QUOTE_REACH = 3", "QUOTE_REACH = 1"),
    ("analysis/measures/attribution.py", "if ahead >= len(ids) or not quoted[ahead]:", "if ahead >= len(ids):"),
    ("analysis/measures/attribution.py", "if before >= 0 and tokens[before].lower() in BE:", "if False:"),
    ("analysis/measures/describe.py", "own_share=(1 - quoted_share).round(4)", "own_share=quoted_share.round(4)"),
    ("analysis/measures/describe.py", 'ascending=[True] * len(groups) + [False, True]', 'ascending=[True] * len(groups) + [True, True]'),
    ("analysis/measures/reuse.py", "MAX_PLACES = 50", "MAX_PLACES = 1"),
    ("analysis/measures/reuse.py", "both[within].iloc[::2]", "both[within]"),
    ("analysis/measures/stats.py", "tail = (1 - level) / 2 * 100", "tail = (1 - level) * 100"),
    ("analysis/language/quotes.py", "QUOTED_SENTENCE_SHARE = 0.5", "QUOTED_SENTENCE_SHARE = 0.6"),
    ("analysis/language/grammar.py", "if collected and lower in RELATIVES:", "if False:"),
    ("analysis/measures/terms.py", 'counts.groupby([*groups, "entity"])["n"].transform("sum")', 'counts["n"].sum()'),
    ("analysis/measures/sentiment.py", 'rank=table["mean_compound"].rank(method="min")', 'rank=table["mean_compound"].rank(method="max")'),
    # Issue 24: the p-value and Hedges' g, interval and sign-test constants, shares within groups, passages
    # overlapping themselves, quotation and token boundaries (in files other than the sentiment and frame modules).
    ("analysis/measures/compare.py", "p=(1 + extreme) / (1 + permutations))", "p=extreme / permutations)"),
    ("analysis/measures/compare.py", "np.abs(null) >= abs(observed) - 1e-12", "np.abs(null) >= abs(observed) + 1e-12"),
    ("analysis/measures/compare.py", "correction = 1 - 3 / (4 * (len(a) + len(b)) - 9)", "correction = 1 - 3 / (4 * (len(a) + len(b)) - 1)"),
    ("analysis/measures/compare.py", "(len(a) - 1) * a.var(ddof=1)", "(len(a) - 1) * a.var(ddof=0)"),
    ("analysis/measures/compare.py", "by_articles = side_a[unit].nunique() >= 2", "by_articles = side_a[unit].nunique() >= 3"),
    ("analysis/measures/compare.py", "MANY_GROUPS = 6", "MANY_GROUPS = 5"),
    ("analysis/measures/compare.py", 'grouped = grouped[grouped["w"] > 0]', 'grouped = grouped[grouped["w"] >= 0]'),
    ("analysis/measures/compare.py", "present=(n > 0).astype(float)", "present=(n > 1).astype(float)"),
    ("analysis/measures/stats.py", "MIN_ARTICLES_FOR_INTERVAL = 5", "MIN_ARTICLES_FOR_INTERVAL = 4"),
    ("analysis/measures/stats.py", "np.where(bottoms > 0, scale * tops / bottoms, np.nan)", "np.where(bottoms > 0, tops / bottoms, np.nan)"),
    ("analysis/measures/stats.py", "        return 1.0\n    return float(binomtest", "        return 0.0\n    return float(binomtest"),
    ("analysis/measures/keyness.py", "alpha = float(prior) * totals / totals.sum()", "alpha = float(prior) * totals / len(totals)"),
    ("analysis/measures/keyness.py", "used = y_i > 0", "used = y_i >= 0"),
    ("analysis/measures/terms.py", '"body" if para_id > 1', '"body" if para_id > 2'),
    ("analysis/measures/terms.py", 'table["words"].where(table["words"] > 0)).round(3)', 'table["words"].where(table["words"] > 0)).round(2)'),
    ("analysis/measures/agency.py", 'share=(table["n"] / table.groupby(groups)["n"].transform("sum")).round(4)', 'share=(table["n"] / table["n"].sum()).round(4)'),
    ("analysis/measures/agency.py", 'previous = tokens[i - 1].lower() if i > 0 else ""', 'previous = tokens[i - 1].lower() if i > 1 else ""'),
    ("analysis/measures/attribution.py", "PRONOUN_REACH = 3", "PRONOUN_REACH = 1"),
    ("analysis/measures/attribution.py", 'table.groupby(groups)["attributions"].transform("sum")).round(4)', 'table.groupby(groups)["attributions"].transform("sum")).round(2)'),
    ("analysis/measures/describe.py", "AUTO_DAYS = 62", "AUTO_DAYS = 6"),
    ("analysis/measures/describe.py", '(table["quoted_sentences"] / table["sentences"]).round(4)', '(table["quoted_sentences"] / table["sentences"]).round(2)'),
    ("analysis/measures/reuse.py", "if doc_a == doc_b and abs(i - j) < min_words:", "if doc_a == doc_b and abs(i - j) < min_words - 1:"),
    ("analysis/measures/reuse.py", "end_b, last - first + 1,", "end_b, last - first,"),
    ("analysis/language/quotes.py", "return k >= 0 and position < spans[k][1]", "return k >= 0 and position <= spans[k][1]"),
    ("analysis/language/quotes.py", "if merged and start < merged[-1][1]:", "if merged and start <= merged[-1][1]:"),
    ("analysis/language/tokens.py", "if len(token) > 1 and not token.isdigit()", "if len(token) > 2 and not token.isdigit()"),
    ("analysis/language/tokens.py", "joint[1:-1] = word[:-2] & word[2:]", "joint[1:-1] = word[:-2] | word[2:]"),
    ("analysis/language/grammar.py", "RULE_WINDOW = 40", "RULE_WINDOW = 8"),
    ("analysis/corpus/clean.py", "MAX_HEADING_WORDS = 15", "MAX_HEADING_WORDS = 5"),
    ("analysis/corpus/clean.py", "SUMMARY_OVERLAP = 0.8", "SUMMARY_OVERLAP = 0.5"),
]


def probe(file: str, before: str, after: str, tests: list[str] = UNIT_TESTS) -> tuple[bool, float]:
    """Apply one mutation, run the unit tests, restore the file; (caught, seconds)."""
    path = PROJECT / file
    original = path.read_text(encoding="utf-8")
    if original.count(before) != 1:
        raise SystemExit(f"{file}: the text to mutate occurs {original.count(before)} times: {before!r}")
    path.write_text(original.replace(before, after), encoding="utf-8")
    started = time.perf_counter()
    try:
        result = subprocess.run(tests, cwd=PROJECT, capture_output=True, text=True, env={"MPLBACKEND": "Agg",
                                "PATH": "/usr/bin:/bin"})
    finally:
        path.write_text(original, encoding="utf-8")
    return result.returncode != 0, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=1, help="the number of the first mutation to try")
    parser.add_argument("--tests", nargs="+", help="test files to run instead of the unit tests")
    args = parser.parse_args()
    tests = UNIT_TESTS[:-1] + args.tests if args.tests else UNIT_TESTS
    mutations = list(enumerate(MUTATIONS, start=1))[args.first - 1:]
    baseline = subprocess.run(tests, cwd=PROJECT, capture_output=True, text=True,
                              env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    if baseline.returncode != 0:  # a failing suite would count every mutation as caught
        print(baseline.stdout[-2000:])
        raise SystemExit("the unit tests fail before any mutation: fix them first")
    caught = 0
    for number, (file, before, after) in mutations:
        noticed, seconds = probe(file, before, after, tests)
        caught += noticed
        print(f"{number:2d} {'caught ' if noticed else 'MISSED '} {seconds:5.1f} s  {file}: {before!r} -> {after!r}", flush=True)
    print(f"{caught} of {len(mutations)} mutations caught by the unit tests")
    return 0 if caught == len(mutations) else 1


if __name__ == "__main__":
    sys.exit(main())
