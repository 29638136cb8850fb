"""Benchmark: every public function that reads text, on one pathological one-line article doubled from 125k to 1M characters.

    .venv/bin/python benchmarks/long_text.py [--repeats 3] [--sizes 125000 250000 500000 1000000]

Three one-line texts (no newline anywhere), each written as a one-article
corpus into a temporary folder (never into the project) and read with
`an.load_articles`, then run through every public function that takes text
or a table of text, as the notebooks call them, with the cache off:

- `news`: the seed articles' words with their full stops, question and
  exclamation marks cut, repeated: one huge "sentence" (a scraped table or
  list looks like this);
- `kills`: "US Iran kills" repeated, a verb of the killing every third word
  and a target every word or two: one huge sentence dense in matches;
- `sentences`: the seed articles' sentences as written, joined into one line
  and repeated: ordinary sentences, one paragraph.

Each function's seconds per size (the fastest of --repeats runs) and the
largest ratio of one size to the size before. A baseline measured in the same
run (a regular expression that reads every word, linear by construction) shows
what noise a ratio of 2 has on this machine. A function may grow at most
MAX_RATIO per doubling (2 is linear; the rest is noise on shared cores);
below MIN_SECONDS a ratio is noise, not growth. A function over BUDGET seconds
at one size is not run at the larger ones (it is reported as failing); one over 5 s is run once. A repeated
text is an odd input for `shared_passages`: each repeat of the seeds shares its passages with every other (k
repeats, k squared pairs: 252, 990 and 3,816 passages at 125k to 500k characters of `sentences`, none at 1M),
so its time follows its output, not the length. Then
the patterns once quadratic in one long sentence, each timed on a text and on
twice that text. Exits 1 if a check fails. Needs only the seeds.
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
import analysis.measures.sentiment as sentiment  # noqa: E402
from analysis.language.quotes import quote_spans  # noqa: E402
from common import best_of  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = (125_000, 250_000, 500_000, 1_000_000)
#: Time may grow by at most this factor when the text doubles (2 for linear, plus room for noise on shared cores).
MAX_RATIO = 2.2
#: Below this many seconds (at the larger size) a ratio is noise, not growth.
MIN_SECONDS = 0.2
#: A function slower than this at one size is not run at the larger sizes.
BUDGET = 60.0
_BASELINE_WORDS = re.compile(r"\w+")


def _mentions(t: dict) -> pd.DataFrame:
    """The target model's input as target_mentions gives it: each alias match, in its sentence or, in a sentence of
    more than LONG_SENTENCE_TOKENS tokens, in the window the model reads (a table repeating a sentence of a million
    characters for each of its mentions would itself grow with the square of the text)."""
    entities = list(dict.fromkeys(an.load_lexicon(None, default="aliases.csv").table["concept"]))
    found = sentiment._find_mentions(t["scored"], entities, None)
    return pd.DataFrame({"text": found["text"], "start": found["mention_start"], "end": found["mention_end"]})


#: (name, call on the tables): every public function that reads text. The tables are made once per size, untimed
#: beyond their own rows: articles, sentences, scored (score_sentences), hits (find_terms), mentions.
FUNCTIONS = [
    ("baseline: regex over every word", lambda t: len(_BASELINE_WORDS.findall(t["line"]))),
    ("load_articles", lambda t: an.load_articles(t["folder"])),
    ("split_sentences", lambda t: an.split_sentences(t["articles"])),
    ("split_paragraphs", lambda t: an.split_paragraphs(t["articles"])),
    ("split_text", lambda t: an.split_text(t["line"])),
    ("sentence_spans", lambda t: an.sentence_spans(t["line"])),
    ("count_words", lambda t: an.count_words(t["line"])),
    ("content_words", lambda t: an.content_words(t["line"])),
    ("describe_articles", lambda t: an.describe_articles(t["articles"], t["sentences"])),
    ("score_sentences", lambda t: an.score_sentences(t["sentences"])),
    ("score_sentences(ignore_names)", lambda t: an.score_sentences(t["sentences"], ignore_names=True)),
    ("token_valences", lambda t: an.token_valences(t["line"])),
    ("sentiment_drivers", lambda t: an.sentiment_drivers(t["scored"])),
    ("summarize_sentiment", lambda t: an.summarize_sentiment(t["scored"], replicates=100)),
    ("mask_terms", lambda t: an.mask_terms(t["sentences"])),
    ("find_terms", lambda t: an.find_terms(t["sentences"])),
    ("voice_words", lambda t: an.voice_words(t["sentences"])),
    ("voice_shares", lambda t: an.voice_shares(t["sentences"])),
    ("term_rates", lambda t: an.term_rates(t["hits"], t["sentences"], replicates=100)),
    ("first_mention", lambda t: an.first_mention(t["hits"], t["sentences"])),
    ("kwic kill*", lambda t: an.kwic(t["sentences"], "kill*")),
    ("name_variants", lambda t: an.name_variants(t["sentences"])),
    ("keyness", lambda t: an.keyness(t["sentences"])),
    ("code_frames", lambda t: an.code_frames(t["sentences"])),
    ("frame_features", lambda t: an.frame_features(t["sentences"])),
    ("article_frames", lambda t: an.article_frames(t["sentences"])),
    ("classify_agency", lambda t: an.classify_agency(t["sentences"])),
    ("find_attributions", lambda t: an.find_attributions(t["sentences"])),
    ("quoted_words_by_speaker", lambda t: an.quoted_words_by_speaker(an.find_attributions(t["sentences"]),
                                                                     t["sentences"])),
    ("classify_target_sentiment", lambda t: an.classify_target_sentiment(t["mentions"])),
    ("target_mentions", lambda t: an.target_mentions(t["scored"])),
    ("target_sentiment", lambda t: an.target_sentiment(t["scored"], replicates=100)),
    ("target_sentiment(model)", lambda t: an.target_sentiment(t["scored"], method="model", replicates=100)),
    ("similarity", lambda t: an.similarity(t["articles"])),
    ("shared_passages", lambda t: an.shared_passages(t["articles"], by=None)),
    ("article_measures", lambda t: an.article_measures(t["articles"], t["sentences"], scored=t["scored"],
                                                       hits=t["hits"])),
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
    """The repeated unit of each text: seed words without sentence punctuation, "US Iran kills", seed sentences."""
    seeds = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    words = re.sub(r"\s+", " ", re.sub(r"[.!?…]", " ", seeds)).strip() + " "
    return {"news": words, "kills": "US Iran kills ", "sentences": re.sub(r"\s+", " ", seeds).strip() + " "}


def one_line(unit: str, size: int) -> str:
    """`unit` repeated to `size` characters, cut back to the last whole word."""
    return (unit * (size // len(unit) + 1))[:size].rsplit(" ", 1)[0]


def tables(folder: Path, text: str) -> dict:
    """The inputs of FUNCTIONS for a one-article corpus holding `text`, written into `folder`."""
    folder.mkdir()
    (folder / "long.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,outlet\nlong.txt,Long Outlet\n", encoding="utf-8")
    made = {"folder": folder, "line": text, "articles": an.load_articles(folder)}
    made["sentences"] = an.split_sentences(made["articles"])
    made["scored"] = an.score_sentences(made["sentences"])
    made["hits"] = an.find_terms(made["sentences"])
    made["mentions"] = _mentions(made)
    return made


def time_functions(work: Path, kind: str, unit: str, sizes: list[int], repeats: int) -> dict[str, list[float]]:
    """Seconds of each of FUNCTIONS at each size (NaN where it was not run: over BUDGET at a smaller size)."""
    times: dict[str, list[float]] = {name: [] for name, _ in FUNCTIONS}
    for size in sizes:
        made = tables(work / f"{kind}-{size}", one_line(unit, size))
        for name, call in FUNCTIONS:
            if times[name] and not times[name][-1] <= BUDGET:
                times[name].append(float("nan"))
                continue
            times[name].append(best_of(1 if times[name] and times[name][-1] > 5 else repeats,
                                       lambda: call(made))[0])
            print(f"  {kind} {size:>9,} {name:<32}{times[name][-1]:>9.2f}", file=sys.stderr, flush=True)
    return times


def report(kind: str, unit: str, sizes: list[int], times: dict[str, list[float]]) -> list[str]:
    """Print one text's table (function, seconds per size, largest ratio per doubling); the failures."""
    failures = []
    print(f"\n{kind}: one line ({unit[:40].strip()!r} ...)")
    print(f"| {'function':<32}|" + "".join(f"{f'{size // 1000}k':>8} |" for size in sizes) + " max ratio |")
    print(f"|{'-' * 33}|" + "".join(f"{'-' * 9}:|" for _ in sizes) + "----------:|")
    for name, seconds in times.items():
        ratios = [later / earlier for earlier, later in zip(seconds, seconds[1:]) if later >= MIN_SECONDS]
        over = [s for s in seconds if s > BUDGET]
        worst = max(ratios, default=float("nan"))
        shown = "n/a" if worst != worst else f"{worst:.2f}"
        bad = worst > MAX_RATIO or over or any(s != s for s in seconds)
        print(f"| {name:<32}|" + "".join(f"{s:>8.2f} |" if s == s else f"{'-':>8} |" for s in seconds)
              + f"{shown:>10} |" + ("  <- grows faster than linear" if bad else ""))
        if bad and not name.startswith("baseline"):
            failures.append(f"{kind}: {name} grows {shown}x when the text doubles"
                            + (f" (over {BUDGET:.0f} s)" if over else ""))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per function; the fastest counts")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="characters of each text")
    parser.add_argument("--only", nargs="*", default=None, help="only the functions whose names start with these")
    parser.add_argument("--texts", nargs="*", default=None, help="only these texts (news, kills, sentences)")
    args = parser.parse_args()
    if args.only:
        FUNCTIONS[:] = [f for f in FUNCTIONS if f[0].startswith(("baseline", *args.only))]
    failures = []
    with tempfile.TemporaryDirectory(prefix="long-text-") as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # score_sentences warns about each long sentence, as it should
        an.split_sentences(an.load_articles(SEEDS))  # load NLTK and the lexicons before anything is timed
        for kind, unit in base_texts().items():
            if args.texts and kind not in args.texts:
                continue
            times = time_functions(Path(work), kind, unit, args.sizes, args.repeats)
            failures += report(kind, unit, args.sizes, times)
        if not args.only:
            failures += pattern_growth(args.repeats)
    print(f"\nchecks: each function at most x{MAX_RATIO} per doubling (from {MIN_SECONDS} s), none over {BUDGET:.0f} s")
    for failure in failures:
        print("FAILED:", failure)
    print("all passed" if not failures else f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
