"""Benchmark: every stage on one pathological one-line article, doubled from 125k to 1M characters.

    .venv/bin/python benchmarks/long_text.py [--repeats 3]

Two texts without sentence punctuation, so that each article is one huge
"sentence" (a scraped table or list looks like this): `news`, the seed
articles' words with their full stops, question and exclamation marks cut and
their lines joined, repeated; and `kills`, "US Iran kills" repeated (a verb of
the killing every third word). Each is written as a one-article corpus into a
temporary folder (never into the project) and run through the stages as the
notebooks call them (`an.load_articles`, `an.split_sentences`, ...), with the
cache off.

Reports each stage's seconds per size (the fastest of --repeats runs) and the
ratio to the size before. It
checks that no stage more than doubles, within noise, when the text doubles
(ratio at most MAX_RATIO; stages under MIN_SECONDS at the larger size are too
quick to time and pass), and that the whole pipeline on 1M characters takes
under MAX_TOTAL seconds. Then it times the patterns that were once quadratic
in one long sentence (moved here from tests/test_long_text.py, where a timing
failed on a busy machine): each on a text and on twice that text, the ratio
at most MAX_RATIO. Exits 1 if a check fails. Needs only the seeds.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path

os.environ["ANALYSIS_CACHE"] = "off"  # every stage computed, none read back
os.environ["ANALYSIS_PROGRESS"] = "off"

import pandas as pd  # noqa: E402

import analysis as an  # noqa: E402
import analysis.measures.attribution as attribution  # noqa: E402
from analysis.language.quotes import quote_spans  # noqa: E402
from common import best_of  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = (125_000, 250_000, 500_000, 1_000_000)
#: Time may grow by at most this factor when the text doubles (2 for linear, plus room for noise on shared cores).
MAX_RATIO = 2.6
#: Below this many seconds (at the larger size) a ratio is noise, not growth.
MIN_SECONDS = 0.1
#: The whole pipeline on the 1M-character texts, in seconds.
MAX_TOTAL = 10.0
STAGES = [
    ("split_sentences", "articles", lambda t: an.split_sentences(t)),
    ("score_sentences", "sentences", lambda t: an.score_sentences(t)),
    ("find_terms", "sentences", lambda t: an.find_terms(t)),
    ("code_frames", "sentences", lambda t: an.code_frames(t)),
    ("article_frames", "sentences", lambda t: an.article_frames(t)),
    ("classify_agency", "sentences", lambda t: an.classify_agency(t)),
    ("find_attributions", "sentences", lambda t: an.find_attributions(t)),
]


NEWS = ("Iran vowed harsh revenge after the United States killed its top general in a drone strike near Baghdad "
        "airport and officials said the attack was not a good idea but a terrible crime ")
#: A sentence of quotations, definite speakers, surnames and runs of capitalised words, for find_attributions.
SPEAKERS = "“No” the spokesman said and Secretary Mike Pompeo told Iran Iraq Syria Lebanon Qatar Pompeo said "
#: (name, job of a size n, n): patterns each once quadratic in one long sentence, timed at n and 2n.
PATTERNS = [
    ("score_sentences", lambda n: an.score_sentences(pd.DataFrame({"text": [news_words(n)]})), 40_000),
    ("classify_agency", lambda n: an.classify_agency(
        pd.DataFrame({"doc_id": ["a"], "text": [("US Iran kills " * n).strip()]})), 6_000),
    ("find_attributions", lambda n: an.find_attributions(
        pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "text": [(SPEAKERS * n).strip()]})), 3_000),
    ("apposition pattern", lambda n: list(attribution._APPOSITION.finditer("Iran Baghdad " * n)), 20_000),
    ("quote_spans", lambda n: quote_spans("“a” 'b' said x " * n), 20_000),
]


def news_words(n: int) -> str:
    """The words of NEWS repeated to `n` words: one sentence without sentence punctuation."""
    words = NEWS.split()
    return " ".join(words[i % len(words)] for i in range(n))


def pattern_growth(repeats: int) -> list[str]:
    """Time each of PATTERNS at its size and twice it (the fastest of `repeats` interleaved runs); the failures."""
    failures = []
    print(f"\npatterns once quadratic in one long sentence\n{'seconds':<20}{'n':>9}{'2n':>9}{'2n/n':>9}")
    for name, job, size in PATTERNS:
        times = {size: [], 2 * size: []}
        for _ in range(repeats):
            for n in times:
                times[n].append(best_of(1, lambda: job(n))[0])
        small, large = min(times[size]), min(times[2 * size])
        ratio = large / small
        bad = ratio > MAX_RATIO and large >= MIN_SECONDS
        print(f"{name:<20}{small:>9.2f}{large:>9.2f}{ratio:>9.2f}" + ("  <- grows faster than linear" if bad else ""))
        if bad:
            failures.append(f"{name} grows {ratio:.1f}x when the text doubles")
    return failures


def base_texts() -> dict[str, str]:
    """The repeated unit of each pathological text: seed words without sentence punctuation, and "US Iran kills"."""
    words = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    return {"news": re.sub(r"\s+", " ", re.sub(r"[.!?…]", " ", words)).strip() + " ", "kills": "US Iran kills "}


def one_line(unit: str, size: int) -> str:
    """`unit` repeated to `size` characters, cut back to the last whole word."""
    return (unit * (size // len(unit) + 1))[:size].rsplit(" ", 1)[0]


def time_stages(folder: Path, text: str, repeats: int) -> dict[str, float]:
    """Seconds of each stage on a one-article corpus holding `text`, written into `folder`."""
    folder.mkdir()
    (folder / "long.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,outlet\nlong.txt,Long Outlet\n", encoding="utf-8")
    times = {}
    times["load_articles"], articles = best_of(repeats, lambda: an.load_articles(folder))
    tables = {"articles": articles}
    for name, source, call in STAGES:
        times[name], result = best_of(repeats, lambda: call(tables[source]))
        if name == "split_sentences":
            tables["sentences"] = result
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage; the fastest counts")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="long-text-") as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # score_sentences warns about each long sentence, as it should
        an.split_sentences(an.load_articles(SEEDS))  # load NLTK and the lexicons before anything is timed
        for kind, unit in base_texts().items():
            times = {size: time_stages(Path(work) / f"{kind}-{size}", one_line(unit, size), args.repeats)
                     for size in SIZES}
            print(f"\n{kind}: one line, no sentence punctuation ({unit[:40].strip()!r} ...)")
            print(f"{'seconds':<20}" + "".join(f"{size // 1000:>8}k" for size in SIZES)
                  + "".join(f"{f'{b // 1000}/{a // 1000}':>9}" for a, b in zip(SIZES, SIZES[1:])))
            for stage in times[SIZES[0]]:
                seconds = [times[size][stage] for size in SIZES]
                ratios = [later / earlier for earlier, later in zip(seconds, seconds[1:])]
                bad = [r for r, later in zip(ratios, seconds[1:]) if r > MAX_RATIO and later >= MIN_SECONDS]
                print(f"{stage:<20}" + "".join(f"{s:>9.2f}" for s in seconds)
                      + "".join(f"{r:>9.2f}" for r in ratios) + ("  <- grows faster than linear" if bad else ""))
                if bad:
                    failures.append(f"{kind}: {stage} grows {max(bad):.1f}x when the text doubles")
            totals = [sum(times[size].values()) for size in SIZES]
            print(f"{'whole pipeline':<20}" + "".join(f"{s:>9.2f}" for s in totals)
                  + "".join(f"{b / a:>9.2f}" for a, b in zip(totals, totals[1:])))
            if totals[-1] > MAX_TOTAL:
                failures.append(f"{kind}: the whole pipeline takes {totals[-1]:.1f} s on {SIZES[-1]:,} characters")
        failures += pattern_growth(args.repeats)
    print(f"\nchecks: each stage at most x{MAX_RATIO} per doubling (from {MIN_SECONDS} s), "
          f"whole pipeline on {SIZES[-1]:,} characters under {MAX_TOTAL:.0f} s")
    for failure in failures:
        print("FAILED:", failure)
    print("all passed" if not failures else f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
