"""The validation notebooks' reports: notebook 05's table of agreement with public human judgement, and
notebook 07's coding status and the Findings of the corrected estimates.

The Findings are written from the tables, so they stay true on any data and after any change. A group's name
comes from the corpus: it goes into the Markdown through analysis.escape.markdown_text, as text, never as a tag or
a link.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.escape import markdown_text
from analysis.figures import save_figure
from analysis.measures.coding import MEASURES
from analysis.measures.corrected import ranking_agreement
from analysis.measures.validation import missing_data, trust_table
from analysis.plots.validation import plot_validation
from analysis.settings import Settings

CAPTION = ("Agreement of each measure with public human judgement (blue, with 95% bootstrap interval) beside the "
           "published reference or the target (orange): VADER vs NYT ratings, sentence splitting vs the Golden Rules, "
           "generic frames vs trained coders (nested cross-validation), cleaning vs hand-labelled lines, speaker groups "
           "vs a hand check.")


def save_validation(table: pd.DataFrame, *, settings: Settings | None = None) -> list[Path]:
    """Save the validation figure and its numbers, only when every data set was found: a partial validation
    must not replace a complete one (a user's clone without ../shared writes nothing).

    Parameters
    ----------
    table : from validate_all.
    settings : as for save_figure.

    Returns the paths written.
    """
    measured = table[table["metric"] != "missing"]
    if missing_data(table) or measured.empty:
        return []
    ax = plot_validation(measured)
    paths = save_figure(ax.figure, "05-validation", data=measured, caption=CAPTION, settings=settings)
    return paths


def validation_findings(table: pd.DataFrame) -> str:
    """The Findings of notebook 05 in Markdown: what was missing, the table, and where a measure falls short.

    Parameters
    ----------
    table : from validate_all.

    Returns the Markdown text.
    """
    parts = ["## Findings", ""]
    missing = missing_data(table)
    if missing:
        parts += [f"- **Not checked here** (data folder not found; nothing is saved until all are there): {', '.join(f'`{m}`' for m in missing)}. "
                  "Set `VALIDATION_DATA` to the folder that holds them.", ""]
    measured = table[table["metric"] != "missing"]
    if measured.empty:
        parts.append("No data set was found, so no measure was checked.")
        return "\n".join(parts) + "\n"
    parts += [trust_table(measured), ""]
    short = measured[measured["reference_value"].notna() & (measured["value"] < measured["reference_value"])]
    for record in short.itertuples(index=False):
        overlap = record.high >= record.reference_value if record.high == record.high else False
        parts.append(f"- **{record.measure}, {record.metric}:** {record.value:.3f} against {record.reference}"
                     + (" (the interval reaches the reference)." if overlap else " (below it, beyond the interval)."))
    above = measured[measured["reference_value"].notna() & (measured["value"] >= measured["reference_value"])]
    if len(above):
        parts.append("- **At or above the reference:** " + "; ".join(
            f"{r.measure} ({r.metric}, {r.value:.3f})" for r in above.itertuples(index=False)) + ".")
    return "\n".join(parts) + "\n"


def show_validation(table: pd.DataFrame):
    """validation_findings as rendered Markdown in a notebook.

    Parameters
    ----------
    table : from validate_all.

    Returns an IPython.display.Markdown object.
    """
    from IPython.display import Markdown

    return Markdown(validation_findings(table))


#: What each coded measure's corrected estimate is the share of, for the Findings and the figures.
SHARE_OF = {
    "tone": "sentences the coders call negative",
    "frames": "articles the coders say use the frame",
    "target": "mentions the coders call negative toward the actor",
    "attribution": "attributions the coders say are none",
}
SHOWN = 5  # differences named per verdict; the rest are counted
#: A difference is named only where each side has this many articles and units (as the other notebooks' Findings).
MIN_ARTICLES, MIN_UNITS = 2, 20
#: Groups whose corrected estimate rests on fewer coded units are left out of the rank correlation: their
#: estimates are mostly noise (and say so by their intervals).
MIN_CODED_TO_RANK = 5


def coding_status(codes: pd.DataFrame, samples: dict[str, pd.DataFrame], *, sheets: pd.DataFrame | None = None):
    """What is coded so far, or, with nothing coded, how to code the sheets and run notebook 07 again.

    Parameters
    ----------
    codes : read_coded_sheets' table (empty when nothing is coded).
    samples : {measure: sample_for_coding's table}.
    sheets : save_coding_sheets' table (the files written), to name them.

    Returns an IPython.display.Markdown object.
    """
    from IPython.display import Markdown

    # The XLSX is the file to hand a coder; a measure with nothing to code has none.
    files = {row.measure: row.files.split(", ")[1] for row in sheets.itertuples() if row.units} \
        if sheets is not None else {}
    listed = "; ".join(f"{measure}: {len(sample)} units" + (f" (`{files[measure]}`)" if measure in files else "")
                       for measure, sample in samples.items())
    if codes.empty:
        return Markdown("\n".join([
            "**Nothing is coded yet**, so no agreement is measured and no estimate is corrected. "
            f"The coding sheets are in the output folder: {listed}.", "",
            "1. Give each coder a copy of a sheet (`.xlsx`, or the `.csv`) and its `-codebook.md`. Each writes their "
            "name in `coder` and codes every row in the given order, without looking up the outlet (the sheets "
            "hide it). Let two or more coders code the same units, at least in part, so that their agreement can "
            "be measured.",
            "2. Put the filled sheets in one folder, e.g. `codes/` (any file names; each sheet says its measure).",
            "3. Run this notebook again with the same corpus, grouping and sample: `python -m analysis run --only 07 "
            "--corpus CORPUS --group GROUP --out OUT --codes codes/`, or set `CODES` in the parameters cell. The "
            "same corpus and seed draw the same sample, so the sheets' unit ids meet their units again.",
        ]))
    lines = []
    for measure, rows in codes.groupby("measure", sort=False):
        units = rows["unit_id"].nunique()
        lines.append(f"- **{markdown_text(measure)}**: {len(rows)} codes from {rows['coder'].nunique()} coder(s) on {units} of the "
                     f"{len(samples.get(measure, rows))} units sampled")
    missing = [measure for measure in samples if measure not in set(codes["measure"])]
    if missing:
        lines.append(f"- not coded: {', '.join(map(markdown_text, missing))} (the figures and Findings below leave them out)")
    return Markdown("\n".join(["**Codes read**", "", *lines]))


def correction_findings(estimates: dict[str, pd.DataFrame], conclusions: dict[str, pd.DataFrame],
                        agreement: pd.DataFrame, coders: pd.DataFrame, *, by: str):
    """The Findings of notebook 07: how far the coders agree, how far the measure agrees with them, and which
    of the measure's conclusions survive the correction.

    Parameters
    ----------
    estimates : {measure: corrected_by_question's table}.
    conclusions : {measure: conclusions_by_question's table}.
    agreement : agreement_by_measure's table (the measure against the coders).
    coders : coder_agreement's table per measure, with a `measure` column (empty with one coder).
    by : the group column.

    Returns an IPython.display.Markdown object.
    """
    from IPython.display import Markdown

    parts = ["## Findings", ""]
    coded = {m: table for m, table in estimates.items() if len(table) and table["coded"].sum() > 0}
    if not coded:
        parts.append("Nothing is coded yet: the estimates above are the measures alone, as in notebooks 03 and 04, "
                     "and how far they can be trusted on this corpus is not known. Code the sheets (see above).")
        return Markdown("\n".join(parts) + "\n")
    for measure, table in coded.items():
        parts += _measure_findings(measure, table, conclusions.get(measure), agreement, coders, by=by) + [""]
    parts.append("*What the corrected estimate means:* the share the coders would give if they coded every unit of "
                 "the group with the same codebook; valid however biased the measure, as long as the coded units are "
                 "the random sample drawn here and were coded blind.")
    return Markdown("\n".join(parts) + "\n")


def _measure_findings(measure: str, table: pd.DataFrame, conclusions: pd.DataFrame | None, agreement: pd.DataFrame,
                      coders: pd.DataFrame, *, by: str) -> list[str]:
    """The Findings' paragraph for one measure."""
    questions = list(dict.fromkeys(table["question"]))
    head = (f"**{measure.capitalize()}** (share of {SHARE_OF[measure]}): {int(table['coded'].sum() / len(questions))} "
            f"units coded of {int(table['units'].sum() / len(questions))}, in {table[by].nunique()} groups.")
    lines = [head]
    among = coders[(coders["measure"] == measure) & (coders["coder_a"] == "all")] if len(coders) else coders
    if len(among) and among["alpha"].notna().any():
        lines.append("- Coders agree at Krippendorff's alpha " + ", ".join(
            f"{row.alpha:.2f} ({row.question})" if len(questions) > 1 else f"{row.alpha:.2f}"
            for row in among.itertuples() if row.alpha == row.alpha)
            + " (0.8 is good, 0.667 the floor for tentative conclusions).")
    else:
        lines.append("- Coder agreement is not measured: no unit was coded by two coders.")
    overall = agreement[(agreement["measure"] == measure) & (agreement[by] == "all")] if len(agreement) else agreement
    if len(overall):
        lines.append("- The measure against the coders' majority: macro-F1 " + ", ".join(
            f"{row.macro_f1:.2f}" + (f" ({row.question})" if len(questions) > 1 else "") for row in overall.itertuples())
            + " (per group in the agreement table above: error that differs between groups biases comparisons).")
    for question in questions:
        rows = table[(table["question"] == question) & table["estimate"].notna()]
        label = f" {question}:" if len(questions) > 1 else ""
        outside = rows[(rows["naive"] < rows["low"]) | (rows["naive"] > rows["high"])]
        ranked = rows[rows["coded"] >= MIN_CODED_TO_RANK]
        rho = ranking_agreement(ranked)
        lines.append(f"-{label} The measure alone lies outside the corrected 95% interval in {len(outside)} of "
                     f"{len(rows)} coded groups" + (f" ({_listed(outside[by])})" if len(outside) else "")
                     + f"; the correction moves a group's share by {float((rows['estimate'] - rows['naive']).abs().mean()):.2f}"
                     f" on average (largest {float((rows['estimate'] - rows['naive']).abs().max()):.2f})"
                     + (f"; over the {len(ranked)} groups with at least {MIN_CODED_TO_RANK} coded units, the order by "
                        f"the measure alone and the corrected order agree at Spearman {rho:.2f}." if rho == rho else
                        f"; fewer than three groups have {MIN_CODED_TO_RANK} coded units, too few to compare orders."))
        lines.append("  " + _verdicts(conclusions, question, table[table["question"] == question], by=by))
    return lines


def _verdicts(conclusions: pd.DataFrame | None, question: str, table: pd.DataFrame, *, by: str) -> str:
    """Which of the measure's supported differences hold, reverse or fall after correction (named only where both
    sides have MIN_ARTICLES articles and MIN_UNITS units; counted otherwise)."""
    rows = conclusions[conclusions["question"] == question] if conclusions is not None and len(conclusions) else None
    if rows is None or rows.empty:
        return "No difference between groups is supported by the measure alone or after correction (q < 0.05)."
    size = table.set_index(by)
    rows = rows.assign(namable=[
        all(side == "rest" or (side in size.index and size.loc[side, "articles"] >= MIN_ARTICLES
                               and size.loc[side, "units"] >= MIN_UNITS) for side in (a, b))
        for a, b in zip(rows[f"{by}_a"], rows[f"{by}_b"])])
    said = []
    for verdict in ("holds", "reversed", "not supported after correction", "not checked: a side has no coded units",
                    "only after correction"):
        chosen = rows[rows["verdict"] == verdict]
        if chosen.empty:
            continue
        named = chosen[chosen["namable"]]
        pairs = [f"{markdown_text(a)} vs {markdown_text(b)} ({d:+.2f}, 95% {lo:+.2f} to {hi:+.2f})" for a, b, d, lo, hi in
                 zip(named[f"{by}_a"], named[f"{by}_b"], named["difference"], named["low"], named["high"])][:SHOWN]
        rest = len(chosen) - len(pairs)
        unnamed = (f"on a single article or fewer than {MIN_UNITS} units"
                   + (f", or past the first {SHOWN}" if len(named) > SHOWN else ""))
        said.append(f"{len(chosen)} {verdict}" + (f": {'; '.join(pairs)}" if pairs else "")
                    + ((f" (and {rest} more, {unnamed})" if pairs else f" (not named: {unnamed})") if rest else ""))
    naive = int((rows["verdict"] != "only after correction").sum())
    if not naive:
        return "The measure alone supports no difference between groups (q < 0.05); " + "; ".join(said) + "."
    return (f"Of the {naive} difference{'s' if naive > 1 else ''} the measure alone supports (q < 0.05): "
            + "; ".join(said) + ".")


def _listed(values, limit: int = 4) -> str:
    values = [markdown_text(value) for value in values]
    return ", ".join(values[:limit]) + (f" and {len(values) - limit} more" if len(values) > limit else "")
