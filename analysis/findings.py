"""Findings written from the tables the figures use, so they are true for any corpus and after any change.

Each `*_findings` function takes tables the notebook already holds and returns
Markdown (an `IPython.display.Markdown`, which the notebook displays; `.data`
is the text). A difference between groups is called a difference only where
`compare_groups` supports it (q < ALPHA), and named only where neither side is
a single article nor fewer than MIN_SENTENCES sentences (the others are
counted); counts and sample sizes are stated, and the caveats follow the data
(single-article groups, thin quotation, undated articles). A group is named as
the figure shows it: a group the figure leaves out (past its largest groups) is
marked "not in the figure". Every name that comes from the corpus or a lexicon
(groups, the group column, frames, word families, speaker groups, cleaning
rules) goes through analysis.escape.markdown_text: it shows as text, never as a
tag, a link or emphasis.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from analysis.escape import markdown_text as _md
from analysis.measures.stats import MIN_ARTICLES_FOR_INTERVAL, sign_test
from analysis.plots.corpus import voice_groups
from analysis.plots.framing import frame_share_groups, speaker_groups
from analysis.plots.sentiment import sentence_sentiment_groups
from analysis.plots.terminology import term_rate_groups
from analysis.tables import RESIDUAL_CATEGORIES

ALPHA = 0.05  # false discovery rate at which a difference is reported
THIN_WORDS = 100  # quoted rates on fewer words are marked as thin
SHOWN = 5  # comparisons listed by name; the rest are counted
#: A difference is named only when each side has this many articles: with one, it is a difference between articles.
MIN_ARTICLES = 2
#: ... and this many sentences: a mean of fewer moves with any one of them.
MIN_SENTENCES = 20
#: How a group the figure leaves out is marked wherever the Findings name it.
NOT_SHOWN = " (not in the figure)"


def _count(n: int, noun: str) -> str:
    """'1 article', '3 articles': a corpus of one article is as legal as one of thousands."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(values, limit: int = 4, shown=None) -> str:
    """'a, b, c, d and 3 more': the groups the figure shows first, any other marked NOT_SHOWN."""
    values = list(values)
    if shown is not None:
        values = sorted(values, key=lambda value: value not in shown)  # stable: shown first, in the given order
    listed = ", ".join(_group(value, shown) for value in values[:limit])
    return listed + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _group(value, shown=None) -> str:
    """A group's name as Markdown text, marked NOT_SHOWN when `shown` (the figure's groups) leaves it out."""
    return _md(value) + NOT_SHOWN if _left_out(value, shown) else _md(value)


def _left_out(value, shown) -> bool:
    """Whether `shown` (the figure's groups; None: all) leaves the group out; "rest" is no group."""
    return shown is not None and value not in shown and str(value) != "rest"


def _single_article_caveat(articles_per_group: pd.Series) -> str:
    """What single-article groups and groups too small for an interval mean for the Findings; '' for neither."""
    single = articles_per_group[articles_per_group == 1]
    small = articles_per_group[articles_per_group < MIN_ARTICLES_FOR_INTERVAL]
    fewer = f"fewer than {MIN_ARTICLES_FOR_INTERVAL} articles"
    if len(articles_per_group) == 1 and len(single):
        return f"**The corpus is one article**: it has no interval ({fewer}); nothing is compared."
    if len(single) and len(single) == len(articles_per_group):
        return ("**Every group is one article**: a difference between groups is a difference between articles, so "
                f"no difference is named, and no group has an interval ({fewer}).")
    parts = []
    if len(single):
        parts.append(f"**{len(single)} of {len(articles_per_group)} groups are a single article** "
                     f"({_names(single.index)}): no difference resting on one of them is named.")
    if len(small) > len(single):
        parts.append(f"**{len(small)} of {len(articles_per_group)} groups have {fewer}**: they have no interval "
                     "(open markers in the figures), since a bootstrap over so few articles gives one narrower "
                     "than a large group's.")
    return " ".join(parts)


def _side_sizes(comparisons: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The articles and sentences of the smaller side of each comparison (compare_groups' `articles_*` and
    `sentences_*`; a table without them: a side permuted by sentence counts as one article)."""
    if {"articles_a", "articles_b", "sentences_a", "sentences_b"} <= set(comparisons.columns):
        return (comparisons[["articles_a", "articles_b"]].min(axis=1),
                comparisons[["sentences_a", "sentences_b"]].min(axis=1))
    by_sentence = comparisons["resampled"] == "sentences"
    smaller = comparisons[["n_a", "n_b"]].min(axis=1)
    return (smaller.where(~by_sentence, 1), smaller.where(by_sentence, float("inf")))


def _why_not_named(comparisons: pd.DataFrame) -> pd.Series:
    """Per comparison, why it cannot be named ("one article", "few sentences"), or "" when it can: a side of
    fewer than MIN_ARTICLES articles or of fewer than MIN_SENTENCES sentences."""
    articles, sentences = _side_sizes(comparisons)
    reasons = ["one article" if a < MIN_ARTICLES else "few sentences" if n < MIN_SENTENCES else ""
               for a, n in zip(articles, sentences)]
    return pd.Series(reasons, index=comparisons.index, dtype="str")


def _not_named(reasons: pd.Series) -> str:
    """' **13 of the 14 are not named**: 12 rest on a group of one article (...), 1 rests on a side of fewer than
    20 sentences.' for the supported differences `reasons` (_why_not_named) keeps from being named; '' for none."""
    one, few = int((reasons == "one article").sum()), int((reasons == "few sentences").sum())
    if not one + few:
        return ""
    if len(reasons) == 1:
        return (" **It is not named**: it rests on " + ("a group of one article (a difference between articles)."
                if one else f"a side of fewer than {MIN_SENTENCES} sentences."))
    head = "None is named" if one + few == len(reasons) else f"{one + few} of the {len(reasons)} are not named"
    why = [f"{one} {'rests' if one == 1 else 'rest'} on a group of one article (a difference between articles)"
           if one else "", f"{few} {'rests' if few == 1 else 'rest'} on a side of fewer than {MIN_SENTENCES} sentences"
           if few else ""]
    return f" **{head}**: {', '.join(part for part in why if part)}."


def _figure(shown: list, total: int, what: str) -> str:
    """'the figure shows the 25 of 47 groups with the most sentences' ('' when it shows every group)."""
    return "" if len(shown) >= total else f"the figure shows the {len(shown)} of {total} groups with the most {what}"


def _interval(row, label: str = "95% interval ") -> str:
    """'95% interval -0.60 to -0.20', or 'no interval: fewer than 5 articles' for a group without one."""
    said = str(row.get("resampled", "") or "")
    if said.startswith("none") or pd.isna(row["low"]):
        return f"no interval: {said.partition(': ')[2] or 'none'}"
    return f"{label}{row['low']:+.2f} to {row['high']:+.2f}"


def compared(comparisons: pd.DataFrame, *, by: str, what: str, digits: int = 2, scale: float = 1.0) -> str:
    """One paragraph on what `compare_groups` supports: the differences with q < ALPHA, or that none is; a
    difference resting on a single-article group or on fewer than MIN_SENTENCES sentences is counted, not named.

    Parameters
    ----------
    comparisons : table from compare_groups.
    by : the group column it compared.
    what : the measure in words ("mean VADER compound per sentence").
    digits : decimals of the means shown.
    scale : factor applied to the means (1000 for rates per 1,000 words).
    """
    return _compared(comparisons, by=by, what=what, digits=digits, scale=scale)


def _compared(comparisons: pd.DataFrame, *, by: str, what: str, digits: int = 2, scale: float = 1.0,
              shown=None, figure: str = "") -> str:
    """compared(), naming as the figure does: a group not in `shown` (the figure's groups; None: all) is marked
    NOT_SHOWN, and `figure` says which groups the figure shows."""
    if comparisons.empty:
        return f"*{what}: fewer than two groups, nothing to compare.*"
    # A measure no group has (no match anywhere) is not a null result of a test: say what it is.
    if {"mean_a", "mean_b"} <= set(comparisons.columns) and not (
            comparisons[["mean_a", "mean_b"]].fillna(0).to_numpy() != 0).any():
        return f"*{what}: zero in every group, nothing to compare.*"
    tested = comparisons[comparisons["p"].notna()]
    supported = tested[tested["q"] < ALPHA].sort_values(["q", "difference"], kind="stable")
    method = (f"{len(tested)} comparisons of {_md(by)} ({'pairs' if (comparisons[f'{by}_b'] != 'rest').all() else 'each against the rest'}), "
              f"permutation tests with Benjamini-Hochberg q-values")
    sentences = int((tested["resampled"] == "sentences").sum())
    caveat = (f" {sentences} of them {'permutes' if sentences == 1 else 'permute'} sentences because a side has a "
              "single article." if sentences else "")
    if supported.empty:
        smallest = tested["q"].min() if len(tested) else float("nan")
        return (f"**{what}: no difference between groups is supported** (smallest q = {smallest:.3f}; {method}).{caveat}")
    reasons = _why_not_named(supported)
    named = supported[reasons == ""]
    lines = [f"**{what}: {len(supported)} of {len(tested)} comparisons differ at q < {ALPHA}** ({method}).{caveat}"
             f"{_not_named(reasons)}"]
    hidden = [group for row in named.head(SHOWN).itertuples(index=False)
              for group in (getattr(row, f"{by}_a"), getattr(row, f"{by}_b")) if _left_out(group, shown)]
    if hidden and figure:
        lines[0] += f" A group marked *not in the figure* is left out of it ({figure})."
    for row in named.head(SHOWN).itertuples(index=False):
        a, b = _group(getattr(row, f"{by}_a"), shown), _group(getattr(row, f"{by}_b"), shown)
        size = "" if pd.isna(row.effect_size) else f", Hedges' g = {row.effect_size:.2f}"
        lines.append(f"- {a} ({row.mean_a * scale:.{digits}f}, n = {row.n_a} {row.resampled}) vs {b} "
                     f"({row.mean_b * scale:.{digits}f}, n = {row.n_b}): difference {row.difference * scale:+.{digits}f}"
                     f"{size}, q = {row.q:.3f}")
    if len(named) > SHOWN:
        lines.append(f"- and {len(named) - SHOWN} more (see the comparisons table)")
    return "\n".join(lines)


def corpus_findings(sizes: pd.DataFrame, removal_counts: pd.DataFrame, voice: pd.DataFrame,
                    coverage: pd.DataFrame, *, by: str = "outlet") -> Markdown:
    """Findings of notebook 01: what the corpus is, what cleaning removed, how much is quotation, when it was published.

    Parameters
    ----------
    sizes : table from describe_articles.
    removal_counts : table from count_removals.
    voice : table from voice_shares.
    coverage : table from coverage_over_time.
    by : the group column.
    """
    per_group = sizes.groupby(by)["doc_id"].nunique()
    words = sizes["words"]
    spread = (f"{_count(per_group.min(), 'article')} per group" if per_group.min() == per_group.max()
              else f"{per_group.min()} to {per_group.max()} articles per group")
    bodies = (f"a body of {_count(words.min(), 'word')}" if len(sizes) == 1
              else f"bodies of {words.min()} to {words.max()} words (median {words.median():.0f})")
    parts = [f"- **The corpus:** {_count(len(sizes), 'article')} from {_count(len(per_group), 'group')} of {_md(by)} "
             f"({spread}); {bodies}."]
    if len(removal_counts):
        rules = removal_counts.groupby("rule")["n"].sum().sort_values(ascending=False, kind="stable")
        lines = removal_counts.groupby(by)["n"].sum().sort_values(ascending=False, kind="stable")
        top = ", ".join(f"{_md(str(rule).replace('_', ' '))} ({n})" for rule, n in rules.head(3).items())
        parts.append(f"- **Cleaning removed {_count(int(rules.sum()), 'line')}** by {_count(len(rules), 'rule')}, "
                     f"most by {top}; most from {_md(lines.index[0])} ({_count(int(lines.iloc[0]), 'line')}).")
    else:
        parts.append("- **Cleaning removed no line.**")
    # The lowest and highest are named among the groups the quotation figure (plot_voice) shows.
    shown = voice_groups(voice, by=by)
    ranked = voice[voice[by].isin(shown)].sort_values("quoted_share", kind="stable")
    among = (f"of {len(ranked)} groups" if len(ranked) == len(voice)
             else f"among the {len(ranked)} of {len(voice)} groups with the most words, which the quotation figure shows")
    if not (voice["quoted_share"] > 0).any():
        parts.append("- **Quotation:** none; every body is in its outlet's own voice.")
    elif len(voice) == 1:
        parts.append(f"- **Quotation** is {ranked['quoted_share'].iloc[0]:.0%} of the body characters in "
                     f"{_md(ranked[by].iloc[0])} (the only group).")
    elif not (ranked["quoted_share"] > 0).any():
        quoting = int((voice["quoted_share"] > 0).sum())
        parts.append(f"- **Quotation:** none {among}; {_count(quoting, 'group')} not shown there quote.")
    else:
        parts.append(f"- **Quotation** is {ranked['quoted_share'].iloc[0]:.0%} of the body characters in "
                     f"{_md(ranked[by].iloc[0])} and {ranked['quoted_share'].iloc[-1]:.0%} in {_md(ranked[by].iloc[-1])} "
                     f"(the lowest and highest {among}).")
    dated = coverage[coverage["period"].notna()]
    undated = int(coverage.loc[coverage["period"].isna(), "articles"].sum())
    if len(dated):
        first, last = dated["period"].min(), dated["period"].max()
        span = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
        since = ""
        if "event_period" in dated.columns:
            during = dated[dated["event_period"].astype(bool)]
            label = f" ({during['period'].iloc[0]:%Y-%m-%d} on)" if len(during) else ""
            since = f"; {int(during['articles'].sum())} in the period that contains the event{label}"
        parts.append(f"- **Dates:** {_count(int(dated['articles'].sum()), 'dated article')}, {span}{since}; "
                     f"{undated} undated.")
    else:
        parts.append(f"- **Dates:** none of the {undated} articles is dated; coverage over time cannot be shown.")
    caveat = _single_article_caveat(per_group)
    return Markdown("\n".join(parts) + (f"\n\n{caveat}" if caveat else ""))


def terminology_findings(totals: pd.DataFrame, rates: pd.DataFrame, comparisons: pd.DataFrame, *,
                         by: str = "outlet") -> Markdown:
    """Findings of notebook 02: which words for the event and for Soleimani each group uses, and what differs.

    Parameters
    ----------
    totals : table from family_totals.
    rates : table from term_rates (for the quoted words behind each rate).
    comparisons : compare_groups of the event words per word (own voice), from count_per_sentence.
    by : the group column.
    """
    groups = totals[by].nunique()
    parts = []
    for concept, label in (("event", "Words for the event"), ("label", "Labels for Soleimani")):
        used = totals[(totals["concept"] == concept) & (totals["n"] > 0)]
        if used.empty:
            parts.append(f"- **{label}:** none found.")
            continue
        families = used.groupby("family").agg(n=("n", "sum"), quoted=("n_quoted", "sum"), groups=(by, "nunique"))
        families = families.sort_values(["n", "groups"], ascending=False, kind="stable")
        listed = "; ".join(f"*{_md(family)}* {row.n} ({row.quoted} quoted, {row.groups} of {groups} groups)"
                           for family, row in families.head(5).iterrows())
        parts.append(f"- **{label}** (matches, of which inside quotation marks, and groups using the family): {listed}.")
    # The groups of the figure of event words, which these Findings go with.
    event = rates[rates["concept"] == "event"]
    shown = term_rate_groups(event, by=by)
    quoted_words = rates[(rates["voice"] == "quoted")].groupby(by)["words"].max()
    unquoted = quoted_words[quoted_words == 0]
    if len(unquoted):
        parts.append(f"- **No quotation** in {len(unquoted)} of {len(quoted_words)} groups "
                     f"({_names(unquoted.index, shown=shown)}): they have no quoted rates.")
    thin = quoted_words[(quoted_words > 0) & (quoted_words < THIN_WORDS)]
    if len(thin):
        parts.append(f"- **Thin:** quoted rates of {len(thin)} of {len(quoted_words)} groups rest on fewer than "
                     f"{THIN_WORDS} quoted words ({_names(thin.index, shown=shown)}); read them as counts, not rates.")
    parts.append("")
    parts.append(_compared(comparisons, by=by, what="Words for the event per 1,000 words in the outlet's own voice",
                           scale=1000, digits=1, shown=shown, figure=_figure(shown, event[by].nunique(), "words")))
    return Markdown("\n".join(parts))


def sentiment_findings(summary: pd.DataFrame, comparisons: pd.DataFrame, names_effect: pd.DataFrame, *,
                       by: str = "outlet") -> Markdown:
    """Findings of notebook 03: mean sentence sentiment per group, what differs, and how much names move it.

    Parameters
    ----------
    summary : table from summarize_sentiment.
    comparisons : compare_groups of `compound` over all sentences.
    names_effect : compare_masked of the scores with and without names (its `change` column).
    by : the group column.
    """
    every = summary[summary["voice"] == "all"]
    # The extremes and the widest quotation gap are named among the groups the sentence figure shows.
    shown = sentence_sentiment_groups(summary, by=by) or sorted(every[by])
    overall = every[every[by].isin(shown)].sort_values("mean_compound", kind="stable")
    low, high = overall.iloc[0], overall.iloc[-1]
    if len(every) == 1:
        parts = [f"- **Mean VADER compound per sentence** is {low['mean_compound']:+.2f} in {_md(low[by])}, the only group "
                 f"({_interval(low)}, n = {low['sentences']} sentences)."]
    else:
        among = "" if len(overall) == len(every) else f" among the {len(overall)} groups the figure shows"
        parts = [f"- **Mean VADER compound per sentence** runs from {low['mean_compound']:+.2f} ({_md(low[by])}, "
                 f"{_interval(low)}, n = {low['sentences']} sentences) to "
                 f"{high['mean_compound']:+.2f} ({_md(high[by])}, {_interval(high, '')}, "
                 f"n = {high['sentences']}){among}; {int((every['mean_compound'] < 0).sum())} of {len(every)} groups "
                 f"are below zero."]
    parts += _quotation_gap(summary, by=by, shown=shown)
    if len(names_effect):
        shift = names_effect["change"]
        moved = (f"move the mean by {shift.iloc[0]:+.2f}" if len(shift) == 1
                 else f"move group means by {shift.min():+.2f} to {shift.max():+.2f}")
        parts.append(f"- **Names in VADER's lexicon** {moved} when kept out of the score.")
    parts.append("")
    parts.append(_compared(comparisons, by=by, what="Mean VADER compound per sentence", shown=shown,
                           figure=_figure(shown, len(every), "sentences")))
    caveat = _single_article_caveat(every.set_index(by)["articles"])
    return Markdown("\n".join(parts) + (f"\n\n{caveat}" if caveat else ""))


def _quotation_gap(summary: pd.DataFrame, *, by: str, shown: list) -> list[str]:
    """The bullet on the group whose quoted sentences differ most in tone from its own voice, among the `shown`
    groups with MIN_SENTENCES sentences in each voice; or that no group has them."""
    voices = summary.pivot_table(index=by, columns="voice", values="mean_compound", observed=True)
    if not {"own", "quoted"} <= set(voices.columns):
        return []
    gap = (voices["quoted"] - voices["own"]).dropna()
    if gap.empty:
        return []
    counts = summary.pivot_table(index=by, columns="voice", values="sentences", observed=True)
    enough = counts.reindex(gap.index)[["own", "quoted"]].min(axis=1) >= MIN_SENTENCES
    gap = gap[enough & gap.index.isin(shown)]
    if gap.empty:
        return [f"- **Quotation and tone:** no group {'the figure shows ' if len(shown) < len(voices) else ''}has "
                f"{MIN_SENTENCES} sentences in each voice; the gap between quoted sentences and its own voice is not "
                "named."]
    widest = gap.abs().idxmax()
    return [f"- **Quotation changes the tone most in {_md(widest)}:** quoted sentences average "
            f"{voices.loc[widest, 'quoted']:+.2f}, its own voice {voices.loc[widest, 'own']:+.2f} "
            f"(n = {int(counts.loc[widest, 'quoted'])} and {int(counts.loc[widest, 'own'])} sentences; groups with "
            f"{MIN_SENTENCES} or more in each voice)."]


def framing_findings(frames: pd.DataFrame, forms: pd.DataFrame, voices: pd.DataFrame, comparisons: pd.DataFrame, *,
                     frame: str, by: str = "outlet") -> Markdown:
    """Findings of notebook 04: the frames each group leans on, who acts in the killing, whose words are quoted.

    Parameters
    ----------
    frames : table from frame_shares (sentence level).
    forms : table from agency_shares.
    voices : table from quoted_words_by_speaker.
    comparisons : compare_groups of the share of sentences with a cue of `frame`.
    frame : the frame compared.
    by : the group column.
    """
    parts = []
    used = frames[frames["n"] > 0]
    # The groups of the frames figure, which the comparisons go with.
    shown = frame_share_groups(frames, by=by) if len(frames) else []
    if used.empty:
        parts.append("- **Frames:** no sentence carries a frame cue.")
    else:
        leading = used.sort_values(["share", "n"], ascending=False, kind="stable").groupby(by, sort=True).head(1)
        listed_rows = leading[leading[by].isin(shown)].head(8)
        listed = "; ".join(f"{_md(row[by])}: *{_md(row['frame'])}* ({row['share']:.0%} of {row['sentences']} sentences)"
                           for _, row in listed_rows.iterrows())
        more = (f" ({len(leading) - len(listed_rows)} more groups in the table"
                f"{', not all in the figure' if len(shown) < frames[by].nunique() else ''})"
                if len(leading) > len(listed_rows) else "")
        parts.append(f"- **The frame each group uses most** (share of its sentences with a cue): {listed}{more}.")
    mentions = forms.groupby("form", observed=True)["n"].sum()
    if mentions.sum():
        named = int(mentions.get("active", 0) + mentions.get("passive_agent", 0))
        parts.append(f"- **Agency:** of {int(mentions.sum())} mentions of the killing, {named} have a grammatical agent "
                     f"(active, or passive with 'by': a person, a state or a weapon) and {int(mentions.sum()) - named} "
                     f"hide it (agentless passive or the event as a noun).")
    else:
        parts.append("- **Agency:** no sentence mentions the killing.")
    # Residual groups ("other", "unattributed", ...) say whose words they are not, so they lead no group here.
    quoted = voices[(voices["quoted_words"] > 0) & ~voices["speaker_group"].isin(RESIDUAL_CATEGORIES)]
    if len(quoted):
        top = quoted.sort_values("quoted_words", ascending=False, kind="stable").groupby(by, sort=True).head(1)
        speaking = speaker_groups(voices, by=by)
        listed_rows = top[top[by].isin(speaking)].head(8)
        listed = "; ".join(f"{_md(row[by])}: {_md(row['speaker_group'])} ({row['quoted_word_share']:.0%})"
                           for _, row in listed_rows.iterrows())
        more = (f" ({len(top) - len(listed_rows)} more groups in the table"
                f"{', not all in the figure' if len(speaking) < voices[by].nunique() else ''})"
                if len(top) > len(listed_rows) else "")
        parts.append(f"- **The named speaker group quoted most** (its share of the group's quoted words): {listed}{more}.")
    else:
        parts.append("- **Speakers:** no quoted words are attributed to a named speaker group.")
    parts.append("")
    parts.append(_compared(comparisons, by=by, what=f"Share of sentences with a cue of the *{_md(frame)}* frame", digits=2,
                           shown=shown, figure=_figure(shown, frames[by].nunique(), "sentences")))
    return Markdown("\n".join(parts))


def measures_findings(measures: pd.DataFrame, sections: pd.DataFrame, *, by: str = "outlet") -> Markdown:
    """Findings of notebook 06: what the table of measures holds, and each headline against its own body.

    Parameters
    ----------
    measures : table from article_measures.
    sections : article_measures(..., by_section=True).
    by : the group column.
    """
    rates = [c for c in measures.columns if c.startswith("rate_")]
    parts = [f"- **The table:** {_count(len(measures), 'article')} × {len(measures.columns)} columns "
             f"({len(rates)} term rates, "
             f"{sum(c.startswith('frame_') for c in measures.columns)} frames, "
             f"{sum(c.startswith('agency_') for c in measures.columns)} agency forms, "
             f"{sum(c.startswith('speaker_') for c in measures.columns)} speaker groups), grouped by {_md(by)} "
             f"into {_count(measures[by].nunique(), 'group')}."]
    missing = int(measures["compound_quoted"].isna().sum())
    parts.append(f"- **Quoted sentiment** is missing for {missing} of {len(measures)} articles: they quote no "
                 f"sentence (empty, not zero).")
    paired = sections.pivot_table(index="doc_id", columns="section", values="compound_own", observed=True)
    if {"title", "body"} <= set(paired.columns):
        gaps = (paired["title"] - paired["body"]).dropna()
        below, above = int((gaps < 0).sum()), int((gaps > 0).sum())
        parts.append(f"- **Headline vs its own body** (own voice, {len(gaps)} articles with both): the headline is "
                     f"more negative in {below}, more positive in {above} (mean difference {gaps.mean():+.2f}; "
                     f"two-sided sign test {_p(sign_test(below, above))}).")
    else:
        parts.append("- **Headlines:** no article has both a headline and a body sentence in its own voice.")
    return Markdown("\n".join(parts))


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
