"""Corpus text made inert for each format it lands in: nothing from a corpus is ever markup or code in an output.

A corpus is text written by strangers; its titles, group names, metadata values and passages reach figures
(SVG, PNG), CSV, Markdown and HTML that colleagues open in a spreadsheet or a browser. Each function here makes
text safe for one format and leaves every other character as it was, so ordinary text is unchanged byte for byte:

- `visible_text`: the characters that are invisible or that take control of a display (C0 controls but tab and
  newline, DEL, C1 controls, Unicode bidi overrides and isolates) and those no XML file may hold (lone
  surrogates, U+FFFE, U+FFFF) become visible: a C0 control its Unicode control picture ("\\x07" -> "␇"), DEL "␡",
  the rest U+FFFD "�"; in figures (figure_text) each of them is U+FFFD, which the figures' font has.
- `csv_cell`: a text cell a spreadsheet would read as a formula gets a leading "'" (OWASP, CSV injection).
- `markdown_text` / `markdown_cell`: HTML's special characters as entities and Markdown's link, code and
  emphasis syntax backslash-escaped, so no tag becomes live and no link or image is made of the text (a bare
  http(s) address may still be shown as a link by a renderer that links addresses, as GitHub does).
- `terminal_text`: a value as one line a terminal (or a notebook's warnings, whose ANSI codes Jupyter obeys)
  shows and never obeys: controls, bidi marks and line breaks as escapes (`\\x1b`, `\\u202e`, `\\n`).
- `report_sanitiser`: what an HTML report may keep of the HTML its notebooks show (the package's tables, the
  rendered Markdown): no script, no event handler, no link but http(s) and mailto.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

#: C0 controls but tab and newline as their Unicode control pictures (U+2400 + code), DEL as U+2421; C1 controls,
#: bidi embeddings, overrides and isolates (which can reverse a label), lone surrogates and the two characters XML
#: forbids (U+FFFE, U+FFFF) as U+FFFD.
_VISIBLE = {
    **{code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)},
    0x7F: 0x2421,
    **{code: 0xFFFD for code in range(0x80, 0xA0)},
    **{code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    **{code: 0xFFFD for code in range(0xD800, 0xE000)},
    0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD,
}
_REPLACED = dict.fromkeys(_VISIBLE, 0xFFFD)
#: Characters that start a formula in Excel, LibreOffice or Google Sheets (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A cell that is a plain decimal number ("-0.5", "+3", "-1e-3") is read as that number, never as a formula.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Markdown's syntax that can make a link, an image, code, emphasis or a heading, and the table's cell separator;
#: the backslash too, so an escape the text already holds cannot undo ours.
_MARKDOWN_SYNTAX = "\\`*_[]~|#"
_TABLE_SYNTAX = "\\`[]|"
_HTML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_WHITESPACE = {ord("\t"): " ", ord("\n"): " "}


def visible_text(text: str) -> str:
    """The text with every control, bidi-override and XML-invalid character made visible (see the module).

    Parameters
    ----------
    text : any text.

    Returns
    -------
    The text, unchanged when it holds none of those characters.
    """
    return text.translate(_VISIBLE)


def figure_text(text: str) -> str:
    """Text for a figure's title, label, tick label or legend: each character visible_text would change is U+FFFD
    "�" (the figures' font has no control pictures), tab and newline kept (a label may break its line), so that
    the SVG stays well-formed XML and no label can reverse itself.

    Parameters
    ----------
    text : a matplotlib Text's string.

    Returns
    -------
    The text to draw.
    """
    return text.translate(_REPLACED)


def csv_cell(value):
    """A cell as a CSV file may hold it: text whose first character is '=', '+', '-', '@', tab or carriage return
    gets a leading "'", unless the whole cell is a plain decimal number ("-0.5"), which a spreadsheet reads as a
    number; a carriage return inside text is written as a newline (Python's CSV writer quotes a cell with a newline,
    not one with a bare carriage return, which readers take for the end of the row). Numbers, dates and missing
    values are returned as they are.

    Parameters
    ----------
    value : a cell or column name.

    Returns
    -------
    The value to write.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def markdown_text(value) -> str:
    """A value (a group name, a title, a lexicon's word) to interpolate into Markdown prose: on one line (tab and
    newline as spaces), visible_text, '&', '<' and '>' as HTML entities, and the Markdown syntax characters
    \\ ` * _ [ ] ~ | # escaped with a backslash. Renders as the text itself, never as a tag, a Markdown link
    or emphasis (a renderer may still link a bare http(s) address).

    Parameters
    ----------
    value : anything; shown as str(value).

    Returns
    -------
    The Markdown source.
    """
    text = visible_text(str(value).translate(_WHITESPACE)).translate(_HTML)
    return "".join("\\" + character if character in _MARKDOWN_SYNTAX else character for character in text)


def markdown_cell(value):
    """A cell (or column name) of a Markdown pipe table: on one line (a newline would end the row), visible_text,
    '&', '<' and '>' as HTML entities and \\ ` [ ] | escaped with a backslash; emphasis characters are kept
    (doc_id and column names hold '_'). Non-text values are returned as they are, for the table's number format.

    Parameters
    ----------
    value : a cell.

    Returns
    -------
    The value to write.
    """
    if not isinstance(value, str):
        return value
    text = visible_text(value.replace("\n", " ")).translate(_HTML)
    return "".join("\\" + character if character in _TABLE_SYNTAX else character for character in text)


def text_cells(table: pd.DataFrame, escape) -> pd.DataFrame:
    """A copy of the table with `escape` applied to every text cell and column name; numeric, boolean and date
    columns are kept as they are (with their dtype), so their written form does not change.

    Parameters
    ----------
    table : any table (not changed).
    escape : a function of one value (csv_cell, markdown_cell) that returns non-text values unchanged.

    Returns
    -------
    The new table.
    """
    updates = {}
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if pd.api.types.is_string_dtype(column) or column.dtype == object or isinstance(column.dtype,
                                                                                    pd.CategoricalDtype):
            escaped = column.astype(object).map(escape)
            if not escaped.equals(column.astype(object)):
                updates[position] = escaped
    escaped = table.copy()
    for position, column in updates.items():
        escaped.isetitem(position, column)
    escaped.columns = [escape(name) for name in table.columns]
    return escaped


#: The HTML a report keeps: what the notebooks' Markdown renders to, the package's and pandas' tables (with their
#: <style>), and the highlighted code; anything else is shown as text (escaped), not dropped, so a reader sees it.
#: No <img>: the figures are image outputs the template embeds itself, and an image from the outputs' HTML would
#: fetch a URL when the report is opened.
REPORT_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
               "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "mark",
               "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "style", "sub", "summary", "sup",
               "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"]
REPORT_ATTRIBUTES = {"*": ["class", "id", "title", "style", "align"], "a": ["href"],
                     "th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"], "table": ["border"],
                     "ol": ["start"]}


@lru_cache(maxsize=1)
def report_sanitiser():
    """nbconvert's HTML sanitiser (bleach) allowing REPORT_TAGS and REPORT_ATTRIBUTES: links only to http, https,
    mailto and within the page (no javascript: or data:), style attributes only with bleach's safe CSS properties.
    Built once per process.

    Returns
    -------
    A function of an HTML string that returns it sanitised.
    """
    from nbconvert.preprocessors.sanitize import SanitizeHTML  # nbconvert is imported only to write reports

    return SanitizeHTML(tags=REPORT_TAGS, attributes=REPORT_ATTRIBUTES, strip=False).sanitize_html_tags


#: What never reaches the terminal raw, and how it is shown instead: C0 controls (tab, newline and carriage return
#: as \t, \n, \r), DEL and C1 controls as \xNN (ESC as \x1b); the invisible marks that reorder or break a line
#: (bidi marks, embeddings, overrides, isolates; line and paragraph separators) and lone surrogates (an undecodable
#: file name) as \uNNNN.
_TERMINAL = {
    **{code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))},
    ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r",
    **{code: f"\\u{code:04x}" for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                          0x2028, 0x2029, *range(0xD800, 0xE000))},
}


def terminal_text(value: object) -> str:
    """A value as one line the terminal shows and never obeys: control characters, bidi overrides and line breaks
    written as escapes (ESC as `\\x1b`, U+202E as `\\u202e`, newline as `\\n`); every other character as
    it is.

    Parameters
    ----------
    value : what to print (its str); may hold corpus text: a file name, a warning, an error message.
    """
    return str(value).translate(_TERMINAL)
