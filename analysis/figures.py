"""Save figures, tables and reports with their numbers: the one module that renders them to bytes.

`save_figure(fig, name)` writes `<out>/<name>.png` and `.svg`, the plotted
numbers as `<name>.csv`, and an entry in `<out>/manifest.json` with the
caption, the notebook, checksums of the files, a fingerprint of the corpus and
of the shipped lexicons, and the versions of the libraries. Re-running on the
same input produces byte-identical files.

Every file is rendered here, in memory, before anything is written; the output
folder (analysis/output.py) then writes the files and their manifest entry,
whole or not at all, under its lock, and refuses (OutputRefused) a folder that
holds another corpus's or grouping's outputs, and any corpus but the seeds in
the project's figures/. Given no `settings`, a save uses the ones `configure`
set, else the environment's ($ANALYSIS_CORPUS, as a notebook kernel sees it);
when neither names a corpus it refuses rather than record the seeds by guess.
"""

from __future__ import annotations

import functools
import io
import os
import threading
from pathlib import Path

import matplotlib.cbook
import matplotlib.mathtext
import matplotlib.text
import matplotlib.ticker
import pandas as pd

from analysis.escape import (csv_cell, figure_text, markdown_cell, markdown_text, report_sanitiser, text_cells,
                             visible_text)
from analysis.paths import shown_path
from analysis.output import OutputFolder, OutputRefused
from analysis.plots.style import house_style
from analysis.settings import Settings, corpus_named, current_settings
from analysis.tables import ShownRows, shown_rows

PNG_DPI = 150
FLOAT_FORMAT = "%.6g"  # six significant digits: enough for any figure, stable across platforms
SVG_HASHSALT = "soleimani-framing"
LONG_TABLE = 40  # rows; a longer LaTeX table breaks across pages
#: The most rows the CSV, Markdown and LaTeX copies of a saved table (save_table, save_figure's data) hold, unless
#: $ANALYSIS_TABLE_ROWS says otherwise: past it they hold the first rows, and the Markdown, the LaTeX caption and
#: the manifest say how many were left out; the Parquet copy always holds every row. (save_measures' CSV is a
#: data set, one row per article: always whole.)
TABLE_ROWS = 10_000
ENV_TABLE_ROWS = "ANALYSIS_TABLE_ROWS"
_MATHTEXT = matplotlib.mathtext.MathTextParser("path")  # to check that a text's mathtext parses before drawing it


def save_figure(
    fig,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    caption: str | None = None,
    settings: Settings | None = None,
) -> list[Path]:
    """Write the figure as PNG and SVG, its numbers as CSV and Parquet, and record it in the manifest.

    Parameters
    ----------
    fig : a matplotlib Figure.
    name : file stem, e.g. "01-corpus-removed-lines" (letters, digits, '-', '_').
    data : the numbers the figure plots; saved as `<name>.parquet` (every row, the values unchanged) and
        `<name>.csv` (its first table_rows() rows, 10,000 unless $ANALYSIS_TABLE_ROWS says otherwise; the caption
        then says how many were left out).
    caption : one or two sentences a reader can cite with the figure.
    settings : the notebook's settings (output folder, corpus, group); default the
        ones `configure` last set, else the environment's ($ANALYSIS_CORPUS, $ANALYSIS_OUT ...).

    Returns the paths written (PNG, SVG, then CSV if `data` was given). In a notebook that draws figures inline,
    the cell shows the PNG just written, byte for byte, and the figure is closed (so not drawn again at the cell's
    end); it can still be changed and saved again.

    The figure's text (titles, labels, tick labels, legends, annotations) is made drawable in place first: a
    control character, bidi override or XML-invalid character becomes U+FFFD (analysis.escape.figure_text), and a
    text whose '$' signs would start mathtext that does not parse shows them as '$'. So the SVG is well-formed XML,
    a corpus's text cannot stop the save, and the figure the notebook shows is the one saved; text without such
    characters is left as it is. The CSV is written as save_table's is.

    Raises OutputRefused (a ValueError), before anything is written, when the output folder holds another
    corpus's or grouping's outputs, when it is the project's figures/ and the corpus is not the seeds grouped by
    outlet, or when no settings are given and nothing names the corpus (no `configure`, no $ANALYSIS_CORPUS).
    """
    _check_name(name)
    settings = _settings(settings, "save_figure", name)
    folder = OutputFolder.of(settings)
    folder.refuse_other_corpus()  # before rendering: a refusal comes at once (write checks again, under the lock)
    _visible_figure_text(fig)
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    with house_style({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(svg, format="svg", metadata={"Date": None})
    files = {f"{name}.png": png.getvalue(), f"{name}.svg": _well_formed_svg(svg.getvalue())}
    if data is not None:
        shown, left_out = capped_rows(data, name, copies="The CSV holds")
        files[f"{name}.csv"], files[f"{name}.parquet"] = _csv(shown), _parquet(data)
        caption = " ".join(filter(None, [caption, left_out]))
    written = _save(name, files, caption, settings, folder)
    _show_saved(fig, files[f"{name}.png"])
    return written


def _show_saved(fig, png: bytes) -> None:
    """In a notebook kernel that draws figures inline, show the PNG just saved in the figure's place, and close
    the figure.

    The inline backend would draw the figure twice more at the cell's end (once to crop it, once to render it),
    about a third of a figure's cost in a notebook; the saved file costs nothing to show, and what the notebook
    shows is then byte for byte the figure a paper cites. It is shown at the figure's own size on screen (the
    PNG_DPI file at figure.dpi), so it looks as the inline figure would, only sharper. Anywhere else (a script,
    another backend, a figure pyplot does not manage) nothing changes."""
    import matplotlib
    import matplotlib.pyplot as plt

    manager = fig.canvas.manager  # checked first: asking for the backend could make pyplot choose one
    if manager is None or not plt.fignum_exists(manager.num) or "inline" not in matplotlib.get_backend():
        return
    from IPython.display import Image, display

    pixels_wide = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    display(Image(data=png, format="png", width=round(pixels_wide * fig.dpi / PNG_DPI)))
    plt.close(fig)


def save_table(table: pd.DataFrame, name: str, *, caption: str | None = None, settings: Settings | None = None) -> Path:
    """Write a table the notebook shows (e.g. KWIC lines) as `<out>/<name>.csv`, `.parquet`, `.md` and `.tex`;
    record it in the manifest.

    The Markdown (GitHub pipes, via tabulate) and LaTeX (booktabs, a longtable past
    LONG_TABLE rows) copies are pandas' own writers, ready to paste into a paper. The Parquet copy holds every
    row; the CSV, Markdown and LaTeX copies the first table_rows() (TABLE_ROWS, 10,000, unless
    $ANALYSIS_TABLE_ROWS says otherwise), and past it the Markdown, the LaTeX caption and the manifest's caption
    say how many rows were left out and that every row is in `<name>.parquet`.
    No cell is markup or a formula in them: in the CSV a text cell starting with '=', '+', '-', '@', tab or
    carriage return gets a leading "'" unless it is a plain number (analysis.escape.csv_cell; numbers are never
    changed, and the Parquet copy keeps every value as it is); in the Markdown '&', '<', '>' are entities and
    \\ ` [ ] | are backslash-escaped (analysis.escape.markdown_cell); LaTeX escapes its own.

    Parameters
    ----------
    table : the rows to save.
    name : file stem (letters, digits, '-', '_').
    caption : what the table holds, for the manifest and the LaTeX caption.
    settings : as for save_figure.

    Returns the path of the CSV. Raises OutputRefused as save_figure does.
    """
    _check_name(name)
    settings = _settings(settings, "save_table", name)
    shown, left_out = capped_rows(table, name)
    latex = text_cells(shown, _visible_cell).to_latex(
        index=False, escape=True, float_format=FLOAT_FORMAT.__mod__, longtable=len(shown) > LONG_TABLE,
        caption=_latex_text(" ".join(filter(None, [caption or name, left_out]))), label=f"tab:{name}")
    caption = " ".join(filter(None, [caption, left_out])) or None
    markdown = _markdown(shown) + (f"\n\n{markdown_text(left_out)}" if left_out else "")
    files = {f"{name}.csv": _csv(shown), f"{name}.parquet": _parquet(table),
             f"{name}.md": (markdown + "\n").encode("utf-8"), f"{name}.tex": latex.encode("utf-8")}
    return _save(name, files, caption, settings)[0]


def table_rows() -> int:
    """The most rows a saved table's CSV, Markdown and LaTeX copies hold: $ANALYSIS_TABLE_ROWS, else TABLE_ROWS."""
    value = os.environ.get(ENV_TABLE_ROWS, "").strip()
    if not value:
        return TABLE_ROWS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{ENV_TABLE_ROWS}={value!r}: give the most rows of a saved table's CSV as a whole number, "
                         f"at least 1 (default {TABLE_ROWS:,})")
    return int(value)


def capped_rows(table: pd.DataFrame, name: str, *, copies: str = "The CSV, Markdown and LaTeX copies hold"
                ) -> tuple[pd.DataFrame, str | None]:
    """The first table_rows() rows of `table`, and a sentence saying how many were left out and where every row
    is (`<name>.parquet`), or None when none was.

    Parameters
    ----------
    table : the rows to save.
    name : the file stem the table is saved under.
    copies : the sentence's start, naming the files that hold the first rows only.
    """
    limit = table_rows()
    if len(table) <= limit:
        return table, None
    return table.head(limit), (f"{copies} the first {limit:,} of {len(table):,} rows "
                               f"({len(table) - limit:,} left out; ${ENV_TABLE_ROWS} sets the cap); every row is in "
                               f"{name}.parquet.")


def show_table(table: pd.DataFrame, name: str, *, caption: str | None = None,
               settings: Settings | None = None) -> ShownRows:
    """Save a table that grows with the corpus (save_table: every row in `<name>.parquet`) and show its first rows
    in the notebook (all of them up to pandas' display.max_rows, 60; else the first SHOWN_ROWS) with a line saying
    how many rows it has and where every row is.

    Parameters
    ----------
    table : the rows to save and show.
    name : file stem (letters, digits, '-', '_').
    caption : what the table holds, for the manifest and the LaTeX caption.
    settings : as for save_figure.

    Returns what the notebook shows. Raises OutputRefused as save_figure does.
    """
    save_table(table, name, caption=caption, settings=settings)
    return shown_rows(table, saved=f"{name}.parquet")


def save_measures(table: pd.DataFrame, name: str, *, dictionary: pd.DataFrame, caption: str | None = None,
                  settings: Settings | None = None) -> list[Path]:
    """Write a table of measures for R, Stata or pandas: `<name>.csv`, `<name>.parquet` and its data dictionary
    `<name>-dictionary.csv` (and `.md`); record them in the manifest.

    Parameters
    ----------
    table : one row per article (article_measures).
    name : file stem (letters, digits, '-', '_').
    dictionary : what each column is (measure_dictionary): `column`, `unit`, `how`.
    caption : what the table holds, for the manifest.
    settings : as for save_figure.

    Returns the paths written. Raises OutputRefused as save_figure does.
    """
    _check_name(name)
    settings = _settings(settings, "save_measures", name)
    missing = sorted(set(table.columns) - set(dictionary["column"]))
    if missing:
        raise ValueError(f"save_measures: the dictionary does not describe column(s) {missing}")
    files = {f"{name}.csv": _csv(table), f"{name}.parquet": _parquet(table),
             f"{name}-dictionary.csv": _csv(dictionary, float_format=None),
             f"{name}-dictionary.md": (_markdown(dictionary) + "\n").encode("utf-8")}
    return _save(name, files, caption, settings)


def save_coding_sheets(samples: dict[str, pd.DataFrame], *, name: str, settings: Settings | None = None) -> pd.DataFrame:
    """Write each sample's coding sheet into the output folder (`<name>-<measure>.csv`, `.xlsx` and
    `-codebook.md`, see analysis.sheets) and record them in the manifest.

    Parameters
    ----------
    samples : {measure: sample_for_coding's table}.
    name : the files' common stem, e.g. "07-coding".
    settings : as for save_figure.

    Returns one row per measure: `measure`, `units` (to code) and `files` (the sheet's file names).
    Raises OutputRefused as save_figure does.
    """
    from analysis.sheets import coding_sheet_files

    settings = _settings(settings, "save_coding_sheets", name)
    folder = OutputFolder.of(settings)
    folder.refuse_other_corpus()  # first: a folder of another corpus is named as such, not as a sheet coded in place
    rows = []
    for measure, sample in samples.items():
        if sample.empty:  # nothing to code: no sheet, and the table says so
            rows.append({"measure": measure, "units": 0, "files": "none: no units to code in this corpus"})
            continue
        stem = f"{name}-{measure}"
        _check_name(stem)
        files = coding_sheet_files(sample, stem, measure=measure)
        folder.refuse_to_overwrite_changed(list(files))  # a sheet coded in place keeps its codes
        caption = (f"Coding sheet for {measure}: {len(sample)} units drawn at random (stratified by group, seeded), "
                   "without the measure's verdict or the group; with its codebook.")
        folder.write(stem, files, caption=caption, notebook=settings.notebook)
        rows.append({"measure": measure, "units": len(sample), "files": ", ".join(files)})
    return pd.DataFrame(rows, columns=["measure", "units", "files"])


def _csv(table: pd.DataFrame, float_format: str | None = FLOAT_FORMAT) -> bytes:
    """The table as CSV, a text cell a spreadsheet would run as a formula neutralised (csv_cell)."""
    safe = text_cells(table, csv_cell)
    return safe.to_csv(index=False, lineterminator="\n", float_format=float_format).encode("utf-8")


def _parquet(table: pd.DataFrame) -> bytes:
    """The table as Parquet: the values exactly as computed, where the CSV has neutralised a formula-like cell."""
    data = io.BytesIO()
    table.to_parquet(data, index=False)
    return data.getvalue()


def _markdown(table: pd.DataFrame) -> str:
    """A pipe table whose cells are text, never a tag or a link, and whose '|' cannot split a row (markdown_cell)."""
    escaped = text_cells(table, markdown_cell)
    return escaped.to_markdown(index=False, floatfmt=".6g") if len(table.columns) else ""


class _VisibleFormatter(matplotlib.ticker.Formatter):
    """An axis's tick formatter whose labels are made visible (figure_text): category names and fixed labels come
    from the corpus, and an axis makes its tick labels anew at every draw."""

    def __init__(self, formatter: matplotlib.ticker.Formatter):
        self.formatter = formatter

    def __call__(self, x, pos=None):
        return _drawable(self.formatter(x, pos))

    def format_ticks(self, values):
        return [_drawable(label) for label in self.formatter.format_ticks(values)]

    def get_offset(self):
        return _drawable(self.formatter.get_offset())

    def __getattr__(self, name):  # everything else (set_locs, format_data, locs ...) is the formatter's own
        return getattr(self.__dict__["formatter"], name)


def _visible_figure_text(fig) -> None:
    """Make every text of the figure visible in place (figure_text), changing only the texts that need it: an
    axis's formatter is wrapped only when its labels would change, so a clean figure draws byte for byte as before."""
    for ax in fig.axes:
        for axis in (getattr(ax, name) for name in ("xaxis", "yaxis", "zaxis") if hasattr(ax, name)):
            for ticker, locations in ((axis.major, axis.get_majorticklocs()), (axis.minor, axis.get_minorticklocs())):
                labels = [str(label) for label in ticker.formatter.format_ticks(locations)]
                if not isinstance(ticker.formatter, _VisibleFormatter) and any(
                        _drawable(label) != label for label in labels):
                    ticker.formatter = _VisibleFormatter(ticker.formatter)
    for text in fig.findobj(matplotlib.text.Text):
        shown = text.get_text()
        if isinstance(shown, str) and _drawable(shown) != shown:
            text.set_text(_drawable(shown))


def _drawable(text: str) -> str:
    """figure_text, and '$' escaped when the text would be mathtext that does not parse (a corpus's "$5 and $x^$"
    would stop the save); mathtext that parses, such as a log axis's labels, is drawn as it is."""
    text = figure_text(text)
    if text.count("$") < 2 or not matplotlib.cbook.is_math_text(text):
        return text
    try:
        _MATHTEXT.parse(text)
    except ValueError:
        return text.replace("\\$", "$").replace("$", "\\$")
    return text


def _well_formed_svg(svg: bytes) -> bytes:
    """The SVG with any character XML forbids that reached it another way made visible: always well-formed."""
    text = svg.decode("utf-8")
    shown = visible_text(text)
    return svg if shown == text else shown.encode("utf-8")


def _visible_cell(value):
    """A text cell with its control characters made visible (visible_text); any other value as it is."""
    return visible_text(value) if isinstance(value, str) else value


def _latex_text(text: str) -> str:
    """Text with LaTeX's special characters escaped (pandas escapes the cells, not the caption) and its control
    characters made visible (visible_text: LaTeX stops at them, a terminal obeys them)."""
    text = visible_text(text)
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(special.get(character, character) for character in text)


#: The report: JupyterLab's HTML export without its scripts (require.js, MathJax and mermaid, fetched from a CDN
#: each time a report is opened; MathJax would typeset a corpus's `$...$`, \\href links included), and with a
#: Content Security Policy that lets the browser run no script and load nothing from elsewhere, whatever the
#: report holds: styles and the embedded figures (data: images) only.
REPORT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
font-src data:; base-uri 'none'; form-action 'none'">
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def save_report(notebook, name: str, *, folder: OutputFolder, inputs: str | None = None) -> Path:
    """Keep an executed notebook in the output folder: `reports/<name>.html` (self-contained, figures embedded)
    and `<name>.ipynb`.

    Parameters
    ----------
    notebook : an executed nbformat NotebookNode.
    name : file stem, the notebook's name ("01-corpus").
    folder : the output folder.
    inputs : the key of the notebook's inputs; given, the .ipynb keeps it with the outputs the notebook wrote
        (OutputFolder.report_stamp), for the next run's up-to-date check.

    The HTML is sanitised (analysis.escape.report_sanitiser): a tag or attribute the notebooks' own Markdown and
    tables do not use is shown as text, and JavaScript outputs are left out. It loads no script and nothing from
    the network, and forbids both to the browser (REPORT_TEMPLATE).

    Returns the path of the HTML.
    """
    import nbformat  # with nbconvert, a second and more to import; only the run command writes reports

    _check_name(name)
    if inputs is not None:
        notebook.metadata["analysis"] = folder.report_stamp(name, inputs)
    with _REPORT_EXPORTER_LOCK:
        html, _ = _report_exporter().from_notebook_node(notebook)
    text = io.StringIO()
    nbformat.write(notebook, text)
    return folder.write_report(name, html=html.encode("utf-8"), ipynb=text.getvalue().encode("utf-8"))


_REPORT_EXPORTER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _report_exporter():
    """The HTML exporter of every report of a process: made once, since each new one compiles its templates
    again (about a quarter of a report's time); used under _REPORT_EXPORTER_LOCK, one report at a time.

    Defence in depth: corpus text reaches a report escaped (markdown_text, pandas' HTML), and the report keeps
    only harmless HTML besides (report_sanitiser: no script, event handler, javascript: or data: link)."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(sanitize_html=True, filters={"clean_html": report_sanitiser()},
                        extra_loaders=[jinja2.DictLoader({"report.html.j2": REPORT_TEMPLATE})],
                        template_file="report.html.j2")


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '-' and '_' only")


def _settings(settings: Settings | None, saver: str, name: str) -> Settings:
    """The settings a save writes with: those given, else configure's, else the environment's; OutputRefused
    when none was given and nothing names the corpus, since its manifest entry would then name the seeds by guess."""
    if settings is not None:
        return settings
    if not corpus_named():
        guess = current_settings()
        raise OutputRefused(f"{saver}({name!r}): which corpus made it? No settings were given, an.configure was never "
                            f"called and ANALYSIS_CORPUS is not set, so {shown_path(guess.out)}/manifest.json would "
                            f"record {guess.corpus} by guess: pass settings=an.configure(corpus=PATH, out=DIR), or "
                            "call an.configure(corpus=PATH, out=DIR) first")
    return current_settings()


def _save(name: str, files: dict[str, bytes], caption: str | None, settings: Settings,
          folder: OutputFolder | None = None) -> list[Path]:
    """Ask the settings' output folder to write one manifest entry's files (name -> bytes, rendered beforehand)."""
    folder = folder or OutputFolder.of(settings)
    return folder.write(name, files, caption=caption, notebook=settings.notebook)
