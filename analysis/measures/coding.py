"""Hand coding a random sample of your own corpus: which units, which codes, and the sample itself.

A measure is validated, and its group estimates corrected (corrected.py), on units that people coded
without seeing the machine's label. Everything that follows rests on the sample being random with known
inclusion probabilities, so the sample is drawn here, seeded, and records each unit's probability.

The codes a coder may give, per measure (the codebooks in analysis/data/codebook-*.md define them):

| measure | unit | questions | codes |
|---|---|---|---|
| tone | sentence | tone | negative, neutral, positive |
| frames | article | the five generic frames | yes, no |
| target | mention (a named person or actor in its sentence) | target | negative, neutral, positive |
| attribution | attribution of speech | speaker_group | the speaker groups, other, not an attribution |
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.measures.article_frames import GENERIC_FRAMES
from analysis.measures.stats import SEED
from analysis.tables import By, by_columns, require_by, require_columns


@dataclass(frozen=True)
class CodedMeasure:
    """What coders code for one measure: the unit, the questions asked of each unit, the allowed codes."""

    name: str
    unit: str
    questions: tuple[str, ...]
    codes: tuple[str, ...]
    #: The code whose share the corrected estimates give (negative tone; a frame used).
    positive_code: str


TONE_CODES = ("negative", "neutral", "positive")
SPEAKER_GROUPS = ("US officials", "Iranian officials", "Iraqi officials", "Russian officials", "Chinese officials",
                  "other governments", "UN", "experts", "media", "unnamed sources", "other")

MEASURES = {
    "tone": CodedMeasure("tone", "sentence", ("tone",), TONE_CODES, "negative"),
    "frames": CodedMeasure("frames", "article", GENERIC_FRAMES, ("yes", "no"), "yes"),
    "target": CodedMeasure("target", "mention", ("target",), TONE_CODES, "negative"),
    "attribution": CodedMeasure("attribution", "attribution", ("speaker_group",),
                                SPEAKER_GROUPS + ("not an attribution",), "not an attribution"),
}

#: The columns that identify each kind of unit, and that unit_ids builds its id from.
UNIT_KEYS = {
    "article": ("doc_id",),
    "sentence": ("doc_id", "sent_id"),
    "mention": ("doc_id", "sent_id", "mention_start"),
    "attribution": ("doc_id", "sent_id", "speaker"),
}


def coded_measure(measure: str) -> CodedMeasure:
    """The definition of `measure` ("tone", "frames", "target" or "attribution"); a ValueError names the choices."""
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r} cannot be hand coded; choose one of {sorted(MEASURES)}")
    return MEASURES[measure]


def unit_ids(table: pd.DataFrame, unit: str) -> pd.Series:
    """Each row's unit id: "u" and 16 hexadecimal digits of a hash of the columns that identify the unit
    (`doc_id` for an article; with `sent_id` for a sentence; and `mention_start` for a mention; and `speaker`
    for an attribution). The same row always gets the same id, so codes read back from a sheet meet the
    machine's predictions on it; and the id tells a coder nothing (a `doc_id` such as "foxnews-017" would
    name the outlet on a sheet meant to hide it)."""
    if unit not in UNIT_KEYS:
        raise ValueError(f"unit {unit!r}: choose one of {sorted(UNIT_KEYS)}")
    keys = UNIT_KEYS[unit]
    require_columns(table, keys, f"unit ids of {unit}s")
    parts = [table[key].astype("str") for key in keys]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    ids = ["u" + hashlib.blake2b((unit + "\x1f" + key).encode("utf-8"), digest_size=8).hexdigest() for key in joined]
    return pd.Series(ids, index=table.index, dtype="str", name="unit_id")


def sample_for_coding(
    table: pd.DataFrame,
    *,
    measure: str,
    n: int | float,
    by: By | None = None,
    unit: str | None = None,
    seed: int = SEED,
) -> pd.DataFrame:
    """A seeded random sample of units to code by hand, stratified by group, with each unit's inclusion probability.

    Parameters
    ----------
    table : the units to sample from: articles (`load_articles`) for "frames", sentences (`split_sentences`
        or `score_sentences`) for "tone", mentions (`target_mentions`) for "target", attributions with
        their sentence's `text` for "attribution".
    measure : "tone", "frames", "target" or "attribution" (see MEASURES).
    n : how many units: a whole number is the sample's size, shared between the groups in proportion to their
        size (largest remainders) with at least one unit per group; a fraction between 0 and 1 is the share of
        each group's units (rounded up, so every group gets at least one).
    by : the group column(s) to stratify by (None: one stratum).
    unit : the unit to sample, if you want to state it: it must be the measure's ("article", "sentence",
        "mention" or "attribution").
    seed : seed of the draw; a unit is drawn by a hash of the seed and its id, so the sample does not depend
        on the table's row order, and adding a group (or a unit) leaves the others' draws as they were.

    Returns one row per sampled unit, in a random order for the coders (`order`, 1..n): `unit_id`, `measure`,
    `unit`, `doc_id`, the `by` columns, the unit's identifying columns, `text` (what the coder reads),
    `context_before` and `context_after` (the sentences around a sentence or mention, else ""), `target` and
    `mention` for mentions, `inclusion_probability` (the unit's chance of being drawn: its group's sample size
    over its group's units), `stratum_units` and `order`.
    """
    definition = coded_measure(measure)
    unit = unit or definition.unit
    if unit != definition.unit:
        raise ValueError(f"sample_for_coding: measure {measure!r} is coded per {definition.unit}, not per {unit}")
    require_columns(table, (*UNIT_KEYS[unit], "text"), "sample_for_coding")
    groups = require_by(table, by, "sample_for_coding") if by is not None else []
    units = table.assign(unit_id=unit_ids(table, unit))
    if unit == "mention":
        require_columns(table, ("target", "mention", "mention_end"), "sample_for_coding")
    repeated = units["unit_id"].duplicated()
    if repeated.any():
        raise ValueError(f"sample_for_coding: {int(repeated.sum())} rows repeat a unit "
                         f"(e.g. {units.loc[repeated, 'unit_id'].iloc[0]!r}); give one row per {unit}")
    units = _with_context(units, unit)
    columns = ["unit_id", "measure", "unit", "doc_id", *[c for c in groups if c != "doc_id"],
               *[c for c in UNIT_KEYS[unit] if c != "doc_id"],
               *[c for c in ("target", "mention", "mention_end", "title") if c in units.columns and c not in groups],
               "text", "context_before", "context_after", "inclusion_probability", "stratum_units", "order"]
    columns = list(dict.fromkeys(columns))
    if units.empty:  # nothing to code (a corpus that never names an actor has no mentions)
        return units.assign(measure=measure, unit=unit, inclusion_probability=np.nan, stratum_units=0, order=0)[columns]
    strata = units.groupby(groups, sort=True).indices if groups else {"all": np.arange(len(units))}
    sizes = _allocate(n, [len(positions) for positions in strata.values()])
    # Each unit's draw is a hash of the seed and its id: the `size` smallest of a stratum are a simple random
    # sample of it (bottom-k of independent uniform keys), the same whatever the table's row order, and adding
    # a unit to a group changes the group's sample only where the new unit's key is among the smallest.
    keys = _keys(units["unit_id"], seed, "sample")
    picked, probabilities, stratum_units = [], [], []
    for (key, positions), size in zip(strata.items(), sizes):
        chosen = np.sort(positions[np.argsort(keys[positions], kind="stable")[:size]])
        picked.append(chosen)
        probabilities.append(np.full(size, size / len(positions)))
        stratum_units.append(np.full(size, len(positions)))
    sample = units.iloc[np.concatenate(picked)].reset_index(drop=True).assign(
        inclusion_probability=np.concatenate(probabilities), stratum_units=np.concatenate(stratum_units))
    order = np.argsort(np.argsort(_keys(sample["unit_id"], seed, "order"), kind="stable"), kind="stable") + 1
    sample = sample.assign(order=order, measure=measure, unit=unit)
    return sample[columns].sort_values("order", ignore_index=True)


def _keys(ids: pd.Series, seed: int, purpose: str) -> np.ndarray:
    """A pseudo-random number in [0, 2^64) per unit id, from the seed and the purpose ("sample", "order")."""
    return np.array([int.from_bytes(hashlib.blake2b(f"{seed}\x1f{purpose}\x1f{unit_id}".encode("utf-8"),
                                                    digest_size=8).digest(), "big") for unit_id in ids],
                    dtype=np.uint64)


def _allocate(n: int | float, sizes: list[int]) -> list[int]:
    """How many units each stratum gives: a fraction of each, or `n` shared in proportion (at least one each)."""
    total = sum(sizes)
    if isinstance(n, (float, np.floating)) and not float(n).is_integer():
        if not 0 < n < 1:
            raise ValueError(f"sample_for_coding: n={n!r}: give a whole number of units or a fraction between 0 and 1")
        return [min(size, max(1, math.ceil(n * size))) for size in sizes]
    n = int(n)
    if n < len(sizes) or n < 1:
        raise ValueError(f"sample_for_coding: n={n} is fewer than the {len(sizes)} groups to stratify by; "
                         "code at least one unit per group (or pass a fraction, e.g. n=0.2)")
    if n >= total:
        return list(sizes)
    # One unit per group first, the rest in proportion to what each group has left (largest remainders).
    base = [1] * len(sizes)
    spare = [size - 1 for size in sizes]
    share = [(n - len(sizes)) * s / max(sum(spare), 1) for s in spare]
    extra = [math.floor(x) for x in share]
    left = n - len(sizes) - sum(extra)
    for index in sorted(range(len(sizes)), key=lambda i: (extra[i] - share[i], i))[:left]:
        extra[index] += 1
    return [min(size, b + e) for size, b, e in zip(sizes, base, extra)]


def _with_context(units: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The text a coder reads, and for sentences and mentions the sentence before and after in the article."""
    if unit == "article":
        title = units["title"].fillna("").astype("str") if "title" in units.columns else ""
        text = (title + "\n\n" + units["text"].fillna("").astype("str")).str.strip() if "title" in units.columns \
            else units["text"].fillna("").astype("str")
        return units.assign(text=text, context_before="", context_after="")
    sentences = units.drop_duplicates(["doc_id", "sent_id"])[["doc_id", "sent_id", "text"]]
    sentences = sentences.sort_values(["doc_id", "sent_id"], kind="stable")
    same_doc_before = sentences["doc_id"].eq(sentences["doc_id"].shift(1))
    same_doc_after = sentences["doc_id"].eq(sentences["doc_id"].shift(-1))
    context = sentences.assign(
        context_before=sentences["text"].shift(1).where(same_doc_before, "").fillna(""),
        context_after=sentences["text"].shift(-1).where(same_doc_after, "").fillna(""),
    )[["doc_id", "sent_id", "context_before", "context_after"]]
    return units.merge(context, on=["doc_id", "sent_id"], how="left", validate="many_to_one")


def majority_codes(codes: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """The coders' verdict on each unit and question, from a tidy table of codes (`read_codes`).

    Parameters
    ----------
    codes : one row per unit, coder and question: `unit_id`, `coder`, `question`, `code` (rows without a code
        are left out).
    measure : the measure coded (decides which code counts as the positive one).

    Returns one row per unit and question: `unit_id`, `question`, `coders` (how many coded it), `majority`
    (the most frequent code; ties broken by the codebook's order of codes, and `tied` says so), `tied`, and
    `code_share` (the share of the unit's coders who gave the measure's positive code: 1 or 0 with one coder,
    0.5 when two disagree), the value the corrected estimates average.
    """
    definition = coded_measure(measure)
    require_columns(codes, ("unit_id", "coder", "question", "code"), "majority_codes")
    coded = codes[codes["code"].notna() & codes["code"].astype("str").str.strip().ne("")]
    rank = {code: position for position, code in enumerate(definition.codes)}
    counts = (coded.groupby(["unit_id", "question", "code"], sort=True).size().rename("n").reset_index()
              .assign(rank=lambda t: t["code"].map(rank).fillna(len(rank))))
    counts = counts.sort_values(["unit_id", "question", "n", "rank"], ascending=[True, True, False, True])
    top = counts.groupby(["unit_id", "question"], sort=True).head(2)
    first = top.groupby(["unit_id", "question"], sort=True).nth(0).set_index(["unit_id", "question"])
    second = top.groupby(["unit_id", "question"], sort=True).nth(1).set_index(["unit_id", "question"])
    tied = pd.Series(False, index=first.index)
    tied.loc[second.index] = second["n"].to_numpy() == first.loc[second.index, "n"].to_numpy()
    summary = coded.assign(positive=coded["code"].eq(definition.positive_code).astype(float))
    summary = summary.groupby(["unit_id", "question"], sort=True).agg(coders=("coder", "nunique"),
                                                                      code_share=("positive", "mean"))
    result = summary.assign(majority=first["code"], tied=tied).reset_index()
    return result[["unit_id", "question", "coders", "majority", "tied", "code_share"]]


#: VADER's own thresholds on the compound score (Hutto & Gilbert 2014), as the notebooks use them.
VADER_NEGATIVE, VADER_POSITIVE = -0.05, 0.05


def machine_labels(table: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """The measure's own verdict on each unit, in the codebook's words, beside its unit id.

    Parameters
    ----------
    table : the measure's table: scored sentences (`score_sentences`) for "tone", `article_frames` for "frames"
        (its generic rows), `target_mentions` for "target", attributions for "attribution".
    measure : "tone", "frames", "target" or "attribution".

    Returns one row per unit and question: `unit_id`, `question`, the table's other columns, `prediction` (the
    measure's code: VADER's compound ≤ −0.05 negative, ≥ 0.05 positive; a frame "yes" when `present`; the target
    model's `label`; the attribution's `speaker_group`) and `score` (the probability of the positive code where
    the measure gives one: the frame model's probability, the target model's p_negative; else NaN).
    """
    definition = coded_measure(measure)
    if measure == "tone":
        require_columns(table, ("compound",), "machine_labels")
        compound = table["compound"].astype(float)
        label = np.where(compound <= VADER_NEGATIVE, "negative", np.where(compound >= VADER_POSITIVE, "positive", "neutral"))
        labelled = table.assign(question="tone", prediction=label, score=np.nan)
    elif measure == "frames":
        require_columns(table, ("frame", "present", "score"), "machine_labels")
        generic = table[table["frame"].isin(definition.questions)] if "kind" not in table.columns \
            else table[table["kind"] == "generic"]
        labelled = generic.assign(question=generic["frame"], prediction=np.where(generic["present"], "yes", "no"))
    elif measure == "target":
        require_columns(table, ("label", "p_negative"), "machine_labels")
        labelled = table.assign(question="target", prediction=table["label"].astype("str"), score=table["p_negative"])
    else:
        require_columns(table, ("speaker_group",), "machine_labels")
        known = table["speaker_group"].isin(definition.codes)
        labelled = table.assign(question="speaker_group", prediction=table["speaker_group"].where(known, "other"),
                                score=np.nan)
    return labelled.assign(unit_id=unit_ids(labelled, definition.unit))


def coding_units(table: pd.DataFrame, codes: pd.DataFrame | None, *, measure: str,
                 sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every unit of the corpus with the measure's verdict and, where people coded it, theirs: the table that
    `corrected_estimates` and `measure_agreement` take.

    Parameters
    ----------
    table : the measure's table (see machine_labels).
    codes : the codes read back (`read_codes`: `unit_id`, `coder`, `question`, `code`; with a `measure` column,
        only this measure's rows are used), or None / empty when nothing is coded yet.
    measure : "tone", "frames", "target" or "attribution".
    sample : the sample the codes were drawn with (sample_for_coding); its `inclusion_probability` is kept for
        the sampled units, so that estimates over several strata (a group against "the rest") weigh each coded
        unit by how likely it was to be drawn.

    Returns machine_labels' table with `machine` (1 where the measure gives the positive code, e.g. negative
    tone, a frame used; else 0), `human` (the share of the unit's coders who gave the positive code; missing
    where the unit was not coded), `coders` (0 where uncoded), `majority`, `tied` and, with a sample,
    `inclusion_probability`. A coded unit the table does not hold is an error naming up to five ids (the codes
    belong to another corpus or sample), and so is a unit the table holds twice.
    """
    definition = coded_measure(measure)
    units = machine_labels(table, measure=measure)
    repeated = units.duplicated(["unit_id", "question"])
    if repeated.any():
        raise ValueError(f"coding_units: {int(repeated.sum())} row(s) of the {measure} table repeat a unit "
                         f"(e.g. doc_id {units.loc[repeated, 'doc_id'].iloc[0]!r}); give one row per {definition.unit}")
    if sample is not None:
        require_columns(sample, ("unit_id", "inclusion_probability"), "coding_units")
        units = units.merge(sample[["unit_id", "inclusion_probability"]], on="unit_id", how="left",
                            validate="many_to_one")
    units = units.assign(machine=(units["prediction"] == definition.positive_code).astype(float))
    if codes is not None and "measure" in codes.columns:
        codes = codes[codes["measure"] == measure]
    if codes is None or codes.empty:
        return units.assign(human=np.nan, coders=0, majority=pd.Series(pd.NA, index=units.index, dtype="str"),
                            tied=False)
    verdicts = majority_codes(codes, measure=measure)
    unknown = ~verdicts.set_index(["unit_id", "question"]).index.isin(units.set_index(["unit_id", "question"]).index)
    if unknown.any():
        missing = list(verdicts.loc[unknown, "unit_id"].unique()[:5])
        raise ValueError(f"coding_units: {int(unknown.sum())} coded unit(s) are not in this corpus's {measure} table "
                         f"(e.g. {missing}); were the sheets drawn from another corpus or grouping?")
    merged = units.merge(verdicts.rename(columns={"code_share": "human"}), on=["unit_id", "question"], how="left",
                         validate="one_to_one")
    return merged.assign(coders=merged["coders"].fillna(0).astype(int), tied=merged["tied"].fillna(False).astype(bool))
