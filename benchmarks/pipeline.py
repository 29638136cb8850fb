"""Benchmark: every per-article stage on the BBC corpus, against a plain vaderSentiment loop in the same run.

    .venv/bin/python benchmarks/pipeline.py [--repeats 1] [--times 10] [--dask]

Writes the 2,225 BBC texts and a metadata.csv into a temporary folder (never
into the project), then reports for each stage: seconds, MB of article text
per second (per core: divided by the cores the stage used), and the peak
resident memory of this process and its workers so far. The stages run as the
notebooks call them (`an.split_sentences`, ...: chunks of articles on both
cores), with the cache off, and their tables are checked to be identical to
one single-process call each. The package's imports and models are loaded
first, on one short article, and that warm-up is reported apart, as the plain
loop's import and SentimentIntensityAnalyzer() are not timed either. The whole pipeline's time is divided by the
plain loop's (target at most 2.5).

`--times N` runs the corpus repeated N times (N x 2,225 articles, new ids) and
reports seconds per 1,000 articles against the single corpus: time per article
should stay flat, and peak memory under 2 GB.

`--dask` also runs `process_corpus` in this process and on a
`LocalCluster(n_workers=2)`, on 1 and N copies, and reports the speed-up, the
peak resident memory of each worker and whether both runs wrote the same
parts with the same corpus fingerprint. The workers are started and their
models loaded before the clock starts (as this process's are, by the stages
run before), and that warm-up is reported apart. On Linux it also reports the
CPU seconds other processes used during each of the two runs: near 0, the
speed-up was measured undisturbed.
Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ["ANALYSIS_CACHE"] = "off"  # every stage computed, none read back
os.environ["ANALYSIS_PROGRESS"] = "off"

import pandas as pd  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

import analysis as an  # noqa: E402
import analysis.pipeline as pipeline  # noqa: E402
from common import BBC  # noqa: E402

# One BBC file (sport/199.txt) is Windows-1252, said for each copy of the corpus: known, and not what is measured.
warnings.filterwarnings("ignore", message=r".*not valid UTF-8 .*read as Windows-1252", category=an.CorpusWarning)

STAGES = [
    ("split_sentences", "articles", lambda t: an.split_sentences(t), "sentences"),
    ("score_sentences", "sentences", lambda t: an.score_sentences(t), "scores"),
    ("find_terms", "sentences", lambda t: an.find_terms(t), "terms"),
    ("code_frames", "sentences", lambda t: an.code_frames(t), "frames"),
    ("article_frames", "sentences", lambda t: an.article_frames(t), "article_frames"),
    ("classify_agency", "sentences", lambda t: an.classify_agency(t), "agency"),
    ("find_attributions", "sentences", lambda t: an.find_attributions(t), "attributions"),
]


def peak_mb() -> float:
    """Peak resident memory of this process and (separately, the largest) its finished workers, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def write_corpus(folder: Path, times: int) -> None:
    """The BBC texts `times` over, as <copy>-<category>-<number>.txt with a metadata.csv (outlet = category)."""
    folder.mkdir(parents=True)
    files = sorted(BBC.glob("*/*.txt"))
    rows = ["file,outlet"]
    for copy in range(times):
        for path in files:
            name = f"{copy}-{path.parent.name}-{path.name}"
            shutil.copyfile(path, folder / name)
            rows.append(f"{name},{path.parent.name}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def run_stages(folder: Path, check: bool) -> tuple[list[tuple[str, float, float, int]], float, int, float]:
    """(stage, seconds, MB/s per core, cores) for load and each stage; the plain VADER loop's seconds; articles; MB."""
    warm = _warm_up()  # as the plain loop's import and SentimentIntensityAnalyzer() are not timed either
    print(f"warm-up, once per process (imports, Punkt, VADER and codebook models; not in the stage times): {warm:.2f} s")
    start = time.perf_counter()
    articles = an.load_articles(folder)
    rows = [("load_articles", time.perf_counter() - start, 2)]  # reading on one core, cleaning on both
    megabytes = articles["text"].str.len().sum() / 1e6
    tables = {"articles": articles}
    for name, source, call, stored in STAGES:
        start = time.perf_counter()
        result = call(tables[source])
        rows.append((name, time.perf_counter() - start, 2))
        if stored == "sentences":
            tables["sentences"] = result
        if check:
            expected = pipeline.STAGES[stored](tables[source])
            pd.testing.assert_frame_equal(result, expected)
    texts = list(tables["sentences"]["text"])
    vader = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    for text in texts:
        vader.polarity_scores(text)
    baseline = time.perf_counter() - start
    return [(n, s, megabytes / s / cores, cores) for n, s, cores in rows], baseline, len(articles), megabytes


def report(label: str, rows, baseline: float, articles: int, megabytes: float) -> float:
    total = sum(seconds for _, seconds, _, _ in rows)
    print(f"\n{label}: {articles} articles, {megabytes:.1f} MB of text; peak memory so far {peak_mb():.0f} MB")
    print(f"{'stage':<20}{'seconds':>9}{'MB/s/core':>11}{'cores':>7}")
    for name, seconds, rate, cores in rows:
        print(f"{name:<20}{seconds:>9.2f}{rate:>11.2f}{cores:>7}")
    print(f"{'whole pipeline':<20}{total:>9.2f}")
    print(f"{'plain VADER loop':<20}{baseline:>9.2f}   (one process, same sentences)")
    print(f"ratio, pipeline / plain loop: {total / baseline:.2f} (target at most 2.5)")
    print(f"seconds per 1,000 articles: {1000 * total / articles:.2f}")
    return total


def _warm_up() -> float:
    """Import the package, clean one short article and run every stage on it, so that the rules and models
    (boilerplate rules, Punkt, VADER, the codebook model) are loaded before the clock starts; seconds taken."""
    start = time.perf_counter()
    import pandas as pd

    import analysis.pipeline as pipeline

    from analysis.corpus.clean import clean_article

    text = "Iran vowed revenge. The US denied it, officials said."
    clean_article(text)  # compiles the boilerplate rules
    articles = pd.DataFrame({"doc_id": ["w"], "outlet": ["o"], "text": [text]}).astype("str")
    sentences = pipeline.stages()["sentences"](articles)
    for stage, source in pipeline.PROCESSED[1:]:
        pipeline.stages()[stage](sentences, **({"by": "outlet"} if stage == "article_frames" else {}))
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    """On a worker: its own peak resident memory so far, in MB. Linux's VmHWM: ru_maxrss would also count
    this process's peak before the worker was started from it."""
    from pathlib import Path

    try:
        status = Path("/proc/self/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU seconds this process (in a worker: that worker) has used."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float | None:
    """CPU seconds the whole machine has been busy (Linux's /proc/stat; None elsewhere)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and I/O wait


def _timed(job, workers_cpu=lambda: 0.0) -> tuple[object, float, float | None]:
    """job()'s result, its wall seconds, and the CPU seconds other processes used meanwhile (the machine's
    busy time less this process's and its workers'): on a shared machine, a run others slowed shows it."""
    busy, own = _machine_busy(), _cpu_seconds() + workers_cpu()
    start = time.perf_counter()
    result = job()
    seconds = time.perf_counter() - start
    after = _machine_busy()
    others = None if busy is None or after is None else (after - busy) - (_cpu_seconds() + workers_cpu() - own)
    return result, seconds, others


def dask_speedup(folder: Path, work: Path, label: str) -> None:
    from distributed import Client, LocalCluster

    local, local_seconds, local_others = _timed(lambda: pipeline.process_corpus(folder, work / f"{label}-local"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="4GB") as cluster, Client(cluster) as client:
        start = time.perf_counter()
        client.run(_warm_up)
        warm = time.perf_counter() - start
        distributed, distributed_seconds, cluster_others = _timed(
            lambda: pipeline.process_corpus(folder, work / f"{label}-cluster", client=client),
            lambda: sum(client.run(_cpu_seconds).values()))
        peaks = sorted(client.run(_peak_rss_mb).values())
    same = local["tables"] == distributed["tables"] and local["corpus_fingerprint"] == distributed["corpus_fingerprint"]
    print(f"process_corpus {label}: in-process {local_seconds:.1f} s, LocalCluster(n_workers=2) "
          f"{distributed_seconds:.1f} s (workers warmed up first: {warm:.1f} s), speed-up "
          f"{local_seconds / distributed_seconds:.2f} (goal 1.7); peak memory per worker "
          f"{', '.join(f'{peak:.0f}' for peak in peaks)} MB; same parts and fingerprint: {'yes' if same else 'NO'}")
    if local_others is not None:
        print(f"  other processes on this machine meanwhile: {local_others:.1f} CPU s in-process, "
              f"{cluster_others:.1f} CPU s on the cluster (near 0: an undisturbed measurement)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=10, help="copies of the corpus for the scaling run (0: skip)")
    parser.add_argument("--dask", action="store_true", help="also time process_corpus in-process and on a LocalCluster")
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs {BBC} (the ../shared folder)")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; pandas {pd.__version__}")
    with tempfile.TemporaryDirectory(prefix="bbc-benchmark-") as work:
        work = Path(work)
        write_corpus(work / "bbc", 1)
        rows, baseline, articles, megabytes = run_stages(work / "bbc", check=True)
        print("tables identical to one single-process call per stage: yes")
        single = report("BBC", rows, baseline, articles, megabytes) / articles
        if args.dask:
            dask_speedup(work / "bbc", work, "bbc")
        if args.times > 1:
            write_corpus(work / "bbc-many", args.times)
            rows, baseline, articles, megabytes = run_stages(work / "bbc-many", check=False)
            many = report(f"BBC x {args.times}", rows, baseline, articles, megabytes) / articles
            print(f"time per article, x{args.times} against x1: {many / single:.2f}")
            if args.dask:
                dask_speedup(work / "bbc-many", work, f"bbc-x{args.times}")
    print(f"peak memory: {peak_mb():.0f} MB (target under 2,000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
