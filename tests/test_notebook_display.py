"""Notebooks a person can read: whole cell text, wrapped; keywords in context centred; no machine paths."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path, PurePath

import pandas as pd
import pytest

import analysis as an
from analysis.paths import PROJECT_DIR, shown_path
from analysis.settings import Settings
from analysis.tables import AlignedTable, notebook_display
from conftest import write_corpus

LONG = "Officials in Baghdad said the strike near the airport killed the general and nine others early on Friday."


@pytest.fixture
def shell():
    """An IPython shell with the package's notebook display, its options restored afterwards."""
    from IPython.core.interactiveshell import InteractiveShell

    before = (pd.get_option("display.max_colwidth"), warnings.formatwarning)
    shell = InteractiveShell.instance()
    notebook_display(shell)
    yield shell
    pd.set_option("display.max_colwidth", before[0])
    warnings.formatwarning = before[1]
    for mime, kind in (("text/html", pd.DataFrame), ("text/plain", PurePath)):
        shell.display_formatter.formatters[mime].pop(kind, None)
    InteractiveShell.clear_instance()


def _shown(shell, value) -> dict:
    return shell.display_formatter.format(value)[0]


def _kwic_lines() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "a", "b"], "outlet": ["Beta", "Beta", "Alpha"], "pattern": ["kill*"] * 3,
        "left": ["a US air raid", "Soleimani was", "exact severe revenge on those involved in Soleimani's"],
        "match": ["killed", "killed", "killing"], "right": ["Soleimani", "on the night of January 3", ", blaming the US"],
        "quoted": [False, True, False],
    })


def test_importing_the_package_in_a_notebook_kernel_shows_whole_cells_and_a_script_leaves_pandas_as_it_is():
    probe = ("import pandas as pd; from IPython.core.interactiveshell import InteractiveShell; "
             "shell = InteractiveShell.instance(); shell.kernel = {kernel}; import analysis; "
             "print(pd.get_option('display.max_colwidth'))")
    outputs = [subprocess.run([sys.executable, "-c", probe.format(kernel=kernel)], capture_output=True, text=True,
                              cwd=PROJECT_DIR, timeout=120).stdout.strip() for kernel in ("object()", "None")]
    assert outputs == ["None", "50"]
    plain = subprocess.run([sys.executable, "-c", "import pandas as pd, analysis; print(pd.get_option('display.max_colwidth'))"],
                           capture_output=True, text=True, cwd=PROJECT_DIR, timeout=120).stdout.strip()
    assert plain == "50"


def test_a_notebook_table_shows_long_text_whole_wrapped_and_aligned_left(shell):
    table = pd.DataFrame({"n": [1, 2], "text": [LONG, "short"], "rule": ["crosshead", "byline"]})
    with pd.option_context("display.max_columns", 20):  # as in a notebook kernel; a terminal fits its width
        shown = _shown(shell, table)
    assert LONG in shown["text/plain"] and LONG in shown["text/html"]  # pandas alone cuts at 50 characters
    html = shown["text/html"]
    # `text` is the second of three columns: the second cell from the row's end.
    assert re.search(r"div\.analysis-table-3-2 td:nth-last-child\(2\) \{ white-space: pre-wrap;[^}]*text-align: left;",
                     html)
    assert "div.analysis-table-3-2 td { white-space: nowrap; }" in html
    assert '<div class="analysis-table-3-2">' in html


def test_a_table_without_prose_keeps_its_values_on_one_line(shell):
    html = _shown(shell, pd.DataFrame({"outlet": ["TASS"], "n": [3]}))["text/html"]
    assert "div.analysis-table-2 td { white-space: nowrap; }" in html and "nth-last-child" not in html


def test_columns_first_puts_the_removed_text_and_its_rule_before_the_keys():
    removed = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "line": [3], "text": ["Read more"], "rule": ["read_link"]})
    shown = an.columns_first(removed, ["text", "rule"])
    assert list(shown.columns) == ["text", "rule", "doc_id", "outlet", "line"]
    assert list(removed.columns) == ["doc_id", "outlet", "line", "text", "rule"]  # the input is not changed
    with pytest.raises(ValueError, match=r"columns_first: missing column\(s\) \['speaker'\]"):
        an.columns_first(removed, ["speaker"])


def test_kwic_shows_the_keyword_centred_between_right_aligned_left_and_left_aligned_right_context():
    shown = an.show_kwic(_kwic_lines(), by="outlet")
    assert list(shown.table.columns) == ["outlet", "left", "match", "right", "quoted", "doc_id"]
    assert list(shown.table["outlet"]) == ["Alpha", "Beta", "Beta"]  # group after group, kwic's order within
    assert list(shown.table["quoted"]) == ["", "", "quoted"]
    lines = repr(shown).splitlines()
    assert lines[0] == "kill*: 3 line(s)"
    rows = lines[2:]
    # The left context ends, and the keyword column starts, at the same place on every line ...
    ends = {row.index(left) + len(left) for row, left in zip(rows, shown.table["left"])}
    assert len(ends) == 1
    # ... the keyword is centred in its column and the right context starts at one place.
    end = ends.pop()
    assert [row[end:].index(match) for row, match in zip(rows, shown.table["match"])] == [2, 3, 3]
    starts = {row.index(right, end) for row, right in zip(rows, shown.table["right"])}
    assert len(starts) == 1
    assert rows[1].split("  ")[-1].strip() == "a" and " killed " in rows[1]
    html = shown._repr_html_()
    assert re.search(r"td\.col1 \{\s*text-align: right;\s*white-space: nowrap;", html)
    assert re.search(r"td\.col2 \{\s*text-align: center;\s*white-space: nowrap;\s*font-weight: bold;", html)
    assert re.search(r"td\.col3 \{\s*text-align: left;\s*white-space: nowrap;", html)
    assert html == an.show_kwic(_kwic_lines(), by="outlet")._repr_html_()  # no random ids: reports re-run identical


def test_kwic_shows_at_most_per_group_lines_and_says_how_many_are_left_out():
    shown = an.show_kwic(_kwic_lines(), by="outlet", per_group=1)
    assert list(shown.table["outlet"]) == ["Alpha", "Beta"]
    assert shown.caption == "kill*: 3 line(s), the first 1 of each group shown (1 left out)"
    empty = an.show_kwic(_kwic_lines().iloc[:0], by="outlet")
    assert empty.table.empty and empty.caption == "no matches"


def test_kwic_html_escapes_the_text():
    lines = _kwic_lines().assign(left=["<b>bold</b> & more", "x", "y"])
    html = an.show_kwic(lines, by="outlet")._repr_html_()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html and "<b>bold</b>" not in html


def test_an_aligned_table_pads_its_plain_text_as_aligned():
    shown = AlignedTable(pd.DataFrame({"a": ["x", "long"], "b": ["1", "22"]}), align={"a": "right", "b": "center"})
    assert repr(shown).splitlines() == ["   a  b", "   x  1", "long  22"]


@pytest.mark.parametrize("path, base, expected", [
    (PROJECT_DIR / "seeds" / "metadata.csv", None, "seeds/metadata.csv"),
    (Path.home() / "corpora" / "news", None, "~/corpora/news"),
    (Path.home(), None, "~"),
    (Path("/srv/data/corpus/metadata.csv"), None, "…/corpus/metadata.csv"),
    (Path("/srv/out/01-corpus-coverage.png"), Path("/srv/out"), "01-corpus-coverage.png"),
    (Path("/srv/corpus/sub/a.txt"), [Path("/srv/out"), Path("/srv/corpus")], "sub/a.txt"),
    (Path("/srv/out"), Path("/srv/out"), "…/srv/out"),
    ("seeds/metadata.csv", None, "seeds/metadata.csv"),
])
def test_a_path_is_shown_relative_to_its_folder_the_project_or_home(path, base, expected):
    assert shown_path(path, base=base) == expected


def test_paths_a_notebook_displays_are_relative_to_the_output_folder(shell, tmp_path):
    an.configure(corpus=PROJECT_DIR / "seeds", out=tmp_path / "out")
    shown = _shown(shell, [tmp_path / "out" / "01-corpus-coverage.png", PROJECT_DIR / "seeds" / "metadata.csv"])
    assert shown["text/plain"] == "['01-corpus-coverage.png', 'metadata.csv']"


def test_settings_display_names_no_absolute_path(shell, tmp_path):
    settings = Settings(corpus=PROJECT_DIR / "seeds", out=tmp_path / "out", dayfirst=True)
    text = _shown(shell, settings)["text/plain"]
    assert text == ("Settings(corpus='seeds', group='outlet', out='the output folder', columns={}, notebook=None, "
                    "event='2020-01-03', codes=None, dayfirst=True)")


def test_a_notebook_shows_the_packages_warnings_by_message_and_others_with_a_relative_file(shell):
    assert warnings.formatwarning("a.txt: empty", an.CorpusWarning, str(PROJECT_DIR / "analysis" / "x.py"), 3) == \
        "CorpusWarning: a.txt: empty\n"
    assert warnings.formatwarning("old", FutureWarning, str(PROJECT_DIR / "analysis" / "y.py"), 7, "x = 1") == \
        "analysis/y.py:7: FutureWarning: old\n  x = 1\n"


ARTICLES = {
    "a.txt": "Strike kills general\n\n" + LONG + " \u201cIt was murder,\u201d a minister said of the killing.\n",
    "b.txt": "Officials said the strike killed Soleimani. Iran called the killing an act of terrorism and an "
             "assassination, and promised revenge on those who killed him.\n",
}


@pytest.mark.slow
def test_no_notebook_output_or_report_shows_an_absolute_path_and_the_corpus_warnings_are_said_twice(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {**ARTICLES, "stray.txt": LONG},
                          "file,outlet,date,note\n"
                          f'a.txt,Alpha,05/01/2020,"{LONG}"\n'
                          "b.txt,Beta,13/01/2020,\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out),
                             "--only", "01", "02"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    # The corpus's warnings are said again at the end of the run, after each notebook's time and report.
    assert "01-corpus: " in result.stderr and " s, report " in result.stderr
    assert "corpus warnings (2)" in result.stderr and "stray.txt" in result.stderr.split("corpus warnings")[1]
    reports = sorted((out / "reports").iterdir())
    assert [path.name for path in reports] == ["01-corpus.html", "01-corpus.ipynb", "02-terminology.html",
                                               "02-terminology.ipynb"]
    machine = {str(tmp_path), str(tmp_path.resolve()), str(PROJECT_DIR), str(Path.home()) + "/", "/tmp/"}
    for path in reports:
        text = path.read_text(encoding="utf-8")
        found = [folder for folder in machine if folder in text]
        assert found == [], f"{path.name} names {found}"
    outputs = {}
    for name in ("01-corpus", "02-terminology"):
        notebook = json.loads((out / "reports" / f"{name}.ipynb").read_text(encoding="utf-8"))
        outputs[name] = "\n".join(
            "".join(output.get("text", "")) + "".join("".join(v) for k, v in output.get("data", {}).items()
                                                      if k.startswith("text/"))
            for cell in notebook["cells"] if cell["cell_type"] == "code" for output in cell.get("outputs", []))
    stderr = [text for cell in json.loads((out / "reports" / "01-corpus.ipynb").read_text(encoding="utf-8"))["cells"]
              if cell["cell_type"] == "code" for output in cell.get("outputs", []) if output.get("name") == "stderr"
              for text in ["".join(output.get("text", ""))]]
    assert any("stray.txt" in text and "CorpusWarning" in text for text in stderr)  # a warning, not a result
    # What the run had to say is there, naming the corpus's files, not where they are.
    assert "CorpusWarning: stray.txt: text file in the corpus folder but not listed" in outputs["01-corpus"]
    assert "CorpusWarning: …/corpus/metadata.csv: column 'date': 1 date(s)" in outputs["01-corpus"]
    assert "Settings(corpus='…/" in outputs["01-corpus"] and "out='the output folder'" in outputs["01-corpus"]
    assert "'01-corpus-coverage.png'" in outputs["01-corpus"]
    assert LONG in outputs["01-corpus"]  # the note, whole
    removed = re.search(r"<th></th>\s*<th>(\w+)</th>\s*<th>(\w+)</th>\s*<th>doc_id</th>", outputs["01-corpus"])
    assert removed and removed.groups() == ("text", "rule")
    assert re.search(r"kill\*: \d+ line\(s\)", outputs["02-terminology"])
    assert "text-align: center" in outputs["02-terminology"]
