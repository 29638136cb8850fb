"""Notebook 07's verbs: every question of a coded measure corrected, compared and checked against the coders.

Each takes the units table of one measure (`coding_units`: `machine`, `human`, `prediction`, `score`,
`question`, the group columns) and works question by question (the five generic frames are five questions).
With nothing coded they return their empty table, so the notebook runs the same before and after coding.
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.agreement import coder_agreement, measure_agreement
from analysis.measures.compare import compare_groups
from analysis.measures.corrected import conclusions_after_correction, corrected_estimates
from analysis.measures.stats import SEED
from analysis.tables import require_columns


def corrected_by_question(units: pd.DataFrame, *, by: str, level: float = 0.95, seed: int = SEED) -> pd.DataFrame:
    """corrected_estimates of the share of units the coders give the measure's positive code, per question.

    Parameters
    ----------
    units : coding_units' table.
    by : the group column.
    level : the intervals' coverage.
    seed : seed of the naive bootstrap.

    Returns `question`, then corrected_estimates' columns (one row per question and group).
    """
    require_columns(units, ("question", "machine", "human", "doc_id"), "corrected_by_question")
    weights = _probability(units)
    tables = [corrected_estimates(rows, prediction="machine", code="human", by=by, level=level, seed=seed,
                                  probability=weights).assign(question=question)
              for question, rows in units.groupby("question", sort=False)]
    if not tables:  # no unit at all (a corpus that never names an actor): the empty table, with its columns
        tables = [corrected_estimates(units, prediction="machine", code="human", by=by).assign(question=pd.Series(dtype="str"))]
    table = pd.concat(tables, ignore_index=True)
    return table[["question", *[c for c in table.columns if c != "question"]]]


def conclusions_by_question(units: pd.DataFrame, *, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """Which differences between groups the measure alone supports, and what becomes of them after correction.

    Parameters
    ----------
    units : coding_units' table.
    by : the group column.
    alpha : the false discovery rate at which a difference counts as supported.

    Returns `question`, then conclusions_after_correction's columns; empty when no unit is coded.
    """
    require_columns(units, ("question", "machine", "human", "doc_id"), "conclusions_by_question")
    tables = []
    for question, rows in units.groupby("question", sort=False):
        if rows["human"].notna().sum() == 0 or rows[by].nunique() < 2:
            continue
        naive = compare_groups(rows, by=by, value="machine")
        corrected = compare_groups(rows, by=by, value="machine", codes="human", probability=_probability(units))
        tables.append(conclusions_after_correction(naive, corrected, by=by, alpha=alpha).assign(question=question))
    columns = ["question", f"{by}_a", f"{by}_b", "naive_difference", "naive_q", "difference", "low", "high", "q",
               "verdict"]
    return pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)


def _probability(units: pd.DataFrame) -> str | None:
    """The inclusion probabilities' column, where coding_units was given the sample."""
    return "inclusion_probability" if "inclusion_probability" in units.columns else None


def agreement_by_measure(units: dict[str, pd.DataFrame], codes: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """measure_agreement for every coded measure: the measure against the coders' majority, overall and per group.

    Parameters
    ----------
    units : {measure: coding_units' table}.
    codes : the codes read back, with a `measure` column (read_coded_sheets).
    by : the group column.

    Returns `measure`, then measure_agreement's columns; empty when nothing is coded.
    """
    tables = []
    for measure, table in units.items():
        coded = codes[codes["measure"] == measure] if "measure" in codes.columns else codes.iloc[0:0]
        if coded.empty:
            continue
        tables.append(measure_agreement(table, coded.drop(columns="measure"), measure=measure, by=by)
                      .assign(measure=measure))
    if not tables:
        return pd.DataFrame(columns=["measure", "question", by, "units", "macro_f1", "accuracy", "kappa"])
    table = pd.concat(tables, ignore_index=True)
    return table[["measure", *[c for c in table.columns if c != "measure"]]]


def coder_agreement_by_measure(codes: pd.DataFrame) -> pd.DataFrame:
    """coder_agreement for every coded measure (Krippendorff's alpha over all coders and per pair, per question).

    Parameters
    ----------
    codes : the codes read back, with a `measure` column (read_coded_sheets).

    Returns `measure`, then coder_agreement's columns; empty when nothing is coded.
    """
    tables = [coder_agreement(rows[["unit_id", "coder", "question", "code"]], measure=measure,
                              level="ordinal" if measure in ("tone", "target") else "nominal").assign(measure=measure)
              for measure, rows in codes.groupby("measure", sort=False)] if "measure" in codes.columns else []
    if not tables:
        return pd.DataFrame(columns=["measure", "question", "coder_a", "coder_b", "units", "alpha"])
    table = pd.concat(tables, ignore_index=True)
    return table[["measure", *[c for c in table.columns if c != "measure"]]]
