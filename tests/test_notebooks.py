"""The notebooks: committed clean, thin, runnable headless, and in step with the committed figures."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import nbformat
import pytest

from analysis.runner import NotebookFailed, notebooks, run_notebook
import pandas as pd

from conftest import PROJECT, SEEDS, one_cell_notebook
from small_corpora import grouped_tables, grouped_tables_hold

FIGURES = PROJECT / "figures"
NOTEBOOKS = notebooks()
SEED_OUTLETS = ("Republic World", "TASS", "Herald", "Epoch Times", "Fort Russ")


def test_the_notebooks_are_numbered_and_start_with_01():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "01-corpus.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_are_committed_without_outputs_and_stay_thin(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(line.split("=")[0].strip().isupper() for line in code[0].source.splitlines() if line.strip())
    for cell in code:
        # Notebooks call the package; NLTK's downloader ("nltk" + ".download") fails offline anyway.
        for forbidden in ("def ", "class ", "import re", "open(", "nltk" + ".download"):
            assert forbidden not in cell.source, f"{path.name}: {forbidden!r} belongs in the package"
    # Findings are computed from the tables by the package, never written by hand for one corpus.
    assert any(cell.cell_type == "code" and ("_findings(" in cell.source or "an.show_validation(" in cell.source)
               for cell in code)
    prose = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    named = [outlet for outlet in SEED_OUTLETS if outlet in prose]
    assert named == [], f"{path.name}: static text names seed outlets {named}; compute such findings from the tables"


def test_a_table_for_papers_is_saved_as_csv_markdown_and_latex(tmp_path):
    import analysis as an

    settings = an.configure(out=tmp_path)
    table = pd.DataFrame({"outlet": ["A|B", "C_D & E"], "rate": [1.23456789, 2.0]})
    csv = an.save_table(table, "rates", caption="Rates: 50% of {words}", settings=settings)
    assert csv == tmp_path / "rates.csv"
    markdown = (tmp_path / "rates.md").read_text(encoding="utf-8").splitlines()
    assert markdown[0].startswith("| outlet") and "A\\|B" in markdown[2] and "1.23457" in markdown[2]
    latex = (tmp_path / "rates.tex").read_text(encoding="utf-8")
    assert r"\caption{Rates: 50\% of \{words\}}" in latex and r"C\_D \& E" in latex and r"\label{tab:rates}" in latex
    entry = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["rates"]
    assert set(entry["files"]) == {"rates.csv", "rates.parquet", "rates.md", "rates.tex"}


@pytest.mark.parametrize("only, expected", [(["5"], ["05-validation"]), (["05"], ["05-validation"]),
                                            (["05-validation"], ["05-validation"]), (["02-terminology.ipynb", "1"],
                                                                                      ["01-corpus", "02-terminology"])])
def test_only_takes_a_number_or_a_name(only, expected):
    assert [p.stem for p in notebooks(only=only)] == expected


def test_only_naming_no_notebook_lists_the_notebooks_there_are():
    with pytest.raises(NotebookFailed, match=r"--only '9' names no notebook; there are 01-corpus, 02-terminology"):
        notebooks(only=["9"])


def _run_command(*arguments, timeout=600):
    return subprocess.run([sys.executable, "-m", "analysis", "run", *arguments],
                          cwd=PROJECT, capture_output=True, text=True, timeout=timeout)


def test_a_wrong_group_is_named_before_any_notebook_starts(tmp_path):
    result = _run_command("--group", "countri", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "--group 'countri' is not a column" in result.stderr and "did you mean 'country'?" in result.stderr
    assert "01-corpus" not in result.stderr and not (tmp_path / "reports").exists()


def test_another_corpus_is_never_written_into_the_projects_figures(desk_corpus):
    before = (FIGURES / "manifest.json").read_bytes()
    for arguments in (["--corpus", str(desk_corpus)], ["--group", "ownership"]):
        result = _run_command(*arguments, "--only", "01")
        assert result.returncode == 1 and "elsewhere with --out DIR" in result.stderr, arguments
    assert (FIGURES / "manifest.json").read_bytes() == before


def test_a_failing_cell_is_reported_with_its_notebook_and_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('broken corpus')"),
    ])
    path = tmp_path / "09-broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(NotebookFailed, match=r"09-broken\.ipynb, cell 2 of 2.*broken corpus"):
        run_notebook(path, {})


def test_the_command_exits_non_zero_naming_a_bad_corpus_before_any_notebook(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--only", "01", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1
    assert "error: corpus: corpus not found" in result.stderr and "01-corpus" not in result.stderr


@pytest.mark.slow
def test_the_notebooks_that_group_run_grouped_by_another_column_of_the_seeds(tmp_path):
    # ownership, a column of the seeds' own, in two notebooks (the seeds' outlet runs are the committed figures);
    # a column the user added, through every notebook, is tests/test_any_corpus.py's `desks` run.
    only = ("02", "04")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(SEEDS), "--group", "ownership", "--out", str(tmp_path),
         "--only", *only],
        cwd=PROJECT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = set(pd.read_csv(SEEDS / "metadata.csv")["ownership"].fillna("unknown"))
    assert grouped_tables_hold(tmp_path, "ownership", only) == {name: expected for name in grouped_tables(only)}


@pytest.mark.slow
@pytest.mark.needs_shared
def test_the_notebooks_run_on_47_us_outlets_grouped_by_source(tmp_path):
    corpus = PROJECT.parent / "shared" / "data" / "allsides_soleimani" / "jsons"
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", "source", "--out", str(tmp_path),
         "--columns", "text=content_original,outlet=source,title=title,date=date", "--only", "01", "02", "03", "04", "06", "07"],
        cwd=PROJECT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {"01-corpus-removed-lines", "02-terminology-event", "02-terminology-spelling"} <= set(manifest)
    assert all(entry["corpus"]["group"] == "source" for entry in manifest.values())
    rates = __import__("pandas").read_csv(tmp_path / "02-terminology-event.csv")
    assert rates["source"].nunique() == 47
    # Outlets with five articles or more, and with fewer (no interval).
    assert set(rates["resampled"]) == {"articles", "none: fewer than 5 articles"}
    # The Findings are this corpus' own: its outlets named, none of the seeds'.
    sources = set(rates["source"])
    for name in ("01-corpus", "02-terminology", "03-sentiment", "04-framing", "06-article-measures"):
        executed = nbformat.read(tmp_path / "reports" / f"{name}.ipynb", as_version=4)
        findings = " ".join(output["data"]["text/markdown"] for cell in executed.cells if cell.cell_type == "code"
                            for output in cell.outputs if "text/markdown" in output.get("data", {}))
        prose = " ".join(cell.source for cell in executed.cells if cell.cell_type == "markdown")
        assert findings, name
        assert [outlet for outlet in SEED_OUTLETS if outlet in findings + prose] == [], name
        assert name.startswith("06") or any(source in findings for source in sources), name


@pytest.mark.slow
def test_a_notebook_whose_outputs_are_up_to_date_is_kept_and_any_change_runs_it_again(tmp_path, monkeypatch):
    import json

    import analysis.runner as runner

    copy = one_cell_notebook(tmp_path / "notebooks", monkeypatch, "")  # the runner's rules, not a notebook's
    out = tmp_path / "out"

    def run(**options):
        return runner.run_all(corpus=SEEDS, out=out, stream=io.StringIO(), **options)

    first = run()
    assert first.kept == [] and "01-tiny" in first.seconds
    figure = out / "01-tiny-figure.png"
    def outputs():  # every output and report; not the lock file, which notes who last held it
        return {path: path.read_bytes() for path in out.rglob("*") if path.is_file() and not path.name.startswith(".")}

    before = outputs()

    second = run()  # nothing changed: kept, and no file touched
    assert second.kept == ["01-tiny"] and second.reports == first.reports
    assert outputs() == before

    assert run(rerun=True).kept == []  # asked to

    figure.write_bytes(b"edited by hand")  # an output changed since: executed again, and the figure rewritten
    assert run().kept == [] and figure.read_bytes() == before[figure]

    edited = json.loads(copy.read_text(encoding="utf-8"))
    edited["cells"].append({"cell_type": "markdown", "id": "a-note", "metadata": {}, "source": ["A note added."]})
    copy.write_text(json.dumps(edited), encoding="utf-8")
    assert run().kept == []  # the notebook changed
    assert run(event="2020-01-04").kept == []  # a setting changed


def test_an_interrupt_while_notebooks_run_from_a_notebook_stops_them_before_it_is_raised():
    # run_all called in a notebook, whose thread runs an event loop: the notebooks run in a thread of their own,
    # and Kernel > Interrupt (a KeyboardInterrupt here) must stop them, not leave them running.
    import asyncio
    import os
    import signal
    import threading

    from analysis.runner import _run_coroutine

    cancelled, stopped = threading.Event(), threading.Event()

    async def notebooks():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        finally:
            await asyncio.sleep(0.1)  # a kernel shutting down
            stopped.set()

    async def notebook_cell():
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()  # Kernel > Interrupt
        _run_coroutine(notebooks())

    loop = asyncio.new_event_loop()  # a loop without asyncio.run's own Ctrl-C handling, as in a kernel
    try:
        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(notebook_cell())
    finally:
        loop.close()
    assert cancelled.is_set() and stopped.is_set()


def test_an_interrupt_that_arrives_after_the_notebooks_ended_is_still_a_keyboard_interrupt(monkeypatch):
    import asyncio
    import concurrent.futures

    from analysis.runner import _run_coroutine

    async def notebooks():
        return "done"

    real_result = concurrent.futures.Future.result
    calls = []

    def result_interrupted_once(self, timeout=None):
        value = real_result(self, timeout)  # the coroutine has ended, its loop closed
        calls.append(value)
        if len(calls) == 1:
            raise KeyboardInterrupt  # Kernel > Interrupt, delivered only now
        return value

    monkeypatch.setattr(concurrent.futures.Future, "result", result_interrupted_once)

    async def notebook_cell():
        _run_coroutine(notebooks())

    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(notebook_cell())
    finally:
        loop.close()


def test_the_command_skips_jsonschemas_slow_iri_parsers_and_a_plain_import_leaves_them_alone():
    # `python -m analysis` marks rfc3987_syntax absent (3 s of Earley grammars per run, for a format no notebook
    # schema uses); notebooks are still read and validated. `import analysis` changes nothing of the kind.
    probe = ("import sys, {module}, nbformat, jsonschema; "
             "nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); "
             "print(sys.modules.get('rfc3987_syntax', 'not imported'))")
    notebook = str(notebooks()[0])
    shown = [subprocess.run([sys.executable, "-c", probe.format(module=module), notebook], cwd=PROJECT,
                            capture_output=True, text=True, timeout=120) for module in ("analysis.__main__", "analysis")]
    assert [result.returncode for result in shown] == [0, 0], [result.stderr[-2000:] for result in shown]
    assert shown[0].stdout.strip() == "None"
    assert shown[1].stdout.strip().startswith("<module 'rfc3987_syntax'")
