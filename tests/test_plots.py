"""Every plot function draws what its table says: values, labels, the n behind them, on the Axes it is given."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.figure  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
import analysis.plots.parts  # noqa: E402,F401  (the package imports lazily: an.plots exists once imported)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def _ticks(labels) -> list[str]:
    return [label.get_text() for label in labels]


def _cells(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


def _widths(ax) -> list[float]:
    return [round(patch.get_width(), 6) for patch in ax.patches]


# -- shared parts -----------------------------------------------------------------------------

def test_category_colours_give_named_categories_distinct_colours_and_residual_ones_grey():
    colours = an.plots.parts.category_colours(["Russian officials", "media", "other", "unattributed"])
    assert len({colours["Russian officials"], colours["media"], colours["other"]}) == 3
    assert colours["other"] == "#DDDDDD" and colours["unattributed"] == "#FFFFFF"


def test_text_on_a_dark_cell_is_white_and_on_a_light_cell_black():
    assert an.plots.parts.text_colour("#08306b") == "white"
    assert an.plots.parts.text_colour("#f7fbff") == "black"


def test_the_annotated_heatmap_colours_and_labels_every_cell_it_is_given():
    _, ax = plt.subplots()
    an.plots.parts.annotated_heatmap(ax, np.array([[1.0, np.nan], [3.0, 0.0]]), [["1", ""], ["3", "0"]],
                                     rows=["a", "b"], columns=["x", "y"])
    assert _texts(ax) == ["1", "3", "0"]
    assert _cells(ax).tolist() == [[1.0, 0.0], [3.0, 0.0]]  # NaN drawn as the lowest colour
    assert ax.images[0].get_clim() == (0.0, 3.75)
    assert _ticks(ax.get_yticklabels()) == ["a", "b"]


def test_stacked_bars_start_each_segment_where_the_last_ended():
    _, ax = plt.subplots()
    shares = pd.DataFrame({"p": [20.0, 50.0], "q": [80.0, 50.0]}, index=["A", "B"])
    an.plots.parts.stacked_bars(ax, shares, row_labels=["A", "B"], colours={"p": "#000000", "q": "#ffffff"})
    assert [(round(p.get_x()), round(p.get_width())) for p in ax.patches] == [(0, 20), (0, 50), (20, 80), (50, 50)]
    assert _texts(ax) == ["20%", "50%", "80%", "50%"]


def test_house_style_as_a_decorator_sets_the_style_inside_the_function_and_restores_it_after():
    from analysis.plots.style import RC, house_style

    @house_style()
    def font_size():
        return matplotlib.rcParams["font.size"]

    with matplotlib.rc_context({"font.size": 7}):
        assert (font_size(), font_size(), matplotlib.rcParams["font.size"]) == (RC["font.size"], RC["font.size"], 7)


def test_facet_draws_one_panel_per_value_with_the_one_panel_plot_and_hides_the_rest():
    drawn = []

    def plot_one(data, *, group, by, ax=None):
        drawn.append((group, by, ax))
        ax.set_title(f"{group}: {len(data)}")
        return ax

    table = pd.DataFrame({"outlet": ["A", "B", "C"]})
    fig, axes = an.plots.parts.facet(plot_one, table, panel="group", values=["A", "B", "C"], columns=2,
                                     size=(3.0, 2.0), by="outlet")
    assert [(group, by) for group, by, _ in drawn] == [("A", "outlet"), ("B", "outlet"), ("C", "outlet")]
    assert [ax for _, _, ax in drawn] == axes and [ax.get_title() for ax in axes] == ["A: 3", "B: 3", "C: 3"]
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, False]
    assert tuple(fig.get_size_inches()) == (3.0 * 2 + 2.2, 2.0 * 2 + 1.0)


# -- notebook 01 ------------------------------------------------------------------------------

def test_plot_removals_writes_each_count_in_its_cell_and_the_lines_per_group_on_the_axes_given():
    counts = pd.DataFrame({"outlet": ["X", "X", "Y"], "rule": ["advertisement", "read_link", "advertisement"], "n": [2, 1, 5]})
    fig, given = plt.subplots()
    ax = an.plot_removals(counts, ax=given)
    assert ax is given and fig.axes == [given]
    assert sorted(_texts(ax)) == ["1", "2", "5"]
    labels = _ticks(ax.get_yticklabels()) + _ticks(ax.get_xticklabels())
    assert "X\n(3 lines)" in labels and "Y\n(5 lines)" in labels


def test_plot_voice_draws_both_shares_and_the_n_of_each_group():
    shares = pd.DataFrame({"desk": ["a", "b"], "articles": [2, 1], "sentences": [10, 4], "words": [200, 80],
                           "quoted_share": [0.25, 0.5], "own_share": [0.75, 0.5]})
    ax = an.plot_voice(shares, by="desk")
    assert sorted(_widths(ax)) == [25.0, 50.0, 50.0, 75.0]
    assert _ticks(ax.get_yticklabels())[0] == "a\n(n = 2 art., 10 sent., 200 words)"
    assert "50% quoted" in _texts(ax)


# -- notebook 02 ------------------------------------------------------------------------------

@pytest.fixture
def rates():
    rows = []
    for group, own_words, quoted_words in (("A", 1000, 100), ("B", 500, 0)):
        for family, own_n, quoted_n in (("killing", 4, 1), ("murder", 0, 0)):
            rows.append((group, "event", family, "own", own_n, own_words, 1000 * own_n / own_words, 1.0, 7.0))
            rows.append((group, "event", family, "quoted", quoted_n, quoted_words,
                         1000 * quoted_n / quoted_words if quoted_words else np.nan, 0.0, 20.0))
    return pd.DataFrame(rows, columns=["outlet", "concept", "family", "voice", "n", "words", "per_1k", "low", "high"])


def test_plot_term_rates_draws_each_rate_at_its_group_with_the_n_in_the_title(rates):
    ax = an.plot_term_rates(rates, family="killing")
    own = ax.lines[0].get_data()
    assert list(own[0]) == [4.0, 8.0]  # A: 4 per 1,000 of 1,000 own words; B: 4 of 500
    assert ax.get_title() == "killing\n(n = 8 own, 2 quoted)"
    assert _ticks(ax.get_yticklabels()) == ["B\n(500 + 0 q. words)", "A\n(1000 + 100 q. words)"]


def test_plot_term_rates_grid_draws_a_panel_per_family_in_use_and_says_how_many_groups_it_shows(rates):
    fig = an.plot_term_rates_grid(rates, max_groups=1)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split("\n")[0] for ax in visible] == ["killing"]  # "murder" has no match
    assert fig._suptitle.get_text().split("\n")[-1] == "1 of 2 groups shown (those with the most words)"
    assert "Terms for the event" in fig._suptitle.get_text()  # the title comes from analysis/data/concepts.csv


def test_plot_family_counts_writes_matches_with_the_quoted_ones_and_colours_the_rate():
    totals = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "concept": "label", "family": ["general", "terrorist"] * 2,
                           "n_own": [3, 0, 1, 0], "n_quoted": [1, 0, 0, 0], "n": [4, 0, 1, 0], "words": [400, 400, 100, 100],
                           "per_1k": [10.0, 0.0, 10.0, 0.0]})
    ax = an.plot_family_counts(totals, concept="label")
    assert _texts(ax) == ["4\n(1 quoted)", "1"]
    assert _cells(ax).tolist() == [[10.0, 0.0], [10.0, 0.0]]
    assert _ticks(ax.get_yticklabels()) == ["A\n(400 words)", "B\n(100 words)"]
    assert ax.get_title(loc="left").startswith("Labels for Soleimani: number of matches")


def test_plot_name_variants_writes_mentions_and_colours_the_share():
    variants = pd.DataFrame({"outlet": ["A", "A", "B"], "entity": "US", "variant": ["US", "U.S.", "US"],
                             "n": [3, 1, 2], "share": [0.75, 0.25, 1.0]})
    ax = an.plot_name_variants(variants)
    assert _ticks(ax.get_xticklabels()) == ["US: U.S.", "US: US"]
    assert _cells(ax).tolist() == [[0.25, 0.75], [0.0, 1.0]]
    assert _texts(ax) == ["1", "3", "2"]


@pytest.fixture
def scores():
    return pd.DataFrame({"outlet": ["A"] * 3 + ["B"], "term": ["war", "peace", "talks", "drone"],
                         "n": [5, 2, 1, 4], "log_odds": [1.0, 0.5, 0.1, 1.0], "z": [3.0, 1.0, -0.5, 2.5]})


def test_plot_keyness_draws_the_top_words_of_one_group_with_their_counts_on_the_axes_given(scores):
    fig, given = plt.subplots()
    ax = an.plot_keyness(scores, group="A", top=2, ax=given)
    assert ax is given and fig.axes == [given]
    assert _widths(ax) == [1.0, 3.0]
    assert _ticks(ax.get_yticklabels()) == ["peace (2)", "war (5)"]
    assert ax.get_title() == "A"


def test_plot_keyness_grid_draws_one_panel_per_group(scores):
    fig = an.plot_keyness_grid(scores, top=3)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["A", "B"]


# -- notebook 03 ------------------------------------------------------------------------------

def test_plot_sentence_sentiment_draws_every_sentence_in_its_voice_and_each_mean():
    scored = pd.DataFrame({"outlet": ["A", "A", "A", "B"], "voice": ["own", "own", "quoted", "own"],
                           "compound": [-0.5, 0.1, 0.6, 0.0]})
    summary = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "voice": ["own", "quoted", "own", "quoted"],
                            "sentences": [2, 1, 1, 0], "mean_compound": [-0.2, 0.6, 0.0, np.nan],
                            "low": [-0.5, 0.6, 0.0, np.nan], "high": [0.1, 0.6, 0.0, np.nan]})
    ax = an.plot_sentence_sentiment(scored, summary)
    points = [sorted(collection.get_offsets()[:, 0].tolist()) for collection in ax.collections if len(collection.get_offsets())]
    assert [-0.5, 0.1] in points and [0.6] in points and [0.0] in points
    means = sorted(x for line in ax.lines if line.get_marker() == "D" for x in line.get_xdata())
    assert means == [-0.2, 0.0, 0.6]
    assert _ticks(ax.get_yticklabels()) == ["B\n(n = 1 own, 0 quoted)", "A\n(n = 2 own, 1 quoted)"]


def test_plot_target_sentiment_writes_the_mean_and_n_of_every_cell_and_a_dash_where_none():
    targets = pd.DataFrame({"outlet": ["A", "A"], "target": ["Iran", "UN"], "sentences": [3, 0],
                            "mean_compound": [-0.4, np.nan]})
    ax = an.plot_target_sentiment(targets)
    assert _texts(ax) == ["-0.40\n(n = 3)", "–"]
    assert _cells(ax).tolist() == [[-0.4, 0.0]]


@pytest.fixture
def drivers():
    return pd.DataFrame({"outlet": ["A", "A", "A", "B"], "word": ["killed", "war", "peace", "attack"],
                         "valence": [-3.5, -2.9, 2.5, -2.1], "n": [2, 1, 1, 1], "contribution": [-7.0, -2.9, 2.5, -2.1],
                         "direction": ["negative", "negative", "positive", "negative"]})


def test_plot_drivers_draws_the_positive_then_the_negative_contributions(drivers):
    ax = an.plot_drivers(drivers, group="A", top=2)
    assert _widths(ax) == [2.5, -2.9, -7.0]
    assert _ticks(ax.get_yticklabels()) == ["peace (1×)", "war (1×)", "killed (2×)"]


def test_plot_drivers_grid_draws_one_panel_per_group_largest_first_in_name_order(drivers):
    fig = an.plot_drivers_grid(drivers, max_groups=1)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["A"]
    assert fig._suptitle.get_text().split("\n")[-1] == "1 of 2 groups shown (those with the most scored words)"


def test_plot_lexicon_audit_draws_each_valence_and_marks_terms_vader_does_not_know():
    audit = pd.DataFrame({"concept": ["event", "event"], "family": ["killing", "assassination"],
                          "pattern": ["kill*", "assassinat*"], "valence": [-3.2, 0.0], "in_vader": [True, False],
                          "missing": ["", "assassinated"]})
    ax = an.plot_lexicon_audit(audit)
    assert _widths(ax) == [-3.2, 0.0]
    assert _texts(ax) == ["not in VADER (scores 0)"]


def test_plot_masking_draws_both_means_a_row_per_group_and_labels_the_ranks():
    comparison = pd.DataFrame({"outlet": ["A", "B"], "sentences": [10, 4], "mean_compound": [-0.4, -0.1],
                               "low": [-0.6, -0.3], "high": [-0.2, 0.1], "mean_masked": [0.1, -0.05],
                               "low_masked": [0.0, -0.2], "high_masked": [0.2, 0.1], "change": [0.5, 0.05],
                               "rank": [1, 2], "rank_masked": [2, 1]})
    ax = an.plot_masking(comparison)
    # Bottom row first: A (least negative after masking), then B (#1 after masking) on top.
    assert _ticks(ax.get_yticklabels()) == ["A (n = 10)", "B (n = 4)"]
    assert _texts(ax) == ["#1 → #2", "#2 → #1"]
    written, masked = (sorted(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "None")
    assert written == [-0.4, -0.1] and masked == [-0.05, 0.1]


@pytest.fixture
def positions():
    return pd.DataFrame({"outlet": ["A", "A", "B"], "bin": [1, 2, 1], "position": [0.25, 0.75, 0.25],
                         "sentences": [3, 1, 2], "mean_compound": [-0.5, 0.2, 0.1]})


def test_plot_sentiment_position_draws_each_bin_sized_by_its_sentences_and_writes_its_value(positions):
    ax = an.plot_sentiment_position(positions, group="A")
    assert list(ax.lines[0].get_ydata()) == [-0.5, 0.2]
    assert list(ax.collections[0].get_sizes()) == [60.0, 28.0]  # 12 + 48 * sentences / the largest bin (3)
    assert _texts(ax) == ["-0.50", "3", "+0.20", "1"]
    assert ax.get_title() == "A (n = 4)"


def test_plot_sentiment_position_grid_draws_a_panel_per_group(positions):
    fig = an.plot_sentiment_position_grid(positions)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["A (n = 4)", "B (n = 2)"]


# -- notebook 04 ------------------------------------------------------------------------------

def test_plot_frame_shares_writes_count_and_share_and_the_sentences_per_group():
    shares = pd.DataFrame({"outlet": ["A", "A"], "frame": ["conflict", "morality"], "n": [3, 0],
                           "sentences": [10, 10], "share": [0.3, 0.0]})
    ax = an.plot_frame_shares(shares)
    assert _texts(ax) == ["3\n30%"]
    assert _cells(ax).tolist() == [[0.3, 0.0]]
    assert _ticks(ax.get_yticklabels()) == ["A\n(10 sentences)"]


def test_plot_agency_forms_stacks_the_forms_in_their_order_with_the_mentions():
    forms = an.agency_shares(pd.DataFrame({"outlet": ["A"] * 4, "form": ["nominal", "active", "nominal", "passive_agentless"]}))
    ax = an.plot_agency_forms(forms)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "active", "passive agent", "passive agentless", "nominal"]
    assert _widths(ax) == [25.0, 0.0, 25.0, 50.0]
    assert _ticks(ax.get_yticklabels()) == ["A (n = 4)"]


def test_plot_agents_puts_the_categories_in_the_order_the_table_gives():
    agency = pd.DataFrame({"outlet": ["A", "A", "B"], "agent": ["", "a US drone", "Iran"]})
    agents = an.agents_named(agency)
    ax = an.plot_agents(agents)
    assert _ticks(ax.get_xticklabels()) == ["a drone", "Iran", "none"]  # agents.csv order, then "none"
    assert _cells(ax).tolist() == [[1, 0, 1], [0, 1, 0]]


def test_plot_speakers_stacks_speaker_groups_in_the_lexicon_order_with_the_quoted_words():
    voices = pd.DataFrame({"outlet": ["A", "A", "A"],
                           "speaker_group": pd.Categorical(["Russian officials", "UN", "unattributed"],
                                                           categories=["Russian officials", "UN", "unattributed"], ordered=True),
                           "attributions": [1, 1, 0], "quoted_words": [60, 20, 20], "attribution_share": [0.5, 0.5, 0.0],
                           "quoted_word_share": [0.6, 0.2, 0.2]})
    ax = an.plot_speakers(voices)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Russian officials", "UN", "unattributed"]
    assert _widths(ax) == [60.0, 20.0, 20.0]
    assert _ticks(ax.get_yticklabels()) == ["A\n(100 quoted words)"]


def test_plot_similarity_writes_each_mean_and_leaves_missing_pairs_blank():
    pairs = pd.DataFrame({"desk_a": ["x", "y", "x"], "desk_b": ["y", "x", "x"], "similarity": [0.25, 0.25, 0.5],
                          "pairs": [2, 2, 1]})
    ax = an.plot_similarity(pairs, by="desk")
    assert _texts(ax) == ["0.50\n(1)", "0.25\n(2)", "0.25\n(2)"]
    assert _ticks(ax.get_yticklabels()) == ["x", "y"]
    assert ax.images[0].get_clim() == (0.0, pytest.approx(0.25 * 1.15))  # scaled to between-group values


def test_a_plot_given_several_group_columns_says_how_to_combine_them():
    shares = pd.DataFrame({"desk": ["a"], "country": ["X"], "articles": [1], "sentences": [1], "words": [5],
                           "quoted_share": [0.2], "own_share": [0.8]})
    with pytest.raises(ValueError, match=r"plot_voice: plots take one group column, not \['desk', 'country'\]"):
        an.plot_voice(shares, by=["desk", "country"])


def test_largest_groups_keeps_the_largest_and_returns_them_in_name_order():
    sizes = pd.Series({"b": 5, "a": 1, "c": 5, "d": 3})
    assert an.plots.parts.largest_groups(sizes, 3) == ["b", "c", "d"]
    assert an.plots.parts.largest_groups(sizes, None) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("background, expected", [("#444444", "white"), ("#999999", "black"), ("#0072B2", "white"),
                                                  ("#E69F00", "black")])
def test_text_colour_switches_at_mid_luminance(background, expected):
    assert an.plots.parts.text_colour(background) == expected


# -- many groups: every figure reads at 47 groups as at 5 --------------------------------------

MANY = [f"Outlet {i:02d}" + (" Online News Network" if i % 5 == 0 else "") for i in range(47)]
NOTE = r"(\d+) of (?:the )?47 groups(?: that [a-z ]+)? shown \(those with the most [a-z ]+\)"


def _many_tables() -> dict:
    """Synthetic tables of 47 groups of distinct sizes (the later a group in MANY, the larger), in every shape the
    notebooks plot."""
    rng = np.random.default_rng(0)
    size = {group: 100 + 10 * i for i, group in enumerate(MANY)}
    rates, totals, targets, frames, drivers, scores, voices, positions, summary, scored = ([] for _ in range(10))
    for group in MANY:
        words = size[group] * 10
        for family in ("killing", "assassination", "strike", "murder", "attack"):
            for voice in ("own", "quoted"):
                rates.append((group, "event", family, voice, 2, words, 2.0, 0.5, 4.0))
            totals.append((group, "label", family, 2, 1, 3, words, 1000 * 3 / words))
        for target in ("United States", "Iran", "Soleimani", "Russia", "China", "Iraq", "UN"):
            targets.append((group, target, 4, rng.uniform(-0.8, 0.5)))
        for frame in ("conflict", "responsibility", "human interest", "morality", "economic consequences", "legality"):
            frames.append((group, frame, 3, size[group], 3 / size[group]))
        for word, contribution in (("war", -5.0), ("killed", -4.0), ("support", 3.0), ("peace", 2.0)):
            drivers.append((group, word, contribution, 2, contribution, "negative" if contribution < 0 else "positive"))
        for term, z in (("drone", 5.0), ("strike", 4.0), ("general", 3.0)):
            scores.append((group, term, size[group] // 10, 1.0, z))
        for speaker, share in (("US officials", 0.5), ("Iranian officials", 0.3), ("unattributed", 0.2)):
            voices.append((group, speaker, 1, round(size[group] * share), share, share))
        for bin_, position in enumerate((0.1, 0.3, 0.5, 0.7, 0.9), start=1):
            positions.append((group, bin_, position, size[group] // 5, rng.uniform(-0.6, 0.4)))
        for voice in ("own", "quoted"):
            summary.append((group, voice, size[group] // 2, -0.1, -0.3, 0.1))
            scored += [(group, voice, value) for value in rng.uniform(-1, 1, 5)]
    means = rng.uniform(-0.4, 0.1, len(MANY))
    masked = means + rng.uniform(0, 0.2, len(MANY))
    comparison = pd.DataFrame({"outlet": MANY, "sentences": [size[g] for g in MANY], "mean_compound": means,
                               "low": means - 0.1, "high": means + 0.1, "mean_masked": masked,
                               "low_masked": masked - 0.1, "high_masked": masked + 0.1, "change": masked - means,
                               "rank": pd.Series(means).rank(method="first").astype(int),
                               "rank_masked": pd.Series(masked).rank(method="first").astype(int)})
    similarity = pd.DataFrame([(a, b, 0.4 if a == b else rng.uniform(0.02, 0.2), size[a] * size[b] // 1000)
                               for a in MANY for b in MANY], columns=["outlet_a", "outlet_b", "similarity", "pairs"])
    variants = pd.DataFrame([(group, entity, variant, n, n / 6) for group in MANY for entity, variant, n in
                             (("United States", "US", 2), ("United States", "U.S.", 3), ("United States", "America", 1),
                              ("Soleimani", "Soleimani", 5), ("Soleimani", "Qassem Soleimani", 1))],
                            columns=["outlet", "entity", "variant", "n", "share"])
    agency = pd.DataFrame({"outlet": np.repeat(MANY, 4), "form": ["active", "nominal", "passive_agentless", "nominal"] * 47,
                           "agent": ["a US drone", "", "", "Iran"] * 47})
    return {
        "rates": pd.DataFrame(rates, columns=["outlet", "concept", "family", "voice", "n", "words", "per_1k", "low", "high"]),
        "totals": pd.DataFrame(totals, columns=["outlet", "concept", "family", "n_own", "n_quoted", "n", "words", "per_1k"]),
        "targets": pd.DataFrame(targets, columns=["outlet", "target", "sentences", "mean_compound"]),
        "frames": pd.DataFrame(frames, columns=["outlet", "frame", "n", "sentences", "share"]),
        "drivers": pd.DataFrame(drivers, columns=["outlet", "word", "valence", "n", "contribution", "direction"]),
        "scores": pd.DataFrame(scores, columns=["outlet", "term", "n", "log_odds", "z"]),
        "voices": pd.DataFrame(voices, columns=["outlet", "speaker_group", "attributions", "quoted_words",
                                                "attribution_share", "quoted_word_share"]),
        "positions": pd.DataFrame(positions, columns=["outlet", "bin", "position", "sentences", "mean_compound"]),
        "summary": pd.DataFrame(summary, columns=["outlet", "voice", "sentences", "mean_compound", "low", "high"]),
        "scored": pd.DataFrame(scored, columns=["outlet", "voice", "compound"]),
        "comparison": comparison, "similarity": similarity, "variants": variants,
        "forms": an.agency_shares(agency), "agents": an.agents_named(agency),
        # Lines removed by 30 rules: group i by every third rule, i + 1 lines each (the later a group, the more).
        "removals": pd.DataFrame([(group, f"rule_{k:02d}", i + 1)
                                  for i, group in enumerate(MANY) for k in range(30) if (i + k) % 3 == 0],
                                 columns=["outlet", "rule", "n"]),
        "voice": pd.DataFrame({"outlet": MANY, "own_share": [0.6 + 0.008 * i for i in range(47)],
                               "quoted_share": [0.4 - 0.008 * i for i in range(47)], "articles": 3,
                               "sentences": [size[g] // 10 for g in MANY], "words": [size[g] for g in MANY]}),
    }


@pytest.fixture(scope="module")
def many():
    return _many_tables()


MANY_PLOTS = {
    "term_rates_grid": lambda t: an.plot_term_rates_grid(t["rates"]),
    "family_counts": lambda t: an.plot_family_counts(t["totals"], concept="label"),
    "family_counts_one_family": lambda t: an.plot_family_counts(t["totals"][t["totals"]["family"] == "killing"],
                                                                concept="label"),  # a narrow figure: a long title
    "name_variants": lambda t: an.plot_name_variants(t["variants"]),
    "keyness_grid": lambda t: an.plot_keyness_grid(t["scores"], top=3),
    "sentence_sentiment": lambda t: an.plot_sentence_sentiment(t["scored"], t["summary"]),
    "target_sentiment": lambda t: an.plot_target_sentiment(t["targets"]),
    "drivers_grid": lambda t: an.plot_drivers_grid(t["drivers"], top=2),
    "masking": lambda t: an.plot_masking(t["comparison"]),
    "sentiment_position_grid": lambda t: an.plot_sentiment_position_grid(t["positions"]),
    "frame_shares": lambda t: an.plot_frame_shares(t["frames"]),
    "agency_forms": lambda t: an.plot_agency_forms(t["forms"]),
    "agents": lambda t: an.plot_agents(t["agents"]),
    "speakers": lambda t: an.plot_speakers(t["voices"]),
    "similarity": lambda t: an.plot_similarity(t["similarity"]),
    "removals": lambda t: an.plot_removals(t["removals"]),
    "voice": lambda t: an.plot_voice(t["voice"]),
}


def _drawn(made):
    """The figure, drawn (so that every text has its final place), its title Text, and its main Axes."""
    fig = made if isinstance(made, matplotlib.figure.Figure) else made.figure
    fig.canvas.draw()
    if made is fig:
        return fig, fig._suptitle, None
    return fig, made._left_title, made


def _overlapping(texts) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose drawn boxes overlap."""
    boxes = [(text.get_text(), text.get_window_extent()) for text in texts if text.get_visible() and text.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in zip(boxes, boxes[1:]) if box_a.overlaps(box_b)]


@pytest.mark.parametrize("name", MANY_PLOTS)
def test_at_47_groups_a_figure_stays_page_sized_shows_the_top_groups_and_says_so_on_a_line_of_its_own(many, name):
    fig, title, _ = _drawn(MANY_PLOTS[name](many))
    width, height = fig.get_size_inches()
    assert width <= 16 and height <= 20, (width, height)  # the similarity heatmap was 30 x 29 inches
    last_line = title.get_text().split("\n")[-1]
    shown = re.fullmatch(NOTE, last_line)
    assert shown, title.get_text()
    assert 1 <= int(shown.group(1)) <= 30


@pytest.mark.parametrize("name", MANY_PLOTS)
def test_at_47_groups_the_title_is_wrapped_inside_the_figure_and_its_axes(many, name):
    fig, title, ax = _drawn(MANY_PLOTS[name](many))
    box = title.get_window_extent()
    assert box.x0 >= fig.bbox.x0 - 1 and box.x1 <= fig.bbox.x1 + 1, (box, fig.bbox)
    assert box.y1 <= fig.bbox.y1 + 1
    if ax is not None:  # a title set at the Axes' left edge ends before the Axes' right edge
        assert box.x1 <= ax.get_window_extent().x1 + 1


@pytest.mark.parametrize("name", [n for n in MANY_PLOTS if not n.endswith("_grid")])
def test_at_47_groups_the_row_labels_do_not_overlap(many, name):
    fig, _, ax = _drawn(MANY_PLOTS[name](many))
    labels = sorted(ax.get_yticklabels(), key=lambda label: label.get_window_extent().y0)
    assert len(labels) >= 20
    assert _overlapping(labels) == []


def test_fit_title_wraps_between_words_within_the_axes_and_keeps_the_note_whole():
    from analysis.plots.parts import fit_title

    fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    title = "A title far too long for three inches of figure, which would run past the edge"
    text = fit_title(ax, title, "12 of 47 groups shown (those with the most words)")
    fig.canvas.draw()
    lines = text.get_text().split("\n")
    note = "12 of 47 groups shown (those with the most words)"
    assert len(lines) >= 4
    assert " ".join(lines).split() == title.split() + note.split()  # wrapped between words, no word lost or cut
    assert any(line.startswith("12 of 47 groups") for line in lines)  # the note starts a line of its own
    assert text.get_window_extent().x1 <= ax.get_window_extent().x1 + 1


def test_plot_similarity_at_47_groups_orders_by_clustering_and_writes_every_value(many):
    table = many["similarity"].copy()
    # Two blocks: groups with an even index are alike among themselves, and so are the odd ones.
    index = {group: i for i, group in enumerate(MANY)}
    alike = table["outlet_a"].map(index) % 2 == table["outlet_b"].map(index) % 2
    table.loc[alike & (table["outlet_a"] != table["outlet_b"]), "similarity"] = 0.3
    ax = an.plot_similarity(table, max_groups=10)
    order = [label.get_text() for label in ax.get_yticklabels()]
    parity = [index[name.replace("\n", " ")] % 2 for name in order]
    assert len(order) == 10 and parity in ([0] * 5 + [1] * 5, [1] * 5 + [0] * 5)  # each block side by side
    values = _cells(ax)
    assert len(_texts(ax)) == values.size  # every cell carries its value and pairs
    assert _texts(ax)[1].startswith(f"{values[0, 1]:.2f}\n(")
    assert ax.images[0].get_clim()[1] == pytest.approx(0.3 * 1.15)  # contrast: scaled to the largest between-group value


def test_plot_masking_at_47_groups_shows_the_largest_with_their_ranks_among_all(many):
    comparison = many["comparison"]
    fig, title, ax = _drawn(an.plot_masking(comparison))
    assert len(ax.get_yticklabels()) == 30
    shown = comparison.nlargest(30, "sentences").sort_values("mean_masked", ascending=False)
    assert _texts(ax) == [f"#{r} → #{m}" for r, m in zip(shown["rank"], shown["rank_masked"])]
    assert _overlapping(sorted(ax.texts, key=lambda text: text.get_window_extent().y0)) == []


def test_plot_sentiment_position_at_47_groups_bounds_the_points_and_writes_every_value(many):
    fig, _, _ = _drawn(an.plot_sentiment_position_grid(many["positions"]))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 12
    for ax in panels:
        assert max(ax.collections[0].get_sizes()) <= 60  # a blob could hide its neighbours and the value
        values = [text for text in ax.texts if text.get_text()[0] in "+-"]
        assert len(values) == 5
        assert _overlapping(sorted(values, key=lambda text: text.get_window_extent().x0)) == []


def test_plot_name_variants_at_47_groups_puts_the_columns_on_top(many):
    fig, _, ax = _drawn(an.plot_name_variants(many["variants"]))
    top = ax.get_window_extent().y1
    labels = [label for label in ax.get_xticklabels() if label.get_visible() and label.get_text()]
    assert len(labels) == 5
    assert all(label.get_window_extent().y0 >= top - 1 for label in labels)


def test_named_categories_get_clearly_different_colours():
    from matplotlib.colors import to_rgb

    from analysis.plots.parts import category_colours

    colours = list(category_colours([f"speaker group {i}" for i in range(11)]).values())
    closest = min(np.linalg.norm(np.subtract(to_rgb(a), to_rgb(b))) for i, a in enumerate(colours) for b in colours[i + 1:])
    assert closest >= 0.2  # tab20's blue beside Okabe-Ito's was 0.12 apart


def test_at_47_groups_the_removals_pool_the_rarest_rules_and_the_quotation_findings_name_only_groups_shown(many):
    removals, voice = many["removals"], many["voice"]
    ax = an.plot_removals(removals)
    shown = an.plots.corpus.removal_groups(removals)
    assert len(shown) == 30 and shown == sorted(MANY[17:])  # the later a group, the more lines it lost
    columns = [label.get_text() for label in ax.get_xticklabels()]
    assert len(columns) == 21 and columns[-1] == "other rules (10)"
    assert ax.images[0].get_array().sum() == removals[removals["outlet"].isin(shown)]["n"].sum()
    plt.close(ax.figure)
    findings = an.corpus_findings(pd.DataFrame({"outlet": MANY, "doc_id": MANY, "words": 100}), removals, voice,
                                  pd.DataFrame({"outlet": MANY, "period": pd.NaT, "articles": 1})).data
    # Outlet 00 quotes most and Outlet 46 least; the figure shows the 30 with the most words (Outlet 17 to 46).
    assert "in Outlet 46 and 26% in Outlet 17 (the lowest and highest among the 30 of 47 groups with the most words, which the quotation figure shows)" in findings
    assert "Outlet 00" not in findings.split("**Quotation**")[1]
    # Only groups the figure leaves out quote: the Findings say so rather than "0% and 0%".
    hidden_quoting = voice.assign(quoted_share=[0.1 if i < 17 else 0.0 for i in range(47)])
    findings = an.corpus_findings(pd.DataFrame({"outlet": MANY, "doc_id": MANY, "words": 100}), removals,
                                  hidden_quoting, pd.DataFrame({"outlet": MANY, "period": pd.NaT, "articles": 1})).data
    assert ("- **Quotation:** none among the 30 of 47 groups with the most words, which the quotation figure shows; "
            "17 groups not shown there quote.") in findings


def test_removals_of_more_groups_than_fit_across_a_page_put_the_groups_down_and_no_label_overlaps():
    # 15 groups and 25 rules: rules would go down the page, and 15 groups across would not fit 16 inches.
    groups = [f"Outlet group name {i:02d}" for i in range(15)]
    counts = pd.DataFrame([(group, f"rule_{k:02d}", 1 + (i + k) % 4) for i, group in enumerate(groups) for k in range(25)],
                          columns=["outlet", "rule", "n"])
    ax = an.plot_removals(counts)
    ax.figure.canvas.draw()
    rows = sorted(ax.get_yticklabels(), key=lambda label: label.get_window_extent().y0)
    assert len(rows) == 15 and all(label.get_text().startswith("Outlet group name") for label in rows)
    assert _overlapping(rows) == []
    columns = [label.get_text() for label in ax.get_xticklabels()]
    assert len(columns) == 21 and columns[-1] == "other rules (5)"
    width, height = ax.figure.get_size_inches()
    assert width <= 16 and height <= 20 and width / len(columns) >= 0.6  # a rule's column keeps 0.6 inch
    plt.close(ax.figure)
    # One rule past the limit is drawn under its own name, not pooled.
    ax = an.plot_removals(counts[counts["rule"] <= "rule_20"])
    assert "rule 20" in [label.get_text() for label in ax.get_xticklabels()]
    plt.close(ax.figure)
