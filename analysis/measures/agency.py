"""Agency of the killing: who did what to whom, as grammar tells it (transitivity analysis).

Each mention of the event through the verbs kill, assassinate, murder,
eliminate, slay or their nominalisations is classified as

- `active`: the agent is the grammatical subject ("U.S. forces killed Soleimani";
  "the strike that killed Soleimani" has agent "the strike");
- `passive_agent`: passive with a by-phrase ("Soleimani was killed by a U.S. drone");
- `passive_agentless`: passive without one ("Soleimani was killed in Baghdad";
  the headline "Soleimani killed in US strike");
- `nominal`: the event as a noun, which hides the agent ("the killing of
  Soleimani", "Soleimani's assassination", "revenge for the killing").

Rules over NLTK tokens (see `analysis.language.grammar`), no tagger: be-forms and
get-passives, participles, by-phrases, determiners, possessives and
prepositions before the noun, relative pronouns. Agents are left as written,
pronouns included.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.language.grammar import (
    AUXILIARIES,
    BE,
    GET,
    HAVE,
    MODALS,
    PREPOSITIONS,
    PRONOUNS,
    RELATIVES,
    STOP_PUNCTUATION,
    is_adverb,
    is_verb_like,
    noun_phrase_left,
    noun_phrase_right,
    tokens_with_spans,
    window,
)
from analysis.language.lexicon import load_lexicon
from analysis.language.quotes import inside, quote_spans
from analysis.paths import data_file
from analysis.tables import By, category_order, found_rows, require_by, require_columns


@lru_cache(maxsize=1)
def event_verbs() -> pd.DataFrame:
    """The word forms of the killing (`analysis/data/event_verbs.csv`): `lemma`, `form` (lower case), `kind`."""
    table = pd.read_csv(data_file("event_verbs.csv"), dtype=str, keep_default_na=False)
    return table.assign(form=table["form"].str.lower())[["lemma", "form", "kind"]]


_FORMS = event_verbs()
LEMMA_OF = dict(zip(_FORMS["form"], _FORMS["lemma"]))
KIND_OF = dict(zip(_FORMS["form"], _FORMS["kind"]))
#: A sentence without any of these four-letter beginnings holds no form of the killing (a fast pre-filter).
_PREFIXES = frozenset(form[:4] for form in LEMMA_OF)

FORMS = ("active", "passive_agent", "passive_agentless", "nominal")
#: What may stand between a subject and its verb besides adverbs.
_BEFORE_VERB = AUXILIARIES | GET | {"to"}


def classify_agency(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per mention of the killing, with its grammatical form and the agent it names.

    Parameters
    ----------
    sentences : a sentence table (needs `doc_id`, `text`; uses `sent_id`,
        `section`, group columns and `starts_in_quote`).

    Returns
    -------
    DataFrame with `doc_id`, group columns, `section`, `sent_id`, `match`
    (the word as written), `lemma`, `form` (active, passive_agent,
    passive_agentless, nominal), `agent` (as written; empty if none),
    `quoted`, `start`, `end` (offsets in the sentence).
    """
    require_columns(sentences, ("doc_id", "text"), "classify_agency")
    context = [c for c in sentences.columns if c not in
               ("text", "para_id", "start", "end", "quote_share", "starts_in_quote")]
    opened = sentences["starts_in_quote"].tolist() if "starts_in_quote" in sentences.columns else [False] * len(sentences)
    positions, found = [], []
    for i, (text, starts_open) in enumerate(zip(sentences["text"].tolist(), opened)):
        text = text if isinstance(text, str) else ""
        lower = text.lower()
        if not any(prefix in lower for prefix in _PREFIXES):
            continue
        spans = None
        for match, form, agent, start, end in classify_text(text):
            spans = spans if spans is not None else quote_spans(text, starts_open=bool(starts_open))
            positions.append(i)
            found.append((match, LEMMA_OF[match.lower()], form, agent, inside(spans, start, end), start, end))
    table = found_rows(sentences, context, positions, found, ("match", "lemma", "form", "agent", "quoted", "start", "end"))
    return table.astype({"form": "str", "agent": "str", "quoted": "bool"})


def classify_text(text: str) -> list[tuple[str, str, str, int, int]]:
    """(match, form, agent, start, end) for each event verb or noun in one sentence."""
    spans = tokens_with_spans(text)
    tokens = [token for token, _, _ in spans]
    found = []
    for i, (token, start, end) in enumerate(spans):
        lower = token.lower()
        if lower not in LEMMA_OF:
            continue
        form, agent = _classify(*window(tokens, i))  # a bounded window keeps a long sentence linear
        found.append((token, form, agent, start, end))
    return found


def _classify(tokens: list[str], i: int) -> tuple[str, str]:
    lower = tokens[i].lower()
    previous = tokens[i - 1].lower() if i > 0 else ""
    following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""

    kind = KIND_OF[lower]
    if kind == "noun":
        return "nominal", _by_agent(tokens, i)
    if kind == "gerund":
        if previous in BE:  # "forces were killing civilians"
            return "active", noun_phrase_left(tokens, _skip_auxiliaries(tokens, i))
        return "nominal", _by_agent(tokens, i)  # "the killing of", "Soleimani killing", "for killing him"
    if kind == "ambiguous_noun":
        if previous in MODALS or previous == "to" or previous in PRONOUNS - RELATIVES:
            return "active", _subject(tokens, i)
        return "nominal", _by_agent(tokens, i)
    if kind in ("participle", "passive_participle"):
        j = _skip_adverbs_left(tokens, i)
        auxiliary = tokens[j].lower() if j >= 0 else ""
        if auxiliary in BE or auxiliary in GET:
            return _passive(tokens, i)
        if auxiliary in HAVE:
            return "active", _subject(tokens, i)
        if kind == "passive_participle" or not following or following in PREPOSITIONS or tokens[i + 1] in STOP_PUNCTUATION:
            return _passive(tokens, i)  # reduced passive: "Soleimani, killed in a strike", headline style
    return "active", _subject(tokens, i)


def _skip_adverbs_left(tokens: list[str], i: int) -> int:
    j = i - 1
    while j >= 0 and is_adverb(tokens[j]):
        j -= 1
    return j


def _skip_auxiliaries(tokens: list[str], i: int) -> int:
    """Index just after the subject: skip adverbs, auxiliaries, modals and 'to' before the verb."""
    j = i - 1
    while j >= 0 and (is_adverb(tokens[j]) or tokens[j].lower() in _BEFORE_VERB):
        j -= 1
    return j + 1


def _subject(tokens: list[str], i: int) -> str:
    end = _skip_auxiliaries(tokens, i)
    if "to" in (t.lower() for t in tokens[end:i]) and end > 0 and is_verb_like(tokens[end - 1], tokens[end - 2] if end > 1 else None):
        end = _skip_auxiliaries(tokens, end - 1)  # "Iran vowed to murder": the subject of "vowed"
    if end > 0 and tokens[end - 1].lower() in RELATIVES:
        end -= 1
        if end > 0 and tokens[end - 1] == ",":
            end -= 1
        # A relative clause attaches to the nearest noun ("the fallout from the attack that killed")
        # or to the head of the phrase ("the strike in Baghdad that killed"): take the nearest noun
        # when it names a known kind of agent (agents.csv), else the head.
        nearest = noun_phrase_left(tokens, end, head=False)
        return nearest if _names_an_agent(nearest) else noun_phrase_left(tokens, end)
    return noun_phrase_left(tokens, end)


def _names_an_agent(phrase: str) -> bool:
    return bool(phrase) and bool(load_lexicon(None, default="agents.csv").match(phrase))


def _passive(tokens: list[str], i: int) -> tuple[str, str]:
    agent = _by_agent(tokens, i)
    return ("passive_agent", agent) if agent else ("passive_agentless", "")


#: A by-phrase further than this many tokens from the verb or noun belongs to something else.
BY_WINDOW = 10


def _by_agent(tokens: list[str], i: int) -> str:
    """The noun phrase after 'by' later in the same clause and near the verb, if any ("by disrupting" is no agent)."""
    for j in range(i + 1, min(len(tokens), i + 1 + BY_WINDOW)):
        lower = tokens[j].lower()
        if tokens[j] in (".", ";", ":", "?", "!") or lower in RELATIVES or lower in ("and", "but"):
            return ""
        if lower == "by":
            following = tokens[j + 1] if j + 1 < len(tokens) else ""
            if following.islower() and following.endswith("ing"):
                return ""
            return noun_phrase_right(tokens, j + 1)
    return ""


def agency_shares(agency: pd.DataFrame, *, by: By = "outlet", own_voice_only: bool = False) -> pd.DataFrame:
    """Share of each grammatical form among each group's mentions of the killing.

    Parameters
    ----------
    agency : table from classify_agency.
    by : the group column, or a list of them.
    own_voice_only : count only mentions outside quotation marks (`quoted` false).

    Returns
    -------
    DataFrame, one row per group x form (all four forms, zeros included): the
    `by` column(s), `form` (ordered: active, passive_agent, passive_agentless,
    nominal), `n` (mentions in that form), `mentions` (all mentions of the
    group) and `share`.
    """
    groups = require_by(agency, by, "agency_shares")
    require_columns(agency, ("form",) + (("quoted",) if own_voice_only else ()), "agency_shares")
    table = agency[~agency["quoted"].astype(bool)] if own_voice_only else agency
    counts = table.groupby([*groups, "form"]).size().unstack("form", fill_value=0).reindex(columns=list(FORMS), fill_value=0)
    long = counts.stack().rename("n").reset_index()
    long = long.assign(form=pd.Categorical(long["form"], categories=list(FORMS), ordered=True),
                       mentions=long.groupby(groups)["n"].transform("sum"))
    return long.assign(share=(long["n"] / long["mentions"]).round(4))


def agent_categories(agency: pd.DataFrame, *, lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The agency table with `agent_category`: which kind of agent each mention names.

    Categories come from `analysis/data/agents.csv` (`concept` = category, `pattern`), the
    first matching row winning, so an instrument ("a U.S. drone") counts as
    "a drone"; a mention without an agent is "none", an unmatched one "other".

    Parameters
    ----------
    agency : table from classify_agency (needs `agent`).
    lexicon : agent categories (DataFrame or CSV like agents.csv); default the shipped one.

    Returns
    -------
    The agency table plus `agent_category`, an ordered categorical: the
    lexicon's categories in file order, then "other" and "none".
    """
    require_columns(agency, ("agent",), "agent_categories")
    table = load_lexicon(lexicon, default="agents.csv")
    categories = []
    for agent in agency["agent"]:
        if not isinstance(agent, str) or not agent.strip():
            categories.append("none")
            continue
        rows = sorted(row for _, _, row in table.match(agent))
        categories.append(table.table.at[rows[0], "concept"] if rows else "other")
    order = category_order(categories, table.table["concept"])
    return agency.assign(agent_category=pd.Categorical(categories, categories=order, ordered=True))


def agents_named(agency: pd.DataFrame, *, by: By = "outlet", lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """How often each group names each kind of agent of the killing.

    Parameters
    ----------
    agency : table from classify_agency.
    by : the group column, or a list of them.
    lexicon : agent categories (see agent_categories).

    Returns
    -------
    DataFrame, one row per group x agent category named: the `by` column(s),
    `agent_category` (ordered as in agent_categories), `n` (mentions), `share`
    (of the group's mentions) and `examples` (agents as written, up to 120 characters).
    """
    groups = require_by(agency, by, "agents_named")
    require_columns(agency, ("agent",), "agents_named")
    categorised = agent_categories(agency, lexicon=lexicon)
    grouped = categorised.groupby([*groups, "agent_category"], sort=True, observed=True)
    table = grouped.agg(n=("agent", "size"), examples=("agent", lambda a: "; ".join(dict.fromkeys(x for x in a if x))[:120]))
    table = table.reset_index()
    return table.assign(share=(table["n"] / table.groupby(groups)["n"].transform("sum")).round(4))
