"""Who speaks: attributions of speech, and whose words make up each outlet's quotations.

`find_attributions` finds reporting verbs (said, told, stated, noted, added,
stressed, called, condemned, ...) and "according to" outside quotation marks,
takes the speaker from before the verb, or after it where the order is
inverted ('..., said Konstantin Kosachev'), keeps pronouns as they are, and
labels the speaker's group from `analysis/data/speakers.csv`.
`quoted_words_by_speaker` credits each quotation, including one that runs over
several sentences, to the speaker of the attribution that closes or opens it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

import pandas as pd

from analysis.language.grammar import (
    AUXILIARIES,
    BE,
    DETERMINERS,
    PERSONAL_PRONOUNS,
    PRONOUNS,
    RELATIVES,
    SPEECH_VERBS,
    STOP_PUNCTUATION,
    TOKENS,
    is_adverb,
    noun_phrase_left,
    noun_phrase_right,
    tokens_with_spans,
    window,
)
from analysis.language.lexicon import join_texts, load_lexicon, locate
from analysis.language.quotes import inside, quote_spans
from analysis.measures.terms import voice_words
from analysis.cache import memoised
from analysis.tables import By, category_order, found_rows, require_by, require_columns

OPENING = frozenset("“\"‘")
CLOSING = frozenset("”\"’")
#: Pronouns stand for an earlier speaker; their group is "unresolved".
PRONOUN_SPEAKERS = PRONOUNS - RELATIVES
#: How many sentences away a quotation may be from the attribution that credits it.
QUOTE_REACH = 3
#: The words besides the speech verbs that can start an attribution ("according to", "quoted as saying").
_CUES = frozenset(("according", "quoted"))
_TRIGGERS = _CUES | SPEECH_VERBS


def _may_attribute(text: str) -> bool:
    """Whether a cue or a speech verb is among the sentence's tokens. attributions_in finds nothing without one,
    and two sentences in three of a news corpus have none: their full tokenising was most of this stage's time.
    The tokens are the tokenizer's own (a token can start inside a run of letters: "U.Ssaid" is "U.S", "said")."""
    return not _TRIGGERS.isdisjoint(map(str.lower, TOKENS.tokenize(text)))


def find_attributions(sentences: pd.DataFrame, *, speakers: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """One row per attribution of speech in the sentences.

    Parameters
    ----------
    sentences : sentence table (needs `doc_id`, `text`; uses `sent_id`,
        `para_id`, group columns, `quote_share`, `starts_in_quote`).
    speakers : lexicon (`concept` = speaker group, `pattern`); default the shipped speakers.csv.

    Returns
    -------
    DataFrame with `doc_id`, group columns, `section`, `para_id`, `sent_id`,
    `speaker` (as written; pronouns kept), `verb`, `kind` ("direct",
    "indirect", "according_to") and `speaker_group` (e.g. "Russian officials",
    "media", "unresolved" for a pronoun, "other").
    """
    require_columns(sentences, ("doc_id", "text"), "find_attributions")
    context = [c for c in sentences.columns if c not in ("text", "start", "end", "quote_share", "starts_in_quote")]
    opened = sentences["starts_in_quote"].tolist() if "starts_in_quote" in sentences.columns else [False] * len(sentences)
    positions, found = [], []
    for i, (text, starts_open) in enumerate(zip(sentences["text"].tolist(), opened)):
        text = text if isinstance(text, str) else ""
        if not _may_attribute(text):
            continue
        spans = quote_spans(text, starts_open=bool(starts_open))
        for attribution in attributions_in(text, spans):
            positions.append(i)
            found.append(attribution)
    table = found_rows(sentences, context, positions, found, ("speaker", "verb", "kind"))
    table = table.assign(speaker_group=speaker_groups(table["speaker"], speakers=speakers))
    table = table.assign(speaker_group=_resolve_definites(table))
    if "sent_id" in table.columns and "sent_id" in sentences.columns:
        table = table.assign(speaker_group=_resolve_people(table, sentences, load_lexicon(speakers, default="speakers.csv")))
    return table


def _resolve_definites(table: pd.DataFrame) -> list[str]:
    """'the ministry', 'the spokesman': a definite speaker without a group takes the group of the
    latest earlier speaker in the same article whose description has the same head noun."""
    groups = list(table["speaker_group"])
    # For each word, the group of the latest speaker so far in the article whose description holds it: one
    # look-up per speaker instead of a scan back over all earlier ones (quadratic in a long article).
    latest: dict[str, str] = {}
    previous_doc = None
    for i, (doc_id, speaker) in enumerate(zip(table["doc_id"], table["speaker"])):
        if doc_id != previous_doc:
            latest, previous_doc = {}, doc_id
        words = speaker.lower().split()
        if groups[i] == "other" and len(words) >= 2 and words[0] == "the" and words[-1] in latest:
            groups[i] = latest[words[-1]]
        if groups[i] not in ("other", "unresolved"):
            latest.update(dict.fromkeys(words, groups[i]))
    return groups


#: "he said" takes the group of the latest named speaker at most this many sentences before it.
PRONOUN_REACH = 3


def _resolve_people(table: pd.DataFrame, sentences: pd.DataFrame, lexicon) -> list[str]:
    """People named again: a surname ("Lee", "Mr. Abdulla") takes the group of the latest earlier full name in the
    article that the speaker list knows ("Sen. Mike Lee"); "he"/"she" the group of the latest named speaker within
    PRONOUN_REACH sentences. Nothing else is guessed: without such an antecedent the group stays as it was."""
    groups = list(table["speaker_group"])
    mentions = _named_mentions(sentences, lexicon, _surnames_to_resolve(table))
    latest: tuple[int, str] | None = None  # (sent_id, group) of the latest speaker with a named group
    previous_doc = None
    for i, (doc_id, sent_id, speaker) in enumerate(zip(table["doc_id"], table["sent_id"], table["speaker"])):
        if doc_id != previous_doc:
            latest, previous_doc = None, doc_id
        words = speaker.split()
        if speaker.lower() in PERSONAL_PRONOUNS:
            if latest is not None and sent_id - latest[0] <= PRONOUN_REACH:
                groups[i] = latest[1]
            continue
        if _may_be_surname(groups[i], words):
            found = _latest_mention(mentions.get((doc_id, words[-1].lower())), sent_id)
            if found is not None:
                groups[i] = found
        if groups[i] not in ("other", "unresolved"):
            latest = (sent_id, groups[i])
    return groups


def _may_be_surname(group: str, words: list[str]) -> bool:
    """Whether a speaker ("Lee", "Mr. Abdulla") is looked up among the article's named mentions."""
    return group == "other" and 1 <= len(words) <= 2 and words[-1][:1].isupper()


def _surnames_to_resolve(table: pd.DataFrame) -> dict[str, set[str]]:
    """Per article, the surnames (lower case) _resolve_people looks up: its only questions to _named_mentions."""
    wanted: dict[str, set[str]] = {}
    for doc_id, speaker, group in zip(table["doc_id"], table["speaker"], table["speaker_group"]):
        words = speaker.split()
        if speaker.lower() not in PERSONAL_PRONOUNS and _may_be_surname(group, words):
            wanted.setdefault(doc_id, set()).add(words[-1].lower())
    return wanted


def _latest_mention(mentions: tuple[list[int], list[str], bool] | None, sent_id: int) -> str | None:
    """The group of the last of `mentions` (sent_ids, groups, whether the sent_ids ascend) at or before sentence
    `sent_id`, or None. In reading order a bisection finds it, not a scan back over every earlier mention."""
    if mentions is None:
        return None
    sent_ids, groups, ascending = mentions
    if ascending:
        k = bisect_right(sent_ids, sent_id) - 1
        return groups[k] if k >= 0 else None
    return next((group for sent, group in zip(reversed(sent_ids), reversed(groups)) if sent <= sent_id), None)


def _lower(text: str) -> str:
    """Lower case with one sigma: a capital Σ lowers to ς at a word's end only, so a surname lowered alone
    ("ΠΑΠΑΣ": "παπας") may not be a substring of its sentence lowered whole ("ΠΑΠΑΣ’s": "παπασ’s")."""
    return text.lower().replace("ς", "σ")


def _named_mentions(sentences: pd.DataFrame, lexicon, wanted: dict[str, set[str]] | None = None,
                    ) -> dict[tuple[str, str], tuple[list[int], list[str], bool]]:
    """Per article and surname (the last word of the match, lower case), in the order of `sentences`: the sent_ids
    and groups of every speaker-list match of two or more words (a full name or a title with a name), and whether
    those sent_ids ascend. With `wanted` (surnames per article), at least those; only the sentences that hold one
    of their article's wanted surnames are matched, a few in a hundred, for the same mentions of those surnames
    (a mention's last word is in its sentence)."""
    concept = lexicon.table["concept"].to_numpy()
    if wanted is not None:
        wanted = {doc_id: [_lower(name) for name in names] for doc_id, names in wanted.items()}
        keep = []
        for doc_id, text in zip(sentences["doc_id"], sentences["text"]):
            names = wanted.get(doc_id)
            lowered = _lower(text) if names and isinstance(text, str) else ""
            keep.append(any(name in lowered for name in names) if lowered else False)
        sentences = sentences.loc[keep]
    texts = [text if isinstance(text, str) else "" for text in sentences["text"]]
    # One pass of the matcher over the joined sentences, not one per sentence: the same matches, since no pattern
    # crosses the NUL between two sentences.
    joined, starts = join_texts(texts)
    found: list[list[tuple]] = [[] for _ in texts]
    for start, end, row in lexicon.match(joined):
        words = joined[start:end].split()
        if len(words) >= 2:
            line = locate(starts, start)
            found[line].append((start - starts[line], words[-1].lower(), concept[row]))
    mentions: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
    for doc_id, sent_id, text, matched in zip(sentences["doc_id"], sentences["sent_id"], texts, found):
        here = [(start, sent_id, last_word, group) for start, last_word, group in matched]
        # "Kenneth Pollack, a former CIA analyst, ...": a name with a description the speaker list knows.
        for name in _APPOSITION.finditer(text):
            matches = lexicon.match(name.group("description"))
            if matches:
                here.append((name.start(), sent_id, name.group("name").split()[-1].lower(), concept[matches[0][2]]))
        for _, mention_sent, last_word, group in sorted(here):
            sent_ids, groups = mentions.setdefault((doc_id, last_word), ([], []))
            sent_ids.append(mention_sent)
            groups.append(group)
    return {key: (sent_ids, groups, all(a <= b for a, b in zip(sent_ids, sent_ids[1:])))
            for key, (sent_ids, groups) in mentions.items()}


# A name of at most 12 capitalised words of at most 41 characters, matched possessively (no character given back
# can make ", " follow): a long run of capitalised words without a comma is then given up after a bounded number
# of steps from each start, where the unbounded pattern took time quadratic in the run. A longer run before ", "
# matches from a later word, with the same last word.
_APPOSITION = re.compile(r"(?P<name>[A-Z][\w'’-]{1,40}+(?: [A-Z][\w'’-]{1,40}+){1,11}+), "
                         r"(?P<description>(?:an? |the )?[^,;:“”\"]{3,80}?),")


def attributions_in(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, str, str]]:
    """(speaker, verb, kind) for each attribution in one sentence whose quoted parts are `spans`."""
    tokens_spans = tokens_with_spans(text)
    all_tokens = [token for token, _, _ in tokens_spans]
    has_quote = bool(spans)
    found = []
    for position, (token, start, end) in enumerate(tokens_spans):
        lower = token.lower()
        if (lower not in _CUES and lower not in SPEECH_VERBS) or inside(spans, start, end):
            continue
        tokens, k = window(all_tokens, position)  # a bounded window keeps a long sentence linear
        if lower == "according" and k + 1 < len(tokens) and tokens[k + 1].lower() == "to":
            speaker = noun_phrase_right(tokens, k + 2, of_phrases=True)
            if speaker:
                found.append((speaker, "according to", "according_to"))
            continue
        if lower == "quoted":
            speaker = _quoted_as_saying(tokens, k)
            if speaker:
                found.append((speaker, "quoted as saying", "direct" if has_quote else "indirect"))
            continue
        if lower not in SPEECH_VERBS or not token.islower() or lower.endswith("ing"):
            continue  # "..., saying" continues an attribution already counted
        if _used_as_noun(tokens, k):
            continue  # "his claims", "the calls of", "reports of": a noun, not a verb of speech
        before = k - 1
        while before >= 0 and is_adverb(tokens[before]):
            before -= 1
        if before >= 0 and tokens[before].lower() in BE:
            continue  # a passive ("was also highlighted") names no speaker
        after_quote = k > 0 and (tokens[k - 1] in CLOSING or (tokens[k - 1] == "," and k > 1 and tokens[k - 2] in CLOSING))
        if after_quote:
            speaker = _speaker_before(tokens, k) or noun_phrase_right(tokens, k + 1, of_phrases=True)
        elif k > 0 and tokens[k - 1] == ",":
            speaker = _speaker_before_apposition(tokens, k)  # 'Kathryn Wheelbarger, the acting ..., warned'
        else:
            speaker = _speaker_before(tokens, k)
        if speaker:
            found.append((speaker, lower, "direct" if has_quote else "indirect"))
    return found


def _used_as_noun(tokens: list[str], k: int) -> bool:
    """A speech verb's form used as a noun: after a determiner or a possessive, or before "of"."""
    previous = tokens[k - 1].lower() if k > 0 else ""
    following = tokens[k + 1].lower() if k + 1 < len(tokens) else ""
    possessive = previous.endswith(("'s", "’s")) or (k > 1 and previous in ("'", "’") and tokens[k - 2].endswith("s"))
    return previous in DETERMINERS or possessive or following == "of"


def _speaker_before(tokens: list[str], k: int) -> str:
    j = k - 1
    while j >= 0 and (is_adverb(tokens[j]) or tokens[j].lower() in AUXILIARIES):
        j -= 1
    phrase = noun_phrase_left(tokens, j + 1)
    start = j + 1 - len(phrase.split()) if phrase else j + 1
    # Coordinated speakers: "Turkey, Cuba and Afghanistan have condemned" (a list ends in "and")
    if not (phrase and start >= 2 and tokens[start - 1] == "and"):
        return phrase
    while phrase and start >= 2 and tokens[start - 1] in (",", "and") and tokens[start - 2][:1].isupper() \
            and tokens[start - 2] not in STOP_PUNCTUATION:
        extra = noun_phrase_left(tokens, start - 1)
        if not extra or not extra[:1].isupper():
            break
        joiner = " and " if tokens[start - 1] == "and" else ", "
        phrase = extra + joiner + phrase
        start -= 1 + len(extra.split())
    return phrase


def _speaker_before_apposition(tokens: list[str], k: int, reach: int = 20) -> str:
    """The speaker before an apposition between commas: 'X, the head of Y, said'."""
    for j in range(k - 2, max(-1, k - 2 - reach), -1):
        if tokens[j] == ",":
            return noun_phrase_left(tokens, j)
        if tokens[j] in CLOSING or tokens[j] in OPENING or tokens[j] in (".", ";", ":"):
            return ""
    return ""


def _quoted_as_saying(tokens: list[str], k: int) -> str:
    """'RIA quoted the ministry as saying' -> 'the ministry'; 'Putin was quoted as saying' -> 'Putin'."""
    for j in range(k + 1, min(len(tokens) - 1, k + 8)):
        if tokens[j].lower() == "as" and tokens[j + 1].lower() == "saying":
            between = noun_phrase_right(tokens, k + 1)
            if between and j > k + 1:
                return between
            return _speaker_before(tokens, k)
    return ""


def speaker_groups(speakers_as_written: pd.Series, *, speakers: pd.DataFrame | str | Path | None = None) -> list[str]:
    """The group of each speaker: the first (leftmost) speakers.csv match; "unresolved" for a pronoun, else "other"."""
    lexicon = load_lexicon(speakers, default="speakers.csv")
    concept = lexicon.table["concept"].to_numpy()
    speakers_as_written = [s if isinstance(s, str) else "" for s in speakers_as_written]
    unresolved = [not s.strip() or s.strip().lower() in PRONOUN_SPEAKERS for s in speakers_as_written]
    # All speakers matched in one pass (joined with NUL, which no pattern crosses); the first match of each counts.
    joined, starts = join_texts(speakers_as_written)
    first: dict[int, str] = {}
    for start, _, row in lexicon.match(joined):
        first.setdefault(locate(starts, start), concept[row])
    return ["unresolved" if unresolved[i] else first.get(i, "other") for i in range(len(speakers_as_written))]


@memoised
def quoted_words_by_speaker(
    attributions: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    by: By = "outlet",
    speakers: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Whose voices make up each group's quotations: quoted words and attributions per speaker group.

    Each sentence with quoted words is credited to a direct attribution in the
    same sentence, else to the next one within QUOTE_REACH sentences of the
    same article when the sentences between are quoted too (a quotation over
    several sentences closes with its attribution), else to the previous one
    within reach; otherwise "unattributed".

    Parameters
    ----------
    attributions : table from find_attributions on `sentences`.
    sentences : the sentence table (needs `doc_id`, `sent_id`, `text` and the `by` column(s)).
    by : the group column, or a list of them.
    speakers : the speaker lexicon find_attributions used, for the order of speaker groups.

    Returns
    -------
    DataFrame, one row per group x speaker group: the `by` column(s),
    `speaker_group` (ordered: the lexicon's groups in file order, then "other",
    "unresolved", "unattributed"), `attributions`, `quoted_words`,
    `attribution_share`, `quoted_word_share`.
    """
    groups = require_by(sentences, by, "quoted_words_by_speaker (sentences)")
    require_by(attributions, groups, "quoted_words_by_speaker (attributions)")
    require_columns(sentences, ("doc_id", "sent_id", "text"), "quoted_words_by_speaker")
    require_columns(attributions, ("doc_id", "sent_id", "kind", "speaker_group"), "quoted_words_by_speaker")
    words = voice_words(sentences)
    direct = attributions[attributions["kind"] == "direct"].drop_duplicates(["doc_id", "sent_id"])
    speaker_at = {(d, s): g for d, s, g in zip(direct["doc_id"], direct["sent_id"], direct["speaker_group"])}
    credited = []
    for doc_id, doc_words in words.groupby("doc_id", sort=False):
        ids = doc_words["sent_id"].to_numpy()
        quoted = doc_words["quoted_words"].to_numpy()
        for position, (sent_id, n) in enumerate(zip(ids, quoted)):
            if n:
                credited.append((doc_id, sent_id, n, _credit(doc_id, ids, quoted, position, speaker_at)))
    credit = pd.DataFrame(credited, columns=["doc_id", "sent_id", "quoted_words", "speaker_group"])
    credit = credit.merge(sentences[["doc_id", "sent_id", *groups]], on=["doc_id", "sent_id"], how="left")
    quoted_totals = credit.groupby([*groups, "speaker_group"])["quoted_words"].sum()
    attribution_counts = attributions.groupby([*groups, "speaker_group"]).size()
    table = pd.concat({"attributions": attribution_counts, "quoted_words": quoted_totals}, axis=1).fillna(0)
    table = table.astype("int64").reset_index()
    order = category_order(table["speaker_group"], load_lexicon(speakers, default="speakers.csv").table["concept"])
    table = table.assign(speaker_group=pd.Categorical(table["speaker_group"], categories=order, ordered=True))
    table = table.sort_values([*groups, "speaker_group"], kind="stable").reset_index(drop=True)
    return table.assign(
        attribution_share=(table["attributions"] / table.groupby(groups)["attributions"].transform("sum")).round(4),
        quoted_word_share=(table["quoted_words"] / table.groupby(groups)["quoted_words"].transform("sum")).round(4),
    )


def _credit(doc_id, ids, quoted, position, speaker_at) -> str:
    if (doc_id, ids[position]) in speaker_at:
        return speaker_at[(doc_id, ids[position])]
    for step in range(1, QUOTE_REACH + 1):  # forward: the quotation closes with its attribution
        ahead = position + step
        if ahead >= len(ids) or not quoted[ahead]:
            break
        if (doc_id, ids[ahead]) in speaker_at:
            return speaker_at[(doc_id, ids[ahead])]
    for step in range(1, QUOTE_REACH + 1):  # backward: 'X said: "..." "..."'
        behind = position - step
        if behind < 0:
            break
        if (doc_id, ids[behind]) in speaker_at:
            return speaker_at[(doc_id, ids[behind])]
        if not quoted[behind]:
            break
    return "unattributed"
