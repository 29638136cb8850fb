"""Notebook 05's report: the validation table as Markdown with its findings, and its saved figure and table.

The Findings are written from the table, so they stay true on any data and after any change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.figures import save_figure
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
