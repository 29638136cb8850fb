"""Nothing from a corpus is ever markup or code in an output (issue 26): a corpus of hostile strings through every
notebook, then every output opened as its reader would open it.

The corpus (tests/hostile.py): eight short articles about the Soleimani strike over four outlets, whose outlet
names, titles, a metadata column, file names and bodies carry `<script>`, `<img onerror>`, `<svg onload>`,
`<iframe srcdoc>`, `javascript:` and `data:` links, spreadsheet formulas, ANSI escapes, vertical tab and form
feed and a right-to-left override, inside the sentences the notebooks pick out. Every script marks the page it
runs in (`data-pwned-<where>-<kind>` on the root element), so a browser that ran one says which and from where.

One run of `python -m analysis run` (notebook 05 left out: it reads the validation data, never the corpus), with
its own cache, then:

- every HTML report opened in headless Chromium: no script from the corpus runs; and parsed: no element carries
  an event handler, a `javascript:`/`data:` link, a frame or a script from the corpus (escaped text is fine);
- every SVG is well-formed XML, with no script or handler;
- every CSV cell a spreadsheet would take for a formula (starting =, +, -, @, tab or carriage return) is a number;
  no XLSX cell is a formula;
- every Markdown table holds no raw tag and no `javascript:`/`data:` link;
- what the command line printed holds no control character but newline and tab;
- the Parquet tables hold the corpus' values unchanged.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import analysis as an
from analysis.runner import notebooks
from conftest import PROJECT, write_corpus
from hostile import ANSI, EVIL, MARK, OUTLETS, hostile_corpus, js, markup
from jupyterlab_run import CHROMIUM

pytestmark = pytest.mark.slow  # one run of six notebooks: 45-100 s here, 2-3 s a report in Chromium

NOTEBOOKS = [path.stem for path in notebooks() if not path.stem.startswith("05-")]
#: Every file the seeds' run saves (the committed figures/), by type: the hostile corpus must save each too.
SAVED = {suffix: sorted(path.name for path in (PROJECT / "figures").glob(f"*{suffix}")
                        if not path.name.startswith("05-")) for suffix in (".csv", ".md", ".svg", ".parquet", ".xlsx")}
RUN_TIMEOUT = 900  # seconds for the whole run (45-100 s here)
#: The corpus' seeds (tests/hostile.py), one run each: `make test` runs one; HOSTILE_SEEDS=0,1,2 runs three.
HOSTILE_SEEDS = [int(seed) for seed in os.environ.get("HOSTILE_SEEDS", "0").split(",")]


@dataclass
class Run:
    corpus: Path
    out: Path
    returncode: int
    stdout: bytes
    stderr: bytes


@pytest.fixture(scope="module", params=HOSTILE_SEEDS, ids=lambda seed: f"seed{seed}")
def run(request, tmp_path_factory) -> Run:
    """The hostile corpus through every corpus notebook by the command line, with its own empty cache."""
    root = tmp_path_factory.mktemp("hostile")
    corpus, out = hostile_corpus(root / "corpus", seed=request.param), root / "out"
    process = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out), "--only", *NOTEBOOKS],
        cwd=PROJECT, capture_output=True, timeout=RUN_TIMEOUT,
        env={**os.environ, "MPLBACKEND": "Agg", "ANALYSIS_CACHE": str(root / "cache")},
    )
    return Run(corpus, out, process.returncode, process.stdout, process.stderr)


def _saved(run: Run, suffix: str) -> list[Path]:
    """The run's files of one type, after checking that it saved every one the seeds' run does."""
    paths = sorted(run.out.glob(f"*{suffix}"))
    assert [path.name for path in paths] == SAVED[suffix], run.stderr.decode(errors="replace")[-2000:]
    return paths


def test_the_hostile_corpus_runs_through_every_notebook(run):
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
    assert sorted(path.stem for path in (run.out / "reports").glob("*.html")) == NOTEBOOKS


def test_the_hostile_strings_reach_the_outputs_the_checks_read(run):
    """Else the checks below would pass on outputs without them: every report, the KWIC lines, the passage two
    outlets share, the group comparisons and the coding sheets carry a script (in whatever escaped form), the
    comparisons a formula."""
    tables = ["02-terminology-kwic-kill.csv", "02-terminology-kwic-terror.csv", "04-framing-shared-passages.csv",
              "04-framing-shared-passages.md", "02-terminology-comparisons.md", "07-coding-tone.csv"]
    for path in [run.out / name for name in tables] + [run.out / "reports" / f"{name}.html" for name in NOTEBOOKS]:
        assert MARK in path.read_text(encoding="utf-8"), path.name
    passages = (run.out / "04-framing-shared-passages.csv").read_text(encoding="utf-8")
    assert "Alpha" in passages and "Gamma" in passages
    assert "HYPERLINK" in (run.out / "02-terminology-comparisons.csv").read_text(encoding="utf-8")


# --- HTML reports -------------------------------------------------------------------------------------------------

def _require_chromium() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"opening the reports needs Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _dump_dom(page: Path, profile: Path) -> str:
    """The page's DOM after headless Chromium has loaded it and run its scripts for three seconds (virtual time)."""
    result = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


class _Elements(HTMLParser):
    """Every element's tag and attributes, and the text of each script, as a browser's parser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in_script = self._in_style = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_script, self._in_title, self._in_style = tag == "script", tag == "title", tag == "style"
        if self._in_script:
            self.scripts.append("")
        if self._in_style:
            self.styles.append("")

    def handle_endtag(self, tag):
        self._in_script = self._in_title = self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data
        if self._in_script:
            self.scripts[-1] += data
        if self._in_title:
            self.title += data


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def scripts_that_ran(dom: str) -> list[str]:
    """The marks the corpus' scripts left on a dumped DOM: the `data-pwned-*` attributes on any element, and
    `title=PWNED`."""
    parsed = _elements(dom)
    marks = sorted({name[len(MARK) + 1:] for _, attrs in parsed.elements for name, _ in attrs
                    if name.startswith(MARK + "-")})
    return marks + (["title=PWNED"] if parsed.title.strip() == "PWNED" else [])


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset"}
#: Pictures nbconvert embeds: the only `data:` URLs a report may hold.
EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,", re.IGNORECASE)
FRAMES = {"iframe", "frame", "object", "embed", "base", "link"}


def _url(value: str) -> str:
    """A URL as a browser reads its scheme: spaces and control characters dropped, lower case."""
    return re.sub(r"[\x00-\x20]", "", value).lower()


def live_code(html: str) -> list[str]:
    """What in an HTML page could run code from the corpus or load from elsewhere: event handler attributes,
    `javascript:`, `vbscript:` and `data:` URLs (but embedded pictures), frames, `<base>` and `<link>`, a refresh,
    scripts that carry the corpus' mark and styles that load from its address. Text that only shows such markup
    (escaped) is not code."""
    parsed = _elements(html)
    found = []
    for tag, attrs in parsed.elements:
        if tag in FRAMES:
            found.append(f"<{tag}> element")
        for name, value in attrs:
            url = _url(value or "")
            if name.startswith("on") or name == "srcdoc":
                found.append(f"<{tag} {name}=...>")
            elif name in URL_ATTRIBUTES and url.startswith(("javascript:", "vbscript:")):
                found.append(f"<{tag} {name}={url[:30]}...>")
            elif name in URL_ATTRIBUTES and url.startswith("data:") and not EMBEDDED_IMAGE.match(url):
                found.append(f"<{tag} {name}={url[:30]}...>")
    found += [f"<script>{text.strip()[:60]}...</script>" for text in parsed.scripts if MARK in text]
    found += [f"<style>{text.strip()[:60]}...</style>" for text in parsed.styles if EVIL in text]
    found += [f"<meta http-equiv={dict(attrs)['http-equiv']}>" for tag, attrs in parsed.elements
              if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh"]
    return found


def test_the_detectors_find_a_script_that_runs_and_live_markup(tmp_path):
    """A positive control: a page with live hostile markup is caught by both the browser and the parser."""
    _require_chromium()
    page = tmp_path / "live.html"
    markup_ = markup("control")
    page.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body><p>{markup_[0]}</p><p>{markup_[1]}"
                    f"</p><p>{markup_[3]}</p><p>{markup_[6]}</p><p>&lt;script&gt;{js('escaped')}&lt;/script&gt;</p>"
                    "</body></html>", encoding="utf-8")
    dom = _dump_dom(page, tmp_path / "profile")
    assert scripts_that_ran(dom) == ["control-iframe", "control-img", "control-script", "title=PWNED"]
    loads = "".join(markup_[7:11])  # not in the browser's page: the refresh would leave it
    assert [found.split(" ")[0].split(">")[0] for found in live_code(page.read_text(encoding="utf-8") + loads)] == [
        "<img", "<iframe", "<iframe", "<a", "<link", "<base", "<script", "<style", "<meta"]
    assert live_code("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; [click](javascript:alert(1))</p>") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_script_from_the_corpus_runs_when_a_report_is_opened_in_a_browser(run, notebook, tmp_path):
    _require_chromium()
    report = run.out / "reports" / f"{notebook}.html"
    assert report.is_file(), run.stderr.decode(errors="replace")[-2000:]
    assert scripts_that_ran(_dump_dom(report, tmp_path / "profile")) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_report_holds_an_event_handler_a_script_link_or_a_frame_from_the_corpus(run, notebook):
    report = run.out / "reports" / f"{notebook}.html"
    assert report.is_file(), run.stderr.decode(errors="replace")[-2000:]
    assert live_code(report.read_text(encoding="utf-8")) == []


# --- Figures and tables ------------------------------------------------------------------------------------------

def test_every_svg_figure_is_well_formed_xml_without_a_script(run):
    broken = {}
    for path in _saved(run, ".svg"):
        try:
            root = ElementTree.parse(path).getroot()
        except ElementTree.ParseError as error:
            broken[path.name] = str(error)
            continue
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            handlers = [name for name in element.attrib if name.rsplit("}", 1)[-1].startswith("on")]
            if tag in ("script", "foreignObject") or handlers:
                broken[path.name] = f"<{tag} {' '.join(handlers)}>"
    assert broken == {}


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", re.IGNORECASE)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def live_formulas(text: str) -> list[str]:
    """The cells of a CSV text that a spreadsheet would take for a formula: those that start with =, +, -, @, tab
    or carriage return (OWASP) and are not a number."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
            if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell)]


def test_the_formula_detector_tells_numbers_from_formulas():
    text = 'a,b\n-0.25,+3\n1e-05,-inf\n"=HYPERLINK(""x"")",@SUM(1)\n"\t=1",-2+3\n\'=1,x=1\n'
    assert live_formulas(text) == ['=HYPERLINK("x")', "@SUM(1)", "\t=1", "-2+3"]


def test_no_csv_cell_is_a_live_formula(run):
    found = {path.name: cells[:3] for path in _saved(run, ".csv")
             if (cells := live_formulas(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_no_xlsx_coding_sheet_cell_is_a_formula(run):
    from openpyxl import load_workbook

    found = {}
    for path in _saved(run, ".xlsx"):
        cells = [cell.value for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for cell in row
                 if cell.data_type == "f"]
        if cells:
            found[path.name] = cells[:3]
    assert found == {}


RAW_TAG = re.compile(r"<[A-Za-z!/?]")
SCRIPT_LINK = re.compile(r"(?<!\\)\]\(\s*<?\s*(javascript|vbscript|data):", re.IGNORECASE)


def test_no_markdown_table_holds_a_raw_tag_or_a_script_link(run):
    found = {}
    for path in _saved(run, ".md"):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if RAW_TAG.search(line) or SCRIPT_LINK.search(line)]
        if lines:
            found[path.name] = (len(lines), lines[0][:120])
    assert found == {}


def test_the_parquet_tables_keep_the_corpus_values_unchanged(run):
    """The values escaped in the other formats are the corpus' own here, control characters and all."""
    with pytest.warns(an.CorpusWarning) as said:  # the unlisted file and the unreadable date
        articles = an.load_articles(run.corpus)
    assert [("not listed" in str(w.message), "date" in str(w.message)) for w in said] == [(True, False), (False, True)]
    per_article = [path for path in _saved(run, ".parquet") if path.name.startswith("06-article-measures")]
    assert len(per_article) == 2
    for path in per_article:
        table = pd.read_parquet(path)
        kept = ["doc_id", *[column for column in ("outlet", "title", "desk") if column in table]]
        assert "outlet" in kept and any(ANSI in doc_id for doc_id in table["doc_id"]), path.name
        saved = table[kept].drop_duplicates().sort_values("doc_id", ignore_index=True)
        loaded = articles[kept].sort_values("doc_id", ignore_index=True)
        pd.testing.assert_frame_equal(saved, loaded, check_dtype=False, obj=path.name)
    assert set(articles["outlet"]) == set(OUTLETS)


def test_every_csv_is_its_parquet_copy_with_formula_like_text_neutralised(run):
    """The Parquet beside each CSV holds the values as computed: its text cells, neutralised by the CSV's rule
    (analysis.escape.csv_cell), are the CSV's cells; and at least one of them was changed, so the copy matters."""
    import csv
    import io

    from analysis.escape import csv_cell

    changed = 0
    for path in _saved(run, ".parquet"):
        table = pd.read_parquet(path)
        with_csv = path.with_suffix(".csv")
        assert with_csv.is_file(), path.name
        rows = list(csv.reader(io.StringIO(with_csv.read_text(encoding="utf-8"))))
        assert rows[0] == [csv_cell(str(column)) for column in table.columns], path.name
        assert len(rows) - 1 == len(table), path.name
        for position, column in enumerate(table.columns):
            if not (pd.api.types.is_string_dtype(table[column]) or table[column].dtype == object):
                continue
            values = [value for value in table[column] if isinstance(value, str)]
            cells = [row[position] for row, value in zip(rows[1:], table[column]) if isinstance(value, str)]
            assert cells == [csv_cell(value) for value in values], \
                f"{path.name}: {column}"
            changed += sum(cell != value for cell, value in zip(cells, values))
    assert changed > 0


# --- The terminal -------------------------------------------------------------------------------------------------

TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_what_the_command_line_prints_holds_no_control_character(run):
    """ANSI escapes in a file name or a value are shown escaped, not sent to the terminal. The unlisted file's
    warning names it, so the file name is certainly printed."""
    printed = run.stdout.decode("utf-8", errors="replace") + run.stderr.decode("utf-8", errors="replace")
    assert "stray-" in printed
    assert sorted({repr(char) for char in TERMINAL_CONTROL.findall(printed)}) == []


# --- What the loader refuses -------------------------------------------------------------------------------------

@pytest.mark.parametrize("control", ["\x00", "\x07", "\x08", "\x1f"])
def test_control_characters_a_text_file_never_holds_are_refused_in_one_line_naming_the_file(tmp_path, control):
    body = write_corpus(tmp_path / "body", {"a.txt": f"Soleimani was killed{control} on Friday.\n"},
                        "file,outlet\na.txt,Alpha\n")
    title = write_corpus(tmp_path / "title", {"a.txt": "Soleimani was killed on Friday.\n"},
                         f"file,outlet,title\na.txt,Alpha,Strike{control} kills Soleimani\n")
    for folder, name in ((body, "a.txt"), (title, "metadata.csv")):
        with pytest.raises(an.CorpusError) as refused:
            an.load_articles(folder)
        message = str(refused.value)
        assert "\n" not in message and f"{name}: " in message and "control" in message


def test_no_notebook_output_holds_a_control_character_jupyter_would_obey(run):
    """Jupyter turns ANSI codes in a cell's output into colours (and `\\x1b[2J` hides the text before it), so the
    warnings that name a hostile file show its codes escaped; the executed notebooks hold none raw."""
    import nbformat

    found = {}
    for path in sorted((run.out / "reports").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                texts = [output.get("text", "")] + [str(value) for value in output.get("data", {}).values()]
                hits = {repr(char) for text in texts for char in TERMINAL_CONTROL.findall(str(text))}
                if hits:
                    found.setdefault(path.name, set()).update(hits)
    assert found == {}
