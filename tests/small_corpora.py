"""Small corpora written at test time, each run once through the corpus notebooks for every test that reads the run.

- `garden`: two outlets of plain gardening prose. Cleaning removes nothing, no lexicon term, alias, frame cue,
  verb of the killing or quotation occurs, and no article is dated. It is both "cleaning removes nothing"
  and "nothing matches": neither needs the other absent, and together they cost one run, not two.
- `single`: one article (one group, no pair of articles, some KWIC patterns match and some never do).
- `one_outlet`: several articles of one outlet, with headlines and a quotation (one group, so nothing to compare).
- `desks`: four articles of two outlets with headlines, dates, quotations and a line that cleaning removes,
  grouped by `desk`, a metadata column no code names (world: two articles; business and politics: one each).
  It is run twice at once: by the runner in this process (warm kernels, analysis/kernels.py) and by
  `python -m analysis run` with a cache of its own and cold kernels, into another folder (`SmallRun.again`),
  for tests/test_reproducible.py.

A run costs a kernel per notebook (about 3 CPU-seconds each when warm, most of it drawing and saving), so the
tests share them: tests/test_any_corpus.py checks what every run saved and said, tests/test_reproducible.py
compares every byte of the two `desks` runs. conftest.py's session fixture `small_corpus_runs` makes them, and
its scheduler keeps both modules on one pytest-xdist worker, so they are made once.

Notebook 05 is left out: it reads the validation data, never the corpus, so it would run the same each time.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis.runner import RunSummary, notebooks, run_all
from conftest import PROJECT, write_corpus

CORPUS_NOTEBOOKS = [path.stem for path in notebooks() if not path.stem.startswith("05-")]

GARDEN = (
    "Tomatoes grow best in warm soil with plenty of sunlight. Water them deeply once a week rather than a little "
    "every day. A layer of straw around the stems keeps the ground moist and cool.\n\n"
    "Basil likes the same conditions and makes a good neighbour for tomatoes. Sow the seeds indoors in early spring "
    "and plant them out after the last frost.\n",
    "Roses need a sunny spot and rich, well drained soil. Prune them in late winter, just above an outward facing "
    "bud. Feed them with compost in spring and again after the first flowers fade.\n\n"
    "Aphids gather on the young shoots in early summer. A strong spray of water removes most of them, and ladybirds "
    "eat the rest.\n",
    "Carrots prefer light, sandy soil without stones. Sow them thinly in rows and cover the seeds with a fine layer "
    "of earth. Thin the seedlings when they are a few centimetres tall.\n\n"
    "Keep the bed free of weeds and water it during dry spells. The roots are ready to pull about ten weeks after "
    "sowing.\n",
)
STRIKE = (
    "The United States killed the Iranian general Qassem Soleimani in a drone strike near Baghdad airport on Friday. "
    "Iran called the killing an act of terrorism and promised revenge.\n\n"
    "Officials in Washington described the strike as an act of self-defence. "
    "Critics in Congress asked whether the operation was lawful under international law.\n"
)
REACTIONS = (
    "Russia condemned the assassination of the Iranian commander as a violation of Iraqi sovereignty. "
    "The Foreign Ministry in Moscow warned that the murder would raise tension across the region.\n\n"
    "\"This was an act of war against our nation,\" the Iranian foreign minister said on Saturday. "
    "China urged all sides to show restraint and to return to dialogue.\n"
)
MARKETS = (
    "Soleimani led the Quds Force for more than twenty years. "
    "His death raised fears of a wider war between Iran and the United States.\n\n"
    "Oil prices rose sharply after the news of the attack. Markets in Asia fell on the first day of trading.\n"
)

DESK_ARTICLES = {
    "alpha-1.txt": "US strike kills Soleimani\n\n"
                   "The United States killed the Iranian general Qassem Soleimani in a drone strike near Baghdad "
                   "airport on Friday. Iran called the killing an act of terrorism and promised revenge.\n\n"
                   "Advertisement\n\n"
                   "\"This was an act of war against our nation,\" the Iranian foreign minister said on Saturday. "
                   "Officials in Washington described the strike as an act of self-defence.\n",
    "alpha-2.txt": "Oil prices rose sharply after the news of the attack. Markets in Asia fell on the first day of "
                   "trading.\n\nCritics in Congress asked whether the operation was lawful under international law. "
                   "\u201cIt was murder,\u201d one senator said.\n",
    "beta-1.txt": "Russia condemned the assassination of the Iranian commander as a violation of Iraqi sovereignty. "
                  "The Foreign Ministry in Moscow warned that the murder would raise tension across the region.\n\n"
                  "China urged all sides to show restraint. Soleimani was killed by a US drone, officials said.\n",
    "beta-2.txt": "Soleimani led the Quds Force for more than twenty years. His death raised fears of a wider war "
                  "between Iran and the United States.\n\nAccording to analysts, the strike was a \u2018targeted "
                  "killing\u2019 that Washington had planned for months.\n",
}
DESK_METADATA = ("file,outlet,title,date,desk\n"
                 "alpha-1.txt,Alpha News,US strike kills Soleimani,2020-01-03,world\n"
                 "alpha-2.txt,Alpha News,Markets fall after the strike,2020-01-04,business\n"
                 "beta-1.txt,Beta Wire,Moscow condemns the killing,2020-01-04,world\n"
                 "beta-2.txt,Beta Wire,,2020-01-06,politics\n")

#: name -> (files, metadata.csv, the column the run groups by)
CORPORA = {
    "garden": ({"g0.txt": GARDEN[0], "g1.txt": GARDEN[1], "g2.txt": GARDEN[2]},
               "file,outlet\ng0.txt,Garden Weekly\ng1.txt,Garden Weekly\ng2.txt,Plot and Pot\n", "outlet"),
    "single": ({"only.txt": STRIKE}, "file,outlet,date\nonly.txt,Lone Outlet,2020-01-03\n", "outlet"),
    "one_outlet": ({"s.txt": "US strike kills Soleimani\n\n" + STRIKE,
                    "r.txt": "Moscow condemns the killing\n\n" + REACTIONS, "m.txt": MARKETS},
                   "file,outlet,title,date\ns.txt,Same Outlet,US strike kills Soleimani,2020-01-03\n"
                   "r.txt,Same Outlet,Moscow condemns the killing,2020-01-04\nm.txt,Same Outlet,,\n", "outlet"),
    "desks": (DESK_ARTICLES, DESK_METADATA, "desk"),
}


#: The saved tables that keep the group column, by notebook (and 04-framing-similarity, which keeps it twice).
GROUPED_TABLES = {"01": ["01-corpus-own-voice-vs-quoted"], "02": ["02-terminology-event", "02-terminology-keyness"],
                  "03": ["03-sentiment-sentences"], "04": ["04-framing-frames", "04-framing-speakers"]}


def grouped_tables(only) -> list[str]:
    """GROUPED_TABLES of the notebooks `only` (numbers), and 04-framing-similarity where 04 is one of them."""
    names = [name for notebook in only for name in GROUPED_TABLES.get(notebook, [])]
    return names + (["04-framing-similarity"] if "04" in only else [])


def grouped_tables_hold(out: Path, group: str, only) -> dict[str, set[str]]:
    """The values of the column `group` in each of grouped_tables(only) that a run saved in `out` (the similarity
    pairs' `<group>_a` and `<group>_b` together)."""
    import pandas as pd

    held = {}
    for name in grouped_tables(only):
        table = pd.read_csv(out / f"{name}.csv", dtype=str)
        held[name] = set(table[f"{group}_a"]) | set(table[f"{group}_b"]) if name == "04-framing-similarity" \
            else set(table[group])
    return held


#: The corpus run twice at once, for tests/test_reproducible.py.
TWICE = "desks"


@dataclass
class SmallRun:
    """One small corpus run through CORPUS_NOTEBOOKS: its folder, its grouping, the output folder and the summary;
    for TWICE, the command line's run beside it (its output folder, exit status and stderr)."""

    corpus: Path
    group: str
    out: Path
    summary: RunSummary
    again: Path | None = None
    again_status: int | None = None
    again_stderr: str = ""


def run_small_corpora(root: Path) -> dict[str, SmallRun]:
    """Write each of CORPORA under `root` and run it through the corpus notebooks (one runner call each); TWICE
    also by `python -m analysis run`, at the same time, with a cache of its own and cold kernels."""
    runs = {}
    for name, (files, metadata, group) in CORPORA.items():
        corpus = write_corpus(root / "corpora" / name, files, metadata)
        out = root / f"out-{name}"
        again = None
        if name == TWICE:
            # Its own empty cache: whatever the first run memoises, the second computes again. Cold kernels: the
            # first run's are warm (analysis/kernels.py), so the two must agree byte for byte across that too.
            (root / "cache-again").mkdir()
            again = subprocess.Popen(
                [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", group,
                 "--out", str(root / f"out-{name}-again"), "--only", *CORPUS_NOTEBOOKS],
                cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                env={**os.environ, "MPLBACKEND": "Agg", "ANALYSIS_CACHE": str(root / "cache-again"),
                     "ANALYSIS_WARM_KERNELS": "0"})
        try:
            summary = run_all(corpus=corpus, group=group, out=out, only=CORPUS_NOTEBOOKS, stream=io.StringIO())
        finally:
            stderr = again.communicate(timeout=900)[1] if again is not None else ""
        runs[name] = SmallRun(corpus=corpus, group=group, out=out, summary=summary)
        if again is not None:
            runs[name].again, runs[name].again_status = root / f"out-{name}-again", again.returncode
            runs[name].again_stderr = stderr
    return runs
