"""Closed-class word lists and noun-phrase rules for rule-based analysis without a tagger.

No part-of-speech tagger can be downloaded here, so agency and attribution
rely on what closed word classes and punctuation reveal: auxiliaries,
determiners, prepositions, conjunctions, pronouns. The noun phrase rules are
deliberately simple and documented; they are tested on sentences written to
cover news style, headlines and quotations.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.language.tokens import Tokenizer
from analysis.paths import data_file

# Abbreviations such as "U.S." stay one token; "Iran’s" and "al-Muhandis" too.
TOKENS = Tokenizer(r"[A-Z](?:\.[A-Z])+\.?|\w+(?:[-'’]\w+)*|[^\w\s]")


@lru_cache(maxsize=1)
def function_words() -> dict[str, frozenset[str]]:
    """The closed word classes of `analysis/data/function_words.csv`: class -> its words (lower case)."""
    table = pd.read_csv(data_file("function_words.csv"), dtype=str, keep_default_na=False)
    return {name: frozenset(words.lower().split()) for name, words in zip(table["class"], table["words"])}


_CLASSES = function_words()
BE = _CLASSES["be"]
GET = _CLASSES["get"]
HAVE = _CLASSES["have"]
MODALS = _CLASSES["modal"]
DETERMINERS = _CLASSES["determiner"]
PRONOUNS = _CLASSES["pronoun"]
RELATIVES = _CLASSES["relative"]
PREPOSITIONS = _CLASSES["preposition"]
NP_INTERNAL = _CLASSES["np_internal_preposition"]
CONJUNCTIONS = _CLASSES["conjunction"]
ADVERBS = _CLASSES["adverb"]
SPEECH_VERBS = _CLASSES["speech_verb"]
PERSONAL_PRONOUNS = _CLASSES["personal_pronoun"]
NAME_CONNECTORS = _CLASSES["name_connector"]
#: Finite verbs that end a noun phrase: verbs of speech and of belief.
REPORTING = SPEECH_VERBS | _CLASSES["cognition_verb"]
#: Auxiliaries and modals, which end a noun phrase (united once here, not for every token looked at).
AUXILIARIES = BE | HAVE | MODALS
_NOT_NOUNS = PREPOSITIONS | CONJUNCTIONS | AUXILIARIES | PRONOUNS
STOP_PUNCTUATION = frozenset(list(",.;:!?()[]{}\"“”‘’'—–-…"))


@lru_cache(maxsize=1)
def title_abbreviations() -> frozenset[str]:
    """Abbreviations that stand before a name ("Mr.", "Sen.", "Lt."): the shipped news abbreviations without a dot inside."""
    lines = data_file("news_abbreviations.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip().isalpha() and not line.startswith("#"))


def is_title_dot(tokens: list[str], j: int) -> bool:
    """Whether tokens[j] is the full stop of a title abbreviation ("Mr" "." in "Mr. Abdulla"), not a sentence's end."""
    return (tokens[j] == "." and j > 0 and tokens[j - 1][:1].isupper()
            and tokens[j - 1].lower() in title_abbreviations())


def _is_title_of(tokens: list[str], j: int, collected: list[str]) -> bool:
    """'Secretary of State Mike Pompeo', 'Minister of Foreign Affairs': an "of" between capitalised words is part of
    a title, not a phrase attached to a head."""
    return (tokens[j].lower() == "of" and j > 0 and tokens[j - 1][:1].isupper()
            and bool(collected) and all(word[:1].isupper() for word in collected))


#: How many tokens to each side of a verb or noun the agency and attribution rules may look at. Each walk (a noun
#: phrase leftwards, a run of auxiliaries, a list of speakers) otherwise could cross a whole sentence for every
#: match, quadratic in a sentence without punctuation. News phrases and lists are far shorter: on the seeds, the
#: BBC corpus and the AllSides, NewsMTSC and Narrative Frames texts no result changes with a window of 28 or more.
RULE_WINDOW = 40


def window(tokens: list[str], i: int, reach: int = RULE_WINDOW) -> tuple[list[str], int]:
    """The tokens within `reach` of position `i`, and the position of tokens[i] among them."""
    low = max(0, i - reach)
    return tokens[low:i + reach + 1], i - low


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of `text`."""
    return [(text[start:end], start, end) for start, end in TOKENS.span_tokenize(text)]


def is_adverb(token: str) -> bool:
    lower = token.lower()
    return lower in ADVERBS or (lower.endswith("ly") and lower.isalpha() and len(lower) > 4 and token.islower())


def is_verb_like(token: str, previous: str | None) -> bool:
    """A lower-case word that reads as a finite verb: a reporting verb, or an -ed form not after a determiner."""
    if not token.islower():
        return False  # "States", "Says" in a headline name things more often than they report
    if token in REPORTING:
        return True
    return token.endswith("ed") and (previous or "").lower() not in DETERMINERS


def noun_phrase_left(tokens: list[str], end: int, *, head: bool = True) -> str:
    """The noun phrase that ends just before position `end`.

    Walks left until punctuation, a conjunction, a verb or a phrase-initial
    preposition. With `head`, a prepositional phrase inside the noun phrase
    ("a missile strike near the airport") is dropped and the head kept ("a
    missile strike"); without it, the nearest noun phrase is returned ("the
    attack" in "the fallout from the attack").
    """
    collected: list[str] = []
    j = end - 1
    while j >= 0:
        token = tokens[j]
        lower = token.lower()
        previous = tokens[j - 1] if j > 0 else None
        if token == "." and is_title_dot(tokens, j):  # "Sen. Mike Lee": the title and its dot are one word
            collected.insert(0, previous + ".")
            j -= 2
            continue
        if token in STOP_PUNCTUATION or lower in CONJUNCTIONS:  # "that" here is a complementiser, not a determiner
            break
        if lower in PRONOUNS and not collected:
            return token
        if lower == "of" and _is_title_of(tokens, j, collected):  # (the test of "of" first: this loop is hot)
            collected.insert(0, token)
            j -= 1
            continue
        if lower in PREPOSITIONS:
            if head and lower in NP_INTERNAL and collected and previous and _noun_like(previous, tokens[j - 2] if j > 1 else None):
                collected = []
                j -= 1
                continue
            break
        if is_verb_like(token, previous) or lower in AUXILIARIES:
            break
        collected.insert(0, token)
        if lower in DETERMINERS:
            before = (previous or "").lower()
            if head and before in NP_INTERNAL and j > 1 and _noun_like(tokens[j - 2], tokens[j - 3] if j > 2 else None):
                collected = []
                j -= 2
                continue
            break
        j -= 1
    return " ".join(collected)


def noun_phrase_right(tokens: list[str], start: int, limit: int = 8, *, of_phrases: bool = False) -> str:
    """The noun phrase that starts at position `start`, up to a preposition, punctuation, conjunction or verb.

    With `of_phrases`, an "of" phrase stays attached ("the press service of the Russian Foreign Ministry").
    """
    collected: list[str] = []
    for j in range(start, min(len(tokens), start + limit)):
        token = tokens[j]
        lower = token.lower()
        if of_phrases and lower == "of" and collected:
            collected.append(token)
            continue
        if is_title_dot(tokens, j) and collected:  # "says Mr. Abdulla": the dot belongs to the title
            collected[-1] += "."
            continue
        if token in STOP_PUNCTUATION or lower in PREPOSITIONS:
            break
        if collected and lower in RELATIVES:
            break  # a relative clause follows its noun: "a drone that was launched" -> "a drone"
        if lower in CONJUNCTIONS and (lower not in DETERMINERS or not collected and lower == "that"):
            break
        if collected and (is_verb_like(token, tokens[j - 1]) or lower in AUXILIARIES):
            break
        collected.append(token)
    return " ".join(collected)


def _noun_like(token: str, previous: str | None) -> bool:
    lower = token.lower()
    if token in STOP_PUNCTUATION or lower in _NOT_NOUNS:
        return False
    return not is_verb_like(token, previous)
