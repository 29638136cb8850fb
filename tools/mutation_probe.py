"""Mutation probe: change one comparison or constant in a measure, run the unit tests, revert.

A mutation the tests do not notice is logic no test pins down. Run from the
project folder (`.venv/bin/python tools/mutation_probe.py`); it prints one line
per mutation and a summary, and always restores every file it touched.
"""

from __future__ import annotations

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
]


def probe(file: str, before: str, after: str) -> tuple[bool, float]:
    """Apply one mutation, run the unit tests, restore the file; (caught, seconds)."""
    path = PROJECT / file
    original = path.read_text(encoding="utf-8")
    if original.count(before) != 1:
        raise SystemExit(f"{file}: the text to mutate occurs {original.count(before)} times: {before!r}")
    path.write_text(original.replace(before, after), encoding="utf-8")
    started = time.perf_counter()
    try:
        result = subprocess.run(UNIT_TESTS, cwd=PROJECT, capture_output=True, text=True, env={"MPLBACKEND": "Agg",
                                "PATH": "/usr/bin:/bin"})
    finally:
        path.write_text(original, encoding="utf-8")
    return result.returncode != 0, time.perf_counter() - started


def main() -> int:
    baseline = subprocess.run(UNIT_TESTS, cwd=PROJECT, capture_output=True, text=True,
                              env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    if baseline.returncode != 0:  # a failing suite would count every mutation as caught
        print(baseline.stdout[-2000:])
        raise SystemExit("the unit tests fail before any mutation: fix them first")
    caught = 0
    for number, (file, before, after) in enumerate(MUTATIONS, start=1):
        noticed, seconds = probe(file, before, after)
        caught += noticed
        print(f"{number:2d} {'caught ' if noticed else 'MISSED '} {seconds:5.1f} s  {file}: {before!r} -> {after!r}", flush=True)
    print(f"{caught} of {len(MUTATIONS)} mutations caught by the unit tests")
    return 0 if caught == len(MUTATIONS) else 1


if __name__ == "__main__":
    sys.exit(main())
